"""The live event bus: Redis pub/sub per interview. Events are notifications only; the state
they announce is always in PostgreSQL first, so a missed event loses nothing."""

import json
import logging
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from redis import Redis

from interview_contracts.interviews import EventType, event_channel, question_awaited_key
from interview_contracts.training import training_cancel_key
from interview_core.config import get_infra_settings

logger = logging.getLogger(__name__)


@lru_cache
def _redis() -> Redis:
    return Redis.from_url(get_infra_settings().redis_url, socket_timeout=2.0)


def publish_event(interview_id: uuid.UUID, event: EventType, **data: Any) -> None:
    message = json.dumps(
        {"type": event.value, "interview_id": str(interview_id), **data}, default=str
    )
    try:
        _redis().publish(event_channel(interview_id), message)
    except Exception:  # a lost notification is recovered by the client re-reading state
        logger.warning("could not publish %s", event.value, extra={"interview_id": interview_id})


def mark_question_awaited(interview_id: uuid.UUID, turn_id: uuid.UUID, until: datetime) -> None:
    """The candidate waits for this turn's question until `until` (its deadline)."""
    remaining_ms = int((until - datetime.now(UTC)).total_seconds() * 1000)
    if remaining_ms <= 0:
        return
    try:
        _redis().set(question_awaited_key(interview_id), str(turn_id), px=remaining_ms)
    except Exception:  # a hint: without it an evaluation may share the engine, nothing more
        logger.warning("could not mark the question awaited", extra={"turn_id": turn_id})


def clear_question_awaited(interview_id: uuid.UUID, turn_id: uuid.UUID) -> None:
    """The turn's question is stored (generated or from the bank): nobody waits any more."""
    key = question_awaited_key(interview_id)
    try:
        if _redis().get(key) == str(turn_id).encode():
            _redis().delete(key)
    except Exception:  # the key expires at the deadline anyway
        logger.warning("could not clear the awaited question", extra={"turn_id": turn_id})


def signal_training_cancel(adapter_id: uuid.UUID) -> None:
    """Tell the trainer to stop at its next step (the adapter's row already says cancelled)."""
    try:
        _redis().set(training_cancel_key(adapter_id), "1", ex=24 * 3600)
    except Exception:  # the row is the truth: a late result of a cancelled adapter is ignored
        logger.warning("could not signal the cancellation", extra={"adapter_id": adapter_id})
