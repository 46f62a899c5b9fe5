"""What the grader injects into the learner's kernel, and the environment that carries it.

The kernel gets the learner's AWS identity as environment variables, this package on
PYTHONPATH (via site/sitecustomize.py), and the paths of the run's ledger and recorded values.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "site"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def kernel_environment(run_dir: Path, account, base: dict | None = None,
                       store_url: str | None = None) -> dict[str, str]:
    """The full environment of a grading kernel for one learner and one run.

    Inherited AWS settings are dropped first, so a learner's own profile can never leak into a
    run against the embedded backend (or the wrong account). GRADER_STORE names the progress
    store, where module0's notebook registers the learner (course.kernel.register).
    """
    from ..progress import default_url

    base = dict(os.environ if base is None else base)
    store = store_url or base.get("GRADER_STORE") or default_url()
    env = {k: v for k, v in base.items() if not k.startswith("AWS_") and not k.startswith("GRADER_")}
    metadata = run_dir / "resource-metadata.json"
    metadata.write_text(json.dumps({"ResourceName": f"smworkshop-{account.learner}",
                                    "ExecutionRoleArn": account.role_arn}))
    python_path = [str(SITE_DIR), str(PROJECT_ROOT)] + ([base["PYTHONPATH"]] if base.get("PYTHONPATH") else [])
    env.update(account.environment())
    env.update(
        PYTHONPATH=os.pathsep.join(python_path),
        GRADER_KERNEL="1",
        GRADER_LEARNER=account.learner,
        GRADER_STORE=store,
        GRADER_LEDGER=str(run_dir / "ledger.jsonl"),
        GRADER_RECORD=str(run_dir / "recorded.json"),
        GRADER_SM_METADATA_FILE=str(metadata),
        SAGEMAKER_SUPPRESS_V2_WARNING="1",
        PYTHONUNBUFFERED="1",
    )
    return env
