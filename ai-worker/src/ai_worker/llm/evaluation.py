"""Answer evaluation on cpu_queue: LLM scores checked against the answer, else deterministic."""

import json
import logging
import re
import time

from pydantic import BaseModel, Field, ValidationError

from ai_worker.llm.backends import GenerationRequest
from ai_worker.llm.deterministic import (
    OFF_TOPIC_SIMILARITY,
    answer_relevance,
    score_deterministically,
)
from ai_worker.llm.loader import LoadedLLM, get_endpoint_llm, get_llm
from ai_worker.llm.prompts import evaluation_messages, evaluation_repair_messages
from ai_worker.llm.settings import EvaluationLLM, get_llm_settings
from ai_worker.llm.validation import ground_quote
from interview_contracts.llm import AnswerEvaluation, CompetencyScore, EvaluationRequest

logger = logging.getLogger(__name__)

_ATTEMPTS = 2
# Enough for a score, two quotes and a rationale per competency.
_TOKENS_BASE, _TOKENS_PER_COMPETENCY = 60, 110
# A high score must cite the answer; otherwise the model may be scoring something it made up.
_MIN_SCORE_WITHOUT_EVIDENCE = 3


class EvaluationOutputError(ValueError):
    """The model's evaluation is not usable JSON for this request."""


class _DraftScore(BaseModel):
    competency: str
    score: int = Field(ge=1, le=5)
    evidence: list[str] = []
    rationale: str = Field(min_length=1)


class _DraftEvaluation(BaseModel):
    scores: list[_DraftScore]
    overall_note: str = Field(min_length=1)


def _json_object(raw: str) -> object:
    text = re.sub(r"```(?:json)?", "", raw)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise EvaluationOutputError("no JSON object in the reply")
    try:
        return json.loads(text[start : end + 1])
    except json.JSONDecodeError as error:
        raise EvaluationOutputError(f"invalid JSON: {error.msg}") from error


def parse_llm_evaluation(raw: str, request: EvaluationRequest) -> tuple[list[CompetencyScore], str]:
    """Scores and overall note from a model reply, with every quote grounded in the answer.

    Quotes the answer does not contain are dropped; a reply that misses a competency, or gives a
    high score with no real quote, is rejected.
    """
    try:
        draft = _DraftEvaluation.model_validate(_json_object(raw))
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise EvaluationOutputError(f"schema: {location}: {first['msg']}") from error
    by_name = {c.key.lower(): c.key for c in request.competencies} | {
        c.name.lower(): c.key for c in request.competencies
    }
    found: dict[str, CompetencyScore] = {}
    for item in draft.scores:
        key = by_name.get(item.competency.strip().lower())
        if key is None or key in found:
            continue
        evidence = [q for q in (ground_quote(e, request.answer) for e in item.evidence) if q]
        if item.score >= _MIN_SCORE_WITHOUT_EVIDENCE and not evidence:
            raise EvaluationOutputError(
                f"score {item.score} for '{key}' quotes nothing that the answer says"
            )
        found[key] = CompetencyScore(
            competency=key,
            score=item.score,
            evidence=list(dict.fromkeys(evidence)),
            rationale=item.rationale.strip(),
        )
    missing = [c.key for c in request.competencies if c.key not in found]
    if missing:
        raise EvaluationOutputError(f"no score for: {', '.join(missing)}")
    return [found[c.key] for c in request.competencies], draft.overall_note.strip()


def _evaluation_llm() -> LoadedLLM | None:
    choice = get_llm_settings().evaluation_llm
    if choice is EvaluationLLM.NONE:
        return None
    try:
        return get_endpoint_llm() if choice is EvaluationLLM.ENDPOINT else get_llm()
    except Exception:  # the deterministic scorer still gives the recruiter a score
        logger.exception("evaluation LLM unavailable; scoring deterministically")
        return None


def evaluate_answer(request: EvaluationRequest) -> AnswerEvaluation:
    """Score one answer per competency; the result names the evaluator and model that did it."""
    # Empty or off-topic answers get a low score with that reason, whatever an LLM would say.
    if not request.answer.strip() or answer_relevance(request) < OFF_TOPIC_SIMILARITY:
        return score_deterministically(request)
    llm = _evaluation_llm()
    if llm is None:
        return score_deterministically(request)
    settings = get_llm_settings()
    deadline = time.monotonic() + settings.llm_generation_timeout_s
    max_tokens = _TOKENS_BASE + _TOKENS_PER_COMPETENCY * len(request.competencies)
    messages = evaluation_messages(request)
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            output = llm.generator.generate(GenerationRequest(messages, max_tokens, deadline))
        except Exception:
            logger.exception(
                "evaluation generation failed", extra={"turn_id": str(request.turn_id)}
            )
            return score_deterministically(request, attempts=attempt)
        try:
            scores, note = parse_llm_evaluation(output.text, request)
        except EvaluationOutputError as error:
            logger.info(
                "evaluation output rejected",
                extra={"turn_id": str(request.turn_id), "attempt": attempt, "reason": str(error)},
            )
            if output.timed_out:
                return score_deterministically(request, attempts=attempt)
            messages = evaluation_repair_messages(request, output.text, str(error))
            continue
        return AnswerEvaluation(
            scores=scores,
            overall_note=note,
            evaluator="llm",
            model_id=llm.model_id,
            attempts=attempt,
        )
    return score_deterministically(request, attempts=_ATTEMPTS)
