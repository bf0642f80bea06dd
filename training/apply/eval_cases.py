"""Apply evaluation cases from version pairs of packages never trained on (the held-out packages, or
the valid ones settings are chosen on): a window of each changed file around one change, with a
lazy sketch made as for training, and the expected updated window.

    /usr/bin/python3 training/apply/eval_cases.py --pairs training/out/apply/heldout-pairs.jsonl \
        --out training/out/apply/heldout-cases.json [--count 100]

Output: [{"name", "original", "sketch", "expected"}], the shape `npm run -s cli -- apply --batch`
reads (it ignores "expected"); `npm run -s bench -- apply` scores it.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from examples import window_pair  # noqa: E402
from sketch import make_sketch  # noqa: E402

CODE = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx", ".md", ".css", ".py")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pairs = [json.loads(line) for line in open(args.pairs, encoding="utf-8")]
    # Code and docs, not type declarations (generated); one pair per file path and version step.
    pairs = [p for p in pairs if p["path"].endswith(CODE) and not p["path"].endswith(".d.ts")]
    rng.shuffle(pairs)
    # Spread over packages: round-robin.
    by_pkg: dict[str, list] = {}
    for p in pairs:
        by_pkg.setdefault(p["package"], []).append(p)
    order = []
    while any(by_pkg.values()):
        for k in sorted(by_pkg):
            if by_pkg[k]:
                order.append(by_pkg[k].pop())
    cases = []
    for p in order:
        if len(cases) >= args.count:
            break
        limit = rng.choice([1000, 1500, 2000])
        before, after = (p["before"], p["after"]) if len(p["before"]) <= limit else window_pair(p["before"], p["after"], limit, rng)
        if before == after or len(before) > 2500 or len(after) > 3000:
            continue
        sketch = make_sketch(p["path"], before, after, rng)
        cases.append({"name": f"{p['package']}@{p['from']}..{p['to']}:{p['path']}", "original": before, "sketch": sketch, "expected": after})
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(cases, f)
    print(json.dumps({"cases": len(cases), "packages": len({c["name"].split("@")[0] for c in cases})}))


if __name__ == "__main__":
    main()
