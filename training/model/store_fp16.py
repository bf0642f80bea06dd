"""Stores a fused fp32 graph's weight matrices as float16 with a Cast to float32 in front of each,
so the file is half the size while the model still runs in float32 (onnxruntime folds the casts
into float32 weights when the session loads). Inputs, outputs and the KV cache stay float32.

    /usr/bin/python3 training/model/store_fp16.py <folder>/onnx/model.onnx [--out <file>]

Used for the apply model, whose many-row verification passes run faster on float32 weights than on
8-bit ones (BENCHMARKS.md, "Apply"), and for the code model's float32 graph.
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Small tensors (norm weights) stay float32: they are cheap and precision-sensitive. The rotary
# tables of the shipped graphs (131,072 elements each) are above this and are stored as float16
# too: their largest rounding is 2.4e-4, and both models measure as before.
MIN_ELEMENTS = 65536


def store_fp16(src: str, dst: str) -> dict:
    m = onnx.load(src)
    g = m.graph
    kept, casts, halved = [], [], 0
    for init in g.initializer:
        array = numpy_helper.to_array(init)
        if init.data_type != TensorProto.FLOAT or array.size < MIN_ELEMENTS:
            kept.append(init)
            continue
        half = numpy_helper.from_array(array.astype(np.float16), init.name + "_fp16")
        kept.append(half)
        casts.append(helper.make_node("Cast", [half.name], [init.name], name=f"Cast_{init.name}", to=TensorProto.FLOAT))
        halved += 1
    del g.initializer[:]
    g.initializer.extend(kept)
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.save(m, dst)
    return {"out": dst, "halved": halved, "bytes": os.path.getsize(dst)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    print(store_fp16(args.model, args.out or args.model))


if __name__ == "__main__":
    main()
