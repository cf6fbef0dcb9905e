"""The packaged CTranslate2 Whisper converted to openai-whisper's checkpoint format.

No package ships openai-whisper weights; converting the embedded model lets the reference
engine run offline on the same weights as faster-whisper. CTranslate2 has no API that reads a
model's variables back, so model.bin is parsed (its layout: ctranslate2/specs/model_spec.py).
"""

import os
import re
import struct
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ai_worker.speech.embedded import embedded_version, ensure_embedded_model

# CTranslate2's DataType enum order (include/ctranslate2/types.h).
_DTYPES: tuple[Any, ...] = (np.float32, np.int8, np.int16, np.int32, np.float16)


def read_ct2_variables(model_bin: Path) -> dict[str, npt.NDArray[Any]]:
    data = model_bin.read_bytes()
    offset = 0

    def unpack(fmt: str) -> int:
        nonlocal offset
        (value,) = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return int(value)

    def string() -> str:
        nonlocal offset
        length = unpack("H")
        text = data[offset : offset + length - 1].decode()
        offset += length
        return text

    unpack("I")  # binary version
    string()  # spec name
    unpack("I")  # spec revision
    variables: dict[str, npt.NDArray[Any]] = {}
    for _ in range(unpack("I")):
        name = string()
        shape = [unpack("I") for _ in range(unpack("B"))]
        dtype = _DTYPES[unpack("B")]
        size = unpack("I")
        variables[name] = np.frombuffer(
            data, dtype=dtype, count=size // np.dtype(dtype).itemsize, offset=offset
        ).reshape(shape)
        offset += size
    return variables


def openai_state_dict(variables: dict[str, npt.NDArray[Any]]) -> dict[str, npt.NDArray[Any]]:
    """Tensor renames, and the fused query/key/value projections split back apart."""
    state: dict[str, npt.NDArray[Any]] = {}

    def linear(target: str, source: str, bias: bool = True) -> None:
        state[f"{target}.weight"] = variables[f"{source}/weight"]
        if bias:
            state[f"{target}.bias"] = variables[f"{source}/bias"]

    def norm(target: str, source: str) -> None:
        state[f"{target}.weight"] = variables[f"{source}/gamma"]
        state[f"{target}.bias"] = variables[f"{source}/beta"]

    def fused(targets: list[str], source: str) -> None:
        # Keys have no bias in Whisper; CTranslate2 stores zeros for it in the fused tensor.
        weights = np.split(variables[f"{source}/weight"], len(targets))
        biases = np.split(variables[f"{source}/bias"], len(targets))
        for target, weight, bias in zip(targets, weights, biases, strict=True):
            state[f"{target}.weight"] = weight
            if not target.endswith(".key"):
                state[f"{target}.bias"] = bias

    for side in ("encoder", "decoder"):
        layers = {int(m.group(1)) for k in variables if (m := re.match(rf"{side}/layer_(\d+)/", k))}
        for index in sorted(layers):
            source, target = f"{side}/layer_{index}", f"{side}.blocks.{index}"
            norm(f"{target}.attn_ln", f"{source}/self_attention/layer_norm")
            fused(
                [f"{target}.attn.{p}" for p in ("query", "key", "value")],
                f"{source}/self_attention/linear_0",
            )
            linear(f"{target}.attn.out", f"{source}/self_attention/linear_1")
            if side == "decoder":
                norm(f"{target}.cross_attn_ln", f"{source}/attention/layer_norm")
                linear(f"{target}.cross_attn.query", f"{source}/attention/linear_0")
                fused(
                    [f"{target}.cross_attn.{p}" for p in ("key", "value")],
                    f"{source}/attention/linear_1",
                )
                linear(f"{target}.cross_attn.out", f"{source}/attention/linear_2")
            norm(f"{target}.mlp_ln", f"{source}/ffn/layer_norm")
            linear(f"{target}.mlp.0", f"{source}/ffn/linear_0")
            linear(f"{target}.mlp.2", f"{source}/ffn/linear_1")
    for conv in ("conv1", "conv2"):
        linear(f"encoder.{conv}", f"encoder/{conv}")
    state["encoder.positional_embedding"] = variables["encoder/position_encodings/encodings"]
    norm("encoder.ln_post", "encoder/layer_norm")
    state["decoder.token_embedding.weight"] = variables["decoder/embeddings/weight"]
    state["decoder.positional_embedding"] = variables["decoder/position_encodings/encodings"]
    norm("decoder.ln", "decoder/layer_norm")
    return state


def dimensions(variables: dict[str, npt.NDArray[Any]]) -> dict[str, int]:
    def layers(side: str) -> int:
        return len({m.group(1) for k in variables if (m := re.match(rf"{side}/layer_(\d+)/", k))})

    vocab, text_state = variables["decoder/embeddings/weight"].shape
    return {
        "n_mels": int(variables["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(variables["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(variables["encoder/conv1/weight"].shape[0]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": layers("encoder"),
        "n_vocab": int(vocab),
        "n_text_ctx": int(variables["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(text_state),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": layers("decoder"),
    }


def convert_ct2_to_openai(model_dir: Path, checkpoint: Path) -> None:
    import torch

    variables = read_ct2_variables(model_dir / "model.bin")
    payload = {
        "dims": dimensions(variables),
        "model_state_dict": {
            name: torch.from_numpy(array.copy())
            for name, array in openai_state_dict(variables).items()
        },
    }
    staging = Path(tempfile.mkstemp(prefix=".whisper-", suffix=".pt", dir=checkpoint.parent)[1])
    try:
        torch.save(payload, staging)
        os.replace(staging, checkpoint)
    finally:
        staging.unlink(missing_ok=True)


def ensure_openai_checkpoint(cache_dir: Path) -> Path:
    """The embedded model as an openai-whisper checkpoint, converted on first use."""
    checkpoint = cache_dir / f"whisper-base-openai-{embedded_version()}.pt"
    if not checkpoint.is_file():
        convert_ct2_to_openai(ensure_embedded_model(cache_dir), checkpoint)
    return checkpoint
