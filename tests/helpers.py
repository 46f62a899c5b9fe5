"""Helpers for the engine's tests: run the CLI, start and stop an embedded backend."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE2 = ROOT / "notebooks" / "module2_videogame_sales.ipynb"
WORKSHOP_CSV = ROOT.parent / "shared" / "data" / "videogames" / "raw_data.csv"


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def verdict(self) -> dict:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def check(self, name: str) -> dict:
        return next(c for c in self.verdict["checks"] if c["name"] == name)

    def failed(self) -> set[str]:
        return {c["name"] for c in self.verdict["checks"] if not c["passed"]}


def grader_env(home: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GRADER_"))}
    env.update(GRADER_HOME=str(home), GRADER_WORKSPACE=str(home / "workspace"), **extra)
    return env


def run_grader(home: Path, *args, timeout=300, env_extra=None) -> CliResult:
    proc = subprocess.run([sys.executable, str(ROOT / "grader.py"), *map(str, args)], cwd=ROOT,
                          env=grader_env(home, **(env_extra or {})), capture_output=True, text=True,
                          timeout=timeout)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def start_backend(home: Path) -> subprocess.Popen:
    """`python grader.py backend` in the background; returns once its state file is written.

    Its output goes to a file: a pipe nobody reads would block the server once full.
    """
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "foreground-backend.log", "ab") as log:
        process = subprocess.Popen([sys.executable, str(ROOT / "grader.py"), "backend"], cwd=ROOT,
                                   env=grader_env(home), stdout=log, stderr=subprocess.STDOUT)
    state = home / "backend.json"
    deadline = time.monotonic() + 30
    while not state.exists():
        assert process.poll() is None, (home / "foreground-backend.log").read_text()
        assert time.monotonic() < deadline, "backend did not start"
        time.sleep(0.1)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()




class Background:
    """A grader run in a thread, for tests that act while it runs (kill the backend, grade again)."""

    def __init__(self, home: Path, *args):
        self.result: CliResult | None = None
        self.thread = threading.Thread(target=self._run, args=(home, args))
        self.thread.start()

    def _run(self, home: Path, args) -> None:
        self.result = run_grader(home, *args)

    def wait(self) -> CliResult:
        self.thread.join()
        return self.result
