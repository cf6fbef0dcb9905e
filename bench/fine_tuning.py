"""Fine-tuning: how long a LoRA adapter takes to train on the embedded small model on this
machine, and how it compares with its base on the adapter benchmark that gates activation.

    .venv/bin/python bench/fine_tuning.py              # a tiny run and a larger one
    .venv/bin/python bench/fine_tuning.py --quick      # the tiny run, fewer cases

The training data stands in for an organisation's approved questions: each English case of
bench/data/question_cases.json that is not among the adapter benchmark's packaged cases, with
its vetted bank question as the approved wording. Both runs go through `train_adapter` (the
function the GPU worker's `llm.train_adapter` runs: SmolLM2-135M in float32 on a CPU, QLoRA
where CUDA is present) into a media store under a temporary directory; the larger adapter is
then attached with `with_adapter` and `run_adapter_benchmark` runs the packaged cases on the
base and on the adapter, as `llm.benchmark_adapter` does.

Writes bench/results/fine_tuning.json.
"""

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "fine_tuning.json"
CASES = ROOT / "data" / "question_cases.json"
BASE_MODEL = "smollm2-135m"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the tiny run and 1 case per kind")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="bench-fine-tuning-"))
    os.environ.update(
        {
            "DATA_DIR": str(data_dir),
            "MEDIA_STORE": "file",
            "HF_HUB_OFFLINE": "1",
            "LLM_CACHE_DIR": os.environ.get(
                "LLM_CACHE_DIR", str(ROOT.parent / ".cache" / "models" / "llm")
            ),
        }
    )
    from ai_worker.llm.adapter_benchmark import (
        packaged_cases,
        question_request,
        run_adapter_benchmark,
    )
    from ai_worker.llm.adapters import with_adapter
    from ai_worker.llm.loader import load_llm
    from ai_worker.llm.registry import allowed_model, settings_for
    from ai_worker.llm.settings import get_llm_settings
    from ai_worker.llm.training import train_adapter
    from interview_contracts.modelops import AdapterRef
    from interview_contracts.training import (
        AdapterBenchmarkRequest,
        QuestionExample,
        TrainingHyperParameters,
        TrainingRequest,
    )

    version, benchmark_questions, _ = packaged_cases()
    held_out = {request.interview_id for request in benchmark_questions}
    cases = json.loads(CASES.read_text())["en"]
    examples = []
    for case in cases:
        request = question_request(case, "en")
        if request.interview_id in held_out:
            continue
        examples.append(QuestionExample(request=request, question=case["bank_question"]))
    runs = {
        "tiny": TrainingHyperParameters(
            rank=4, alpha=8, epochs=1, max_steps=3, batch_size=2, max_length=256, seed=7
        ),
        "larger": TrainingHyperParameters(
            rank=8, alpha=16, epochs=2, max_steps=0, batch_size=4, max_length=512, seed=7
        ),
    }
    if args.quick:
        runs.pop("larger")
    organisation = uuid.uuid4()
    results: dict[str, Any] = {
        "base_model_id": BASE_MODEL,
        "examples": len(examples),
        "cases_version": version,
        "runs": {},
    }
    trained: dict[str, tuple[uuid.UUID, dict[str, str]]] = {}
    for name, hyper in runs.items():
        adapter_id = uuid.uuid4()
        request = TrainingRequest(
            adapter_id=adapter_id,
            organisation_id=organisation,
            version=1,
            base_model_id=BASE_MODEL,
            dataset_id=uuid.uuid4(),
            dataset_version=1,
            examples=examples[: 6 if name == "tiny" else None],
            hyper_parameters=hyper,
            media_prefix=f"adapters/{organisation}/{adapter_id}",
        )
        started = time.monotonic()
        result = train_adapter(request, lambda progress: None, lambda: False)
        wall_s = time.monotonic() - started
        print(f"{name}: {result.outcome} in {wall_s:.1f} s, {result.steps} steps", flush=True)
        if result.outcome != "trained":
            sys.exit(f"training failed: {result.error}")
        results["runs"][name] = {
            "examples": len(request.examples),
            "hyper_parameters": hyper.model_dump(),
            "steps": result.steps,
            "final_loss": result.final_loss,
            "training_s": round(result.duration_s, 2),
            "wall_s_with_model_load": round(wall_s, 2),
            "device": result.device,
            "quantization": result.quantization,
            "adapter_bytes": sum(
                (data_dir / "media" / request.media_prefix / file).stat().st_size
                for file in result.files
            ),
        }
        trained[name] = (adapter_id, result.files)

    name = "tiny" if args.quick else "larger"
    adapter_id, files = trained[name]
    ref = AdapterRef(
        adapter_id=adapter_id,
        organisation_id=organisation,
        version=1,
        base_model_id=BASE_MODEL,
        media_prefix=f"adapters/{organisation}/{adapter_id}",
        files=files,
    )
    settings = get_llm_settings()
    base = load_llm(settings_for(allowed_model(BASE_MODEL), settings))
    adapted = with_adapter(base, ref, settings.resolved_cache_dir)
    benchmark = run_adapter_benchmark(
        AdapterBenchmarkRequest(adapter=ref, case_limit=1 if args.quick else None), base, adapted
    )
    results["benchmark"] = {"adapter_run": name, **benchmark.model_dump(mode="json")}
    print(json.dumps(results["benchmark"], indent=2), flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT.parent)}")


if __name__ == "__main__":
    main()
