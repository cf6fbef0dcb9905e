"""Recovery of turn work whose task was lost.

Tasks are sent after the commit that created their rows, so a broker outage at that moment, or
a worker killed together with its message, can leave a turn that owes work with no task on its
way. The rows say what is owed, so the sweep re-sends it from them:

- a transcription or evaluation still pending after `older_than_s`: its task again (the tasks
  are idempotent: a copy that finds the work done returns at once);
- a generated question still missing past its deadline (its scheduled bank-question task was
  lost): the bank question, and the event that announces it; one still within its deadline:
  its request again, with the bank question due at the deadline;
- an interview past its window or idle past the inactivity timeout: expired or abandoned;
- a completed interview without a report, or one whose evaluation was re-sent: its report task.

Each pass reads partial indexes, takes a bounded batch and skips rows another transaction holds,
so concurrent sweeps (beat plus a worker that just connected) never send the same turn twice.
"""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, text, update
from sqlalchemy.orm import Session

from interview_contracts.interviews import TurnTask
from interview_contracts.reports import ReportTask
from interview_contracts.tasks import TaskName
from interview_core.broker.after_commit import run_after_commit
from interview_core.broker.client import send
from interview_core.config import get_infra_settings
from interview_core.interviews.models import (
    INTERVIEW_COMPLETED,
    TURN_AWAITING_QUESTION,
    TURN_WORK_PENDING,
    Interview,
    InterviewStatus,
    ProcessingStatus,
    Turn,
)
from interview_core.interviews.transitions import expire_if_due, serve_bank_question_if_due
from interview_core.reports.models import Report

logger = logging.getLogger(__name__)

SWEEP_BATCH = 100
# Completed interviews older than this without a report are left to an operator.
REPORT_LOOKBACK = timedelta(days=1)


@dataclass
class SweepOutcome:
    transcriptions: list[uuid.UUID] = field(default_factory=list)
    evaluations: list[uuid.UUID] = field(default_factory=list)
    bank_fallbacks: list[uuid.UUID] = field(default_factory=list)
    questions: list[uuid.UUID] = field(default_factory=list)
    reports: list[uuid.UUID] = field(default_factory=list)
    expired: list[uuid.UUID] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(ids) for name, ids in vars(self).items()}


def _send_report(session: Session, interview_id: uuid.UUID) -> None:
    task = ReportTask(interview_id=interview_id)
    run_after_commit(session, lambda: send(TaskName.ASSEMBLE_REPORT, task))


def sweep_stale_work(
    session: Session, older_than_s: float, batch: int = SWEEP_BATCH, cpu_work_only: bool = False
) -> SweepOutcome:
    """Find work owed for longer than `older_than_s` and queue its tasks for after commit
    (`cpu_work_only`: transcriptions and evaluations alone)."""
    outcome = SweepOutcome()
    cutoff = func.now() - timedelta(seconds=older_than_s)
    stale = (
        select(Turn.id)
        .where(text(f"({TURN_WORK_PENDING})"), Turn.updated_at <= cutoff)
        .order_by(Turn.updated_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    # Touching updated_at spaces re-sends out: the turn is stale again only a full interval on.
    resent = session.execute(
        update(Turn)
        .where(Turn.id.in_(stale.scalar_subquery()))
        .values(updated_at=func.now())
        .returning(Turn.id, Turn.interview_id, Turn.stt_status, Turn.evaluation_status)
        .execution_options(synchronize_session=False)
    ).all()
    completed_with_resent_evaluation: set[uuid.UUID] = set()
    for turn_id, interview_id, stt_status, evaluation_status in resent:
        payload = TurnTask(interview_id=interview_id, turn_id=turn_id)
        if stt_status == ProcessingStatus.PENDING:
            outcome.transcriptions.append(turn_id)
            run_after_commit(session, partial(send, TaskName.TRANSCRIBE_TURN, payload))
        if evaluation_status == ProcessingStatus.PENDING:
            outcome.evaluations.append(turn_id)
            completed_with_resent_evaluation.add(interview_id)
            run_after_commit(session, partial(send, TaskName.EVALUATE_TURN, payload))

    if not cpu_work_only:
        _send_owed_questions_and_expire(session, cutoff, batch, outcome)

    # A report task lost with the last answer's commit, or one that gave up waiting for an
    # evaluation that is only now re-sent: the task waits for pending evaluations itself.
    without_report = (
        []
        if cpu_work_only
        else session.scalars(
            select(Interview.id)
            .where(
                text(f"({INTERVIEW_COMPLETED})"),
                Interview.completed_at <= cutoff,
                Interview.completed_at > func.now() - REPORT_LOOKBACK,
                ~exists().where(Report.interview_id == Interview.id),
            )
            .limit(batch)
        ).all()
    )
    if completed_with_resent_evaluation:
        completed = session.scalars(
            select(Interview.id).where(
                Interview.id.in_(completed_with_resent_evaluation),
                Interview.status == InterviewStatus.COMPLETED,
            )
        ).all()
    else:
        completed = []
    for interview_id in dict.fromkeys([*without_report, *completed]):
        outcome.reports.append(interview_id)
        _send_report(session, interview_id)
    if any(outcome.counts().values()):
        logger.warning(
            "sweep re-sent stale work",
            extra={
                **outcome.counts(),
                "turn_ids": [str(t) for t in [*outcome.transcriptions, *outcome.evaluations]],
            },
        )
    return outcome


def _send_owed_questions_and_expire(
    session: Session, cutoff: Any, batch: int, outcome: SweepOutcome
) -> None:
    """Bank questions past their deadline, requests again for questions still within it, and
    interviews past their window or idle past the inactivity timeout."""
    overdue = session.scalars(
        select(Turn.id)
        .where(text(f"({TURN_AWAITING_QUESTION})"), Turn.generation_deadline_at <= func.now())
        .order_by(Turn.generation_deadline_at)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    for turn_id in overdue:
        if serve_bank_question_if_due(session, turn_id):
            outcome.bank_fallbacks.append(turn_id)

    # A question still within its deadline whose request may have been lost with the broker
    # (an answer committed while Redis was down): ask again, and serve the bank question at
    # the deadline. A copy of a request still in flight only writes a question nobody stores.
    awaited = session.execute(
        update(Turn)
        .where(
            Turn.id.in_(
                select(Turn.id)
                .where(
                    text(f"({TURN_AWAITING_QUESTION})"),
                    Turn.generation_deadline_at > func.now(),
                    Turn.updated_at <= cutoff,
                )
                .limit(batch)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
        )
        .values(updated_at=func.now())
        .returning(Turn.id, Turn.interview_id, Turn.generation_deadline_at)
        .execution_options(synchronize_session=False)
    ).all()
    for turn_id, interview_id, deadline in awaited:
        outcome.questions.append(turn_id)
        payload = TurnTask(interview_id=interview_id, turn_id=turn_id)
        run_after_commit(session, partial(send, TaskName.GENERATE_QUESTION, payload))
        run_after_commit(
            session, partial(send, TaskName.SERVE_BANK_QUESTION, payload, eta=deadline)
        )

    # Reads never write, so an interview left idle (or never started) changes status here.
    settings = get_infra_settings()
    due = session.scalars(
        select(Interview)
        .where(
            or_(
                and_(
                    Interview.status == InterviewStatus.SCHEDULED,
                    Interview.window_closes_at < func.now(),
                ),
                and_(
                    Interview.status == InterviewStatus.IN_PROGRESS,
                    Interview.last_activity_at
                    < func.now() - timedelta(minutes=settings.interview_inactivity_timeout_min),
                ),
            )
        )
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    for interview in due:
        expire_if_due(session, interview)
        outcome.expired.append(interview.id)
