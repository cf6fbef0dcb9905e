"""Keeps a worker alive when Redis goes away while the worker holds unacknowledged messages.

When the broker connection drops, kombu's Redis transport (5.7) closes the old channel, but
the channel still has work to do through it: putting back the messages the worker holds, and
acknowledging a task that finishes meanwhile. Its connection is gone by then, so those calls
fail with AttributeError instead of a connection error; Celery takes that for an unrecoverable
error and the worker exits instead of reconnecting (seen in tests/reliability/
test_broker_outage.py with the GPU worker mid-generation). Raising the transport's own
connection error instead lets kombu handle it as the lost connection it is: the worker logs
it, reconnects and goes on. Nothing is lost: Redis keeps those messages in its unacked index
and redelivers them after the visibility timeout (the tasks are idempotent), and the recovery
sweep re-sends a turn's owed work as soon as a worker reconnects (interviews/recovery.py).
"""

from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

_connparams: Any = kombu_redis.Channel._connparams


def _connparams_of_an_open_channel(self: Any, asynchronous: bool = False) -> Any:
    transport = getattr(self, "connection", None)
    if transport is None or getattr(transport, "client", None) is None:
        raise RedisConnectionError("the broker connection of this channel is closed")
    return _connparams(self, asynchronous=asynchronous)


def install() -> None:
    """Idempotent: patches kombu's Redis channel once per process."""
    if kombu_redis.Channel._connparams is not _connparams_of_an_open_channel:
        kombu_redis.Channel._connparams = _connparams_of_an_open_channel  # type: ignore[method-assign]
