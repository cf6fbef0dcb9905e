"""Next-question generation on gpu_queue: two attempts, each validated; when both are refused,
the stage's form around a phrase the code picks from the source; else the bank question.

Each language's first attempt is the style that measured best on bench/question_quality.py
(LLM_QUESTION_STYLE_EN / _KO):
- free: the model writes the question; if the validator rejects it, the question is
  composed from a vetted form around a phrase of the answer, résumé or job
  (composition.py). English default.
- composed: composed first; a rejected choice is asked for once more with the reason. Korean
  default: the embedded 1.5B model does not write Korean questions reliably.
Nothing reaches the candidate before a question passes: the task publishes the whole
question once it is stored.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from ai_worker.llm.backends import GenerationOutput, GenerationRequest
from ai_worker.llm.batcher import GenerationTimeoutError
from ai_worker.llm.composition import (
    FocusError,
    compose_question,
    focus_messages,
    focus_source,
    parse_focus,
    pick_focus,
)
from ai_worker.llm.loader import LoadedLLM, get_llm
from ai_worker.llm.prompts import last_answer, question_messages
from ai_worker.llm.settings import QuestionStyle, get_llm_settings
from ai_worker.llm.validation import extract_question, is_near_duplicate, question_problems
from interview_contracts.llm import GeneratedQuestion, QuestionRequest, QuestionSource

logger = logging.getLogger(__name__)

# A question is one line; a blank line means the model moved on to something else.
_STOP = ("\n\n",)
# The first question mark ends a free-form question (generation stops one piece later).
_END_AFTER = ("?", "\uff1f")
# A phrase of up to six words, in either script; a longer copy is cut to its first words.
_FOCUS_TOKENS = 14


class AttemptRejectedError(ValueError):
    """An attempt produced nothing usable; the message says why."""


@dataclass(frozen=True)
class _Attempt:
    name: str
    run: Callable[[QuestionRequest, LoadedLLM, float, str | None], str]


def topic_key(request: QuestionRequest) -> str:
    """The stage's topic: its competency key, or the stage key itself (e.g. "motivation")."""
    return request.competency or request.stage_key.removesuffix("_followup")


def _generate(llm: LoadedLLM, request: GenerationRequest) -> GenerationOutput:
    output = llm.generator.generate(request)
    if output.timed_out:
        raise GenerationTimeoutError("generation passed its deadline")
    return output


def _free_form(
    request: QuestionRequest, llm: LoadedLLM, deadline: float, _retry_hint: str | None
) -> str:
    tokens = get_llm_settings().llm_max_new_tokens
    messages = question_messages(request)
    output = _generate(llm, GenerationRequest(messages, tokens, deadline, _STOP, _END_AFTER))
    return _through_first_question_mark(extract_question(output.text))


def _through_first_question_mark(text: str) -> str:
    """Generation stops one piece after the first question mark (see _END_AFTER); that piece
    is not part of the question. A closing quote stays, for the validator to see."""
    marks = [i for i in (text.find(m) for m in _END_AFTER) if i >= 0]
    if not marks:
        return text
    end = min(marks) + 1
    closing = text[end : end + 1]
    return text[: end + (1 if closing and closing in "\"'\u201d\u2019" else 0)]


def _composed(
    request: QuestionRequest, llm: LoadedLLM, deadline: float, retry_hint: str | None
) -> str:
    source, _ = focus_source(request)
    messages = focus_messages(request, retry_hint)
    output = _generate(llm, GenerationRequest(messages, _FOCUS_TOKENS, deadline, ("\n",)))
    try:
        focus = parse_focus(output.text, source, topic_key(request), output.truncated)
    except FocusError as error:
        raise AttemptRejectedError(str(error)) from error
    question = compose_question(request, focus, topic_key(request))
    if is_near_duplicate(question, request.asked_questions):
        question = compose_question(request, focus, topic_key(request), earlier_is_duplicate=True)
    return question


_FREE, _COMPOSED = _Attempt("free", _free_form), _Attempt("composed", _composed)
# A question the model wrote that is refused is composed instead: a vetted form of the
# stage's topic around a phrase of the answer, résumé or job (a free second attempt drifted
# off the same topic again). A refused composition is tried once more, told why.
_ATTEMPTS = {
    QuestionStyle.FREE: {"opening": (_FREE, _COMPOSED), "followup": (_FREE, _COMPOSED)},
    QuestionStyle.COMPOSED: {"opening": (_COMPOSED, _COMPOSED), "followup": (_COMPOSED, _COMPOSED)},
}


def question_style(request: QuestionRequest) -> QuestionStyle:
    settings = get_llm_settings()
    if request.language == "ko":
        return settings.llm_question_style_ko
    return settings.llm_question_style_en


def generate_question(
    request: QuestionRequest, llm: LoadedLLM | None = None, deadline: float | None = None
) -> GeneratedQuestion:
    """Ask the LLM (this process's, unless given) for the next question; fall back to
    `request.bank_question`. Work stops at `deadline` (time.monotonic()) or after
    LLM_GENERATION_TIMEOUT_S, whichever comes first."""
    settings = get_llm_settings()
    started = time.monotonic()
    deadline = min(deadline or float("inf"), started + settings.llm_generation_timeout_s)
    llm = llm or get_llm()
    earlier = [*request.asked_questions, *(turn.question for turn in request.previous_turns)]
    followed = last_answer(request)
    kind = "followup" if followed is not None else "opening"
    rejected: list[str] = []
    # Why the previous attempt failed, for an attempt that can use it.
    retry_hint: str | None = None
    sources = (QuestionSource.LLM, QuestionSource.LLM_REPAIRED)
    for number, (attempt, source) in enumerate(
        zip(_ATTEMPTS[question_style(request)][kind], sources, strict=True), start=1
    ):
        try:
            text = attempt.run(request, llm, deadline, retry_hint)
        except GenerationTimeoutError:
            rejected.append(f"attempt {number} ({attempt.name}): timed out")
            break
        except AttemptRejectedError as error:
            rejected.append(f"attempt {number} ({attempt.name}): {error}")
            retry_hint = str(error)
            continue
        except Exception as error:  # an unreachable engine must not stop the interview
            logger.exception(
                "question generation failed", extra={"interview_id": str(request.interview_id)}
            )
            rejected.append(f"attempt {number}: generation failed ({type(error).__name__})")
            break
        problems = question_problems(
            text,
            request.language,
            earlier,
            topic=topic_key(request),
            answer=followed.answer if followed is not None else None,
        )
        if not problems:
            return _result(request, text, source, llm.label, number, started, rejected)
        rejected.append(f"attempt {number} ({attempt.name}): {'; '.join(problems)}: {text[:160]!r}")
        retry_hint = "; ".join(problems)
    else:
        # Every attempt was refused (none timed out or failed): the code picks the phrase.
        picked = _phrase_picked(request, earlier, followed.answer if followed else None)
        if picked is not None:
            return _result(
                request,
                picked,
                QuestionSource.PHRASE_PICKED,
                llm.label,
                len(rejected),
                started,
                rejected,
            )
    return _result(
        request,
        request.bank_question,
        QuestionSource.BANK_FALLBACK,
        llm.label,
        len(rejected),
        started,
        rejected,
    )


def _phrase_picked(request: QuestionRequest, earlier: list[str], answer: str | None) -> str | None:
    """The stage's vetted form around the source's most specific words, when it passes the
    same checks as a model's question; else None (the bank question follows)."""
    topic = topic_key(request)
    focus = pick_focus(request, topic)
    if focus is None:
        return None
    for earlier_is_duplicate in (False, True):
        question = compose_question(request, focus, topic, earlier_is_duplicate)
        if not question_problems(question, request.language, earlier, topic=topic, answer=answer):
            return question
    return None


def _result(
    request: QuestionRequest,
    text: str,
    source: QuestionSource,
    model_id: str,
    attempts: int,
    started: float,
    rejected: list[str],
) -> GeneratedQuestion:
    question = GeneratedQuestion(
        text=text,
        source=source,
        model_id=model_id,
        attempts=attempts,
        latency_ms=(time.monotonic() - started) * 1000,
        rejected_reasons=rejected,
    )
    logger.info(
        "question generated",
        extra={
            "interview_id": str(request.interview_id),
            "turn_id": str(request.turn_id) if request.turn_id else None,
            "source": source.value,
            "attempts": attempts,
            "rejected": rejected,
        },
    )
    return question
