"""The course's modules: what each one is, where its notebook and checks live, its limits.

Adding a module means adding one entry here, a notebook under notebooks/ and a checks file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadInput

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
CHECKS_DIR = PROJECT_ROOT / "checks"


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    notebook: str  # file name under notebooks/
    checks: str  # file name under checks/
    prerequisites: tuple[str, ...] = ()
    cell_timeout_s: int = 300
    parameters: dict = field(default_factory=dict)  # values the grader injects beyond the common five

    @property
    def source_notebook(self) -> Path:
        return NOTEBOOKS_DIR / self.notebook

    @property
    def checks_file(self) -> Path:
        return CHECKS_DIR / self.checks


MODULES: dict[str, Module] = {
    m.id: m
    for m in [
        Module(
            id="module2",
            title="Videogame Sales (built-in XGBoost)",
            notebook="module2_videogame_sales.ipynb",
            checks="test_module2_videogame_sales.py",
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
