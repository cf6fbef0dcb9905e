"""Engine and session factory, created lazily so importing a module never connects."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from interview_core.broker.after_commit import run_committed_actions
from interview_core.config import get_infra_settings


@lru_cache
def get_engine() -> Engine:
    settings = get_infra_settings()
    # pre_ping survives a PostgreSQL restart: stale pooled connections are replaced, not used.
    # No server-side prepared statements (psycopg prepares a query run five times): a plan
    # cached on a long-lived connection fails once a column changes type under it ("cached
    # plan must not change result type", seen after `reembed --dimension` re-typed the vectors
    # under the running core worker).
    return create_engine(
        settings.database_url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args={"prepare_threshold": None},
    )


@lru_cache
def get_session_factory() -> sessionmaker[Session]:
    from interview_core.db.models import import_all_models

    # Every domain's tables, so a foreign key to a table the caller never imported (a job's
    # adapter, from a script that only seeds jobs) resolves when the mappers are configured.
    import_all_models()
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = get_session_factory()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    else:
        # Sends of tasks for the rows just committed; a failure here is the caller's error.
        run_committed_actions(session)
    finally:
        session.close()
