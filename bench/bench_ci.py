"""The notebook regression in parallel vs serially: `grader.py ci --workers N` against `--workers 1`.

Both grade the same notebooks (every module's reference and learner copy, and with --mutants every
mutant) in the same way, one after the other in this run, each in a fresh home with its own
embedded backend. Prints both wall times, the speed-up and the sum of grading times (the work).

    python bench/bench_ci.py [--workers 2] [--mutants] [MODULE ...]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import grader_env  # noqa: E402


def regression(home: Path, workers: int, modules: list[str], with_mutants: bool) -> tuple[float, dict]:
    summary = home / "summary-out.json"
    command = [sys.executable, str(ROOT / "grader.py"), "ci", *modules, "--workers", str(workers),
               "--json", str(summary)] + (["--mutants"] if with_mutants else [])
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=grader_env(home), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"grader.py ci --workers {workers} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return seconds, json.loads(summary.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mutants", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ci-") as scratch:
        serial, serial_summary = regression(Path(scratch) / "serial", 1, args.modules, args.mutants)
        parallel, parallel_summary = regression(Path(scratch) / "parallel", args.workers, args.modules, args.mutants)
    notebooks = sum(m["notebooks"] for m in serial_summary["modules"].values())
    work = sum(m["grading_seconds"] for m in serial_summary["modules"].values())
    work_parallel = sum(m["grading_seconds"] for m in parallel_summary["modules"].values())
    print(f"notebooks graded:            {notebooks}{' (with mutants)' if args.mutants else ''}")
    print(f"serial   (--workers 1):      {serial:7.1f} s wall, {work:7.1f} s of grading")
    print(f"parallel (--workers {args.workers}):      {parallel:7.1f} s wall, {work_parallel:7.1f} s of grading")
    print(f"speed-up serial/parallel:    {serial / parallel:7.2f}x")
    print(f"grading time per notebook:   {work / notebooks:7.1f} s serial, {work_parallel / notebooks:.1f} s "
          f"parallel ({work_parallel / work:.2f}x: the cores are shared)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
