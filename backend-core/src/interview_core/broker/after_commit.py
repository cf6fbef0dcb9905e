"""Tasks are enqueued only after the transaction that created their rows has committed.

A task sent earlier could run before its rows are visible, or run for rows that a rollback
removed. Handlers buffer sends on the session; a commit makes them due, a rollback drops them,
and `session_scope` runs the due ones once the commit has returned.
"""

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

logger = logging.getLogger(__name__)
_PENDING_KEY = "pending_after_commit"
_DUE_KEY = "due_after_commit"


def run_after_commit(session: Session, action: Callable[[], object]) -> None:
    session.info.setdefault(_PENDING_KEY, []).append(action)


@event.listens_for(Session, "after_commit")
def _make_due(session: Session) -> None:
    # Not run here: an error raised inside the commit's own hook would leave the session
    # half-way through its commit, so the caller would never see the error itself.
    session.info.setdefault(_DUE_KEY, []).extend(session.info.pop(_PENDING_KEY, []))


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def run_committed_actions(session: Session) -> None:
    """Run what the committed transactions left due. The first failure (the broker down) is
    raised at once, so the caller answers 503 quickly; the rest are dropped with it. What was
    committed still owes those tasks, and the rows say so: the client's retry of the same
    request or the recovery sweep (interviews/recovery.py) sends them again, and a question
    never generated gets the bank question at its deadline."""
    actions: list[Callable[[], object]] = session.info.pop(_DUE_KEY, [])
    for done, action in enumerate(actions, start=1):
        try:
            action()
        except Exception:
            logger.warning("after-commit action failed; %d left unsent", len(actions) - done)
            raise
