"""The learner's interactive path for real: the lab's kernel cell by cell, then grading; `grader.py lab` itself.

The first test does what JupyterLab does with the lab's kernelspec (start the kernel with the
notebook's path in JPY_SESSION_NAME, execute cell after cell), then grades the same copy with
`grader.py module2` on the same backend and compares with a direct grading. The second starts
`grader.py lab` as a learner would, talks to JupyterLab's HTTP API and stops it with Ctrl+C.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from helpers import MODULE2, ROOT, Background, grader_env, run_grader

pytestmark = pytest.mark.slow


def _use_home(monkeypatch, home: Path) -> None:
    for key in [k for k in os.environ if k.startswith(("AWS_", "GRADER_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GRADER_HOME", str(home))
    monkeypatch.setenv("GRADER_WORKSPACE", str(home / "workspace"))


def _execute_like_jupyterlab(home: Path, notebook: Path, learner: str, after: str = "") -> list[tuple[str, str]]:
    """Start the lab's kernel as JupyterLab would and run every code cell in order, then `after`;
    (source, text output) of each."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    from course import lab

    spec_path = lab.write_kernelspec(learner, "us-east-1")
    specs = KernelSpecManager(kernel_dirs=[str(spec_path / "kernels")])
    assert specs.get_kernel_spec("python3").argv[1:3] == ["-m", "course.kernel.launch"]
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel(cwd=str(notebook.parent), env={**grader_env(home), "JPY_SESSION_NAME": str(notebook)})
    client = manager.client()
    ran = []
    try:
        client.start_channels()
        client.wait_for_ready(timeout=60)
        cells = nbformat.read(notebook, as_version=4).cells + [nbformat.v4.new_code_cell(after)]
        for index, cell in enumerate(cells):
            if cell.cell_type != "code" or not cell.source:
                continue
            outputs: list[str] = []

            def keep(message, outputs=outputs):
                content = message["content"]
                outputs.append(content.get("text") or json.dumps(content.get("data", {}).get("text/plain", ""))
                               if message["msg_type"] in ("stream", "execute_result") else "")
                if message["msg_type"] == "error":
                    outputs.append(f"{content['ename']}: {content['evalue']}")

            reply = client.execute_interactive(cell.source, timeout=300, output_hook=keep)
            assert reply["content"]["status"] == "ok", (index, cell.source[:200], "".join(outputs)[-2000:])
            ran.append((cell.source, "".join(outputs)))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return ran


def test_cell_by_cell_in_the_lab_kernel_then_grading_gives_the_direct_verdict(shared_home, monkeypatch):
    learner = "labwork"
    _use_home(monkeypatch, shared_home)
    started = run_grader(shared_home, "start", "module2", "--learner", learner)
    assert started.code == 0, started.output
    copy = shared_home / "workspace" / learner / "module2_videogame_sales.ipynb"
    nbformat.write(nbformat.read(MODULE2, as_version=4), copy)  # the learner wrote every exercise
    direct_grading = Background(shared_home, "module2", "--notebook", copy, "--learner", "labdirect", "--json")

    t0 = time.monotonic()
    ran = _execute_like_jupyterlab(shared_home, copy, learner,
                                   after="import os; print('store:', os.environ['GRADER_STORE'], 'cwd:', os.getcwd())")
    interactive_s = time.monotonic() - t0
    assert ran[-1][1].split() == ["store:", f"sqlite:///{shared_home / 'progress.sqlite'}", "cwd:", str(copy.parent)], (
        "the lab kernel writes to the grader's store and runs beside the notebook")

    from course import lab, learners

    account_id = learners.emulated_account_id(learner)
    bucket = f"smworkshop-{learner}-{account_id}"
    parameters_output = next(out for source, out in ran if source.startswith("# Parameters"))
    assert "[grader] As when grading" in parameters_output and bucket in parameters_output
    assert any(f"data in s3://{bucket}/module2/" in out for _, out in ran), "the set-up cell used the grader's values"
    [interactive] = (shared_home / "interactive" / learner).iterdir()
    assert interactive.name.split("-")[1] == "module2"
    ledger = (interactive / "ledger.jsonl").read_text()
    assert "CreateTrainingJob" in ledger and "DeleteEndpoint" in ledger, "the lab kernel records like a grading one"
    assert "SecretAccessKey" not in (shared_home / "lab" / learner / "jupyter" / "kernels" / "python3" /
                                     "kernel.json").read_text()

    t0 = time.monotonic()
    graded = run_grader(shared_home, "module2", "--learner", learner, "--json")
    graded_s = time.monotonic() - t0
    direct = direct_grading.wait()  # the same notebook graded directly, meanwhile, as another learner
    assert direct.code == 0, direct.output
    assert graded.code == direct.code, graded.output
    assert graded.verdict["score"] == direct.verdict["score"] == direct.verdict["max_score"]
    assert ({(c["name"], c["passed"]) for c in graded.verdict["checks"]}
            == {(c["name"], c["passed"]) for c in direct.verdict["checks"]})
    [attempt_dir] = (shared_home / "runs" / learner / "module2").iterdir()
    backend_url = json.loads((shared_home / "backend.json").read_text())["endpoint_url"]
    assert json.loads((attempt_dir / "run.json").read_text())["endpoint_url"] == backend_url, "grading reused it"

    sagemaker = lab.attach_backend().account_for(learner, "us-east-1").client("sagemaker")
    jobs = sagemaker.list_training_jobs()["TrainingJobSummaries"]
    assert len(jobs) == 2 and all(j["TrainingJobName"].startswith(f"videogames-xgboost-{learner}") for j in jobs), (
        "the interactive job is still there after grading, named as the grader names it")
    print(f"interactive {interactive_s:.1f} s, graded {graded_s:.1f} s")


def _wait_for(predicate, timeout: float, what: str, process: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        assert process.poll() is None, f"grader.py lab exited with {process.returncode}:\n{log.read_text()}"
        time.sleep(0.2)
    raise AssertionError(f"{what} not within {timeout} s:\n{log.read_text()}")


def _get(url: str, token: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"},
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def _processes_mentioning(text: str) -> dict[int, str]:
    """{pid: command line} of the processes whose command line mentions text."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if entry.name.isdigit() and text in line:
                found[int(entry.name)] = line
        except OSError:
            pass
    return found


def _environ(pid: int) -> dict[str, str]:
    try:
        items = Path(f"/proc/{pid}/environ").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in items if "=" in item)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to see the kernel's process go")
def test_grader_lab_serves_the_workspace_and_stops_cleanly(tmp_path, monkeypatch):
    home, learner = tmp_path / "home", "labtest"
    _use_home(monkeypatch, home)
    from course import catalog, lab, workspace

    workspace.ensure_learner_copy(catalog.get("module2"), learner)
    log = tmp_path / "lab.txt"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "grader.py"), "lab", "--learner", learner,
                                    "--port", "0"], cwd=ROOT, env=grader_env(home, AWS_PROFILE="own"), stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        found = _wait_for(lambda: re.search(r"(http://127\.0\.0\.1:\d+/)lab\?token=(\w+)", log.read_text()), 120,
                          "JupyterLab's URL", process, log)
        url, token = found.group(1), found.group(2)
        assert _get(url + "api/status", token)["started"]
        names = {item["name"] for item in _get(url + "api/contents", token)["content"]}
        assert "module2_videogame_sales.ipynb" in names
        specs = _get(url + "api/kernelspecs", token)
        assert specs["kernelspecs"]["python3"]["spec"]["display_name"] == f"Python 3 (course: {learner})"
        with pytest.raises(urllib.error.HTTPError):
            _get(url + "api/contents", "wrong-token")

        kernel = _get(url + "api/kernels", token, "POST", {"name": "python3"})
        [pid] = _wait_for(lambda: [pid for pid, line in _processes_mentioning(kernel["id"]).items()
                                   if "ipykernel_launcher" in line], 60,
                          "the course kernel, launched and replaced by ipykernel", process, log)
        backend = lab.attach_backend()
        environ = _environ(pid)
        assert environ["AWS_ENDPOINT_URL"] == backend.endpoint_url and environ["GRADER_KERNEL"] == "1"
        assert environ["GRADER_STORE"] == f"sqlite:///{home / 'progress.sqlite'}", "the grader's store"
        assert environ["GRADER_LEARNER"] == learner and "AWS_PROFILE" not in environ

        terminal = _get(url + "api/terminals", token, "POST", {})
        root = str(home / "workspace" / learner)

        def shells():
            return [e for e in map(_environ, _processes_mentioning("").keys())  # the shell (and any child of it)
                    if e.get("JUPYTER_SERVER_ROOT") == root and e.get("GRADER_LEARNER") == learner]

        shell = _wait_for(shells, 30, "the lab terminal's shell, acting as the learner", process, log)[0]
        assert shell["AWS_ENDPOINT_URL"] == backend.endpoint_url and shell["GRADER_KERNEL"] == "1"
        assert shell["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent), "the course's aws first"
        assert "AWS_PROFILE" not in shell
        _get(url + f"api/terminals/{terminal['name']}", token, "DELETE")

        account = backend.account_for(learner, "us-east-1")
        account.client("sagemaker").create_notebook_instance(
            NotebookInstanceName=f"smworkshop-{learner}", InstanceType="ml.t3.medium", RoleArn=account.role_arn)
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl+C
        code = process.wait(timeout=60)
    output = log.read_text()
    assert code == 0, output
    assert f"Still running in {learner}'s account" in output and f"NotebookInstance smworkshop-{learner}" in output
    assert "The embedded backend stopped." in output
    assert not (home / "backend.json").exists() and not (home / "lab" / learner / "lab.json").exists()
    assert not _processes_mentioning(kernel["id"]), "stopping the lab stops its kernels"
    with pytest.raises(OSError):
        _get(url + "api/status", token)


def test_lab_env_gives_your_own_jupyter_the_grading_kernels_environment(shared_home, monkeypatch):
    learner = "ownjupyter"
    _use_home(monkeypatch, shared_home)
    exported = run_grader(shared_home, "lab", "--env", "module2", "--learner", learner,
                          env_extra={"AWS_PROFILE": "someone-elses"})
    assert exported.code == 0, exported.output
    assert "unset AWS_PROFILE" in exported.stdout
    probe = ("import json, os, boto3; from course.kernel.lab_parameters import ENV; "
             "print(boto3.client('sts').get_caller_identity()['Account'], os.environ['GRADER_STORE'], "
             "json.loads(os.environ[ENV])['prefix'])")
    shell = subprocess.run(["bash", "-c", f'eval "$1" && exec {sys.executable} -c "$2"', "-", exported.stdout, probe],
                           cwd="/", env=grader_env(shared_home, AWS_PROFILE="someone-elses"), capture_output=True,
                           text=True, timeout=60)
    from course import learners

    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.split() == [learners.emulated_account_id(learner),
                                    f"sqlite:///{shared_home / 'progress.sqlite'}", "module2"]
