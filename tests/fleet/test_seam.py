"""PostgreSQL stays behind the fleet seam: single-process citebot never loads psycopg."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def test_only_the_fleet_package_and_its_cli_import_psycopg():
    importing = {
        path.relative_to(BOT).as_posix()
        for path in BOT.rglob("*.py")
        if re.search(r"^\s*(import|from) psycopg", path.read_text(encoding="utf-8"), re.M)
    }
    assert importing and all(p.startswith(("fleet/", "cli_fleet.py")) for p in importing)


def test_the_command_line_loads_psycopg_only_for_fleet_commands():
    code = "import sys, bot.cli; print('psycopg' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
