"""The request-scoped database session: commits on success, rolls back on error, in one place."""

from collections.abc import Iterator

from sqlalchemy.orm import Session

from interview_core.db.engine import get_session_factory


def get_db_session() -> Iterator[Session]:
    session = get_session_factory()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
