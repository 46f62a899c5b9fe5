"""The embedded backend's own process: moto's server with SageMaker made real.

Run by the grader for one grading run, or by `python grader.py backend` in the foreground
for Jupyter work. Prints one JSON line with the endpoint URL once it answers, and writes it
to a state file so later graders reuse the same server (and the learner's resources).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path


def start(port: int = 0, host: str = "127.0.0.1"):
    """Start moto with the SageMaker emulation in this process; returns (server, url)."""
    os.environ.pop("MOTO_ACCOUNT_ID", None)  # accounts come from each request, never the process
    from moto.server import ThreadedMotoServer

    from . import loopback, moto_patches

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto_patches.install()
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    bound_host, bound_port = server.get_host_and_port()
    url = f"http://{bound_host}:{bound_port}"
    loopback.set_endpoint_url(url)
    # Import the algorithm libraries (about 2 s, holding the GIL) once the grader has set up the
    # learner's account and while the learner's kernel starts, not inside the first job.
    warm_up = threading.Timer(float(os.environ.get("GRADER_BACKEND_WARMUP_DELAY", "1.0")), _warm_up)
    warm_up.daemon = True
    warm_up.start()
    return server, url


def _warm_up() -> None:
    import scipy.sparse  # noqa: F401
    import xgboost  # noqa: F401


def write_state(path: Path, url: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"endpoint_url": url, "pid": os.getpid()}))
    tmp.replace(path)


def serve(port: int, state_file: Path | None, announce) -> None:
    """Start, announce the URL, serve until SIGTERM or Ctrl+C, then exit at once."""
    _server, url = start(port)
    if state_file:
        write_state(state_file, url)
    announce(url)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    if state_file:
        try:
            if json.loads(state_file.read_text()).get("pid") == os.getpid():
                state_file.unlink()
        except (OSError, ValueError):
            pass
    # Everything lives in memory and the jobs are threads: exit at once rather than waiting
    # for the HTTP server's shutdown poll.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state-file", type=Path)
    args = parser.parse_args(argv)
    def announce(url: str) -> None:
        print(json.dumps({"endpoint_url": url, "pid": os.getpid()}), flush=True)
        os.dup2(2, 1)  # anything printed later goes to the log, never to a pipe nobody reads

    serve(args.port, args.state_file, announce)
    return 0


if __name__ == "__main__":
    sys.exit(main())
