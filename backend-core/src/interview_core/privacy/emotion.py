"""Expression ("emotion") observations are deleted, not only hidden, once an organisation turns
emotion analysis off: at the switch (accounts/organisations.py), and again by every retention
run while it is off, which catches what an analysis already running at the switch wrote."""

import uuid
from dataclasses import dataclass

from sqlalchemy import cast, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from interview_core.interviews.models import Interview, Turn, VideoFrame
from interview_core.reports.models import Report
from interview_core.reports.service import store_report

_NO_FRAME_EMOTION = cast({"emotion": None, "emotion_scores": None}, JSONB)
_NO_SUMMARY_EMOTION = cast({"emotion": None}, JSONB)


@dataclass
class EmotionErasure:
    frames: int = 0
    turn_summaries: int = 0
    reports: int = 0


def erase_emotion_observations(session: Session, organisation_id: uuid.UUID) -> EmotionErasure:
    """Remove expression labels and scores from the organisation's frames, per-turn summaries
    and reports (re-assembled from the rows, which then hold none). Set-based: a few statements
    whatever the number of rows."""
    interviews = select(Interview.id).where(Interview.organisation_id == organisation_id)
    frames = session.execute(
        update(VideoFrame)
        .where(
            VideoFrame.interview_id.in_(interviews),
            # ->> gives SQL NULL for a JSON null too: rows already clear are not rewritten.
            or_(
                VideoFrame.observation["emotion"].astext.is_not(None),
                VideoFrame.observation["emotion_scores"].astext.is_not(None),
            ),
        )
        .values(observation=VideoFrame.observation.op("||")(_NO_FRAME_EMOTION))
    )
    summaries = session.execute(
        update(Turn)
        .where(
            Turn.interview_id.in_(interviews),
            Turn.vision_summary["emotion"].astext.is_not(None),
        )
        .values(vision_summary=Turn.vision_summary.op("||")(_NO_SUMMARY_EMOTION))
    )
    with_emotion = list(
        session.scalars(
            select(Report.interview_id).where(
                Report.organisation_id == organisation_id,
                Report.content["observations"]["emotion_included"].as_boolean(),
            )
        )
    )
    for interview_id in with_emotion:
        store_report(session, interview_id)
    return EmotionErasure(
        frames=frames.rowcount,  # type: ignore[attr-defined]
        turn_summaries=summaries.rowcount,  # type: ignore[attr-defined]
        reports=len(with_emotion),
    )
