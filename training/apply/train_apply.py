"""Fine-tunes the shipped code model on the apply task (examples.py), on CPU (bf16 autocast where the CPU has bf16 instructions, fp32 otherwise).

Starts from a model folder's fp32 graph (the fused ONNX graph holds every parameter), trains with
the loss on the updated file only, and checkpoints every few minutes (--resume continues). With
--minutes the number of steps is fixed after timing the first steps, so the schedule ends on time.

    /usr/bin/python3 training/apply/train_apply.py --init models/lookahead-code \
        --examples training/out/apply/examples --out training/out/apply/checkpoint --minutes 60
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "model"))
from fused_graph import config_from_folder, state_from_fused_onnx  # noqa: E402
from llama import CodeModel, ModelConfig  # noqa: E402
from train import lr_at  # noqa: E402

CHECKPOINT_EVERY_S = 300
VALID_EXAMPLES = 48
PAD = 11  # <|pad|>; padded positions carry no loss
# bf16 autocast only where the CPU computes bf16 natively; elsewhere it is emulated and ~40x slower.
BF16 = "avx512_bf16" in open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else False


def autocast():
    return torch.autocast("cpu", dtype=torch.bfloat16, enabled=BF16)


def make_batch(tokens: np.ndarray, rows: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets (-100 outside the updated file) for examples [start, loss_start, end]."""
    longest = int(max(e - s for s, _, e in rows))
    x = np.full((len(rows), longest), PAD, dtype=np.int64)
    y = np.full((len(rows), longest - 1), -100, dtype=np.int64)
    for r, (s, ls, e) in enumerate(rows):
        ids = tokens[s:e].astype(np.int64)
        x[r, : len(ids)] = ids
        y[r, ls - s : len(ids) - 1] = ids[ls - s + 1 :]
    return torch.from_numpy(x[:, :-1]), torch.from_numpy(y)


def batches(index: np.ndarray, budget: int, rng: np.random.Generator):
    """Endless batches of examples of similar length, each at most `budget` padded tokens."""
    lengths = index[:, 2] - index[:, 0]
    while True:
        order = rng.permutation(len(index))
        # Sort within chunks of 256 by length, so padding stays small but order stays random.
        for c in range(0, len(order), 256):
            chunk = order[c : c + 256]
            chunk = chunk[np.argsort(lengths[chunk])]
            group: list[int] = []
            for i in chunk:
                if group and (len(group) + 1) * lengths[i] > budget:
                    yield index[group]
                    group = []
                group.append(i)
            if group:
                yield index[group]


@torch.no_grad()
def evaluate(model: CodeModel, tokens: np.ndarray, rows: np.ndarray) -> dict:
    """Loss on the updated files, and how many of their tokens greedy prediction gets right."""
    model.eval()
    total, count, right = 0.0, 0, 0
    for k in range(0, len(rows), 4):
        x, y = make_batch(tokens, rows[k : k + 4])
        with autocast():
            logits = model(x).float()
        mask = y != -100
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-100, reduction="sum").item()
        count += int(mask.sum())
        right += int(((logits.argmax(-1) == y) & mask).sum())
    model.train()
    return {"valid_loss": round(total / count, 4), "valid_token_acc": round(right / count, 4)}


def parse_grow_after(text: str, num_layers: int) -> list[int]:
    """--grow-after's layer indices, checked: distinct, in range, in order."""
    if not text.strip():
        return []
    try:
        after = [int(x) for x in text.split(",")]
    except ValueError:
        raise SystemExit(f"--grow-after wants layer indices separated by commas, got {text!r}")
    if any(i < 0 or i >= num_layers for i in after) or after != sorted(set(after)):
        raise SystemExit(f"--grow-after wants distinct increasing layer indices from 0 to {num_layers - 1}, got {text!r}")
    return after


def grown_state(state: dict, num_layers: int, after: list[int]) -> tuple[dict, list[int]]:
    """The parameters of a deeper model: after each layer in `after`, a copy of that layer with its
    attention and MLP output projections zeroed, so each new block adds nothing to the residual
    stream and the grown model computes what the original does, until training moves the zeros.
    Returns the state and the new blocks' indices in the grown model."""
    grown = {k: v for k, v in state.items() if not k.startswith("layers.")}
    new_layers, j = [], 0
    for i in range(num_layers):
        layer = {k[len(f"layers.{i}."):]: v for k, v in state.items() if k.startswith(f"layers.{i}.")}
        grown.update({f"layers.{j}.{k}": v for k, v in layer.items()})
        j += 1
        if i in after:
            copy = {k: v.clone() for k, v in layer.items()}
            copy["self_attn.o_proj.weight"].zero_()
            copy["mlp.down_proj.weight"].zero_()
            grown.update({f"layers.{j}.{k}": v for k, v in copy.items()})
            new_layers.append(j)
            j += 1
    return grown, new_layers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", required=True, help="model folder to start from (its onnx/model.onnx)")
    ap.add_argument("--examples", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--budget", type=int, default=12288, help="padded tokens per step")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--grow-after", default="",
                    help="comma-separated layer indices of --init: a new block goes after each (a copy of that layer "
                         "whose output projections are zero, so the grown model starts out computing what --init does); "
                         "only the new blocks train")
    ap.add_argument("--line-start-weight", type=float, default=1.0,
                    help="loss weight of a line's first two tokens, where the output chooses which line comes next")
    args = ap.parse_args()
    if not args.minutes and not args.steps:
        ap.error("give --minutes or --steps")
    config = config_from_folder(args.init)
    grow_after = parse_grow_after(args.grow_after, config["num_layers"])
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    os.makedirs(args.out, exist_ok=True)
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    log_path = os.path.join(args.out, "train-log.jsonl")

    tokens = np.fromfile(os.path.join(args.examples, "tokens.bin"), dtype=np.uint16)
    index = np.load(os.path.join(args.examples, "index.npy"))
    valid, train = index[:VALID_EXAMPLES], index[VALID_EXAMPLES:]

    # Tokens that hold a newline: the next two tokens start a line (its indentation, its first word).
    vocab = json.load(open(os.path.join(args.init, "tokenizer.json"), encoding="utf-8"))["model"]["vocab"]
    newline = torch.zeros(max(vocab.values()) + 1, dtype=torch.bool)
    for piece, i in vocab.items():
        newline[i] = "\u010a" in piece  # byte-level BPE writes "\n" as "\u010a"

    def line_weights(x: torch.Tensor) -> torch.Tensor:
        starts = newline[x]
        starts[:, 1:] |= newline[x[:, :-1]]
        return torch.where(starts, args.line_start_weight, 1.0)

    state = {k: torch.from_numpy(v.copy()) for k, v in state_from_fused_onnx(os.path.join(args.init, "onnx", "model.onnx"), config).items()}
    if grow_after:
        state, new_layers = grown_state(state, config["num_layers"], grow_after)
        config = {**config, "num_layers": config["num_layers"] + len(grow_after)}
    model = CodeModel(ModelConfig(**config))
    model.load_state_dict(state)
    if grow_after:
        for name, p in model.named_parameters():
            p.requires_grad = name.startswith(tuple(f"layers.{i}." for i in new_layers))
        print(f"grown to {config['num_layers']} layers; training the new ones: {new_layers}", flush=True)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    step, total, seen = 0, args.steps, 0
    if args.resume and os.path.exists(ckpt_path):
        state = torch.load(ckpt_path)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        step, total, seen = state["step"], state["total"], state["tokens"]
        if args.steps:
            total = args.steps  # a new length for the schedule from here on
        print(f"resumed at step {step} of {total}", flush=True)
    print(f"{len(train)} train examples, {len(valid)} valid; start {evaluate(model, tokens, valid)}", flush=True)

    def save():
        torch.save({"config": config, "model": model.state_dict(), "optimizer": opt.state_dict(),
                    "step": step, "total": total, "tokens": seen}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    rng = np.random.default_rng(step + 1)
    stream = batches(train, args.budget, rng)
    started, last_ckpt, plan_from = time.time(), time.time(), step
    model.train()
    while total is None or step < total:
        for group in opt.param_groups:
            group["lr"] = lr_at(step, total or 10**9, args.lr, args.warmup)
        x, y = make_batch(tokens, next(stream))
        with autocast():
            logits = model(x)
            if args.line_start_weight == 1.0:
                loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-100)
            else:
                each = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), y.reshape(-1), ignore_index=-100, reduction="none")
                w = line_weights(x).reshape(-1) * (y.reshape(-1) != -100)
                loss = (each * w).sum() / w.sum()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        seen += int(x.numel())
        if total is None and step - plan_from == 10:
            per_step = (time.time() - started) / 10
            total = step + int(args.minutes * 60 / per_step) - 10
            print(f"planned {total} steps ({per_step:.2f}s/step)", flush=True)
        if step % 25 == 0:
            rec = {"step": step, "tokens": seen, "loss": round(loss.item(), 4), "lr": round(opt.param_groups[0]["lr"], 6),
                   "elapsed_s": round(time.time() - started)}
            if step % 200 == 0:
                rec.update(evaluate(model, tokens, valid))
            print(json.dumps(rec), flush=True)
            with open(log_path, "a") as f:
                f.write(json.dumps(rec) + "\n")
        if time.time() - last_ckpt > CHECKPOINT_EVERY_S:
            save()
            last_ckpt = time.time()
    save()
    final = {"step": step, "tokens": seen, **evaluate(model, tokens, valid)}
    print(json.dumps(final), flush=True)
    with open(log_path, "a") as f:
        f.write(json.dumps({"final": final}) + "\n")


if __name__ == "__main__":
    main()
