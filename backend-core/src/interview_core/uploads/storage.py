"""Uploaded media is written inside the unit of work that records it, and kept only if it
commits: a refused or failed request (an error after the write, a failed commit) leaves no object
that no row points to. Keys are the media store's (interview_contracts.media), as the rows store
them.
"""

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from interview_contracts.media import get_media_store

logger = logging.getLogger(__name__)
_UNCOMMITTED_KEY = "uploaded_media_uncommitted"


def write_upload(session: Session, key: str, data: bytes) -> None:
    """Store the object now; it is deleted again unless `session`'s transaction commits."""
    # Recorded before the write: a write that fails half-way is cleaned up too.
    session.info.setdefault(_UNCOMMITTED_KEY, []).append(key)
    get_media_store().put(key, data)


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    session.info.pop(_UNCOMMITTED_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (rolled back, or closed unfinished).
    if transaction.parent is not None or transaction.nested:
        return
    for key in session.info.pop(_UNCOMMITTED_KEY, []):
        try:
            get_media_store().delete(key)
        except Exception:
            # Never mask the request's own error; the retention run's orphan sweep removes
            # what is left once a day old.
            logger.exception("uncommitted upload not deleted", extra={"media_key": key})
