"""Anchored rubrics per competency: defaults in the job's language, editable per job, checked
on the way in, and the level-5 anchor the evaluator is given."""

import pytest
from fastapi.testclient import TestClient

from interview_core.jobs.rubrics import DEFAULT_RUBRICS, stored_effective_rubric
from interview_core.jobs.schemas import DEFAULT_COMPETENCIES

API = "/api/v1"
OWN_RUBRIC = {
    "level_1": "Names SQL features without using them.",
    "level_3": "A real query tuned, but no figures.",
    "level_5": "A query they tuned themselves, the plan before and after, and the time saved.",
}


def _job(language: str, competencies: list[dict[str, object]] | None = None) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Backend engineer",
        "description": "Build services.",
        "language": language,
    }
    if competencies is not None:
        body["competencies"] = competencies
    return body


def test_every_default_competency_has_anchors_in_both_languages() -> None:
    for competency in DEFAULT_COMPETENCIES:
        rubrics = DEFAULT_RUBRICS[competency.key]
        assert set(rubrics) == {"en", "ko"}
        for rubric in rubrics.values():
            assert len({rubric.level_1, rubric.level_3, rubric.level_5}) == 3
    assert "구체적인" in DEFAULT_RUBRICS["problem_solving"]["ko"].level_5


def test_a_competency_of_its_own_gets_a_generic_anchor_naming_it() -> None:
    stored = {"key": "sql", "name": "SQL tuning", "weight": 1}
    assert "SQL tuning" in stored_effective_rubric(stored, "en").level_5
    assert "'SQL tuning'" in stored_effective_rubric(stored, "ko").level_5
    own = {**stored, "rubric": OWN_RUBRIC}
    assert stored_effective_rubric(own, "ko").level_5 == OWN_RUBRIC["level_5"]


def test_defaults_follow_the_job_language_and_a_rubric_of_its_own_is_kept(
    client: TestClient, recruiter_headers: dict[str, str]
) -> None:
    korean = client.post(f"{API}/jobs", headers=recruiter_headers, json=_job("ko"))
    assert korean.status_code == 201, korean.text
    body = korean.json()
    assert all(c.get("rubric") is None for c in body["competencies"])
    assert body["effective_rubrics"]["growth"] == DEFAULT_RUBRICS["growth"]["ko"].model_dump()

    competencies = [
        {"key": "sql", "name": "SQL tuning", "weight": 2, "rubric": OWN_RUBRIC},
        {"key": "communication", "name": "Communication", "weight": 1},
    ]
    created = client.post(
        f"{API}/jobs", headers=recruiter_headers, json=_job("en", competencies)
    ).json()
    assert created["competencies"][0]["rubric"] == OWN_RUBRIC
    assert created["effective_rubrics"]["sql"] == OWN_RUBRIC
    assert (
        created["effective_rubrics"]["communication"]["level_5"]
        == DEFAULT_RUBRICS["communication"]["en"].level_5
    )

    edited = {**OWN_RUBRIC, "level_5": "The plan before and after, with the time saved."}
    changed = client.patch(
        f"{API}/jobs/{created['id']}",
        headers=recruiter_headers,
        json={"competencies": [{**competencies[0], "rubric": edited}]},
    )
    assert changed.status_code == 200, changed.text
    again = client.get(f"{API}/jobs/{created['id']}", headers=recruiter_headers).json()
    assert again["competencies"][0]["rubric"] == edited


@pytest.mark.parametrize(
    ("rubric", "field"),
    [
        ({**OWN_RUBRIC, "level_5": "x" * 501}, "level_5"),
        ({"level_1": "a", "level_3": "b"}, "level_5"),
        ({**OWN_RUBRIC, "level_3": ""}, "level_3"),
        ({**OWN_RUBRIC, "level_4": "extra"}, "level_4"),
    ],
)
def test_a_bad_rubric_is_refused_naming_the_field(
    client: TestClient, recruiter_headers: dict[str, str], rubric: dict[str, str], field: str
) -> None:
    competencies = [{"key": "sql", "name": "SQL tuning", "weight": 1, "rubric": rubric}]
    response = client.post(f"{API}/jobs", headers=recruiter_headers, json=_job("en", competencies))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid-input"
    locations = [error["loc"] for error in response.json()["errors"]]
    assert ["body", "competencies", 0, "rubric", field] in locations
