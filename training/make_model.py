"""One command from pinned npm packages to the shipped model folder:

    npm run model:train                     # full: corpus, tokenizer, training, export, check
    npm run model:train -- --smoke --out D  # a few steps on a tiny corpus (CI)

Steps: corpus/build.py -> model/prepare.py -> model/train.py -> model/export.py -> model/quantize.py
-> check-model.ts (Node loads and runs the result) -> model/store_fp16.py (the float32 graph's
weights stored as float16). The full run takes about 100 minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PY = sys.executable

# The shipped model's recipe (see BENCHMARKS.md for how it measures).
FULL = {"steps": 2200, "batch": 16, "seq": 512, "lr": 2e-3, "layers": 4, "hidden": 256, "ffn": 704, "vocab": 8192}
SMOKE = {"steps": 20, "batch": 4, "seq": 128, "lr": 2e-3, "layers": 2, "hidden": 128, "ffn": 256, "vocab": 1024}


def run(args: list[str], **kw) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, **kw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "lookahead-code"))
    ap.add_argument("--work", default=None, help="scratch folder (default training/out or training/out-smoke)")
    ap.add_argument("--resume", action="store_true", help="continue training from the checkpoint in the work folder")
    args = ap.parse_args()
    recipe = SMOKE if args.smoke else FULL
    work = args.work or os.path.join(HERE, "out-smoke" if args.smoke else "out")
    started = time.time()

    run([PY, os.path.join(HERE, "corpus", "build.py"), "--out", work] + (["--smoke"] if args.smoke else []))
    tokens = os.path.join(work, "tokens")
    if not (args.resume and os.path.exists(os.path.join(tokens, "train.bin"))):
        run([PY, os.path.join(HERE, "model", "prepare.py"), "--corpus", os.path.join(work, "corpus"), "--out", tokens,
             "--vocab-size", str(recipe["vocab"])] + (["--sample-chars", "2000000"] if args.smoke else []))
    ckpt = os.path.join(work, "checkpoint")
    run([PY, os.path.join(HERE, "model", "train.py"), "--data", tokens, "--out", ckpt, "--steps", str(recipe["steps"]),
         "--batch", str(recipe["batch"]), "--seq", str(recipe["seq"]), "--lr", str(recipe["lr"]), "--layers", str(recipe["layers"]),
         "--hidden", str(recipe["hidden"]), "--ffn", str(recipe["ffn"])] + (["--resume"] if args.resume else []))
    staging = args.out.rstrip("/") + ".new"
    shutil.rmtree(staging, ignore_errors=True)
    run([PY, os.path.join(HERE, "model", "export.py"), "--checkpoint", os.path.join(ckpt, "checkpoint.pt"),
         "--tokenizer", os.path.join(tokens, "tokenizer.json"), "--out", staging])
    run([PY, os.path.join(HERE, "model", "quantize.py"), staging])
    run(["npx", "tsx", os.path.join(HERE, "check-model.ts"), staging], cwd=ROOT)
    # The float32 graph (LOOKAHEAD_TAB_DTYPE=fp32) ships with its weights stored as float16: half the
    # bytes of the 40 MiB the models share, and no held-out difference (BENCHMARKS.md, "Model: held-out quality and speed").
    run([PY, os.path.join(HERE, "model", "store_fp16.py"), os.path.join(staging, "onnx", "model.onnx")])
    shutil.rmtree(args.out, ignore_errors=True)
    os.replace(staging, args.out)
    print(f"model written to {args.out} in {time.time() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
