"""Runs at start-up of every Python process the grader starts with this folder on PYTHONPATH.

Only acts inside a grader kernel (GRADER_KERNEL=1); see course/kernel/__init__.py.
"""
import os

if os.environ.get("GRADER_KERNEL") == "1":
    try:
        from course.kernel import injection

        injection.install()
    except Exception as exc:  # noqa: BLE001 - never stop the learner's kernel from starting
        import sys

        print(f"[grader] kernel injection failed: {exc}", file=sys.stderr)
