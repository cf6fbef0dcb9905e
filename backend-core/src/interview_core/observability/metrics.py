"""The API's Prometheus metrics: request latency per route template, and queue depth per queue.

Labels are bounded: the route *template* (never the raw path with its ids), the method and the
status code. Queue depth is read from Redis when /metrics is scraped, so it is never stale.
"""

import logging
from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from redis import Redis
from redis.exceptions import RedisError

from interview_contracts.queues import Queue
from interview_core.config import get_infra_settings

logger = logging.getLogger(__name__)

# Latency buckets from a fast JSON read to a long-polled state (wait_s up to 60 s).
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from request received to response finished, per route template.",
    ["method", "route", "status"],
    buckets=REQUEST_BUCKETS,
)

# Celery's Redis transport keeps a list per queue, plus one per priority step when priorities
# are used (separator \x06\x16, steps 3, 6, 9); the depth is their sum.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


class QueueDepthCollector(Collector):
    """`celery_queue_length{queue}`: messages waiting in each broker queue (Redis LLEN)."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "celery_queue_length", "Tasks waiting in the broker queue.", labels=["queue"]
        )
        up = GaugeMetricFamily(
            "celery_queue_length_up", "1 when the broker answered the depth query."
        )
        try:
            client = Redis.from_url(get_infra_settings().redis_url, socket_timeout=1.0)
            try:
                with client.pipeline(transaction=False) as pipe:
                    for queue in Queue:
                        for suffix in _PRIORITY_SUFFIXES:
                            pipe.llen(queue.value + suffix)
                    lengths = pipe.execute()
            finally:
                client.close()
        except RedisError as error:
            # A scrape must not fail because the broker is down; the `up` series says so.
            logger.warning("queue depth unavailable: %s", error)
            up.add_metric([], 0)
            yield up
            return
        per_queue = len(_PRIORITY_SUFFIXES)
        for index, queue in enumerate(Queue):
            depth = sum(lengths[index * per_queue : (index + 1) * per_queue])
            family.add_metric([queue.value], depth)
        up.add_metric([], 1)
        yield family
        yield up


_queue_depth = QueueDepthCollector()
REGISTRY.register(_queue_depth)


def render_metrics(registry: CollectorRegistry = REGISTRY) -> bytes:
    return generate_latest(registry)
