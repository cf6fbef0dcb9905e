"""Organisations, invites, role changes, the audit log, the shared policy, seed and CLI."""

import os
import stat
import subprocess
import sys
import uuid

import pytest
from fastapi.testclient import TestClient

from interview_core.accounts.models import User, UserRole
from interview_core.audit.service import record_audit
from interview_core.auth.policy import ensure_candidate_or_org_access, ensure_org_access
from interview_core.db.engine import session_scope
from interview_core.errors import NotFound
from tests.accounts.authz_matrix import Actor
from tests.accounts.world import World
from tests.support.accounts import (
    DEFAULT_PASSWORD,
    auth_headers,
    bearer,
    login,
    make_user,
    unique_email,
)
from tests.support.stack import TestStack

API = "/api/v1"


@pytest.fixture
def world() -> World:
    return World.build()


def test_an_invite_makes_a_recruiter_of_that_organisation_once(
    client: TestClient, world: World
) -> None:
    owner = world.headers[Actor.RECRUITER_ORG1]
    email = unique_email("joiner")
    created = client.post(
        f"{API}/organisations/{world.org1.id}/invites", headers=owner, json={"email": email}
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert created.json()["accept_url"].endswith(f"#token={token}")
    body = {"token": token, "full_name": "Joiner", "password": DEFAULT_PASSWORD}
    accepted = client.post(f"{API}/invites/accept", json=body)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["role"] == "recruiter"
    assert accepted.json()["organisation_id"] == str(world.org1.id)
    assert client.post(f"{API}/invites/accept", json=body).status_code == 404
    assert client.post(f"{API}/invites/accept", json={**body, "token": "nope"}).status_code == 404
    login(client, email)
    duplicate = client.post(
        f"{API}/organisations/{world.org1.id}/invites", headers=owner, json={"email": email}
    )
    assert duplicate.status_code == 409


def test_only_admins_invite_owners_and_only_owners_manage(client: TestClient, world: World) -> None:
    owner = world.headers[Actor.RECRUITER_ORG1]
    as_owner = {"email": unique_email("boss"), "as_owner": True}
    invites = f"{API}/organisations/{world.org1.id}/invites"
    assert client.post(invites, headers=owner, json=as_owner).status_code == 403
    created = client.post(invites, headers=world.headers[Actor.ADMIN], json=as_owner)
    token = created.json()["token"]
    accepted = client.post(
        f"{API}/invites/accept",
        json={"token": token, "full_name": "New Boss", "password": DEFAULT_PASSWORD},
    )
    new_owner_id = accepted.json()["id"]
    organisation = client.get(f"{API}/organisations/{world.org1.id}", headers=owner).json()
    assert organisation["owner_id"] == new_owner_id
    # The former owner is now an ordinary member: sees the organisation, may not manage it.
    patch = client.patch(
        f"{API}/organisations/{world.org1.id}", headers=owner, json={"emotion_analysis": "observe"}
    )
    assert patch.status_code == 403


def test_settings_changes_and_role_changes_are_audited_per_organisation(
    client: TestClient, world: World
) -> None:
    admin = world.headers[Actor.ADMIN]
    changed = client.patch(
        f"{API}/organisations/{world.org1.id}",
        headers=world.headers[Actor.RECRUITER_ORG1],
        json={"emotion_analysis": "observe"},
    )
    assert changed.json()["emotion_analysis"] == "observe"
    candidate = world.make(UserRole.CANDIDATE)
    role = client.put(
        f"{API}/admin/users/{candidate.id}/role",
        headers=admin,
        json={"role": "recruiter", "organisation_id": str(world.org1.id)},
    )
    assert role.json()["role"] == "recruiter"
    missing_org = client.put(
        f"{API}/admin/users/{candidate.id}/role", headers=admin, json={"role": "recruiter"}
    )
    assert missing_org.status_code == 422
    unknown = client.put(
        f"{API}/admin/users/{uuid.uuid4()}/role", headers=admin, json={"role": "candidate"}
    )
    assert unknown.status_code == 404
    with session_scope() as session:
        viewer = session.get_one(User, world.users[Actor.RECRUITER_ORG1].id)
        record_audit(session, viewer, "report.viewed", "report", uuid.uuid4(), world.org1.id)

    def actions(actor: Actor) -> list[tuple[str, str | None]]:
        events = client.get(f"{API}/audit", headers=world.headers[actor], params={"limit": 100})
        assert events.status_code == 200
        return [
            (e["action"], e["subject_id"])
            for e in events.json()
            if e["organisation_id"] == str(world.org1.id)
        ]

    org1_actions = {action for action, _ in actions(Actor.RECRUITER_ORG1)}
    assert {"organisation.settings_changed", "user.role_changed", "report.viewed"} <= org1_actions
    assert ("user.role_changed", str(candidate.id)) in actions(Actor.ADMIN)
    assert actions(Actor.RECRUITER_ORG2) == []
    only_views = client.get(
        f"{API}/audit",
        headers=world.headers[Actor.RECRUITER_ORG1],
        params={"action": "report.viewed"},
    )
    assert {e["action"] for e in only_views.json()} == {"report.viewed"}


def test_role_change_ends_the_users_sign_ins(client: TestClient, world: World) -> None:
    user = world.make(UserRole.CANDIDATE)
    headers = auth_headers(client, user)
    client.put(
        f"{API}/admin/users/{user.id}/role",
        headers=world.headers[Actor.ADMIN],
        json={"role": "recruiter", "organisation_id": str(world.org2.id)},
    )
    assert client.get(f"{API}/users/me", headers=headers).status_code == 401
    assert client.get(f"{API}/users/me", headers=auth_headers(client, user)).json()["role"] == (
        "recruiter"
    )


def test_policy_hides_other_organisations_and_other_candidates(world: World) -> None:
    users = world.users
    org1, org2 = world.org1.id, world.org2.id
    candidate_a = users[Actor.CANDIDATE_A].id
    allowed = [
        (Actor.ADMIN, org2),
        (Actor.RECRUITER_ORG1, org1),
    ]
    for actor, organisation_id in allowed:
        ensure_org_access(users[actor], organisation_id)
    for actor, organisation_id in [
        (Actor.RECRUITER_ORG1, org2),
        (Actor.CANDIDATE_A, org1),
        (Actor.RECRUITER_ORG2, org1),
    ]:
        with pytest.raises(NotFound):
            ensure_org_access(users[actor], organisation_id)
    for actor in (Actor.CANDIDATE_A, Actor.RECRUITER_ORG1, Actor.ADMIN):
        ensure_candidate_or_org_access(users[actor], org1, candidate_a)
    for actor in (Actor.CANDIDATE_B, Actor.RECRUITER_ORG2):
        with pytest.raises(NotFound):
            ensure_candidate_or_org_access(users[actor], org1, candidate_a)


def test_seed_creates_demo_accounts_once_and_keeps_their_passwords(
    client: TestClient, stack: TestStack
) -> None:
    from interview_core.seed import CREDENTIALS_FILE, seed_demo

    seed_demo()
    path = stack.data_dir / CREDENTIALS_FILE
    first = path.read_text()
    seed_demo()
    assert path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for line in first.splitlines()[1:]:
        email, password = line.split(":", 1)[1].strip().split(" / ")
        headers = bearer(login(client, email, password)["access_token"])
        me = client.get(f"{API}/users/me", headers=headers).json()
        assert me["role"] in {"admin", "recruiter"}


def test_create_admin_cli(client: TestClient) -> None:
    email = unique_email("ops")
    env = {**os.environ, "ADMIN_PASSWORD": "an operator passphrase"}
    command = [sys.executable, "-m", "interview_core.cli", "create-admin", "--email", email]
    subprocess.run(command, env=env, check=True, capture_output=True)
    tokens = login(client, email, "an operator passphrase")
    me = client.get(f"{API}/users/me", headers=bearer(tokens["access_token"]))
    assert me.json()["role"] == "admin"
    again = subprocess.run(command, env=env, capture_output=True, text=True)
    assert again.returncode != 0 and "already exists" in again.stderr
    weak = subprocess.run(
        [*command[:-1], unique_email("ops")],
        env={**env, "ADMIN_PASSWORD": "short"},
        capture_output=True,
        text=True,
    )
    assert weak.returncode != 0 and "shorter than 10" in weak.stderr


def test_candidates_cannot_be_recruiters_without_an_invite(client: TestClient) -> None:
    with session_scope() as session:
        candidate = make_user(session, UserRole.CANDIDATE)
    headers = auth_headers(client, candidate)
    assert client.get(f"{API}/organisations", headers=headers).status_code == 403
    patch = client.patch(f"{API}/users/me", headers=headers, json={"role": "admin"})
    assert patch.status_code == 422


def test_lists_show_only_the_readers_own_rows(client: TestClient, world: World) -> None:
    """Object-level checks cover single rows; the lists filter by the same ownership (the
    audit log's per-organisation filter is tested with the audited changes above)."""
    interview_id = world.interview_of_candidate_a(started=True)["interview_id"]

    def listed(actor: Actor, path: str) -> set[str]:
        response = client.get(f"{API}{path}", headers=world.headers[actor])
        assert response.status_code == 200, response.text
        return {str(row["id"]) for row in response.json()}

    org1_interviews = client.get(f"{API}/interviews", headers=world.headers[Actor.RECRUITER_ORG1])
    job_ids = {row["job_id"] for row in org1_interviews.json() if row["id"] == interview_id}
    assert job_ids, "organisation 1 does not see its own interview"
    assert interview_id in listed(Actor.CANDIDATE_A, "/interviews")
    assert job_ids <= listed(Actor.RECRUITER_ORG1, "/jobs")

    assert interview_id not in listed(Actor.RECRUITER_ORG2, "/interviews")
    assert interview_id not in listed(Actor.CANDIDATE_B, "/interviews")
    assert not job_ids & listed(Actor.RECRUITER_ORG2, "/jobs")
