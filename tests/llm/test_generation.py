"""Question generation with the embedded SmolLM2, through the batcher, in English and Korean."""

import threading
import uuid

from ai_worker.llm.batcher import GenerationBatcher
from ai_worker.llm.generation import generate_question
from ai_worker.llm.loader import LoadedLLM
from ai_worker.llm.validation import language_share, question_problems
from interview_contracts.llm import (
    GeneratedQuestion,
    PreviousTurn,
    QuestionRequest,
    QuestionSource,
    StageType,
)

EARLIER_QUESTION = "Tell me about a time you worked with a difficult teammate."


def _english_request(stage_type: StageType) -> QuestionRequest:
    return QuestionRequest(
        interview_id=uuid.uuid4(),
        language="en",
        stage_key=f"{stage_type}-stage",
        stage_type=stage_type,
        competency="Problem solving",
        competency_description="Breaking a hard technical problem down and finding its cause.",
        job_title="Backend Engineer",
        job_description="Build and run Python web services backed by PostgreSQL.",
        resume_excerpts=["Cut API latency by 40% by adding caching to a Django service."],
        example_questions=["How do you find the cause of a slow database query?"],
        previous_turns=[
            PreviousTurn(
                question=EARLIER_QUESTION,
                answer="I paired with him every morning and we agreed on code review rules.",
            )
        ],
        asked_questions=[EARLIER_QUESTION],
        bank_question="Describe a difficult bug you fixed and how you found its cause.",
    )


def test_each_stage_type_gets_an_english_question_from_concurrent_batched_calls(
    embedded_llm: LoadedLLM,
) -> None:
    stage_types: list[StageType] = ["template", "generated", "followup"]
    results: dict[str, GeneratedQuestion] = {}
    streamed: dict[str, list[str]] = {stage: [] for stage in stage_types}
    assert isinstance(embedded_llm.generator, GenerationBatcher)
    batches_before = len(embedded_llm.generator.batch_sizes)

    def ask(stage_type: StageType) -> None:
        results[stage_type] = generate_question(
            _english_request(stage_type), on_token=streamed[stage_type].append
        )

    threads = [threading.Thread(target=ask, args=(stage,)) for stage in stage_types]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for stage_type in stage_types:
        question = results[stage_type]
        assert question.source in (QuestionSource.LLM, QuestionSource.LLM_REPAIRED), (
            stage_type,
            question,
        )
        assert question_problems(question.text, "en", [EARLIER_QUESTION]) == []
        assert question.model_id == "HuggingFaceTB/SmolLM2-135M-Instruct"
        assert question.attempts == (1 if question.source is QuestionSource.LLM else 2)
        # The tokens streamed as they came, and the accepted question is among them.
        assert question.text in "".join(streamed[stage_type])
    # The three requests arrived together and shared a generate call.
    assert max(embedded_llm.generator.batch_sizes[batches_before:]) > 1


def test_a_korean_job_gets_a_korean_question_or_the_recorded_korean_bank_fallback(
    embedded_llm: LoadedLLM,
) -> None:
    bank = "최근에 팀원과 의견이 달랐던 경험과 그것을 어떻게 해결했는지 말씀해 주세요."
    request = QuestionRequest(
        interview_id=uuid.uuid4(),
        language="ko",
        stage_key="collaboration",
        stage_type="generated",
        competency="협업",
        competency_description="다른 사람과 함께 공동의 목표를 달성하는 능력",
        job_title="백엔드 개발자",
        job_description="파이썬과 PostgreSQL로 웹 서비스를 개발하고 운영합니다.",
        bank_question=bank,
    )
    question = generate_question(request)
    if question.source is QuestionSource.BANK_FALLBACK:
        # Both attempts were rejected, each with its reasons; SmolLM2 writes English.
        assert question.text == bank
        assert question.attempts == 2
        assert [r.split(":")[0] for r in question.rejected_reasons] == ["attempt 1", "attempt 2"]
        assert any("not in Korean" in reason for reason in question.rejected_reasons), (
            question.rejected_reasons
        )
    else:
        assert language_share(question.text, "ko") >= 0.6
        assert question_problems(question.text, "ko", []) == []
    assert question.model_id == "HuggingFaceTB/SmolLM2-135M-Instruct"
