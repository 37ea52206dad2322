"""Fixtures shared by the test modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lab.testing import client_environment


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A temporary HOME for SSH clients: no developer ~/.ssh/config, keys or known_hosts may change the results.
    ncclient's TICK is left alone, so the collectors' own settings are what is tested."""
    path = tmp_path_factory.mktemp("home")
    with client_environment(path, tick=None):
        yield path
