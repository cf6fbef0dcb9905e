"""Recruiters' feedback on questions and scores through the real API, on stored interviews."""

from fastapi.testclient import TestClient

from tests.feedback.conftest import API, FeedbackWorld


def _feedback(client: TestClient, world: FeedbackWorld) -> dict:  # type: ignore[type-arg]
    response = client.get(
        f"{API}/interviews/{world.org1.interview_id}/feedback", headers=world.org1.owner_headers
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_question_feedback_is_upserted_per_turn_and_deleted(
    client: TestClient, world: FeedbackWorld
) -> None:
    org1 = world.org1
    path = f"{org1.turn_path('skill')}/question-feedback"
    first = client.put(path, json={"verdict": "good"}, headers=org1.owner_headers)
    assert first.status_code == 200, first.text
    assert first.json()["verdict"] == "good"
    assert first.json()["better_wording"] is None
    assert first.json()["question_text"] == "Tell me about it."
    # A colleague changes it: still one row, its author kept, the editor recorded.
    second = client.put(
        path,
        json={"verdict": "not_for_us", "better_wording": "  Which migration did you lead?  "},
        headers=world.colleague_headers,
    )
    assert second.status_code == 200, second.text
    body = second.json()
    assert body["id"] == first.json()["id"]
    assert body["verdict"] == "not_for_us"
    assert body["better_wording"] == "Which migration did you lead?"
    assert body["created_by"] == str(org1.owner.id)
    assert body["updated_by"] != body["created_by"]
    assert [q["turn_id"] for q in _feedback(client, world)["questions"]] == [org1.turn("skill")]

    blank = client.put(
        path, json={"verdict": "good", "better_wording": "   "}, headers=org1.owner_headers
    )
    assert blank.json()["better_wording"] is None
    too_long = client.put(
        path, json={"verdict": "good", "better_wording": "x" * 601}, headers=org1.owner_headers
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["loc"] == ["body", "better_wording"]
    unknown = client.put(path, json={"verdict": "meh"}, headers=org1.owner_headers)
    assert unknown.status_code == 422
    # The intro is asked as written: no model wrote it.
    template = client.put(
        f"{org1.turn_path('intro')}/question-feedback",
        json={"verdict": "good"},
        headers=org1.owner_headers,
    )
    assert template.status_code == 422
    assert template.json()["code"] == "question-not-generated"
    assert template.json()["errors"][0]["loc"] == ["path", "turn_id"]

    assert client.delete(path, headers=org1.owner_headers).status_code == 204
    assert _feedback(client, world)["questions"] == []
    # Deleting again is not an error.
    assert client.delete(path, headers=org1.owner_headers).status_code == 204


def test_scores_are_confirmed_or_corrected_only_on_scored_competencies(
    client: TestClient, world: FeedbackWorld
) -> None:
    org1 = world.org1
    skill = f"{org1.turn_path('skill')}/score-feedback"
    confirmed = client.put(
        f"{skill}/job_skill", json={"verdict": "confirmed"}, headers=org1.owner_headers
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["ai_score"] == 5  # what the report shows for this answer
    assert confirmed.json()["corrected_score"] is None

    missing = client.put(
        f"{skill}/job_skill", json={"verdict": "corrected"}, headers=org1.owner_headers
    )
    assert missing.status_code == 422
    assert missing.json()["code"] == "corrected-score-required"
    assert missing.json()["errors"][0]["loc"] == ["body", "corrected_score"]
    out_of_range = client.put(
        f"{skill}/job_skill",
        json={"verdict": "corrected", "corrected_score": 6},
        headers=org1.owner_headers,
    )
    assert out_of_range.status_code == 422

    corrected = client.put(
        f"{skill}/job_skill",
        json={"verdict": "corrected", "corrected_score": 3, "note": " No measured result. "},
        headers=org1.owner_headers,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["id"] == confirmed.json()["id"]
    assert corrected.json()["corrected_score"] == 3
    assert corrected.json()["note"] == "No measured result."

    # The skill answer was scored on job_skill only; the intro on nothing.
    for path in (f"{skill}/communication", f"{org1.turn_path('intro')}/score-feedback/job_skill"):
        refused = client.put(path, json={"verdict": "confirmed"}, headers=org1.owner_headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "competency-not-scored"
        assert refused.json()["errors"][0]["loc"] == ["path", "competency"]

    scores = _feedback(client, world)["scores"]
    assert [(s["turn_id"], s["competency"], s["verdict"]) for s in scores] == [
        (org1.turn("skill"), "job_skill", "corrected")
    ]
    assert client.delete(f"{skill}/job_skill", headers=org1.owner_headers).status_code == 204
    assert _feedback(client, world)["scores"] == []


def test_other_organisations_and_candidates_are_refused(
    client: TestClient, world: FeedbackWorld
) -> None:
    org1, org2 = world.org1, world.org2
    question = f"{org1.turn_path('skill')}/question-feedback"
    score = f"{org1.turn_path('skill')}/score-feedback/job_skill"
    feedback = f"{API}/interviews/{org1.interview_id}/feedback"
    for headers, expected in ((org2.owner_headers, 404), (org1.candidate_headers, 403)):
        assert client.put(question, json={"verdict": "good"}, headers=headers).status_code == (
            expected
        )
        assert client.delete(question, headers=headers).status_code == expected
        assert client.put(score, json={"verdict": "confirmed"}, headers=headers).status_code == (
            expected
        )
        assert client.delete(score, headers=headers).status_code == expected
        assert client.get(feedback, headers=headers).status_code == expected
    # A turn of another organisation's interview, named under one's own interview.
    crossed = f"{API}/interviews/{org1.interview_id}/turns/{org2.turn('skill')}/question-feedback"
    refused = client.put(crossed, json={"verdict": "good"}, headers=org1.owner_headers)
    assert refused.status_code == 404
    assert refused.json()["code"] == "turn-not-found"
    assert client.get(feedback).status_code == 401

    # Organisation 2's feedback never shows in organisation 1's interview.
    client.put(
        f"{org2.turn_path('skill')}/question-feedback",
        json={"verdict": "good"},
        headers=org2.owner_headers,
    )
    assert client.get(feedback, headers=org1.owner_headers).json()["questions"] == []
