"""The live event bus: Redis pub/sub per interview. Events are notifications only; the state
they announce is always in PostgreSQL first, so a missed event loses nothing."""

import json
import logging
import uuid
from functools import lru_cache
from typing import Any

from redis import Redis

from interview_contracts.interviews import EventType, event_channel
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
