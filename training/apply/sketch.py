"""Lazy sketches, made the way chat models write them, from a file before and after an edit.

A chat model asked for an edit answers with the changed code and elides what stays the same:
`// ... existing code ...` (or `# ...`, `/* ... */`, `<!-- ... -->`, in the file's comment
syntax), keeping a line or two of context around each change so the reader sees where it goes;
sometimes it shows only the changed region with no marker at all, sometimes the whole file.
Deleted lines simply do not appear, between context lines that do. Sometimes it opens with a note
to the reader (`// Updated: ...`) that is not part of the file.
"""
from __future__ import annotations

import difflib
import random
import re
import textwrap

LINE_COMMENT = {
    "js": "//", "mjs": "//", "cjs": "//", "jsx": "//", "ts": "//", "mts": "//", "cts": "//", "tsx": "//",
    "rs": "//", "go": "//", "java": "//", "c": "//", "cc": "//", "cpp": "//", "h": "//", "swift": "//", "kt": "//",
    "scss": "//", "less": "//",
    "py": "#", "rb": "#", "sh": "#", "yml": "#", "yaml": "#", "toml": "#",
}
BLOCK_COMMENT = {"css": ("/*", "*/"), "html": ("<!--", "-->"), "vue": ("<!--", "-->"), "svelte": ("<!--", "-->"),
                 "md": ("<!--", "-->"), "markdown": ("<!--", "-->"), "xml": ("<!--", "-->")}
PHRASES = [
    "... existing code ...", "... existing code ...", "... existing code ...", "...", "... rest of the code ...",
    "... same ...", "... unchanged ...", "... existing methods ...", "... rest of the file unchanged ...",
    "... keep existing code ...", "... other code ...", "(unchanged)", "... previous code ...",
]

# A chat model's note above its code, naming something the edit touches; never part of the file.
NOTES = [
    "Updated {name}", "Refactored {name}", "Changes: {name}", "Modified {name} as requested", "Added {name}",
    "Here is the updated code with {name}", "Fixed {name}", "Updated implementation of {name}",
    "{name} now updated", "Edit: {name}", "Changed {name} (rest unchanged)", "Refactor: simplified {name}",
]
_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]{2,}")
_KEYWORDS = set("""abstract async await break case catch class const continue def default delete else elif
enum export extends false finally for from function get if implements import in instanceof interface
let new none null private protected public readonly return self set static super switch this throw
true try type typeof undefined var void while with yield""".split())


def extension(path: str) -> str:
    return path.rsplit(".", 1)[-1].lower() if "." in path else ""


def marker(path: str, indent: str, rng: random.Random) -> str:
    ext = extension(path)
    phrase = rng.choice(PHRASES)
    if ext in LINE_COMMENT and rng.random() < 0.9:
        return f"{indent}{LINE_COMMENT[ext]} {phrase}"
    if ext in BLOCK_COMMENT:
        if ext in ("md", "markdown") and rng.random() < 0.3:
            return f"{indent}..."
        a, b = BLOCK_COMMENT[ext]
        return f"{indent}{a} {phrase} {b}"
    if ext == "json":
        return f"{indent}..."
    if ext in LINE_COMMENT:
        return f"{indent}/* {phrase} */" if LINE_COMMENT[ext] == "//" else f"{indent}# {phrase}"
    return f"{indent}// {phrase}" if rng.random() < 0.7 else f"{indent}# {phrase}"


def _indent_of(lines: list[str], start: int, end: int) -> str:
    for line in lines[start:end]:
        if line.strip():
            return line[: len(line) - len(line.lstrip(" \t"))]
    return ""


def note(path: str, new_lines: list[str], rng: random.Random) -> str | None:
    """A one-line note in the file's comment syntax naming a word of the edit's new lines."""
    names = [n for line in new_lines for n in _NAME.findall(line) if n.lower() not in _KEYWORDS]
    if not names:
        return None
    text = rng.choice(NOTES).format(name=rng.choice(names))
    ext = extension(path)
    if ext in LINE_COMMENT:
        return f"{LINE_COMMENT[ext]} {text}\n"
    if ext in BLOCK_COMMENT:
        a, b = BLOCK_COMMENT[ext]
        return f"{a} {text} {b}\n"
    return None


def make_sketch(path: str, before: str, after: str, rng: random.Random, note_share: float = 0.0,
                fragment_share: float = 0.0) -> str:
    """A lazy sketch of `after` relative to `before` (both whole files); a share `note_share` of
    them open with a note, and a share `fragment_share` are fragments: the changed code alone, with
    no marker at either end, moved left as far as all its lines go (a chat model quoting one method
    of a class at column 0). No random draw is made for either when its share is 0, so sketches made
    without them stay the same for a given seed."""
    fragment = fragment_share > 0 and rng.random() < fragment_share
    sketch = _elide(path, before, after, rng, fragment)
    if note_share > 0 and rng.random() < note_share:
        a, b = before.splitlines(), after.splitlines()
        ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
        changed = [line for tag, _, _, j1, j2 in ops if tag != "equal" for line in b[j1:j2]]
        line = note(path, changed, rng)
        if line:
            sketch = line + sketch
    return sketch


def _elide(path: str, before: str, after: str, rng: random.Random, fragment: bool = False) -> str:
    if rng.random() < 0.08 and not fragment:
        return after  # the whole file, no elisions
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    context = rng.choice([0, 1, 1, 2, 2, 2, 3, 4])
    min_elide = rng.choice([2, 3, 4, 6])
    # Markers at the very start and end are sometimes left out (only the changed region is shown).
    bare_ends = rng.random() < 0.25 or fragment
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    out: list[str] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "equal":
            out.extend(b[j1:j2])
            continue
        n = i2 - i1
        first, last = k == 0, k == len(ops) - 1
        # Context is kept next to changes; a deletion needs at least one line on each side to be seen.
        keep_before = 0 if first else max(context, 1 if ops[k - 1][0] == "delete" else 0)
        keep_after = 0 if last else max(context, 1 if ops[k + 1][0] == "delete" else 0)
        if n - keep_before - keep_after < min_elide:
            out.extend(b[j1:j2])
            continue
        out.extend(b[j1 : j1 + keep_before])
        if not ((first or last) and bare_ends):
            indent = _indent_of(b, j1 + keep_before, j2 - keep_after)
            out.append(marker(path, indent, rng) + "\n")
        out.extend(b[j2 - keep_after : j2])
    sketch = "".join(out)
    if fragment:
        sketch = textwrap.dedent(sketch)
    if sketch and not sketch.endswith("\n"):
        sketch += "\n"
    return sketch
