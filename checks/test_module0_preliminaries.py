"""Checks of module0, Preliminaries: the learner's environment, identity, region and registration.

Outputs: the notebook ran and the environment meets the course's requirements. Resources: the
identity the notebook saw is the learner's own, in a course region, and the learner is
registered in the progress store. Each assertion message is the hint the learner sees.
"""
from __future__ import annotations

import datetime as dt

import pytest
from check_helpers import assert_notebook_ran
from packaging.version import InvalidVersion, Version

from course.regions import SUPPORTED_REGIONS

REQUIRED = {"python": ("3.10", None), "sagemaker": ("2.250", "3"), "boto3": ("1.40", "2"),
            "pandas": ("2.2", "4"), "numpy": ("2.0", "3")}


def _utc(moment) -> dt.datetime:
    """A stored or recorded time as aware UTC (SQLite gives it back naive)."""
    moment = dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@pytest.mark.group("outputs")
@pytest.mark.points(1)
def test_notebook_ran_without_error(run):
    """The notebook ran from top to bottom without an error."""
    assert_notebook_ran(run)


@pytest.mark.group("outputs")
@pytest.mark.points(1)
def test_environment_meets_the_course_requirements(run):
    """Python and the course's packages are in versions the course supports."""
    versions = run.recorded.get("versions")
    assert versions, ("Your notebook did not report its package versions: run the cell under "
                      "'Your Python environment' (it needs the packages of requirements.txt).")
    for package, (lowest, too_new) in REQUIRED.items():
        installed = versions.get(package)
        assert installed, f"{package} is not installed in your kernel. Install it: pip install -r requirements.txt"
        try:
            ok = Version(lowest) <= Version(installed) and (too_new is None or Version(installed) < Version(too_new))
        except InvalidVersion:
            ok = False
        wanted = f">={lowest}" + (f",<{too_new}" if too_new else "")
        assert ok, (f"Your kernel has {package} {installed}; the course needs {package}{wanted}. "
                    f"Install it: pip install '{package}{wanted}'" if package != "python" else
                    f"Your kernel runs Python {installed}; the course needs Python 3.10 or newer.")


@pytest.mark.group("resources")
@pytest.mark.exercise("identity")
@pytest.mark.points(2)
def test_identity_is_your_own(run, aws):
    """The identity the notebook saw is your own, in your account."""
    identity = run.recorded.get("identity")
    assert identity, ("Your notebook did not ask AWS who you are. In exercise 'identity', set "
                      "identity = boto3.client('sts', region_name=region).get_caller_identity().")
    actual = aws.sts.get_caller_identity()
    assert identity.get("Account") == actual["Account"], (
        f"The identity your notebook reported is in account {identity.get('Account')}, but you are in "
        f"{actual['Account']}. Report the answer of get_caller_identity() itself, not a value you typed.")
    assert identity.get("Arn") == actual["Arn"], (
        f"Your notebook reported the identity {identity.get('Arn')}, but you are {actual['Arn']}. "
        "Keep the answer of get_caller_identity() as identity.")


@pytest.mark.group("outputs")
@pytest.mark.exercise("region")
@pytest.mark.points(1)
def test_region_is_one_the_course_supports(run):
    """The notebook checked that your region is one of the course's and that SageMaker answers there."""
    check = run.recorded.get("region_check")
    assert check, ("Your notebook did not check its region. In exercise 'region', define COURSE_REGIONS, "
                   "raise a ValueError for any other region and count your endpoints with list_endpoints().")
    assert check.get("region") == run.region, (
        f"Your notebook checked the region {check.get('region')}, but you work in {run.region}. "
        "Use the `region` parameter, not a region you typed.")
    assert sorted(check.get("course_regions") or []) == sorted(SUPPORTED_REGIONS), (
        f"COURSE_REGIONS is {check.get('course_regions')}; the course's regions are "
        f"{', '.join(SUPPORTED_REGIONS)}.")
    assert isinstance(check.get("endpoint_count"), int), (
        "endpoint_count should be the number of endpoints list_endpoints() lists, e.g. "
        "len(sagemaker_client.list_endpoints()['Endpoints']).")


@pytest.mark.group("resources")
@pytest.mark.exercise("register")
@pytest.mark.points(2)
def test_learner_registered_in_the_progress_store(run, store):
    """You are registered with the course under your learner id."""
    recorded = run.recorded.get("registration")
    assert recorded, ("Your notebook did not register you. In exercise 'register', set full_name to your name "
                      "and call registration = register(learner, full_name, identity['Account'], region).")
    row = store.registration(run.learner)
    assert row is not None, (
        f"The course's progress store has no registration for {run.learner}. Call register(learner, ...) with "
        "the `learner` parameter, not an id you typed.")
    assert row.name == recorded.get("name") and recorded.get("learner") == run.learner, (
        f"The store registers {run.learner} as {row.name!r}, not as your notebook reported "
        f"({recorded.get('name')!r}). Run the registration cell again.")
    assert recorded.get("updated") and abs((_utc(row.updated) - _utc(recorded["updated"])).total_seconds()) < 1, (
        "Your registration in the store is not the one this run made. Run the registration cell again.")
    assert row.account_id == run.info.account_id, (
        f"You registered with account {row.account_id or '(none)'}, but yours is {run.info.account_id}. "
        "Pass identity['Account'] to register(...).")
    assert row.region == run.region, (
        f"You registered with the region {row.region or '(none)'}; you work in {run.region}. Pass `region`.")
