"""The candidate is asked for expression-analysis consent only where the organisation has
emotion analysis on: the interview state says so before the interview starts, and a consent
sent where it is off is not kept."""

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import update

from interview_core.accounts.models import EmotionAnalysis, Organisation
from interview_core.db.engine import session_scope
from tests.interviews.conftest import Party, invite_and_accept, invite_and_start


def test_the_state_says_whether_emotion_analysis_is_on(
    client: TestClient, recruiter: Party, candidate: Party, job_id: str, organisation: uuid.UUID
) -> None:
    interview_id = invite_and_accept(client, recruiter, candidate, job_id)
    url = f"/api/v1/interviews/{interview_id}"
    before = client.get(url, headers=candidate.headers)
    assert before.status_code == 200, before.text
    assert before.json()["phase"] == "not_started"
    assert before.json()["emotion_analysis_enabled"] is False
    with session_scope() as session:
        session.execute(
            update(Organisation)
            .where(Organisation.id == organisation)
            .values(emotion_analysis=EmotionAnalysis.OBSERVE)
        )
    after = client.get(url, headers=candidate.headers)
    assert after.json()["emotion_analysis_enabled"] is True


def test_an_emotion_consent_is_kept_only_where_expressions_are_analysed(
    client: TestClient, recruiter: Party, candidate: Party, job_id: str, organisation: uuid.UUID
) -> None:
    consent = {"audio": True, "video": True, "emotion": True}
    off = invite_and_start(client, recruiter, candidate, job_id, **consent)
    assert off["interview"]["consent_emotion"] is False
    with session_scope() as session:
        session.execute(
            update(Organisation)
            .where(Organisation.id == organisation)
            .values(emotion_analysis=EmotionAnalysis.OBSERVE)
        )
    on = invite_and_start(client, recruiter, candidate, job_id, **consent)
    assert on["interview"]["consent_emotion"] is True
