"""Feedback rules: recruiters judge an interview's questions and scores; an organisation's
manager freezes the current feedback into a numbered dataset, exported as JSONL.

A dataset holds what a model learns from and nothing more about the candidate than the answer
text the organisation already holds: the requests are built by the same code that builds the
live ones (interviews/tasks.py), without the résumé excerpts, and the candidate's name and
e-mail address (and any address in the text) are replaced by placeholders. Each example names
its interview and turn with ON DELETE CASCADE, so deleting the interview removes it; when the
retention period of answer texts passes, privacy/retention.py removes the examples too."""

import json
import logging
import math
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from interview_contracts.llm import EvaluationRequest
from interview_contracts.training import QuestionExample
from interview_core.accounts.models import Organisation, User
from interview_core.accounts.organisations import get_organisation
from interview_core.audit.service import record_audit
from interview_core.auth.policy import ensure_org_access, ensure_org_manager
from interview_core.errors import Conflict, NotFound, UnprocessableInput
from interview_core.feedback.models import (
    ExampleKind,
    QuestionFeedback,
    QuestionVerdict,
    ScoreFeedback,
    ScoreVerdict,
    TrainingDataset,
    TrainingExample,
)
from interview_core.feedback.schemas import (
    InterviewFeedback,
    QuestionFeedbackPut,
    QuestionFeedbackRead,
    ScoreFeedbackPut,
    ScoreFeedbackRead,
    TrainingDatasetCreate,
    TrainingDatasetRead,
)
from interview_core.interviews.models import Interview, Turn
from interview_core.interviews.tasks import build_evaluation_request, build_question_request
from interview_core.jobs.models import Job
from interview_core.reports.models import Report
from interview_core.reports.schemas import AnswerScore, ReportContent
from interview_core.reports.service import current_report, store_report

logger = logging.getLogger(__name__)
# A stage asked as written (scenarios/*.json): no model writes it, so there is nothing to learn.
TEMPLATE_STAGE = "template"

# --- feedback on one interview ----------------------------------------------------------------


def _interview_of_organisation(session: Session, user: User, interview_id: uuid.UUID) -> Interview:
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound("Interview not found.")
    ensure_org_access(user, interview.organisation_id)
    return interview


def _asked_turn(session: Session, interview: Interview, turn_id: uuid.UUID) -> Turn:
    """A turn of this interview whose question the candidate was shown."""
    turn = session.scalar(
        select(Turn).where(
            Turn.id == turn_id,
            Turn.interview_id == interview.id,
            Turn.stage_index <= interview.current_stage_index,
            Turn.question_text.is_not(None),
        )
    )
    if turn is None:
        raise NotFound("This interview has no such question.", code="turn-not-found")
    return turn


def put_question_feedback(
    session: Session,
    user: User,
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    data: QuestionFeedbackPut,
) -> QuestionFeedbackRead:
    """Record (or replace) the verdict on the question a turn asked."""
    interview = _interview_of_organisation(session, user, interview_id)
    turn = _asked_turn(session, interview, turn_id)
    if turn.stage_type == TEMPLATE_STAGE:
        raise UnprocessableInput(
            "This question is the stage's fixed text, not one the model wrote.",
            code="question-not-generated",
            errors=[
                {
                    "loc": ["path", "turn_id"],
                    "msg": "a template stage's question is not generated",
                    "type": "not_generated",
                }
            ],
        )
    values = {
        "verdict": data.verdict.value,
        "better_wording": data.better_wording,
        "question_text": turn.question_text,
        "updated_by": user.id,
        "updated_at": func.now(),
    }
    session.execute(
        insert(QuestionFeedback)
        .values(
            id=uuid.uuid4(),
            organisation_id=interview.organisation_id,
            interview_id=interview.id,
            turn_id=turn.id,
            created_by=user.id,
            **values,
        )
        .on_conflict_do_update(index_elements=[QuestionFeedback.turn_id], set_=values)
    )
    query = select(QuestionFeedback).where(QuestionFeedback.turn_id == turn.id)
    stored = session.scalars(query.execution_options(populate_existing=True)).one()
    return QuestionFeedbackRead.model_validate(stored)


def delete_question_feedback(
    session: Session, user: User, interview_id: uuid.UUID, turn_id: uuid.UUID
) -> None:
    """Withdraw the verdict; a turn without one is left as it is."""
    interview = _interview_of_organisation(session, user, interview_id)
    turn = _asked_turn(session, interview, turn_id)
    session.execute(delete(QuestionFeedback).where(QuestionFeedback.turn_id == turn.id))


def _reported_answer(
    session: Session, interview: Interview, turn: Turn, competency: str
) -> AnswerScore:
    """How the report judged this answer on this competency; 422 naming the competency when
    the answer was not scored on it."""
    report = session.scalar(select(Report).where(Report.interview_id == interview.id))
    report = current_report(session, report) if report else store_report(session, interview.id)
    content = ReportContent.model_validate(report.content) if report.content else None
    for result in content.competencies if content else []:
        if result.key != competency:
            continue
        for answer in result.answers:
            if answer.turn_id == turn.id:
                return answer
    raise UnprocessableInput(
        f"This answer was not scored on {competency!r}.",
        code="competency-not-scored",
        errors=[
            {
                "loc": ["path", "competency"],
                "msg": "the answer was not scored on this competency",
                "type": "not_scored",
            }
        ],
    )


def shown_score(answer: AnswerScore) -> int | None:
    """The score the report shows for the answer, as a whole number (half rounds up); None
    when it shows none (no evidence, or an unvalidated evaluator)."""
    if answer.mean_score is None:
        return None
    return math.floor(answer.mean_score + 0.5)


def put_score_feedback(
    session: Session,
    user: User,
    interview_id: uuid.UUID,
    turn_id: uuid.UUID,
    competency: str,
    data: ScoreFeedbackPut,
) -> ScoreFeedbackRead:
    """Confirm the report's score of an answer on a competency, or correct it to 1-5."""
    interview = _interview_of_organisation(session, user, interview_id)
    turn = _asked_turn(session, interview, turn_id)
    ai_score = shown_score(_reported_answer(session, interview, turn, competency))
    if data.verdict is ScoreVerdict.CORRECTED and data.corrected_score is None:
        raise UnprocessableInput(
            "Give the score it should have been (1-5).",
            code="corrected-score-required",
            errors=[
                {
                    "loc": ["body", "corrected_score"],
                    "msg": "required when correcting",
                    "type": "missing",
                }
            ],
        )
    if data.verdict is ScoreVerdict.CONFIRMED and data.corrected_score is not None:
        raise UnprocessableInput(
            "A confirmed score takes no corrected score.",
            code="corrected-score-not-allowed",
            errors=[
                {
                    "loc": ["body", "corrected_score"],
                    "msg": "only when correcting",
                    "type": "extra_forbidden",
                }
            ],
        )
    if data.verdict is ScoreVerdict.CONFIRMED and ai_score is None:
        raise UnprocessableInput(
            "The report shows no score for this answer to confirm; correct it instead.",
            code="no-score-to-confirm",
            errors=[
                {
                    "loc": ["body", "verdict"],
                    "msg": "the report shows no score to confirm",
                    "type": "no_score",
                }
            ],
        )
    values = {
        "ai_score": ai_score,
        "verdict": data.verdict.value,
        "corrected_score": data.corrected_score,
        "note": data.note,
        "updated_at": func.now(),
    }
    session.execute(
        insert(ScoreFeedback)
        .values(
            id=uuid.uuid4(),
            organisation_id=interview.organisation_id,
            interview_id=interview.id,
            turn_id=turn.id,
            competency=competency,
            created_by=user.id,
            **values,
        )
        .on_conflict_do_update(
            index_elements=[ScoreFeedback.turn_id, ScoreFeedback.competency], set_=values
        )
    )
    query = select(ScoreFeedback).where(
        ScoreFeedback.turn_id == turn.id, ScoreFeedback.competency == competency
    )
    stored = session.scalars(query.execution_options(populate_existing=True)).one()
    return ScoreFeedbackRead.model_validate(stored)


def delete_score_feedback(
    session: Session, user: User, interview_id: uuid.UUID, turn_id: uuid.UUID, competency: str
) -> None:
    interview = _interview_of_organisation(session, user, interview_id)
    turn = _asked_turn(session, interview, turn_id)
    session.execute(
        delete(ScoreFeedback).where(
            ScoreFeedback.turn_id == turn.id, ScoreFeedback.competency == competency
        )
    )


def interview_feedback(session: Session, user: User, interview_id: uuid.UUID) -> InterviewFeedback:
    interview = _interview_of_organisation(session, user, interview_id)
    questions = session.scalars(
        select(QuestionFeedback)
        .join(Turn, Turn.id == QuestionFeedback.turn_id)
        .where(QuestionFeedback.interview_id == interview.id)
        .order_by(Turn.stage_index)
    )
    scores = session.scalars(
        select(ScoreFeedback)
        .join(Turn, Turn.id == ScoreFeedback.turn_id)
        .where(ScoreFeedback.interview_id == interview.id)
        .order_by(Turn.stage_index, ScoreFeedback.competency)
    )
    return InterviewFeedback(
        interview_id=interview.id,
        questions=[QuestionFeedbackRead.model_validate(row) for row in questions],
        scores=[ScoreFeedbackRead.model_validate(row) for row in scores],
    )


# --- what a dataset may hold about the candidate ----------------------------------------------

EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NAME_PLACEHOLDER = "[name]"
EMAIL_PLACEHOLDER = "[email]"


def _bounded(text: str, *, ignore_case: bool) -> re.Pattern[str]:
    # Not inside a longer Latin word ("Alex" stays in "Alexander"), but Korean particles may
    # follow a name directly ("김민수입니다").
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(text)}(?![A-Za-z0-9])", flags)


def candidate_redactor(full_name: str | None, emails: Iterable[str]) -> Callable[[str], str]:
    """Replaces the candidate's addresses (and any other address), their full name in any case,
    and each part of it of two or more characters as written."""
    addresses = [_bounded(email, ignore_case=True) for email in emails if email]
    name = " ".join((full_name or "").split())
    names = [_bounded(name, ignore_case=True)] if name else []
    parts = sorted({part for part in name.split(" ") if len(part) >= 2}, key=len, reverse=True)
    names.extend(_bounded(part, ignore_case=False) for part in parts)

    def redact(text: str) -> str:
        for pattern in addresses:
            text = pattern.sub(EMAIL_PLACEHOLDER, text)
        text = EMAIL_ADDRESS.sub(EMAIL_PLACEHOLDER, text)
        for pattern in names:
            text = pattern.sub(NAME_PLACEHOLDER, text)
        return text

    return redact


def _scrub(value: object, redact: Callable[[str], str]) -> object:
    """Every text in a JSON value, redacted; ids are left as they are."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_scrub(item, redact) for item in value]
    if isinstance(value, dict):
        return {
            key: item if key.endswith("_id") else _scrub(item, redact)
            for key, item in value.items()
        }
    return value


# --- datasets ---------------------------------------------------------------------------------


def _managed_organisation(session: Session, user: User, organisation_id: uuid.UUID) -> Organisation:
    organisation = get_organisation(session, user, organisation_id)
    ensure_org_manager(user, organisation)
    return organisation


@dataclass(frozen=True)
class _Interview:
    """An interview an example comes from, with what its requests are built from."""

    interview: Interview
    job: Job
    redact: Callable[[str], str]


def _interviews(session: Session, interview_ids: set[uuid.UUID]) -> dict[uuid.UUID, _Interview]:
    found: dict[uuid.UUID, _Interview] = {}
    for interview in session.scalars(select(Interview).where(Interview.id.in_(interview_ids))):
        candidate = session.get(User, interview.candidate_id) if interview.candidate_id else None
        redact = candidate_redactor(
            candidate.full_name if candidate else None,
            [interview.candidate_email, candidate.email if candidate else ""],
        )
        found[interview.id] = _Interview(interview, session.get_one(Job, interview.job_id), redact)
    return found


def _question_payload(
    session: Session, source: _Interview, turn: Turn, feedback: QuestionFeedback
) -> dict[str, object] | None:
    request = build_question_request(session, source.interview, turn, source.job)
    # The résumé is the candidate's, not the organisation's answer record: left out. Nobody
    # waits for a training example.
    request = request.model_copy(update={"deadline_at": None, "resume_excerpts": []})
    raw = {
        "request": request.model_dump(mode="json"),
        "question": feedback.better_wording or feedback.question_text,
    }
    try:
        example = QuestionExample.model_validate(_scrub(raw, source.redact))
    except ValidationError:
        logger.warning("question example left out: invalid", extra={"turn_id": str(turn.id)})
        return None
    return example.model_dump(mode="json")


def _score_payload(
    source: _Interview, turn: Turn, feedback: ScoreFeedback
) -> dict[str, object] | None:
    request = build_evaluation_request(source.interview, turn, source.job)
    score = (
        feedback.corrected_score
        if feedback.verdict == ScoreVerdict.CORRECTED
        else feedback.ai_score
    )
    # The job no longer has the competency, or nothing to learn: left out.
    if request is None or score is None:
        return None
    if feedback.competency not in {spec.key for spec in request.competencies}:
        return None
    scrubbed = EvaluationRequest.model_validate(
        _scrub(request.model_dump(mode="json"), source.redact)
    )
    return {
        "request": scrubbed.model_dump(mode="json"),
        "competency": feedback.competency,
        "ai_score": feedback.ai_score,
        "score": score,
    }


@dataclass(frozen=True)
class _Example:
    kind: ExampleKind
    turn: Turn
    payload: dict[str, object]


def _current_examples(session: Session, organisation_id: uuid.UUID) -> list[_Example]:
    """The organisation's feedback now, as examples: approved questions (or their better
    wording) and every confirmed or corrected score, in interview and stage order."""
    in_order = (Interview.created_at, Interview.id, Turn.stage_index)
    questions = session.execute(
        select(QuestionFeedback, Turn)
        .join(Turn, Turn.id == QuestionFeedback.turn_id)
        .join(Interview, Interview.id == QuestionFeedback.interview_id)
        .where(
            QuestionFeedback.organisation_id == organisation_id,
            (QuestionFeedback.verdict == QuestionVerdict.GOOD.value)
            | QuestionFeedback.better_wording.is_not(None),
        )
        .order_by(*in_order)
    ).all()
    scores = session.execute(
        select(ScoreFeedback, Turn)
        .join(Turn, Turn.id == ScoreFeedback.turn_id)
        .join(Interview, Interview.id == ScoreFeedback.interview_id)
        .where(ScoreFeedback.organisation_id == organisation_id)
        .order_by(*in_order, ScoreFeedback.competency)
    ).all()
    sources = _interviews(
        session,
        {turn.interview_id for _, turn in questions} | {turn.interview_id for _, turn in scores},
    )
    examples: list[_Example] = []
    for question, turn in questions:
        payload = _question_payload(session, sources[turn.interview_id], turn, question)
        if payload is not None:
            examples.append(_Example(ExampleKind.QUESTION, turn, payload))
    for score, turn in scores:
        payload = _score_payload(sources[turn.interview_id], turn, score)
        if payload is not None:
            examples.append(_Example(ExampleKind.SCORE, turn, payload))
    return examples


def _examples_left(session: Session, dataset_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(TrainingExample.dataset_id, func.count())
        .where(TrainingExample.dataset_id.in_(dataset_ids))
        .group_by(TrainingExample.dataset_id)
    )
    return {dataset_id: count for dataset_id, count in rows.tuples()}


def _dataset_read(dataset: TrainingDataset, left: int) -> TrainingDatasetRead:
    return TrainingDatasetRead(
        id=dataset.id,
        organisation_id=dataset.organisation_id,
        version=dataset.version,
        consent_basis=dataset.consent_basis,
        created_by=dataset.created_by,
        created_at=dataset.created_at,
        question_examples=dataset.question_examples,
        score_examples=dataset.score_examples,
        examples_removed=dataset.question_examples + dataset.score_examples - left,
    )


def create_dataset(
    session: Session, user: User, organisation_id: uuid.UUID, data: TrainingDatasetCreate
) -> TrainingDatasetRead:
    """Freeze the organisation's current feedback as its next version; audited."""
    organisation = _managed_organisation(session, user, organisation_id)
    # One snapshot at a time per organisation, so versions count up without a clash.
    session.execute(
        select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )
    examples = _current_examples(session, organisation.id)
    if not examples:
        raise Conflict(
            "There is no feedback to build a dataset from yet: mark questions as good (or give "
            "a better wording), or confirm or correct scores, in the reports first.",
            code="no-feedback-to-snapshot",
        )
    latest = session.scalar(
        select(func.max(TrainingDataset.version)).where(
            TrainingDataset.organisation_id == organisation.id
        )
    )
    dataset = TrainingDataset(
        id=uuid.uuid4(),
        organisation_id=organisation.id,
        version=(latest or 0) + 1,
        consent_basis=data.consent_basis,
        created_by=user.id,
        created_at=datetime.now(UTC),
        question_examples=sum(1 for e in examples if e.kind is ExampleKind.QUESTION),
        score_examples=sum(1 for e in examples if e.kind is ExampleKind.SCORE),
    )
    session.add(dataset)
    session.flush()
    session.add_all(
        TrainingExample(
            dataset_id=dataset.id,
            organisation_id=organisation.id,
            interview_id=example.turn.interview_id,
            turn_id=example.turn.id,
            position=position,
            kind=example.kind.value,
            payload=example.payload,
        )
        for position, example in enumerate(examples)
    )
    record_audit(
        session,
        user,
        "training_dataset.created",
        "training_dataset",
        dataset.id,
        organisation.id,
        {
            "version": dataset.version,
            "question_examples": dataset.question_examples,
            "score_examples": dataset.score_examples,
        },
    )
    session.flush()
    return _dataset_read(dataset, len(examples))


def list_datasets(
    session: Session, user: User, organisation_id: uuid.UUID, limit: int, offset: int
) -> list[TrainingDatasetRead]:
    """The organisation's versions, newest first."""
    organisation = _managed_organisation(session, user, organisation_id)
    datasets = list(
        session.scalars(
            select(TrainingDataset)
            .where(TrainingDataset.organisation_id == organisation.id)
            .order_by(TrainingDataset.version.desc())
            .limit(limit)
            .offset(offset)
        )
    )
    left = _examples_left(session, [dataset.id for dataset in datasets])
    return [_dataset_read(dataset, left.get(dataset.id, 0)) for dataset in datasets]


def _dataset_of(
    session: Session, organisation_id: uuid.UUID, dataset_id: uuid.UUID
) -> TrainingDataset:
    dataset = session.scalar(
        select(TrainingDataset).where(
            TrainingDataset.id == dataset_id, TrainingDataset.organisation_id == organisation_id
        )
    )
    if dataset is None:
        raise NotFound("No such dataset.", code="dataset-not-found")
    return dataset


def get_dataset(
    session: Session, user: User, organisation_id: uuid.UUID, dataset_id: uuid.UUID
) -> TrainingDatasetRead:
    organisation = _managed_organisation(session, user, organisation_id)
    dataset = _dataset_of(session, organisation.id, dataset_id)
    return _dataset_read(dataset, _examples_left(session, [dataset.id]).get(dataset.id, 0))


def _examples_of(
    session: Session, dataset: TrainingDataset, kind: ExampleKind | None = None
) -> list[TrainingExample]:
    query = select(TrainingExample).where(TrainingExample.dataset_id == dataset.id)
    if kind is not None:
        query = query.where(TrainingExample.kind == kind.value)
    return list(session.scalars(query.order_by(TrainingExample.position)))


def export_dataset(
    session: Session, user: User, organisation_id: uuid.UUID, dataset_id: uuid.UUID
) -> tuple[TrainingDataset, str]:
    """One JSON object a line: the example's kind, the dataset's version and consent basis,
    and the example itself; audited."""
    organisation = _managed_organisation(session, user, organisation_id)
    dataset = _dataset_of(session, organisation.id, dataset_id)
    examples = _examples_of(session, dataset)
    lines = [
        json.dumps(
            {
                "kind": example.kind,
                "dataset_version": dataset.version,
                "consent_basis": dataset.consent_basis,
                **example.payload,
            },
            ensure_ascii=False,
        )
        for example in examples
    ]
    record_audit(
        session,
        user,
        "training_dataset.exported",
        "training_dataset",
        dataset.id,
        dataset.organisation_id,
        {"format": "jsonl", "version": dataset.version, "examples": len(lines)},
    )
    return dataset, "".join(f"{line}\n" for line in lines)


def question_examples(
    session: Session, dataset_id: uuid.UUID, organisation_id: uuid.UUID
) -> tuple[TrainingDataset, list[QuestionExample]]:
    """A dataset's question examples as the trainer takes them, in order; 404 `dataset-not-found`
    unless the dataset is that organisation's. The caller has checked who asks."""
    dataset = _dataset_of(session, organisation_id, dataset_id)
    return dataset, [
        QuestionExample.model_validate(example.payload)
        for example in _examples_of(session, dataset, ExampleKind.QUESTION)
    ]
