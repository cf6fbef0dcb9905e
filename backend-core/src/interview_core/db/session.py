"""The request-scoped database session: the same unit of work as `session_scope`."""

from collections.abc import Iterator

from sqlalchemy.orm import Session

from interview_core.db.engine import session_scope


def get_db_session() -> Iterator[Session]:
    with session_scope() as session:
        yield session
