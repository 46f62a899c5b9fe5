"""Grader overhead on module2: `python grader.py module2` vs plain papermill, side by side.

Both run the module's reference solution against the same embedded backend (one
`grader.py backend` for the whole benchmark), as the same emulated learner account and with
the same kernel environment (the SDK fixes the notebook needs on this backend), so the
difference is what the grader adds: its CLI start-up, the checks, the store, the report.
Prints each round, the medians, their ratio and the median of the paired differences, then one
whole run of the grader that starts its own backend (what a learner waits for).

    python bench/bench_module2.py [--rounds 3]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from helpers import grader_env, start_backend, stop  # noqa: E402

PAPERMILL_ALONE = r"""
import json, sys, papermill
from pathlib import Path
sys.path.insert(0, {root!r})
from course.backend.local import LocalBackend
from course.execute import _kernel_manager_class
from course.kernel import kernel_environment
account = LocalBackend(Path({state!r})).open().account_for({learner!r}, "us-east-1")
run = Path({run!r}); run.mkdir(parents=True, exist_ok=True)
env = kernel_environment(run, account)
papermill.execute_notebook({notebook!r}, str(run / "out.ipynb"), kernel_name="python3", progress_bar=False,
    cwd=str(run), parameters=dict(learner={learner!r}, region="us-east-1", bucket=account.bucket(),
    prefix="plain", role_arn=account.role_arn), kernel_manager_class=_kernel_manager_class(env))
"""


def timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{command[:3]} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    notebook = str(ROOT / "notebooks" / "module2_videogame_sales.ipynb")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        home = Path(tmp)
        env = grader_env(home)
        backend = start_backend(home)
        try:
            grader, plain = [], []
            for round_number in range(args.rounds):
                learner = f"bench{round_number}"
                grade = [sys.executable, "grader.py", "module2", "--reference", "--learner", learner, "--json"]
                script = PAPERMILL_ALONE.format(root=str(ROOT), state=str(home / "backend.json"), learner=learner,
                                                run=str(home / f"plain-{round_number}"), notebook=notebook)
                alone = [sys.executable, "-c", script]
                plain_env = {**env, "SAGEMAKER_SUPPRESS_V2_WARNING": "1"}
                if round_number % 2:  # alternate the order so neither always runs on warmer caches
                    plain.append(timed(alone, plain_env))
                    grader.append(timed(grade, env))
                else:
                    grader.append(timed(grade, env))
                    plain.append(timed(alone, plain_env))
                print(f"round {round_number + 1}: grader.py module2 {grader[-1]:.2f} s, "
                      f"papermill alone {plain[-1]:.2f} s", flush=True)
        finally:
            stop(backend)
        own_home = home / "standalone"
        standalone = timed([sys.executable, "grader.py", "module2", "--reference", "--learner", "solo", "--json"],
                           grader_env(own_home))
    g, p = statistics.median(grader), statistics.median(plain)
    overhead = statistics.median(a - b for a, b in zip(grader, plain))
    print(json.dumps({"grader_s": round(g, 2), "papermill_alone_s": round(p, 2), "overhead_s": round(overhead, 2),
                      "grader_over_papermill": round(g / p, 3), "standalone_grader_s": round(standalone, 2),
                      "rounds": args.rounds, "cpus": os.cpu_count()}))
    print(f"median: grader {g:.2f} s, papermill alone {p:.2f} s (grader/papermill = {g / p:.2f}x); "
          f"median paired overhead {overhead:.2f} s")
    print(f"whole `python grader.py module2 --reference` starting its own backend: {standalone:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
