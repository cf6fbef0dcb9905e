"""Tasks are enqueued only after the transaction that created their rows has committed.

A task sent earlier could run before its rows are visible, or run for rows that a rollback
removed. Handlers buffer sends on the session; they are flushed after commit, dropped on rollback.
"""

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

_PENDING_KEY = "pending_after_commit"


def run_after_commit(session: Session, action: Callable[[], object]) -> None:
    session.info.setdefault(_PENDING_KEY, []).append(action)


@event.listens_for(Session, "after_commit")
def _flush_pending(session: Session) -> None:
    actions: list[Callable[[], object]] = session.info.pop(_PENDING_KEY, [])
    for action in actions:
        action()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
