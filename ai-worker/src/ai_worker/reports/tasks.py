"""Assemble an interview's report once its answers are evaluated; re-reads every row, so a
redelivered task only writes the same report again."""

import logging
from typing import Any

from celery import Task
from sqlalchemy.exc import OperationalError

from ai_worker.celery_app import app
from ai_worker.tasking import register
from interview_contracts.interviews import EventType
from interview_contracts.reports import ReportTask
from interview_contracts.tasks import TaskName
from interview_core.db.engine import session_scope
from interview_core.errors import NotFound
from interview_core.events import publish_event
from interview_core.reports.service import (
    evaluations_pending,
    load_inputs,
    mark_report_failed,
    store_report,
)

logger = logging.getLogger(__name__)
# While answers are still being evaluated the task comes back every few seconds; after
# WAIT_RETRIES it assembles anyway, with those answers listed as "evaluation pending".
WAIT_COUNTDOWN_S = 5
WAIT_RETRIES = 120
TRANSIENT = (OperationalError,)


@register(
    app,
    TaskName.ASSEMBLE_REPORT,
    bind=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=WAIT_RETRIES + 3,
)
def assemble_report(self: Task, payload: dict[str, Any]) -> str:
    task = ReportTask.model_validate(payload)
    log_context = {"interview_id": task.interview_id, "task_id": self.request.id}
    try:
        with session_scope() as session:
            pending = evaluations_pending(load_inputs(session, task.interview_id))
            waiting = pending and self.request.retries < WAIT_RETRIES
            # The first pass stores a partial report so recruiters see what is done so far.
            if not waiting or self.request.retries == 0:
                report = store_report(session, task.interview_id)
                status = str(report.status)
    except NotFound:
        logger.info("interview gone; no report", extra=log_context)
        return "gone"
    except TRANSIENT:
        raise
    except Exception as exc:
        with session_scope() as session:
            mark_report_failed(session, task.interview_id, f"{type(exc).__name__}: {exc}")
        logger.exception("report assembly failed", extra=log_context)
        raise
    if waiting:
        raise self.retry(countdown=WAIT_COUNTDOWN_S)
    publish_event(task.interview_id, EventType.REPORT_READY, status=status)
    logger.info("report %s", status, extra=log_context)
    return status
