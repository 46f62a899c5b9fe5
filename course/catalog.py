"""The course's modules: what each one is, where its notebook and checks live, its limits.

Adding a module means adding one entry here, a notebook under notebooks/ and a checks file.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadInput

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
CHECKS_DIR = PROJECT_ROOT / "checks"
WORKSHOP_REPOSITORY = "https://github.com/awslabs/amazon-sagemaker-workshop"  # module1's default code repository


def notebooks_dir() -> Path:
    """The source notebooks: notebooks/, or GRADER_NOTEBOOKS (`grader.py ci --notebooks` on a copy)."""
    return Path(os.environ.get("GRADER_NOTEBOOKS") or NOTEBOOKS_DIR)


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    notebook: str  # file name under notebooks/
    checks: str  # file name under checks/
    prerequisites: tuple[str, ...] = ()
    cell_timeout_s: int = 300
    parameters: dict = field(default_factory=dict)  # values the grader injects beyond the common five
    assets: tuple[str, ...] = ()  # files under notebooks/ the notebook uses (e.g. shell scripts), copied with it
    inspects_earlier_modules: bool = False  # its checks look at what earlier modules left (module6)
    # What `grader.py ci` grades first in the same account, so that an untouched learner copy has
    # something to fail on: "module1" (its reference) or "module2:leave-endpoint" (a mutant).
    ci_before: tuple[str, ...] = ()

    @property
    def source_notebook(self) -> Path:
        return notebooks_dir() / self.notebook

    @property
    def checks_file(self) -> Path:
        return CHECKS_DIR / self.checks


MODULES: dict[str, Module] = {  # in course order
    m.id: m
    for m in [
        Module(
            id="module0",
            title="Preliminaries",
            notebook="module0_preliminaries.ipynb",
            checks="test_module0_preliminaries.py",
            cell_timeout_s=120,
        ),
        Module(
            id="module1",
            title="Creating a Notebook Instance",
            notebook="module1_notebook_instance.ipynb",
            checks="test_module1_notebook_instance.py",
            prerequisites=("module0",),
            cell_timeout_s=180,
            parameters={"code_repository": WORKSHOP_REPOSITORY},
        ),
        Module(
            id="module2",
            title="Videogame Sales (built-in XGBoost)",
            notebook="module2_videogame_sales.ipynb",
            checks="test_module2_videogame_sales.py",
        ),
        Module(
            id="module5",
            title="Extra Credit: Videogame Sales with scripts and the aws CLI",
            notebook="module5/module5_extra_credit.ipynb",
            checks="test_module5_extra_credit.py",
            prerequisites=("module2",),
            assets=("module5/videogames.sh", "module5/deploy.sh"),
        ),
        Module(
            id="module6",
            title="Cleanup",
            notebook="module6_cleanup.ipynb",
            checks="test_module6_cleanup.py",
            cell_timeout_s=180,
            inspects_earlier_modules=True,
            ci_before=("module1", "module2:leave-endpoint"),
        ),
    ]
}


def get(module_id: str) -> Module:
    try:
        return MODULES[module_id]
    except KeyError:
        valid = ", ".join(sorted(MODULES))
        raise BadInput(
            f"Unknown module {module_id!r}.", f"Valid modules: {valid} (e.g. python grader.py module2)."
        ) from None
