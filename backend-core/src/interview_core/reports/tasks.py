"""Assemble an interview's report (core_queue): sent when the interview completes and again by
its last pending evaluation (interviews/transitions.py), never by polling. Re-reads every row,
so a redelivered task only writes the same report again."""

import logging
from typing import Any

from interview_contracts.interviews import EventType
from interview_contracts.reports import ReportTask
from interview_contracts.tasks import TaskName
from interview_core.broker.tasking import TRANSIENT, core_task
from interview_core.db.engine import session_scope
from interview_core.errors import NotFound
from interview_core.events import publish_event
from interview_core.reports.service import mark_report_failed, store_report

logger = logging.getLogger(__name__)


@core_task(TaskName.ASSEMBLE_REPORT)
def assemble_report(payload: dict[str, Any]) -> str:
    task = ReportTask.model_validate(payload)
    try:
        # With evaluations still pending the report is stored as pending, listing them, so
        # recruiters see what is done so far; the last evaluation sends this task again.
        with session_scope() as session:
            status = str(store_report(session, task.interview_id).status)
    except NotFound:
        logger.info("interview gone; no report")
        return "gone"
    except TRANSIENT:
        raise
    except Exception as exc:
        with session_scope() as session:
            mark_report_failed(session, task.interview_id, f"{type(exc).__name__}: {exc}")
        logger.exception("report assembly failed")
        raise
    publish_event(task.interview_id, EventType.REPORT_READY, status=status)
    logger.info("report %s", status)
    return status
