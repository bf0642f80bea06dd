"""One command from pinned npm packages to the shipped apply model folder (models/lookahead-apply):

    npm run model:train-apply                 # about 90 minutes on 2 cores
    npm run model:train-apply -- --resume     # continue training from the last checkpoint

Steps: corpus/build.py (files for synthetic edits) -> apply/version_pairs.py (pinned version pairs)
-> apply/examples.py -> apply/train_apply.py (from the shipped code model) -> model/export.py
-> model/quantize.py -> check-model.ts -> model/store_fp16.py. The folder ships one graph: float32,
stored as float16 (half the bytes; onnxruntime widens the weights when it loads them), because
apply's many-row verification passes run faster on float32 weights than on 8-bit ones.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
ROOT = os.path.dirname(TRAINING)
PY = sys.executable
RECIPE = {"minutes": 75, "budget": 8192, "lr": 1e-3, "warmup": 30, "synthetic": 7000, "pair_passes": 2}


def run(args: list[str], **kw) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, **kw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(TRAINING, "out"))
    ap.add_argument("--init", default=os.path.join(ROOT, "models", "lookahead-code"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "lookahead-apply"))
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()
    started = time.time()
    work = os.path.join(args.work, "apply")
    if not os.path.exists(os.path.join(args.work, "corpus", "train.jsonl")):
        run([PY, os.path.join(TRAINING, "corpus", "build.py"), "--out", args.work])
    run([PY, os.path.join(HERE, "version_pairs.py"), "--out", work])
    examples = os.path.join(work, "examples")
    if not (args.resume and os.path.exists(os.path.join(examples, "index.npy"))):
        run([PY, os.path.join(HERE, "examples.py"), "--tokenizer", os.path.join(args.init, "tokenizer.json"),
             "--pairs", os.path.join(work, "train-pairs.jsonl"), "--corpus", os.path.join(args.work, "corpus", "train.jsonl"),
             "--synthetic", str(RECIPE["synthetic"]), "--pair-passes", str(RECIPE["pair_passes"]), "--out", examples])
    ckpt = os.path.join(work, "checkpoint")
    run([PY, os.path.join(HERE, "train_apply.py"), "--init", args.init, "--examples", examples, "--out", ckpt,
         "--minutes", str(RECIPE["minutes"]), "--budget", str(RECIPE["budget"]), "--lr", str(RECIPE["lr"]),
         "--warmup", str(RECIPE["warmup"])] + (["--resume"] if args.resume else []))
    staging = os.path.join(work, "export")
    shutil.rmtree(staging, ignore_errors=True)
    run([PY, os.path.join(TRAINING, "model", "export.py"), "--checkpoint", os.path.join(ckpt, "checkpoint.pt"),
         "--tokenizer", os.path.join(args.init, "tokenizer.json"), "--out", staging])
    run([PY, os.path.join(TRAINING, "model", "quantize.py"), staging])
    run(["npx", "tsx", os.path.join(TRAINING, "check-model.ts"), staging], cwd=ROOT)
    shutil.rmtree(args.out, ignore_errors=True)
    shutil.copytree(staging, args.out, ignore=shutil.ignore_patterns("model*.onnx"))
    run([PY, os.path.join(TRAINING, "model", "store_fp16.py"), os.path.join(staging, "onnx", "model.onnx"),
         "--out", os.path.join(args.out, "onnx", "model.onnx")])
    shutil.copyfile(os.path.join(ckpt, "train-log.jsonl"), os.path.join(args.out, "train-log.jsonl"))
    print(f"apply model written to {args.out} in {time.time() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
