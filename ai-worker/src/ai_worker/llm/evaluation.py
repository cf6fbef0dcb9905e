"""Answer evaluation on cpu_queue: the model points at sentences, the code decides the score.

Per competency the stage probes, the model answers five evidence checks by listing sentence
numbers (its output constrained by a JSON schema), every claim is verified against the
sentence's own words, and the score follows from the checks met (llm/checks.py). Text that
speaks to a model is taken out before the model reads the answer and is never evidence
(llm/reading.py). An unusable reply is repaired once; then the rules alone judge, recorded as
"not evaluated by the model".
"""

import hashlib
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ai_worker.llm.backends import GenerationOutput, GenerationRequest
from ai_worker.llm.checks import (
    competency_score,
    evaluate_by_rules,
    review_flags,
    verified_checks,
)
from ai_worker.llm.loader import LoadedLLM, get_endpoint_llm, get_evaluation_llm
from ai_worker.llm.prompts import (
    EVALUATION_PROMPT_VERSION,
    evaluation_messages,
    evaluation_repair_messages,
)
from ai_worker.llm.reading import ReadAnswer, read_answer
from ai_worker.llm.settings import EvaluationLLM, get_llm_settings
from ai_worker.llm.validity import EvaluatorConfiguration, is_validated
from interview_contracts.llm import (
    AnswerEvaluation,
    CheckResult,
    CompetencyScore,
    CompetencySpec,
    EvaluationRequest,
    EvidenceCheck,
)

logger = logging.getLogger(__name__)

METHOD = "checks"
_ATTEMPTS = 2
# Sentences the model may cite per check; more is noise, and each costs output tokens.
_MAX_CITED = 4
# Enough for five short lists; the schema keeps the reply to exactly that.
_MAX_TOKENS = 90
# An evaluation waits its turn behind questions on a busy engine: nobody waits for it, so it
# may take longer than a question, within evaluate_turn's soft time limit (240 s).
_DEADLINE_S = 180.0


class ReplyMemo:
    """The engine's reply to each exact request, kept so that identical input always gets the
    identical judgement.

    Decoding is greedy, but a batching engine's arithmetic depends on what it batches together
    (llama.cpp's kernels sum in a different order for another batch size), so the same prompt
    can, rarely, come back different. Two candidates who gave the same answer, or one answer
    with and without hesitations (which reading takes out before the prompt is built), must not
    be scored apart by that noise. Identical requests in flight at once wait for the first one.
    Repeated runs of one answer (EVALUATION_RUNS) are keyed by their run index, so they still
    sample the engine and the report shows the spread. Per process: a worker restart or another
    worker process computes afresh.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._replies: OrderedDict[str, str] = OrderedDict()
        self._in_flight: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(model_id: str, request: GenerationRequest, run_index: int) -> str:
        identity = json.dumps(
            [model_id, request.messages, request.json_schema, request.max_new_tokens, run_index],
            ensure_ascii=False,
            sort_keys=True,
        )
        return hashlib.sha256(identity.encode()).hexdigest()

    def reply(self, key: str, generate: Callable[[], GenerationOutput]) -> GenerationOutput:
        """The reply kept for `key`, else `generate()`'s, kept unless it was cut off by its
        deadline (another try may finish)."""
        with self._lock:
            flight = self._in_flight.setdefault(key, threading.Lock())
        with flight:
            with self._lock:
                kept = self._replies.get(key)
                if kept is not None:
                    self._replies.move_to_end(key)
            if kept is not None:
                return GenerationOutput(kept, 0, None, 0.0)
            output = generate()
            with self._lock:
                if not output.timed_out:
                    self._replies[key] = output.text
                    self._replies.move_to_end(key)
                    while len(self._replies) > self._capacity:
                        self._replies.popitem(last=False)
                self._in_flight.pop(key, None)
            return output

    def __len__(self) -> int:
        return len(self._replies)


_replies = ReplyMemo()


def _generate(llm: LoadedLLM, request: GenerationRequest, run_index: int) -> GenerationOutput:
    """The engine's reply, or the one it gave to this exact request before."""
    key = ReplyMemo.key(llm.label, request, run_index)
    return _replies.reply(key, lambda: llm.generator.generate(request))


class EvaluationOutputError(ValueError):
    """The model's reply is not usable JSON for this request."""


def checks_schema(sentence_count: int) -> dict[str, Any]:
    numbers = {"type": "integer", "enum": list(range(1, sentence_count + 1))}
    listed = {"type": "array", "items": numbers, "maxItems": _MAX_CITED}
    return {
        "type": "object",
        "properties": {check.value: listed for check in EvidenceCheck},
        "required": [check.value for check in EvidenceCheck],
        "additionalProperties": False,
    }


def _json_object(raw: str) -> object:
    text = re.sub(r"```(?:json)?", "", raw)
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise EvaluationOutputError("no JSON object in the reply")
    try:
        return json.loads(text[start : end + 1])
    except json.JSONDecodeError as error:
        raise EvaluationOutputError(f"invalid JSON: {error.msg}") from error


def parse_checks(raw: str, sentence_count: int) -> dict[EvidenceCheck, list[int]]:
    """The sentence numbers the reply cites per check; fences and text around the JSON are
    ignored, anything off the schema is an error naming the field."""
    reply = _json_object(raw)
    if not isinstance(reply, dict):
        raise EvaluationOutputError("the reply is not a JSON object")
    claims: dict[EvidenceCheck, list[int]] = {}
    for check in EvidenceCheck:
        cited = reply.get(check.value)
        if not isinstance(cited, list):
            raise EvaluationOutputError(f"'{check.value}' must be a list of sentence numbers")
        numbers = []
        for item in cited:
            if isinstance(item, bool) or not isinstance(item, int | str):
                raise EvaluationOutputError(f"'{check.value}' holds {item!r}, not a number")
            try:
                number = int(item)
            except ValueError:
                raise EvaluationOutputError(
                    f"'{check.value}' holds {item!r}, not a number"
                ) from None
            if not 1 <= number <= sentence_count:
                raise EvaluationOutputError(
                    f"'{check.value}' cites sentence {number}; there are {sentence_count}"
                )
            numbers.append(number)
        claims[check] = numbers
    return claims


def _evaluation_llm() -> LoadedLLM | None:
    choice = get_llm_settings().evaluation_llm
    if choice is EvaluationLLM.NONE:
        return None
    try:
        return get_endpoint_llm() if choice is EvaluationLLM.ENDPOINT else get_evaluation_llm()
    except Exception:  # the rules still give the recruiter verified evidence
        logger.exception("evaluation LLM unavailable; judging by the rules")
        return None


def _no_evidence(request: EvaluationRequest, read: ReadAnswer, llm: LoadedLLM) -> AnswerEvaluation:
    """Nothing left to read (empty, or only text addressed to a model): no evidence, no call."""
    empty = verified_checks({}, read, request.language)
    return _evaluation(
        request,
        [competency_score(c.key, empty, request.language) for c in request.competencies],
        read,
        llm,
        attempts=0,
    )


def _evaluation(
    request: EvaluationRequest,
    scores: list[CompetencyScore],
    read: ReadAnswer,
    llm: LoadedLLM,
    attempts: int,
) -> AnswerEvaluation:
    configuration = EvaluatorConfiguration("llm", METHOD, EVALUATION_PROMPT_VERSION, llm.label)
    return AnswerEvaluation(
        scores=scores,
        overall_note=" ".join(score.rationale for score in scores),
        evaluator="llm",
        model_id=llm.label,
        method=METHOD,
        prompt_version=EVALUATION_PROMPT_VERSION,
        validated=is_validated(configuration, request.language),
        review_flags=review_flags(read, request.language),
        attempts=attempts,
    )


def _checks_by_model(
    llm: LoadedLLM,
    request: EvaluationRequest,
    competency: CompetencySpec,
    read: ReadAnswer,
    deadline: float,
    run_index: int,
) -> tuple[list[CheckResult], int] | None:
    """The verified checks and the attempts taken, or None when the model gave nothing usable."""
    messages = evaluation_messages(request, competency, [s.clean for s in read.sentences])
    schema = checks_schema(len(read.sentences))
    for attempt in range(1, _ATTEMPTS + 1):
        generation = GenerationRequest(messages, _MAX_TOKENS, deadline, json_schema=schema)
        try:
            output = _generate(llm, generation, run_index)
        except Exception:
            logger.exception("evaluation generation failed", extra={"turn_id": request.turn_id})
            return None
        try:
            claims = parse_checks(output.text, len(read.sentences))
        except EvaluationOutputError as error:
            logger.info(
                "evaluation output rejected",
                extra={"turn_id": request.turn_id, "attempt": attempt, "reason": str(error)},
            )
            if output.timed_out:
                return None
            messages = evaluation_repair_messages(messages, output.text, str(error))
            continue
        return verified_checks(claims, read, request.language), attempt
    return None


def evaluate_answer(
    request: EvaluationRequest, llm: LoadedLLM | None = None, run_index: int = 0
) -> AnswerEvaluation:
    """Judge one answer on the competencies its stage probes; the result names the evaluator,
    model and prompt version, and whether that configuration passed the validity benchmark.
    Decoding is greedy and identical input gets the identical reply (ReplyMemo); `run_index`
    numbers repeated runs of one answer, which differ only where the engine's batching does."""
    llm = llm or _evaluation_llm()
    if llm is None:
        return evaluate_by_rules(request)
    read = read_answer(request.answer, request.language)
    if not read.sentences:
        return _no_evidence(request, read, llm)
    deadline = time.monotonic() + _DEADLINE_S
    scores, attempts = [], 0
    for competency in request.competencies:
        judged = _checks_by_model(llm, request, competency, read, deadline, run_index)
        if judged is None:
            return evaluate_by_rules(request, attempts=attempts + _ATTEMPTS)
        checks, taken = judged
        attempts = max(attempts, taken)
        scores.append(competency_score(competency.key, checks, request.language))
    return _evaluation(request, scores, read, llm, attempts)
