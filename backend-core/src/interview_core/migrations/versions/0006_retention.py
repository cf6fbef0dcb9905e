"""retention periods per organisation

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 06:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Existing organisations get the documented defaults; null means "keep".
RETENTION_COLUMNS = {
    "frames_retention_days": 30,
    "audio_retention_days": 90,
    "transcripts_retention_days": 365,
    "embeddings_retention_days": 365,
}


def upgrade() -> None:
    for column, default_days in RETENTION_COLUMNS.items():
        op.add_column(
            "organisations",
            sa.Column(column, sa.Integer(), nullable=True, server_default=str(default_days)),
        )
        op.create_check_constraint(
            op.f(f"ck_organisations_{column}_positive"), "organisations", f"{column} >= 1"
        )


def downgrade() -> None:
    for column in reversed(RETENTION_COLUMNS):
        op.drop_constraint(
            op.f(f"ck_organisations_{column}_positive"), "organisations", type_="check"
        )
        op.drop_column("organisations", column)
