"""Trains the code model on the token streams from prepare.py, on CPU with bf16 autocast.

Checkpoints every few minutes (model, optimiser, step, schedule) so a run can be stopped and
resumed with --resume. With --minutes, the number of steps is fixed after measuring the speed of
the first steps, so the learning-rate schedule ends when the time is up.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from llama import CodeModel, ModelConfig  # noqa: E402

CHECKPOINT_EVERY_S = 300
EVAL_WINDOWS = 64
# The last part of training uses longer windows so the model has seen the distances that
# completion prompts span.
LONG_CONTEXT_FRACTION = 0.2


def lr_at(step: int, total: int, peak: float, warmup: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def batch(data: np.ndarray, rng: np.random.Generator, b: int, t: int) -> torch.Tensor:
    starts = rng.integers(0, len(data) - t - 1, size=b)
    return torch.from_numpy(np.stack([data[s : s + t + 1].astype(np.int64) for s in starts]))


@torch.no_grad()
def evaluate(model: CodeModel, data: np.ndarray, t: int) -> float:
    """Mean loss (nats/token) over fixed windows of the validation stream."""
    model.eval()
    rng = np.random.default_rng(0)
    losses = []
    for i in range(0, EVAL_WINDOWS, 8):
        x = batch(data, rng, 8, t)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(x[:, :-1])
        losses.append(F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1)).item())
    model.train()
    return float(np.mean(losses))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=None)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--ffn", type=int, default=704)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    os.makedirs(args.out, exist_ok=True)
    log_path = os.path.join(args.out, "train-log.jsonl")
    ckpt_path = os.path.join(args.out, "checkpoint.pt")

    train = np.memmap(os.path.join(args.data, "train.bin"), dtype=np.uint16, mode="r")
    valid = np.memmap(os.path.join(args.data, "valid.bin"), dtype=np.uint16, mode="r")
    with open(os.path.join(args.data, "tokenizer.json"), encoding="utf-8") as f:
        vocab_size = len(json.load(f)["model"]["vocab"])

    config = ModelConfig(vocab_size=vocab_size, num_layers=args.layers, hidden_size=args.hidden, intermediate_size=args.ffn,
                         num_heads=args.hidden // 64, num_kv_heads=max(1, args.hidden // 128))
    model = CodeModel(config)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    step, total, tokens = 0, args.steps, 0
    if args.resume and os.path.exists(ckpt_path):
        state = torch.load(ckpt_path)
        config = ModelConfig(**state["config"])
        model = CodeModel(config)
        model.load_state_dict(state["model"])
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
        opt.load_state_dict(state["optimizer"])
        step, total, tokens = state["step"], state["total"], state["tokens"]
        if args.minutes and not args.steps:
            total = None  # re-plan the remaining steps for this run's time budget
            plan_from = step
        print(f"resumed at step {step}, {tokens} tokens", flush=True)
    plan_from = step
    print(f"model: {model.param_count() / 1e6:.2f}M parameters; train {len(train)} tokens, valid {len(valid)}", flush=True)

    rng = np.random.default_rng(step + 1)
    started = time.time()
    last_ckpt = time.time()
    model.train()

    def save():
        torch.save({"config": config.to_dict(), "model": model.state_dict(), "optimizer": opt.state_dict(),
                    "step": step, "total": total, "tokens": tokens}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    while total is None or step < total:
        planned = total if total is not None else 10**9
        long_phase = total is not None and step >= total * (1 - LONG_CONTEXT_FRACTION)
        t = args.seq * 2 if long_phase else args.seq
        b = max(1, args.batch // 2) if long_phase else args.batch
        for group in opt.param_groups:
            group["lr"] = lr_at(step, planned, args.lr, args.warmup)
        x = batch(train, rng, b, t)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(x[:, :-1])
            loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        step += 1
        tokens += b * t
        if total is None and args.minutes and step - plan_from == 20:
            per_step = (time.time() - started) / 20
            # Long-context steps cost about 1.3x (attention grows with length).
            total = step + int(args.minutes * 60 / per_step / (1 + 0.3 * LONG_CONTEXT_FRACTION)) - 20
            print(f"planned {total} steps ({per_step:.2f}s/step)", flush=True)
        if step % 50 == 0:
            rate = tokens / max(1e-9, time.time() - started) if step == plan_from else None
            rec = {"step": step, "tokens": tokens, "loss": round(loss.item(), 4), "lr": opt.param_groups[0]["lr"],
                   "elapsed_s": round(time.time() - started)}
            if step % 500 == 0:
                rec["valid_loss"] = round(evaluate(model, valid, args.seq), 4)
            print(json.dumps(rec), flush=True)
            with open(log_path, "a") as f:
                f.write(json.dumps(rec) + "\n")
        if time.time() - last_ckpt > CHECKPOINT_EVERY_S:
            save()
            last_ckpt = time.time()
    save()
    final = {"step": step, "tokens": tokens, "valid_loss": round(evaluate(model, valid, args.seq), 4),
             "valid_loss_long": round(evaluate(model, valid, args.seq * 2), 4)}
    print(json.dumps(final), flush=True)
    with open(log_path, "a") as f:
        f.write(json.dumps({"final": final}) + "\n")


if __name__ == "__main__":
    main()
