"""Int8 weights for an exported model, with the `onnx` package alone (no onnxruntime tools):
writes onnx/model_quantized.onnx (transformers.js dtype "q8", the runtime's default).

A decode step of a small model is bound by reading its weights from memory, so weights stay
8-bit at run time: every projection becomes onnxruntime's MatMulNBits (8 bits, blocks of 32 input
values with their own scale, int8 arithmetic), including the tied output projection, and the
embedding lookup becomes GatherBlockQuantized over the same kind of blocks. Norm weights and rotary
tables stay float32.
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

BITS = 8
BLOCK = 32


def matmul_nbits(weight_nk: np.ndarray, name: str) -> tuple[list[onnx.TensorProto], dict]:
    """`weight_nk` holds one row of K input weights per output column (N x K)."""
    n, k = weight_nk.shape
    if k % BLOCK:
        raise ValueError(f"{name}: {k} inputs is not a multiple of {BLOCK}")
    blocks = weight_nk.reshape(n, k // BLOCK, BLOCK)
    scale = np.maximum(np.abs(blocks).max(axis=2, keepdims=True), 1e-8) / 127.0
    # Unsigned storage with the default zero point of 128.
    q = (np.clip(np.round(blocks / scale), -127, 127) + 128).astype(np.uint8)
    inits = [numpy_helper.from_array(q, name + "_q8"), numpy_helper.from_array(scale.reshape(-1).astype(np.float32), name + "_q8_scale")]
    attrs = dict(K=k, N=n, bits=BITS, block_size=BLOCK, accuracy_level=4)
    return inits, attrs


def quantize(src: str, dst: str) -> None:
    model = onnx.load(src)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    new_inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []
    replaced: set[str] = set()
    gather_tables = {n.input[0] for n in g.node if n.op_type == "Gather" and n.input[0] in inits and len(inits[n.input[0]].dims) == 2}
    for node in g.node:
        weight = inits.get(node.input[1]) if len(node.input) > 1 else None
        is_head = node.op_type == "Gemm" and weight is not None and any(a.name == "transB" and a.i == 1 for a in node.attribute)
        if node.op_type == "MatMul" and weight is not None and len(weight.dims) == 2:
            w = numpy_helper.to_array(weight).astype(np.float32)  # K x N
            q_inits, attrs = matmul_nbits(w.T, weight.name)
            replaced.add(weight.name)
        elif is_head:
            w = numpy_helper.to_array(weight).astype(np.float32)  # N x K already (transB)
            q_inits, attrs = matmul_nbits(w, weight.name + "_head")
        else:
            nodes.append(node)
            continue
        new_inits += q_inits
        nodes.append(helper.make_node("MatMulNBits", [node.input[0], q_inits[0].name, q_inits[1].name], list(node.output),
                                      name=node.name + "_q8", domain="com.microsoft", **attrs))
    for table in gather_tables:
        # Rows of the table in blocks of BLOCK values, each with a scale (zero point 128).
        w = numpy_helper.to_array(inits[table]).astype(np.float32)
        rows, width = w.shape
        blocks = w.reshape(rows, width // BLOCK, BLOCK)
        scale = np.maximum(np.abs(blocks).max(axis=2), 1e-8) / 127.0
        q = (np.clip(np.round(blocks / scale[..., None]), -127, 127) + 128).astype(np.uint8).reshape(rows, width)
        new_inits += [numpy_helper.from_array(q, table + "_q8"), numpy_helper.from_array(scale.astype(np.float32), table + "_q8_scale"),
                      numpy_helper.from_array(np.full(scale.shape, 128, dtype=np.uint8), table + "_q8_zero")]
        for i, node in enumerate(nodes):
            if node.op_type == "Gather" and node.input[0] == table:
                nodes[i] = helper.make_node("GatherBlockQuantized", [table + "_q8", node.input[1], table + "_q8_scale", table + "_q8_zero"], list(node.output),
                                            name=node.name + "_q8", domain="com.microsoft", gather_axis=0, quantize_axis=1, block_size=BLOCK, bits=BITS)
        replaced.add(table)
    keep = [i for i in g.initializer if i.name not in replaced]
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    del g.node[:]
    g.node.extend(nodes)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, dst)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    args = ap.parse_args()
    dst = os.path.join(args.model_dir, "onnx", "model_quantized.onnx")
    quantize(os.path.join(args.model_dir, "onnx", "model.onnx"), dst)
    print(os.path.getsize(dst))


if __name__ == "__main__":
    main()
