"""Relay an interview's Redis pub/sub channel to a browser as Server-Sent Events."""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from redis.asyncio import Redis

from interview_contracts.interviews import event_channel
from interview_core.config import get_infra_settings

KEEPALIVE_S = 15.0


async def stream_events(
    interview_id: uuid.UUID, is_disconnected: Callable[[], Awaitable[bool]], duration_s: float
) -> AsyncIterator[str]:
    """Relay for `duration_s`, then end; browsers' EventSource reconnects by itself, and a
    bounded stream never pins a worker behind a proxy that forgot the client."""
    client = Redis.from_url(get_infra_settings().redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe(event_channel(interview_id))
    try:
        # Tell the client to re-read state now: anything published before it subscribed is
        # already in the database.
        yield f"event: subscribed\ndata: {json.dumps({'interview_id': str(interview_id)})}\n\n"
        deadline = time.monotonic() + duration_s
        while not await is_disconnected() and time.monotonic() < deadline:
            wait_s = max(0.0, min(KEEPALIVE_S, deadline - time.monotonic()))
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=wait_s)
            if message is None:
                yield ": keep-alive\n\n"
                continue
            data = (
                message["data"].decode()
                if isinstance(message["data"], bytes)
                else str(message["data"])
            )
            kind = json.loads(data).get("type", "message")
            yield f"event: {kind}\ndata: {data}\n\n"
            await asyncio.sleep(0)
    finally:
        await pubsub.unsubscribe()
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await client.aclose()
