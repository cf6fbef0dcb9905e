"""Render a report as a PDF on the server with WeasyPrint. Labels follow the interview's language;
Noto Sans CJK (Debian's fonts-noto-cjk) renders Korean, so the PDF's text can be extracted."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from interview_core.reports.schemas import (
    CompetencyResult,
    DecisionRead,
    Highlight,
    ReportContent,
)


@dataclass(frozen=True)
class TranscriptEntry:
    """One reached stage: the question as the candidate saw it and their answer, verbatim."""

    stage_key: str
    question: str
    # None: the question was not answered (the missing parts say why).
    answer: str | None


@dataclass(frozen=True)
class ReportExport:
    """What the PDF prints: the assembled content plus what lives beside it, read at export
    time (the decision in force and the transcript), so the stored content stays as assembled."""

    content: ReportContent
    decision: DecisionRead | None = None
    transcript: Sequence[TranscriptEntry] = field(default_factory=list)


FONT_STACK = '"Noto Sans CJK KR", "Noto Sans KR", "Noto Sans", "DejaVu Sans", sans-serif'
LABELS: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Interview report",
        "job": "Job",
        "candidate": "Candidate",
        "status": "Interview status",
        "recommendation": "Recommendation",
        "weighted": "Weighted score",
        "competencies": "Competencies",
        "competency": "Competency",
        "weight": "Weight",
        "score": "Score",
        "evidence": "Evidence",
        "strengths": "Strengths",
        "areas": "Areas to improve",
        "communication": "Communication (speech)",
        "wpm": "Words per minute",
        "pauses": "Pauses",
        "longest_pause": "Longest pause (s)",
        "fillers": "Fillers per minute",
        "flags": "Integrity flags",
        "missing": "Missing parts",
        "reliability": "Score reliability",
        "runs": "Evaluation runs",
        "disagreements": "Answers whose run scores disagree",
        "observations": "Observations (not scored)",
        "provenance": "Reproducibility",
        "no_strengths": "No strengths were identified.",
        "no_areas": "No areas to improve were identified.",
        "no_speech": "No spoken answers: every answer was typed.",
        "no_flags": "No integrity flags were raised.",
        "no_missing": "Nothing is missing.",
        "no_disagreements": "The evaluation runs agree on every answer.",
        "decision": "Decision",
        "no_decision": "No decision has been recorded yet.",
        "decided_by": "Decided by",
        "decided_at": "on",
        "note": "Note",
        "transcript": "Questions and answers",
        "question": "Question",
        "answer": "Answer",
        "not_answered": "Not answered.",
        "chart": "Competency scores",
        "scoring": "Scoring",
        "human_review": "For a person to review before deciding",
        "no_recommendation": "No recommendation",
        "coverage": "Coverage of the probed competencies",
        "reason": "Reason",
        "checks": "Checks",
        "yes": "yes",
        "no": "no",
        "not_model": "not evaluated by the model",
        "answers": "Answers",
        "runs_short": "runs",
        "states": {
            "scored": "scored",
            "no_evidence": "no evidence",
            "not_probed": "not probed by this interview",
            "pending": "not evaluated yet",
            "not_validated": "no score shown (evaluator not validated)",
        },
        "check_names": {
            "specific": "Specific example",
            "own_actions": "Own actions",
            "result": "Result",
            "measured": "Measured result",
            "reasoning": "Reasoning",
        },
    },
    "ko": {
        "title": "면접 보고서",
        "job": "직무",
        "candidate": "지원자",
        "status": "면접 상태",
        "recommendation": "추천",
        "weighted": "가중 점수",
        "competencies": "역량",
        "competency": "역량",
        "weight": "가중치",
        "score": "점수",
        "evidence": "근거",
        "strengths": "강점",
        "areas": "개선할 점",
        "communication": "의사소통 (음성)",
        "wpm": "분당 단어 수",
        "pauses": "멈춤",
        "longest_pause": "가장 긴 멈춤 (초)",
        "fillers": "분당 군말",
        "flags": "무결성 플래그",
        "missing": "누락된 부분",
        "reliability": "점수 신뢰도",
        "runs": "평가 횟수",
        "disagreements": "평가가 엇갈린 답변",
        "observations": "관찰 (점수에 미반영)",
        "provenance": "재현 정보",
        "no_strengths": "확인된 강점이 없습니다.",
        "no_areas": "확인된 개선할 점이 없습니다.",
        "no_speech": "음성 답변이 없습니다. 모든 답변을 글로 작성했습니다.",
        "no_flags": "무결성 플래그가 없습니다.",
        "no_missing": "누락된 부분이 없습니다.",
        "no_disagreements": "모든 답변에서 평가 결과가 일치합니다.",
        "decision": "결정",
        "no_decision": "아직 기록된 결정이 없습니다.",
        "decided_by": "결정한 사람",
        "decided_at": "일시",
        "note": "메모",
        "transcript": "질문과 답변",
        "question": "질문",
        "answer": "답변",
        "not_answered": "답변하지 않음.",
        "chart": "역량 점수",
        "scoring": "채점 방식",
        "human_review": "결정 전에 사람이 확인할 사항",
        "no_recommendation": "추천 없음",
        "coverage": "다룬 역량 중 근거 비율",
        "reason": "이유",
        "checks": "점검 항목",
        "yes": "예",
        "no": "아니요",
        "not_model": "모델 평가 아님",
        "answers": "답변",
        "runs_short": "회 평가",
        "states": {
            "scored": "채점됨",
            "no_evidence": "근거 없음",
            "not_probed": "이번 면접에서 다루지 않음",
            "pending": "아직 평가되지 않음",
            "not_validated": "점수 미표시 (평가 구성 미검증)",
        },
        "check_names": {
            "specific": "구체적인 사례",
            "own_actions": "본인의 행동",
            "result": "결과",
            "measured": "측정된 결과",
            "reasoning": "판단 근거",
        },
    },
}

STYLE = f"""
@page {{ size: A4; margin: 18mm; }}
body {{ font-family: {FONT_STACK}; font-size: 10pt; line-height: 1.4; }}
h1 {{ font-size: 16pt; }} h2 {{ font-size: 12pt; margin-top: 14pt; }} h3 {{ font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #999; padding: 3pt; text-align: left; vertical-align: top; }}
blockquote {{ margin: 2pt 0 2pt 10pt; font-style: italic; }}
.aside {{ background: #f2f2f2; padding: 6pt; }}
.review {{ border: 1.5pt solid #b42318; padding: 6pt; }}
.competency {{ border-top: 1px solid #999; margin-top: 8pt; }}
.state {{ font-weight: bold; }}
.bar-track {{ background: #eee; width: 100%; height: 8pt; }}
.bar {{ background: #2e6db4; height: 8pt; }}
.decision {{ border: 1.5pt solid #333; padding: 6pt; }}
.qa {{ margin-top: 6pt; }}
"""


def _highlights(items: list[Highlight], empty: str) -> str:
    if not items:
        return f"<p>{escape(empty)}</p>"
    parts = []
    for item in items:
        quotes = "".join(f"<blockquote>“{escape(e.quote)}”</blockquote>" for e in item.evidence)
        parts.append(f"<p><b>{escape(item.name)}</b> ({item.score:.2f})</p>{quotes}")
    return "".join(parts)


def _list_or(items: str, empty: str) -> str:
    """The list items, or a sentence saying there are none (never a bare "None")."""
    return f"<ul>{items}</ul>" if items else f"<p>{escape(empty)}</p>"


def _score(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "-"


def _competency(c: CompetencyResult, labels: dict[str, Any]) -> str:
    """State (or score), the reason, each check as "Specific example: yes — quote", the
    evidence once per competency, and each answer's run scores and evaluator."""
    state = labels["states"][c.state]
    heading = f"{_score(c.score)} / 5" if c.state == "scored" else state
    checks = "".join(
        f"<li>{escape(labels['check_names'][check.check.value])}: "
        f"{labels['yes'] if check.met else labels['no']}"
        + "".join(f" — “{escape(q.quote)}” ({escape(q.stage_key)})" for q in check.evidence)
        + "</li>"
        for check in c.checks
    )
    quotes = "".join(
        f"<blockquote>“{escape(e.quote)}” ({escape(e.stage_key)})</blockquote>" for e in c.evidence
    )
    answers = "".join(
        f"<li>{escape(a.stage_key)}: {a.runs} {labels['runs_short']}"
        + (f" {a.run_scores}" if a.run_scores else "")
        + (f" · {labels['not_model']}" if "deterministic" in a.evaluator.split(", ") else "")
        + "</li>"
        for a in c.answers
    )
    return (
        f'<div class="competency"><h3>{escape(c.name)} ({labels["weight"]} {c.weight:g}): '
        f'<span class="state">{escape(heading)}</span></h3>'
        f"<p>{labels['reason']}: {escape(c.reason)}</p>"
        + (f"<p>{labels['checks']}:</p><ul>{checks}</ul>" if checks else "")
        + (f"<p>{labels['evidence']}:</p>{quotes}" if quotes else "")
        + (f"<p>{labels['answers']}:</p><ul>{answers}</ul>" if answers else "")
        + "</div>"
    )


def _chart(competencies: Sequence[CompetencyResult], labels: dict[str, Any]) -> str:
    """A bar per scored competency (0 to 5); left out when the report shows no scores."""
    scored = [c for c in competencies if c.state == "scored" and c.score is not None]
    if not scored:
        return ""
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td>{_score(c.score)}</td>"
        f'<td style="width: 60%"><div class="bar-track"><div class="bar" '
        f'style="width: {max(0.0, min(5.0, c.score or 0.0)) / 5:.0%}"></div></div></td></tr>'
        for c in scored
    )
    return f"<h2>{labels['chart']}</h2><table>{rows}</table>"


def _decision(decision: DecisionRead | None, labels: dict[str, Any]) -> str:
    """The person's decision in force, beside (never over) the recommendation."""
    if decision is None:
        return f"<h2>{labels['decision']}</h2><p>{labels['no_decision']}</p>"
    note = f"<br>{labels['note']}: {escape(decision.note)}" if decision.note.strip() else ""
    decided_at = decision.decided_at.strftime("%Y-%m-%d %H:%M %Z").strip()
    return (
        f'<div class="decision"><h2>{labels["decision"]}: {escape(decision.decision.value)}</h2>'
        f"<p>{labels['decided_by']}: {escape(decision.decided_by_email)} · "
        f"{labels['decided_at']}: {escape(decided_at)}{note}</p></div>"
    )


def _transcript(entries: Sequence[TranscriptEntry], labels: dict[str, Any]) -> str:
    if not entries:
        return ""
    parts = "".join(
        f'<div class="qa"><p><b>{labels["question"]} ({escape(e.stage_key)}):</b> '
        f"{escape(e.question)}</p>"
        f"<p>{labels['answer']}: "
        + (escape(e.answer) if e.answer is not None else labels["not_answered"])
        + "</p></div>"
        for e in entries
    )
    return f"<h2>{labels['transcript']}</h2>{parts}"


def report_html(export: ReportExport) -> str:
    content = export.content
    labels = LABELS.get(content.language, LABELS["en"])
    competencies = "".join(_competency(c, labels) for c in content.competencies)
    recommendation = (
        escape(labels["no_recommendation"])
        if content.recommendation is None
        else escape(content.recommendation.value)
    )
    reviews = "".join(f"<li>{escape(reason)}</li>" for reason in content.human_review)
    # Shown before the recommendation: what a person must look at never hides below it.
    review_block = (
        f'<div class="review"><h2>{labels["human_review"]}</h2><ul>{reviews}</ul></div>'
        if reviews
        else ""
    )
    coverage = f"{content.coverage:.0%}" if content.coverage is not None else "-"
    speech = content.communication
    communication = (
        f"<p>{labels['wpm']}: {speech.words_per_minute} · {labels['pauses']}: "
        f"{speech.pause_count} · {labels['longest_pause']}: {speech.longest_pause_s} · "
        f"{labels['fillers']}: {speech.fillers_per_minute}</p>"
        if speech.spoken_turns
        else f"<p>{labels['no_speech']}</p>"
    )
    flags = "".join(
        f"<li>{escape(f.stage_key)}: {escape(f.kind)} {f.start_s:.0f}-{f.end_s:.0f}s, "
        f"{escape(f.detail)}</li>"
        for f in content.integrity_flags
    )
    missing = "".join(
        f"<li>{escape(m.stage_key)}: {escape(m.part)}, {escape(m.detail)}</li>"
        for m in content.missing
    )
    reliability = content.reliability
    disagreements = "".join(
        f"<li>{escape(a.stage_key)}: {a.run_scores or a.runs}, spread {a.spread}</li>"
        for a in reliability.disagreements
    )
    observations = "".join(
        f"<li>{escape(o.stage_key)}: gaze {o.gaze_on_screen_ratio}, face {o.face_present_ratio}"
        + (
            f", {escape(str(o.emotion.distribution))} ({escape(o.emotion.model_id)}; "
            f"{escape(o.emotion.limitations)})"
            if o.emotion
            else ""
        )
        + "</li>"
        for o in content.observations.turns
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in content.observations.notes)
    provenance = content.provenance
    return f"""<!doctype html>
<html lang="{escape(content.language)}"><head><meta charset="utf-8">
<style>{STYLE}</style></head><body>
<h1>{labels["title"]}</h1>
<p>{labels["job"]}: {escape(content.job_title)}<br>
{labels["candidate"]}: {escape(content.candidate_email)}<br>
{labels["status"]}: {escape(content.interview_status)}</p>
<h2>{labels["scoring"]}</h2><p>{escape(content.scoring.statement)}</p>
{review_block}
<p><b>{labels["recommendation"]}: {recommendation}</b><br>
{escape(content.recommendation_reason)}<br>
{labels["weighted"]}: {_score(content.weighted_score)} · {labels["coverage"]}: {coverage}</p>
{_decision(export.decision, labels)}
{_chart(content.competencies, labels)}
<h2>{labels["competencies"]}</h2>{competencies}
<h2>{labels["strengths"]}</h2>{_highlights(content.strengths, labels["no_strengths"])}
<h2>{labels["areas"]}</h2>{_highlights(content.areas_to_improve, labels["no_areas"])}
<h2>{labels["communication"]}</h2>{communication}
<h2>{labels["flags"]}</h2>{_list_or(flags, labels["no_flags"])}
<h2>{labels["missing"]}</h2>{_list_or(missing, labels["no_missing"])}
<h2>{labels["reliability"]}</h2>
<p>{labels["runs"]}: {reliability.evaluation_runs}</p>
<p>{labels["disagreements"]}:</p>{_list_or(disagreements, labels["no_disagreements"])}
{_transcript(export.transcript, labels)}
<div class="aside"><h2>{labels["observations"]}</h2>
<p>{escape(content.observations.notice)}</p><ul>{notes}{observations}</ul></div>
<h2>{labels["provenance"]}</h2>
<p>evaluators: {escape(", ".join(provenance.evaluators))}<br>
models: {escape(", ".join(provenance.model_ids))}<br>
prompt versions: {escape(", ".join(provenance.prompt_versions))}<br>
scenario: {escape(provenance.scenario_key)} v{provenance.scenario_version}<br>
rubric: {escape(provenance.rubric_version)} · assembly v{provenance.assembly_version}</p>
</body></html>"""


def render_report_pdf(export: ReportExport) -> bytes:
    # Imported here: only the export route needs WeasyPrint and its native libraries.
    from weasyprint import HTML

    pdf: bytes = HTML(string=report_html(export)).write_pdf()
    return pdf
