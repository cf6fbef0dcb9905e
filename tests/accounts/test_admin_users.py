"""The admin user list's search and the role change's organisation, as the admin page uses them."""

import uuid

import pytest
from fastapi.testclient import TestClient

from interview_core.accounts.models import UserRole
from interview_core.db.engine import session_scope
from tests.accounts.authz_matrix import Actor
from tests.accounts.world import World
from tests.support.accounts import make_user

API = "/api/v1"


@pytest.fixture
def world() -> World:
    return World.build()


def test_search_matches_email_or_name_ignoring_case_and_wildcards(
    client: TestClient, world: World
) -> None:
    admin = world.headers[Actor.ADMIN]
    # A marker unique to this run, so rows from other tests never match.
    marker = uuid.uuid4().hex[:10]
    with session_scope() as session:
        by_email = make_user(session, UserRole.CANDIDATE, email=f"{marker}.found@example.com")
        by_name = make_user(session, UserRole.CANDIDATE)
        by_name.full_name = f"Ada {marker.upper()} Lovelace"
        literal = make_user(session, UserRole.CANDIDATE, email=f"{marker}_100%@example.com")
        lookalike = make_user(session, UserRole.CANDIDATE, email=f"{marker}x100x@example.com")

    def found(search: str) -> set[str]:
        response = client.get(
            f"{API}/admin/users", headers=admin, params={"search": search, "limit": 100}
        )
        assert response.status_code == 200, response.text
        return {row["id"] for row in response.json()}

    assert found(marker.upper()) == {
        str(by_email.id),
        str(by_name.id),
        str(literal.id),
        str(lookalike.id),
    }
    # `_` and `%` are the characters typed, not LIKE wildcards.
    assert found(f"{marker}_100%") == {str(literal.id)}
    assert found(f"  {marker}.FOUND ") == {str(by_email.id)}
    paged = client.get(
        f"{API}/admin/users", headers=admin, params={"search": marker, "limit": 2, "offset": 2}
    )
    assert len(paged.json()) == 2
    too_long = client.get(f"{API}/admin/users", headers=admin, params={"search": "x" * 321})
    assert too_long.status_code == 422
    recruiter = world.headers[Actor.RECRUITER_ORG1]
    forbidden = client.get(f"{API}/admin/users", headers=recruiter, params={"search": marker})
    assert forbidden.status_code == 403


def test_role_change_names_the_organisation_field_when_it_is_wrong(
    client: TestClient, world: World
) -> None:
    admin = world.headers[Actor.ADMIN]
    candidate = world.make(UserRole.CANDIDATE)
    path = f"{API}/admin/users/{candidate.id}/role"

    def organisation_problem(body: dict[str, object]) -> str:
        response = client.put(path, headers=admin, json=body)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert [error["loc"] for error in problem["errors"]] == [["body", "organisation_id"]]
        return str(problem["code"])

    unknown = {"role": "recruiter", "organisation_id": str(uuid.uuid4())}
    assert organisation_problem(unknown) == "unknown-organisation"
    assert organisation_problem({"role": "recruiter"}) == "org-required"
    assert (
        organisation_problem({"role": "admin", "organisation_id": str(world.org1.id)})
        == "org-not-allowed"
    )
    promoted = client.put(
        path, headers=admin, json={"role": "recruiter", "organisation_id": str(world.org2.id)}
    )
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["organisation_id"] == str(world.org2.id)
    events = client.get(
        f"{API}/audit",
        headers=admin,
        params={"action": "user.role_changed", "subject_id": str(candidate.id)},
    )
    [event] = events.json()
    # The audit log names its actor by address, so the admin page need not show raw ids.
    assert event["actor_email"] == world.users[Actor.ADMIN].email
    assert event["details"]["to_organisation_id"] == str(world.org2.id)
