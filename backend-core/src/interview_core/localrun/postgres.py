"""An embedded PostgreSQL 16 with pgvector from the `pgserver` package, data kept on disk.

Two ways to run it: `start()` has pgserver start it in the background (the test suite), and
`prepare_foreground()` + `foreground_command()` give the run command's supervisor a server it
runs as its own child, so it sees it exit and restarts it on the same data.
"""

import logging
import os
import subprocess
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

from interview_core.config import normalise_database_url

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer

logger = logging.getLogger(__name__)
# pgserver logs every command at INFO, and again from atexit after handlers are closed.
logging.getLogger("pgserver").setLevel(logging.WARNING)

DATABASE_NAME = "interview"
# pgserver's user for the server when we run as root (PostgreSQL refuses to run as root).
ROOT_SYSTEM_USER = "pgserver"


class EmbeddedPostgres:
    """Starts (or reuses) a server whose data lives in `data_dir`; stop() leaves the data."""

    def __init__(self, data_dir: Path, database: str = DATABASE_NAME) -> None:
        self.data_dir = data_dir
        self.database = database
        self._server: PostgresServer | None = None
        self._socket_dir: Path | None = None

    @property
    def system_user(self) -> str | None:
        return ROOT_SYSTEM_USER if os.geteuid() == 0 else None

    def start(self) -> str:
        import pgserver

        if self._server is not None:
            # Restart after stop(): pgserver keeps one handle per data directory and process.
            with self._server._lock:
                self._server.ensure_postgres_running()
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: we stop it ourselves, and never delete the data directory.
        self._server = pgserver.get_server(self.data_dir, cleanup_mode=None)  # type: ignore[attr-defined]
        self._ensure_database()
        return self.url

    @property
    def server(self) -> "PostgresServer":
        if self._server is None:
            raise RuntimeError("embedded PostgreSQL is not started")
        return self._server

    @property
    def url(self) -> str:
        return normalise_database_url(self.server.get_uri(self.database))

    def _ensure_database(self) -> None:
        _create_database(
            self.server.get_uri("postgres"), self.database, self.server.get_uri(self.database)
        )

    def pg_ctl(self, action: str) -> None:
        """Run pg_ctl against the data directory (stop/start/restart), as pgserver's user."""
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(["-w", "-m", "fast", action], pgdata=self.data_dir, user=self.system_user)

    # The server as a supervised child

    def prepare_foreground(self) -> str:
        """Ready the data directory for `foreground_command()`: initialised with the database
        and pgvector (the first time, through pgserver), and no server left running on it (an
        earlier run's). Returns the URL the server will answer on."""
        with warnings.catch_warnings():
            # platformdirs finds run.sh's XDG_RUNTIME_DIR=/tmp world-writable and picks a
            # private directory instead: right, and nothing a person needs to read.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
            import pgserver.postgres_server  # noqa: F401
        if not (self.data_dir / "PG_VERSION").exists():
            self.start()  # initdb, a first start, the database and pgvector
        from pgserver.utils import PostmasterInfo

        left = PostmasterInfo.read_from_pgdata(self.data_dir.resolve())
        if left is not None and left.is_running():
            self.pg_ctl("stop")
        self._socket_dir = self._choose_socket_dir()
        return self.foreground_url(self.database)

    def _choose_socket_dir(self) -> Path:
        """pgserver's choice (the data directory, or a short runtime path when that is too long
        for a Unix socket), so the URL is the same whichever way the server was started."""
        from pgserver.postgres_server import PostgresServer
        from pgserver.utils import (
            ensure_prefix_permissions,
            find_suitable_socket_dir,
        )

        pgdata = self.data_dir.resolve()
        socket_dir: Path = find_suitable_socket_dir(pgdata, PostgresServer.runtime_path)
        if self.system_user is not None and socket_dir != pgdata:
            ensure_prefix_permissions(socket_dir)
            socket_dir.chmod(0o777)
        return socket_dir

    def foreground_url(self, database: str) -> str:
        if self._socket_dir is None:
            raise RuntimeError("prepare_foreground() first")
        return normalise_database_url(f"postgresql://postgres:@/{database}?host={self._socket_dir}")

    def foreground_command(self) -> list[str]:
        """The server in the foreground, logging to stderr, reachable on its socket only."""
        from pgserver._commands import POSTGRES_BIN_PATH

        if self._socket_dir is None:
            raise RuntimeError("prepare_foreground() first")
        return [
            str(POSTGRES_BIN_PATH / "postgres"),
            "-D", str(self.data_dir.resolve()),
            "-h", "",  # no TCP
            "-k", str(self._socket_dir),
        ]  # fmt: skip

    def answers(self) -> bool:
        try:
            with psycopg.connect(_libpq(self.foreground_url("postgres")), connect_timeout=1):
                return True
        except psycopg.Error:
            return False

    def ensure_foreground_database(self) -> None:
        """The database and pgvector exist (a data directory another tool initialised)."""
        _create_database(
            _libpq(self.foreground_url("postgres")),
            self.database,
            _libpq(self.foreground_url(self.database)),
        )

    def stop(self) -> None:
        """Stop the server; the data directory stays for the next start."""
        if self._server is None:
            return
        try:
            self.pg_ctl("stop")
        except subprocess.CalledProcessError as exc:
            logger.warning("pg_ctl stop failed: %s", exc)

    def restart(self) -> None:
        """Stop and start the same server on the same data; used by the fault tests."""
        self.stop()
        self.start()


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _create_database(admin_uri: str, database: str, database_uri: str) -> None:
    with psycopg.connect(admin_uri, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{database}"')
    with psycopg.connect(database_uri, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
