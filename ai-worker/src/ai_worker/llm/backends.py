"""Text generation backends: an in-process transformers model, or an OpenAI-compatible endpoint.

Both take chat messages and return text (nothing is streamed to a candidate: a question is
shown only once it passed validation). The transformers backend generates a whole batch in
one call (the batcher feeds it); the endpoint backend sends each request on its own, since
the engine behind it (llama.cpp's server, vLLM) already does continuous batching.
"""

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import httpx

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedTokenizerBase

ChatMessage = dict[str, str]


@dataclass
class GenerationRequest:
    messages: list[ChatMessage]
    max_new_tokens: int
    deadline: float  # time.monotonic() after which the request is abandoned
    stop: tuple[str, ...] = ()
    # Finish once one of these has been generated, keeping it (a question ends at its "?").
    end_after: tuple[str, ...] = ()
    # A JSON schema the engine constrains the output to (llama.cpp turns it into a grammar);
    # the in-process backend ignores it, so callers still validate what comes back.
    json_schema: dict[str, Any] | None = None
    # The LoRA adapter (by name, attached in process: adapters.py) to generate with; None: the
    # model as loaded. Endpoint backends serve no adapters.
    adapter: str | None = None


@dataclass
class GenerationOutput:
    text: str
    new_tokens: int
    first_token_s: float | None  # seconds from generation start to the first token
    duration_s: float
    timed_out: bool = False
    # Generation stopped at max_new_tokens: the text may end mid-word.
    truncated: bool = False


class TextGenerator(Protocol):
    def generate(self, request: GenerationRequest) -> GenerationOutput: ...


def cut_at_stop(text: str, stop: tuple[str, ...]) -> tuple[str, bool]:
    """The text before the earliest stop string, and whether one was found."""
    positions = [text.find(s) for s in stop if s and s in text]
    if not positions:
        return text, False
    return text[: min(positions)], True


def ends_after(text: str, marks: tuple[str, ...]) -> bool:
    """Whether a mark was generated and something followed it: one piece more, so a closing
    quote after the question mark is kept."""
    return any(mark in text.rstrip()[:-1] for mark in marks)


@dataclass
class _RowProgress:
    request: GenerationRequest
    token_ids: list[int] = field(default_factory=list)
    emitted: str = ""
    first_token_at: float | None = None
    done: bool = False
    timed_out: bool = False


class _BatchProgress:
    """Streamer and per-row stopping criterion of one batched generate call.

    transformers calls `put` with each step's new token of every row, then asks the stopping
    criterion which rows are finished; a finished row keeps receiving padding, which is ignored.
    """

    def __init__(self, tokenizer: "PreTrainedTokenizerBase", requests: list[GenerationRequest]):
        self._tokenizer = tokenizer
        self.rows = [_RowProgress(request) for request in requests]
        self.started = time.monotonic()
        self._saw_prompt = False

    # Streamer protocol.
    def put(self, value: "torch.Tensor") -> None:
        if not self._saw_prompt:  # the first call carries the prompt ids
            self._saw_prompt = True
            return
        now = time.monotonic()
        for row, token in zip(self.rows, value.reshape(-1).tolist(), strict=True):
            if row.done:
                continue
            row.token_ids.append(int(token))
            if row.first_token_at is None:
                row.first_token_at = now - self.started
            self._advance(row, now)

    def end(self) -> None:
        for row in self.rows:
            row.done = True

    def _advance(self, row: _RowProgress, now: float) -> None:
        text = str(self._tokenizer.decode(row.token_ids, skip_special_tokens=True))
        text, stopped = cut_at_stop(text, row.request.stop)
        ended = ends_after(text, row.request.end_after)
        # Hold back a trailing partial multi-byte character until it is complete.
        if not stopped and text.endswith("\ufffd"):
            return
        if len(text) > len(row.emitted) and text.startswith(row.emitted):
            row.emitted = text
        if stopped or ended or len(row.token_ids) >= row.request.max_new_tokens:
            row.done = True
        elif now > row.request.deadline:
            row.done = row.timed_out = True

    # StoppingCriteria protocol.
    def __call__(
        self, input_ids: "torch.Tensor", scores: "torch.Tensor", **_: Any
    ) -> "torch.Tensor":
        import torch

        return torch.tensor([row.done for row in self.rows], device=input_ids.device)


# peft's name for "no adapter" in a mixed batch.
BASE_ADAPTER = "__base__"


def _is_peft(model: Any) -> bool:
    peft = sys.modules.get("peft")  # not imported: nothing can be a PeftModel yet
    return peft is not None and isinstance(model, peft.PeftModel)


def _active_adapter(model: Any) -> str | None:
    return str(model.active_adapter) if _is_peft(model) else None


class TransformersBackend:
    """One model copy in this process; `generate_batch` runs one padded generate call."""

    def __init__(self, model: Any, tokenizer: "PreTrainedTokenizerBase"):
        # `model` is a PreTrainedModel or a peft PeftModel wrapping one; attaching the first
        # adapter in process (adapters.py) swaps in the PeftModel wrapping it.
        self.model = model
        self.tokenizer = tokenizer
        # Held by every generate call and by whoever attaches or removes an adapter: peft
        # changes the model's layers in place, which must never happen mid-generation.
        self.lock = threading.RLock()
        # What a request naming no adapter generates with: the adapter the model was loaded
        # with (LLM_ADAPTER_PATH), else the bare model (peft's "__base__" row).
        self.default_adapter = _active_adapter(model) or BASE_ADAPTER
        tokenizer.padding_side = "left"  # decoder-only models continue from the right edge
        if tokenizer.pad_token is None:
            tokenizer.pad_token = tokenizer.eos_token

    def warm_up(self) -> None:
        """One short generation, so kernel set-up happens before the first real request."""
        request = GenerationRequest(
            [{"role": "user", "content": "Ask one short interview question."}],
            max_new_tokens=8,
            deadline=time.monotonic() + 600,
        )
        self.generate_batch([request])

    def generate_batch(self, requests: list[GenerationRequest]) -> list[GenerationOutput]:
        import torch
        from transformers import StoppingCriteriaList

        prompts = [
            self.tokenizer.apply_chat_template(
                r.messages, add_generation_prompt=True, tokenize=False
            )
            for r in requests
        ]
        inputs = self.tokenizer(
            prompts, return_tensors="pt", padding=True, add_special_tokens=False
        ).to(self.model.device)
        with self.lock:
            progress = _BatchProgress(self.tokenizer, requests)
            # A PeftModel generates each row with its own adapter in one batch (peft's mixed
            # batches): the rows of one adapter run its LoRA layers, "__base__" rows skip them.
            adapters = (
                {"adapter_names": [r.adapter or self.default_adapter for r in requests]}
                if _is_peft(self.model)
                else {}
            )
            if not adapters and any(r.adapter for r in requests):
                raise ValueError("an adapter was requested, but none is attached to this model")
            with torch.inference_mode():
                self.model.generate(
                    **inputs,
                    max_new_tokens=max(r.max_new_tokens for r in requests),
                    do_sample=False,
                    repetition_penalty=1.1,
                    pad_token_id=self.tokenizer.pad_token_id,
                    streamer=progress,
                    stopping_criteria=StoppingCriteriaList([progress]),
                    **adapters,
                )
        duration = time.monotonic() - progress.started
        return [
            GenerationOutput(
                text=row.emitted,
                new_tokens=len(row.token_ids),
                first_token_s=row.first_token_at,
                duration_s=duration,
                timed_out=row.timed_out,
                truncated=len(row.token_ids) >= row.request.max_new_tokens,
            )
            for row in progress.rows
        ]


class OpenAICompatibleBackend:
    """Streams chat completions from llama.cpp's server, vLLM or TGI over HTTP; thread-safe."""

    def __init__(self, base_url: str, api_key: str, model: str):
        self.model = model
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers={"Authorization": f"Bearer {api_key}"}
        )

    def close(self) -> None:
        self._client.close()

    def generate(self, request: GenerationRequest) -> GenerationOutput:
        started = time.monotonic()
        body: dict[str, Any] = {
            "model": self.model,
            "messages": request.messages,
            "max_tokens": request.max_new_tokens,
            "temperature": 0,
            "stream": True,
            **({"stop": list(request.stop)} if request.stop else {}),
        }
        if request.json_schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "strict": True, "schema": request.json_schema},
            }

        try:
            return self._stream(body, request, started)
        except (httpx.RemoteProtocolError, httpx.ConnectError):
            # A pooled connection the server closed while idle, or the engine restarting:
            # nothing was generated yet, so one more try costs nothing.
            return self._stream(body, request, started)

    def _stream(
        self, body: dict[str, Any], request: GenerationRequest, started: float
    ) -> GenerationOutput:
        text, chunks, first_token_s, truncated = "", 0, None, False
        timeout = max(0.1, request.deadline - time.monotonic())
        try:
            with self._client.stream("POST", "/chat/completions", json=body, timeout=timeout) as r:
                r.raise_for_status()
                for line in r.iter_lines():
                    if not line.startswith("data:") or line.strip() == "data: [DONE]":
                        continue
                    choice = (json.loads(line[5:]).get("choices") or [{}])[0]
                    truncated = truncated or choice.get("finish_reason") == "length"
                    piece = (choice.get("delta") or {}).get("content") or ""
                    if not piece:
                        continue
                    if first_token_s is None:
                        first_token_s = time.monotonic() - started
                    chunks += 1
                    text += piece
                    if ends_after(text, request.end_after):
                        break  # closing the stream stops the engine generating for us
        except httpx.TimeoutException:
            return GenerationOutput(text, chunks, first_token_s, time.monotonic() - started, True)
        elapsed = time.monotonic() - started
        return GenerationOutput(text, chunks, first_token_s, elapsed, truncated=truncated)
