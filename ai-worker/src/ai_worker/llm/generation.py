"""Next-question generation on gpu_queue: prompt, validate, repair once, else the bank question."""

import logging
import time

from ai_worker.llm.backends import GenerationRequest, TokenCallback
from ai_worker.llm.batcher import GenerationTimeoutError
from ai_worker.llm.loader import get_llm
from ai_worker.llm.prompts import question_messages, question_repair_messages
from ai_worker.llm.settings import get_llm_settings
from ai_worker.llm.validation import extract_question, question_problems
from interview_contracts.llm import GeneratedQuestion, QuestionRequest, QuestionSource

logger = logging.getLogger(__name__)

# A reply is one line; a blank line means the model moved on to something else.
_STOP = ("\n\n",)
# The first question mark ends the question; what a small model adds after it is discarded
# by extract_question anyway, so generating it only costs time.
_END_AFTER = ("?", "\uff1f")  # ASCII and full-width question marks


def generate_question(
    request: QuestionRequest, on_token: TokenCallback | None = None
) -> GeneratedQuestion:
    """Ask the LLM for the next question; fall back to `request.bank_question`.

    `on_token` receives text pieces as they are generated, for every attempt; the returned
    `text` is authoritative (a rejected attempt or the bank question replaces what streamed).
    """
    settings = get_llm_settings()
    started = time.monotonic()
    deadline = started + settings.llm_generation_timeout_s
    llm = get_llm()
    earlier = [*request.asked_questions, *(turn.question for turn in request.previous_turns)]
    rejected: list[str] = []
    messages = question_messages(request)
    attempts = 0
    for source in (QuestionSource.LLM, QuestionSource.LLM_REPAIRED):
        attempts += 1
        try:
            output = llm.generator.generate(
                GenerationRequest(
                    messages, settings.llm_max_new_tokens, deadline, _STOP, on_token, _END_AFTER
                )
            )
        except GenerationTimeoutError:
            rejected.append(f"attempt {attempts}: timed out")
            break
        except Exception as error:  # an unreachable endpoint must not stop the interview
            logger.exception(
                "question generation failed", extra={"interview_id": str(request.interview_id)}
            )
            rejected.append(f"attempt {attempts}: generation failed ({type(error).__name__})")
            break
        if output.timed_out:
            rejected.append(f"attempt {attempts}: timed out")
            break
        text = extract_question(output.text)
        problems = question_problems(text, request.language, earlier)
        if not problems:
            return _result(request, text, source, llm.model_id, attempts, started, rejected)
        rejected.append(f"attempt {attempts}: " + "; ".join(problems))
        messages = question_repair_messages(request, problems)
    return _result(
        request,
        request.bank_question,
        QuestionSource.BANK_FALLBACK,
        llm.model_id,
        attempts,
        started,
        rejected,
    )


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
        },
    )
    return question
