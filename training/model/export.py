"""Exports a trained checkpoint as a model folder that transformers.js loads offline:
config.json, tokenizer.json, tokenizer_config.json, generation_config.json, onnx/model.onnx (fp32,
with KV-cache inputs and outputs)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(__file__))
from llama import CodeModel, ExportWrapper, ModelConfig  # noqa: E402
from special_tokens import EOS, PAD, SPECIAL_TOKENS  # noqa: E402


def export(checkpoint: str, tokenizer: str, out: str, opset: int = 14) -> None:
    state = torch.load(checkpoint)
    config = ModelConfig(**state["config"])
    model = CodeModel(config)
    model.load_state_dict(state["model"])
    model.eval()
    wrapper = ExportWrapper(model)
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)

    c = config
    past_len, new_len = 3, 2
    input_ids = torch.randint(0, c.vocab_size, (1, new_len))
    attention_mask = torch.ones(1, past_len + new_len, dtype=torch.int64)
    position_ids = torch.arange(past_len, past_len + new_len)[None, :]
    past = []
    for _ in range(c.num_layers):
        past += [torch.randn(1, c.num_kv_heads, past_len, c.head_dim), torch.randn(1, c.num_kv_heads, past_len, c.head_dim)]
    input_names = ["input_ids", "attention_mask", "position_ids"]
    output_names = ["logits"]
    dynamic = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for i in range(c.num_layers):
        for kind in ("key", "value"):
            input_names.append(f"past_key_values.{i}.{kind}")
            output_names.append(f"present.{i}.{kind}")
            dynamic[f"past_key_values.{i}.{kind}"] = {0: "batch_size", 2: "past_sequence_length"}
            dynamic[f"present.{i}.{kind}"] = {0: "batch_size", 2: "total_sequence_length"}
    path = os.path.join(out, "onnx", "model.onnx")
    with torch.no_grad():
        torch.onnx.export(wrapper, (input_ids, attention_mask, position_ids, *past), path, input_names=input_names,
                          output_names=output_names, dynamic_axes=dynamic, opset_version=opset, do_constant_folding=True)
    share_tied_embedding(path)

    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            "vocab_size": c.vocab_size,
            "hidden_size": c.hidden_size,
            "intermediate_size": c.intermediate_size,
            "num_hidden_layers": c.num_layers,
            "num_attention_heads": c.num_heads,
            "num_key_value_heads": c.num_kv_heads,
            "head_dim": c.head_dim,
            "max_position_embeddings": c.max_position_embeddings,
            "rms_norm_eps": c.rms_norm_eps,
            "rope_theta": c.rope_theta,
            "tie_word_embeddings": True,
            "hidden_act": "silu",
            "bos_token_id": SPECIAL_TOKENS.index(EOS),
            "eos_token_id": SPECIAL_TOKENS.index(EOS),
            "pad_token_id": SPECIAL_TOKENS.index(PAD),
            "torch_dtype": "float32",
            "use_cache": True,
        }, f, indent=2)
    with open(os.path.join(out, "generation_config.json"), "w") as f:
        json.dump({"eos_token_id": SPECIAL_TOKENS.index(EOS), "pad_token_id": SPECIAL_TOKENS.index(PAD), "do_sample": False}, f, indent=2)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": c.max_position_embeddings,
            "eos_token": EOS,
            "pad_token": PAD,
            "bos_token": None,
            "unk_token": None,
            "add_bos_token": False,
            "add_eos_token": False,
            "clean_up_tokenization_spaces": False,
        }, f, indent=2)
    shutil.copyfile(tokenizer, os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "training.json"), "w") as f:
        json.dump({"step": state["step"], "tokens": state["tokens"], "config": state["config"]}, f, indent=2)


def share_tied_embedding(path: str) -> None:
    """torch's exporter stores the tied embedding twice (as the gather table and, transposed, as
    the output projection). Point the output MatMul at a Transpose of the embedding instead."""
    m = onnx.load(path)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    gathers = [n for n in g.node if n.op_type == "Gather" and n.input[0] in inits]
    emb = next((n.input[0] for n in gathers if len(inits[n.input[0]].dims) == 2), None)
    if emb is None:
        onnx.save(m, path)
        return
    e = inits[emb]
    for node in g.node:
        if node.op_type != "MatMul":
            continue
        w = inits.get(node.input[1])
        if w is None or list(w.dims) != [e.dims[1], e.dims[0]]:
            continue
        t_name = emb + "_transposed"
        g.node.insert(list(g.node).index(node), onnx.helper.make_node("Transpose", [emb], [t_name], perm=[1, 0], name="tied_embedding_transpose"))
        old = node.input[1]
        node.input[1] = t_name
        if not any(old in n.input for n in g.node):
            g.initializer.remove(w)
        break
    onnx.save(m, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    export(args.checkpoint, args.tokenizer, args.out)
    size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(args.out) for f in fs)
    print(json.dumps({"out": args.out, "bytes": size}))


if __name__ == "__main__":
    main()
