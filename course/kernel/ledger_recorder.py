"""Record every mutating AWS call the notebook makes, as one JSON line each, via botocore events.

The same hooks work on both backends: `before-parameter-build` keeps the request's
parameters (bodies summarised, secrets dropped), `after-call` writes the entry with the HTTP
status and the ARNs AWS answered; endpoint answers are kept too. Checks read this ledger to
follow the lineage of what the learner created (job -> model -> endpoint config -> endpoint ->
invocations).

Each entry names its agent: "cli" for calls the `aws` command-line client makes (a process
started from the notebook inherits the kernel's environment, so the recorder runs in it too,
and the CLI names its botocore sessions "aws-cli"), otherwise GRADER_LEDGER_AGENT or "sdk".
"""
from __future__ import annotations

import datetime as _dt
import io
import json
import os
import threading

from .import_hooks import when_imported

MUTATING_PREFIXES = ("Create", "Delete", "Stop", "Put", "Invoke", "Start", "Update", "Upload",
                     "Complete", "Add", "Attach", "Detach", "Copy", "Abort")
_SECRET_WORDS = ("secret", "password", "token", "credential")
MAX_KEPT_BODY = 256 * 1024  # answers of real-time endpoints are kept up to this size
_LOCK = threading.Lock()
CLI_AGENT = "cli"


def agent_of(session) -> str:
    """Who made a call: the aws CLI (its sessions carry user_agent_name 'aws-cli', set by
    awscli.clidriver before any call) or a Python program (boto3, the SageMaker SDK).

    The CLI is told by its session, not by the process, so an inherited GRADER_LEDGER_AGENT
    never relabels a CLI call and a notebook's own calls stay "sdk" even after it imports awscli.
    """
    if getattr(session, "user_agent_name", None) == "aws-cli":
        return CLI_AGENT
    return os.environ.get("GRADER_LEDGER_AGENT") or "sdk"


def summarise(value, depth: int = 0):
    """A JSON-safe copy of request parameters: bodies become sizes, secrets are dropped."""
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": len(value), "lines": value.count(b"\n") + (0 if value.endswith(b"\n") or not value else 1)}
    if isinstance(value, str):
        return value if len(value) <= 2048 else value[:2048] + "..."
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if depth > 6:
        return "..."
    if isinstance(value, dict):
        return {k: summarise(v.encode() if k == "Body" and isinstance(v, str) else v, depth + 1)
                for k, v in value.items() if not any(word in k.lower() for word in _SECRET_WORDS)}
    if isinstance(value, (list, tuple)):
        return [summarise(v, depth + 1) for v in value[:100]]
    if hasattr(value, "read"):
        try:  # botocore turns upload bodies into file objects before we see them
            position = value.tell()
            value.seek(0, 2)
            size = value.tell() - position
            value.seek(position)
            return {"stream": type(value).__name__, "bytes": size}
        except Exception:  # noqa: BLE001 - a stream we cannot measure is still recorded
            return {"stream": type(value).__name__}
    return str(value)[:200]


def _keep_response_body(parsed: dict) -> dict:
    """Read an InvokeEndpoint answer for the ledger and hand the caller an unread copy."""
    from botocore.response import StreamingBody

    body = parsed.get("Body")
    if body is None or not hasattr(body, "read"):
        return {}
    data = body.read()
    parsed["Body"] = StreamingBody(io.BytesIO(data), len(data))
    kept = {"bytes": len(data), "content_type": parsed.get("ContentType")}
    if len(data) <= MAX_KEPT_BODY:
        kept["text"] = data.decode("utf-8", "replace")
    return kept


def _arns(parsed: dict) -> dict:
    return {k: v for k, v in parsed.items() if isinstance(v, str) and k.endswith("Arn")}


def _never_fails(handler):
    """The recorder must never break the learner's AWS call: a failure only costs an entry."""

    def guarded(*args, **kwargs):
        try:
            handler(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            import sys

            print(f"[grader] ledger: {type(exc).__name__}: {exc}", file=sys.stderr)

    return guarded


def install(path: str) -> None:
    @_never_fails
    def remember(params, context, model, **_):
        if model.name.startswith(MUTATING_PREFIXES):
            context["grader_params"] = summarise(params)

    @_never_fails
    def record(http_response, parsed, model, context, agent="sdk", **_):
        if "grader_params" not in context:
            return
        entry = {
            "time": _dt.datetime.now(_dt.UTC).isoformat(),
            "service": model.service_model.service_name,
            "operation": model.name,
            "status": getattr(http_response, "status_code", None),
            "params": context.pop("grader_params"),
            "result": _arns(parsed or {}),
            "agent": agent,
        }
        if model.name == "InvokeEndpoint" and parsed and "Body" in parsed:
            entry["response"] = _keep_response_body(parsed)
        error = (parsed or {}).get("Error") or {}
        if error:
            entry["error"] = {"code": error.get("Code"), "message": str(error.get("Message", ""))[:500]}
        line = json.dumps(entry, default=str)
        with _LOCK, open(path, "a", encoding="utf-8") as ledger:
            ledger.write(line + "\n")

    def hook_sessions(module):
        original_init = module.Session.__init__

        def init(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            session = self

            def record_for_session(**kwargs):  # the agent is read at call time: the CLI names its
                record(agent=agent_of(session), **kwargs)  # session after creating it

            self.register("before-parameter-build", remember)
            self.register("after-call", record_for_session)

        module.Session.__init__ = init

    when_imported("botocore.session", after=hook_sessions)
