"""Fixtures for the engine's tests: isolated grader homes and a shared embedded backend."""
from __future__ import annotations

import pytest
from helpers import start_backend, stop


@pytest.fixture(scope="session")
def shared_home(tmp_path_factory):
    """One grader home with one embedded backend for the slow notebook tests (saves a start each)."""
    home = tmp_path_factory.mktemp("grader-home")
    process = start_backend(home)
    yield home
    stop(process)


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"
