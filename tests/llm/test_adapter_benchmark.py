"""An adapter's benchmark on the tiny random model: the packaged cases through the real
generation and evaluation paths, on the base and with the adapter. The figures of a random
model are poor; what is checked is that every case ran and each figure is filled."""

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from ai_worker.llm.adapter_benchmark import (
    benchmark,
    is_valid_question,
    packaged_cases,
    run_adapter_benchmark,
)
from ai_worker.llm.adapters import with_adapter
from ai_worker.llm.loader import LoadedLLM, load_llm
from ai_worker.llm.settings import LLMBackend, LLMDevice, LLMSettings
from interview_contracts.media import get_media_store
from interview_contracts.modelops import AdapterRef
from interview_contracts.training import (
    AdapterBenchmarkRequest,
    AdapterBenchmarkResult,
    BenchmarkFigures,
)
from tests.llm.test_adapters import stored_adapter


@pytest.fixture(scope="module")
def adapter_ref(
    tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdapterRef]:
    data_dir = tmp_path_factory.mktemp("benchmark-media")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MEDIA_STORE", "file")
        patch.setenv("DATA_DIR", str(data_dir))
        get_media_store.cache_clear()
        yield stored_adapter(tiny_model_dir, data_dir, 0.5)
    get_media_store.cache_clear()


@pytest.fixture(scope="module")
def models(
    tiny_model_dir: Path, adapter_ref: AdapterRef, tmp_path_factory: pytest.TempPathFactory
) -> tuple[LoadedLLM, LoadedLLM]:
    base = load_llm(
        LLMSettings(
            llm_model=str(tiny_model_dir),
            llm_device=LLMDevice.CPU,
            llm_backend=LLMBackend.TRANSFORMERS,
        )
    )
    return base, with_adapter(base, adapter_ref, tmp_path_factory.mktemp("benchmark-cache"))


@pytest.fixture(scope="module")
def result(adapter_ref: AdapterRef, models: tuple[LoadedLLM, LoadedLLM]) -> AdapterBenchmarkResult:
    started = time.monotonic()
    # The first case and pair of each language: every path runs in both languages, at a
    # quarter of the whole set's time (the limits themselves are checked below).
    request = AdapterBenchmarkRequest(adapter=adapter_ref, case_limit=1)
    outcome = run_adapter_benchmark(request, *models)
    print(f"packaged benchmark on the tiny model: {time.monotonic() - started:.1f} s")
    return outcome


def test_the_packaged_cases_are_four_of_each_kind_per_language() -> None:
    version, questions, scores = packaged_cases()
    assert version
    assert sorted(q.language for q in questions) == ["en"] * 4 + ["ko"] * 4
    pairs = {case.pair for case in scores}
    assert len(pairs) == 8 and len(scores) == 16
    for pair in pairs:
        levels = sorted(case.expected_level for case in scores if case.pair == pair)
        assert levels[0] < levels[1]
    assert all(case.request.competencies[0].strong_anchor for case in scores)


def test_without_cases_of_its_own_the_packaged_ones_run_on_both(
    result: AdapterBenchmarkResult, adapter_ref: AdapterRef
) -> None:
    assert result.error is None
    assert result.adapter_id == adapter_ref.adapter_id
    assert result.cases_version == packaged_cases()[0]
    assert result.duration_s > 0
    for figures in (result.base, result.adapter):
        assert figures is not None
        assert figures.question_cases == 2 and figures.score_pairs == 2
        for share in (
            figures.model_question_share,
            figures.valid_question_share,
            figures.pair_accuracy,
        ):
            assert share is not None and 0 <= share <= 1
        assert figures.question_latency_p50_ms is not None
        assert figures.question_latency_p50_ms > 0
        assert figures.mean_score_gap is not None and -4 <= figures.mean_score_gap <= 4


def test_a_request_with_its_own_cases_runs_only_those(
    adapter_ref: AdapterRef, models: tuple[LoadedLLM, LoadedLLM]
) -> None:
    _, questions, _ = packaged_cases()
    request = AdapterBenchmarkRequest(
        adapter=adapter_ref, question_cases=list(questions[:1]), score_cases=[]
    )
    own = run_adapter_benchmark(request, *models)
    assert own.cases_version.startswith("request-")
    assert own.base is not None and own.base.question_cases == 1
    assert own.base.score_pairs == 0 and own.base.pair_accuracy is None


def test_a_pair_without_a_strong_and_a_weak_answer_is_refused(
    models: tuple[LoadedLLM, LoadedLLM],
) -> None:
    _, _, scores = packaged_cases()
    with pytest.raises(ValueError, match="one strong and one weak"):
        benchmark(models[0], [], [scores[0]])
    assert benchmark(models[0], [], []) == BenchmarkFigures()


def test_a_valid_question_is_in_its_language_and_asks() -> None:
    assert is_valid_question("Why this role?", "en")
    assert is_valid_question("이 직무에 지원한 이유는 무엇인가요\uff1f", "ko")
    assert not is_valid_question("Tell me about this role.", "en")
    assert not is_valid_question("Why this 역할?", "en")


def test_the_adapted_model_reads_the_answers_itself(
    models: tuple[LoadedLLM, LoadedLLM],
) -> None:
    """Replies are remembered per model and adapter: the adapted model is asked itself, never
    answered from what its base replied to the same request."""
    from ai_worker.llm import evaluation

    base, adapted = models
    _, _, scores = packaged_cases()
    request = scores[0].request.model_copy(
        update={"answer": f"{scores[0].request.answer} Case {uuid.uuid4().hex[:8]}."}
    )
    before = len(evaluation._replies)
    evaluation.evaluate_answer(request, llm=base)
    after_base = len(evaluation._replies)
    evaluation.evaluate_answer(request, llm=adapted)
    assert after_base > before
    assert len(evaluation._replies) - after_base == after_base - before


def test_the_limits_keep_the_first_cases_of_each_language_and_whole_pairs() -> None:
    from ai_worker.llm.adapter_benchmark import limited_cases

    _, questions, scores = packaged_cases()
    ref = AdapterRef(
        adapter_id=uuid.uuid4(),
        organisation_id=uuid.uuid4(),
        version=1,
        base_model_id="tiny-test",
        media_prefix="adapters/x/y",
        files={"adapter_model.safetensors": "0" * 64},
    )
    one = AdapterBenchmarkRequest(adapter=ref, case_limit=1)
    kept_questions, kept_scores = limited_cases(one, list(questions), list(scores))
    assert [q.language for q in kept_questions] == ["en", "ko"]
    assert kept_questions == [
        next(q for q in questions if q.language == lang) for lang in ("en", "ko")
    ]
    # One pair per language: its strong and its weak answer.
    assert len(kept_scores) == 4 and len({case.pair for case in kept_scores}) == 2
    questions_only = AdapterBenchmarkRequest(adapter=ref, case_limit=1, score_pair_limit=0)
    assert limited_cases(questions_only, list(questions), list(scores))[1] == []
    everything = AdapterBenchmarkRequest(adapter=ref)
    assert limited_cases(everything, list(questions), list(scores)) == (
        list(questions),
        list(scores),
    )
