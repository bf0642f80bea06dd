"""Model size against quality at equal training tokens: trains each size with the same short
recipe (steps, batch, sequence, learning-rate schedule) on the same token streams and reports its
validation loss, training speed and decode cost. Informs which size to train for long.

    /usr/bin/python3 training/size_sweep.py [--steps 200] [--work training/out]

Needs the corpus of `training/corpus/build.py` in WORK/corpus; tokenizes it once into
WORK/tokens (as make_model.py does). Prints one JSON line per size and writes WORK/size-sweep.json.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable

# (layers, hidden, ffn): the shipped size in the middle, one smaller and one larger.
SIZES = [(2, 256, 704), (4, 256, 704), (6, 384, 1024)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--work", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    tokens = os.path.join(args.work, "tokens")
    if not os.path.exists(os.path.join(tokens, "train.bin")):
        subprocess.run([PY, os.path.join(HERE, "model", "prepare.py"), "--corpus", os.path.join(args.work, "corpus"), "--out", tokens,
                        "--vocab-size", "8192"], check=True)
    results = []
    for layers, hidden, ffn in SIZES:
        out = os.path.join(args.work, "sweep", f"{layers}x{hidden}")
        started = time.time()
        run = subprocess.run([PY, os.path.join(HERE, "model", "train.py"), "--data", tokens, "--out", out, "--steps", str(args.steps),
                              "--batch", "16", "--seq", "512", "--lr", "2e-3", "--layers", str(layers), "--hidden", str(hidden),
                              "--ffn", str(ffn)], check=True, capture_output=True, text=True)
        final = json.loads([line for line in run.stdout.splitlines() if line.startswith('{"step"')][-1])
        # Tied embedding plus, per layer, q and o (h x h), k and v (h x h/2: half as many kv heads) and the MLP.
        params = 8192 * hidden + layers * (3 * hidden * hidden + 3 * hidden * ffn)
        result = {"size": f"{layers}x{hidden}", "ffn": ffn, "steps": final["step"], "tokens": final["tokens"], "validLoss": final["valid_loss"],
                  "minutes": round((time.time() - started) / 60, 1), "approxParams": params}
        print(json.dumps(result), flush=True)
        results.append(result)
    with open(os.path.join(args.work, "size-sweep.json"), "w") as f:
        json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
