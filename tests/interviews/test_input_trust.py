"""Who may act on an answer, and what a worker trusts in a task's payload: an idempotency key is
looked up only for the candidate, and a task naming one interview and another's turn is refused
by the worker instead of mixing the two."""

import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from interview_contracts.interviews import TurnTask
from interview_contracts.tasks import TaskName
from interview_contracts.vision import FrameAnalysisResult, FrameOutcome, VisionSummary
from interview_core.accounts.models import UserRole
from interview_core.broker.client import send
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Turn, VideoFrame
from tests.interviews.conftest import Party, _make_user, invite_and_start, login
from tests.support.answers import answer_typed


def test_a_recruiter_cannot_replay_the_candidates_answer_key(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    key = f"text-{uuid.uuid4().hex}"
    path = f"/api/v1/interviews/{interview_id}/turns/{turn_id}/answer"
    answer_typed(
        client, candidate.headers, interview_id, turn_id, "I led the billing migration.", key
    )
    # The recruiter may read the interview, but the key is not looked up for them: no turn
    # comes back and no pending work is sent again.
    replayed = client.post(
        path, headers=recruiter.headers, json={"text": "anything", "idempotency_key": key}
    )
    assert replayed.status_code == 403, replayed.text
    # The candidate's own retry still returns the same turn.
    retried = client.post(
        path,
        headers=candidate.headers,
        json={"text": "I led the billing migration.", "idempotency_key": key},
    )
    assert retried.status_code == 200, retried.text
    assert retried.json()["answered_turn"]["id"] == turn_id


def test_a_core_task_refuses_a_turn_of_another_interview(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    mine = invite_and_start(client, recruiter, candidate, job_id)
    other_candidate = _another_candidate(client)
    theirs = invite_and_start(client, recruiter, other_candidate, job_id)
    mixed = TurnTask(
        interview_id=uuid.UUID(mine["interview"]["id"]),
        turn_id=uuid.UUID(theirs["current_turn"]["id"]),
    )
    # Nothing of either interview is read into a request: no work is sent for the pair.
    for task in (TaskName.TRANSCRIBE_TURN, TaskName.EVALUATE_TURN, TaskName.GENERATE_QUESTION):
        assert send(task, mixed).get(timeout=60) == "gone"
    assert send(TaskName.ANALYZE_FRAMES, mixed).get(timeout=60) == 0
    their_turn = uuid.UUID(theirs["current_turn"]["id"])
    # Nor does a task that writes: their turn, due a bank question, is not served one under
    # my interview's id, and their frame takes no analysis result sent under it.
    with session_scope() as session:
        session.execute(
            update(Turn)
            .where(Turn.id == their_turn)
            .values(
                question_text=None, generation_deadline_at=datetime.now(UTC) - timedelta(minutes=1)
            )
        )
        frame = VideoFrame(
            interview_id=uuid.UUID(theirs["interview"]["id"]),
            turn_id=their_turn,
            sequence=0,
            timestamp_s=0.0,
        )
        session.add(frame)
        session.flush()
        frame_id = frame.id
    assert send(TaskName.SERVE_BANK_QUESTION, mixed).get(timeout=60) is False
    result = FrameAnalysisResult(
        interview_id=mixed.interview_id,
        turn_id=their_turn,
        outcomes=[FrameOutcome(frame_id=frame_id, error="forged")],
        summary=VisionSummary(
            frames=0,
            face_present_ratio=0.0,
            gaze_on_screen_ratio=None,
            blink_rate_per_min=None,
            multiple_face_frames=0,
            no_face_frames=0,
            flags=[],
            emotion=None,
            models=[],
        ),
    )
    assert send(TaskName.STORE_FRAME_ANALYSIS, result).get(timeout=60) == 0
    with session_scope() as session:
        assert session.get_one(Turn, their_turn).question_text is None
        assert session.get_one(VideoFrame, frame_id).analysis_error is None
    # Under its own interview's id the same task serves it: the refusal above was the ids'.
    own = TurnTask(interview_id=uuid.UUID(theirs["interview"]["id"]), turn_id=their_turn)
    assert send(TaskName.SERVE_BANK_QUESTION, own).get(timeout=60) is True


def _another_candidate(client: TestClient) -> Party:
    user_id, email = _make_user(UserRole.CANDIDATE, None)
    return Party(user_id, email, login(client, email))
