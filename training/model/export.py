"""Exports a trained checkpoint as a model folder that transformers.js loads offline:
config.json, tokenizer.json, tokenizer_config.json, generation_config.json, onnx/model.onnx (fp32,
with KV-cache inputs and outputs; the fused graph of fused_graph.py) and reference.json (torch's logits
for a fixed sequence, which training/check-model.ts compares the ONNX graph against)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import onnx
import torch

sys.path.insert(0, os.path.dirname(__file__))
import fused_graph  # noqa: E402
from llama import CodeModel, ModelConfig  # noqa: E402
from special_tokens import EOS, PAD, SPECIAL_TOKENS  # noqa: E402

REFERENCE_TOKENS = 24
REFERENCE_COLUMNS = 256


def export(checkpoint: str, tokenizer: str, out: str) -> None:
    state = torch.load(checkpoint)
    config = ModelConfig(**state["config"])
    model = CodeModel(config)
    model.load_state_dict(state["model"])
    model.eval()
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    c = config
    weights = {k: v.float().numpy() for k, v in state["model"].items()}
    onnx.save(fused_graph.build(weights, c.to_dict()), os.path.join(out, "onnx", "model.onnx"))

    # What torch computes for a fixed sequence: training/check-model.ts compares the ONNX graph
    # (full and cached) against it.
    ids = torch.arange(REFERENCE_TOKENS)[None, :] * 37 % c.vocab_size
    with torch.no_grad():
        logits = model(ids)[0]
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump({"ids": ids[0].tolist(), "argmax": logits.argmax(-1).tolist(),
                   "lastRow": [round(float(x), 5) for x in logits[-1, :REFERENCE_COLUMNS]]}, f)

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
