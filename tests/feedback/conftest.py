"""Real rows for feedback tests: two organisations, each with its owner (a recruiter) and a
completed, evaluated interview stored directly; organisation 1 also has a recruiter who is not
its owner, and its candidate is named in their own first answer."""

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from interview_core.accounts.models import Organisation, User, UserRole
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Turn
from tests.reports.builders import INTRO_ANSWER, Built, persist, strong_interview
from tests.support.accounts import make_organisation, make_user, signed_in_headers

API = "/api/v1"
CANDIDATE_NAME = "Alex Morgan"  # as INTRO_ANSWER says it


@dataclass
class Side:
    organisation_id: uuid.UUID
    owner: User
    owner_headers: dict[str, str]
    candidate: User
    candidate_headers: dict[str, str]
    built: Built

    @property
    def interview_id(self) -> str:
        return str(self.built.interview.id)

    def turn(self, stage_key: str) -> str:
        return next(str(t.id) for t in self.built.turns if t.stage_key == stage_key)

    def turn_path(self, stage_key: str) -> str:
        return f"{API}/interviews/{self.interview_id}/turns/{self.turn(stage_key)}"

    @property
    def datasets_path(self) -> str:
        return f"{API}/organisations/{self.organisation_id}/training-datasets"


@dataclass
class FeedbackWorld:
    org1: Side
    org2: Side
    colleague_headers: dict[str, str]  # a recruiter of organisation 1 who is not its owner


def _side(candidate_name: str) -> Side:
    with session_scope() as session:
        organisation = make_organisation(session)
        owner = make_user(session, UserRole.RECRUITER, organisation, owner=True)
        candidate = make_user(session, UserRole.CANDIDATE)
        candidate.full_name = candidate_name
        built = strong_interview(
            organisation_id=organisation.id,
            candidate_id=candidate.id,
            candidate_email=candidate.email,
            language="en",
        )
        persist(session, built)
        # The candidate also gives their address in the first answer.
        intro = session.scalars(
            select(Turn.id).where(
                Turn.interview_id == built.interview.id, Turn.stage_key == "intro"
            )
        ).one()
        session.execute(
            update(Turn)
            .where(Turn.id == intro)
            .values(
                # Asked as written, as the scenarios' intro is.
                stage_type="template",
                answer_text=f"{INTRO_ANSWER} Write to me at {candidate.email.upper()}.",
            )
        )
        organisation_id = organisation.id
    return Side(
        organisation_id,
        owner,
        signed_in_headers(owner),
        candidate,
        signed_in_headers(candidate),
        built,
    )


@pytest.fixture
def world(stack) -> FeedbackWorld:  # type: ignore[no-untyped-def]
    org1 = _side(CANDIDATE_NAME)
    org2 = _side("Sam Lee")
    with session_scope() as session:
        colleague = make_user(
            session,
            UserRole.RECRUITER,
            session.get_one(Organisation, org1.organisation_id),
        )
    return FeedbackWorld(org1, org2, signed_in_headers(colleague))
