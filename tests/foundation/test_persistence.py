"""The embedded PostgreSQL keeps its data across a stop and start."""

from sqlalchemy import text

from interview_core.db.engine import get_engine


def test_data_survives_a_postgres_restart(stack) -> None:
    engine = get_engine()
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS restart_probe (value text)"))
        connection.execute(text("INSERT INTO restart_probe VALUES ('kept')"))
    assert stack.postgres is not None
    stack.postgres.restart()
    with engine.begin() as connection:
        values = connection.execute(text("SELECT value FROM restart_probe")).scalars().all()
        connection.execute(text("DROP TABLE restart_probe"))
    assert values == ["kept"]
