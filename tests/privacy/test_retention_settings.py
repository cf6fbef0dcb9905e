"""Retention periods through the organisation settings API: owner or admin, audited."""

from sqlalchemy import select

from interview_core.accounts.models import UserRole
from interview_core.audit.models import AuditEvent
from interview_core.db.engine import session_scope
from tests.privacy.builders import make_organisation_with_recruiter
from tests.support.accounts import make_user, signed_in_headers


def test_owner_sets_retention_periods_and_null_keeps(client) -> None:  # type: ignore[no-untyped-def]
    organisation_id, owner = make_organisation_with_recruiter()
    with session_scope() as session:
        colleague = make_user(session, UserRole.RECRUITER)
        colleague.organisation_id = organisation_id
    path = f"/api/v1/organisations/{organisation_id}"
    headers = signed_in_headers(owner)

    defaults = client.get(path, headers=headers).json()
    assert (
        defaults["frames_retention_days"],
        defaults["audio_retention_days"],
        defaults["transcripts_retention_days"],
        defaults["embeddings_retention_days"],
    ) == (30, 90, 365, 365)

    changed = client.patch(
        path, headers=headers, json={"frames_retention_days": 7, "audio_retention_days": None}
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["frames_retention_days"] == 7
    assert body["audio_retention_days"] is None  # null: kept until deleted by hand
    assert body["transcripts_retention_days"] == 365  # not sent: unchanged

    assert client.patch(path, headers=headers, json={"frames_retention_days": 0}).status_code == 422
    refused = client.patch(
        path, headers=signed_in_headers(colleague), json={"frames_retention_days": 1}
    )
    assert refused.status_code == 403

    with session_scope() as session:
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "organisation.settings_changed",
                AuditEvent.organisation_id == organisation_id,
            )
        )
        assert event is not None
        assert event.details["frames_retention_days"] == {"from": 30, "to": 7}
        assert event.details["audio_retention_days"] == {"from": 90, "to": None}
