"""What a candidate's export holds beyond their answers (résumé text, scores, rationales,
recruiters' feedback on them, decisions and observations), and what retention removes beyond
media: the résumé's text with its chunks (also of résumés no interview uses), and expression
observations once an organisation turns emotion analysis off."""

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from interview_contracts.privacy import RetentionTask
from interview_contracts.tasks import TaskName
from interview_contracts.vision import EmotionObservation, FrameObservation, VisionSummary
from interview_core.accounts.models import EmotionAnalysis, Organisation, User, UserRole
from interview_core.broker.client import send
from interview_core.config import get_infra_settings
from interview_core.db.engine import session_scope
from interview_core.feedback.models import (
    QuestionFeedback,
    QuestionVerdict,
    ScoreFeedback,
    ScoreVerdict,
)
from interview_core.interviews.models import Interview, Resume, Turn, TurnEvaluation, VideoFrame
from interview_core.privacy.retention import expire_unused_resumes
from interview_core.reports.models import Report
from interview_core.reports.service import store_report
from interview_core.retrieval.models import DocumentChunk
from tests.privacy.builders import (
    RESUME_TEXT,
    RecordedInterview,
    make_organisation_with_recruiter,
    record_interview,
    resume_with_chunk,
)
from tests.support.accounts import auth_headers, make_user, signed_in_headers
from tests.support.stack import WorkerProcess

API = "/api/v1"
EMOTION = EmotionObservation(
    distribution={"happy": 0.5, "neutral": 0.5},
    timeline=[(0.0, "happy"), (1.0, "neutral")],
    model_id="fer-tflite/mini-xception",
    limitations="Trained on FER2013; an expression is not a feeling.",
)


def _observed(recorded: RecordedInterview) -> None:
    """Expression observations on the turn and its frames, as the vision task writes them with
    the candidate's consent and the organisation's `observe` setting; then the report."""
    with session_scope() as session:
        session.execute(
            update(Interview)
            .where(Interview.id == recorded.interview_id)
            .values(consent_video=True, consent_emotion=True)
        )
        for frame in session.scalars(
            select(VideoFrame).where(VideoFrame.turn_id == recorded.turn_id)
        ):
            frame.observation = FrameObservation(
                timestamp_s=frame.timestamp_s,
                face_count=1,
                gaze_on_screen=True,
                head_pose=None,
                eyes_closed=False,
                emotion="happy",
                emotion_scores={"happy": 0.9, "neutral": 0.1},
            ).model_dump(mode="json")
        turn = session.get_one(Turn, recorded.turn_id)
        turn.vision_summary = VisionSummary(
            frames=3,
            face_present_ratio=1.0,
            gaze_on_screen_ratio=1.0,
            blink_rate_per_min=None,
            multiple_face_frames=0,
            no_face_frames=0,
            flags=[],
            emotion=EMOTION,
            models=["mediapipe"],
        ).model_dump(mode="json")
        session.flush()
        store_report(session, recorded.interview_id)


def _emotion_left(recorded: RecordedInterview) -> dict[str, object]:
    with session_scope() as session:
        frames = session.scalars(
            select(VideoFrame.observation).where(VideoFrame.turn_id == recorded.turn_id)
        ).all()
        summary = session.scalar(select(Turn.vision_summary).where(Turn.id == recorded.turn_id))
        report = session.scalar(
            select(Report.content).where(Report.interview_id == recorded.interview_id)
        )
    assert report is not None and summary is not None
    observations: dict = report["observations"]  # type: ignore[type-arg, assignment]
    return {
        "frames": [(f or {}).get("emotion") or (f or {}).get("emotion_scores") for f in frames],
        "summary": summary.get("emotion"),
        "report": observations["emotion_included"]
        or any(t.get("emotion") for t in observations["turns"]),
        # What else the observations hold stays.
        "faces": [(f or {}).get("face_count") for f in frames],
    }


def test_the_export_holds_resume_text_scores_decisions_and_observations(
    client: TestClient,
) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter()
    recorded = record_interview(organisation_id, recruiter)
    other = record_interview(organisation_id, recruiter)
    _observed(recorded)
    with session_scope() as session:
        session.add(
            TurnEvaluation(
                id=uuid.uuid4(),
                turn_id=recorded.turn_id,
                run_index=0,
                competency="job_skill",
                score=3,
                evidence=["I led the migration of our billing service."],
                rationale="Shows a specific situation and the candidate's own actions.",
                checks=[{"check": "specific", "met": True, "sentences": [1]}],
                overall_note="",
                evaluator="deterministic",
                model_id="rules",
                method="checks",
                prompt_version="checks-v1",
                validated=False,
                review_flags=["addressed_to_evaluator"],
            )
        )
        # What recruiters recorded about this candidate's answer and question, and about
        # another candidate's answer, which is not this candidate's to see.
        for interview_id, turn_id, note in (
            (recorded.interview_id, recorded.turn_id, "Strong on ownership, thin on numbers."),
            (other.interview_id, other.turn_id, "Another candidate's note."),
        ):
            session.add(
                ScoreFeedback(
                    organisation_id=organisation_id,
                    interview_id=interview_id,
                    turn_id=turn_id,
                    competency="job_skill",
                    ai_score=3,
                    verdict=ScoreVerdict.CORRECTED,
                    corrected_score=4,
                    note=note,
                    created_by=recruiter.id,
                )
            )
        session.add(
            QuestionFeedback(
                organisation_id=organisation_id,
                interview_id=recorded.interview_id,
                turn_id=recorded.turn_id,
                verdict=QuestionVerdict.NOT_FOR_US,
                better_wording="Tell us about a migration you led.",
                question_text="Tell me about yourself.",
                created_by=recruiter.id,
            )
        )
        candidate = session.get_one(User, recorded.candidate_id)
    decided = client.post(
        f"{API}/interviews/{recorded.interview_id}/report/decision",
        headers=signed_in_headers(recruiter),
        json={"decision": "hold", "note": "Ask about the rollback plan."},
    )
    assert decided.status_code == 200, decided.text

    export = client.get(f"{API}/me/data", headers=auth_headers(client, candidate))
    assert export.status_code == 200, export.text
    body = export.json()
    assert body["resumes"][0]["text"] == "Ten years of Python services."
    interview = body["interviews"][0]
    turn = interview["turns"][0]
    evaluation = turn["evaluations"][0]
    assert evaluation["score"] == 3 and evaluation["rationale"].startswith("Shows a specific")
    assert evaluation["checks"][0]["check"] == "specific"
    assert evaluation["method"] == "checks" and evaluation["prompt_version"] == "checks-v1"
    assert evaluation["review_flags"] == ["addressed_to_evaluator"]
    assert [
        {key: feedback[key] for key in ("competency", "ai_score", "verdict", "corrected_score")}
        for feedback in turn["score_feedback"]
    ] == [{"competency": "job_skill", "ai_score": 3, "verdict": "corrected", "corrected_score": 4}]
    assert turn["score_feedback"][0]["note"] == "Strong on ownership, thin on numbers."
    assert turn["question_feedback"]["verdict"] == "not_for_us"
    assert turn["question_feedback"]["better_wording"] == "Tell us about a migration you led."
    assert "Another candidate's note." not in export.text
    assert turn["vision_summary"]["emotion"]["distribution"] == EMOTION.distribution
    assert [frame["observation"]["emotion"] for frame in turn["frame_observations"]] == [
        "happy"
    ] * 3
    assert interview["report"]["interview_id"] == str(recorded.interview_id)
    assert "recommendation" in interview["report"]
    assert interview["decisions"] == [
        {
            "decision": "hold",
            "note": "Ask about the rollback plan.",
            "decided_at": interview["decisions"][0]["decided_at"],
        }
    ]
    # Who decided is the recruiter's data, not the candidate's.
    assert recruiter.email not in export.text


def test_emotion_observations_are_deleted_when_the_organisation_turns_them_off(
    client: TestClient, workers: Mapping[str, WorkerProcess]
) -> None:
    organisation_id, owner = make_organisation_with_recruiter()
    with session_scope() as session:
        session.get_one(Organisation, organisation_id).emotion_analysis = EmotionAnalysis.OBSERVE
    recorded = record_interview(organisation_id, owner)
    _observed(recorded)
    assert _emotion_left(recorded)["summary"] is not None
    assert _emotion_left(recorded)["report"] is True

    switched = client.patch(
        f"{API}/organisations/{organisation_id}",
        headers=signed_in_headers(owner),
        json={"emotion_analysis": "off"},
    )
    assert switched.status_code == 200, switched.text
    left = _emotion_left(recorded)
    assert left == {"frames": [None] * 3, "summary": None, "report": False, "faces": [1] * 3}

    # An analysis that was running at the switch writes its result afterwards: the next
    # retention run deletes it too.
    with session_scope() as session:
        session.execute(
            update(Turn)
            .where(Turn.id == recorded.turn_id)
            .values(vision_summary=Turn.vision_summary.op("||")({"emotion": EMOTION.model_dump()}))
        )
    assert _emotion_left(recorded)["summary"] is not None
    send(TaskName.ENFORCE_RETENTION, RetentionTask(organisation_id=organisation_id)).get(
        timeout=120
    )
    assert _emotion_left(recorded)["summary"] is None


def test_resume_text_expires_with_its_chunks(
    client: TestClient, workers: Mapping[str, WorkerProcess]
) -> None:
    organisation_id, recruiter = make_organisation_with_recruiter(embeddings=30)
    expired = record_interview(organisation_id, recruiter, age_days=45)
    recent = record_interview(organisation_id, recruiter, age_days=2)
    with session_scope() as session:
        session.execute(
            update(Resume)
            .where(Resume.id == expired.resume_id)
            .values(created_at=datetime.now(UTC) - timedelta(days=45))
        )
    send(TaskName.ENFORCE_RETENTION, RetentionTask(organisation_id=organisation_id)).get(
        timeout=120
    )
    with session_scope() as session:
        texts = {
            row.id: row.text
            for row in session.scalars(
                select(Resume).where(Resume.id.in_([expired.resume_id, recent.resume_id]))
            )
        }
        chunks = session.scalars(
            select(DocumentChunk.owner_id).where(
                DocumentChunk.owner_id.in_([expired.resume_id, recent.resume_id])
            )
        ).all()
        candidate = session.get_one(User, expired.candidate_id)
    assert texts == {expired.resume_id: "", recent.resume_id: "Ten years of Python services."}
    assert chunks == [recent.resume_id]
    export = client.get(f"{API}/me/data", headers=auth_headers(client, candidate)).json()
    assert export["resumes"][0]["text"] == ""


def test_resumes_no_interview_uses_expire_from_their_upload(client: TestClient) -> None:
    """A résumé never picked for an interview, or whose interview was deleted, is no
    organisation's: it expires UNUSED_RESUME_RETENTION_DAYS after its upload (365 by default),
    text and chunks, where the organisations' periods never reach it."""
    days = get_infra_settings().unused_resume_retention_days
    assert days == 365
    organisation_id, recruiter = make_organisation_with_recruiter(embeddings=None)
    # Used by an interview of an organisation that keeps embeddings: its period governs.
    used = record_interview(organisation_id, recruiter)
    # Its interview deleted since.
    orphaned = record_interview(organisation_id, recruiter)
    with session_scope() as session:
        session.execute(delete(Interview).where(Interview.id == orphaned.interview_id))
        candidate = make_user(session, UserRole.CANDIDATE)
        never_used, recent = (
            resume_with_chunk(session, candidate.id, chunked_at=at, uploaded_at=at)
            for at in (datetime.now(UTC) - timedelta(days=age) for age in (days + 35, 10))
        )
        session.execute(
            update(Resume)
            .where(Resume.id.in_([used.resume_id, orphaned.resume_id]))
            .values(created_at=datetime.now(UTC) - timedelta(days=days + 35))
        )
    every = [used.resume_id, orphaned.resume_id, never_used, recent]

    counts = expire_unused_resumes(datetime.now(UTC), days)

    with session_scope() as session:
        texts = {
            row.id: row.text for row in session.scalars(select(Resume).where(Resume.id.in_(every)))
        }
        chunked = set(
            session.scalars(select(DocumentChunk.owner_id).where(DocumentChunk.owner_id.in_(every)))
        )
    kept = RESUME_TEXT
    assert texts == {used.resume_id: kept, orphaned.resume_id: "", never_used: "", recent: kept}
    assert chunked == {used.resume_id, recent}
    assert (counts.resume_texts_cleared, counts.embeddings_deleted) == (2, 2)
    # Once cleared, a second run finds nothing left to do.
    assert expire_unused_resumes(datetime.now(UTC), days).resume_texts_cleared == 0
