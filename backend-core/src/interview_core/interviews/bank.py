"""Bank questions: template stages use them, and every generated stage keeps one as fallback."""

import hashlib
import logging
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from interview_core.retrieval.models import QuestionBankEntry

logger = logging.getLogger(__name__)

# When the bank has nothing for a stage, the interview still goes on with a common question.
COMMON_QUESTIONS = {
    "en": "Tell me about a recent piece of work you are proud of, and what your part in it was.",
    "ko": "최근에 수행한 일 중 가장 자랑스러운 일과 그 일에서 맡았던 역할을 말씀해 주세요.",
}


def pick_bank_question(
    session: Session,
    interview_id: uuid.UUID,
    stage_key: str,
    language: str,
    already_asked: list[str],
) -> tuple[str, str | None]:
    """A bank question for the stage, stable per interview; (text, fallback reason or None)."""
    texts = list(
        session.scalars(
            select(QuestionBankEntry.text)
            .where(
                QuestionBankEntry.stage_key == stage_key,
                QuestionBankEntry.language == language,
                QuestionBankEntry.is_active.is_(True),
            )
            .order_by(QuestionBankEntry.text)
        )
    )
    fresh = [text for text in texts if text not in already_asked]
    if fresh:
        digest = hashlib.sha256(f"{interview_id}:{stage_key}".encode()).digest()
        return fresh[digest[0] % len(fresh)], None
    reason = f"no bank question for stage '{stage_key}' in '{language}'"
    logger.warning("stage fallback: %s", reason, extra={"interview_id": interview_id})
    return COMMON_QUESTIONS.get(language, COMMON_QUESTIONS["en"]), reason
