"""Turns the corpus (JSONL of files) into token streams for training: trains the tokenizer on a
sample, then encodes every file, half of them as fill-in-the-middle examples.

Output (in --out): tokenizer.json, train.bin and valid.bin (uint16 token ids).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from byte_level_bpe import Encoder, tokenizer_json, train_bpe  # noqa: E402
from special_tokens import SPECIAL_TOKENS  # noqa: E402

VOCAB_SIZE = 8192
# Characters sampled to learn merges: enough for stable merges, small enough for minutes of work.
TOKENIZER_SAMPLE_CHARS = 12_000_000
# Share of files turned into fill-in-the-middle examples (the rest are plain left-to-right).
FIM_RATE = 0.5
# FIM examples are cut from chunks that fit the training context with room for the special tokens.
FIM_CHUNK_CHARS = 1500

SPECIAL = {t: i for i, t in enumerate(SPECIAL_TOKENS)}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def chunks_at_lines(text: str, limit: int):
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
            cut = text.rfind("\n", start + limit // 2, end)
            if cut > 0:
                end = cut + 1
        yield text[start:end]
        start = end


def fim_example(enc: Encoder, text: str, rng: random.Random) -> list[int]:
    """Prefix/suffix/middle at random character positions (so the prefix often ends mid-word, as
    it does under a cursor), in PSM or SPM order at random. SPM puts the suffix first, so a prompt
    whose prefix grows keystroke by keystroke keeps its cached start."""
    n = len(text)
    start = rng.randrange(0, n + 1)
    if rng.random() < 0.5:
        end = text.find("\n", start)
        end = n if end < 0 else end
        # Often the rest of the line, sometimes a few more lines.
        for _ in range(rng.choice([0, 0, 0, 1, 2, 4])):
            nxt = text.find("\n", end + 1)
            end = n if nxt < 0 else nxt
    else:
        end = min(n, start + int(rng.expovariate(1 / 40)))
    prefix, middle, suffix = text[:start], text[start:end], text[end:]
    p, m, s = enc.encode(prefix), enc.encode(middle), enc.encode(suffix)
    if rng.random() < 0.5:
        return [SPECIAL["<|fim_prefix|>"], *p, SPECIAL["<|fim_suffix|>"], *s, SPECIAL["<|fim_middle|>"], *m, SPECIAL["<|endoftext|>"]]
    return [SPECIAL["<|fim_suffix|>"], *s, SPECIAL["<|fim_prefix|>"], *p, SPECIAL["<|fim_middle|>"], *m, SPECIAL["<|endoftext|>"]]


def encode_split(enc: Encoder, path: str, out_path: str, rng: random.Random, log) -> int:
    ids: list[int] = []
    total = 0
    t0 = time.time()
    with open(out_path, "wb") as out:
        for i, item in enumerate(read_jsonl(path)):
            text = item["text"]
            if rng.random() < FIM_RATE:
                for chunk in chunks_at_lines(text, FIM_CHUNK_CHARS):
                    ids.extend(fim_example(enc, chunk, rng))
            else:
                ids.extend(enc.encode(text))
                ids.append(SPECIAL["<|endoftext|>"])
            if len(ids) > 1_000_000:
                np.asarray(ids, dtype=np.uint16).tofile(out)
                total += len(ids)
                ids = []
            if i % 5000 == 0:
                log(f"encode {os.path.basename(path)}: {i} files, {total + len(ids)} tokens, {time.time() - t0:.0f}s")
        np.asarray(ids, dtype=np.uint16).tofile(out)
        total += len(ids)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, help="folder with train.jsonl and valid.jsonl")
    ap.add_argument("--out", required=True)
    ap.add_argument("--vocab-size", type=int, default=VOCAB_SIZE)
    ap.add_argument("--sample-chars", type=int, default=TOKENIZER_SAMPLE_CHARS)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    log = lambda m: print(m, flush=True)  # noqa: E731

    rng = random.Random(args.seed)
    sample, chars = [], 0
    # A deterministic spread over the corpus: every k-th file until the sample is full.
    files = list(read_jsonl(os.path.join(args.corpus, "train.jsonl")))
    step = max(1, int(sum(len(f["text"]) for f in files) / args.sample_chars))
    for f in files[::step]:
        sample.append(f["text"])
        chars += len(f["text"])
    del files
    log(f"tokenizer sample: {len(sample)} files, {chars} chars")
    t0 = time.time()
    vocab, merges = train_bpe(sample, args.vocab_size, SPECIAL_TOKENS, log=log)
    log(f"tokenizer trained in {time.time() - t0:.0f}s: {len(vocab)} tokens")
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(vocab, merges, SPECIAL_TOKENS), f, ensure_ascii=False)

    enc = Encoder(vocab, merges)
    stats = {}
    for split in ("train", "valid"):
        n = encode_split(enc, os.path.join(args.corpus, f"{split}.jsonl"), os.path.join(args.out, f"{split}.bin"), rng, log)
        stats[split] = n
        log(f"{split}: {n} tokens")
    with open(os.path.join(args.out, "tokens.json"), "w") as f:
        json.dump(stats, f)


if __name__ == "__main__":
    main()
