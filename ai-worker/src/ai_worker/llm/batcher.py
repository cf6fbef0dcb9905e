"""Batches generation requests from many threads into one generate call.

The GPU worker is one process with a pool of threads sharing one model copy. Each task thread
submits a request and waits on its future; a single generation thread takes the first waiting
request, collects what else arrives (up to a maximum batch), runs one batched generate and
resolves the futures. The collection window re-opens with every arrival, up to a cap: requests
from candidates who answered together reach the batcher spread over a few hundred
milliseconds (each task thread reads the database and embeds its query first), and a request
that just misses a batch waits for that whole batch to finish. Requests whose deadline passed
while queued are failed without being generated.
"""

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from ai_worker.llm.backends import GenerationOutput, GenerationRequest

BatchGenerate = Callable[[list[GenerationRequest]], list[GenerationOutput]]


class GenerationTimeoutError(TimeoutError):
    """A request's deadline passed before its generation finished."""


class BatcherClosedError(RuntimeError):
    """The model behind this batcher was unloaded; nothing more is generated with it."""


class GenerationBatcher:
    def __init__(
        self,
        generate_batch: BatchGenerate,
        window_s: float,
        max_batch: int,
        max_wait_s: float | None = None,
    ):
        self._generate_batch = generate_batch
        self._window_s = window_s
        # Longest a batch waits for more requests after its first; at least one window.
        self._max_wait_s = max(window_s, max_wait_s if max_wait_s is not None else window_s)
        self._max_batch = max_batch
        # None is the close sentinel: requests queued before it are still generated (a drain).
        self._queue: queue.Queue[tuple[GenerationRequest, Future[GenerationOutput]] | None] = (
            queue.Queue()
        )
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self.batch_sizes: list[int] = []  # sizes of the generate calls run so far, for benches

    def submit(self, request: GenerationRequest) -> "Future[GenerationOutput]":
        future: Future[GenerationOutput] = Future()
        # Under the lock, so nothing is queued behind the close sentinel.
        with self._start_lock:
            if self._closed:
                raise BatcherClosedError("the model was unloaded")
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="llm-generation", daemon=True
                )
                self._thread.start()
            self._queue.put((request, future))
        return future

    def close(self) -> None:
        """Generate what is queued, then stop the thread (it holds the model): an unload."""
        with self._start_lock:
            self._closed = True
            running = self._thread is not None
        if running:
            self._queue.put(None)

    def generate(self, request: GenerationRequest) -> GenerationOutput:
        """Submit and wait, no longer than the request's deadline (plus the step in flight)."""
        future = self.submit(request)
        wait_s = max(0.0, request.deadline - time.monotonic()) + 5.0
        try:
            return future.result(timeout=wait_s)
        except TimeoutError as error:
            raise GenerationTimeoutError("generation did not finish before its deadline") from error

    def _collect(self) -> tuple[list[tuple[GenerationRequest, "Future[GenerationOutput]"]], bool]:
        """The next batch, and whether the close sentinel was reached."""
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        gives_up_at = time.monotonic() + self._max_wait_s
        while len(batch) < self._max_batch:
            # A quiet window ends the collection; each arrival opens a new one, up to the cap.
            remaining = min(self._window_s, gives_up_at - time.monotonic())
            try:
                item = (
                    self._queue.get(timeout=remaining)
                    if remaining > 0
                    else self._queue.get_nowait()
                )
            except queue.Empty:
                break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False

    def _run(self) -> None:
        closing = False
        while not closing:
            batch, closing = self._collect()
            now = time.monotonic()
            live = []
            for request, future in batch:
                if not future.set_running_or_notify_cancel():
                    continue
                if request.deadline <= now:
                    future.set_exception(GenerationTimeoutError("deadline passed while queued"))
                else:
                    live.append((request, future))
            if not live:
                continue
            self.batch_sizes.append(len(live))
            try:
                outputs = self._generate_batch([request for request, _ in live])
            except Exception as error:  # every waiter learns of the failure, the thread lives on
                for _, future in live:
                    future.set_exception(error)
                continue
            for (_, future), output in zip(live, outputs, strict=True):
                future.set_result(output)
