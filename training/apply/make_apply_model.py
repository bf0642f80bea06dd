"""One command from pinned npm packages to the shipped apply model folder (models/lookahead-apply):

    npm run model:train-apply                 # about 3 hours on 2 cores
    npm run model:train-apply -- --resume     # continue the unfinished stage from its checkpoint

Steps: corpus/build.py (files for synthetic edits) -> apply/version_pairs.py (pinned version pairs)
-> for each stage of RECIPE: apply/examples.py (its own seed: new sketches, windows and synthetic
edits) -> apply/train_apply.py (stage 1 from the shipped code model, each later stage from the
previous stage's export) -> model/export.py -> model/quantize.py -> check-model.ts; then
model/store_fp16.py on the last stage. The folder ships one graph: float32, stored as float16 (half
the bytes; onnxruntime widens the weights when it loads them), because apply's many-row
verification passes run faster on float32 weights than on 8-bit ones.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
ROOT = os.path.dirname(TRAINING)
PY = sys.executable
# Stage 1 learns the task from the code model; stages 2 and 3 go on at lower peak rates, each on
# fresh examples; stage 4 weighs each line's first two tokens (where the output chooses which line
# comes next) three times as much.
# Steps, not minutes, so the schedule does not depend on how busy the machine is (~3.3 to 6 s per
# step on 2 cores with transparent huge pages, about a third less with jemalloc; see README).
RECIPE = [
    {"steps": 950, "budget": 8192, "lr": 1e-3, "warmup": 30, "synthetic": 7000, "pair_passes": 2, "newest_steps": 3, "seed": 7},
    {"steps": 1500, "budget": 8192, "lr": 5e-4, "warmup": 50, "synthetic": 7000, "pair_passes": 2, "newest_steps": 3, "seed": 8},
    {"steps": 1500, "budget": 8192, "lr": 3e-4, "warmup": 50, "synthetic": 7000, "pair_passes": 2, "newest_steps": 3, "seed": 9},
    {"steps": 800, "budget": 8192, "lr": 2e-4, "warmup": 40, "synthetic": 7000, "pair_passes": 2, "newest_steps": 3, "seed": 10, "line_start_weight": 3},
]


def run(args: list[str], **kw) -> None:
    print("+", " ".join(args), flush=True)
    subprocess.run(args, check=True, **kw)


def training_env() -> dict[str, str]:
    """The environment for train_apply.py: with Debian's libjemalloc2 installed, jemalloc keeping
    the memory it frees (no decay), so the activation buffers each step frees and allocates again
    are not handed back and faulted in anew. The same 25 steps took 105 s instead of 156 s with
    glibc on 2 cores (transparent huge pages `always` both times), with the same losses. jemalloc
    at its default decay hands memory back and was slower than glibc (196 s)."""
    env = dict(os.environ)
    found = sorted(glob.glob("/usr/lib/*/libjemalloc.so.2")) + sorted(glob.glob("/usr/lib/libjemalloc.so.2"))
    if found and "LD_PRELOAD" not in env:
        env["LD_PRELOAD"] = found[0]
        env.setdefault("MALLOC_CONF", "dirty_decay_ms:-1,muzzy_decay_ms:-1")
    return env


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
    init = args.init
    for n, stage in enumerate(RECIPE, start=1):
        examples = os.path.join(work, "examples" if n == 1 else f"examples-{n}")
        if not (args.resume and os.path.exists(os.path.join(examples, "index.npy"))):
            run([PY, os.path.join(HERE, "examples.py"), "--tokenizer", os.path.join(args.init, "tokenizer.json"),
                 "--pairs", os.path.join(work, "train-pairs.jsonl"), "--corpus", os.path.join(args.work, "corpus", "train.jsonl"),
                 "--synthetic", str(stage["synthetic"]), "--pair-passes", str(stage["pair_passes"]), "--seed", str(stage["seed"]),
                 "--note-share", str(stage.get("note_share", 0.0)), "--out", examples]
                + (["--newest-steps", str(stage["newest_steps"])] if "newest_steps" in stage else []))
        ckpt = os.path.join(work, "checkpoint" if n == 1 else f"checkpoint-{n}")
        staging = os.path.join(work, "export" if n == len(RECIPE) else f"export-{n}")
        if args.resume and os.path.exists(os.path.join(staging, "onnx", "model.onnx")):
            init = staging  # this stage finished and was exported by an earlier run
            continue
        run([PY, os.path.join(HERE, "train_apply.py"), "--init", init, "--examples", examples, "--out", ckpt,
             "--steps", str(stage["steps"]), "--budget", str(stage["budget"]), "--lr", str(stage["lr"]),
             "--warmup", str(stage["warmup"]), "--line-start-weight", str(stage.get("line_start_weight", 1.0))]
            + (["--resume"] if args.resume else []), env=training_env())
        shutil.rmtree(staging, ignore_errors=True)
        run([PY, os.path.join(TRAINING, "model", "export.py"), "--checkpoint", os.path.join(ckpt, "checkpoint.pt"),
             "--tokenizer", os.path.join(args.init, "tokenizer.json"), "--out", staging])
        run([PY, os.path.join(TRAINING, "model", "quantize.py"), staging])
        run(["npx", "tsx", os.path.join(TRAINING, "check-model.ts"), staging], cwd=ROOT)
        init = staging
    shutil.rmtree(args.out, ignore_errors=True)
    shutil.copytree(staging, args.out, ignore=shutil.ignore_patterns("model*.onnx"))
    run([PY, os.path.join(TRAINING, "model", "store_fp16.py"), os.path.join(staging, "onnx", "model.onnx"),
         "--out", os.path.join(args.out, "onnx", "model.onnx")])
    with open(os.path.join(args.out, "train-log.jsonl"), "w") as log:
        for n in range(1, len(RECIPE) + 1):
            with open(os.path.join(work, "checkpoint" if n == 1 else f"checkpoint-{n}", "train-log.jsonl")) as f:
                log.writelines(json.dumps({"stage": n, **json.loads(line)}) + "\n" for line in f if line.strip())
    print(f"apply model written to {args.out} in {time.time() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
