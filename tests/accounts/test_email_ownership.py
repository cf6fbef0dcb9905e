"""An interview belongs to an account only through its invite token, never by e-mail match;
invites are e-mailed (a failed send loses nothing); the squatter of the security review gets
nothing, and the invited candidate still gets in."""

import uuid
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from interview_core.accounts.models import User, UserRole
from interview_core.config import get_settings
from interview_core.db.engine import session_scope
from interview_core.interviews.models import Interview
from interview_core.localrun.redis_server import free_port
from interview_core.mail.models import MailDelivery
from tests.support.accounts import (
    DEFAULT_PASSWORD,
    bearer,
    login,
    mail_dir,
    make_organisation,
    make_user,
    register,
    signed_in_headers,
    unique_email,
    verification_token,
)
from tests.support.mail import body_of, last_mail_to, mail_to

API = "/api/v1"
VICTIM_PASSWORD = "the invited candidate's passphrase"


def _recruiter() -> dict[str, str]:
    with session_scope() as session:
        organisation = make_organisation(session, name="Acme Hiring")
        recruiter = make_user(session, UserRole.RECRUITER, organisation, owner=True)
    return signed_in_headers(recruiter)


def _job(client: Any, recruiter: dict[str, str], language: str = "en") -> str:
    created = client.post(
        f"{API}/jobs",
        headers=recruiter,
        json={
            "title": "Platform Engineer",
            "description": "Runs Python services.",
            "language": language,
            "scenario_key": "short",
        },
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _invite(client: Any, recruiter: dict[str, str], job_id: str, email: str) -> dict[str, Any]:
    created = client.post(
        f"{API}/interviews", headers=recruiter, json={"job_id": job_id, "candidate_email": email}
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


def _candidate_of(interview_id: str) -> uuid.UUID | None:
    with session_scope() as session:
        return session.get_one(Interview, uuid.UUID(interview_id)).candidate_id


def _exported_interviews(client: Any, headers: dict[str, str]) -> set[str]:
    export = client.get(f"{API}/me/data", headers=headers)
    assert export.status_code == 200, export.text
    return {interview["id"] for interview in export.json()["interviews"]}


def test_a_squatter_gets_nothing_and_the_invited_candidate_still_gets_in(app: FastAPI) -> None:
    """The review's attack: register the address a recruiter invited (or will invite) before
    its owner does. The invitation never reaches the squatter's account, and its owner
    registers through the mailed invite link without meeting `email-taken`."""
    victim = unique_email("victim")
    with TestClient(app, client=("10.78.0.1", 40000)) as client:
        recruiter = _recruiter()
        job_id = _job(client, recruiter)
        earlier = _invite(client, recruiter, job_id, victim)
        with TestClient(app, client=("10.78.0.2", 40000)) as squatter:
            registered = register(squatter, victim, "the squatter's passphrase")
            assert registered.status_code == 202, registered.text
            # No account for an address nobody proved: no token, no export, no erasure.
            refused = squatter.post(
                f"{API}/auth/login",
                json={"email": victim, "password": "the squatter's passphrase"},
            )
            assert refused.status_code == 403, refused.text
            assert refused.json()["code"] == "email-not-verified"
        assert _candidate_of(earlier["interview"]["id"]) is None
        # The owner's mailbox holds the invite (with its link) and the squatter's link, which
        # creates nothing without the squatter's password.
        invite_mail = last_mail_to(mail_dir(), victim, "interview-invite")
        assert earlier["invite_url"] in body_of(invite_mail)
        assert "Acme Hiring" in invite_mail["Subject"]
        squatters_link = verification_token(victim)
        opened = client.post(
            f"{API}/auth/verify-email", json={"token": squatters_link, "password": VICTIM_PASSWORD}
        )
        assert opened.status_code == 403, opened.text
        # Registering with the invite token proves the address: the account exists at once,
        # bound to the invitation.
        joined = register(client, victim, VICTIM_PASSWORD, invite_token=earlier["invite_token"])
        assert joined.status_code == 202, joined.text
        assert {**joined.json(), "email": None} == {**registered.json(), "email": None}
        headers = bearer(login(client, victim, VICTIM_PASSWORD)["access_token"])
        accepted = client.post(
            f"{API}/interviews/accept", headers=headers, json={"token": earlier["invite_token"]}
        )
        assert accepted.status_code == 200, accepted.text
        later = _invite(client, recruiter, job_id, victim)
        assert _exported_interviews(client, headers) == {earlier["interview"]["id"]}
        assert _candidate_of(later["interview"]["id"]) is None


def test_an_invitation_is_an_accounts_only_once_accepted_with_its_token(app: FastAPI) -> None:
    """Invitations addressed to an account's e-mail, sent before or after the account was
    made, are not in its export and not erased with it; only the one accepted is."""
    email = unique_email("holder")
    with TestClient(app, client=("10.78.1.1", 40000)) as client:
        recruiter = _recruiter()
        job_id = _job(client, recruiter)
        before = _invite(client, recruiter, job_id, email)
        with session_scope() as session:
            holder = make_user(session, UserRole.CANDIDATE, email=email)
        after = _invite(client, recruiter, job_id, email)
        headers = signed_in_headers(holder)
        assert _exported_interviews(client, headers) == set()
        listed = client.get(f"{API}/interviews", headers=headers)
        assert listed.json() == []
        unbound = client.get(f"{API}/interviews/{after['interview']['id']}", headers=headers)
        assert unbound.status_code == 404
        accepted = client.post(
            f"{API}/interviews/accept", headers=headers, json={"token": before["invite_token"]}
        )
        assert accepted.status_code == 200, accepted.text
        assert _exported_interviews(client, headers) == {before["interview"]["id"]}
        erased = client.request(
            "DELETE",
            f"{API}/me/data",
            headers=headers,
            json={"current_password": DEFAULT_PASSWORD},
        )
        assert erased.status_code == 200, erased.text
        assert erased.json()["interviews_deleted"] == 1
    with session_scope() as session:
        assert session.get(Interview, uuid.UUID(before["interview"]["id"])) is None
        kept = session.get_one(Interview, uuid.UUID(after["interview"]["id"]))
        assert kept.candidate_id is None


def test_an_invite_link_opened_by_another_account_is_refused_clearly(app: FastAPI) -> None:
    with TestClient(app, client=("10.78.2.1", 40000)) as client:
        recruiter = _recruiter()
        invited = _invite(client, recruiter, _job(client, recruiter), unique_email("invited"))
        with session_scope() as session:
            someone_else = make_user(session, UserRole.CANDIDATE)
        refused = client.post(
            f"{API}/interviews/accept",
            headers=signed_in_headers(someone_else),
            json={"token": invited["invite_token"]},
        )
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "invite-for-another-email"
        assert "Sign out" in refused.json()["detail"]
        assert _candidate_of(invited["interview"]["id"]) is None


def test_an_invite_token_creates_an_account_only_for_the_address_it_was_sent_to(
    app: FastAPI,
) -> None:
    invited, other = unique_email("invited"), unique_email("other")
    with TestClient(app, client=("10.78.3.1", 40000)) as client:
        recruiter = _recruiter()
        job_id = _job(client, recruiter)
        interview = _invite(client, recruiter, job_id, invited)
        # Another address with the token: a plain registration, verified by its own mail.
        assert register(client, other, invite_token=interview["invite_token"]).status_code == 202
        assert last_mail_to(mail_dir(), other, "verify-email")
        assert _candidate_of(interview["interview"]["id"]) is None
        # The invited address already has an account: its password is not changed through the
        # token, the owner is told by mail, and signs in to accept.
        with session_scope() as session:
            make_user(session, UserRole.CANDIDATE, email=invited)
        again = register(client, invited, VICTIM_PASSWORD, invite_token=interview["invite_token"])
        assert again.status_code == 202
        assert last_mail_to(mail_dir(), invited, "existing-account")
        assert _candidate_of(interview["interview"]["id"]) is None
        login(client, invited, DEFAULT_PASSWORD)


def test_the_invite_preview_shows_its_context_to_the_token_holder(client: TestClient) -> None:
    recruiter = _recruiter()
    email = unique_email("preview")
    interview = _invite(client, recruiter, _job(client, recruiter), email)
    preview = client.post(
        f"{API}/interviews/invite-preview", json={"token": interview["invite_token"]}
    )
    assert preview.status_code == 200, preview.text
    assert preview.json() == {
        "organisation_name": "Acme Hiring",
        "job_title": "Platform Engineer",
        "language": "en",
        "question_count": interview["interview"]["stage_count"],
        "candidate_email": email,
        "status": "scheduled",
        "accepted": False,
        "window_closes_at": None,
    }
    unknown = client.post(f"{API}/interviews/invite-preview", json={"token": "x" * 43})
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "invite-not-found"


def test_invites_are_mailed_in_the_interviews_language(client: TestClient) -> None:
    recruiter = _recruiter()
    email = unique_email("ko")
    interview = _invite(client, recruiter, _job(client, recruiter, language="ko"), email)
    message = last_mail_to(mail_dir(), email, "interview-invite")
    assert message["Subject"] == "Acme Hiring에서 'Platform Engineer' 면접에 초대합니다"
    body = body_of(message)
    assert interview["invite_url"] in body
    assert "한국어" in body
    with session_scope() as session:
        delivery = session.scalar(
            select(MailDelivery).where(
                MailDelivery.reference_id == uuid.UUID(interview["interview"]["id"])
            )
        )
        assert delivery is not None and delivery.sent and delivery.error is None


def test_recruiter_invites_are_mailed(client: TestClient) -> None:
    with session_scope() as session:
        organisation = make_organisation(session, name="Mail Org")
        admin = make_user(session, UserRole.ADMIN)
    email = unique_email("recruiter")
    created = client.post(
        f"{API}/organisations/{organisation.id}/invites",
        headers=signed_in_headers(admin),
        json={"email": email},
    )
    assert created.status_code == 201, created.text
    message = last_mail_to(mail_dir(), email, "recruiter-invite")
    assert "Mail Org" in message["Subject"]
    assert created.json()["accept_url"] in body_of(message)


def test_a_failed_invite_mail_loses_nothing(client: TestClient, monkeypatch: Any) -> None:
    """The SMTP server is unreachable: the interview is created, the recruiter gets the link,
    and the failure is recorded."""
    recruiter = _recruiter()
    job_id = _job(client, recruiter)
    # A port nothing listens on: the connection is refused.
    monkeypatch.setattr(get_settings(), "smtp_port", free_port())
    email = unique_email("unmailed")
    interview = _invite(client, recruiter, job_id, email)
    assert interview["invite_url"] and interview["invite_token"]
    assert mail_to(mail_dir(), email) == []
    with session_scope() as session:
        assert session.get(Interview, uuid.UUID(interview["interview"]["id"])) is not None
        delivery = session.scalar(
            select(MailDelivery).where(
                MailDelivery.reference_id == uuid.UUID(interview["interview"]["id"])
            )
        )
        assert delivery is not None
        assert delivery.sent is False
        assert delivery.purpose == "interview-invite"
        assert delivery.error and "Connection" in delivery.error
        # The record keeps no address and no link.
        assert email not in delivery.error
        assert session.scalar(select(User.id).where(User.email == email)) is None
