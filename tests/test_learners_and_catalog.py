"""Unit tests of course/learners.py, course/catalog.py and course/regions.py."""
from __future__ import annotations

import pytest

from course import catalog, learners
from course.errors import EXIT_BAD_INPUT, BadInput
from course.regions import SUPPORTED_REGIONS, XGBOOST_REPOSITORIES, xgboost_image


# ------------------------------------------------------------------ learners.validate
@pytest.mark.parametrize("learner", ["alice", "bo", "bob-2", "a1", "x-y-z", "a" * 20, "team-7-learner"])
def test_validate_accepts_good_ids(learner):
    assert learners.validate(learner) == learner


@pytest.mark.parametrize("learner", [
    "", None, "a", "Alice", "1alice", "-alice", "alice-", "al_ice", "al ice", "alice.b", "a" * 21,
    "élodie", "\nalice", "alice\nbob",
])
def test_validate_rejects_bad_ids(learner):
    with pytest.raises(BadInput) as info:
        learners.validate(learner)
    assert info.value.exit_code == EXIT_BAD_INPUT == 2
    assert repr(learner) in info.value.cause
    assert "--learner" in info.value.action


def test_validate_rejects_a_trailing_newline():
    with pytest.raises(BadInput):
        learners.validate("alice\n")


# ------------------------------------------------------------------ learners.default_learner
@pytest.mark.parametrize("raw, expected", [
    ("alice", "alice"),
    ("Alice Smith", "alice-smith"),
    ("j.doe@example.com", "j-doe-example-com"),
    ("--Bob--", "bob"),
    ("1234", "learner-1234"),
    ("_svc", "svc"),
    ("Jöhn", "j-hn"),
    ("___", "learner"),
    ("averyveryverylongloginname", "averyveryverylonglog"),
    ("abcdefghijklmnopqrs-tuv", "abcdefghijklmnopqrs"),  # no trailing hyphen after the cut
])
def test_default_learner_sanitises_grader_learner(monkeypatch, raw, expected):
    monkeypatch.setenv("GRADER_LEARNER", raw)
    name = learners.default_learner()
    assert name == expected
    assert learners.validate(name) == name


def test_default_learner_falls_back_to_the_login_name(monkeypatch):
    monkeypatch.delenv("GRADER_LEARNER", raising=False)
    monkeypatch.setattr(learners.getpass, "getuser", lambda: "Jane_Doe")
    assert learners.default_learner() == "jane-doe"


def test_default_learner_without_any_login_name(monkeypatch):
    monkeypatch.delenv("GRADER_LEARNER", raising=False)
    monkeypatch.setattr(learners.getpass, "getuser", lambda: "")
    assert learners.default_learner() == "learner"


@pytest.mark.parametrize("raw", ["x", "X", "-x-"])
def test_default_learner_is_always_a_valid_id(monkeypatch, raw):
    monkeypatch.setenv("GRADER_LEARNER", raw)
    learners.validate(learners.default_learner())


# ------------------------------------------------------------------ learners.emulated_account_id
def test_emulated_account_id_is_12_digits_and_stable():
    account = learners.emulated_account_id("alice")
    assert len(account) == 12 and account.isdigit() and account[0] != "0"
    assert learners.emulated_account_id("alice") == account
    assert account == "311951781710"  # the backend's state outlives a grader upgrade


def test_emulated_account_ids_differ_between_learners():
    names = ["alice", "bob", "carol"] + [f"learner-{i}" for i in range(200)]
    accounts = {learners.emulated_account_id(n) for n in names}
    assert len(accounts) == len(names)
    assert all(len(a) == 12 and a.isdigit() for a in accounts)


# ------------------------------------------------------------------ catalog
def test_catalog_get_known_module():
    module = catalog.get("module2")
    assert module.id == "module2"
    assert module.source_notebook.is_file()
    assert module.checks_file.is_file()


@pytest.mark.parametrize("module_id", ["nope", "", "Module2", "module3"])
def test_catalog_get_unknown_module_lists_the_valid_ones(module_id):
    with pytest.raises(BadInput) as info:
        catalog.get(module_id)
    error = info.value
    assert error.exit_code == EXIT_BAD_INPUT
    assert repr(module_id) in error.cause
    for valid in catalog.MODULES:
        assert valid in error.action
    assert "\n" not in error.one_line()


# ------------------------------------------------------------------ regions
def test_every_supported_region_has_repositories():
    assert set(XGBOOST_REPOSITORIES) == set(SUPPORTED_REGIONS)
    assert "us-east-1" in SUPPORTED_REGIONS


@pytest.fixture(scope="module")
def image_uris():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAGEMAKER_SUPPRESS_V2_WARNING", "1")
        from sagemaker import image_uris

        yield image_uris


@pytest.mark.parametrize("region", SUPPORTED_REGIONS)
@pytest.mark.parametrize("version", ["latest", "1", "1.7-1"])
def test_xgboost_repositories_match_the_pinned_sdk(image_uris, region, version):
    assert xgboost_image(region, version) == image_uris.retrieve("xgboost", region, version)
