"""Run a function right after a module is imported, without importing it ourselves.

The kernel pays nothing for SDK fixes when a notebook never imports the SDK.
"""
from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Callable

_AFTER: dict[str, list[Callable]] = {}
_BEFORE: dict[str, list[Callable]] = {}


class _PostImportFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname not in _AFTER and fullname not in _BEFORE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module

        def exec_module(module, _original=original, _name=fullname):
            for hook in _BEFORE.get(_name, ()):
                hook(module)
            _original(module)
            for hook in _AFTER.get(_name, ()):
                hook(module)

        loader.exec_module = exec_module
        return spec


_FINDER = _PostImportFinder()


def when_imported(module_name: str, after: Callable | None = None, before: Callable | None = None) -> None:
    """Call before(module) / after(module) around the module's first import (or now, if loaded)."""
    if module_name in sys.modules:
        if after:
            after(sys.modules[module_name])
        return
    if after:
        _AFTER.setdefault(module_name, []).append(after)
    if before:
        _BEFORE.setdefault(module_name, []).append(before)
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
