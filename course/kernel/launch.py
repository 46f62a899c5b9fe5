"""The lab's kernel launcher: resolve the learner's account on the running backend, then exec ipykernel.

The lab's kernelspec runs `python -m course.kernel.launch --learner ID --region R -f CONNECTION_FILE`.
At each kernel start (and restart) this builds the same environment a grading kernel gets
(course.kernel.kernel_environment: endpoint, the learner's credentials, the kernel-side fixes,
a ledger) with fresh credentials, so none is ever stored in the kernelspec, and replaces itself
with ipykernel. JupyterLab passes the notebook's path as JPY_SESSION_NAME, which names the module
whose grading parameters the kernel sets after the notebook's parameters cell.
"""
from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.kernel.launch", description=__doc__)
    parser.add_argument("--learner", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--home", help="the grader home (GRADER_HOME) whose backend state file to read")
    parser.add_argument("--workspace", help="the learners' workspace (GRADER_WORKSPACE)")
    parser.add_argument("-f", dest="connection_file", required=True, help="the kernel's connection file")
    args = parser.parse_args(argv)
    if args.home:
        os.environ["GRADER_HOME"] = args.home
    if args.workspace:
        os.environ["GRADER_WORKSPACE"] = args.workspace

    from course import lab
    from course.errors import GraderError

    try:
        env, run_dir = lab.kernel_environment_for(args.learner, args.region, os.environ.get("JPY_SESSION_NAME"))
    except GraderError as error:
        print(f"[grader] The course kernel for {args.learner} could not start: {error.one_line()}",
              file=sys.stderr, flush=True)
        return 1
    command = lab.kernel_command(args.connection_file)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
