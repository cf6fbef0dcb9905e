"""A recruiter of a new organisation, signed in: whom the job tests act as."""

import pytest

from interview_core.accounts.models import UserRole
from interview_core.db.engine import session_scope
from tests.support.accounts import make_organisation, make_user, signed_in_headers


@pytest.fixture
def recruiter_headers(stack) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        organisation = make_organisation(session)
        recruiter = make_user(session, UserRole.RECRUITER, organisation)
    return signed_in_headers(recruiter)
