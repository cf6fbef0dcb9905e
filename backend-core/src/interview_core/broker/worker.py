"""Start the backend's own worker roles: `python -m interview_core.broker.worker --role core`
consumes core_queue (database work: building inference requests, storing results, advancing
interviews, reports, the sweep, retention, embedding writes), and `--role beat` sends the
periodic tasks of the beat schedule (run one). Neither loads an ML library."""

import argparse
import logging
import os
import socket
from typing import Any

from celery import bootsteps
from celery.signals import task_postrun, task_prerun, worker_process_init, worker_ready

from interview_contracts import broker_resilience
from interview_contracts.interviews import SweepTask
from interview_contracts.log_format import bind_log_context, configure_logging, reset_log_context
from interview_contracts.queues import WorkerRole
from interview_contracts.tasks import TASK_SPECS, TaskName
from interview_core.broker.client import get_celery
from interview_core.config import get_infra_settings

logger = logging.getLogger(__name__)
BEAT = "beat"
PAYLOAD_IDS = ("interview_id", "turn_id")
_log_tokens: dict[str, object] = {}


class SweepOnConnect(bootsteps.StartStopStep):  # type: ignore[misc]
    """A consumer step: it starts when the worker is ready and again after every reconnection
    to the broker (a Redis restart). Each start asks for one sweep of everything still owed
    (`older_than_s=0`), so tasks lost while the broker was away are sent again even where no
    beat process runs (a single machine). Work still queued gets a copy that finds it done."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def start(self, consumer: Any) -> None:
        name = TaskName.SWEEP_STALE_WORK
        try:
            consumer.app.send_task(
                name.value,
                kwargs={"payload": SweepTask(older_than_s=0).model_dump(mode="json")},
                queue=TASK_SPECS[name].queue.value,
            )
        except Exception:  # the beat schedule or the next reconnection sweeps instead
            logger.warning("could not ask for a recovery sweep", exc_info=True)


@task_prerun.connect  # type: ignore[untyped-decorator]
def _bind_task_ids(task_id: str, task: Any, args: Any = None, kwargs: Any = None, **_: Any) -> None:
    ids: dict[str, object] = {}
    for value in [*(args or ()), *(kwargs or {}).values()]:
        if isinstance(value, dict):
            ids.update({key: value[key] for key in PAYLOAD_IDS if key in value})
    _log_tokens[task_id] = bind_log_context(task_id=task_id, task_name=task.name, **ids)


@task_postrun.connect  # type: ignore[untyped-decorator]
def _unbind_task_ids(task_id: str, **_: Any) -> None:
    token = _log_tokens.pop(task_id, None)
    if token is not None:
        reset_log_context(token)


@worker_ready.connect  # type: ignore[untyped-decorator]
@worker_process_init.connect  # type: ignore[untyped-decorator]
def _configure_logging(**_: Any) -> None:
    settings = get_infra_settings()
    configure_logging(settings.log_level, settings.log_json)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", choices=[WorkerRole.CORE.value, BEAT], required=True)
    parser.add_argument("--concurrency", type=int, default=None)
    args = parser.parse_args()
    settings = get_infra_settings()
    configure_logging(settings.log_level, settings.log_json)
    broker_resilience.install()
    app = get_celery()
    if args.role == BEAT:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        app.start(
            [
                "beat",
                "--schedule",
                app.conf.beat_schedule_filename,
                "--loglevel",
                settings.log_level,
            ]
        )
        return
    os.environ["WORKER_ROLE"] = WorkerRole.CORE.value
    app.steps["consumer"].add(SweepOnConnect)
    app.worker_main(
        [
            "worker",
            "--queues",
            WorkerRole.CORE.queue.value,
            "--hostname",
            f"{WorkerRole.CORE.value}@{socket.gethostname()}-{os.getpid()}",
            "--loglevel",
            settings.log_level,
            "--without-mingle",
            "--without-gossip",
            # Database work only: a few processes keep one long retention run or report from
            # holding up the next question's request.
            "--pool",
            "prefork",
            "--concurrency",
            str(args.concurrency or settings.core_worker_concurrency),
        ]
    )


if __name__ == "__main__":
    main()
