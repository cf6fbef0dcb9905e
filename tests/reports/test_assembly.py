"""The assembly rules on rows built in memory: what each stage probes, evidence and checks per
competency, the validity gate, missing parts, spread, human review and the recommendation."""

import uuid

import pytest

from interview_core.accounts.models import EmotionAnalysis
from interview_core.interviews.models import ProcessingStatus
from interview_core.reports.assembly import assemble_report, candidate_summary
from interview_core.reports.models import Recommendation
from tests.reports.builders import (
    COMMUNICATION_ANSWER,
    INTRO_ANSWER,
    SKILL_ANSWER,
    Answer,
    Built,
    Run,
    build,
    check,
    make_job,
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
GAZE_AWAY = {"kind": "gaze_away", "start_s": 3.0, "end_s": 9.0, "detail": "looked away for 6 s"}


def test_every_score_cites_quotes_found_in_its_answer() -> None:
    built = strong_interview()
    report = assemble_report(built.inputs())
    answers = {turn.id: turn.answer_text or "" for turn in built.turns}
    scored = [c for c in report.competencies if c.score is not None]
    assert {c.key for c in scored} == {"job_skill", "communication"}
    for competency in scored:
        assert competency.state == "scored" and competency.probed
        assert competency.evidence, competency.key
        for quote in competency.evidence:
            assert quote.quote in answers[quote.turn_id]
        assert {e.turn_id for e in competency.evidence} <= {a.turn_id for a in competency.answers}
    by_key = {c.key: c for c in report.competencies}
    assert by_key["job_skill"].score == 4.5
    assert by_key["communication"].score == 4.0
    assert report.weighted_score == pytest.approx((3 * 4.5 + 1 * 4.0) / 4, abs=0.01)
    assert report.coverage == 1.0
    assert [s.competency for s in report.strengths] == ["job_skill", "communication"]
    assert report.areas_to_improve == []
    assert report.missing == []
    assert report.scoring.state == "validated"
    assert "점수 타당성 기준을 통과한 평가 구성" in report.scoring.statement
    assert report.recommendation is Recommendation.ADVANCE
    assert "4.38" in report.recommendation_reason or "4.37" in report.recommendation_reason
    assert report.human_review == []
    assert report.provenance.model_ids == ["test/evaluator-v1"]
    assert report.provenance.prompt_versions == ["test-checks-v1"]
    assert report.provenance.scenario_key == "short"
    assert len(report.provenance.rubric_version) == 16


def test_an_intro_is_never_evidence_and_rows_off_the_stage_are_ignored() -> None:
    """Rows an older evaluator stored for every competency on every answer: the intro's, and
    the skill answer's for communication, judge nothing the stage did not ask about."""
    built = build(
        [
            Answer("intro", INTRO_ANSWER, {"job_skill": [Run(2, ["Hello, my name is Alex"])]}),
            Answer(
                "skill",
                SKILL_ANSWER,
                {
                    "job_skill": [Run(4, ["I profiled the slow queries"])],
                    "communication": [Run(1, ["added the missing indexes"])],
                },
            ),
        ],
        language="en",
    )
    report = assemble_report(built.inputs())
    skill, communication = report.competencies
    assert [a.stage_key for a in skill.answers] == ["skill"]
    assert [e.quote for e in skill.evidence] == ["I profiled the slow queries"]
    assert skill.score == 4.0
    assert communication.state == "not_probed" and not communication.probed
    assert communication.score is None and communication.answers == []
    assert communication.reason == "Not probed by this interview: no stage asked about it."
    assert "Hello" not in report.model_dump_json(include={"competencies", "areas_to_improve"})
    assert report.areas_to_improve == []


def test_a_stage_left_unanswered_leaves_its_competency_not_probed() -> None:
    built = build(
        [
            Answer("skill", SKILL_ANSWER, {"job_skill": [Run(4, ["I profiled the slow queries"])]}),
            Answer("communication", None, evaluation_status=ProcessingStatus.NOT_NEEDED),
        ],
        language="en",
        status="abandoned",  # type: ignore[arg-type]
    )
    report = assemble_report(built.inputs())
    communication = next(c for c in report.competencies if c.key == "communication")
    assert communication.state == "not_probed"
    assert "was not answered" in communication.reason
    # Coverage counts only what was probed: the unanswered stage does not lower it.
    assert report.coverage == 1.0
    assert report.recommendation is Recommendation.ADVANCE


def test_an_answer_without_evidence_is_its_own_state_never_a_one() -> None:
    built = build(
        [
            Answer("skill", SKILL_ANSWER, {"job_skill": [Run(4, ["I profiled the slow queries"])]}),
            Answer(
                "communication",
                COMMUNICATION_ANSWER,
                {
                    "communication": [
                        Run(None, [], rationale="The answer names no situation it explained.")
                    ]
                },
            ),
        ],
        language="en",
    )
    report = assemble_report(built.inputs())
    communication = next(c for c in report.competencies if c.key == "communication")
    assert communication.state == "no_evidence" and communication.probed
    assert communication.score is None
    assert communication.reason == (
        "No evidence: the answers did not show this competency. "
        "The answer names no situation it explained."
    )
    (answer,) = communication.answers
    assert answer.state == "no_evidence"
    assert answer.run_scores == [None] and answer.mean_score is None
    # Weighted over what has a score; coverage says how much of the probed weight that is.
    assert report.weighted_score == 4.0
    assert report.coverage == 0.75
    assert report.recommendation is Recommendation.ADVANCE
    assert report.areas_to_improve == []


def test_checks_and_evidence_are_grouped_once_per_competency() -> None:
    built = strong_interview()
    report = assemble_report(built.inputs())
    skill = next(c for c in report.competencies if c.key == "job_skill")
    checks = {c.check.value: c for c in skill.checks}
    assert list(checks) == ["specific", "own_actions", "measured", "reasoning"]
    assert all(c.met for c in checks.values())
    assert [(q.quote, q.stage_key) for q in checks["specific"].evidence] == [
        ("I profiled the slow queries", "skill"),
        ("팀원들과 매주 설계를 검토했습니다", "skill_followup"),
    ]
    # Not met on the first answer, met on the follow-up: met for the competency.
    assert [q.stage_key for q in checks["reasoning"].evidence] == ["skill_followup"]
    first, _follow_up = skill.answers
    assert [(c.check.value, c.met) for c in first.checks][-1] == ("reasoning", False)
    assert len({e.quote for e in skill.evidence}) == len(skill.evidence)


def test_a_check_no_verbatim_sentence_shows_is_not_met() -> None:
    built = build(
        [
            Answer(
                "skill",
                SKILL_ANSWER,
                {
                    "job_skill": [
                        Run(
                            3,
                            ["I profiled the slow queries"],
                            checks=[
                                check("specific", ["I profiled the slow queries"]),
                                check("measured", ["cut latency by 90%"]),
                            ],
                        )
                    ]
                },
            )
        ]
    )
    report = assemble_report(built.inputs())
    specific, measured = report.competencies[0].answers[0].checks
    assert specific.met and specific.quotes == ["I profiled the slow queries"]
    assert not measured.met and measured.quotes == []
    assert report.reliability.quotes_not_found == 1


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


def _unvalidated(built: Built, *, all_runs: bool = True) -> Built:
    for index, evaluation in enumerate(built.evaluations):
        if all_runs or index == 0:
            evaluation.validated = False
    return built


def test_the_gate_hides_numbers_and_the_recommendation_of_an_unvalidated_configuration() -> None:
    for all_runs in (True, False):
        built = strong_interview(language="en")
        validated = assemble_report(built.inputs())
        # One run from an unvalidated configuration is enough: no number is half valid.
        report = assemble_report(_unvalidated(built, all_runs=all_runs).inputs())
        assert report.scoring.state == "not_validated"
        assert "did not meet the score-validity benchmark" in report.scoring.statement
        assert "test/evaluator-v1" in report.scoring.statement
        assert "test-checks-v1" in report.scoring.statement
        assert report.recommendation is None
        assert "did not meet the score-validity benchmark" in report.recommendation_reason
        assert report.weighted_score is None
        assert report.strengths == [] and report.areas_to_improve == []
        for competency in report.competencies:
            assert competency.state == "not_validated" and competency.score is None
            for answer in competency.answers:
                assert answer.state == "not_validated"
                assert answer.run_scores == [] and answer.mean_score is None
        # The verified evidence and the checks stay for the recruiter to judge.
        before = {c.key: c for c in validated.competencies}
        for competency in report.competencies:
            assert competency.evidence == before[competency.key].evidence
            assert competency.checks == before[competency.key].checks
        summary = candidate_summary(report)
        assert all(c.score is None for c in summary.criteria)
        assert "No numeric scores" in summary.explanation
        assert "scored from 1 to 5" not in summary.explanation
    assert validated.scoring.state == "validated"
    assert validated.recommendation is Recommendation.ADVANCE
    assert validated.weighted_score is not None
    assert all(c.score is not None for c in candidate_summary(validated).criteria)


def test_the_scoring_block_speaks_the_interview_language() -> None:
    report = assemble_report(_unvalidated(strong_interview(language="ko")).inputs())
    assert "점수 타당성 기준을 통과하지 못했습니다" in report.scoring.statement
    assert "점수 타당성 기준을 통과하지 못해" in report.recommendation_reason
    assert "점수는 제시하지" in candidate_summary(report).explanation


def test_deterministic_runs_are_labelled_not_evaluated_by_the_model() -> None:
    built = build(
        [
            Answer(
                "skill",
                SKILL_ANSWER,
                {"job_skill": [Run(3, ["I profiled the slow queries"], evaluator="deterministic")]},
            )
        ],
        language="en",
    )
    report = assemble_report(built.inputs())
    assert report.competencies[0].answers[0].evaluator == "deterministic"
    assert report.scoring.not_model_evaluated == 1
    assert "not evaluated by the model" in report.scoring.statement


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
                "communication",
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
            Answer(
                "communication", COMMUNICATION_ANSWER, evaluation_status=ProcessingStatus.PENDING
            ),
        ],
        language="en",
    )
    report = assemble_report(built.inputs())
    assert [(m.stage_key, m.part) for m in report.missing] == [
        ("communication", "evaluation_pending")
    ]
    assert report.recommendation is Recommendation.HOLD
    assert "1 of 2 answered turns have no final result" in report.recommendation_reason
    communication = next(c for c in report.competencies if c.key == "communication")
    assert communication.state == "pending" and communication.probed
    assert communication.score is None and communication.answers == []


def test_nothing_evaluated_means_no_score_and_hold() -> None:
    built = build([Answer("skill", SKILL_ANSWER, evaluation_status=ProcessingStatus.PENDING)])
    report = assemble_report(built.inputs())
    assert report.weighted_score is None
    assert all(c.score is None for c in report.competencies)
    assert report.scoring.state == "not_evaluated"
    assert report.recommendation is Recommendation.HOLD


def test_an_interview_that_probed_nothing_holds() -> None:
    built = build([Answer("intro", INTRO_ANSWER)], language="en")
    report = assemble_report(built.inputs())
    assert all(c.state == "not_probed" for c in report.competencies)
    assert report.coverage is None
    assert report.recommendation is Recommendation.HOLD
    assert "No competency was probed" in report.recommendation_reason


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
                    ]
                },
            ),
            Answer(
                "communication",
                COMMUNICATION_ANSWER,
                {"communication": [Run(3, []), Run(None, []), Run(3, [])]},
            ),
        ],
        language="en",
    )
    report = assemble_report(built.inputs())
    skill, communication = report.competencies
    (skill_answer,) = skill.answers
    assert skill_answer.run_scores == [2, 4, 5] and skill_answer.runs == 3
    assert skill_answer.mean_score == pytest.approx(11 / 3, abs=0.01)
    assert skill_answer.spread == 3 and skill_answer.disagreement
    assert skill_answer.evidence == ["I profiled the slow queries", "added the missing indexes"]
    (communication_answer,) = communication.answers
    # Mean and spread over the runs that gave a score; a run finding no evidence disagrees.
    assert communication_answer.run_scores == [3, None, 3]
    assert communication_answer.mean_score == 3.0 and communication_answer.spread == 0
    assert communication_answer.disagreement
    assert report.reliability.evaluation_runs == 3
    assert report.reliability.max_spread == 3
    assert [a.stage_key for a in report.reliability.disagreements] == ["skill", "communication"]
    assert "disagree on 2 answer" in report.recommendation_reason
    assert any("disagree on 2 answer(s) (skill, communication)" in r for r in report.human_review)


def _two_answers(
    scores: tuple[int | None, int | None],
    weights: tuple[float, float] = (3, 1),
    vision: dict[str, object] | None = None,
    speech: dict[str, object] | None = None,
) -> Built:
    job = make_job(organisation_id=uuid.uuid4())
    job.competencies = [
        {**competency, "weight": weight}
        for competency, weight in zip(job.competencies, weights, strict=True)
    ]
    return build(
        [
            Answer(
                "skill",
                SKILL_ANSWER,
                {"job_skill": [Run(scores[0], ["I profiled the slow queries"])]},
                vision_summary=vision,
                stt_status=ProcessingStatus.DONE if speech else ProcessingStatus.NOT_NEEDED,
                metrics=speech,
            ),
            Answer(
                "communication",
                COMMUNICATION_ANSWER,
                {"communication": [Run(scores[1], ["I explain trade-offs"])]},
                vision_summary=vision,
                stt_status=ProcessingStatus.DONE if speech else ProcessingStatus.NOT_NEEDED,
                metrics=speech,
            ),
        ],
        job=job,
        consent_video=True,
        language="en",
    )


@pytest.mark.parametrize(
    ("scores", "weights", "expected", "said"),
    [
        ((4, 4), (3, 1), Recommendation.ADVANCE, "with coverage of at least 75%"),
        ((4, 2), (3, 1), Recommendation.ADVANCE, "3.50 of 5"),
        ((3, 3), (3, 1), Recommendation.HOLD, "is between 2.0 and 3.5"),
        ((2, 1), (3, 1), Recommendation.REJECT, "is at most 2.0"),
        # Coverage: the weight share of the probed competencies that showed evidence.
        ((4, None), (3, 1), Recommendation.ADVANCE, "coverage 75%"),
        ((None, 5), (3, 1), Recommendation.REJECT, "coverage is below 50%"),
        ((5, None), (1, 1), Recommendation.HOLD, "but coverage is below 75%"),
        ((None, None), (1, 1), Recommendation.REJECT, "None of the 2 probed competencies"),
    ],
)
def test_recommendation_rule(
    scores: tuple[int | None, int | None],
    weights: tuple[float, float],
    expected: Recommendation,
    said: str,
) -> None:
    report = assemble_report(_two_answers(scores, weights).inputs())
    assert report.recommendation is expected
    assert said in report.recommendation_reason
    if scores == (2, 1):
        assert [a.competency for a in report.areas_to_improve] == ["job_skill", "communication"]


@pytest.mark.parametrize("scores", [(4, 4), (3, 3), (2, 1)])
def test_integrity_flags_route_to_a_person_and_never_change_the_recommendation(
    scores: tuple[int, int],
) -> None:
    clean = assemble_report(_two_answers(scores, vision={**VISION_WITH_EMOTION}).inputs())
    flagged_vision = {**VISION_WITH_EMOTION, "flags": [GAZE_AWAY, {**GAZE_AWAY, "start_s": 20.0}]}
    flagged = assemble_report(_two_answers(scores, vision=flagged_vision).inputs())
    assert len(flagged.integrity_flags) == 4
    assert flagged.recommendation == clean.recommendation
    assert flagged.recommendation_reason == clean.recommendation_reason
    assert flagged.weighted_score == clean.weighted_score
    assert clean.human_review == []
    (review,) = flagged.human_review
    assert review.startswith("4 integrity flag(s) raised (gaze_away)")


def test_speech_figures_never_change_a_score_or_the_recommendation() -> None:
    calm = assemble_report(_two_answers((4, 3), speech=metrics(120, 60.0, 2, 1.0, 0)).inputs())
    hurried = assemble_report(_two_answers((4, 3), speech=metrics(200, 40.0, 14, 6.5, 25)).inputs())
    assert calm.communication.words_per_minute != hurried.communication.words_per_minute
    for report in (calm, hurried):
        assert report.recommendation is Recommendation.ADVANCE
    assert [c.score for c in calm.competencies] == [c.score for c in hurried.competencies]
    assert calm.weighted_score == hurried.weighted_score
    assert calm.recommendation_reason == hurried.recommendation_reason


def test_answers_the_evaluator_flagged_are_listed_for_a_person() -> None:
    flag = "text addressed to the evaluator was removed before scoring"
    built = build(
        [
            Answer(
                "skill",
                SKILL_ANSWER,
                {
                    "job_skill": [
                        Run(3, ["I profiled the slow queries"], review_flags=[flag]),
                        Run(3, ["I profiled the slow queries"], review_flags=[flag]),
                    ]
                },
            )
        ],
        language="en",
    )
    report = assemble_report(built.inputs())
    assert report.competencies[0].answers[0].review_flags == [flag]
    assert report.human_review == [f"Answer at stage 'skill': {flag}"]
    assert report.recommendation is Recommendation.HOLD


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
    # The builders' interview is Korean: the note is in its language.
    assert "표정 분석에 동의하지 않았습니다" in " ".join(refused.observations.notes)
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
    assert [c.state for c in summary.criteria] == ["scored", "scored"]
    assert "Scored from the quoted words." not in dumped  # evaluator rationale
    assert report.recommendation_reason not in dumped
    assert "각 답변은" in summary.explanation
