"""The lab's kernel launcher: resolve the learner's account on the running backend, then exec ipykernel.

The lab's kernelspec runs `python -m course.kernel.launch --learner ID --region R -f CONNECTION_FILE`.
At each kernel start (and restart) this builds the same environment a grading kernel gets
(course.kernel.kernel_environment: endpoint, the learner's credentials, the kernel-side fixes,
a ledger, the progress store) with fresh credentials, so none is ever stored in the kernelspec,
and replaces itself with ipykernel. JupyterLab passes the notebook's path as JPY_SESSION_NAME,
which names the module whose grading parameters the kernel sets after the notebook's
parameters cell.

With `--terminal` instead of `-f`, it starts the shell of a lab terminal in the same environment
(as a SageMaker notebook instance's terminal acts with its execution role): `aws` and `python`
there reach the learner's emulated account. Without a backend the shell starts anyway, without AWS.
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
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("-f", dest="connection_file", help="the kernel's connection file")
    mode.add_argument("--terminal", action="store_true", help="start a lab terminal's shell instead")
    args = parser.parse_args(argv)
    if args.home:
        os.environ["GRADER_HOME"] = args.home
    if args.workspace:
        os.environ["GRADER_WORKSPACE"] = args.workspace

    from course import lab
    from course.errors import GraderError

    if args.terminal:
        return _terminal(args.learner, args.region)
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


def _terminal(learner: str, region: str) -> int:
    from course import lab
    from course.errors import GraderError

    shell = os.environ.get("SHELL") or "/bin/sh"
    try:
        env, _ = lab.kernel_environment_for(learner, region, label="terminal")
        print(f"[grader] This terminal acts as {learner} on the embedded backend at {env['AWS_ENDPOINT_URL']}, "
              "as the lab's kernels do: aws and python here reach your emulated account.", flush=True)
    except GraderError as error:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        print(f"[grader] No AWS in this terminal: {error.cause} Open a new terminal once `python grader.py lab` "
              "runs.", flush=True)
    env = lab.terminal_environment(env)
    os.execvpe(shell, [shell], env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
