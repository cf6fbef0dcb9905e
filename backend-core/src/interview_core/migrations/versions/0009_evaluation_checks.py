"""evaluation checks, method, validity and review flags; "no evidence" as a null score

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMPTY_JSON_LIST = sa.text("'[]'::jsonb")


def upgrade() -> None:
    op.alter_column("turn_evaluations", "score", existing_type=sa.Integer(), nullable=True)
    op.add_column(
        "turn_evaluations",
        sa.Column(
            "checks",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            server_default=EMPTY_JSON_LIST,
        ),
    )
    op.add_column("turn_evaluations", sa.Column("method", sa.String(length=32), nullable=True))
    op.add_column(
        "turn_evaluations", sa.Column("prompt_version", sa.String(length=64), nullable=True)
    )
    # Rows stored before the benchmark existed were never validated: their scores stay hidden.
    op.add_column(
        "turn_evaluations",
        sa.Column("validated", sa.Boolean(), nullable=False, server_default=sa.text("false")),
    )
    op.add_column(
        "turn_evaluations",
        sa.Column(
            "review_flags",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            server_default=EMPTY_JSON_LIST,
        ),
    )


def downgrade() -> None:
    op.drop_column("turn_evaluations", "review_flags")
    op.drop_column("turn_evaluations", "validated")
    op.drop_column("turn_evaluations", "prompt_version")
    op.drop_column("turn_evaluations", "method")
    op.drop_column("turn_evaluations", "checks")
    # A "no evidence" row has no score to put back: it cannot survive the older schema.
    op.execute("DELETE FROM turn_evaluations WHERE score IS NULL")
    op.alter_column("turn_evaluations", "score", existing_type=sa.Integer(), nullable=False)
