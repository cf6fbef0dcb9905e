"""Answer evaluation: schema-valid scores whose evidence is always the answer's own text."""

import json
import uuid

import pytest

from ai_worker.llm.deterministic import score_deterministically
from ai_worker.llm.evaluation import EvaluationOutputError, evaluate_answer, parse_llm_evaluation
from ai_worker.llm.loader import LoadedLLM
from interview_contracts.llm import (
    AnswerEvaluation,
    CompetencySpec,
    EvaluationRequest,
    SpeechFigures,
)

COMPETENCIES = [
    CompetencySpec(
        key="teamwork",
        name="Teamwork",
        description="Working with colleagues toward a shared goal and resolving disagreements.",
    ),
]
STRONG_ANSWER = (
    "At my previous company our team had to ship a payments feature in three weeks. "
    "My role was to coordinate the backend work with two teammates who disagreed on the design. "
    "I organized a short meeting where each of them explained their approach, and we agreed to "
    "prototype both for one day. As a result we picked the simpler design, shipped on time, and "
    "the team kept that habit of quick prototypes."
)


def _request(answer: str, speech: SpeechFigures | None = None) -> EvaluationRequest:
    return EvaluationRequest(
        turn_id=uuid.uuid4(),
        language="en",
        question="Tell me about a time you helped your team resolve a disagreement.",
        answer=answer,
        competencies=COMPETENCIES,
        speech=speech,
    )


def _assert_grounded(evaluation: AnswerEvaluation, answer: str) -> None:
    AnswerEvaluation.model_validate(evaluation.model_dump())
    assert [s.competency for s in evaluation.scores] == [c.key for c in COMPETENCIES]
    for score in evaluation.scores:
        assert 1 <= score.score <= 5 and score.rationale
        assert all(quote in answer for quote in score.evidence), score.evidence
    assert evaluation.model_id


def test_embedded_llm_evaluation_is_schema_valid_and_grounded(embedded_llm: LoadedLLM) -> None:
    evaluation = evaluate_answer(_request(STRONG_ANSWER))
    _assert_grounded(evaluation, STRONG_ANSWER)
    if evaluation.evaluator == "llm":
        assert evaluation.model_id == embedded_llm.model_id
    else:  # SmolLM2's JSON failed twice: the deterministic scorer says so
        assert evaluation.attempts == 2
        assert evaluation.model_id.startswith("deterministic+")
        assert evaluation.scores[0].evidence


def test_deterministic_scorer_ranks_a_structured_answer_above_a_vague_one() -> None:
    vague = "I think teamwork is good and I like working with people on my team."
    strong = score_deterministically(_request(STRONG_ANSWER))
    weak = score_deterministically(_request(vague))
    _assert_grounded(strong, STRONG_ANSWER)
    _assert_grounded(weak, vague)
    assert strong.evaluator == "deterministic"
    assert strong.scores[0].score > weak.scores[0].score


def test_poor_delivery_lowers_the_deterministic_score() -> None:
    calm = score_deterministically(_request(STRONG_ANSWER, SpeechFigures(words_per_minute=140)))
    rushed = score_deterministically(
        _request(
            STRONG_ANSWER,
            SpeechFigures(words_per_minute=240, fillers_per_minute=15, longest_pause_s=12),
        )
    )
    assert rushed.scores[0].score < calm.scores[0].score
    assert "pace 240" in rushed.scores[0].rationale


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("   ", "empty"),
        ("My favourite pizza topping is pineapple and I like sunny weather.", "off-topic"),
    ],
)
def test_empty_or_off_topic_answers_score_lowest_with_the_reason(answer: str, reason: str) -> None:
    evaluation = evaluate_answer(_request(answer))
    assert evaluation.evaluator == "deterministic"
    assert all(s.score == 1 and not s.evidence for s in evaluation.scores)
    assert reason in evaluation.scores[0].rationale


def _reply(score: int, evidence: list[str], competency: str = "teamwork") -> str:
    body = {
        "scores": [
            {"competency": competency, "score": score, "evidence": evidence, "rationale": "r"}
        ],
        "overall_note": "Clear example.",
    }
    return "Here is the JSON:\n```json\n" + json.dumps(body) + "\n```"


def test_parser_keeps_only_quotes_the_answer_contains() -> None:
    request = _request(STRONG_ANSWER)
    reply = _reply(
        4,
        ["I organized a  short meeting", "I single-handedly saved the company", "AS A RESULT we"],
    )
    scores, note = parse_llm_evaluation(reply, request)
    assert scores[0].evidence == ["I organized a short meeting", "As a result we"]
    assert note == "Clear example."


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("I would rate this a 4.", "no JSON object"),
        ('{"scores": [}', "invalid JSON"),
        (_reply(7, ["our team"]), "schema"),
        (_reply(3, ["something never said"]), "quotes nothing"),
        (_reply(2, [], competency="leadership"), "no score for: teamwork"),
    ],
)
def test_parser_rejects_unusable_replies(reply: str, problem: str) -> None:
    with pytest.raises(EvaluationOutputError, match=problem):
        parse_llm_evaluation(reply, _request(STRONG_ANSWER))
