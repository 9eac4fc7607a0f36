"""The fleet tests' PostgreSQL helpers (tests/fleet/pg_server.py), for the e2e fleet tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "fleet"))

from pg_server import find_bin_dir, fresh_database, local_server

__all__ = ["find_bin_dir", "fresh_database", "local_server"]
