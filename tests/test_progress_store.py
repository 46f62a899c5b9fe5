"""The attempt store: append-only attempts with their checks; reference runs are not the learner's."""
from __future__ import annotations

import datetime as dt

import pytest

from course import catalog
from course.catalog import Module
from course.errors import InfrastructureError
from course.grade import GradeRequest, grade
from course.progress import Store
from course.verdict import CheckResult, Verdict


def verdict(module="module2", learner="alice", passed=True, error=None):
    checks = [CheckResult("test_a", "A", "outputs", 2, True), CheckResult("test_b", "B", "cleanup", 1, passed,
                                                                           hint="" if passed else "delete it")]
    return Verdict(module=module, learner=learner, checks=checks, error=error, exit_code=0 if passed else 1)


@pytest.fixture
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'progress.sqlite'}")


def now():
    return dt.datetime.now(dt.UTC)


def test_attempts_keep_every_check_and_are_append_only(store):
    first = store.record(verdict(passed=False), started=now(), backend="local")
    second = store.record(verdict(passed=True), started=now(), backend="local")
    assert second > first
    attempts = store.attempts(learner="alice", module="module2")
    assert [a.status for a in attempts] == ["failed", "passed"]
    assert [(c.name, c.passed, c.hint) for c in attempts[0].checks] == [("test_a", True, ""),
                                                                        ("test_b", False, "delete it")]
    assert attempts[0].score == 2 and attempts[0].max_score == 3


def test_reference_runs_do_not_count_as_the_learners_pass(store):
    store.record(verdict(), started=now(), backend="local", reference=True)
    assert not store.passed("alice", "module2")
    store.record(verdict(), started=now(), backend="local")
    assert store.passed("alice", "module2") and not store.passed("bob", "module2")


def test_a_store_that_cannot_be_written_is_an_infrastructure_error(tmp_path):
    path = tmp_path / "broken.sqlite"
    store = Store(f"sqlite:///{path}")
    store.engine.dispose()
    path.write_bytes(b"this is not a database" * 100)  # e.g. clobbered by another program
    with pytest.raises(InfrastructureError, match="could not be recorded"):
        store.record(verdict(), started=now(), backend="local")


def test_prerequisites_are_checked_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_HOME", str(tmp_path))
    later = Module(id="module9", title="Later", notebook="module2_videogame_sales.ipynb",
                   checks="test_module2_videogame_sales.py", prerequisites=("module2",))
    monkeypatch.setitem(catalog.MODULES, "module9", later)
    outcome = grade(GradeRequest(module="module9", learner="alice"))
    assert outcome.verdict.exit_code == 2
    assert "builds on module2" in outcome.verdict.error and "--skip-prerequisites" in outcome.verdict.error
    store = Store()
    assert store.attempts(learner="alice")[-1].status == "error"
    store.record(verdict(), started=now(), backend="local")  # alice passes module2 with her own work
    monkeypatch.setattr("course.grade._grade_locked", lambda *args, **kwargs: None)
    outcome = grade(GradeRequest(module="module9", learner="alice", reference=True))
    assert "builds on" not in (outcome.verdict.error or "")
