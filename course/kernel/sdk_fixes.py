"""Make SageMaker SDK v2 behave in a grading kernel as it does on a notebook instance, fast.

1. STS endpoint: the SDK builds its STS client with an explicit regional endpoint, which
   overrides AWS_ENDPOINT_URL; `get_execution_role()`, `default_bucket()` and `account_id()`
   would call real AWS. On the embedded backend they go to AWS_ENDPOINT_URL(_STS).
2. Virtual clock: the SDK sleeps before each status check (30 s for endpoints, 5 s for jobs,
   10 s log polling) and re-describes a job only every 30 s of time.time(). Sleeps are cut
   short on the embedded backend, and the skipped time is added to time()/monotonic(), so
   the SDK's logic sees the full interval. botocore's waiters (`client.get_waiter(...)`, and
   `aws sagemaker wait ...` in an `aws` CLI started from the kernel, which loads this package
   through PYTHONPATH) sleep 30-120 s between polls and give up after a number of polls, not
   of seconds: their sleeps run GRADER_WAITER_TIME_SCALE (default 1/100) of the asked time, at
   least GRADER_SM_MAX_SLEEP, so a waiter still covers 1/100 of its AWS time span (18 s for a
   notebook instance, 3.6 min for a training job) of real emulated work.
3. get_execution_role(): reads GRADER_SM_METADATA_FILE like a notebook instance's metadata.
4. sagemaker_core installs rich tracebacks at import, which hides ename/evalue from papermill
   (an empty PapermillExecutionError): undone right after that import.
5. SDK telemetry: an HTTP GET without timeout after fit(): disabled.
"""
from __future__ import annotations

import os
import sys
import threading
import time as _real_time
import types

from .import_hooks import when_imported

MAX_SLEEP_S = float(os.environ.get("GRADER_SM_MAX_SLEEP", "0.05"))
WAITER_TIME_SCALE = float(os.environ.get("GRADER_WAITER_TIME_SCALE", "0.01"))
_SKIPPED = [0.0]  # seconds of sleep skipped so far in this process: one virtual clock for every patched module
_SKIPPED_LOCK = threading.Lock()


def _virtual_time_module(scale: float = 0.0) -> types.ModuleType:
    """A `time` module whose sleep() sleeps max(MAX_SLEEP_S, scale x seconds) at most and adds the rest
    to its time() and monotonic()."""

    def sleep(seconds):
        seconds = max(seconds, 0)
        real = min(seconds, max(MAX_SLEEP_S, seconds * scale))
        _real_time.sleep(real)
        with _SKIPPED_LOCK:
            _SKIPPED[0] += seconds - real

    module = types.ModuleType("time")
    module.__dict__.update(_real_time.__dict__)
    module.sleep = sleep
    module.time = lambda: _real_time.time() + _SKIPPED[0]
    module.monotonic = lambda: _real_time.monotonic() + _SKIPPED[0]
    return module


def install(embedded: bool) -> None:
    saved = {}

    def sts_endpoint(region=None):
        return os.environ.get("AWS_ENDPOINT_URL_STS") or os.environ["AWS_ENDPOINT_URL"]

    def fix_utils(module):
        if embedded:
            module.sts_regional_endpoint = sts_endpoint

    def fix_session(module):
        if embedded:
            module.sts_regional_endpoint = sts_endpoint
            module.time = _virtual_time_module()
        metadata = os.environ.get("GRADER_SM_METADATA_FILE")
        if metadata:
            module.NOTEBOOK_METADATA_FILE = metadata

    def before_core_utils(module):
        saved["excepthook"] = sys.excepthook

    def after_core_utils(module):
        sys.excepthook = saved.get("excepthook", sys.excepthook)
        try:
            shell = get_ipython()  # noqa: F821 - defined inside IPython kernels
        except NameError:
            shell = None
        if shell is not None and "_showtraceback" in vars(shell):
            del shell._showtraceback

    def fix_telemetry(module):
        module._send_telemetry_request = lambda *args, **kwargs: None

    def fix_waiter(module):
        if embedded:
            module.time = _virtual_time_module(WAITER_TIME_SCALE)

    when_imported("sagemaker.telemetry.telemetry_logging", after=fix_telemetry)
    when_imported("botocore.waiter", after=fix_waiter)
    when_imported("sagemaker.utils", after=fix_utils)
    when_imported("sagemaker.session", after=fix_session)
    when_imported("sagemaker_core.main.utils", before=before_core_utils, after=after_core_utils)
