"""LoRA training on an allow-listed base model, from the examples a training request carries.

QLoRA where CUDA is available (the base in 4-bit NF4 through bitsandbytes, prepared with
peft's `prepare_model_for_kbit_training`), the same code on the float32 base on a CPU. Each
example becomes the chat prompt question generation sends (`question_messages`) with the
approved question as the assistant's reply; the loss counts only the reply's tokens. One
seed fixes the LoRA initialisation, dropout and the order of the examples, so two runs on a
CPU give the same adapter. The adapter's files go to the media store under the request's
prefix; the result names each with its sha256, which is what a worker checks before attaching
it (adapters.py).
"""

import hashlib
import logging
import math
import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_worker.llm.embedded import embedded_model_dir
from ai_worker.llm.loader import release_memory
from ai_worker.llm.prompts import question_messages
from ai_worker.llm.registry import allowed_model, settings_for, verified_sha256
from ai_worker.llm.settings import LLMSettings, get_llm_settings, remote_code_decision
from interview_contracts.llm import QuestionRequest
from interview_contracts.media import get_media_store
from interview_contracts.training import (
    TrainingHyperParameters,
    TrainingProgress,
    TrainingRequest,
    TrainingResult,
)

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 2.0
_ERROR_CHARS = 500
_IGNORE = -100  # label of a token the loss does not count
# peft writes a model card beside the adapter; it is not part of what is served.
_NOT_STORED = {"README.md"}


class TrainingCancelledError(Exception):
    """The backend asked for the training to stop."""


class TrainingTimeoutError(RuntimeError):
    """The training ran past the request's max_seconds."""


@dataclass(frozen=True)
class _Example:
    input_ids: list[int]
    labels: list[int]


def error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:_ERROR_CHARS]


def train_adapter(
    request: TrainingRequest,
    on_progress: Callable[[TrainingProgress], None],
    cancelled: Callable[[], bool],
) -> TrainingResult:
    """Train, store and describe the adapter; never raises: a failure is the result's
    outcome, and a cancelled or failed training leaves nothing in the media store."""
    started = time.monotonic()
    try:
        return _train(request, on_progress, cancelled, started)
    except TrainingCancelledError:
        logger.info("training cancelled", extra={"adapter_id": str(request.adapter_id)})
        return TrainingResult(
            adapter_id=request.adapter_id,
            outcome="cancelled",
            duration_s=time.monotonic() - started,
        )
    except Exception as error:
        logger.exception("training failed", extra={"adapter_id": str(request.adapter_id)})
        return TrainingResult(
            adapter_id=request.adapter_id,
            outcome="failed",
            error=error_text(error),
            duration_s=time.monotonic() - started,
        )
    finally:
        release_memory()


def _train(
    request: TrainingRequest,
    on_progress: Callable[[TrainingProgress], None],
    cancelled: Callable[[], bool],
    started: float,
) -> TrainingResult:
    model_entry = allowed_model(request.base_model_id)
    if not model_entry.trainable:
        raise ValueError(
            f"model {model_entry.id} is served by {model_entry.backend}: adapters train on "
            "transformers models only"
        )
    settings = settings_for(model_entry, get_llm_settings())
    base_sha256 = verified_sha256(model_entry, settings)
    hyper = request.hyper_parameters
    _seed_everything(hyper.seed)
    model, tokenizer, device, quantization = _load_base(settings)
    examples = [_tokenised(tokenizer, e.request, e.question, hyper) for e in request.examples]
    model = _with_lora(model, hyper)

    import torch

    optimiser = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=hyper.learning_rate
    )
    total = _total_steps(len(examples), hyper)
    order = random.Random(hyper.seed)
    pad_id = int(tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0)
    step, loss_value, last_report = 0, None, time.monotonic()

    def progress() -> TrainingProgress:
        return TrainingProgress(
            adapter_id=request.adapter_id,
            step=step,
            total_steps=total,
            loss=loss_value,
            elapsed_s=time.monotonic() - started,
        )

    on_progress(progress())  # loaded: the UI shows the step count from here
    model.train()
    while step < total:
        indexes = list(range(len(examples)))
        order.shuffle(indexes)
        for first in range(0, len(indexes), hyper.batch_size):
            if step >= total:
                break
            if cancelled():
                raise TrainingCancelledError()
            if time.monotonic() - started > hyper.max_seconds:
                raise TrainingTimeoutError(
                    f"training stopped at step {step} of {total}: it ran past its limit of "
                    f"{hyper.max_seconds} s (max_seconds)"
                )
            batch = [examples[i] for i in indexes[first : first + hyper.batch_size]]
            loss = model(**_collated(batch, pad_id, device), use_cache=False).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(
                [p for p in model.parameters() if p.requires_grad], max_norm=1.0
            )
            optimiser.step()
            optimiser.zero_grad(set_to_none=True)
            step += 1
            loss_value = float(loss.detach())
            if not math.isfinite(loss_value):
                raise RuntimeError(f"the loss became {loss_value} at step {step}")
            if time.monotonic() - last_report >= PROGRESS_EVERY_S:
                on_progress(progress())
                last_report = time.monotonic()
    on_progress(progress())
    if cancelled():
        raise TrainingCancelledError()
    files = _store_adapter(model, model_entry.id, request.media_prefix)
    result = TrainingResult(
        adapter_id=request.adapter_id,
        outcome="trained",
        files=files,
        base_model_sha256=base_sha256,
        steps=step,
        final_loss=loss_value,
        duration_s=time.monotonic() - started,
        device=device,
        quantization=quantization,
    )
    logger.info(
        "adapter trained",
        extra={
            "adapter_id": str(request.adapter_id),
            "steps": step,
            "final_loss": loss_value,
            "duration_s": round(result.duration_s, 1),
            "device": device,
        },
    )
    return result


def _total_steps(examples: int, hyper: TrainingHyperParameters) -> int:
    total = hyper.epochs * math.ceil(examples / hyper.batch_size)
    return min(total, hyper.max_steps) if hyper.max_steps > 0 else total


def _seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _load_base(settings: LLMSettings) -> tuple[Any, Any, str, str | None]:
    """The base model ready for LoRA: 4-bit NF4 and prepared for k-bit training on CUDA,
    float32 on a CPU; with its tokenizer, device and quantization."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig

    embedded = settings.llm_model == "embedded"
    path = str(embedded_model_dir(settings.resolved_cache_dir)) if embedded else settings.llm_model
    device = settings.resolved_device
    on_cuda = device.startswith("cuda")
    if not on_cuda and settings.llm_cpu_threads > 0:
        torch.set_num_threads(settings.llm_cpu_threads)
    # As the loader decides: modelling code shipped with the weights runs only from a pinned
    # commit, a local directory, or an explicit opt-in.
    decision = remote_code_decision(settings, path)
    remote_code = decision.trust_remote_code
    pinned = decision.pinned
    kwargs: dict[str, Any] = {
        "device_map": {"": 0 if on_cuda else "cpu"},
        "trust_remote_code": remote_code,
        **pinned,
    }
    quantization: str | None = None
    if on_cuda:
        quantization = "nf4"
        kwargs["dtype"] = torch.bfloat16
        kwargs["quantization_config"] = BitsAndBytesConfig(  # type: ignore[no-untyped-call]
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
    else:
        kwargs["dtype"] = torch.float32
    tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=remote_code, **pinned)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model: Any = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    if on_cuda:
        from peft import prepare_model_for_kbit_training

        # Activations recomputed in the backward pass: the memory a 7.8B model's batch needs
        # beside its 4-bit weights. torch wants the checkpointing variant named.
        model = prepare_model_for_kbit_training(  # type: ignore[no-untyped-call]
            model,
            use_gradient_checkpointing=True,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    return model, tokenizer, device, quantization


def _with_lora(model: Any, hyper: TrainingHyperParameters) -> Any:
    from peft import LoraConfig, get_peft_model

    present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    targets = [name for name in hyper.target_modules if name in present]
    if not targets:
        raise ValueError(f"none of the target modules {hyper.target_modules} is in this model")
    config = LoraConfig(
        r=hyper.rank,
        lora_alpha=hyper.alpha,
        lora_dropout=hyper.dropout,
        target_modules=targets,
        bias="none",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)


def _tokenised(
    tokenizer: Any, request: QuestionRequest, question: str, hyper: TrainingHyperParameters
) -> _Example:
    """The generation prompt for the example's context, then the question as the assistant's
    turn (with the template's end-of-turn, so the adapter learns to stop); labels only on the
    question's tokens. Cut from the left past max_length, so the target always stays."""
    messages = question_messages(request)
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    whole = tokenizer.apply_chat_template(
        [*messages, {"role": "assistant", "content": question}], tokenize=False
    )
    target = (
        whole[len(prompt) :] if whole.startswith(prompt) else question + (tokenizer.eos_token or "")
    )
    prompt_ids = tokenizer(prompt, add_special_tokens=False).input_ids
    target_ids = tokenizer(target.rstrip("\n"), add_special_tokens=False).input_ids
    input_ids = (prompt_ids + target_ids)[-hyper.max_length :]
    labels = ([_IGNORE] * len(prompt_ids) + target_ids)[-hyper.max_length :]
    return _Example(input_ids, labels)


def _collated(batch: list[_Example], pad_id: int, device: str) -> dict[str, Any]:
    """Right-padded tensors; padding is masked out of attention and loss."""
    import torch

    width = max(len(e.input_ids) for e in batch)
    input_ids = [e.input_ids + [pad_id] * (width - len(e.input_ids)) for e in batch]
    labels = [e.labels + [_IGNORE] * (width - len(e.labels)) for e in batch]
    mask = [[1] * len(e.input_ids) + [0] * (width - len(e.input_ids)) for e in batch]
    target = "cuda:0" if device.startswith("cuda") else "cpu"
    return {
        "input_ids": torch.tensor(input_ids, device=target),
        "attention_mask": torch.tensor(mask, device=target),
        "labels": torch.tensor(labels, device=target),
    }


def _store_adapter(model: Any, base_model_id: str, media_prefix: str) -> dict[str, str]:
    """Save the adapter and put its files under `media_prefix`; name -> sha256. A failed
    upload deletes what it had put."""
    # The config would otherwise carry this machine's path to the base weights.
    model.peft_config["default"].base_model_name_or_path = base_model_id
    store = get_media_store()
    files: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="adapter-") as staging:
        # The vocabulary is never resized: no full embedding matrix to save (and no look-up of
        # the base model by name to find out).
        model.save_pretrained(staging, save_embedding_layers=False)
        try:
            for path in sorted(Path(staging).iterdir()):
                if not path.is_file() or path.name in _NOT_STORED:
                    continue
                data = path.read_bytes()
                store.put(f"{media_prefix}/{path.name}", data)
                files[path.name] = hashlib.sha256(data).hexdigest()
        except BaseException:
            for name in files:
                store.delete(f"{media_prefix}/{name}")
            raise
    return files
