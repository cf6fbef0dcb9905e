"""Interviews as rows, built directly: a job, its turns, their transcripts and evaluation runs.

In-memory objects serve the pure assembly tests; `persist` writes the same objects for the API
tests, so both read exactly what the platform stores.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from interview_core.accounts.models import EmotionAnalysis
from interview_core.interviews.models import (
    Interview,
    InterviewStatus,
    ProcessingStatus,
    Turn,
    TurnEvaluation,
)
from interview_core.jobs.models import Job
from interview_core.reports.assembly import ReportInputs

COMPETENCIES: list[dict[str, object]] = [
    {"key": "job_skill", "name": "직무 역량", "description": "Skills the role needs", "weight": 3},
    {"key": "communication", "name": "Communication", "description": "Clear answers", "weight": 1},
]
EVALUATOR_MODEL = "test/evaluator-v1"
PROMPT_VERSION = "test-checks-v1"
# The competency each stage of these interviews probes (a follow-up probes its parent's).
STAGE_COMPETENCY: dict[str, str] = {
    "skill": "job_skill",
    "skill_followup": "job_skill",
    "communication": "communication",
    "communication_followup": "communication",
}


def check(name: str, quotes: list[str] | None = None) -> dict[str, object]:
    """A stored CheckResult: met when it has quotes."""
    return {"check": name, "met": bool(quotes), "quotes": quotes or []}


@dataclass
class Run:
    # None: the run found no evidence of the competency.
    score: int | None
    evidence: list[str]
    rationale: str = "Scored from the quoted words."
    checks: list[dict[str, object]] = field(default_factory=list)
    validated: bool = True
    evaluator: str = "llm"
    review_flags: list[str] = field(default_factory=list)


@dataclass
class Answer:
    stage_key: str
    text: str | None
    # competency key -> one Run per evaluation run; normally only the stage's competency
    runs: dict[str, list[Run]] = field(default_factory=dict)
    # The competency the stage probes: STAGE_COMPETENCY's unless given; None for intro and such.
    competency: str | None = None
    stt_status: ProcessingStatus = ProcessingStatus.NOT_NEEDED
    stt_error: str | None = None
    evaluation_status: ProcessingStatus = ProcessingStatus.DONE
    metrics: dict[str, object] | None = None
    vision_summary: dict[str, object] | None = None


@dataclass
class Built:
    interview: Interview
    job: Job
    turns: list[Turn]
    evaluations: list[TurnEvaluation]

    def inputs(self, emotion_analysis: EmotionAnalysis = EmotionAnalysis.OFF) -> ReportInputs:
        return ReportInputs(
            interview=self.interview,
            job=self.job,
            emotion_analysis=emotion_analysis,
            turns=self.turns,
            evaluations=self.evaluations,
        )


def make_job(organisation_id: uuid.UUID, title: str = "백엔드 개발자 (Backend engineer)") -> Job:
    return Job(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        title=title,
        description="Build services.",
        language="ko",
        competencies=COMPETENCIES,
        scenario_key="short",
    )


def _probed(answer: Answer) -> str | None:
    return answer.competency or STAGE_COMPETENCY.get(answer.stage_key)


def build(
    answers: list[Answer],
    *,
    organisation_id: uuid.UUID | None = None,
    job: Job | None = None,
    candidate_id: uuid.UUID | None = None,
    candidate_email: str = "candidate@example.test",
    language: str = "ko",
    status: InterviewStatus = InterviewStatus.COMPLETED,
    consent_video: bool = False,
    consent_emotion: bool = False,
) -> Built:
    organisation_id = organisation_id or uuid.uuid4()
    job = job or make_job(organisation_id)
    now = datetime.now(UTC)
    interview = Interview(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        job_id=job.id,
        candidate_id=candidate_id,
        candidate_email=candidate_email,
        status=status,
        language=language,
        scenario_key="short",
        scenario_version=1,
        stages=[
            {"key": a.stage_key, "type": "generated", "competency": _probed(a)} for a in answers
        ],
        current_stage_index=len(answers) - 1,
        consent_audio=True,
        consent_video=consent_video,
        consent_emotion=consent_emotion,
        started_at=now,
        completed_at=now if status is InterviewStatus.COMPLETED else None,
    )
    turns: list[Turn] = []
    evaluations: list[TurnEvaluation] = []
    for index, answer in enumerate(answers):
        turn = Turn(
            id=uuid.uuid4(),
            interview_id=interview.id,
            stage_index=index,
            stage_key=answer.stage_key,
            stage_type="generated",
            competency=_probed(answer),
            bank_question="Tell me about it.",
            question_text="Tell me about it.",
            answer_text=answer.text,
            answered_at=now if answer.text is not None else None,
            transcript={"text": answer.text, "metrics": answer.metrics} if answer.metrics else None,
            stt_status=answer.stt_status,
            stt_error=answer.stt_error,
            evaluation_status=answer.evaluation_status,
            vision_summary=answer.vision_summary,
        )
        turns.append(turn)
        for competency, runs in answer.runs.items():
            for run_index, run in enumerate(runs):
                evaluations.append(
                    TurnEvaluation(
                        id=uuid.uuid4(),
                        turn_id=turn.id,
                        run_index=run_index,
                        competency=competency,
                        score=run.score,
                        evidence=run.evidence,
                        rationale=run.rationale,
                        checks=run.checks,
                        overall_note="",
                        evaluator=run.evaluator,
                        model_id=EVALUATOR_MODEL,
                        method="checks",
                        prompt_version=PROMPT_VERSION,
                        validated=run.validated,
                        review_flags=run.review_flags,
                    )
                )
    return Built(interview, job, turns, evaluations)


def persist(session: Session, built: Built) -> None:
    """Write the rows; the job too unless it is already stored."""
    if session.get(Job, built.job.id) is None:
        session.add(built.job)
        session.flush()
    session.add(built.interview)
    session.flush()
    session.add_all(built.turns)
    session.flush()
    session.add_all(built.evaluations)
    session.flush()


def metrics(
    words: int, speech_s: float, pauses: int, longest: float, fillers: int
) -> dict[str, object]:
    minutes = speech_s / 60
    return {
        "duration_s": speech_s + 1.0,
        "speech_duration_s": speech_s,
        "words": words,
        "words_per_minute": round(words / minutes, 1),
        "pause_count": pauses,
        "longest_pause_s": longest,
        "filler_count": fillers,
        "fillers_per_minute": round(fillers / minutes, 2),
        "fillers": {"음": fillers},
    }


SKILL_ANSWER = (
    "저는 결제 서비스를 PostgreSQL로 옮기는 작업을 이끌었습니다. "
    "I profiled the slow queries and added the missing indexes, so the nightly run fell "
    "from six hours to forty minutes."
)
COMMUNICATION_ANSWER = (
    "I explain trade-offs with a short written note first. 팀원들과 매주 설계를 검토했습니다."
)


INTRO_ANSWER = "Hello, my name is Alex Morgan and I build backend services."


def strong_interview(**kwargs: object) -> Built:
    """An intro (probes nothing, so never evaluated) and three answered, evaluated stages
    scoring high with verbatim evidence and checks, all from a validated configuration."""
    return build(
        [
            Answer("intro", INTRO_ANSWER),
            Answer(
                "skill",
                SKILL_ANSWER,
                {
                    "job_skill": [
                        Run(
                            5,
                            ["결제 서비스를 PostgreSQL로 옮기는 작업을 이끌었습니다"],
                            checks=[
                                check("specific", ["I profiled the slow queries"]),
                                check("own_actions", ["added the missing indexes"]),
                                check(
                                    "measured",
                                    ["the nightly run fell from six hours to forty minutes"],
                                ),
                                check("reasoning"),
                            ],
                        )
                    ]
                },
                stt_status=ProcessingStatus.DONE,
                metrics=metrics(120, 60.0, 4, 1.5, 2),
            ),
            Answer(
                "skill_followup",
                COMMUNICATION_ANSWER,
                {
                    "job_skill": [
                        Run(
                            4,
                            ["팀원들과 매주 설계를 검토했습니다"],
                            checks=[
                                check("specific", ["팀원들과 매주 설계를 검토했습니다"]),
                                check("reasoning", ["I explain trade-offs"]),
                            ],
                        )
                    ]
                },
            ),
            Answer(
                "communication",
                COMMUNICATION_ANSWER,
                {"communication": [Run(4, ["I explain trade-offs with a short written note"])]},
            ),
        ],
        **kwargs,  # type: ignore[arg-type]
    )
