"""jobs can be archived: hidden from the recruiter's active list and closed to new invites

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:30:00.000000

Archiving keeps the job and its interviews (reports still name the job); null means active.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("jobs", "archived_at")
