"""The worker threads that run training jobs, endpoint loads and batch transforms.

Threads, not processes: xgboost releases the GIL while it trains, and jobs share the
server's in-memory state. GRADER_BACKEND_WORKERS sets how many run at once (default 2).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

POOL = ThreadPoolExecutor(max_workers=int(os.environ.get("GRADER_BACKEND_WORKERS", "2")), thread_name_prefix="sm-job")


def submit(function, *args) -> None:
    POOL.submit(function, *args)
