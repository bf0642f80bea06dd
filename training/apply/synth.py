"""Synthetic edits for coverage of what version diffs rarely show: insert, delete, rename, move,
wrap and small in-line changes, applied to real files. Each returns the edited text or None when
the file offers no place for that edit."""
from __future__ import annotations

import random
import re

IDENT = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]{2,}\b")
KEYWORDS = set("""abstract as async await break case catch class const continue debugger default delete do else enum export
extends false finally for from function get if implements import in instanceof interface let new null of package private
protected public return set static super switch this throw true try type typeof undefined var void while with yield def
self None True False elif lambda pass raise except print module require exports""".split())


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _unit(lines: list[str]) -> str:
    for line in lines:
        ind = _indent(line)
        if ind.startswith("\t"):
            return "\t"
        if ind:
            return "  " if len(ind) % 4 else "    "
    return "  "


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """Runs of non-blank lines separated by blank lines: [start, end)."""
    out, start = [], None
    for i, line in enumerate(lines + ["\n"]):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            out.append((start, i))
            start = None
    return out


def insert(lines: list[str], donor: list[str], rng: random.Random):
    blocks = _blocks(donor)
    if not blocks or len(lines) < 2:
        return None
    s, e = rng.choice(blocks)
    e = min(e, s + rng.randint(1, 20))
    at = rng.randrange(0, len(lines) + 1)
    near = next((l for l in lines[at:] + lines[:at][::-1] if l.strip()), "")
    base = _indent(donor[s])
    target = _indent(near)
    block = [target + l[len(base):] if l.startswith(base) else l for l in donor[s:e]]
    if rng.random() < 0.5:
        block = block + ["\n"]
    return lines[:at] + block + lines[at:]


def delete(lines: list[str], donor, rng: random.Random):
    if len(lines) < 6:
        return None
    n = rng.randint(1, min(15, len(lines) // 3))
    at = rng.randrange(0, len(lines) - n)
    return lines[:at] + lines[at + n:]


def rename(lines: list[str], donor: list[str], rng: random.Random):
    text = "".join(lines)
    counts: dict[str, int] = {}
    for m in IDENT.finditer(text):
        w = m.group(0)
        if w not in KEYWORDS:
            counts[w] = counts.get(w, 0) + 1
    names = [w for w, c in counts.items() if c >= 2]
    if not names:
        return None
    old = rng.choice(names)
    pool = [w for w in IDENT.findall("".join(donor)) if w not in KEYWORDS and w not in counts] or [old + "Next"]
    new = rng.choice([rng.choice(pool), old + rng.choice(["2", "Value", "Ref", "List", "_"]), rng.choice(pool)])
    pattern = re.compile(r"\b" + re.escape(old) + r"\b")
    return pattern.sub(new, text).splitlines(keepends=True)


def move(lines: list[str], donor, rng: random.Random):
    blocks = _blocks(lines)
    if len(blocks) < 3:
        return None
    i, j = rng.sample(range(len(blocks)), 2)
    s, e = blocks[i]
    moved = lines[s:e]
    rest = lines[:s] + lines[e:]
    t = blocks[j][0] if j < i else blocks[j][1] - (e - s)
    t = max(0, min(len(rest), t))
    return rest[:t] + moved + (["\n"] if t < len(rest) and rest[t].strip() else []) + rest[t:]


WRAPS = [
    ("try {", "} catch (error) {\n{i}{u}console.error(error);\n{i}}"),
    ("if (options.enabled) {", "}"),
    ("if (value != null) {", "}"),
    ("for (const item of items) {", "}"),
]
PY_WRAPS = [("try:", "except Exception as error:\n{i}{u}print(error)"), ("if value is not None:", None)]


def wrap(lines: list[str], donor, rng: random.Random, python: bool = False):
    if len(lines) < 3:
        return None
    n = rng.randint(1, min(8, len(lines) - 1))
    at = rng.randrange(0, len(lines) - n)
    body = lines[at : at + n]
    if not all(l.strip() for l in body):
        return None
    ind = min((_indent(l) for l in body), key=len)
    u = _unit(lines)
    head, tail = rng.choice(PY_WRAPS if python else WRAPS)
    new = [ind + head + "\n"] + [u + l for l in body]
    if tail:
        new += [ind + tail.replace("{i}", ind).replace("{u}", u) + "\n"]
    return lines[:at] + new + lines[at + n:]


def modify(lines: list[str], donor, rng: random.Random):
    candidates = [i for i, l in enumerate(lines) if len(l.strip()) > 8]
    if not candidates:
        return None
    out = list(lines)
    for i in rng.sample(candidates, min(len(candidates), rng.randint(1, 3))):
        line = out[i]
        kind = rng.random()
        if kind < 0.4 and re.search(r"\d+", line):
            line = re.sub(r"\d+", lambda m: str(int(m.group(0)) + rng.randint(1, 9)), line, count=1)
        elif kind < 0.7 and re.search(r"(['\"])(.*?)\1", line):
            line = re.sub(r"(['\"])(.*?)\1", lambda m: m.group(1) + m.group(2) + rng.choice(["-next", " (updated)", "s", "_v2"]) + m.group(1), line, count=1)
        else:
            ws = IDENT.findall(line)
            if not ws:
                continue
            w = rng.choice(ws)
            line = line.replace(w, w + rng.choice(["New", "s", "Id", "Count", "_2"]), 1)
        out[i] = line
    return out


EDITS = {"insert": insert, "delete": delete, "rename": rename, "move": move, "wrap": wrap, "modify": modify}


def synthetic_edit(path: str, text: str, donor: str, rng: random.Random) -> tuple[str, str] | None:
    """(kind, edited text), one to three edits combined; None when nothing applied."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    donor_lines = donor.splitlines(keepends=True)
    kinds = []
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        kind = rng.choice(list(EDITS))
        fn = EDITS[kind]
        result = fn(lines, donor_lines, rng, path.endswith(".py")) if kind == "wrap" else fn(lines, donor_lines, rng)
        if result is not None:
            lines, kinds = result, kinds + [kind]
    edited = "".join(lines)
    if not kinds or edited == text:
        return None
    return "+".join(kinds), edited
