"""Fixtures for the fetch tests: the local site on 127.0.0.1 (see local_site.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The suite runs with --import-mode=importlib, which puts no test directory on sys.path:
# make `import local_site` work for this directory's tests explicitly.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

from local_site import Site, serve


@pytest.fixture
def site() -> Iterator[Site]:
    """The local site, served for one test."""
    with serve() as running:
        yield running
