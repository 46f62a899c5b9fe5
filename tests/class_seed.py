"""A made-up class in a progress store, for the gradebook's tests, the browser test and the benchmark.

Deterministic (seeded random): each learner tries each module 0..N times, later attempts score
better, some pass, some leave an endpoint running (a failed cleanup check). Written with
SQLAlchemy Core executemany, so 10,000 learners x 7 modules x 3 attempts take seconds.
"""
from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import insert, text

from course.progress import Attempt, CheckRow, Learner, Registration, Store

MODULES = {  # module: [(check, group, points), ...]: 7 modules, as the workshop has
    "module0": [("test_notebook_ran_without_error", "outputs", 1), ("test_identity_is_your_own", "resources", 2),
                ("test_learner_registered_in_the_progress_store", "resources", 2)],
    "module1": [("test_notebook_ran_without_error", "outputs", 1),
                ("test_execution_role_trusts_sagemaker_and_has_full_access", "resources", 3),
                ("test_notebook_instance_is_in_service", "resources", 2)],
    "module2": [("test_notebook_ran_without_error", "outputs", 1),
                ("test_training_completed_with_validation_auc_at_least_0_80", "resources", 3),
                ("test_endpoint_served_the_model_trained_by_this_job", "resources", 3),
                ("test_no_endpoint_left_running", "cleanup", 2)],
    "module3": [("test_notebook_ran_without_error", "outputs", 1), ("test_transfer_learning", "resources", 3)],
    "module4": [("test_notebook_ran_without_error", "outputs", 1), ("test_script_mode_job", "resources", 3)],
    "module5": [("test_notebook_ran_without_error", "outputs", 1), ("test_training_job_created_by_the_aws_cli",
                                                                      "resources", 3),
                ("test_no_endpoint_left_running", "cleanup", 2)],
    "module6": [("test_notebook_ran_without_error", "outputs", 1),
                ("test_no_endpoint_or_job_left_running", "cleanup", 3)],
}
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def seed(store: Store, learners: int, modules: int = 7, max_attempts: int = 3, seed: int = 1729,
         batch: int = 20_000, every_attempt: bool = False) -> dict:
    """Write the class; returns what was written (counts, and per learner and module what to expect).

    every_attempt: each learner makes max_attempts attempts at every module (the benchmark's class).
    """
    rng = random.Random(seed)
    chosen = list(MODULES)[:modules]
    learner_rows, registrations, attempts, checks = [], [], [], []
    expected: dict[tuple[str, str], dict] = {}
    attempt_id = check_id = 0
    for index in range(learners):
        learner = f"learner-{index:05d}"
        learner_rows.append({"id": learner, "registered": START})
        registrations.append({"learner": learner, "name": f"Learner {index:05d}", "account_id": "", "region": "",
                              "registered": START, "updated": START})
        for position, module in enumerate(chosen):
            tries = rng.randint(0, max_attempts) if position else max(1, rng.randint(0, max_attempts))
            tries = max_attempts if every_attempt else tries
            started = START + dt.timedelta(days=position, minutes=rng.randint(0, 600))
            for attempt in range(tries):
                attempt_id += 1
                last = attempt == tries - 1
                passing = last and rng.random() < 0.7
                leaves_endpoint = not passing and rng.random() < 0.3
                rows = []
                for check, group, points in MODULES[module]:
                    ok = passing or (group != "cleanup" and rng.random() < 0.5 + 0.2 * attempt) or (
                        group == "cleanup" and not leaves_endpoint)
                    check_id += 1
                    rows.append({"id": check_id, "attempt_id": attempt_id, "name": check, "title": check[5:],
                                 "group": group, "points": points, "passed": ok, "exercise": None, "details": "",
                                 "hint": "" if ok else f"Fix {check} (attempt {attempt + 1})."})
                score = sum(r["points"] for r in rows if r["passed"])
                total = sum(r["points"] for r in rows)
                status = "passed" if score == total else "failed"
                begun = started + dt.timedelta(minutes=35 * attempt)
                attempts.append({"id": attempt_id, "uid": str(uuid.UUID(int=rng.getrandbits(128))),
                                 "learner": learner, "module": module, "started": begun,
                                 "finished": begun + dt.timedelta(seconds=40), "status": status, "reference": False,
                                 "score": score, "max_score": total, "backend": "local", "notebook": "",
                                 "notebook_sha256": "", "run_dir": "", "output_notebook": "", "seconds": 40.0,
                                 "error": None, "exit_code": 0 if status == "passed" else 1})
                checks.extend(rows)
                cell = expected.setdefault((learner, module), {"attempts": 0, "best": 0, "passed": False})
                cell["attempts"] += 1
                cell["best"] = max(cell["best"], score)
                cell["passed"] = cell["passed"] or status == "passed"
                cell["latest_left"] = any(r["group"] == "cleanup" and not r["passed"] for r in rows)
    with store.engine.begin() as connection:
        for table, rows in ((Learner, learner_rows), (Registration, registrations), (Attempt, attempts),
                            (CheckRow, checks)):
            for start in range(0, len(rows), batch):
                connection.execute(insert(table), rows[start:start + batch])
        if connection.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("attempts", "check_results"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                        f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    return {"learners": learners, "modules": chosen, "attempts": len(attempts), "checks": len(checks),
            "expected": expected}
