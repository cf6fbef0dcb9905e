"""The authorisation matrix: every route in the OpenAPI schema, and what each actor gets.

Each domain adds a row per route. `expect` maps every actor to the status it must get, or OK
(one of the row's `ok` statuses). `params`, `query` and `body` are called once per request
with the row's fresh World, so they can build the real rows a request needs.

A route that returns rows (a list, a CSV or JSON-lines export, an object holding rows) also has
`lists`: a builder that puts rows of both organisations and both candidates into the World and
says who must read each one in the answer, so each allowed actor's answer is checked to hold its
own rows and none of the others'; or `Shared` for a collection no organisation owns.
tests/accounts/test_authz_matrix.py fails for a route that returns rows without one.
"""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from interview_core.accounts.models import UserRole
from tests.support.accounts import DEFAULT_PASSWORD, unique_email

API = "/api/v1"
OK = "ok"


class Actor(StrEnum):
    ANONYMOUS = "anonymous"
    CANDIDATE_A = "candidate_a"
    CANDIDATE_B = "candidate_b"
    RECRUITER_ORG1 = "recruiter_org1"
    RECRUITER_ORG2 = "recruiter_org2"
    ADMIN = "admin"


Expectation = Mapping[Actor, int | str]
# A World (tests/accounts/world.py) in, path parameters / query / JSON body out.
Builder = Callable[[Any], Any]


def _expect(**by_actor: int | str) -> Expectation:
    return {Actor(name): outcome for name, outcome in by_actor.items()}


PUBLIC = _expect(
    anonymous=OK, candidate_a=OK, candidate_b=OK, recruiter_org1=OK, recruiter_org2=OK, admin=OK
)
SIGNED_IN = {**PUBLIC, Actor.ANONYMOUS: 401}
RECRUITER_OR_ADMIN = {**SIGNED_IN, Actor.CANDIDATE_A: 403, Actor.CANDIDATE_B: 403}
ADMIN_ONLY = {**RECRUITER_OR_ADMIN, Actor.RECRUITER_ORG1: 403, Actor.RECRUITER_ORG2: 403}
# Something of organisation 1 (whose owner is recruiter_org1): outsiders get 404, not 403.
ORG1_ONLY = _expect(
    anonymous=401,
    candidate_a=404,
    candidate_b=404,
    recruiter_org1=OK,
    recruiter_org2=404,
    admin=OK,
)
# Something of candidate A in organisation 1 (an interview, say).
CANDIDATE_A_AND_ORG1 = {**ORG1_ONLY, Actor.CANDIDATE_A: OK}
# Recruiter-only routes on organisation 1's rows: candidates are refused by role first.
ORG1_RECRUITERS = {**ORG1_ONLY, Actor.CANDIDATE_A: 403, Actor.CANDIDATE_B: 403}
# Only candidate A acts (accepts, starts, answers); org 1 can read but not act for them.
INTERVIEWEE_A = {**CANDIDATE_A_AND_ORG1, Actor.RECRUITER_ORG1: 403, Actor.ADMIN: 403}
CANDIDATES_ONLY = {
    **SIGNED_IN,
    Actor.RECRUITER_ORG1: 403,
    Actor.RECRUITER_ORG2: 403,
    Actor.ADMIN: 403,
}
# A candidate's own document not yet shared with any organisation.
OWN_RESUME = _expect(
    anonymous=401,
    candidate_a=OK,
    candidate_b=404,
    recruiter_org1=404,
    recruiter_org2=404,
    admin=OK,
)
ONLY_CANDIDATE_A = _expect(
    anonymous=401,
    candidate_a=OK,
    candidate_b=404,
    recruiter_org1=403,
    recruiter_org2=403,
    admin=403,
)
# The candidate an interview invite was sent to; any other candidate is refused by address.
INVITEE_A = {**ONLY_CANDIDATE_A, Actor.CANDIDATE_B: 403}


@dataclass(frozen=True)
class Listing:
    """Rows a list route's answer is checked against: each marker (the id or e-mail address of
    a row the World holds) with the actors whose answer must contain it. Every other actor the
    route lets through must not find it anywhere in the body: another organisation's or another
    candidate's row, or one outside the path's scope."""

    readers: Mapping[str, frozenset[Actor]]
    # Why the admin's answer is not checked (a list paged in an order that may put the World's
    # rows past the first page); otherwise the admin must read its markers too.
    admin_unchecked_because: str = ""


@dataclass(frozen=True)
class Shared:
    """A collection that is the same for every reader: nothing in it belongs to an organisation
    or a candidate, so there is nothing to exclude."""

    reason: str


# A World and the row's path parameters (built once for every actor of a list row) in.
ListBuilder = Callable[[Any, Mapping[str, str]], Listing]

# Who reads what in an answer that is not narrowed to one object by its path.
ORG1_READERS = frozenset({Actor.RECRUITER_ORG1, Actor.ADMIN})
ORG2_READERS = frozenset({Actor.RECRUITER_ORG2, Actor.ADMIN})
CANDIDATE_A_IN_ORG1 = frozenset({Actor.CANDIDATE_A, *ORG1_READERS})
CANDIDATE_B_IN_ORG2 = frozenset({Actor.CANDIDATE_B, *ORG2_READERS})
# A row outside the path's scope (another interview's turn, another organisation's dataset).
NOBODY: frozenset[Actor] = frozenset()


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    expect: Expectation
    params: Builder | None = None
    query: Builder | None = None
    body: Builder | None = None
    ok: frozenset[int] = frozenset({200, 201, 204})
    # Rows that need the worker processes run in a separate test that starts them.
    needs_workers: bool = False
    # For a route that returns rows: whose rows each allowed actor's answer holds.
    lists: ListBuilder | Shared | None = None
    note: str = field(default="", compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path


def _org1(world: Any) -> dict[str, str]:
    return {"organisation_id": str(world.org1.id)}


MATRIX: list[Route] = [
    # --- health and diagnostics -----------------------------------------------------------
    Route("GET", "/healthz", PUBLIC),
    Route("GET", "/readyz", PUBLIC, ok=frozenset({200, 503})),
    # METRICS_TOKEN is unset in tests: only admins (tests/observability covers the token).
    Route("GET", "/metrics", ADMIN_ONLY),
    Route("POST", f"{API}/diagnostics/routing", ADMIN_ONLY, needs_workers=True),
    Route("GET", f"{API}/diagnostics/workers", ADMIN_ONLY, needs_workers=True),
    # --- model operations (admins): unload, then load the configured model back ---------------
    Route("GET", f"{API}/admin/models", ADMIN_ONLY, needs_workers=True),
    Route(
        "POST",
        f"{API}/admin/models/questions/warm-up",
        ADMIN_ONLY,
        needs_workers=True,
        ok=frozenset({202}),
    ),
    Route("POST", f"{API}/admin/models/questions/unload", ADMIN_ONLY, needs_workers=True),
    Route(
        "POST",
        f"{API}/admin/models/questions/load",
        ADMIN_ONLY,
        body=lambda w: {"model_id": None},
        needs_workers=True,
        ok=frozenset({202}),
        note="allow-list refusals and the switch itself in tests/modelops",
    ),
    # --- auth ---------------------------------------------------------------------------
    Route(
        "POST",
        f"{API}/auth/register",
        PUBLIC,
        body=lambda w: {
            "email": unique_email("reg"),
            "password": DEFAULT_PASSWORD,
            "full_name": "New Person",
        },
        ok=frozenset({202}),
    ),
    Route(
        "POST",
        f"{API}/auth/verify-email",
        PUBLIC,
        body=lambda w: {"token": w.fresh_verification_token(), "password": DEFAULT_PASSWORD},
        note="links, passwords and expiry in tests/accounts/test_registration.py",
    ),
    Route(
        "POST",
        f"{API}/auth/login",
        PUBLIC,
        body=lambda w: {"email": w.users[Actor.CANDIDATE_A].email, "password": DEFAULT_PASSWORD},
    ),
    Route(
        "POST",
        f"{API}/auth/refresh",
        PUBLIC,
        body=lambda w: {"refresh_token": w.fresh_refresh_token()},
    ),
    Route("POST", f"{API}/auth/logout", SIGNED_IN),
    Route(
        "POST",
        f"{API}/auth/password",
        SIGNED_IN,
        body=lambda w: {
            "current_password": DEFAULT_PASSWORD,
            "new_password": "a brand new passphrase",
        },
    ),
    # --- users --------------------------------------------------------------------------
    Route("GET", f"{API}/users/me", SIGNED_IN),
    Route("PATCH", f"{API}/users/me", SIGNED_IN, body=lambda w: {"preferred_language": "ko"}),
    Route("GET", f"{API}/admin/users", ADMIN_ONLY, note="only admins list accounts"),
    Route(
        "PUT",
        f"{API}/admin/users/{{user_id}}/role",
        ADMIN_ONLY,
        params=lambda w: {"user_id": str(w.make(UserRole.CANDIDATE).id)},
        body=lambda w: {"role": "recruiter", "organisation_id": str(w.org1.id)},
    ),
    # --- organisations and invites ------------------------------------------------------
    Route("POST", f"{API}/organisations", ADMIN_ONLY, body=lambda w: {"name": "Another Org"}),
    Route(
        "GET",
        f"{API}/organisations",
        RECRUITER_OR_ADMIN,
        lists=lambda w, _: Listing(
            {
                str(w.org1.id): frozenset({Actor.RECRUITER_ORG1}),
                str(w.org2.id): frozenset({Actor.RECRUITER_ORG2}),
            },
            admin_unchecked_because="admins page through every organisation by name",
        ),
    ),
    Route("GET", f"{API}/organisations/{{organisation_id}}", ORG1_ONLY, params=_org1),
    Route(
        "PATCH",
        f"{API}/organisations/{{organisation_id}}",
        ORG1_ONLY,
        params=_org1,
        body=lambda w: {"emotion_analysis": "observe"},
    ),
    Route(
        "POST",
        f"{API}/organisations/{{organisation_id}}/invites",
        ORG1_ONLY,
        params=_org1,
        body=lambda w: {"email": unique_email("invitee")},
    ),
    Route(
        "POST",
        f"{API}/invites/accept",
        PUBLIC,
        body=lambda w: {
            "token": w.fresh_invite_token(),
            "full_name": "Invited Recruiter",
            "password": DEFAULT_PASSWORD,
        },
    ),
    # --- audit --------------------------------------------------------------------------
    Route("GET", f"{API}/audit", RECRUITER_OR_ADMIN, lists=lambda w, _: _audit_listing(w)),
    # --- jobs -----------------------------------------------------------------------------
    Route(
        "GET",
        f"{API}/jobs",
        RECRUITER_OR_ADMIN,
        lists=lambda w, _: Listing(
            {
                w.job_of(Actor.RECRUITER_ORG1): ORG1_READERS,
                w.job_of(Actor.RECRUITER_ORG2): ORG2_READERS,
            }
        ),
    ),
    Route(
        "POST",
        f"{API}/jobs",
        ORG1_RECRUITERS,
        body=lambda w: {
            "title": "Engineer",
            "description": "Builds.",
            "organisation_id": str(w.org1.id),
        },
    ),
    Route(
        "GET",
        f"{API}/jobs/{{job_id}}",
        ORG1_RECRUITERS,
        params=lambda w: {"job_id": w.job_in_org1()},
    ),
    Route(
        "PATCH",
        f"{API}/jobs/{{job_id}}",
        ORG1_RECRUITERS,
        params=lambda w: {"job_id": w.job_in_org1()},
        body=lambda w: {"title": "Senior engineer"},
    ),
    # --- interviews -------------------------------------------------------------------------
    Route("GET", f"{API}/interviews", SIGNED_IN, lists=lambda w, _: _interviews_listing(w)),
    Route(
        "POST",
        f"{API}/interviews",
        ORG1_RECRUITERS,
        body=lambda w: {"job_id": w.job_in_org1(), "candidate_email": unique_email("cand")},
    ),
    Route(
        "POST",
        f"{API}/interviews/invite-preview",
        PUBLIC,
        body=lambda w: {"token": w.interview_of_candidate_a(started=False)["token"]},
        note="the token is the credential, as for accepting it",
    ),
    Route(
        "POST",
        f"{API}/interviews/accept",
        INVITEE_A,
        body=lambda w: {"token": w.interview_of_candidate_a(started=False)["token"]},
        note="another candidate holding the link is told it was sent to another address",
    ),
    Route(
        "GET",
        f"{API}/interviews/{{interview_id}}",
        CANDIDATE_A_AND_ORG1,
        params=lambda w: w.interview_of_candidate_a(started=True),
    ),
    Route(
        "GET",
        f"{API}/interviews/{{interview_id}}/events",
        CANDIDATE_A_AND_ORG1,
        params=lambda w: w.interview_of_candidate_a(started=True),
        query=lambda w: {"duration_s": 1},
    ),
    Route(
        "GET",
        f"{API}/interviews/{{interview_id}}/turns",
        CANDIDATE_A_AND_ORG1,
        params=lambda w: w.interview_of_candidate_a(started=True),
        lists=lambda w, ids: Listing(
            {
                ids["turn_id"]: CANDIDATE_A_IN_ORG1,
                w.interview_of(Actor.CANDIDATE_B, Actor.RECRUITER_ORG2, started=True)[
                    "turn_id"
                ]: NOBODY,
            }
        ),
    ),
    Route(
        "POST",
        f"{API}/interviews/{{interview_id}}/cancel",
        ORG1_RECRUITERS,
        params=lambda w: w.interview_of_candidate_a(started=True),
    ),
    Route(
        "POST",
        f"{API}/interviews/{{interview_id}}/start",
        INTERVIEWEE_A,
        params=lambda w: _accepted(w),
        body=lambda w: {"audio": True},
    ),
    Route(
        "POST",
        f"{API}/interviews/{{interview_id}}/turns/{{turn_id}}/answer",
        INTERVIEWEE_A,
        params=lambda w: w.interview_of_candidate_a(started=True),
        body=lambda w: {
            "text": "My answer.",
            "idempotency_key": f"matrix-{unique_email('k')}"[:60].replace("@", "-"),
        },
    ),
    Route(
        "POST",
        f"{API}/interviews/{{interview_id}}/turns/{{turn_id}}/audio",
        INTERVIEWEE_A,
        params=lambda w: w.interview_of_candidate_a(started=True),
        # No file: candidate A gets past authorisation to the 422 for the missing upload.
        ok=frozenset({422}),
        note="uploads themselves are tested in tests/interviews",
    ),
    Route(
        "POST",
        f"{API}/interviews/{{interview_id}}/turns/{{turn_id}}/frames",
        INTERVIEWEE_A,
        params=lambda w: w.interview_of_candidate_a(started=True),
        # No frames: candidate A gets past authorisation and consent to the 422.
        ok=frozenset({422}),
        note="frame uploads themselves are tested in tests/interviews",
    ),
    # --- question bank ------------------------------------------------------------------------
    Route(
        "GET",
        f"{API}/question-bank/search",
        RECRUITER_OR_ADMIN,
        query=lambda w: {"q": "teamwork under pressure"},
        needs_workers=True,
        lists=Shared("the shipped question bank: the same questions for every organisation"),
    ),
    # --- résumés ------------------------------------------------------------------------------
    Route(
        "POST",
        f"{API}/resumes",
        CANDIDATES_ONLY,
        ok=frozenset({422}),
        note="no file: candidates pass authorisation and get the 422; uploads in tests/interviews",
    ),
    Route(
        "GET",
        f"{API}/resumes/{{resume_id}}",
        OWN_RESUME,
        params=lambda w: w.resume_of_candidate_a(),
    ),
    # --- a candidate's own data ---------------------------------------------------------------
    Route("GET", f"{API}/me/data", CANDIDATES_ONLY, lists=lambda w, _: _own_data_listing(w)),
    Route(
        "DELETE",
        f"{API}/me/data",
        CANDIDATES_ONLY,
        body=lambda w: {"current_password": DEFAULT_PASSWORD},
        note="each candidate erases their own account; contents checked in tests/privacy",
    ),
    # --- reports ------------------------------------------------------------------------------
    Route(
        "GET",
        f"{API}/interviews/{{interview_id}}/report",
        ORG1_RECRUITERS,
        params=lambda w: w.report_of_candidate_a(),
    ),
    Route(
        "POST",
        f"{API}/interviews/{{interview_id}}/report/regenerate",
        ORG1_RECRUITERS,
        params=lambda w: w.report_of_candidate_a(),
    ),
    Route(
        "POST",
        f"{API}/interviews/{{interview_id}}/report/decision",
        ORG1_RECRUITERS,
        params=lambda w: w.report_of_candidate_a(),
        body=lambda w: {"decision": "hold"},
    ),
    Route(
        "GET",
        f"{API}/interviews/{{interview_id}}/report.pdf",
        ORG1_RECRUITERS,
        params=lambda w: w.report_of_candidate_a(),
    ),
    Route(
        "GET",
        f"{API}/interviews/{{interview_id}}/turns/{{turn_id}}/audio",
        ORG1_RECRUITERS,
        params=lambda w: _spoken_answer(w),
        note="the candidate's own export says only whether a recording is stored; typed, "
        "purged and missing recordings in tests/reports/test_answer_audio.py",
    ),
    Route(
        "GET",
        f"{API}/jobs/{{job_id}}/report.csv",
        ORG1_RECRUITERS,
        params=lambda w: w.report_of_candidate_a(),
        lists=lambda w, ids: _job_csv_listing(w, ids),
    ),
    Route(
        "GET",
        f"{API}/interviews/{{interview_id}}/summary",
        ONLY_CANDIDATE_A,
        params=lambda w: w.report_of_candidate_a(),
        note="the organisation shared it; unshared summaries are tested in tests/reports",
    ),
    # --- recruiter feedback and training datasets ---------------------------------------------
    Route(
        "GET",
        f"{API}/interviews/{{interview_id}}/feedback",
        ORG1_RECRUITERS,
        params=lambda w: w.report_of_candidate_a(),
        lists=lambda w, ids: _feedback_listing(w, ids),
    ),
    *(
        Route(
            method,
            f"{API}/interviews/{{interview_id}}/turns/{{turn_id}}/{kind}",
            ORG1_RECRUITERS,
            params=lambda w: _scored_answer(w),
            body=(lambda w, b=body: b) if body else None,  # type: ignore[misc]
            note="rules and refusals in tests/feedback",
        )
        for method, kind, body in (
            ("PUT", "question-feedback", {"verdict": "good"}),
            ("DELETE", "question-feedback", None),
            ("PUT", "score-feedback/{competency}", {"verdict": "confirmed"}),
            ("DELETE", "score-feedback/{competency}", None),
        )
    ),
    Route(
        "POST",
        f"{API}/organisations/{{organisation_id}}/training-datasets",
        ORG1_RECRUITERS,
        params=lambda w: _org1_with_feedback(w),
        body=lambda w: {"consent_basis": "legitimate interest: candidates were told"},
        note="recruiter_org1 owns organisation 1; other recruiters get 403 (tests/feedback)",
    ),
    Route(
        "GET",
        f"{API}/organisations/{{organisation_id}}/training-datasets",
        ORG1_RECRUITERS,
        params=_org1,
        lists=lambda w, _: Listing(
            {
                _dataset_in(w, Actor.CANDIDATE_A, w.org1)["dataset_id"]: ORG1_READERS,
                _dataset_in(w, Actor.CANDIDATE_B, w.org2)["dataset_id"]: NOBODY,
            }
        ),
    ),
    Route(
        "GET",
        f"{API}/organisations/{{organisation_id}}/training-datasets/{{dataset_id}}",
        ORG1_RECRUITERS,
        params=lambda w: _dataset_of_org1(w),
    ),
    Route(
        "GET",
        f"{API}/organisations/{{organisation_id}}/training-datasets/{{dataset_id}}/export.jsonl",
        ORG1_RECRUITERS,
        params=lambda w: _dataset_of_org1(w),
        # Examples carry no ids of their own: each question's text names its turn.
        lists=lambda w, ids: Listing(
            {
                _marked_question(ids["turn_id"]): ORG1_READERS,
                _marked_question(_dataset_in(w, Actor.CANDIDATE_B, w.org2)["turn_id"]): NOBODY,
            }
        ),
    ),
    # --- fine-tuning: organisation 1's owner (recruiter_org1) or an admin acts ------------------
    Route(
        "GET",
        f"{API}/training/base-models",
        RECRUITER_OR_ADMIN,
        lists=Shared("the configured allow-list of base models"),
    ),
    Route(
        "POST",
        f"{API}/training/adapters",
        # An unknown dataset: no training starts here (a real one runs in tests/modelops).
        {**ORG1_RECRUITERS, Actor.RECRUITER_ORG1: 404, Actor.ADMIN: 404},
        body=lambda w: {"organisation_id": str(w.org1.id), "dataset_id": str(uuid.uuid4())},
    ),
    Route(
        "GET",
        f"{API}/training/adapters",
        ORG1_RECRUITERS,
        query=lambda w: _org1(w),
        lists=lambda w, _: Listing(
            {
                _adapter_in(w.org1.id)["adapter_id"]: ORG1_READERS,
                _adapter_in(w.org2.id)["adapter_id"]: NOBODY,
            }
        ),
    ),
    Route(
        "GET",
        f"{API}/training/adapters/{{adapter_id}}",
        ORG1_RECRUITERS,
        params=lambda w: _adapter_of_org1(w),
    ),
    Route(
        "POST",
        f"{API}/training/adapters/{{adapter_id}}/cancel",
        ORG1_RECRUITERS,
        params=lambda w: _adapter_of_org1(w, status="queued"),
    ),
    Route(
        "POST",
        f"{API}/training/adapters/{{adapter_id}}/benchmark",
        ORG1_RECRUITERS,
        params=lambda w: _adapter_of_org1(w, status="failed"),
        ok=frozenset({202}),
        needs_workers=True,
    ),
    Route(
        "PUT",
        f"{API}/training/organisations/{{organisation_id}}/active-adapter",
        ORG1_RECRUITERS,
        params=_org1,
        body=lambda w: {"adapter_id": None},
    ),
    Route(
        "PUT",
        f"{API}/training/jobs/{{job_id}}/adapter",
        ORG1_RECRUITERS,
        params=lambda w: {"job_id": w.job_in_org1()},
        body=lambda w: {"adapter_id": None},
    ),
]


def _adapter_of_org1(world: Any, status: str = "ready") -> dict[str, str]:
    return _adapter_in(world.org1.id, status)


def _adapter_in(organisation_id: uuid.UUID, status: str = "ready") -> dict[str, str]:
    """An adapter row of the organisation (no training runs: only its access is checked)."""
    from sqlalchemy import func, select

    from interview_core.db.engine import session_scope
    from interview_core.training.models import Adapter, AdapterStatus

    with session_scope() as session:
        adapter_id = uuid.uuid4()
        latest = session.scalar(
            select(func.max(Adapter.version)).where(Adapter.organisation_id == organisation_id)
        )
        session.add(
            Adapter(
                id=adapter_id,
                organisation_id=organisation_id,
                version=(latest or 0) + 1,
                base_model_id="smollm2-135m",
                dataset_version=1,
                status=AdapterStatus(status),
                hyper_parameters={},
                files={"adapter_model.safetensors": "0" * 64},
                media_prefix=f"adapters/{organisation_id}/{adapter_id}",
            )
        )
    return {"adapter_id": str(adapter_id)}


def _accepted(world: Any) -> dict[str, str]:
    ids: dict[str, str] = world.interview_of_candidate_a(started=False)
    from interview_core.accounts.models import User
    from interview_core.db.engine import session_scope
    from interview_core.interviews import service

    with session_scope() as session:
        candidate = session.get_one(User, world.users[Actor.CANDIDATE_A].id)
        service.accept_invite(session, candidate, ids["token"])
    return ids


def _spoken_answer(world: Any) -> dict[str, str]:
    """Candidate A's interview in organisation 1 with a stored recording of its first answer."""
    from tests.privacy.builders import record_interview

    recorded = record_interview(
        world.org1.id,
        world.users[Actor.RECRUITER_ORG1],
        candidate=world.users[Actor.CANDIDATE_A],
    )
    return {"interview_id": str(recorded.interview_id), "turn_id": str(recorded.turn_id)}


def _scored_answer(world: Any) -> dict[str, str]:
    """The skill answer of candidate A's evaluated interview, scored on job_skill."""
    return _skill_answer_of(world.report_of_candidate_a())


def _skill_answer_of(report: Mapping[str, str]) -> dict[str, str]:
    """The skill answer of an interview the report builders made, scored on job_skill."""
    from sqlalchemy import select

    from interview_core.db.engine import session_scope
    from interview_core.interviews.models import Turn

    with session_scope() as session:
        turn_id = session.scalars(
            select(Turn.id).where(
                Turn.interview_id == report["interview_id"], Turn.stage_key == "skill"
            )
        ).one()
    return {**report, "turn_id": str(turn_id), "competency": "job_skill"}


def _marked_question(turn_id: str) -> str:
    """The question a recruiter marks good: its text names the turn, so an export that holds
    no ids still shows whose example it is."""
    return f"Tell me about the migration you led (turn {turn_id})."


def _question_marked_good(organisation_id: uuid.UUID, answer: Mapping[str, str]) -> dict[str, str]:
    """The answer's question marked good by its organisation, so a dataset has something to
    hold; adds the feedback's id."""
    from interview_core.db.engine import session_scope
    from interview_core.feedback.models import QuestionFeedback, QuestionVerdict

    feedback_id = uuid.uuid4()
    with session_scope() as session:
        session.add(
            QuestionFeedback(
                id=feedback_id,
                organisation_id=organisation_id,
                interview_id=answer["interview_id"],
                turn_id=answer["turn_id"],
                verdict=QuestionVerdict.GOOD,
                question_text=_marked_question(answer["turn_id"]),
            )
        )
    return {**answer, "feedback_id": str(feedback_id)}


def _org1_with_feedback(world: Any) -> dict[str, str]:
    """Organisation 1 with a question of candidate A's marked good."""
    return _with_feedback(world, Actor.CANDIDATE_A, world.org1)


def _with_feedback(world: Any, candidate: Actor, organisation: Any) -> dict[str, str]:
    """The organisation with a question of the candidate's evaluated interview marked good."""
    answer = _skill_answer_of(world.report_of(candidate, organisation))
    return {
        **_question_marked_good(organisation.id, answer),
        "organisation_id": str(organisation.id),
    }


def _dataset_of_org1(world: Any) -> dict[str, str]:
    return _dataset_in(world, Actor.CANDIDATE_A, world.org1)


def _dataset_in(world: Any, candidate: Actor, organisation: Any) -> dict[str, str]:
    """A dataset version of the organisation holding one question of the candidate's."""
    from interview_core.accounts.models import User
    from interview_core.db.engine import session_scope
    from interview_core.feedback.schemas import TrainingDatasetCreate
    from interview_core.feedback.service import create_dataset

    ids = _with_feedback(world, candidate, organisation)
    with session_scope() as session:
        admin = session.get_one(User, world.users[Actor.ADMIN].id)
        consent = TrainingDatasetCreate(consent_basis="legitimate interest: candidates were told")
        dataset = create_dataset(session, admin, organisation.id, consent)
    return {**ids, "dataset_id": str(dataset.id)}


# --- rows of both organisations and both candidates, for the list routes ---------------------


def _interviews_listing(world: Any) -> Listing:
    """Each candidate's interview in their own organisation, and an invite sent to candidate
    A's address by organisation 2 that A never accepted: an address alone binds nothing."""
    of_a = world.interview_of_candidate_a(started=True)["interview_id"]
    of_b = world.interview_of(Actor.CANDIDATE_B, Actor.RECRUITER_ORG2, started=True)
    unaccepted = world.interview_of(Actor.CANDIDATE_A, Actor.RECRUITER_ORG2, started=False)
    return Listing(
        {
            of_a: CANDIDATE_A_IN_ORG1,
            of_b["interview_id"]: CANDIDATE_B_IN_ORG2,
            unaccepted["interview_id"]: ORG2_READERS,
        }
    )


def _own_data_listing(world: Any) -> Listing:
    """A candidate's export holds their interviews and résumés, nobody else's, and no invite
    that only matched their address."""
    interviews = _interviews_listing(world).readers
    resumes = {
        world.resume_of(Actor.CANDIDATE_A)["resume_id"]: frozenset({Actor.CANDIDATE_A}),
        world.resume_of(Actor.CANDIDATE_B)["resume_id"]: frozenset({Actor.CANDIDATE_B}),
    }
    # Only candidates export their own data: keep each interview's candidate, if any.
    candidates = {Actor.CANDIDATE_A, Actor.CANDIDATE_B}
    return Listing(
        {marker: readers & candidates for marker, readers in interviews.items()} | resumes
    )


def _audit_listing(world: Any) -> Listing:
    """An audited action in each organisation: an admin invites a recruiter."""
    from interview_core.accounts.models import User
    from interview_core.accounts.organisations import create_invite
    from interview_core.db.engine import session_scope

    readers: dict[str, frozenset[Actor]] = {}
    with session_scope() as session:
        admin = session.get_one(User, world.users[Actor.ADMIN].id)
        for organisation, organisation_readers in (
            (world.org1, ORG1_READERS),
            (world.org2, ORG2_READERS),
        ):
            email = unique_email("audited")
            invite, _ = create_invite(session, admin, organisation.id, email, False)
            readers[str(invite.id)] = readers[email] = organisation_readers
    return Listing(readers)


def _job_csv_listing(world: Any, report: Mapping[str, str]) -> Listing:
    """The job's CSV holds its own interview; neither another job's of the same organisation
    nor candidate B's in organisation 2."""
    other_job = world.report_of(Actor.CANDIDATE_A, world.org1)["interview_id"]
    of_b = world.report_of(Actor.CANDIDATE_B, world.org2)["interview_id"]
    return Listing(
        {
            report["interview_id"]: ORG1_READERS,
            world.users[Actor.CANDIDATE_A].email: ORG1_READERS,
            other_job: NOBODY,
            of_b: NOBODY,
            world.users[Actor.CANDIDATE_B].email: NOBODY,
        }
    )


def _feedback_listing(world: Any, report: Mapping[str, str]) -> Listing:
    """The interview's feedback, not that of candidate B's interview in organisation 2."""
    own = _question_marked_good(world.org1.id, _skill_answer_of(report))
    of_b = _with_feedback(world, Actor.CANDIDATE_B, world.org2)
    return Listing({own["feedback_id"]: ORG1_READERS, of_b["feedback_id"]: NOBODY})
