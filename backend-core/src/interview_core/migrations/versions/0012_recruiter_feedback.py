"""recruiter feedback on questions and scores, and versioned training datasets

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 06:10:00.000000

Every row names its turn and interview with ON DELETE CASCADE: deleting an interview (a
candidate erasing their data included) removes its feedback and training examples.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamps() -> list[sa.Column[sa.DateTime]]:
    return [
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    ]


def _cascade(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def _set_null(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="SET NULL"
    )


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "question_feedback",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("turn_id", sa.Uuid(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("better_wording", sa.String(length=600), nullable=True),
        sa.Column("question_text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_timestamps(),
        _cascade("question_feedback", "organisation_id", "organisations"),
        _cascade("question_feedback", "interview_id", "interviews"),
        _cascade("question_feedback", "turn_id", "turns"),
        _set_null("question_feedback", "created_by"),
        _set_null("question_feedback", "updated_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_feedback")),
        sa.UniqueConstraint("turn_id", name=op.f("uq_question_feedback_turn_id")),
    )
    _index("question_feedback", "organisation_id")
    _index("question_feedback", "interview_id")

    op.create_table(
        "score_feedback",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("turn_id", sa.Uuid(), nullable=False),
        sa.Column("competency", sa.String(length=64), nullable=False),
        sa.Column("ai_score", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("corrected_score", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        *_timestamps(),
        _cascade("score_feedback", "organisation_id", "organisations"),
        _cascade("score_feedback", "interview_id", "interviews"),
        _cascade("score_feedback", "turn_id", "turns"),
        _set_null("score_feedback", "created_by"),
        sa.CheckConstraint(
            "(verdict = 'confirmed' AND corrected_score IS NULL) OR "
            "(verdict = 'corrected' AND corrected_score BETWEEN 1 AND 5)",
            name=op.f("ck_score_feedback_corrected_score_matches_verdict"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_feedback")),
        sa.UniqueConstraint(
            "turn_id", "competency", name=op.f("uq_score_feedback_turn_competency")
        ),
    )
    _index("score_feedback", "organisation_id")
    _index("score_feedback", "interview_id")
    _index("score_feedback", "turn_id")

    op.create_table(
        "training_datasets",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("consent_basis", sa.String(length=500), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("question_examples", sa.Integer(), nullable=False),
        sa.Column("score_examples", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _cascade("training_datasets", "organisation_id", "organisations"),
        _set_null("training_datasets", "created_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_datasets")),
        sa.UniqueConstraint(
            "organisation_id", "version", name=op.f("uq_training_datasets_version")
        ),
    )
    _index("training_datasets", "organisation_id")

    op.create_table(
        "training_examples",
        sa.Column("dataset_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("turn_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        _cascade("training_examples", "dataset_id", "training_datasets"),
        _cascade("training_examples", "organisation_id", "organisations"),
        _cascade("training_examples", "interview_id", "interviews"),
        _cascade("training_examples", "turn_id", "turns"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_examples")),
    )
    for column in ("dataset_id", "organisation_id", "interview_id", "turn_id"):
        _index("training_examples", column)


def downgrade() -> None:
    op.drop_table("training_examples")
    op.drop_table("training_datasets")
    op.drop_table("score_feedback")
    op.drop_table("question_feedback")
