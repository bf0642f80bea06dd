"""The inference graph, written node by node with onnxruntime's fused CPU operators instead of
traced from torch: SimplifiedLayerNormalization / SkipSimplifiedLayerNormalization for RMSNorm and
the residual adds, one packed QKV MatMul, GroupQueryAttention (rotary positions, causal mask and
the KV cache append in one operator), one packed gate/up MatMul, and the tied output projection as
a Gemm over the embedding table (stored once). A traced llama graph has ~840 nodes; this one has
~12 per layer, and per-node overhead is most of a decode step at this model size.

Inputs and outputs are those of the traced export (input_ids, attention_mask, position_ids,
past_key_values.N.key/value -> logits, present.N.key/value; caches shaped [batch, kv_heads, seq,
head_dim]), so the runtime feeds either graph the same way, plus logits_to_keep ([1], int64): logits
come out for that many last positions (the runtime feeds it only to graphs that declare it). Positions come from the cache length
(GroupQueryAttention derives them from attention_mask), so position_ids is accepted and unused.

  python3 training/model/fused_graph.py --checkpoint ckpt.pt --out model/onnx/model.onnx
  python3 training/model/fused_graph.py --from-onnx model/onnx/model.onnx --out model/onnx/model.onnx
"""
from __future__ import annotations

import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

MS = "com.microsoft"


def rotary_tables(head_dim: int, theta: float, max_positions: int) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin caches [max_positions, head_dim / 2], as llama.rotary computes them."""
    inv_freq = 1.0 / (theta ** (np.arange(0, head_dim, 2, dtype=np.float32) / head_dim))
    freqs = np.arange(max_positions, dtype=np.float32)[:, None] * inv_freq[None, :]
    return np.cos(freqs).astype(np.float32), np.sin(freqs).astype(np.float32)


def build(state: dict[str, np.ndarray], c: dict) -> onnx.ModelProto:
    """`state` holds CodeModel's parameters by name (torch layout: Linear weights [out, in])."""
    layers, hidden, heads, kv_heads = c["num_layers"], c["hidden_size"], c["num_heads"], c["num_kv_heads"]
    head_dim, eps = c["head_dim"], float(c["rms_norm_eps"])
    inits: list[onnx.TensorProto] = []
    nodes: list[onnx.NodeProto] = []

    def init(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(op: str, inputs: list[str], outputs: list[str], domain: str = "", **attrs) -> None:
        nodes.append(helper.make_node(op, inputs, outputs, name=f"{op}_{len(nodes)}", domain=domain, **attrs))

    f32 = lambda k: state[k].astype(np.float32)  # noqa: E731
    cos, sin = rotary_tables(head_dim, float(c["rope_theta"]), int(c["max_position_embeddings"]))
    init("rotary_cos", cos)
    init("rotary_sin", sin)
    init("one_i64", np.array([1], dtype=np.int64))
    init("axis_1", np.array([1], dtype=np.int64))
    init("logits_shape", np.array([1, -1, c["vocab_size"]], dtype=np.int64))
    init("rows_shape", np.array([-1, hidden], dtype=np.int64))

    # seqlens_k = tokens covered by the mask - 1; total_sequence_length = mask width.
    node("ReduceSum", ["attention_mask", "axis_1"], ["mask_sum"], keepdims=0)
    node("Sub", ["mask_sum", "one_i64"], ["seqlens_k_64"])
    node("Cast", ["seqlens_k_64"], ["seqlens_k"], to=TensorProto.INT32)
    node("Shape", ["attention_mask"], ["mask_shape"])
    node("Gather", ["mask_shape", "one_i64"], ["total_64"], axis=0)
    node("Squeeze", ["total_64"], ["total_64_scalar"])
    node("Cast", ["total_64_scalar"], ["total_sequence_length"], to=TensorProto.INT32)

    embed = init("embed_tokens.weight", f32("embed_tokens.weight"))
    node("Gather", [embed, "input_ids"], ["h0"], axis=0)
    residual = "h0"
    normed = None
    for i in range(layers):
        p = f"layers.{i}."
        ln1 = init(p + "input_layernorm.weight", f32(p + "input_layernorm.weight"))
        if i == 0:
            node("SimplifiedLayerNormalization", [residual, ln1], [f"l{i}_attn_in"], axis=-1, epsilon=eps, stash_type=1)
        else:
            # residual + mlp output of the previous layer, normalised: one fused operator.
            node("SkipSimplifiedLayerNormalization", [residual, normed, ln1], [f"l{i}_attn_in", "", "", f"l{i}_resid_attn"], domain=MS, epsilon=eps)
            residual = f"l{i}_resid_attn"
        qkv = np.concatenate([f32(p + "self_attn.q_proj.weight"), f32(p + "self_attn.k_proj.weight"), f32(p + "self_attn.v_proj.weight")], axis=0)
        node("MatMul", [f"l{i}_attn_in", init(p + "self_attn.qkv_proj.weight_t", qkv.T)], [f"l{i}_qkv"])
        node("GroupQueryAttention",
             [f"l{i}_qkv", "", "", f"past_key_values.{i}.key", f"past_key_values.{i}.value", "seqlens_k", "total_sequence_length", "rotary_cos", "rotary_sin"],
             [f"l{i}_attn", f"present.{i}.key", f"present.{i}.value"],
             domain=MS, num_heads=heads, kv_num_heads=kv_heads, do_rotary=1, rotary_interleaved=0, scale=float(1.0 / np.sqrt(head_dim)))
        node("MatMul", [f"l{i}_attn", init(p + "self_attn.o_proj.weight_t", f32(p + "self_attn.o_proj.weight").T)], [f"l{i}_attn_out"])
        ln2 = init(p + "post_attention_layernorm.weight", f32(p + "post_attention_layernorm.weight"))
        node("SkipSimplifiedLayerNormalization", [residual, f"l{i}_attn_out", ln2], [f"l{i}_mlp_in", "", "", f"l{i}_resid_mlp"], domain=MS, epsilon=eps)
        residual = f"l{i}_resid_mlp"
        ffn = f32(p + "mlp.gate_proj.weight").shape[0]
        gate_up = np.concatenate([f32(p + "mlp.gate_proj.weight"), f32(p + "mlp.up_proj.weight")], axis=0)
        node("MatMul", [f"l{i}_mlp_in", init(p + "mlp.gate_up_proj.weight_t", gate_up.T)], [f"l{i}_gate_up"])
        node("Split", [f"l{i}_gate_up", init(p + "mlp.split", np.array([ffn, ffn], dtype=np.int64))], [f"l{i}_gate", f"l{i}_up"], axis=-1)
        node("Sigmoid", [f"l{i}_gate"], [f"l{i}_gate_sig"])
        node("Mul", [f"l{i}_gate", f"l{i}_gate_sig"], [f"l{i}_gate_silu"])
        node("Mul", [f"l{i}_gate_silu", f"l{i}_up"], [f"l{i}_act"])
        node("MatMul", [f"l{i}_act", init(p + "mlp.down_proj.weight_t", f32(p + "mlp.down_proj.weight").T)], [f"l{i}_mlp_out"])
        normed = f"l{i}_mlp_out"
    final = init("norm.weight", f32("norm.weight"))
    node("SkipSimplifiedLayerNormalization", [residual, normed, final], ["final_norm"], domain=MS, epsilon=eps)
    # Tied output projection: logits = x @ embed^T, as a Gemm on rows (the table is stored once),
    # for the last `logits_to_keep` rows only: reading a prompt needs the last row's logits, and the
    # projection onto 8k tokens is about 40% of this model's work per row.
    node("Reshape", ["final_norm", "rows_shape"], ["final_rows"])
    init("rows_end", np.array([2**62], dtype=np.int64))
    init("axis_0", np.array([0], dtype=np.int64))
    node("Neg", ["logits_to_keep"], ["kept_start"])
    node("Slice", ["final_rows", "kept_start", "rows_end", "axis_0"], ["kept_rows"])
    node("Gemm", ["kept_rows", embed], ["logit_rows"], transB=1)
    node("Reshape", ["logit_rows", "logits_shape"], ["logits"])

    kv = lambda name, seq: helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch_size", kv_heads, seq, head_dim])  # noqa: E731
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_sequence_length"]),
        helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("logits_to_keep", TensorProto.INT64, [1]),
    ]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "logits_length", c["vocab_size"]])]
    for i in range(layers):
        inputs += [kv(f"past_key_values.{i}.key", "past_sequence_length"), kv(f"past_key_values.{i}.value", "past_sequence_length")]
        outputs += [kv(f"present.{i}.key", "total_sequence_length"), kv(f"present.{i}.value", "total_sequence_length")]
    graph = helper.make_graph(nodes, "lookahead_code", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)], producer_name="lookahead")
    model.ir_version = 8
    return model


def state_from_checkpoint(path: str) -> tuple[dict[str, np.ndarray], dict]:
    import torch

    saved = torch.load(path)
    return {k: v.float().numpy() for k, v in saved["model"].items()}, saved["config"]


def state_from_traced_onnx(path: str, config: dict) -> dict[str, np.ndarray]:
    """Recovers CodeModel's parameters from a graph traced by torch.onnx (export.py before the
    fused graph existed): MatMul weights appear per layer in module order q, k, v, o, gate, up, down."""
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    state = {k.removeprefix("model."): v for k, v in inits.items() if k.startswith("model.")}
    weights = [inits[n.input[1]] for n in m.graph.node if n.op_type == "MatMul" and n.input[1] in inits]
    names = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]
    if len(weights) != len(names) * config["num_layers"]:
        raise ValueError(f"expected {len(names) * config['num_layers']} MatMul weights, found {len(weights)}")
    for i in range(config["num_layers"]):
        for j, name in enumerate(names):
            state[f"layers.{i}.{name}.weight"] = weights[i * len(names) + j].T
    return state


def state_from_fused_onnx(path: str, c: dict) -> dict[str, np.ndarray]:
    """The inverse of build(): CodeModel's parameters from a fused graph (fp32, or weights stored as
    float16 by store_fp16.py), so training can continue from a shipped model folder."""
    m = onnx.load(path)
    w = {}
    for i in m.graph.initializer:
        array = numpy_helper.to_array(i)
        if i.name.endswith("_fp16"):
            w[i.name[: -len("_fp16")]] = array.astype(np.float32)
        else:
            w[i.name] = array
    q, kv = c["num_heads"] * c["head_dim"], c["num_kv_heads"] * c["head_dim"]
    state = {"embed_tokens.weight": w["embed_tokens.weight"], "norm.weight": w["norm.weight"]}
    for i in range(c["num_layers"]):
        p = f"layers.{i}."
        qkv = w[p + "self_attn.qkv_proj.weight_t"].T
        gate_up = w[p + "mlp.gate_up_proj.weight_t"].T
        ffn = gate_up.shape[0] // 2
        state.update({
            p + "input_layernorm.weight": w[p + "input_layernorm.weight"],
            p + "post_attention_layernorm.weight": w[p + "post_attention_layernorm.weight"],
            p + "self_attn.q_proj.weight": qkv[:q], p + "self_attn.k_proj.weight": qkv[q:q + kv], p + "self_attn.v_proj.weight": qkv[q + kv:],
            p + "self_attn.o_proj.weight": w[p + "self_attn.o_proj.weight_t"].T,
            p + "mlp.gate_proj.weight": gate_up[:ffn], p + "mlp.up_proj.weight": gate_up[ffn:],
            p + "mlp.down_proj.weight": w[p + "mlp.down_proj.weight_t"].T,
        })
    return {k: np.ascontiguousarray(v) for k, v in state.items()}


def config_from_folder(folder: str) -> dict:
    """CodeModel's config from a model folder's config.json (llama names)."""
    with open(os.path.join(folder, "config.json")) as f:
        hf = json.load(f)
    return {
        "vocab_size": hf["vocab_size"], "hidden_size": hf["hidden_size"], "num_layers": hf["num_hidden_layers"],
        "num_heads": hf["num_attention_heads"], "num_kv_heads": hf["num_key_value_heads"], "head_dim": hf["head_dim"],
        "intermediate_size": hf["intermediate_size"], "rope_theta": hf["rope_theta"],
        "max_position_embeddings": hf["max_position_embeddings"], "rms_norm_eps": hf["rms_norm_eps"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint")
    src.add_argument("--from-onnx", help="a traced model.onnx; its folder's config.json gives the shape")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.checkpoint:
        state, config = state_from_checkpoint(args.checkpoint)
    else:
        with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(args.from_onnx))), "config.json")) as f:
            hf = json.load(f)
        config = {
            "vocab_size": hf["vocab_size"], "hidden_size": hf["hidden_size"], "num_layers": hf["num_hidden_layers"],
            "num_heads": hf["num_attention_heads"], "num_kv_heads": hf["num_key_value_heads"], "head_dim": hf["head_dim"],
            "rope_theta": hf["rope_theta"], "max_position_embeddings": hf["max_position_embeddings"], "rms_norm_eps": hf["rms_norm_eps"],
        }
        state = state_from_traced_onnx(args.from_onnx, config)
    model = build(state, config)
    onnx.save(model, args.out)
    print(json.dumps({"out": args.out, "nodes": len(model.graph.node), "bytes": os.path.getsize(args.out)}))


if __name__ == "__main__":
    main()
