"""The assembly rules on rows built in memory: evidence, missing parts, spread, recommendation."""

import pytest

from interview_core.accounts.models import EmotionAnalysis
from interview_core.interviews.models import ProcessingStatus
from interview_core.reports.assembly import assemble_report, candidate_summary
from interview_core.reports.models import Recommendation
from tests.reports.builders import (
    COMMUNICATION_ANSWER,
    SKILL_ANSWER,
    Answer,
    Run,
    build,
    metrics,
    strong_interview,
)

VISION_WITH_EMOTION = {
    "frames": 20,
    "face_present_ratio": 0.95,
    "gaze_on_screen_ratio": 0.9,
    "blink_rate_per_min": 12.0,
    "multiple_face_frames": 0,
    "no_face_frames": 1,
    "flags": [],
    "emotion": {
        "distribution": {"neutral": 0.7, "happy": 0.3},
        "timeline": [[0.0, "neutral"], [5.0, "happy"]],
        "model_id": "fer-mini-xception",
        "limitations": "FER2013-trained; an expression is not a feeling.",
    },
    "models": ["mediapipe-face-mesh", "fer-mini-xception"],
}


def test_every_score_cites_quotes_found_in_its_answer() -> None:
    built = strong_interview()
    report = assemble_report(built.inputs())
    answers = {turn.id: turn.answer_text or "" for turn in built.turns}
    scored = [c for c in report.competencies if c.score is not None]
    assert {c.key for c in scored} == {"job_skill", "communication"}
    for competency in scored:
        assert competency.evidence, competency.key
        for quote in competency.evidence:
            assert quote.quote in answers[quote.turn_id]
        assert {e.turn_id for e in competency.evidence} <= {a.turn_id for a in competency.answers}
    by_key = {c.key: c for c in report.competencies}
    assert by_key["job_skill"].score == 4.5
    assert by_key["communication"].score == 4.0
    assert report.weighted_score == pytest.approx((3 * 4.5 + 1 * 4.0) / 4, abs=0.01)
    assert [s.competency for s in report.strengths] == ["job_skill", "communication"]
    assert report.areas_to_improve == []
    assert report.missing == []
    assert report.recommendation is Recommendation.ADVANCE
    assert "4.38" in report.recommendation_reason or "4.37" in report.recommendation_reason
    assert report.provenance.model_ids == ["test/evaluator-v1"]
    assert report.provenance.scenario_key == "short"
    assert len(report.provenance.rubric_version) == 16


def test_quotes_not_in_the_answer_are_left_out_and_counted() -> None:
    built = build(
        [
            Answer(
                "skill",
                SKILL_ANSWER,
                {
                    "job_skill": [
                        Run(5, ["I invented this sentence", "I profiled the slow queries"])
                    ]
                },
            )
        ]
    )
    report = assemble_report(built.inputs())
    skill = report.competencies[0]
    assert [e.quote for e in skill.evidence] == ["I profiled the slow queries"]
    assert report.reliability.quotes_not_found == 1


def test_a_failed_transcription_is_reported_not_invented() -> None:
    built = build(
        [
            Answer(
                "skill",
                SKILL_ANSWER,
                {"job_skill": [Run(3, ["I profiled the slow queries"])]},
                stt_status=ProcessingStatus.DONE,
                metrics=metrics(90, 45.0, 2, 2.5, 1),
            ),
            Answer(
                "experience",
                None,
                stt_status=ProcessingStatus.FAILED,
                stt_error="no_speech: no speech was detected",
                evaluation_status=ProcessingStatus.NOT_NEEDED,
            ),
        ],
        status="abandoned",  # type: ignore[arg-type]
    )
    report = assemble_report(built.inputs())
    failed_turn = built.turns[1]
    assert [(m.turn_id, m.part) for m in report.missing] == [
        (failed_turn.id, "speech_to_text_failed")
    ]
    assert "no speech was detected" in report.missing[0].detail
    every_answer = [a for c in report.competencies for a in c.answers]
    assert failed_turn.id not in {a.turn_id for a in every_answer}
    assert report.communication.spoken_turns == 1
    assert report.communication.words_per_minute == 120.0
    assert report.communication.longest_pause_s == 2.5


def test_typed_answer_after_failed_transcription_has_no_speech_figures() -> None:
    built = build(
        [
            Answer(
                "skill",
                COMMUNICATION_ANSWER,
                {"job_skill": [Run(3, ["I explain trade-offs"])]},
                stt_status=ProcessingStatus.FAILED,
                stt_error="corrupt_audio",
            )
        ]
    )
    report = assemble_report(built.inputs())
    assert [m.part for m in report.missing] == ["speech_to_text_failed"]
    assert report.communication.spoken_turns == 0
    assert report.communication.words_per_minute is None
    assert report.competencies[0].score == 3.0


def test_pending_evaluation_is_listed_and_holds_the_recommendation() -> None:
    built = build(
        [
            Answer("skill", SKILL_ANSWER, {"job_skill": [Run(5, ["I profiled the slow queries"])]}),
            Answer("experience", COMMUNICATION_ANSWER, evaluation_status=ProcessingStatus.PENDING),
        ]
    )
    report = assemble_report(built.inputs())
    assert [(m.stage_key, m.part) for m in report.missing] == [("experience", "evaluation_pending")]
    assert report.recommendation is Recommendation.HOLD
    assert "1 of 2 answered turns have no final result" in report.recommendation_reason
    communication = next(c for c in report.competencies if c.key == "communication")
    assert communication.score is None and communication.answers == []


def test_nothing_evaluated_means_no_score_and_hold() -> None:
    built = build([Answer("skill", SKILL_ANSWER, evaluation_status=ProcessingStatus.PENDING)])
    report = assemble_report(built.inputs())
    assert report.weighted_score is None
    assert all(c.score is None for c in report.competencies)
    assert report.recommendation is Recommendation.HOLD


def test_repeated_runs_report_spread_and_flag_disagreement() -> None:
    built = build(
        [
            Answer(
                "skill",
                SKILL_ANSWER,
                {
                    "job_skill": [
                        Run(2, ["I profiled the slow queries"]),
                        Run(4, ["added the missing indexes"]),
                        Run(5, ["I profiled the slow queries"]),
                    ],
                    "communication": [Run(3, []), Run(3, []), Run(4, [])],
                },
            )
        ]
    )
    report = assemble_report(built.inputs())
    skill, communication = report.competencies
    (skill_answer,) = skill.answers
    assert skill_answer.run_scores == [2, 4, 5]
    assert skill_answer.mean_score == pytest.approx(11 / 3, abs=0.01)
    assert skill_answer.spread == 3 and skill_answer.disagreement
    assert skill_answer.evidence == ["I profiled the slow queries", "added the missing indexes"]
    assert communication.answers[0].spread == 1 and not communication.answers[0].disagreement
    assert report.reliability.evaluation_runs == 3
    assert report.reliability.max_spread == 3
    assert [a.turn_id for a in report.reliability.disagreements] == [built.turns[0].id]
    assert "disagree on 1 answer" in report.recommendation_reason


@pytest.mark.parametrize(
    ("scores", "flags", "expected"),
    [
        ((4, 4), 0, Recommendation.ADVANCE),
        ((4, 4), 1, Recommendation.HOLD),
        ((3, 3), 0, Recommendation.HOLD),
        ((2, 1), 0, Recommendation.REJECT),
    ],
)
def test_recommendation_rule(scores: tuple[int, int], flags: int, expected: Recommendation) -> None:
    vision = {
        **VISION_WITH_EMOTION,
        "emotion": None,
        "flags": [
            {"kind": "gaze_away", "start_s": 3.0, "end_s": 9.0, "detail": "looked away for 6 s"}
        ]
        * flags,
    }
    built = build(
        [
            Answer(
                "skill",
                SKILL_ANSWER,
                {
                    "job_skill": [Run(scores[0], ["I profiled the slow queries"])],
                    "communication": [Run(scores[1], ["added the missing indexes"])],
                },
                vision_summary=vision,
            )
        ],
        consent_video=True,
    )
    report = assemble_report(built.inputs())
    assert report.recommendation is expected
    assert len(report.integrity_flags) == flags
    if scores == (2, 1):
        assert [a.competency for a in report.areas_to_improve] == ["job_skill", "communication"]


def test_emotion_is_shown_only_when_allowed_and_never_changes_the_outcome() -> None:
    built = strong_interview(consent_video=True)

    def report_for(consent_emotion: bool, setting: EmotionAnalysis, with_emotion: bool):  # type: ignore[no-untyped-def]
        vision = VISION_WITH_EMOTION if with_emotion else {**VISION_WITH_EMOTION, "emotion": None}
        built.interview.consent_emotion = consent_emotion
        for turn in built.turns:
            turn.vision_summary = vision
        return assemble_report(built.inputs(setting))

    observed = report_for(True, EmotionAnalysis.OBSERVE, with_emotion=True)
    assert observed.observations.emotion_included
    emotion = observed.observations.turns[0].emotion
    assert emotion is not None and emotion.model_id == "fer-mini-xception"
    assert "not a feeling" in emotion.limitations

    without = report_for(True, EmotionAnalysis.OBSERVE, with_emotion=False)
    for other in (
        without,
        report_for(False, EmotionAnalysis.OBSERVE, with_emotion=True),
        report_for(True, EmotionAnalysis.OFF, with_emotion=True),
    ):
        assert other.recommendation == observed.recommendation
        assert other.recommendation_reason == observed.recommendation_reason
        assert other.weighted_score == observed.weighted_score
        assert other.competencies == observed.competencies
    refused = report_for(False, EmotionAnalysis.OBSERVE, with_emotion=True)
    assert not refused.observations.emotion_included
    assert all(t.emotion is None for t in refused.observations.turns)
    assert "did not consent to expression analysis" in " ".join(refused.observations.notes)
    org_off = report_for(True, EmotionAnalysis.OFF, with_emotion=True)
    assert "fer-mini-xception" not in org_off.model_dump_json()


def test_no_video_consent_means_no_gaze_observations() -> None:
    built = strong_interview()
    report = assemble_report(built.inputs())
    assert not report.observations.gaze_included
    assert report.observations.turns == []


def test_candidate_summary_keeps_criteria_and_drops_internal_parts() -> None:
    report = assemble_report(strong_interview().inputs())
    summary = candidate_summary(report)
    dumped = summary.model_dump_json()
    assert [c.name for c in summary.criteria] == ["직무 역량", "Communication"]
    assert "Scored from the quoted words." not in dumped  # evaluator rationale
    assert report.recommendation_reason not in dumped
    assert "각 답변은" in summary.explanation
