"""Real before/after file pairs from consecutive releases of npm packages.

    /usr/bin/python3 training/apply/version_pairs.py --out training/out/apply [--split train|valid|heldout|all]

Reads the pinned pairs in version-pairs.json beside this file, fetches each
version's tarball with `npm pack --ignore-scripts` (cached in OUT/tarballs; no
package code is ever run), reads the tarballs in memory (nothing is extracted
to disk), pairs files by path within the package and keeps the files that
changed in a moderate, non-trivial way. Writes OUT/train-pairs.jsonl,
OUT/valid-pairs.jsonl, OUT/heldout-pairs.jsonl (one {"package", "from", "to", "step", "path",
"before", "after"} per line; "step" counts the package's pairs back from its newest, 0 for the
newest) and OUT/stats.json. See README.md beside this file.
"""
import argparse
import difflib
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

# Keep the source folders free of __pycache__ (they are not ignored by git).
sys.dont_write_bytecode = True
APPLY_DIR = Path(__file__).resolve().parent
TRAINING_DIR = APPLY_DIR.parent
sys.path.insert(0, str(TRAINING_DIR / "corpus"))

import filters  # noqa: E402
import selection  # noqa: E402
from heldout import HeldoutPolicy, find_companions  # noqa: E402

PAIRS_JSON = APPLY_DIR / "version-pairs.json"
HELDOUT_JSON = TRAINING_DIR / "packages-heldout.json"
# Written by corpus/build.py; the installed held-out tree is the fallback source.
COMPANIONS_JSON = TRAINING_DIR / "out" / "heldout" / "companions.json"
HELDOUT_NODE_MODULES = TRAINING_DIR / "out" / "npm-cache-install" / "heldout" / "node_modules"
HELDOUT_FILES_JSONL = TRAINING_DIR / "out" / "heldout" / "files.jsonl"

# Longer files would not fit the model's context even windowed a few times.
MAX_PAIR_CHARS = 24_000
# More of the lines changed than this is a rewrite, not an edit to apply.
MAX_CHANGED_LINE_SHARE = 0.5
# Specs per `npm pack` call: one npm start-up for many tarballs.
NPM_PACK_BATCH = 16
# A release that touches hundreds of files is mostly one mechanical edit
# (a doc-comment sweep, a new compiler); a sample of it is enough.
MAX_PAIRS_PER_VERSION_PAIR = 120
# Reported only: the model's context fits files below this whole.
SMALL_FILE_CHARS = 8_000

# Valid: the corpus's valid packages (selection.is_valid_package), never trained on.
SPLITS = ("train", "valid", "heldout")

_STABLE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
# Version strings ("1.2.3", "v1.2.3-beta.1") are masked before the triviality test.
_VERSION = re.compile(r"v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?")
_WHITESPACE = re.compile(r"\s+")
# Build tools add or drop these comments without any edit to the code.
_SOURCE_MAP_COMMENT = re.compile(r"^[ \t]*(?://|/\*)[#@] sourceMappingURL=.*$", re.MULTILINE)


def log(message):
    print(message, file=sys.stderr, flush=True)


def version_key(version):
    parts = re.findall(r"\d+", version)
    return tuple(int(p) for p in parts[:3])


def load_pairs(path):
    """{"train"|"valid"|"heldout": [(package, older, newer), ...]}; a package's value is one
    [older, newer] pair or a list of them."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    result = {}
    for split in SPLITS:
        rows = []
        for package, value in sorted(spec.get(split, {}).items()):
            pairs = [value] if value and isinstance(value[0], str) else value
            for pair in pairs:
                if len(pair) != 2 or not all(isinstance(v, str) and _STABLE.match(v) for v in pair):
                    sys.exit("%s: %s has a bad pair %r (want [older, newer] plain versions)" % (path, package, pair))
                if version_key(pair[0]) >= version_key(pair[1]):
                    sys.exit("%s: %s pair %r is not [older, newer]" % (path, package, pair))
                rows.append((package, pair[0], pair[1]))
        result[split] = rows
    return result


def load_policy():
    with open(HELDOUT_JSON, encoding="utf-8") as f:
        names = sorted(json.load(f)["packages"])
    if COMPANIONS_JSON.exists():
        companions = json.loads(COMPANIONS_JSON.read_text(encoding="utf-8"))
    elif HELDOUT_NODE_MODULES.is_dir():
        companions = find_companions(HELDOUT_NODE_MODULES, names)
    else:
        sys.exit("held-out companions unknown: run training/corpus/build.py first (it writes %s)"
                 % COMPANIONS_JSON.relative_to(TRAINING_DIR.parent))
    return HeldoutPolicy(names, companions)


def check_split_policy(pairs, policy):
    """Train and valid packages must not belong to the held-out family; held-out pairs must.
    Valid packages are the corpus's valid packages, so no train pair comes from them."""
    for split in ("train", "valid"):
        leaks = sorted({"%s (held out as %s)" % (p, policy.match_name(p)) for p, _, _ in pairs[split]
                        if policy.match_name(p)})
        if leaks:
            sys.exit("version-pairs.json: %s lists held-out packages or companions: %s" % (split, ", ".join(leaks)))
    wrong = sorted({p for p, _, _ in pairs["train"] if selection.is_valid_package(p)}
                   | {p for p, _, _ in pairs["valid"] if not selection.is_valid_package(p)})
    if wrong:
        sys.exit("version-pairs.json: on the wrong side of the corpus's valid split: " + ", ".join(wrong))
    strays = sorted({p for p, _, _ in pairs["heldout"] if not policy.match_name(p)})
    if strays:
        sys.exit("version-pairs.json: heldout lists packages outside packages-heldout.json: " + ", ".join(strays))


def tarball_name(package, version):
    """npm pack's file name: "@babel/core" 8.1.2 -> "babel-core-8.1.2.tgz"."""
    return "%s-%s.tgz" % (package.lstrip("@").replace("/", "-"), version)


def fetch_tarballs(specs, cache):
    """Download the missing tarballs with `npm pack` (registry tarballs run no scripts;
    --ignore-scripts makes sure). Fails if any spec cannot be fetched."""
    cache = cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    missing = [(p, v) for p, v in specs if not (cache / tarball_name(p, v)).exists()]
    log("tarballs: %d cached, %d to download" % (len(specs) - len(missing), len(missing)))
    failed = []
    for start in range(0, len(missing), NPM_PACK_BATCH):
        batch = missing[start:start + NPM_PACK_BATCH]
        # A scratch cwd: npm must not pick up the project's package.json or .npmrc.
        with tempfile.TemporaryDirectory() as scratch:
            command = ["npm", "pack", "--ignore-scripts", "--json", "--pack-destination", str(cache)]
            done = subprocess.run(command + ["%s@%s" % pv for pv in batch], cwd=scratch,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if done.returncode != 0:
                # One bad spec fails the batch: retry one by one to name it.
                for package, version in batch:
                    one = subprocess.run(command + ["%s@%s" % (package, version)], cwd=scratch,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                    if one.returncode != 0:
                        errors = [l for l in one.stderr.splitlines() if "error" in l and "complete log" not in l]
                        failed.append("%s@%s: %s" % (package, version, " / ".join(errors[:3])))
        log("  downloaded %d/%d" % (min(start + NPM_PACK_BATCH, len(missing)), len(missing)))
    failed += ["%s@%s: no %s after npm pack" % (p, v, tarball_name(p, v)) for p, v in missing
               if not (cache / tarball_name(p, v)).exists() and not any(f.startswith("%s@%s:" % (p, v)) for f in failed)]
    if failed:
        sys.exit("npm pack failed:\n  " + "\n  ".join(failed))


def _safe_rel_path(name):
    """Path inside the package (first folder, usually "package/", removed), or None
    for names that are absolute, climb out with "..", or are otherwise odd."""
    if name.startswith(("/", "\\")) or "\\" in name or "\0" in name or re.match(r"^[A-Za-z]:", name):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if len(parts) < 2 or any(p == ".." for p in parts):
        return None
    return "/".join(parts[1:])


def read_tarball(path, policy, check_heldout, dropped):
    """{rel_path: text} of the files the corpus filters accept, read in memory."""
    files = {}
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if not member.isfile():
                continue
            rel = _safe_rel_path(member.name)
            if rel is None:
                dropped["unsafe_tar_path"] += 1
                continue
            # Bundled dependencies are other packages, with their own history.
            if "node_modules/" in "/" + rel:
                dropped["bundled_dependency"] += 1
                continue
            reason = filters.path_drop_reason(rel, member.size)
            if not reason and check_heldout and policy.match_path(rel):
                reason = "heldout_path"
            if not reason:
                text = filters.decode(archive.extractfile(member).read())
                reason = "binary" if text is None else filters.content_drop_reason(text, rel)
                if not reason and check_heldout and policy.match_banner(text):
                    reason = "heldout_banner"
            if reason:
                dropped[reason] += 1
                continue
            files[rel] = text
    return files


def _mask(text, versions):
    for version in versions:
        text = text.replace(version, "\0")
    return _VERSION.sub("\0", _WHITESPACE.sub("", _SOURCE_MAP_COMMENT.sub("", text)))


def changed_line_share(before, after):
    a, b = before.split("\n"), after.split("\n")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return 1.0 - same / max(len(a), len(b))


def pair_drop_reason(before, after, versions):
    if before == after:
        return "unchanged"
    # Trivial: equal once whitespace, version strings and source-map comments are masked.
    if len(before) > MAX_PAIR_CHARS or len(after) > MAX_PAIR_CHARS:
        return "over_24k_chars"
    if _mask(before, versions) == _mask(after, versions):
        return "trivial_change"
    if changed_line_share(before, after) > MAX_CHANGED_LINE_SHARE:
        return "over_half_lines_changed"
    return None


def canonical_paths(package, older, newer):
    """Paths present in both versions, one per module (src/a.ts over dist/esm/a.js
    over dist/cjs/a.cjs, as the corpus chooses), so a rebuilt copy of an unchanged
    source file does not count as an edit."""
    common = [{"package": package, "path": p, "kind": filters.kind_of(p), "text": ""}
              for p in sorted(set(older) & set(newer))]
    return sorted(d["path"] for d in selection.drop_build_variants(common, Counter()))


def build_split(split, rows, cache, policy, forbidden_keys, dropped, yields):
    check_heldout = split == "train"
    records, seen = [], set()
    # A pair's step back from its package's newest pinned version: 0 for the newest pair.
    steps = {}
    for package in {r[0] for r in rows}:
        newest_first = sorted((r[2] for r in rows if r[0] == package), key=version_key, reverse=True)
        steps.update({(package, newer): n for n, newer in enumerate(newest_first)})
    for package, older, newer in sorted(rows, key=lambda r: (r[0], version_key(r[2]))):
        tar_dropped = Counter()
        before_files = read_tarball(cache / tarball_name(package, older), policy, check_heldout, tar_dropped)
        after_files = read_tarball(cache / tarball_name(package, newer), policy, check_heldout, tar_dropped)
        dropped.update({"file_" + k: v for k, v in tar_dropped.items()})
        candidates = []
        for path in canonical_paths(package, before_files, after_files):
            before, after = before_files[path], after_files[path]
            reason = pair_drop_reason(before, after, (older, newer))
            if not reason and forbidden_keys and (filters.dedup_key_whitespace(before) in forbidden_keys
                                                  or filters.dedup_key_whitespace(after) in forbidden_keys):
                reason = "text_of_heldout_file"
            if not reason:
                key = (filters.dedup_key_whitespace(before), filters.dedup_key_whitespace(after))
                reason = "duplicate_pair" if key in seen else None
                seen.add(key)
            if reason:
                dropped[reason] += 1
                continue
            candidates.append({"package": package, "from": older, "to": newer, "step": steps[(package, newer)],
                               "path": path, "before": before, "after": after})
        if len(candidates) > MAX_PAIRS_PER_VERSION_PAIR:
            # A deterministic sample spread over the package: the lowest path hashes.
            sample = sorted(candidates, key=lambda r: hashlib.sha1(r["path"].encode("utf-8")).hexdigest())
            kept = {r["path"] for r in sample[:MAX_PAIRS_PER_VERSION_PAIR]}
            dropped["version_pair_cap"] += len(candidates) - len(kept)
            candidates = [r for r in candidates if r["path"] in kept]
        records += candidates
        yields["%s@%s..%s" % (package, older, newer)] = len(candidates)
        log("  %s %s %s -> %s: %d pairs" % (split, package, older, newer, len(candidates)))
    return records


def heldout_text_keys(rows, cache, policy):
    """Whitespace-insensitive keys of every held-out text this run reads, plus the
    corpus's held-out files if built, so no train pair copies a held-out file."""
    keys = set()
    for package, older, newer in rows:
        for version in (older, newer):
            path = cache / tarball_name(package, version)
            if path.exists():
                for text in read_tarball(path, policy, False, Counter()).values():
                    keys.add(filters.dedup_key_whitespace(text))
    if HELDOUT_FILES_JSONL.exists():
        with open(HELDOUT_FILES_JSONL, encoding="utf-8") as f:
            for line in f:
                keys.add(filters.dedup_key_whitespace(json.loads(line)["text"]))
    return keys


def summarize(records, dropped, yields):
    sizes = sorted(len(r["after"]) for r in records)
    per_package = Counter(r["package"] for r in records)
    return {
        "pairs": len(records),
        "packages": len(per_package),
        "chars": sum(len(r["before"]) + len(r["after"]) for r in records),
        "median_after_chars": int(statistics.median(sizes)) if sizes else 0,
        "pairs_under_8k_chars": sum(1 for s in sizes if s < SMALL_FILE_CHARS),
        "pairs_both_under_8k_chars": sum(1 for r in records
                                         if len(r["before"]) < SMALL_FILE_CHARS and len(r["after"]) < SMALL_FILE_CHARS),
        "median_changed_line_share": round(statistics.median(
            changed_line_share(r["before"], r["after"]) for r in records), 3) if records else 0,
        "kinds": dict(sorted(Counter(filters.kind_of(r["path"]) for r in records).items())),
        "extensions": dict(sorted(Counter(filters.extension_of(r["path"]) for r in records).items())),
        "per_package": dict(sorted(per_package.items())),
        "per_version_pair": dict(sorted(yields.items())),
        "dropped": dict(sorted(dropped.items())),
    }


def write_jsonl(path, records):
    tmp = path.with_suffix(".jsonl.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(TRAINING_DIR / "out" / "apply"))
    parser.add_argument("--split", choices=SPLITS + ("all",), default="all")
    parser.add_argument("--pairs", default=str(PAIRS_JSON), help="pinned pairs (default: version-pairs.json)")
    parser.add_argument("--cache", help="tarball cache (default: OUT/tarballs)")
    args = parser.parse_args(argv)

    started = time.time()
    out = Path(args.out)
    cache = Path(args.cache) if args.cache else out / "tarballs"
    out.mkdir(parents=True, exist_ok=True)
    gitignore = out / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("*\n", encoding="utf-8")

    pairs = load_pairs(args.pairs)
    policy = load_policy()
    check_split_policy(pairs, policy)
    splits = list(SPLITS) if args.split == "all" else [args.split]

    specs = sorted({(p, v) for s in splits for p, a, b in pairs[s] for v in (a, b)})
    if "train" in splits:
        # Held-out texts guard the train split even when only train is built.
        specs = sorted(set(specs) | {(p, v) for p, a, b in pairs["heldout"] for v in (a, b)})
    fetch_tarballs(specs, cache)

    stats_path = out / "stats.json"
    stats = json.loads(stats_path.read_text(encoding="utf-8")) if stats_path.exists() else {}
    stats["description"] = ("Version-to-version file pairs from version-pairs.json; "
                            "chars count before + after; sizes are of the 'after' text.")
    stats.setdefault("splits", {})
    forbidden = heldout_text_keys(pairs["heldout"], cache, policy) if "train" in splits else set()
    for split in splits:
        log("%s: %d version pairs" % (split, len(pairs[split])))
        dropped, yields = Counter(), {}
        records = build_split(split, pairs[split], cache, policy, forbidden if split == "train" else set(),
                              dropped, yields)
        write_jsonl(out / ("%s-pairs.jsonl" % split), records)
        stats["splits"][split] = summarize(records, dropped, yields)
        s = stats["splits"][split]
        log("%s: %d pairs from %d packages, %d chars, median %d chars, %d under 8k"
            % (split, s["pairs"], s["packages"], s["chars"], s["median_after_chars"], s["pairs_under_8k_chars"]))
    stats["seconds"] = round(time.time() - started, 1)
    stats_path.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    log("done in %.0fs -> %s" % (time.time() - started, out))


if __name__ == "__main__":
    main()
