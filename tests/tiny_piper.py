"""A tiny Piper voice made with the ``onnx`` package, so piper-tts and onnxruntime
run for real: the same inputs and outputs as a Piper VITS model (``input``,
``input_lengths``, ``scales`` -> audio, with a ``Ceil`` node of per-id durations
that piper can expose as alignments), and audio that is a deterministic function
of the phoneme ids: SAMPLES_PER_ID samples of a tone per id, its pitch set by the id."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SAMPLE_RATE = 22050
HOP = 256
FRAMES_PER_ID = 2
SAMPLES_PER_ID = FRAMES_PER_ID * HOP


def make_voice(folder: Path, name: str = "nl_NL-test-low", *, variant: float = 0.0) -> Path:
    """Write ``name.onnx`` and ``name.onnx.json`` into ``folder``; ``variant`` changes the bytes and the sound."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    def const(name: str, value: np.ndarray) -> onnx.NodeProto:
        return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name))

    nodes = [
        const("axis", np.array([2], dtype=np.int64)),
        const("step", np.array(0.002, dtype=np.float32)),
        const("base", np.array(0.03 + variant, dtype=np.float32)),
        const("time", np.arange(SAMPLES_PER_ID, dtype=np.float32).reshape(1, 1, -1)),
        const("half", np.array(0.5, dtype=np.float32)),
        const("zero", np.array(0.0, dtype=np.float32)),
        const("frames", np.array(float(FRAMES_PER_ID), dtype=np.float32)),
        const("flat", np.array([1, 1, -1], dtype=np.int64)),
        helper.make_node("Cast", ["input"], ["ids"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids", "axis"], ["ids3"]),
        helper.make_node("Mul", ["ids3", "step"], ["scaled"]),
        helper.make_node("Add", ["scaled", "base"], ["radians"]),  # radians per sample, by id
        helper.make_node("Mul", ["radians", "time"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["tone"]),
        helper.make_node("Mul", ["tone", "half"], ["blocks"]),
        helper.make_node("Reshape", ["blocks", "flat"], ["output"]),
        # the durations, in frames, as VITS's w_ceil: piper turns them into alignments
        helper.make_node("Mul", ["ids3", "zero"], ["nothing"]),
        helper.make_node("Add", ["nothing", "frames"], ["durations"]),
        helper.make_node("Ceil", ["durations"], ["w_ceil"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-piper",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "samples"])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.onnx"
    onnx.save(model, str(path))
    code = name.split("-")[0]
    path.with_name(path.name + ".json").write_text(
        json.dumps(
            {
                "audio": {"sample_rate": SAMPLE_RATE, "quality": "low"},
                "espeak": {"voice": "nl"},
                "language": {"code": code, "family": code.split("_")[0]},
                "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
                "phoneme_type": "espeak",
                "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
                "num_symbols": 1 + max(i for ids in DEFAULT_PHONEME_ID_MAP.values() for i in ids),
                "num_speakers": 1,
                "hop_length": HOP,
            }
        ),
        "utf-8",
    )
    return path
