"""Run one module's pytest checks against one grading run and turn them into scored results.

Checks are plain pytest functions (checks/test_<module>_*.py) with `points`, `group` and
`exercise` markers; the assertion message is the hint the learner sees, the full report is
the detail an instructor sees. pytest runs in-process with a collector plugin.
"""
from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import pytest

from .backend.account import Clients, LearnerAccount
from .catalog import PROJECT_ROOT, Module
from .errors import InfrastructureError
from .run import Run, RunInfo

CONTEXT_KEY = pytest.StashKey["CheckContext"]()
GROUPS = ("outputs", "resources", "cleanup")


@dataclass
class CheckContext:
    run: Run
    account: LearnerAccount
    store_url: str | None = None  # the progress store of this grading (default: GRADER_STORE or GRADER_HOME's)

    @cached_property
    def clients(self) -> Clients:
        return Clients(self.account)

    @cached_property
    def store(self):
        from .progress import Store

        return Store(self.store_url)

    @classmethod
    def from_run_dir(cls, run_dir) -> CheckContext:
        """Rebuild the context of an earlier run (its backend must still be there)."""
        from . import backend as backends
        from . import workspace

        info = RunInfo.load(Path(run_dir))
        chosen = backends.resolve(info.backend, workspace.backend_state_file(), info.role_arn).running()
        if chosen is None:
            raise InfrastructureError(
                f"The run in {run_dir} used the embedded backend, which no longer runs: its resources are gone.",
                "Only runs against a `python grader.py backend` that still runs can be checked again.")
        return cls(Run(info), chosen.account_for(info.learner, info.region))


@dataclass
class CheckResult:
    name: str
    title: str
    group: str
    points: int
    passed: bool
    hint: str = ""
    details: str = ""
    exercise: str | None = None

    @property
    def score(self) -> int:
        return self.points if self.passed else 0


@dataclass
class Verdict:
    module: str
    learner: str
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None  # a GraderError's one line when grading itself failed
    exit_code: int = 1
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase of the run

    @property
    def score(self) -> int:
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> int:
        return sum(c.points for c in self.checks)

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.checks) and all(c.passed for c in self.checks)

    def as_dict(self) -> dict:
        return {
            "module": self.module, "learner": self.learner, "passed": self.passed, "score": self.score,
            "max_score": self.max_score, "seconds": round(self.seconds, 2), "error": self.error,
            "timings": {phase: round(seconds, 2) for phase, seconds in self.timings.items()},
            "checks": [{k: v for k, v in asdict(c).items() if k != "details"} for c in self.checks],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=1)


def _marker_value(item, name, default):
    marker = item.get_closest_marker(name)
    return marker.args[0] if marker and marker.args else default


def _hint_from(excinfo) -> str:
    """The learner-facing hint: the assertion's own message, without pytest's `assert` dump."""
    if excinfo is None:
        return ""
    if excinfo.errisinstance(AssertionError):
        message = str(excinfo.value).split("\nassert ", 1)[0].strip()
        return message or "This check failed."
    if excinfo.errisinstance(pytest.skip.Exception):
        return str(excinfo.value)
    error = excinfo.value
    return (f"This check could not look at your work: {type(error).__name__}: "
            f"{str(error).strip().splitlines()[0][:300] if str(error).strip() else ''}").rstrip(": ")


class _Collector:
    """pytest plugin: one CheckResult per check, the first failing phase decides."""

    def __init__(self, context: CheckContext):
        self.context = context
        self.results: dict[str, CheckResult] = {}
        self.collect_errors: list[str] = []

    def pytest_configure(self, config):
        config.stash[CONTEXT_KEY] = self.context

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if item.nodeid not in self.results:
            doc = (item.function.__doc__ or "").strip().splitlines()
            self.results[item.nodeid] = CheckResult(
                name=item.name, title=doc[0] if doc else item.name.removeprefix("test_").replace("_", " "),
                group=_marker_value(item, "group", "outputs"), points=int(_marker_value(item, "points", 1)),
                passed=True, exercise=_marker_value(item, "exercise", None))
        result = self.results[item.nodeid]
        if report.failed or report.skipped:
            if result.passed:  # keep the first failure's hint
                result.passed = False
                result.hint = _hint_from(call.excinfo)
                result.details = str(report.longrepr)[-4000:]

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(str(report.longrepr)[-2000:])


def run_checks(module: Module, context: CheckContext) -> list[CheckResult]:
    collector = _Collector(context)
    args = [str(module.checks_file), "-q", "--rootdir", str(PROJECT_ROOT), "-o", "addopts=",
            "-W", "ignore::DeprecationWarning"]
    for plugin in ("cacheprovider", "doctest", "junitxml", "pastebin", "stepwise", "lfplugin", "nfplugin",
                   "legacypath", "tmpdir", "monkeypatch", "recwarn", "setupplan", "setuponly", "debugging"):
        args += ["-p", f"no:{plugin}"]
    sink = io.StringIO()
    with redirect_stdout(sink), redirect_stderr(sink):
        code = pytest.main(args, plugins=[collector])
    if code == pytest.ExitCode.INTERRUPTED:
        raise KeyboardInterrupt  # pytest caught Ctrl+C: a part of the checks must not pass as a verdict
    if code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR) or collector.collect_errors \
            or not collector.results:
        raise InfrastructureError(
            f"The checks of {module.id} could not be loaded: "
            f"{(collector.collect_errors or [sink.getvalue()])[0].strip().splitlines()[-1][:200]}",
            "Reinstall the project (git status shows local edits to checks/).")
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(collector.results.values(), key=lambda r: order.get(r.group, len(GROUPS)))
