"""The progress store and the class gradebook, on SQLite and on a real PostgreSQL server: the same tests.

PostgreSQL comes from GRADER_TEST_POSTGRES_URL (an account that may create databases; `.ci/run`
installs and starts a server and sets it); each test gets a database of its own.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy
from class_seed import seed
from sqlalchemy import text

from course import gradebook, progress_command
from course.progress import HEAD, MIGRATIONS, Store, export_attempts, import_attempts, schema_revision
from course.verdict import CheckResult, Verdict

POSTGRES = os.environ.get("GRADER_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'progress.sqlite'}"
        return
    if not POSTGRES:
        pytest.skip("GRADER_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    admin = sqlalchemy.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    name = f"grader_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield str(sqlalchemy.engine.make_url(POSTGRES).set(database=name).render_as_string(hide_password=False))
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def _verdict(learner, module, passed_checks, failed_checks=(), group="resources"):
    checks = [CheckResult(name, name, group, 2, True) for name in passed_checks]
    checks += [CheckResult(name, name, "cleanup" if "left" in name else group, 2, False, hint=f"fix {name}")
               for name in failed_checks]
    return Verdict(module=module, learner=learner, checks=checks, exit_code=0 if not failed_checks else 1)


def _record(store, learner, module, passed=(), failed=(), minutes=0, reference=False):
    started = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=100 - minutes)  # each attempt finishes now
    return store.record(_verdict(learner, module, passed, failed), started=started, backend="local",
                        run_dir=f"/runs/{learner}/{module}/{minutes}", reference=reference)


def test_a_new_store_is_at_the_newest_migration(store_url):
    store = Store(store_url)
    assert schema_revision(store.engine) == HEAD
    newest = sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py"))[-1]
    assert newest.startswith(HEAD + "_"), "HEAD in progress.py names the newest migration"
    Store(store_url)  # opening it again changes nothing


def test_a_store_made_before_migrations_is_upgraded_and_keeps_its_attempts(store_url):
    from alembic import command
    from alembic.config import Config

    engine = sqlalchemy.create_engine(store_url)
    with engine.begin() as connection:  # the first release's schema, created without Alembic's table
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text("INSERT INTO learners (id, registered) VALUES ('old', :t)"),
                           {"t": dt.datetime(2026, 1, 1)})
        connection.execute(text(
            "INSERT INTO attempts (learner, module, started, finished, status, reference, score, max_score, backend,"
            " notebook, notebook_sha256, run_dir, seconds, exit_code) VALUES ('old', 'module2', :t, :t, 'passed',"
            " false, 19, 19, 'local', '', '', '/runs/old', 12.0, 0)"), {"t": dt.datetime(2026, 1, 1)})
    engine.dispose()
    store = Store(store_url)
    assert schema_revision(store.engine) == HEAD
    [attempt] = store.attempts("old")
    assert attempt.score == 19 and len(attempt.uid) == 36 and attempt.output_notebook == "/runs/old/output.ipynb"
    assert store.passed("old", "module2")


def test_attempts_and_their_checks_are_append_only(store_url):
    store = Store(store_url)
    attempt = _record(store, "alice", "module2", ["test_a"], ["test_b"])
    for statement in ("UPDATE attempts SET score = 99", "DELETE FROM attempts",
                      "UPDATE check_results SET passed = true", "DELETE FROM check_results"):
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"):
            with store.engine.begin() as connection:
                connection.execute(text(statement))
    [row] = store.attempts("alice")
    assert row.id == attempt and row.score == 2 and len(row.checks) == 2


def test_matrix_counts_own_attempts_best_scores_and_time_to_pass(store_url):
    store = Store(store_url)
    _record(store, "alice", "module2", ["test_a"], ["test_b"], minutes=0)
    _record(store, "alice", "module2", ["test_a", "test_b"], minutes=30)
    _record(store, "alice", "module0", [], ["test_no_endpoint_left"], minutes=60)
    _record(store, "bob", "module2", ["test_a", "test_b"], reference=True)  # the shipped solution: not bob's
    _record(store, "bob", "module2", [], ["test_a", "test_b"], minutes=5)
    store.register("alice", "Alice Liddell")
    progress = gradebook.class_progress(store, sort="progress")
    assert [row.learner for row in progress.learners] == ["alice", "bob"]
    alice, bob = progress.learners
    assert alice.name == "Alice Liddell" and alice.passed == 1
    cell = alice.cells["module2"]
    assert (cell.attempts, cell.best_score, cell.max_score, cell.passed) == (2, 4, 4, True)
    assert 99.9 <= cell.minutes_to_pass <= 100.5, "from the first attempt's start to the passing one's end"
    assert bob.cells["module2"].attempts == 1 and not bob.cells["module2"].passed
    stats = {s.module: s for s in progress.module_stats}
    assert (stats["module2"].tried, stats["module2"].passed) == (2, 1)
    failing = {(f.module, f.check): f.learners for f in progress.failing_checks}
    assert failing == {("module2", "test_a"): 1, ("module2", "test_b"): 1, ("module0", "test_no_endpoint_left"): 1}
    assert [(item.learner, item.module) for item in progress.leftovers] == [("alice", "module0")]


def test_export_then_import_twice_adds_each_attempt_once(store_url, tmp_path):
    source = Store(f"sqlite:///{tmp_path / 'learner-laptop.sqlite'}")
    _record(source, "carol", "module0", ["test_a"])
    _record(source, "carol", "module2", ["test_a"], ["test_b"], minutes=10)
    source.register("carol", "Carol Danvers")
    document = json.loads(json.dumps(export_attempts(source)))  # as it travels: a JSON file
    target = Store(store_url)
    _record(target, "dave", "module0", ["test_a"])
    assert import_attempts(target, document) == (2, 0)
    assert import_attempts(target, document) == (0, 2)
    imported = target.attempts("carol")
    assert [a.module for a in imported] == ["module0", "module2"] and imported[1].checks[1].hint == "fix test_b"
    assert {a.uid for a in imported} == {a["uid"] for a in document["attempts"]}
    assert target.registration("carol").name == "Carol Danvers"
    with pytest.raises(ValueError):
        import_attempts(target, {"format": "something else"})


def test_seeded_class_reads_back_exactly(store_url):
    store = Store(store_url)
    seeded = seed(store, learners=40)
    progress = gradebook.class_progress(store)
    assert len(progress.learners) == 40 and progress.modules[:7] == seeded["modules"]
    for row in progress.learners:
        for module, cell in row.cells.items():
            want = seeded["expected"][(row.learner, module)]
            assert (cell.attempts, cell.best_score, cell.passed) == (want["attempts"], want["best"], want["passed"])
    assert sum(len(r.cells) for r in progress.learners) == len(seeded["expected"])
    left = {(i.learner, i.module) for i in progress.leftovers}
    assert left == {key for key, want in seeded["expected"].items() if want["latest_left"]}


# ------------------------------------------------------------------ the commands, on SQLite
@pytest.fixture
def seeded_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    seed(Store(url), learners=12)
    monkeypatch.setenv("GRADER_STORE", url)
    return url


def test_progress_csv_has_the_documented_columns(seeded_store, capsys):
    assert progress_command.main(["--csv", "--module", "module2"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == list(progress_command.CSV_COLUMNS)
    assert {r["module"] for r in rows} == {"module2"} and len(rows) == 12
    assert all(r["passed"] in ("true", "false") for r in rows)


def test_progress_json_and_table_sorted_by_progress(seeded_store, capsys):
    assert progress_command.main(["--json", "--sort", "progress"]) == 0
    document = json.loads(capsys.readouterr().out)
    passed = [learner["modules_passed"] for learner in document["learners"]]
    assert passed == sorted(passed, reverse=True) and len(document["module_stats"]) == 7
    assert progress_command.main([]) == 0
    table = capsys.readouterr().out
    assert "Class progress: 12 learners" in table and "learner-00011" in table and "Passed per module" in table


def test_progress_of_one_learner_lists_attempts_with_failed_checks(seeded_store, capsys):
    assert progress_command.main(["learner-00003"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("learner-00003 (Learner 00003):") and "✘ test_" in out and "Fix test_" in out


def test_progress_import_command_is_idempotent_and_refuses_other_files(seeded_store, tmp_path, capsys):
    exported = tmp_path / "alice.json"
    assert progress_command.main(["export", "-o", str(exported), "--learner", "learner-00001"]) == 0
    target = f"sqlite:///{tmp_path / 'class-store.sqlite'}"
    assert progress_command.main(["import", str(exported), "--store", target]) == 0
    assert progress_command.main(["import", str(exported), "--store", target]) == 0
    out = capsys.readouterr().out
    assert "attempts added, 0 already" in out and " 0 attempts added" in out
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    from course.errors import BadInput
    with pytest.raises(BadInput, match="is not JSON"):
        progress_command.main(["import", str(bad), "--store", target])


def test_report_writes_one_self_contained_page(seeded_store, tmp_path):
    page = tmp_path / "report.html"
    assert progress_command.report_main(["--html", str(page)]) == 0
    html = page.read_text()
    assert html.count('<tr data-learner="learner-') >= 12 and 'id="chart-pass-rate"' in html
    for external in ("http://", "https://", "<script src", "<link "):
        assert external not in html, f"the page must work offline: found {external!r}"
    assert Path(page).stat().st_size < 200_000


def test_a_store_from_a_newer_grader_is_a_one_line_error(store_url):
    from course.errors import InfrastructureError

    store = Store(store_url)
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(InfrastructureError, match="revision 0099, newer than this grader's"):
        Store(store_url)


def test_an_imported_older_attempt_is_not_the_latest(store_url, tmp_path):
    laptop = Store(f"sqlite:///{tmp_path / 'laptop.sqlite'}")
    _record(laptop, "erin", "module2", [], ["test_no_endpoint_left"], minutes=0)  # older, left its endpoint
    target = Store(store_url)
    _record(target, "erin", "module2", ["test_no_endpoint_left"], minutes=50)  # newer, cleaned up
    assert import_attempts(target, json.loads(json.dumps(export_attempts(laptop)))) == (1, 0)
    assert gradebook.leftovers(target) == [] and gradebook.failing_checks(target) == []


def test_import_refuses_every_file_before_importing_any(seeded_store, tmp_path):
    from course.errors import BadInput

    good = tmp_path / "good.json"
    assert progress_command.main(["export", "-o", str(good), "--learner", "learner-00002"]) == 0
    broken = json.loads(good.read_text())
    broken["attempts"][0]["learner"] = "Not A Learner"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    target = f"sqlite:///{tmp_path / 'target.sqlite'}"
    with pytest.raises(BadInput, match="bad.json is not an export of attempts"):
        progress_command.main(["import", str(good), str(bad), "--store", target])
    assert Store(target).attempts() == [], "nothing was imported"
