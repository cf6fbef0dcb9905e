"""A whole 15-stage interview through the HTTP API with the real workers and embedded models."""

import time
import uuid

from sqlalchemy import func, select

from interview_core.db.engine import session_scope
from interview_core.interviews.models import ProcessingStatus, Turn, TurnEvaluation
from interview_core.scenarios.catalog import get_scenario
from tests.interviews.conftest import invite_and_start, wait_for_question
from tests.support.answers import answer_typed

ANSWER = (
    "In my last role I led the migration of our billing service to PostgreSQL. "
    "The situation was that nightly jobs took six hours; my task was to cut that. "
    "I profiled the queries, added indexes and batched writes, and the result was a run "
    "of forty minutes. I learned to measure before changing anything."
)


def test_every_stage_is_asked_once_in_order_and_evaluated(interview_setup) -> None:
    client, _recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, _recruiter, candidate, job_id, audio=False)
    interview_id = state["interview"]["id"]
    stages = [stage.key for stage in get_scenario("default").stages]
    assert len(stages) == 15
    seen: list[str] = []
    for index, stage_key in enumerate(stages):
        state = wait_for_question(client, candidate, interview_id)
        assert state["phase"] == "answering", state
        turn = state["current_turn"]
        assert turn["stage_index"] == index
        assert turn["stage_key"] == stage_key
        assert turn["question_text"]
        seen.append(turn["stage_key"])
        answer_typed(
            client, candidate.headers, interview_id, turn["id"], f"{ANSWER} (stage {index})"
        )
    assert seen == stages
    final = wait_for_question(client, candidate, interview_id, wait_s=0)
    assert final["interview"]["status"] == "completed"
    assert final["phase"] == "finished"

    deadline = time.monotonic() + 240
    interview_uuid = uuid.UUID(interview_id)
    while time.monotonic() < deadline:
        with session_scope() as session:
            statuses = list(
                session.scalars(
                    select(Turn.evaluation_status).where(Turn.interview_id == interview_uuid)
                )
            )
        if all(s == ProcessingStatus.DONE for s in statuses):
            break
        time.sleep(1)
    with session_scope() as session:
        turns = list(
            session.scalars(
                select(Turn).where(Turn.interview_id == interview_uuid).order_by(Turn.stage_index)
            )
        )
        assert [t.stage_key for t in turns] == stages
        assert all(t.evaluation_status == ProcessingStatus.DONE for t in turns)
        for turn in turns:
            evaluations = list(
                session.scalars(select(TurnEvaluation).where(TurnEvaluation.turn_id == turn.id))
            )
            # Only what the stage probes is judged: intro, motivation and the final statement
            # probe nothing, so they are evaluated with no rows; a follow-up probes its parent's.
            if turn.competency is None:
                assert evaluations == [], turn.stage_key
                continue
            assert {e.competency for e in evaluations} == {turn.competency}, turn.stage_key
            for evaluation in evaluations:
                assert evaluation.model_id and evaluation.evaluator in {"llm", "deterministic"}
                assert evaluation.method is not None and evaluation.prompt_version is not None
                assert all(quote in (turn.answer_text or "") for quote in evaluation.evidence)
        generated = [t for t in turns if t.stage_type != "template"]
        sources = {"llm", "llm_repaired", "phrase_picked", "bank_fallback"}
        assert all(t.question_source in sources for t in generated)
        duplicates = session.scalar(
            select(func.count())
            .select_from(TurnEvaluation)
            .join(Turn)
            .where(Turn.interview_id == interview_uuid)
            .group_by(TurnEvaluation.turn_id, TurnEvaluation.competency, TurnEvaluation.run_index)
            .having(func.count() > 1)
        )
        assert duplicates is None
