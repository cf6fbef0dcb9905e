"""Every list endpoint caps its page size: above MAX_PAGE_SIZE it answers 422, never everything."""

import pytest
from fastapi.testclient import TestClient

from interview_core.accounts.models import UserRole
from interview_core.db.engine import session_scope
from interview_core.pagination import MAX_PAGE_SIZE
from tests.interviews.conftest import Party, invite_and_start
from tests.support.accounts import make_user, signed_in_headers

ADMIN_LISTS = ["/api/v1/admin/users", "/api/v1/organisations", "/api/v1/audit"]
RECRUITER_LISTS = ["/api/v1/jobs", "/api/v1/interviews"]


@pytest.fixture
def admin_headers(stack) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with session_scope() as session:
        admin = make_user(session, UserRole.ADMIN)
    return signed_in_headers(admin)


def _check_caps(client: TestClient, path: str, headers: dict[str, str]) -> None:
    assert client.get(path, headers=headers, params={"limit": MAX_PAGE_SIZE}).status_code == 200
    too_many = client.get(path, headers=headers, params={"limit": MAX_PAGE_SIZE + 1})
    assert too_many.status_code == 422, (path, too_many.text)
    assert too_many.headers["content-type"].startswith("application/problem+json")
    assert too_many.json()["code"] == "invalid-input"
    assert client.get(path, headers=headers, params={"limit": 0}).status_code == 422
    if not path.endswith("/audit"):  # the audit log pages by `before`, not by offset
        assert client.get(path, headers=headers, params={"offset": -1}).status_code == 422


@pytest.mark.parametrize("path", ADMIN_LISTS)
def test_admin_lists_cap_their_page(
    client: TestClient, admin_headers: dict[str, str], path: str
) -> None:
    _check_caps(client, path, admin_headers)


@pytest.mark.parametrize("path", RECRUITER_LISTS)
def test_recruiter_lists_cap_their_page(client: TestClient, recruiter: Party, path: str) -> None:
    _check_caps(client, path, recruiter.headers)


def test_turns_cap_their_page_and_pages_through(interview_setup) -> None:  # type: ignore[no-untyped-def]
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id)
    path = f"/api/v1/interviews/{state['interview']['id']}/turns"
    _check_caps(client, path, candidate.headers)
    first = client.get(path, headers=candidate.headers, params={"limit": 1}).json()
    assert [t["stage_index"] for t in first] == [0]
    assert client.get(path, headers=candidate.headers, params={"offset": 1}).json() == []


def test_every_list_route_takes_a_capped_limit(app) -> None:  # type: ignore[no-untyped-def]
    """A list route added later without the cap fails here."""
    uncapped = []
    for path, operations in app.openapi()["paths"].items():
        get = operations.get("get")
        if not get:
            continue
        schema = get["responses"].get("200", {}).get("content", {}).get("application/json", {})
        if schema.get("schema", {}).get("type") != "array":
            continue
        limit = next((p for p in get.get("parameters", []) if p["name"] in ("limit", "k")), None)
        if limit is None or limit["schema"].get("maximum", 10**9) > MAX_PAGE_SIZE:
            uncapped.append(path)
    assert not uncapped, f"list routes without a page cap of {MAX_PAGE_SIZE}: {uncapped}"
