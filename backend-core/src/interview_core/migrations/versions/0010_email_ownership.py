"""e-mail ownership: pending registrations, registration attempts, mail deliveries

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 09:00:00.000000

Accounts that exist already stay as they are: before this revision nothing was bound to an
account by its address alone except invitations, and those are now bound by token only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "pending_registrations",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("preferred_language", sa.String(length=8), nullable=False),
        _created_at(),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pending_registrations"),
    )
    op.create_index(
        "ix_pending_registrations_email", "pending_registrations", ["email"], unique=False
    )
    op.create_index(
        "ix_pending_registrations_expires_at",
        "pending_registrations",
        ["expires_at"],
        unique=False,
    )
    op.create_table(
        "registration_attempts",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("ip_address", sa.String(length=64), nullable=False),
        _created_at(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registration_attempts"),
    )
    op.create_index(
        "ix_registration_attempts_email_created_at",
        "registration_attempts",
        ["email", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_registration_attempts_ip_created_at",
        "registration_attempts",
        ["ip_address", "created_at"],
        unique=False,
    )
    op.create_table(
        "mail_deliveries",
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("reference_id", sa.Uuid(), nullable=True),
        sa.Column("sent", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _created_at(),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_mail_deliveries"),
    )
    op.create_index(
        "ix_mail_deliveries_reference_id", "mail_deliveries", ["reference_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_mail_deliveries_reference_id", table_name="mail_deliveries")
    op.drop_table("mail_deliveries")
    op.drop_index("ix_registration_attempts_ip_created_at", table_name="registration_attempts")
    op.drop_index("ix_registration_attempts_email_created_at", table_name="registration_attempts")
    op.drop_table("registration_attempts")
    op.drop_index("ix_pending_registrations_expires_at", table_name="pending_registrations")
    op.drop_index("ix_pending_registrations_email", table_name="pending_registrations")
    op.drop_table("pending_registrations")
