import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from interview_core.auth.dependencies import DbSession, RecruiterOrAdmin
from interview_core.errors.openapi import problems
from interview_core.feedback import service
from interview_core.feedback.schemas import (
    InterviewFeedback,
    QuestionFeedbackPut,
    QuestionFeedbackRead,
    ScoreFeedbackPut,
    ScoreFeedbackRead,
    TrainingDatasetCreate,
    TrainingDatasetRead,
)
from interview_core.pagination import PageLimit, PageOffset

# Recruiters and admins only: candidates are refused by role; another organisation's
# interviews and datasets are not found.
router = APIRouter(tags=["feedback"], responses=problems(403))

CompetencyKey = Annotated[str, Path(min_length=1, max_length=64)]
TURN = "/interviews/{interview_id}/turns/{turn_id}"
DATASETS = "/organisations/{organisation_id}/training-datasets"


@router.get("/interviews/{interview_id}/feedback", response_model=InterviewFeedback)
def get_interview_feedback(
    interview_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession
) -> InterviewFeedback:
    """The organisation's verdicts on this interview's questions and scores."""
    return service.interview_feedback(session, user, interview_id)


@router.put(f"{TURN}/question-feedback", response_model=QuestionFeedbackRead)
def put_question_feedback(
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    body: QuestionFeedbackPut,
    user: RecruiterOrAdmin,
    session: DbSession,
) -> QuestionFeedbackRead:
    """Mark the question a turn asked as good or not for us, with an optional better wording."""
    return service.put_question_feedback(session, user, interview_id, turn_id, body)


@router.delete(f"{TURN}/question-feedback", status_code=status.HTTP_204_NO_CONTENT)
def delete_question_feedback(
    interview_id: uuid.UUID, turn_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession
) -> Response:
    """Withdraw the verdict on a turn's question."""
    service.delete_question_feedback(session, user, interview_id, turn_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put(f"{TURN}/score-feedback/{{competency}}", response_model=ScoreFeedbackRead)
def put_score_feedback(
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    competency: CompetencyKey,
    body: ScoreFeedbackPut,
    user: RecruiterOrAdmin,
    session: DbSession,
) -> ScoreFeedbackRead:
    """Confirm the answer's score on a competency it was scored on, or correct it (1-5); 422
    `competency-not-scored` naming `competency` otherwise."""
    return service.put_score_feedback(session, user, interview_id, turn_id, competency, body)


@router.delete(f"{TURN}/score-feedback/{{competency}}", status_code=status.HTTP_204_NO_CONTENT)
def delete_score_feedback(
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    competency: CompetencyKey,
    user: RecruiterOrAdmin,
    session: DbSession,
) -> Response:
    """Withdraw the verdict on an answer's score."""
    service.delete_score_feedback(session, user, interview_id, turn_id, competency)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    DATASETS,
    response_model=TrainingDatasetRead,
    status_code=status.HTTP_201_CREATED,
    responses=problems(409),
)
def post_training_dataset(
    organisation_id: uuid.UUID,
    body: TrainingDatasetCreate,
    user: RecruiterOrAdmin,
    session: DbSession,
) -> TrainingDatasetRead:
    """Freeze the organisation's current feedback as its next dataset version (owner or
    admin); 409 `no-feedback-to-snapshot` when there is none; audited."""
    return service.create_dataset(session, user, organisation_id, body)


@router.get(DATASETS, response_model=list[TrainingDatasetRead])
def list_training_datasets(
    organisation_id: uuid.UUID,
    user: RecruiterOrAdmin,
    session: DbSession,
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> list[TrainingDatasetRead]:
    """The organisation's dataset versions, newest first (owner or admin)."""
    return service.list_datasets(session, user, organisation_id, limit, offset)


@router.get(f"{DATASETS}/{{dataset_id}}", response_model=TrainingDatasetRead)
def get_training_dataset(
    organisation_id: uuid.UUID, dataset_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession
) -> TrainingDatasetRead:
    """One dataset version (owner or admin)."""
    return service.get_dataset(session, user, organisation_id, dataset_id)


@router.get(
    f"{DATASETS}/{{dataset_id}}/export.jsonl",
    response_class=Response,
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def export_training_dataset(
    organisation_id: uuid.UUID, dataset_id: uuid.UUID, user: RecruiterOrAdmin, session: DbSession
) -> Response:
    """The dataset as JSON lines: kind, dataset_version, consent_basis and the example
    (owner or admin); audited."""
    dataset, body = service.export_dataset(session, user, organisation_id, dataset_id)
    return Response(
        body,
        media_type="application/x-ndjson",
        headers={
            "Content-Disposition": (
                f'attachment; filename="training-dataset-v{dataset.version}.jsonl"'
            ),
            "Cache-Control": "private, no-store",
        },
    )
