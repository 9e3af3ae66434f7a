"""A throwaway PostgreSQL server for the tests and benchmarks: Debian's `postgresql` package,
`initdb` in a temporary directory, listening on 127.0.0.1 on a free port, stopped and deleted at
the end. `.ci/run` installs the package where it is missing.

PostgreSQL refuses to run as root, so as root (CI) the server runs as the unprivileged `postgres`
user that the package creates, and the temporary directory is handed to it.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

SUPERUSER = "lemans"
_names = itertools.count()


class PostgresMissing(RuntimeError):
    """No PostgreSQL server programs on this machine."""


def server_binaries() -> Path:
    """The directory with initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/N/bin."""
    if found := shutil.which("initdb"):
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(re.sub(r"\D", "", p.parts[-3]) or 0)
    )
    if not versions:
        raise PostgresMissing("PostgreSQL is not installed: apt-get install postgresql (.ci/run does)")
    return versions[-1].parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Cluster:
    """One running server; `url(database)` to connect, `create_database()` for a fresh database."""

    def __init__(self, directory: Path, port: int, binaries: Path, user: str | None) -> None:
        self.directory, self.port, self._binaries, self._user = directory, port, binaries, user

    @classmethod
    @contextlib.contextmanager
    def running(cls, *, durable: bool = False) -> Iterator[Cluster]:
        """Start a new cluster, yield it, stop and delete it. `durable=False` turns fsync off (tests
        need no crash safety); benchmarks keep PostgreSQL's defaults."""
        binaries = server_binaries()
        user = "postgres" if os.geteuid() == 0 else None
        directory = Path(tempfile.mkdtemp(prefix="lemans-postgres-"))
        if user is not None:
            owner = pwd.getpwnam(user)
            os.chown(directory, owner.pw_uid, owner.pw_gid)
        cluster = cls(directory, free_port(), binaries, user)
        try:
            cluster._run("initdb", "-D", str(directory / "data"), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8")
            cluster._start(durable)
            yield cluster
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                cluster._run("pg_ctl", "stop", "-D", str(directory / "data"), "-m", "immediate", "-w")
            shutil.rmtree(directory, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self._binaries / program), *args]
        subprocess.run(command, check=True, capture_output=True, user=self._user, cwd=self.directory, timeout=120)

    def _start(self, durable: bool) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories='' -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        log = str(self.directory / "server.log")
        self._run("pg_ctl", "start", "-D", str(self.directory / "data"), "-l", log, "-w", "-t", "60", "-o", options)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new, empty database; its URL."""
        name = f"test_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
