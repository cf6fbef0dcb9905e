"""An embedded PostgreSQL 16 with pgvector from the `pgserver` package, data kept on disk."""

import logging
import subprocess
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


class EmbeddedPostgres:
    """Starts (or reuses) a server whose data lives in `data_dir`; stop() leaves the data."""

    def __init__(self, data_dir: Path, database: str = DATABASE_NAME) -> None:
        self.data_dir = data_dir
        self.database = database
        self._server: PostgresServer | None = None

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
        admin_uri = self.server.get_uri("postgres")
        with psycopg.connect(admin_uri, autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.database,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{self.database}"')
        with psycopg.connect(self.server.get_uri(self.database), autocommit=True) as connection:
            connection.execute("CREATE EXTENSION IF NOT EXISTS vector")

    def pg_ctl(self, action: str) -> None:
        """Run pg_ctl against the data directory (stop/start/restart), as pgserver's user."""
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        pg_ctl(["-w", "-m", "fast", action], pgdata=self.data_dir, user=self.server.system_user)

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
