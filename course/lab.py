"""JupyterLab on a learner's workspace, with the kernel configured exactly as when grading.

The lab's kernelspec is named `python3` (the name every course notebook asks for, and the one
papermill uses when grading), so each notebook opened in the lab gets it. Its argv starts
`course.kernel.launch`, which at every kernel start resolves the running embedded backend and
the learner's emulated account and builds the environment with course.kernel.kernel_environment:
no credential is ever written to disk. The progress store the grader uses reaches the kernels
through JupyterLab's environment (GRADER_STORE), never through a file: a PostgreSQL URL may
carry a password. The lab runs the embedded backend under it (or reuses
a `python grader.py backend` that already runs), so graders in another terminal reuse the same
backend and see what the learner created interactively.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog, workspace
from .backend import local
from .backend.account import Clients, LearnerAccount
from .catalog import PROJECT_ROOT, Module
from .errors import BadInput, InfrastructureError

KERNEL_NAME = "python3"  # shadows the default kernel in the lab: notebooks ask for python3
PARAMETERS_EXTENSION = "course.kernel.lab_parameters"
START_TIMEOUT_S = 60


# ------------------------------------------------------------------ places
def store_url(value: str | None = None) -> str:
    """The progress store's URL as the grader resolves it (--store, GRADER_STORE, the default), with a
    relative SQLite path made absolute: kernels run in the notebook's folder, not where the lab started."""
    from .progress import default_url

    url = value or default_url()
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        path, sep, query = url[len(prefix):].partition("?")
        if path and path != ":memory:":
            url = f"{prefix}{Path(path).resolve()}{sep}{query}"
    return url


def lab_dir(learner: str) -> Path:
    """The lab's own files for one learner: kernelspec, Jupyter runtime files, log, state."""
    return workspace.home() / "lab" / learner


def jupyter_path(learner: str) -> Path:
    """The JUPYTER_PATH entry that holds the lab's kernelspec."""
    return lab_dir(learner) / "jupyter"


def learner_root(learner: str) -> Path:
    """What the lab shows: the learner's folder of the workspace."""
    return workspace.workspace_root() / learner


def interactive_run_dir(learner: str, label: str) -> Path:
    """A folder per interactive kernel (or exported shell): its ledger, recorded values, role metadata.

    Kept apart from graded runs (GRADER_HOME/runs): nothing in it is ever graded.
    """
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    path = workspace.home() / "interactive" / learner / f"{stamp}-{label}-{secrets.token_hex(2)}"
    path.mkdir(parents=True)
    return path


# ------------------------------------------------------------------ kernel
def write_kernelspec(learner: str, region: str) -> Path:
    """Write the lab's kernelspec; returns the directory to put on JUPYTER_PATH.

    The spec holds paths and ids only; the launcher resolves the account at each kernel start.
    """
    spec_dir = jupyter_path(learner) / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    python_path = os.pathsep.join([str(PROJECT_ROOT)] + ([os.environ["PYTHONPATH"]]
                                                         if os.environ.get("PYTHONPATH") else []))
    spec = {
        "argv": launcher_command(learner, region) + ["-f", "{connection_file}"],
        "display_name": f"Python 3 (course: {learner})",
        "language": "python",
        "env": {"PYTHONPATH": python_path},
        "metadata": {"debugger": True},
    }
    try:
        from ipykernel.kernelspec import RESOURCES

        for logo in Path(RESOURCES).glob("logo-*"):
            shutil.copyfile(logo, spec_dir / logo.name)
    except ImportError:  # no logo then; ipykernel is needed to run the kernel anyway
        pass
    tmp = spec_dir / "kernel.json.tmp"
    tmp.write_text(json.dumps(spec, indent=1))
    tmp.replace(spec_dir / "kernel.json")
    return jupyter_path(learner)


def module_of_notebook(path: str | os.PathLike | None, learner: str) -> Module | None:
    """The catalog module whose working copy this is (JupyterLab passes the notebook's path)."""
    if not path:
        return None
    path = Path(path)
    for module in catalog.MODULES.values():
        if path == workspace.learner_notebook(module, learner) or path.name == Path(module.notebook).name:
            return module
    return None


def grading_parameters(account: LearnerAccount, module: Module | None) -> dict:
    """The parameters the grader injects (see course.grade); prefix and module values need the module."""
    parameters = {"learner": account.learner, "region": account.region, "bucket": account.bucket(),
                  "role_arn": account.role_arn}
    if module is not None:
        parameters.update(prefix=module.id, **module.parameters)
    return parameters


def attach_backend() -> local.LocalBackend | None:
    """The embedded backend that runs now (a lab's or `grader.py backend`), or None; never starts one."""
    state = workspace.backend_state_file()
    url = local.read_state(state)
    if not url or not local.answers(url):
        return None
    backend = local.LocalBackend(state)
    backend.endpoint_url = url
    return backend


def kernel_environment_for(learner: str, region: str, notebook: str | None = None,
                           base: dict | None = None, store: str | None = None,
                           label: str | None = None) -> tuple[dict[str, str], Path]:
    """The environment of an interactive kernel: the grading kernel's, for this learner, on the running backend.

    store: the progress store's URL (default: GRADER_STORE of base, as JupyterLab passes it, else the
    grader's default). Returns (environment, interactive run folder).
    """
    from .kernel import kernel_environment

    backend = attach_backend()
    if backend is None:
        raise InfrastructureError("No embedded backend runs, so the course kernel has no AWS to talk to.",
                                  "Start `python grader.py lab` (or `python grader.py backend`) and restart "
                                  "the kernel.")
    account = backend.account_for(learner, region)
    module = module_of_notebook(notebook, learner)
    run_dir = interactive_run_dir(learner, label or (module.id if module else "lab"))
    base = dict(os.environ if base is None else base)
    env = kernel_environment(run_dir, account, base, store_url=store_url(store or base.get("GRADER_STORE")))
    env["GRADER_LAB_PARAMETERS"] = json.dumps(grading_parameters(account, module))
    return env, run_dir


def launcher_command(learner: str, region: str) -> list[str]:
    """The launcher's argv up to its mode (`-f CONNECTION_FILE` for a kernel, `--terminal` for a terminal)."""
    return [sys.executable, "-m", "course.kernel.launch", "--learner", learner, "--region", region,
            "--home", str(workspace.home().resolve()), "--workspace", str(workspace.workspace_root().resolve())]


def terminal_command(learner: str, region: str) -> list[str]:
    """The launcher in terminal mode, importable from any folder (a terminal gets no kernelspec PYTHONPATH)."""
    bootstrap = (f"import sys; sys.path.insert(0, {str(PROJECT_ROOT)!r}); "
                 "from course.kernel.launch import main; sys.exit(main())")
    return [sys.executable, "-c", bootstrap] + launcher_command(learner, region)[3:] + ["--terminal"]


def terminal_environment(env: dict[str, str]) -> dict[str, str]:
    """A lab terminal's environment: the kernel's, with this environment's scripts (python, aws) first on PATH."""
    bin_dir = str(Path(sys.executable).parent)
    paths = [p for p in env.get("PATH", os.defpath).split(os.pathsep) if p and p != bin_dir]
    homes = {"GRADER_HOME": str(workspace.home().resolve()),  # `grader.py` typed there finds the lab's backend
             "GRADER_WORKSPACE": str(workspace.workspace_root().resolve())}
    return {**env, **homes, "PATH": os.pathsep.join([bin_dir] + paths)}


def kernel_command(connection_file: str) -> list[str]:
    """What the launcher execs: ipykernel with the parameters extension."""
    return [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file,
            f"--IPKernelApp.extra_extensions={PARAMETERS_EXTENSION}"]


# ------------------------------------------------------------------ environment to export
def export_lines(account: LearnerAccount, run_dir: Path, inherited: dict | None = None,
                 module: Module | None = None, store: str | None = None) -> list[str]:
    """Shell lines that give a learner's own Jupyter the grading kernel's environment.

    The grader's parameters go into GRADER_LAB_PARAMETERS; `%load_ext course.kernel.lab_parameters`
    in the notebook sets them after its parameters cell, as the lab's kernel does by itself.
    """
    from .kernel import SITE_DIR, kernel_environment

    inherited = dict(os.environ if inherited is None else inherited)
    env = kernel_environment(run_dir, account, base={}, store_url=store_url(store))
    env["GRADER_LAB_PARAMETERS"] = json.dumps(grading_parameters(account, module))
    lines = [f"# {account.learner}'s emulated account {account.account_id} on the embedded backend at "
             f"{account.endpoint_url}, with",
             f"# the kernel-side fixes and the ledger as when grading (interactive files in {run_dir}).",
             "# Load it into the shell that starts your Jupyter, not the one you grade from:",
             '#   eval "$(python grader.py lab --env)"',
             "# These are the embedded backend's keys for your account: never paste them into a notebook.",
             "# In a course notebook, run `%load_ext course.kernel.lab_parameters` first: after the parameters",
             "# cell it sets the grader's values (GRADER_LAB_PARAMETERS), as the lab's kernel does"
             + ("." if module is not None else
                "; give the module (lab --env module2) to get its prefix too.")]
    stale = sorted(k for k in inherited if k.startswith("AWS_") and k not in env)  # as a grading kernel drops them
    if stale:
        lines.append("unset " + " ".join(stale))
    for key in sorted(env):
        if key == "PYTHONPATH":
            paths = os.pathsep.join([str(SITE_DIR), str(PROJECT_ROOT)])
            lines.append(f"export PYTHONPATH={shlex.quote(paths)}${{PYTHONPATH:+{os.pathsep}$PYTHONPATH}}")
        else:
            lines.append(f"export {key}={shlex.quote(env[key])}")
    return lines


# ------------------------------------------------------------------ processes
def _stop(process: subprocess.Popen | None, timeout: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _state_pid(state: Path) -> int | None:
    try:
        return json.loads(state.read_text()).get("pid")
    except (OSError, ValueError, AttributeError):
        return None


@dataclass
class Backend:
    """The embedded backend under a lab: reused when one runs, else started and published in its state file."""

    backend: local.LocalBackend
    process: subprocess.Popen | None = None  # set when this lab started it

    @property
    def started(self) -> bool:
        return self.process is not None

    @classmethod
    def open(cls) -> Backend:
        running = attach_backend()
        if running is not None:
            return cls(running)
        state = workspace.backend_state_file()
        log_path = state.parent / "backend.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "MOTO_ACCOUNT_ID"}
        with open(log_path, "ab") as log, open(os.devnull, "rb") as nothing:
            process = subprocess.Popen(
                [sys.executable, "-m", "course.backend.server", "--port", "0", "--state-file", str(state)],
                cwd=PROJECT_ROOT, env=env, stdin=nothing, stdout=log, stderr=log,
                start_new_session=True)  # Ctrl+C reaches the lab, which stops it after listing what runs
        deadline = time.monotonic() + local.START_TIMEOUT_S
        try:
            while time.monotonic() < deadline:
                url = local.read_state(state)
                if url and _state_pid(state) == process.pid and local.answers(url):
                    backend = local.LocalBackend(state)
                    backend.endpoint_url = url
                    return cls(backend, process)
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        except BaseException:  # Ctrl+C while it starts: it runs in its own session, so stop it here
            _stop(process)
            raise
        _stop(process)
        tail = log_path.read_text(errors="replace").strip().splitlines()[-1:]
        raise InfrastructureError(
            f"The embedded backend did not start: {tail[-1] if tail else 'no answer in time'}.",
            "Reinstall the requirements (pip install -r requirements.txt) and try again.")

    def alive(self) -> bool:
        return self.backend.alive()

    def close(self) -> None:
        if self.process is not None:
            _stop(self.process)
            state = self.backend.state_file
            try:  # the server removes it itself on SIGTERM; a killed one leaves it behind
                if json.loads(state.read_text()).get("pid") == self.process.pid:
                    state.unlink()
            except (OSError, ValueError):
                pass
            self.process = None


@dataclass
class JupyterLab:
    process: subprocess.Popen
    url: str  # base URL, without the token
    token: str
    root: Path
    log: Path
    state: Path

    @property
    def login_url(self) -> str:
        return f"{self.url}lab?token={self.token}"

    def api(self, path: str, timeout: float = 5) -> dict | list:
        request = urllib.request.Request(self.url + path.lstrip("/"),
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        """SIGTERM: JupyterLab shuts its kernels down, then exits."""
        _stop(self.process, timeout=20)
        try:
            if json.loads(self.state.read_text()).get("pid") == self.process.pid:
                self.state.unlink()
        except (OSError, ValueError):
            pass


def running_lab(learner: str) -> dict | None:
    """The state of a lab that already runs for this learner, if one does."""
    state = lab_dir(learner) / "lab.json"
    try:
        info = json.loads(state.read_text())
        os.kill(info["pid"], 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return info


def start_jupyterlab(learner: str, region: str, port: int = 0, store: str | None = None) -> JupyterLab:
    """JupyterLab, headless on loopback, on the learner's folder, with the grading kernel.

    store: the progress store's URL; its kernels inherit it from JupyterLab's environment.
    """
    root = learner_root(learner)
    root.mkdir(parents=True, exist_ok=True)
    home = lab_dir(learner)
    runtime = home / "runtime"
    runtime.mkdir(parents=True, exist_ok=True)
    for stale in runtime.glob("jpserver-*"):
        stale.unlink(missing_ok=True)
    token = secrets.token_hex(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["JUPYTER_PATH"] = os.pathsep.join([str(write_kernelspec(learner, region))]
                                          + ([env["JUPYTER_PATH"]] if env.get("JUPYTER_PATH") else []))
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    env["GRADER_STORE"] = store_url(store)
    terminal = {"shell_command": terminal_command(learner, region)}  # acts as the learner too
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={token}",
               f"--LabApp.workspaces_dir={home / 'workspaces'}", "--ServerApp.answer_yes=True",
               f"--ServerApp.terminado_settings={json.dumps(terminal)}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers: the lab serves loopback only, with a token
    log_path = home / "jupyterlab.log"
    with open(log_path, "ab") as log, open(os.devnull, "rb") as nothing:
        process = subprocess.Popen(command, cwd=root, env=env, stdin=nothing, stdout=log, stderr=log,
                                   start_new_session=True)  # the lab stops it on Ctrl+C, no y/n prompt
    info_file = runtime / f"jpserver-{process.pid}.json"
    deadline = time.monotonic() + START_TIMEOUT_S
    lab = None
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if lab is None and info_file.exists():
                try:
                    info = json.loads(info_file.read_text())
                    lab = JupyterLab(process, info["url"].rstrip("/") + "/", token, root, log_path,
                                     home / "lab.json")
                except (OSError, ValueError, KeyError):
                    pass
            if lab is not None:
                try:
                    lab.api("api/status", timeout=2)
                    lab.state.write_text(json.dumps({"pid": process.pid, "url": lab.url, "learner": learner}))
                    return lab
                except (OSError, urllib.error.URLError, ValueError):
                    pass
            time.sleep(0.2)
    except BaseException:  # Ctrl+C while it starts: it runs in its own session, so stop it here
        _stop(process)
        raise
    _stop(process)
    tail = [line for line in log_path.read_text(errors="replace").splitlines() if line.strip()][-1:]
    cause = tail[-1][:200].rstrip(".") if tail else "no answer in time"
    raise InfrastructureError(f"JupyterLab did not start: {cause}.",
                              f"See {log_path}; reinstall the requirements (pip install -r requirements.txt).")


# ------------------------------------------------------------------ what still runs
@dataclass
class StillRunning:
    items: list = field(default_factory=list)  # leftovers.Leftover
    error: str | None = None


def still_running(account: LearnerAccount) -> StillRunning:
    """What bills by the hour in the learner's account: endpoints, notebook instances, running jobs."""
    from botocore.exceptions import BotoCoreError, ClientError

    from . import leftovers

    clients = Clients(account)
    scope = leftovers.Scope(account.learner, whole_account=account.endpoint_url is not None)
    try:
        items = (leftovers.endpoints(clients.sagemaker, scope) + leftovers.notebook_instances(clients.sagemaker, scope)
                 + leftovers.running_jobs(clients.sagemaker, scope))
    except (BotoCoreError, ClientError) as exc:
        return StillRunning(error=f"{type(exc).__name__}: {str(exc)[:200]}")
    return StillRunning(items)


def check_learner_folder(learner: str) -> None:
    root = learner_root(learner)
    if root.exists() and not root.is_dir():
        raise BadInput(f"{root} is not a folder.", "Move the file away; the lab shows your notebooks there.")
