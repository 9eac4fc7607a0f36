"""A throwaway PostgreSQL server for the fleet tests: Debian's binaries, a temp data folder.

`initdb` and `pg_ctl` refuse to run as root (CI runs as root), so they run as the
`postgres` user through `runuser`, and the temp folder is handed to that user. The server
listens on 127.0.0.1 on a free port with its socket in the temp folder, so it never meets
the machine's own PostgreSQL. Durability is switched off (fsync, synchronous commit): the
data is thrown away, and the suite must stay fast.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
PREFIX = "citebot-pg-"
# The test process that started a server: a server whose owner is gone was left behind by
# a run that was killed before it could stop it.
OWNER = "owner.pid"


def find_bin_dir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding pg_ctl, if any."""
    found = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
    if not found:
        return None
    newest = max(found, key=lambda p: int(Path(p).parent.parent.name.split(".")[0]))
    return Path(newest).parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class LocalServer:
    """A PostgreSQL cluster started by the tests; `url` reaches its `postgres` database."""

    bin_dir: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:  # pg_ctl and initdb refuse root
            command = ["runuser", "-u", "postgres", "--", *command]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)
        except subprocess.CalledProcessError as exc:
            exc.add_note(f"{tool} said: {exc.stderr.strip()}")  # shown with the traceback
            raise

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync")

    def start(self) -> None:
        options = [f"-p {self.port}", f"-k {self.root}", "-c listen_addresses=127.0.0.1"]
        options += [f"-c {setting}" for setting in FAST_SETTINGS]
        log = str(self.root / "server.log")
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            log,
            "-w",
            "-t",
            "60",
            "-o",
            " ".join(options),
            "start",
        )

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def restart(self) -> None:
        """Stop (fast: every connection is cut, as in a real restart) and start again."""
        self.stop()
        self.start()


@contextmanager
def local_server(bin_dir: Path) -> Iterator[LocalServer]:
    """A new cluster, started; stopped and deleted afterwards."""
    stop_abandoned(bin_dir)
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    (root / OWNER).write_text(str(os.getpid()))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    server = LocalServer(bin_dir, root, free_port())
    try:
        server.init()
        server = _started(server)
        yield server
    finally:
        # Never started, or already stopped: nothing to stop.
        with suppress(subprocess.CalledProcessError):
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


def stop_abandoned(bin_dir: Path) -> list[Path]:
    """Stop and delete the servers of earlier test runs killed before they stopped them
    (their owner process is gone); returns their folders."""
    abandoned = []
    for root in sorted(Path(tempfile.gettempdir()).glob(f"{PREFIX}*")):
        owner = _owner(root)
        if owner is None or _alive(owner):
            continue  # being set up right now, or still in use
        with suppress(subprocess.CalledProcessError):
            LocalServer(bin_dir, root, 0).stop()
        shutil.rmtree(root, ignore_errors=True)
        abandoned.append(root)
    return abandoned


def _owner(root: Path) -> int | None:
    try:
        return int((root / OWNER).read_text())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _started(server: LocalServer) -> LocalServer:
    """Start the server; another process may take the free port first, so try a few."""
    for _ in range(3):
        try:
            server.start()
            return server
        except subprocess.CalledProcessError:
            server = LocalServer(server.bin_dir, server.root, free_port())
    server.start()
    return server


def with_database(url: str, name: str) -> str:
    """The postgresql:// URL with its database replaced by `name`."""
    return urlsplit(url)._replace(path=f"/{name}").geturl()


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new empty database on the server of `admin_url`; dropped afterwards. Yields its DSN."""
    name = f"citebot_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(admin_url, name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
