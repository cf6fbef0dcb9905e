"""The PDF export prints the decision, every question with its answer and no bare "None"; the
server's own sentences follow the interview's language."""

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader

from interview_core.interviews.models import ProcessingStatus
from interview_core.jobs.schemas import JobCreate
from interview_core.reports.assembly import OBSERVATION_NOTICE, assemble_report
from interview_core.reports.pdf import ReportExport, TranscriptEntry, report_html
from tests.reports.builders import (
    INTRO_ANSWER,
    SKILL_ANSWER,
    Answer,
    Run,
    build,
    strong_interview,
)
from tests.reports.conftest import ReportWorld

API = "/api/v1"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_pdf_prints_the_decision_and_every_question_with_its_answer(
    client: TestClient, report_world: ReportWorld
) -> None:
    note = "References checked; invite to the final round."
    decided = client.post(
        f"{API}/interviews/{report_world.interview_id}/report/decision",
        headers=report_world.recruiter_headers,
        json={"decision": "advance", "note": note},
    )
    assert decided.status_code == 200, decided.text
    response = client.get(
        f"{API}/interviews/{report_world.interview_id}/report.pdf",
        headers=report_world.recruiter_headers,
    )
    assert response.status_code == 200, response.text
    text = _pdf_text(response.content)
    flat = _flat(text)
    for fragment in (
        "결정: advance",  # the Korean interview's label, then the decision recorded
        report_world.recruiter.email,
        note,
        "질문과 답변",
        "Tell me about it.",
        # The intro probes nothing, so its answer appears only in the transcript.
        INTRO_ANSWER,
        SKILL_ANSWER,
        "역량 점수",  # the chart of the scored competencies
    ):
        assert _flat(fragment) in flat, fragment
    assert "None" not in text


def test_pdf_without_a_decision_says_so() -> None:
    content = assemble_report(strong_interview().inputs())
    html = report_html(ReportExport(content=content))
    assert "아직 기록된 결정이 없습니다." in html
    assert "None" not in html


def test_empty_lists_are_said_in_words_never_none() -> None:
    # A middling English interview: no strengths, no areas to improve, nothing spoken.
    built = build(
        [
            Answer("skill", SKILL_ANSWER, {"job_skill": [Run(3, ["I profiled the slow queries"])]}),
            Answer("communication", None, evaluation_status=ProcessingStatus.NOT_NEEDED),
        ],
        language="en",
    )
    content = assemble_report(built.inputs())
    assert content.strengths == [] and content.areas_to_improve == []
    transcript = [
        TranscriptEntry(stage_key=t.stage_key, question=t.question_text or "", answer=t.answer_text)
        for t in built.turns
    ]
    html = report_html(ReportExport(content=content, transcript=transcript))
    for sentence in (
        "No strengths were identified.",
        "No areas to improve were identified.",
        "No spoken answers: every answer was typed.",
        "No integrity flags were raised.",
        "No decision has been recorded yet.",
        "Not answered.",
        SKILL_ANSWER,
    ):
        assert sentence in html, sentence
    assert "None" not in html


def test_a_korean_report_has_korean_server_sentences() -> None:
    built = build(
        [
            Answer("skill", SKILL_ANSWER, {"job_skill": [Run(3, ["I profiled the slow queries"])]}),
            Answer(
                "communication",
                None,
                stt_status=ProcessingStatus.FAILED,
                stt_error="no_speech: No speech was recognised.",
                evaluation_status=ProcessingStatus.NOT_NEEDED,
            ),
            Answer("communication_followup", None, evaluation_status=ProcessingStatus.NOT_NEEDED),
        ],
        language="ko",
        consent_video=True,
    )
    korean = assemble_report(built.inputs())
    assert korean.observations.notice == OBSERVATION_NOTICE["ko"]
    assert "점수나 추천에는 전혀 쓰이지 않습니다" in korean.observations.notice
    assert "다룬 역량" in korean.recommendation_reason
    details = [m.detail for m in korean.missing]
    # The Korean meaning first; the stored record is kept beside it, never hidden.
    assert details[0] == "말소리를 인식하지 못했습니다. (no_speech: No speech was recognised.)"
    assert details[1] == "질문에 답변하지 않았습니다"

    built.interview.language = "en"
    english = assemble_report(built.inputs())
    assert english.observations.notice == OBSERVATION_NOTICE["en"]
    assert english.recommendation_reason.startswith("Weighted score")
    assert [m.detail for m in english.missing] == [
        "no_speech: No speech was recognised.",
        "the question was not answered",
    ]


def test_default_competencies_are_named_in_the_job_language() -> None:
    korean = JobCreate(title="백엔드 개발자", description="서비스 개발", language="ko")
    english = JobCreate(title="Backend engineer", description="Build services.", language="en")
    assert [c.name for c in korean.competencies][:3] == ["직무 역량", "경험", "문제 해결"]
    assert [c.name for c in english.competencies][:3] == [
        "Job skills",
        "Experience",
        "Problem solving",
    ]
    # The same keys and weights in either language: only the wording differs.
    assert [(c.key, c.weight) for c in korean.competencies] == [
        (c.key, c.weight) for c in english.competencies
    ]
    own = JobCreate(
        title="t",
        description="d",
        language="ko",
        competencies=[{"key": "sql", "name": "SQL tuning", "weight": 1}],
    )
    assert [c.name for c in own.competencies] == ["SQL tuning"]
