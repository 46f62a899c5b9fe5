"""The modules' mutants (course/mutants/) for the tests: notebooks that do not do the work.

Each mutant names the checks it must fail; tests grade every mutant and compare, so every
check is shown to fail on some notebook.
"""
from __future__ import annotations

from course.mutants import Mutant, declared
from course.mutants import write_notebook as write_mutant

MODULE2 = declared("module2")

__all__ = ["MODULE2", "Mutant", "write_mutant"]
