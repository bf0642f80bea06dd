"""Int8 weight quantisation of an exported model with the `onnx` package alone (no onnxruntime
tools needed): every 2-D float weight becomes int8 with a per-output-channel scale and a
DequantizeLinear in front of its users. Writes onnx/model_quantized.onnx (transformers.js dtype "q8")."""
from __future__ import annotations

import argparse
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

# Small tensors (norm weights) stay fp32: quantising them saves nothing and costs accuracy.
MIN_ELEMENTS = 4096
# Rotary cos/sin tables are positions, not weights: rounding them would shift every position.
KEEP_FLOAT_PREFIX = "rotary_"


def quantize(src: str, dst: str) -> None:
    model = onnx.load(src)
    g = model.graph
    replaced = {}
    keep = []
    new_inits = []
    new_nodes = []
    for init in g.initializer:
        w = numpy_helper.to_array(init)
        if w.dtype != np.float32 or w.ndim != 2 or w.size < MIN_ELEMENTS or init.name.startswith(KEEP_FLOAT_PREFIX):
            keep.append(init)
            continue
        # Per-row scales along axis 0 (rows are output channels of a Gather table and the
        # input side of a MatMul weight; either way each row gets its own range).
        scale = np.maximum(np.abs(w).max(axis=1), 1e-8) / 127.0
        q = np.clip(np.round(w / scale[:, None]), -127, 127).astype(np.int8)
        base = init.name
        new_inits += [
            numpy_helper.from_array(q, base + "_int8"),
            numpy_helper.from_array(scale.astype(np.float32), base + "_scale"),
            numpy_helper.from_array(np.zeros_like(scale, dtype=np.int8), base + "_zero"),
        ]
        new_nodes.append(helper.make_node("DequantizeLinear", [base + "_int8", base + "_scale", base + "_zero"], [base + "_dq"], axis=0, name=base + "_dequantize"))
        replaced[base] = base + "_dq"
    for node in g.node:
        for i, name in enumerate(node.input):
            if name in replaced:
                node.input[i] = replaced[name]
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    nodes = new_nodes + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    if model.opset_import[0].version < 13:
        model.opset_import[0].version = 13
    onnx.save(model, dst)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    args = ap.parse_args()
    quantize(os.path.join(args.model_dir, "onnx", "model.onnx"), os.path.join(args.model_dir, "onnx", "model_quantized.onnx"))
    print(os.path.getsize(os.path.join(args.model_dir, "onnx", "model_quantized.onnx")))


if __name__ == "__main__":
    main()
