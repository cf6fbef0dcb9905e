"""Allowed interview status transitions; anything else is a 409."""

from interview_core.errors import Conflict
from interview_core.interviews.models import Interview, InterviewStatus

S = InterviewStatus
TRANSITIONS: dict[InterviewStatus, set[InterviewStatus]] = {
    S.SCHEDULED: {S.IN_PROGRESS, S.EXPIRED, S.CANCELLED},
    S.IN_PROGRESS: {S.COMPLETED, S.ABANDONED, S.CANCELLED},
    S.COMPLETED: set(),
    S.ABANDONED: set(),
    S.EXPIRED: set(),
    S.CANCELLED: set(),
}


def transition(interview: Interview, target: InterviewStatus) -> None:
    current = InterviewStatus(interview.status)
    if target not in TRANSITIONS[current]:
        raise Conflict(
            f"An interview that is {current.value} cannot become {target.value}.",
            code="invalid-transition",
            current_status=current.value,
        )
    interview.status = target
