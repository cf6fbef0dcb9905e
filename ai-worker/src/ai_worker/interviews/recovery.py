"""A CPU worker asks for a recovery sweep each time it connects to the broker."""

import logging
from typing import Any

from celery import bootsteps

from ai_worker import runtime
from interview_contracts.interviews import SweepTask
from interview_contracts.queues import WorkerRole
from interview_contracts.tasks import TASK_SPECS, TaskName

logger = logging.getLogger(__name__)


class SweepOnConnect(bootsteps.StartStopStep):  # type: ignore[misc]
    """A consumer step: it starts when the worker is ready and again after every reconnection
    to the broker (a Redis restart). Each start asks for one sweep of everything still owed
    (`older_than_s=0`), so tasks lost while the broker was away are sent again even where no
    beat process runs (a single machine). Work still queued gets a copy that finds it done."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, consumer: Any) -> None:
        if runtime.current_role() is not WorkerRole.CPU:
            return
        name = TaskName.SWEEP_STALE_WORK
        try:
            consumer.app.send_task(
                name.value,
                args=(SweepTask(older_than_s=0).model_dump(mode="json"),),
                queue=TASK_SPECS[name].queue.value,
            )
        except Exception:  # the beat schedule or the next reconnection sweeps instead
            logger.warning("could not ask for a recovery sweep", exc_info=True)
