"""Property-based fuzzing of every operation in the OpenAPI schema, as real signed-in users.

Schemathesis generates valid and invalid requests for whatever routes the app has at run time;
every response must be no 5xx, with a documented status code and content type, and a body and
headers that match the schema. Requests go to the real app on the session's real PostgreSQL
and Redis, each as a real user the authorisation matrix lets through the route; path
parameters and ids in bodies are often swapped for ids of real rows, so handlers run past
their 404s.

Nothing is excluded; what would break the session is neutralised instead:
- every request gets a fresh sign-in of its actor (mostly one the authorisation matrix lets
  through, now and then any), so logout, a password change or a role change (which end
  sessions) never sign the next request out;
- each operation runs in its own fresh World, so what it changes (a cancelled interview, a
  decision, an erased account) never reaches another operation; role changes only target a
  bystander, never an actor; an operation that deletes its own actor gets a new World;
- long polls and event streams get their shortest wait, not the fuzzer's minutes;
- operations that wait on a worker run in the second test, with the workers up;
- the question model slot is global, not a World's: what an admin's unload or load left is put
  back after the module.
The regression tests at the end pin the bugs the fuzzer found.

Schemathesis' pytest plugin (`from_fixture`/`parametrize`) does not run on pytest 9.2, so each
operation's cases are drawn from its strategy in a Hypothesis test of our own, one subtest each.
"""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import delete, select
from sqlalchemy.exc import NoResultFound

from interview_core.accounts.models import User, UserRole
from interview_core.auth.models import LoginAttempt
from interview_core.db.engine import session_scope
from interview_core.diagnostics.service import PING_TIMEOUT_S
from interview_core.interviews import service as interviews
from interview_core.modelops.models import ModelServing
from interview_core.pagination import MAX_PAGE_OFFSET
from tests.accounts.authz_matrix import API, MATRIX, OK, Actor
from tests.accounts.world import World
from tests.support.accounts import signed_in_headers

# Examples per operation: about 50 operations at this size take about a minute on two cores.
EXAMPLES_PER_OPERATION = 20
# Operations whose every request waits by design get fewer: readiness waits about a second for
# the workers' reply when none run; an event stream lasts at least its 1 s minimum.
EXAMPLES_FOR_SLOW_OPERATIONS = {
    ("GET", "/readyz"): 3,
    ("GET", f"{API}/interviews/{{interview_id}}/events"): 5,
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# Long polls and event streams: a generated `wait_s=60` or `duration_s=3600` would hold one
# request for minutes, so a value over a second becomes the shortest the route accepts.
WAIT_PARAMETER = re.compile(r"wait|duration|timeout|poll", re.IGNORECASE)
# Readiness answers 503 while a queue has no worker (none run in the first test): that is its
# documented contract for load balancers, with a body of its own, which is still checked.
DOCUMENTED_SERVER_STATUSES = {("GET", "/readyz"): {503}}
# Signed-in actors: for a route that the authorisation matrix does not list yet (a test there
# fails for it), and now and then for any route.
SIGNED_IN_ACTORS = (Actor.CANDIDATE_A, Actor.RECRUITER_ORG1, Actor.ADMIN)
# Operations that wait on a worker (the embedding of a search, the routing ping) answer 503
# after their timeout without one, so they are fuzzed with the workers running.
NEEDS_WORKERS = frozenset(route.key for route in MATRIX if route.needs_workers)
WORKER_ROUTE_TIMEOUT_S = PING_TIMEOUT_S + 15

# Requests are sent as real users with real tokens: generated Authorization headers (missing
# or garbage tokens) are the authorisation matrix's subject, not this test's.
CONFIG = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    # The same requests on every run, and no example database written into the checkout.
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class FuzzWorld:
    """A World with real rows behind every kind of path parameter."""

    world: World
    real_ids: dict[str, list[str]]

    @classmethod
    def build(cls) -> "FuzzWorld":
        world = World.build()
        started = world.interview_of_candidate_a(started=True)
        accepted = world.interview_of_candidate_a(started=False)
        with session_scope() as session:
            candidate = session.get_one(User, world.users[Actor.CANDIDATE_A].id)
            interviews.accept_invite(session, candidate, accepted["token"])
        report = world.report_of_candidate_a()
        # The target of role changes and the like: never one of the actors themselves.
        bystander = world.make(UserRole.CANDIDATE)
        real_ids = {
            "interview_id": [
                started["interview_id"],
                accepted["interview_id"],
                report["interview_id"],
            ],
            "turn_id": [started["turn_id"]],
            "job_id": [world.job_in_org1(), report["job_id"]],
            "organisation_id": [str(world.org1.id)],
            "resume_id": [world.resume_of_candidate_a()["resume_id"]],
            "user_id": [str(bystander.id)],
        }
        return cls(world, real_ids)

    def headers_for(self, actor: Actor) -> dict[str, str] | None:
        """A fresh sign-in per request; None once the actor's account is gone."""
        if actor == Actor.ANONYMOUS:
            return {}
        try:
            return signed_in_headers(self.world.users[actor])
        except NoResultFound:
            return None


def _actors_for(method: str, path: str) -> list[Actor]:
    """The actors the authorisation matrix lets through this route (anyone signed in for a row
    no one passes, such as a training on an unknown dataset)."""
    for route in MATRIX:
        if route.key == (method, path):
            allowed = [actor for actor, outcome in route.expect.items() if outcome == OK]
            return allowed or list(SIGNED_IN_ACTORS)
    return list(SIGNED_IN_ACTORS)


def _shortest_waits(operation: Any) -> dict[str, float]:
    """Each wait-like query parameter's smallest accepted value."""
    parameters = operation.definition.raw.get("parameters", [])
    return {
        parameter["name"]: parameter.get("schema", {}).get("minimum", 0)
        for parameter in parameters
        if parameter.get("in") == "query" and WAIT_PARAMETER.search(parameter["name"])
    }


@pytest.fixture(scope="module")
def api_schema(app: Any) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


@pytest.fixture(scope="module")
def fuzz_client(app: Any) -> Iterator[Any]:
    """One in-process client for every request, instead of one per request."""
    started = datetime.now(UTC)
    with asgi.get_client(app) as client:
        yield client
    # Hundreds of failed logins from the test client's address would throttle every later
    # test's logins for the whole throttle window.
    with session_scope() as session:
        session.execute(delete(LoginAttempt).where(LoginAttempt.created_at >= started))


@pytest.fixture(scope="module")
def worlds() -> dict[str, FuzzWorld]:
    return {}


@pytest.fixture(scope="module", autouse=True)
def _question_model_put_back(stack: Any) -> Iterator[None]:
    yield
    with session_scope() as session:
        session.execute(delete(ModelServing))


def _fuzz(case: Any, data: Any, worlds: dict[str, FuzzWorld], client: Any) -> None:
    operation = case.operation
    method, path = operation.method.upper(), operation.path
    fuzz_world = worlds.get(operation.label) or FuzzWorld.build()
    worlds[operation.label] = fuzz_world
    # Mostly an actor the route lets through, so its handler runs; sometimes anyone signed in,
    # so the refusals (403, 404) must be in the schema too.
    allowed = _actors_for(method, path)
    if data.draw(st.integers(0, 3), label="any actor") == 0:
        allowed = list(SIGNED_IN_ACTORS)
    actor = data.draw(st.sampled_from(allowed), label="actor")
    headers = fuzz_world.headers_for(actor)
    if headers is None:
        # The operation deleted its own actor (an account erasure): a new World.
        fuzz_world = worlds[operation.label] = FuzzWorld.build()
        headers = fuzz_world.headers_for(actor)
        assert headers is not None
    # Ids in the path and at the top of a JSON body (a job_id to interview for, an
    # organisation_id to post a job in) are often real ones.
    body = case.body if isinstance(case.body, dict) else {}
    for container in (case.path_parameters or {}, body):
        for name in list(container):
            real = fuzz_world.real_ids.get(name)
            if real and data.draw(st.booleans(), label=f"real {name}"):
                container[name] = data.draw(st.sampled_from(real), label=name)
    for name, shortest in _shortest_waits(operation).items():
        value = (case.query or {}).get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
            case.query[name] = shortest
    case.headers = {
        key: value for key, value in (case.headers or {}).items() if key.lower() != "authorization"
    }
    # A worker-backed route waits for its worker, which may be busy with a question for up to
    # its own timeout: the client waits longer than that, so the route's answer is what is checked.
    waits = {"timeout": WORKER_ROUTE_TIMEOUT_S} if (method, path) in NEEDS_WORKERS else {}
    response = case.call(session=client, headers=headers, **waits)
    checks = CHECKS
    if response.status_code in DOCUMENTED_SERVER_STATUSES.get((method, path), ()):
        checks = [check for check in CHECKS if check is not not_a_server_error]
    case.validate_response(response, checks=checks, headers=headers)


def _operations(api_schema: Any, *, needing_workers: bool) -> list[Any]:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    return [
        operation
        for operation in operations
        if ((operation.method.upper(), operation.path) in NEEDS_WORKERS) == needing_workers
    ]


def _fuzz_each(
    operations: list[Any], worlds: dict[str, FuzzWorld], client: Any, subtests: Any
) -> None:
    """One Hypothesis run per operation, valid and invalid requests mixed; every operation runs
    and reports, so one failing route never hides another."""
    assert operations, "the schema lists no operations"
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
        examples = EXAMPLES_FOR_SLOW_OPERATIONS.get(
            (operation.method.upper(), operation.path), EXAMPLES_PER_OPERATION
        )

        @settings(FUZZ_SETTINGS, max_examples=examples)
        @given(case=cases, data=st.data())
        def fuzz_operation(case: Any, data: Any) -> None:
            _fuzz(case, data, worlds, client)

        with subtests.test(msg=operation.label):
            fuzz_operation()


def test_every_operation_answers_within_its_schema(
    api_schema: Any, worlds: dict[str, FuzzWorld], fuzz_client: Any, subtests: Any
) -> None:
    _fuzz_each(_operations(api_schema, needing_workers=False), worlds, fuzz_client, subtests)


def test_worker_backed_operations_answer_within_their_schema(
    api_schema: Any,
    worlds: dict[str, FuzzWorld],
    fuzz_client: Any,
    subtests: Any,
    workers: Any,
) -> None:
    _fuzz_each(_operations(api_schema, needing_workers=True), worlds, fuzz_client, subtests)


# --- regressions: what the fuzzer found, pinned --------------------------------------------


@pytest.fixture
def fuzz_world(stack: Any) -> FuzzWorld:
    return FuzzWorld.build()


def _is_problem(response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if code is not None:
        assert response.json()["code"] == code


def test_every_error_the_schema_lists_is_a_problem(app: Any) -> None:
    schema = app.openapi()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if operation.get("security"):
                assert "401" in responses, (method, path)
            for status, response in responses.items():
                if int(status) < 400 or (method.upper(), path) in DOCUMENTED_SERVER_STATUSES:
                    continue
                assert list(response["content"]) == ["application/problem+json"], (method, path)
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_an_offset_past_postgres_bigint_is_invalid_input(
    client: TestClient, fuzz_world: FuzzWorld
) -> None:
    """It reached PostgreSQL's OFFSET and answered 500 (bigint out of range)."""
    headers = fuzz_world.world.headers[Actor.RECRUITER_ORG1]
    for path in ("/jobs", "/interviews", "/organisations"):
        response = client.get(f"{API}{path}", params={"offset": 2**63}, headers=headers)
        _is_problem(response, 422, "invalid-input")
    last_page = client.get(f"{API}/jobs", params={"offset": MAX_PAGE_OFFSET}, headers=headers)
    assert last_page.status_code == 200 and last_page.json() == []


def test_a_job_field_cannot_be_cleared_with_null(client: TestClient, fuzz_world: FuzzWorld) -> None:
    """A null title reached the NOT NULL column and answered 500."""
    headers = fuzz_world.world.headers[Actor.RECRUITER_ORG1]
    job_id = fuzz_world.real_ids["job_id"][0]
    for field in ("title", "description", "language", "competencies", "scenario_key"):
        response = client.patch(f"{API}/jobs/{job_id}", json={field: None}, headers=headers)
        _is_problem(response, 422, "invalid-input")
    job = client.get(f"{API}/jobs/{job_id}", headers=headers)
    assert job.status_code == 200 and job.json()["title"] == "Engineer"


def test_an_unknown_scenario_is_invalid_input(client: TestClient, fuzz_world: FuzzWorld) -> None:
    """A field of the body, not a missing resource: 422, where it was 404."""
    headers = fuzz_world.world.headers[Actor.RECRUITER_ORG1]
    created = client.post(
        f"{API}/jobs",
        json={"title": "Engineer", "description": "Builds.", "scenario_key": "no-such"},
        headers=headers,
    )
    _is_problem(created, 422, "unknown-scenario")
    job_id = fuzz_world.real_ids["job_id"][0]
    changed = client.patch(
        f"{API}/jobs/{job_id}", json={"scenario_key": f"x-{uuid.uuid4().hex}"}, headers=headers
    )
    _is_problem(changed, 422, "unknown-scenario")


def test_a_job_for_an_unknown_organisation_is_not_found(
    client: TestClient, fuzz_world: FuzzWorld
) -> None:
    """An admin passes the organisation check for any id; the insert then broke the foreign
    key and answered 500."""
    response = client.post(
        f"{API}/jobs",
        json={"title": "Engineer", "description": "Builds.", "organisation_id": str(uuid.uuid4())},
        headers=fuzz_world.world.headers[Actor.ADMIN],
    )
    _is_problem(response, 404, "not-found")


def test_text_with_a_nul_character_is_invalid_input(
    client: TestClient, fuzz_world: FuzzWorld
) -> None:
    """PostgreSQL text cannot hold NUL: the insert raised and answered 500."""
    email = f"nul-{uuid.uuid4().hex[:8]}@example.test"
    registered = client.post(
        f"{API}/auth/register",
        json={"email": email, "password": "correct horse battery staple", "full_name": "A\x00B"},
    )
    _is_problem(registered, 422, "unstorable-value")
    with session_scope() as session:
        assert session.scalar(select(User).where(User.email == email)) is None
    organisation = client.post(
        f"{API}/organisations",
        json={"name": "Nul\x00Org"},
        headers=fuzz_world.world.headers[Actor.ADMIN],
    )
    _is_problem(organisation, 422, "unstorable-value")


def test_an_unreadable_body_is_a_documented_problem(client: TestClient, app: Any) -> None:
    """Bytes that are not UTF-8 get FastAPI's 400; the schema now lists it."""
    response = client.post(
        f"{API}/auth/login",
        content=b"\xffo\xfeB\xfa\r\xe9n",
        headers={"Content-Type": "application/json"},
    )
    _is_problem(response, 400)
    assert "400" in app.openapi()["paths"][f"{API}/auth/login"]["post"]["responses"]
