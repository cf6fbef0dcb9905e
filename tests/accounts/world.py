"""A fresh set of real rows per matrix row: two organisations and one user per actor."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from interview_core.accounts.models import Organisation, PendingRegistration, User, UserRole
from interview_core.accounts.organisations import create_invite
from interview_core.auth.tokens import issue_verification_token
from interview_core.db.engine import session_scope
from interview_core.interviews import service as interviews
from interview_core.interviews.schemas import Consent, InterviewCreate
from interview_core.jobs.schemas import JobCreate
from interview_core.jobs.service import create_job
from tests.accounts.authz_matrix import Actor
from tests.support.accounts import (
    DEFAULT_PASSWORD,
    make_organisation,
    make_user,
    password_hash,
    signed_in_headers,
    signed_in_tokens,
    unique_email,
)


@dataclass
class World:
    org1: Organisation
    org2: Organisation
    users: dict[Actor, User]
    headers: dict[Actor, dict[str, str]]

    @classmethod
    def build(cls) -> "World":
        with session_scope() as session:
            org1, org2 = make_organisation(session), make_organisation(session)
            users = {
                Actor.CANDIDATE_A: make_user(session, UserRole.CANDIDATE),
                Actor.CANDIDATE_B: make_user(session, UserRole.CANDIDATE),
                Actor.RECRUITER_ORG1: make_user(session, UserRole.RECRUITER, org1, owner=True),
                Actor.RECRUITER_ORG2: make_user(session, UserRole.RECRUITER, org2),
                Actor.ADMIN: make_user(session, UserRole.ADMIN),
            }
        headers = {actor: signed_in_headers(user) for actor, user in users.items()}
        return cls(org1, org2, users, {Actor.ANONYMOUS: {}, **headers})

    def make(self, role: UserRole, organisation: Organisation | None = None) -> User:
        with session_scope() as session:
            return make_user(session, role, organisation)

    def fresh_refresh_token(self) -> str:
        return signed_in_tokens(self.users[Actor.CANDIDATE_A]).refresh_token

    def fresh_verification_token(self) -> str:
        """The token of a registration's e-mail link, for a new address, as the API mails it."""
        email = unique_email("pending")
        with session_scope() as session:
            pending = PendingRegistration(
                id=uuid.uuid4(),
                email=email,
                password_hash=password_hash(DEFAULT_PASSWORD),
                full_name="Pending Person",
                preferred_language="en",
                expires_at=datetime.now(UTC) + timedelta(hours=1),
            )
            session.add(pending)
        return issue_verification_token(pending.id, email, 3600)

    def fresh_invite_token(self) -> str:
        with session_scope() as session:
            admin = session.get_one(User, self.users[Actor.ADMIN].id)
            _, token = create_invite(session, admin, self.org1.id, unique_email("inv"), False)
        return token

    def job_in_org1(self) -> str:
        return self.job_of(Actor.RECRUITER_ORG1)

    def job_of(self, recruiter_actor: Actor) -> str:
        """A job in the recruiter's organisation, created by that recruiter."""
        with session_scope() as session:
            recruiter = session.get_one(User, self.users[recruiter_actor].id)
            job = create_job(
                session, recruiter, JobCreate(title="Engineer", description="Builds services.")
            )
            return str(job.id)

    def interview_of_candidate_a(self, *, started: bool) -> dict[str, str]:
        """An interview in organisation 1 for candidate A: invited only, or accepted and started."""
        return self.interview_of(Actor.CANDIDATE_A, Actor.RECRUITER_ORG1, started=started)

    def interview_of(
        self, candidate_actor: Actor, recruiter_actor: Actor, *, started: bool
    ) -> dict[str, str]:
        """An interview in the recruiter's organisation sent to the candidate's address: invited
        only (no account bound to it yet), or accepted and started by that candidate."""
        job_id = self.job_of(recruiter_actor)
        with session_scope() as session:
            recruiter = session.get_one(User, self.users[recruiter_actor].id)
            candidate = session.get_one(User, self.users[candidate_actor].id)
            interview, token = interviews.create_interview(
                session,
                recruiter,
                InterviewCreate(job_id=job_id, candidate_email=candidate.email),  # type: ignore[arg-type]
            )
            ids = {"interview_id": str(interview.id), "token": token}
            if started:
                interviews.accept_invite(session, candidate, token)
                interviews.start_interview(
                    session, candidate, interview.id, Consent(audio=True, video=True)
                )
                turn = interviews.current_turn(session, interview)
                assert turn is not None
                ids["turn_id"] = str(turn.id)
        return ids

    def report_of_candidate_a(self) -> dict[str, str]:
        """A completed, evaluated interview of candidate A in organisation 1 with its report,
        whose summary the organisation shares with the candidate."""
        return self.report_of(Actor.CANDIDATE_A, self.org1)

    def report_of(self, candidate_actor: Actor, organisation: Organisation) -> dict[str, str]:
        """A completed, evaluated interview of the candidate in the organisation (in a job of
        its own) with its report, whose summary the organisation shares with the candidate."""
        from interview_core.reports.service import store_report
        from tests.reports.builders import persist, strong_interview

        candidate = self.users[candidate_actor]
        with session_scope() as session:
            built = strong_interview(
                organisation_id=organisation.id,
                candidate_id=candidate.id,
                candidate_email=candidate.email,
            )
            persist(session, built)
            ids = {"interview_id": str(built.interview.id), "job_id": str(built.job.id)}
            store_report(session, built.interview.id).share_candidate_summary = True
        return ids

    def resume_of_candidate_a(self) -> dict[str, str]:
        return self.resume_of(Actor.CANDIDATE_A)

    def resume_of(self, candidate_actor: Actor) -> dict[str, str]:
        from interview_core.interviews.models import Resume

        with session_scope() as session:
            resume = Resume(
                candidate_id=self.users[candidate_actor].id,
                filename="cv.txt",
                content_type="text/plain",
                size_bytes=10,
                text="Python developer.",
            )
            session.add(resume)
            session.flush()
            return {"resume_id": str(resume.id)}
