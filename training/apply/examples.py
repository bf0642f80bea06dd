"""Apply-task training examples: real version-to-version pairs and synthetic edits of corpus files,
each with a lazy sketch, encoded as

    <|original|> before <|sketch|> sketch <|updated|> after <|endoftext|>

with the loss on `after` and the end token. Files longer than the context are cut into windows
around their changes (the runtime applies long files window by window the same way).

    /usr/bin/python3 training/apply/examples.py --tokenizer models/lookahead-code/tokenizer.json \
        --pairs training/out/apply/train-pairs.jsonl --corpus training/out/corpus/train.jsonl \
        --out training/out/apply/examples

Output: tokens.bin (uint16), index.npy ([start, loss_start, end] per example), stats.json.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import random
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "model"))
from byte_level_bpe import Encoder, load_tokenizer_json  # noqa: E402
from sketch import make_sketch  # noqa: E402
from special_tokens import SPECIAL_TOKENS  # noqa: E402
from synth import synthetic_edit  # noqa: E402

SPECIAL = {t: i for i, t in enumerate(SPECIAL_TOKENS)}
MAX_TOKENS = 1536
# Windows of the original file: most as long as the files a chat edit usually touches.
WINDOW_CHARS = [800, 1200, 1500, 1500, 2000, 2500]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def window_pair(before: str, after: str, limit: int, rng: random.Random) -> tuple[str, str]:
    """A window of lines around one change of (before, after), at most about `limit` characters of
    `before`, cut inside unchanged lines so both sides stay consistent."""
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    changed = [k for k, op in enumerate(ops) if op[0] != "equal"]
    if not changed:
        return before, after
    k = rng.choice(changed)
    lo, hi = k, k + 1  # ops[lo:hi] are inside the window
    size = lambda: sum(len(x) for x in a[ops[lo][1] : ops[hi - 1][2]])  # noqa: E731
    while True:
        grew = False
        if lo > 0 and ops[lo - 1][0] != "equal" and size() < limit:
            lo, grew = lo - 1, True
        if hi < len(ops) and ops[hi][0] != "equal" and size() < limit:
            hi, grew = hi + 1, True
        if lo > 1 and ops[lo - 1][0] == "equal" and rng.random() < 0.5 and size() + sum(len(x) for x in a[ops[lo - 1][1]:ops[lo - 1][2]]) < limit:
            lo, grew = lo - 1, True
        if not grew:
            break
    # Context from the unchanged blocks around the window, up to the limit.
    i1, i2, j1, j2 = ops[lo][1], ops[hi - 1][2], ops[lo][3], ops[hi - 1][4]
    room = max(0, limit - size())
    ctx_before = ctx_after = 0
    if lo > 0:
        e = ops[lo - 1]
        n = e[2] - e[1]
        while ctx_before < n and sum(len(x) for x in a[i1 - ctx_before - 1 : i1]) < room * rng.uniform(0.2, 0.8):
            ctx_before += 1
    if hi < len(ops):
        e = ops[hi]
        n = e[2] - e[1]
        while ctx_after < n and sum(len(x) for x in a[i2 : i2 + ctx_after + 1]) + sum(len(x) for x in a[i1 - ctx_before : i1]) < room:
            ctx_after += 1
    return "".join(a[i1 - ctx_before : i2 + ctx_after]), "".join(b[j1 - ctx_before : j2 + ctx_after])


def encode_example(enc: Encoder, before: str, sketch: str, after: str) -> tuple[list[int], int]:
    ids = [SPECIAL["<|original|>"], *enc.encode(before), SPECIAL["<|sketch|>"], *enc.encode(sketch), SPECIAL["<|updated|>"]]
    loss_start = len(ids) - 1  # the position whose next token is the first of `after`
    ids += [*enc.encode(after), SPECIAL["<|endoftext|>"]]
    return ids, loss_start


def examples_from_pair(enc, path, before, after, rng, note_share=0.0, fragment_share=0.0):
    for _ in range(2 if len(before) > 6000 else 1):
        limit = rng.choice(WINDOW_CHARS)
        b, a = (before, after) if len(before) <= limit else window_pair(before, after, limit, rng)
        if b == a or not b.strip():
            continue
        sketch = make_sketch(path, b, a, rng, note_share, fragment_share)
        ids, loss_start = encode_example(enc, b, sketch, a)
        if len(ids) <= MAX_TOKENS:
            yield ids, loss_start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tokenizer", required=True)
    ap.add_argument("--pairs", required=True, help="version pairs JSONL (version_pairs.py)")
    ap.add_argument("--corpus", required=True, help="corpus JSONL for synthetic edits")
    ap.add_argument("--synthetic", type=int, default=12000, help="synthetic examples to make")
    ap.add_argument("--pair-passes", type=int, default=2, help="examples per version pair (different sketches and windows)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--newest-steps", type=int, help="only the pairs this many steps back from each package's newest")
    ap.add_argument("--note-share", type=float, default=0.0, help="share of sketches that open with a chat model's note")
    ap.add_argument("--fragment-share", type=float, default=0.0,
                    help="share of sketches that show the changed code alone, no marker at either end, moved to column 0")
    args = ap.parse_args()
    for name in ("note_share", "fragment_share"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            ap.error(f"--{name.replace('_', '-')} is a share from 0 to 1, got {getattr(args, name)}")
    rng = random.Random(args.seed)
    vocab, merges = load_tokenizer_json(args.tokenizer)
    enc = Encoder(vocab, merges)
    os.makedirs(args.out, exist_ok=True)
    tokens: list[int] = []
    index: list[tuple[int, int, int]] = []
    counts = {"pairs": 0, "synthetic": 0}
    t0 = time.time()

    def add(ids, loss_start, kind):
        index.append((len(tokens), len(tokens) + loss_start, len(tokens) + len(ids)))
        tokens.extend(ids)
        counts[kind] += 1

    pairs = [p for p in read_jsonl(args.pairs) if args.newest_steps is None or p["step"] < args.newest_steps]
    for p in range(args.pair_passes):
        for i, pair in enumerate(pairs):
            for ids, ls in examples_from_pair(enc, pair["path"], pair["before"], pair["after"], rng, args.note_share, args.fragment_share):
                add(ids, ls, "pairs")
        print(f"pairs pass {p}: {counts['pairs']} examples, {len(tokens)} tokens, {time.time() - t0:.0f}s", flush=True)

    files = [f for f in read_jsonl(args.corpus) if 200 < len(f["text"]) < 200_000]
    rng.shuffle(files)
    made = 0
    for i, f in enumerate(files):
        if made >= args.synthetic:
            break
        text = f["text"]
        limit = rng.choice(WINDOW_CHARS)
        if len(text) > limit:
            start = rng.randrange(0, len(text) - limit)
            start = text.rfind("\n", 0, start) + 1
            end = text.rfind("\n", start, start + limit) + 1 or len(text)
            text = text[start:end]
        donor = files[(i + 1) % len(files)]["text"][:4000]
        edit = synthetic_edit(f["path"], text, donor, rng)
        if not edit:
            continue
        after = edit[1]
        sketch = make_sketch(f["path"], text, after, rng, args.note_share, args.fragment_share)
        ids, ls = encode_example(enc, text, sketch, after)
        if len(ids) <= MAX_TOKENS:
            add(ids, ls, "synthetic")
            made += 1
            if made % 2000 == 0:
                print(f"synthetic: {made}, {len(tokens)} tokens, {time.time() - t0:.0f}s", flush=True)

    order = list(range(len(index)))
    rng.shuffle(order)
    np.asarray(tokens, dtype=np.uint16).tofile(os.path.join(args.out, "tokens.bin"))
    np.save(os.path.join(args.out, "index.npy"), np.asarray([index[k] for k in order], dtype=np.int64))
    stats = {**counts, "tokens": len(tokens), "loss_tokens": int(sum(e - l for _, l, e in index)), "seconds": round(time.time() - t0)}
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump(stats, f)
    print(json.dumps(stats), flush=True)


if __name__ == "__main__":
    main()
