"""Real rows for report tests: an organisation with a recruiter, two candidates, and a completed
interview of the first candidate stored directly (turns and evaluation runs)."""

from dataclasses import dataclass

import pytest

from interview_core.accounts.models import Organisation, User, UserRole
from interview_core.db.engine import session_scope
from tests.interviews.conftest import (  # noqa: F401  (shared with tests/interviews)
    candidate,
    job_id,
    organisation,
    question_bank,
    recruiter,
)
from tests.reports.builders import Built, persist, strong_interview
from tests.support.accounts import make_organisation, make_user, signed_in_headers


@dataclass
class ReportWorld:
    organisation: Organisation
    recruiter: User
    candidate: User
    other_candidate: User
    recruiter_headers: dict[str, str]
    candidate_headers: dict[str, str]
    other_candidate_headers: dict[str, str]
    built: Built

    @property
    def interview_id(self) -> str:
        return str(self.built.interview.id)


@pytest.fixture
def report_world(stack) -> ReportWorld:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        organisation = make_organisation(session)
        recruiter = make_user(session, UserRole.RECRUITER, organisation)
        candidate = make_user(session, UserRole.CANDIDATE)
        other = make_user(session, UserRole.CANDIDATE)
        built = strong_interview(
            organisation_id=organisation.id,
            candidate_id=candidate.id,
            candidate_email=candidate.email,
        )
        persist(session, built)
    return ReportWorld(
        organisation,
        recruiter,
        candidate,
        other,
        signed_in_headers(recruiter),
        signed_in_headers(candidate),
        signed_in_headers(other),
        built,
    )
