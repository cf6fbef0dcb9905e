"""The batcher's collection window: requests that trickle in together share one generate call."""

import threading
import time

from ai_worker.llm.backends import GenerationOutput, GenerationRequest
from ai_worker.llm.batcher import GenerationBatcher


def _request() -> GenerationRequest:
    return GenerationRequest([{"role": "user", "content": "q"}], 4, time.monotonic() + 30)


def _echo(requests: list[GenerationRequest]) -> list[GenerationOutput]:
    time.sleep(0.05)  # a generate call takes a while; later arrivals queue behind it
    return [GenerationOutput("?", 1, 0.0, 0.05) for _ in requests]


def _submit_spread(batcher: GenerationBatcher, count: int, gap_s: float) -> None:
    threads = []
    for _ in range(count):
        thread = threading.Thread(target=batcher.generate, args=(_request(),))
        thread.start()
        threads.append(thread)
        time.sleep(gap_s)
    for thread in threads:
        thread.join()


def test_requests_arriving_within_a_window_of_each_other_form_one_batch() -> None:
    # 40 ms apart over 0.36 s: each arrival re-opens the 200 ms window, so all 10 wait for one
    # another (a fixed 200 ms window would have closed after about the sixth). The window is
    # five gaps wide so that a loaded machine's late thread start does not split the batch.
    batcher = GenerationBatcher(_echo, window_s=0.2, max_batch=16, max_wait_s=3.0)
    _submit_spread(batcher, 10, gap_s=0.04)
    assert batcher.batch_sizes == [10]


def test_the_cap_ends_a_batch_that_keeps_growing() -> None:
    batcher = GenerationBatcher(_echo, window_s=0.03, max_batch=16, max_wait_s=0.1)
    _submit_spread(batcher, 12, gap_s=0.02)
    assert len(batcher.batch_sizes) >= 2
    assert sum(batcher.batch_sizes) == 12
    assert batcher.batch_sizes[0] <= 7  # gathered for about 0.1 s of 20 ms arrivals


def test_a_lone_request_waits_one_window_only() -> None:
    batcher = GenerationBatcher(_echo, window_s=0.03, max_batch=16, max_wait_s=2.0)
    started = time.monotonic()
    batcher.generate(_request())
    assert time.monotonic() - started < 0.5
    assert batcher.batch_sizes == [1]
