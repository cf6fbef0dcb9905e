"""Uploaded files are written inside the unit of work that records them, and kept only if it
commits: a refused or failed request (an error after the write, a failed commit) leaves no file
that no row points to. Paths are relative to the media directory, as the rows store them.
"""

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from interview_core.config import get_infra_settings

_UNCOMMITTED_KEY = "uploaded_files_uncommitted"


def write_upload(session: Session, relative: Path, data: bytes) -> None:
    """Write the file now; it is removed again unless `session`'s transaction commits."""
    target = get_infra_settings().media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    session.info.setdefault(_UNCOMMITTED_KEY, []).append(target)
    target.write_bytes(data)


@event.listens_for(Session, "after_commit")
def _keep_committed(session: Session) -> None:
    session.info.pop(_UNCOMMITTED_KEY, None)


@event.listens_for(Session, "after_transaction_end")
def _remove_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit (rolled back, or closed unfinished).
    if transaction.parent is not None or transaction.nested:
        return
    for target in session.info.pop(_UNCOMMITTED_KEY, []):
        target.unlink(missing_ok=True)
