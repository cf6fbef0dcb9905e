"""Apply Alembic migrations programmatically (at start, from the CLI and from tests)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from interview_core.config import get_infra_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    url = database_url or get_infra_settings().database_url
    # ConfigParser interpolation treats % specially.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str | None = None) -> None:
    command.upgrade(alembic_config(database_url), "head")
