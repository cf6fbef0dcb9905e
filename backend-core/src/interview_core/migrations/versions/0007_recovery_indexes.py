"""partial indexes for the recovery sweep

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only rows that still owe work are indexed, so the sweep's scan stays small.
    op.create_index(
        "ix_turns_pending_work",
        "turns",
        ["updated_at"],
        postgresql_where=sa.text("evaluation_status = 'pending' OR stt_status = 'pending'"),
    )
    op.create_index(
        "ix_turns_awaiting_question",
        "turns",
        ["generation_deadline_at"],
        postgresql_where=sa.text("question_text IS NULL"),
    )
    op.create_index(
        "ix_interviews_completed_at",
        "interviews",
        ["completed_at"],
        postgresql_where=sa.text("status = 'completed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_interviews_completed_at", table_name="interviews")
    op.drop_index("ix_turns_awaiting_question", table_name="turns")
    op.drop_index("ix_turns_pending_work", table_name="turns")
