"""Live updates for browsers, woken by an interview's Redis pub/sub channel: the long-poll of
the interview's state and the Server-Sent Events relay.

Both are async and wait on Redis, never in a thread: a waiting candidate holds no thread-pool
thread and no database connection, so waiters cannot starve other requests (login included).
"""

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from types import TracebackType

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool

from interview_contracts.interviews import event_channel
from interview_core.accounts.models import User
from interview_core.config import get_infra_settings
from interview_core.interviews.schemas import InterviewState
from interview_core.interviews.service import read_state_for_wait

logger = logging.getLogger(__name__)

KEEPALIVE_S = 15.0
# Phases in which the long-poll waits: the platform, not the candidate, acts next.
WAITING_PHASES = ("waiting_for_question", "processing_answer")
# The long-poll re-reads the state at least this often even without an event: a notification
# lost to a Redis blip, or a recruiter cancelling, costs at most this long.
LONG_POLL_REREAD_S = 10.0
# Without Redis the long-poll still works, by re-reading this often.
REDIS_DOWN_REREAD_S = 1.0
SUBSCRIBE_TIMEOUT_S = 2.0


class LiveEventsUnavailable(ConnectionError):
    """Ends an event stream as an error, not a clean end, so the browser waits before it
    reconnects."""

    def __init__(self) -> None:
        super().__init__("live events unavailable: Redis did not answer")


class InterviewEvents:
    """A subscription to one interview's event channel. Without Redis (down, or lost while
    waiting), `next_message` just sleeps: the long-poll re-reads the state after every wait
    anyway, and an event stream ends (LiveEventsUnavailable)."""

    def __init__(self, interview_id: uuid.UUID) -> None:
        self.channel = event_channel(interview_id)
        self._client = Redis.from_url(
            get_infra_settings().redis_url, socket_connect_timeout=SUBSCRIBE_TIMEOUT_S
        )
        self._pubsub = self._client.pubsub()
        self.connected = False

    async def __aenter__(self) -> "InterviewEvents":
        try:
            await self._pubsub.subscribe(self.channel)
            # Redis's confirmation: from here on no event is missed.
            confirmed = await self._pubsub.get_message(timeout=SUBSCRIBE_TIMEOUT_S)
            self.connected = confirmed is not None
        except (RedisError, OSError):
            pass
        if not self.connected:
            logger.warning("live events unavailable; re-reading state instead")
        return self

    async def next_message(self, timeout_s: float) -> str | None:
        """The next event's JSON, or None when `timeout_s` passed (or Redis is unavailable)."""
        if self.connected:
            try:
                message = await self._pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=timeout_s
                )
            except (RedisError, OSError):
                logger.warning("live events lost; re-reading state instead")
                self.connected = False
            else:
                if message is None:
                    return None
                data = message["data"]
                return data.decode() if isinstance(data, bytes) else str(data)
        await asyncio.sleep(min(timeout_s, REDIS_DOWN_REREAD_S))
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self.connected:
                await self._pubsub.unsubscribe()
        except (RedisError, OSError):
            pass  # the connection is closed below either way
        finally:
            await self._pubsub.aclose()  # type: ignore[no-untyped-call]
            await self._client.aclose()


async def wait_for_state(user: User, interview_id: uuid.UUID, wait_s: float) -> InterviewState:
    """Long-poll: return once the current question is ready (or the wait is over). Woken by
    the interview's events; re-read at the generation deadline, when the bank question is
    served without any event."""
    state, generation_deadline = await run_in_threadpool(read_state_for_wait, user, interview_id)
    if wait_s <= 0 or state.phase not in WAITING_PHASES:
        return state
    deadline = time.monotonic() + wait_s
    async with InterviewEvents(interview_id) as events:
        # Read again once subscribed: an event published before the subscription is missed,
        # but what it announced is in the database by then.
        state, generation_deadline = await run_in_threadpool(
            read_state_for_wait, user, interview_id
        )
        while state.phase in WAITING_PHASES and (remaining := deadline - time.monotonic()) > 0:
            timeout_s = min(remaining, LONG_POLL_REREAD_S)
            if generation_deadline is not None:
                until_deadline = (generation_deadline - datetime.now(UTC)).total_seconds()
                # Just after the deadline, so the re-read serves the bank question.
                timeout_s = min(timeout_s, max(0.0, until_deadline) + 0.05)
            await events.next_message(timeout_s)
            state, generation_deadline = await run_in_threadpool(
                read_state_for_wait, user, interview_id
            )
    return state


async def stream_events(
    interview_id: uuid.UUID,
    is_disconnected: Callable[[], Awaitable[bool]],
    duration_s: float,
    still_signed_in: Callable[[], Awaitable[bool]],
    session_recheck_s: float,
) -> AsyncIterator[str]:
    """Relay for `duration_s`, then end; browsers reconnect by themselves, and a bounded
    stream never pins a worker behind a proxy that forgot the client. Every
    `session_recheck_s` the sign-in is checked again: after a logout or a revoked session the
    stream says `session_ended` and ends, instead of relaying until `duration_s`."""
    async with InterviewEvents(interview_id) as events:
        if not events.connected:
            raise LiveEventsUnavailable
        # Tell the client to re-read state now: anything published before it subscribed is
        # already in the database.
        yield f"event: subscribed\ndata: {json.dumps({'interview_id': str(interview_id)})}\n\n"
        deadline = time.monotonic() + duration_s
        next_check = time.monotonic() + session_recheck_s
        while not await is_disconnected() and (now := time.monotonic()) < deadline:
            if now >= next_check:
                if not await still_signed_in():
                    yield "event: session_ended\ndata: {}\n\n"
                    return
                next_check = now + session_recheck_s
            wait_s = max(0.0, min(KEEPALIVE_S, deadline - now, next_check - now))
            data = await events.next_message(wait_s)
            if not events.connected:
                raise LiveEventsUnavailable
            if data is None:
                yield ": keep-alive\n\n"
                continue
            kind = json.loads(data).get("type", "message")
            yield f"event: {kind}\ndata: {data}\n\n"
            await asyncio.sleep(0)
