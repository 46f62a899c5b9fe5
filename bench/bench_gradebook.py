"""The gradebook at class scale: `grader.py progress` and `grader.py report --html` on 10,000 learners.

Seeds a SQLite store with LEARNERS x 7 modules x 3 attempts (with their check results),
then times, one after the other in this run, the CLI's bare start (`grader.py modules`), the
progress table, the CSV export of every learner and the HTML report, each the median of a few
runs, and prints each against its aim (progress under 1 s, the report under 3 s) and against the
bare start.

    python bench/bench_gradebook.py [--learners 10000] [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from class_seed import seed  # noqa: E402
from helpers import grader_env  # noqa: E402

from course.progress import Store  # noqa: E402


def timed(command: list[str], env: dict, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(ROOT / "grader.py"), *command], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"grader.py {' '.join(command)} failed: {done.stderr}")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-gradebook-") as scratch:
        url = f"sqlite:///{Path(scratch) / 'class.sqlite'}"
        started = time.perf_counter()
        store = Store(url)
        seeded = seed(store, learners=args.learners, modules=7, max_attempts=3, every_attempt=True)
        store.engine.dispose()  # closed: SQLite folds its write-ahead log into the file, as after any grading
        print(f"seeded {seeded['learners']} learners, {seeded['attempts']} attempts, {seeded['checks']} check "
              f"results in {time.perf_counter() - started:.1f} s")
        env = grader_env(Path(scratch) / "home", GRADER_STORE=url)
        report = Path(scratch) / "report.html"
        bare = timed(["modules"], env, args.runs)
        rows = [("grader.py modules (bare start)", bare, None),
                ("grader.py progress", timed(["progress"], env, args.runs), 1.0),
                ("grader.py progress --csv (all rows)", timed(["progress", "--csv"], env, args.runs), 1.0),
                ("grader.py report --html", timed(["report", "--html", str(report)], env, args.runs), 3.0)]
        size = report.stat().st_size
    for name, seconds, aim in rows:
        against = f"  {seconds / aim:.2f} of the {aim:.0f} s aim" if aim else ""
        print(f"{name:38s} {seconds:6.2f} s  {seconds / bare:5.1f}x the bare start{against}")
    print(f"report size: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
