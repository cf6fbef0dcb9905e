"""interviews

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 04:11:28.467936
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("competencies", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("scenario_key", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_jobs_created_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_jobs_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    op.create_index(op.f("ix_jobs_organisation_id"), "jobs", ["organisation_id"], unique=False)
    op.create_table(
        "resumes",
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["users.id"],
            name=op.f("fk_resumes_candidate_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resumes")),
    )
    op.create_index(op.f("ix_resumes_candidate_id"), "resumes", ["candidate_id"], unique=False)
    op.create_table(
        "interviews",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=True),
        sa.Column("candidate_email", sa.String(length=320), nullable=False),
        sa.Column("invite_token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("scenario_key", sa.String(length=64), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("stages", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("current_stage_index", sa.Integer(), nullable=False),
        sa.Column("resume_id", sa.Uuid(), nullable=True),
        sa.Column("window_opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_audio", sa.Boolean(), nullable=False),
        sa.Column("consent_video", sa.Boolean(), nullable=False),
        sa.Column("consent_emotion", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["users.id"],
            name=op.f("fk_interviews_candidate_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_interviews_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"], ["jobs.id"], name=op.f("fk_interviews_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_interviews_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resume_id"],
            ["resumes.id"],
            name=op.f("fk_interviews_resume_id_resumes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint("invite_token_hash", name=op.f("uq_interviews_invite_token_hash")),
    )
    op.create_index(
        op.f("ix_interviews_candidate_id"), "interviews", ["candidate_id"], unique=False
    )
    op.create_index(op.f("ix_interviews_job_id"), "interviews", ["job_id"], unique=False)
    op.create_index(
        op.f("ix_interviews_organisation_id"), "interviews", ["organisation_id"], unique=False
    )
    op.create_table(
        "turns",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("stage_index", sa.Integer(), nullable=False),
        sa.Column("stage_key", sa.String(length=64), nullable=False),
        sa.Column("stage_type", sa.String(length=16), nullable=False),
        sa.Column("competency", sa.String(length=64), nullable=True),
        sa.Column("bank_question", sa.Text(), nullable=False),
        sa.Column("question_text", sa.Text(), nullable=True),
        sa.Column("question_source", sa.String(length=16), nullable=True),
        sa.Column("question_model_id", sa.String(length=200), nullable=True),
        sa.Column("question_ready_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("generation_deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fallback_reason", sa.String(length=200), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answer_kind", sa.String(length=8), nullable=True),
        sa.Column("answer_idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("audio_path", sa.String(length=500), nullable=True),
        sa.Column("transcript", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("stt_status", sa.String(length=16), nullable=False),
        sa.Column("stt_error", sa.String(length=500), nullable=True),
        sa.Column("evaluation_status", sa.String(length=16), nullable=False),
        sa.Column("evaluation_error", sa.String(length=500), nullable=True),
        sa.Column("vision_summary", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_turns_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
        sa.UniqueConstraint(
            "interview_id", "answer_idempotency_key", name="uq_turns_interview_idempotency"
        ),
        sa.UniqueConstraint("interview_id", "stage_index", name="uq_turns_interview_stage"),
    )
    op.create_index(op.f("ix_turns_interview_id"), "turns", ["interview_id"], unique=False)
    op.create_table(
        "turn_evaluations",
        sa.Column("turn_id", sa.Uuid(), nullable=False),
        sa.Column("run_index", sa.Integer(), nullable=False),
        sa.Column("competency", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("evidence", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("overall_note", sa.Text(), nullable=False),
        sa.Column("evaluator", sa.String(length=32), nullable=False),
        sa.Column("model_id", sa.String(length=200), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["turn_id"],
            ["turns.id"],
            name=op.f("fk_turn_evaluations_turn_id_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_evaluations")),
        sa.UniqueConstraint("turn_id", "run_index", "competency", name="uq_turn_evaluations_run"),
    )
    op.create_index(
        op.f("ix_turn_evaluations_turn_id"), "turn_evaluations", ["turn_id"], unique=False
    )
    op.create_table(
        "video_frames",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("turn_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("timestamp_s", sa.Float(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("observation", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("analysis_error", sa.String(length=300), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_video_frames_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["turn_id"],
            ["turns.id"],
            name=op.f("fk_video_frames_turn_id_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_video_frames")),
        sa.UniqueConstraint("turn_id", "sequence", name="uq_video_frames_turn_sequence"),
    )
    op.create_index(
        op.f("ix_video_frames_interview_id"), "video_frames", ["interview_id"], unique=False
    )
    op.create_index(op.f("ix_video_frames_turn_id"), "video_frames", ["turn_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_video_frames_turn_id"), table_name="video_frames")
    op.drop_index(op.f("ix_video_frames_interview_id"), table_name="video_frames")
    op.drop_table("video_frames")
    op.drop_index(op.f("ix_turn_evaluations_turn_id"), table_name="turn_evaluations")
    op.drop_table("turn_evaluations")
    op.drop_index(op.f("ix_turns_interview_id"), table_name="turns")
    op.drop_table("turns")
    op.drop_index(op.f("ix_interviews_organisation_id"), table_name="interviews")
    op.drop_index(op.f("ix_interviews_job_id"), table_name="interviews")
    op.drop_index(op.f("ix_interviews_candidate_id"), table_name="interviews")
    op.drop_table("interviews")
    op.drop_index(op.f("ix_resumes_candidate_id"), table_name="resumes")
    op.drop_table("resumes")
    op.drop_index(op.f("ix_jobs_organisation_id"), table_name="jobs")
    op.drop_table("jobs")
