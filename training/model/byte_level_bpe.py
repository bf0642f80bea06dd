"""Byte-level BPE: training, encoding and the tokenizer.json that transformers.js loads.

The pre-tokenizer is the GPT-2 ByteLevel one (regex split, then bytes mapped to printable
characters), so the encoder here and the one in transformers.js split text identically.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict

import regex

# GPT-2's split pattern, as used by the ByteLevel pre-tokenizer with use_regex=true.
GPT2_PATTERN = regex.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+""")


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


def pretokenize(text: str) -> list[str]:
    """Splits text into words and maps each to byte-level characters."""
    return ["".join(BYTE_TO_CHAR[b] for b in piece.encode("utf-8")) for piece in GPT2_PATTERN.findall(text)]


def train_bpe(texts, vocab_size: int, special_tokens: list[str], min_word_count: int = 2, log=print):
    """Learns merges until the vocabulary (specials + 256 bytes + merges) reaches vocab_size.

    Incremental: pair counts are updated only for the words a merge touches.
    """
    word_counts: Counter[str] = Counter()
    for text in texts:
        word_counts.update(pretokenize(text))
    words = [(list(w), c) for w, c in word_counts.items() if c >= min_word_count]
    log(f"bpe: {len(word_counts)} distinct words, {len(words)} kept (count >= {min_word_count})")

    pair_counts: Counter[tuple[str, str]] = Counter()
    where: dict[tuple[str, str], set[int]] = defaultdict(set)
    for i, (symbols, count) in enumerate(words):
        for a, b in zip(symbols, symbols[1:]):
            pair_counts[(a, b)] += count
            where[(a, b)].add(i)

    vocab = list(special_tokens) + [BYTE_TO_CHAR[b] for b in range(256)]
    merges: list[tuple[str, str]] = []
    target_merges = vocab_size - len(vocab)
    while len(merges) < target_merges and pair_counts:
        (a, b), count = max(pair_counts.items(), key=lambda kv: (kv[1], kv[0]))
        if count < 2:
            break
        merged = a + b
        merges.append((a, b))
        vocab.append(merged)
        for i in list(where.pop((a, b), ())):
            symbols, wc = words[i]
            # Remove this word's old pairs, merge, add its new pairs.
            for p in zip(symbols, symbols[1:]):
                pair_counts[p] -= wc
                if pair_counts[p] <= 0:
                    del pair_counts[p]
                if p != (a, b):
                    where[p].discard(i)
            out = []
            k = 0
            while k < len(symbols):
                if k + 1 < len(symbols) and symbols[k] == a and symbols[k + 1] == b:
                    out.append(merged)
                    k += 2
                else:
                    out.append(symbols[k])
                    k += 1
            words[i] = (out, wc)
            for p in zip(out, out[1:]):
                pair_counts[p] += wc
                where[p].add(i)
        pair_counts.pop((a, b), None)
        if len(merges) % 1000 == 0:
            log(f"bpe: {len(merges)}/{target_merges} merges")
    return vocab, merges


class Encoder:
    """Encodes text with learned merges (ranked), caching per word; specials are never produced."""

    def __init__(self, vocab: list[str], merges: list[tuple[str, str]]):
        self.ids = {tok: i for i, tok in enumerate(vocab)}
        self.ranks = {pair: r for r, pair in enumerate(merges)}
        self.cache: dict[str, list[int]] = {}

    def encode_word(self, word: str) -> list[int]:
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        symbols = list(word)
        while len(symbols) > 1:
            best = None
            best_rank = None
            for k in range(len(symbols) - 1):
                r = self.ranks.get((symbols[k], symbols[k + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = k, r
            if best is None:
                break
            symbols[best : best + 2] = [symbols[best] + symbols[best + 1]]
        ids = [self.ids[s] for s in symbols]
        if len(self.cache) < 2_000_000:
            self.cache[word] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        out: list[int] = []
        for word in pretokenize(text):
            out.extend(self.encode_word(word))
        return out


def decode(vocab: list[str], ids, special_count: int) -> str:
    data = bytearray()
    for i in ids:
        if i < special_count:
            data.extend(vocab[i].encode("utf-8"))
        else:
            data.extend(CHAR_TO_BYTE[c] for c in vocab[i])
    return data.decode("utf-8", errors="replace")


def tokenizer_json(vocab: list[str], merges: list[tuple[str, str]], special_tokens: list[str]) -> dict:
    """The Hugging Face tokenizer.json for this vocabulary (loaded by transformers.js)."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            for i, t in enumerate(special_tokens)
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": {t: i for i, t in enumerate(vocab)},
            "merges": [f"{a} {b}" for a, b in merges],
        },
    }


def load_tokenizer_json(path: str) -> tuple[list[str], list[tuple[str, str]]]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    vocab_map = data["model"]["vocab"]
    vocab = [None] * len(vocab_map)
    for t, i in vocab_map.items():
        vocab[i] = t
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in data["model"]["merges"]]
    return vocab, merges
