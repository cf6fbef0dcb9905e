"""The validator refuses what a candidate must never be asked, seen from small models, and
accepts the questions an interviewer would ask."""

import pytest

from ai_worker.llm.composition import FocusError, compose_question, parse_focus
from ai_worker.llm.validation import extract_question, question_problems, refers_to
from tests.llm.test_generation import request_for

ANSWER = "I rebuilt our nightly batch so it finishes in 40 minutes instead of three hours."


@pytest.mark.parametrize(
    ("reply", "topic", "problem"),
    [
        (
            'The candidate responds by asking, "What made you decide to apply to my team?"',
            "motivation",
            "not spoken as the interviewer",
        ),
        (
            'A possible follow-up question could be: "What was the most challenging part?"',
            "problem_solving",
            "not spoken as the interviewer",
        ),
        (
            "Can you please provide me with more details about yourself so we can get started?",
            "growth",
            "off the stage's topic",
        ),
        ("What can I do for you today?", "responsibility", "not spoken as the interviewer"),
        (
            "I'm sorry for any confusion, but as an AI I cannot conduct interviews?",
            "experience",
            "not spoken as the interviewer",
        ),
        ('"How do you learn new tools on the job?"', "growth", "wrapped in quotes"),
        ("어떻게 도와드릴까요?", "responsibility", "not spoken as the interviewer"),
        ("1024, 365, 789, 1024, 365, 789?", "experience", "not in Korean"),
        (
            "How do you handle conflict? And what about deadlines?",
            "communication",
            "more than one question",
        ),
    ],
)
def test_refuses_what_small_models_wrote(reply: str, topic: str, problem: str) -> None:
    language = "ko" if problem == "not in Korean" or "도와" in reply else "en"
    problems = question_problems(extract_question(reply), language, [], topic=topic)
    assert problem in problems, problems


@pytest.mark.parametrize(
    ("text", "language", "topic"),
    [
        (
            "Tell me about a time you had to explain a technical risk to a customer.",
            "en",
            "communication",
        ),
        ("What draws you to this role at a payments company?", "en", "motivation"),
        ("최근에 새로 배운 기술과 그것을 어떻게 익혔는지 말씀해 주세요.", "ko", "growth"),
        ("이 직무에 지원하신 이유는 무엇인가요?", "ko", "motivation"),
    ],
)
def test_accepts_an_interviewers_question(text: str, language: str, topic: str) -> None:
    assert question_problems(text, language, [], topic=topic) == []  # type: ignore[arg-type]


def test_a_follow_up_must_pick_up_the_answer() -> None:
    unrelated = "What motivates you to get up in the morning?"
    related = "How did you measure the batch's runtime before and after your change?"
    assert "does not refer to the answer" in question_problems(unrelated, "en", [], answer=ANSWER)
    assert question_problems(related, "en", [], answer=ANSWER) == []
    assert refers_to(related, ANSWER)


def test_a_label_is_dropped_but_a_preamble_is_not_salvaged() -> None:
    assert extract_question("Question: What did you build?\nmore") == "What did you build?"
    assert extract_question('Sure! Here is one: "What did you build?"').startswith("Sure!")


def test_the_focus_must_be_copied_from_the_source_and_the_span_is_the_sources() -> None:
    focus = parse_focus("Phrase: Nightly  Batch.", ANSWER, "problem_solving")
    assert focus.phrase == "nightly batch"
    assert focus.angle == "challenge"
    with pytest.raises(FocusError):
        parse_focus("a migration to Kafka", ANSWER, "experience")
    with pytest.raises(FocusError):
        parse_focus("", ANSWER, "experience")


def test_korean_particles_dropped_by_the_model_are_taken_from_the_source() -> None:
    source = "세림산업 회계팀에서 월 결산을 맡았고, 부가세 신고도 했습니다."
    focus = parse_focus("회계팀 월 결산, 부가세 신고", source, "responsibility")
    assert focus.phrase == "회계팀에서 월 결산"  # the first item, in the source's words
    # A reply cut off by the token limit loses its last, possibly partial, word.
    cut = parse_focus("세림산업 회계팀 월 결", source, "experience", truncated=True)
    assert cut.phrase == "세림산업 회계팀에서 월"


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_composed_form_passes_the_validator(language: str) -> None:
    from typing import get_args

    from ai_worker.llm.composition import Angle, Focus
    from ai_worker.llm.validation import STAGE_TOPIC_WORDS

    phrase = "nightly batch" if language == "en" else "야간 정산 배치"
    answer = ANSWER if language == "en" else "야간 정산 배치를 다시 만들어 40분으로 줄였습니다."
    follow_up = request_for(language, "followup", answer)  # type: ignore[arg-type]
    for angle in get_args(Angle):
        text = compose_question(follow_up, Focus(phrase, angle), "problem_solving")
        assert question_problems(text, language, [], answer=answer) == [], text  # type: ignore[arg-type]
    opening = request_for(language, "generated")  # type: ignore[arg-type]
    for topic in STAGE_TOPIC_WORDS:
        for repeat in (False, True):
            text = compose_question(opening, Focus(phrase, "role"), topic, repeat)
            assert question_problems(text, language, [], topic=topic) == [], text  # type: ignore[arg-type]


def test_a_free_form_question_ends_at_its_first_question_mark() -> None:
    from ai_worker.llm.generation import _through_first_question_mark

    assert _through_first_question_mark("Why this team? What") == "Why this team?"
    assert _through_first_question_mark('"Why this team?" And') == '"Why this team?"'
    assert _through_first_question_mark("왜 지원하셨나요? 그리고") == "왜 지원하셨나요?"
    assert _through_first_question_mark("Tell me about it.") == "Tell me about it."


def test_a_paraphrased_or_quoted_copy_keeps_the_part_the_source_holds() -> None:
    # A quote mark before a source word, and the model's words with the quotes dropped.
    quoted = "사내 스터디에서 'Kotlin 코루틴' 발표, 개인 기술 블로그 운영"
    assert parse_focus("Kotlin 코루틴 발표", quoted, "growth").phrase == "Kotlin 코루틴 발표"
    # One word paraphrased ("함께" for "같이"): the longest run the source holds wins, a
    # Korean word is matched by its stem ("팀원들과" for "팀원들이랑"), and a run left with
    # fillers and verbs only ("열심히 해서") is no phrase.
    answer = "그럴 때는 팀원들이랑 같이 열심히 해서 다음 달에 만회했습니다."
    focus = parse_focus("팀원들과 함께 열심히 해서 다 잘", answer, "responsibility")
    assert focus.phrase == "팀원들"
    source = "재고 관리는 BigQuery와 엑셀로 했고, 암모니아 수치 검사가 나갔어요."
    assert parse_focus("BigQuery와", source, "job_skill").phrase == "BigQuery"
    cut_off = parse_focus("암모니아 수치 검사가 나갔어요", source, "experience")
    assert cut_off.phrase == "암모니아 수치 검사"
    # A short noun at the end is kept ("두 배"), a filler is not ("잘").
    counted = "물량이 평소의 두 배, 게다가 절차도 잘 몰랐습니다."
    assert parse_focus("물량이 평소의 두 배", counted, "experience").phrase == "물량이 평소의 두 배"
    assert parse_focus("절차도 잘", counted, "experience").phrase == "절차"


def test_the_code_picks_the_most_specific_words_when_the_model_cannot() -> None:
    from ai_worker.llm.composition import pick_focus

    vague = "음, 그냥 요즘 건강기능식품 시장이 커지고 있어서요. 열심히 하겠습니다."
    picked = pick_focus(request_for("ko", "followup", vague), "motivation")
    # Not a filler, not a cut-off clause ("커지고 있어서요"), and without its particle.
    assert picked is not None and picked.phrase == "건강기능식품 시장"
    english = "For the CFO I talk about cost and ROI, for HR I talk about making their job easier."
    picked = pick_focus(request_for("en", "followup", english), "communication")
    assert picked is not None and picked.phrase == "cost and ROI"
    # Nothing specific to ask about: no pick, the bank question follows.
    nothing = request_for("en", "followup", "Yeah, so, I think that's it.")
    assert pick_focus(nothing, "growth") is None
