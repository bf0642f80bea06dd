"""Build the code-model training corpus from pinned npm packages.

    /usr/bin/python3 training/corpus/build.py [--smoke] [--out training/out] [--allow-missing]

Writes OUT/corpus/{train,valid}.jsonl, OUT/corpus/stats.json and
OUT/heldout/files.jsonl; see README.md beside this file.
"""
import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

# Keep the source folder free of __pycache__ (it is not ignored by git).
sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

import filters  # noqa: E402
import selection  # noqa: E402
from heldout import HeldoutPolicy, check_no_leak, find_companions  # noqa: E402
from npm_install import InstallError, install  # noqa: E402
from walk import walk_packages  # noqa: E402

TRAINING_DIR = Path(__file__).resolve().parent.parent
PACKAGES_JSON = TRAINING_DIR / "packages.json"
HELDOUT_JSON = TRAINING_DIR / "packages-heldout.json"
# The transitive tree, so a rebuild months later installs the same files.
LOCK_JSON = TRAINING_DIR / "packages-lock.json"

# Sized for the small model: ~60M characters of train text.
FULL_TOTAL_CHARS = 62_000_000
# CI smoke build: enough to exercise every stage, small enough for a minute.
SMOKE_TOTAL_CHARS = 2_000_000
# No single package (e.g. a framework with thousands of files) may dominate.
PACKAGE_CEILING_CHARS = 1_500_000
# The pinned packages were chosen for quality; the ~2000 packages they pull in
# add breadth but would otherwise squeeze every pinned package to a sliver.
TRANSITIVE_PACKAGE_WEIGHT = 0.25
# Share caps remove files after the package budget; re-running the budget with
# the shortfall added brings the total back to its target within a few passes.
BUDGET_PASSES = 3
# Declarations repeat the code's signatures; docs/config/styles are not code.
SHARE_CAPS = {"dts": 0.10, "other": 0.15}
# Held-out set is for evaluation only: a few MB in all, 15 packages.
HELDOUT_PACKAGE_CHARS = 300_000
# Held-out files are what the model is scored on: code only, no .d.ts or docs.
HELDOUT_KINDS = ("code",)


def log(message):
    print(message, flush=True)


def load_pins(path, smoke):
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    pins = spec["packages"]
    if smoke:
        pins = {name: pins[name] for name in spec["smoke"]}
    return pins


def read_candidates(node_modules, dropped, keep_entry, policy=None):
    """Apply the per-file filters to every installed file; return accepted docs."""
    docs = []
    for entry in walk_packages(node_modules):
        if not keep_entry(entry):
            dropped["not_selected"] += 1
            continue
        if policy and policy.match_stack(entry.stack):
            dropped["heldout_package"] += 1
            continue
        reason = filters.path_drop_reason(entry.rel_path, entry.size)
        if not reason and policy and policy.match_path(entry.rel_path):
            reason = "heldout_path"
        if not reason:
            with open(entry.abs_path, "rb") as f:
                text = filters.decode(f.read())
            reason = "binary" if text is None else filters.content_drop_reason(text, entry.rel_path)
            if not reason and policy and policy.match_banner(text):
                reason = "heldout_banner"
        if reason:
            dropped[reason] += 1
            continue
        docs.append({"package": entry.package_id, "name": entry.package, "path": entry.rel_path,
                     "kind": filters.kind_of(entry.rel_path), "text": text})
    return docs


def write_jsonl(path, docs):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for doc in sorted(docs, key=lambda d: (d["package"], d["path"])):
            record = {"package": doc["package"], "path": doc["path"], "text": doc["text"]}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def summarize(docs):
    return {"files": len(docs), "chars": sum(len(d["text"]) for d in docs)}


def build_stats(train, valid, heldout, dropped, package_cap, elapsed):
    extensions = defaultdict(lambda: {"files": 0, "chars": 0})
    kinds = defaultdict(lambda: {"files": 0, "chars": 0})
    packages = defaultdict(lambda: {"files": 0, "chars": 0})
    for split, docs in (("train", train), ("valid", valid)):
        for doc in docs:
            for table, key in ((extensions, filters.extension_of(doc["path"])), (kinds, doc["kind"]),
                               (packages, doc["package"])):
                table[key]["files"] += 1
                table[key]["chars"] += len(doc["text"])
            packages[doc["package"]]["split"] = split
    return {
        "splits": {"train": summarize(train), "valid": summarize(valid), "heldout": summarize(heldout)},
        "kinds": dict(sorted(kinds.items())),
        "extensions": dict(sorted(extensions.items(), key=lambda kv: -kv[1]["chars"])),
        "packages": dict(sorted(packages.items())),
        "heldout_packages": dict(sorted(Counter(d["package"] for d in heldout).items())),
        "dropped": dict(sorted(dropped.items())),
        "package_char_cap": package_cap,
        "elapsed_seconds": round(elapsed, 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny build for CI")
    parser.add_argument("--out", default=str(TRAINING_DIR / "out"), help="output folder")
    parser.add_argument("--allow-missing", action="store_true",
                        help="continue when a pinned package cannot be installed")
    args = parser.parse_args(argv)
    started = time.time()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    # Downloads and outputs are large and rebuilt on demand: never commit them.
    (out / ".gitignore").write_text("*\n", encoding="utf-8")

    pins = load_pins(PACKAGES_JSON, args.smoke)
    heldout_pins = load_pins(HELDOUT_JSON, args.smoke)
    # Name rules cover every held-out package, also in smoke builds.
    all_heldout = load_pins(HELDOUT_JSON, smoke=False)

    cache = out / "npm-cache-install"
    try:
        # Held-out first: their companions must be known before the train tree is built.
        log("installing %d held-out packages ..." % len(heldout_pins))
        missing = install(cache / "heldout", heldout_pins, args.allow_missing, log=log)
        companions = find_companions(cache / "heldout" / "node_modules", heldout_pins)
        policy = HeldoutPolicy(all_heldout, companions)
        log("held-out companions excluded too: " + (", ".join(companions) or "none"))
        listed_heldout = sorted(n for n in pins if policy.match_name(n))
        if listed_heldout:
            sys.exit("packages.json lists held-out packages or their companions: " + ", ".join(listed_heldout))
        log("installing %d pinned packages ..." % len(pins))
        missing += install(cache / "train", pins, args.allow_missing,
                           lock_file=None if args.smoke else LOCK_JSON, log=log)
    except InstallError as error:
        sys.exit("install failed: %s" % error)
    log("installed in %.0fs" % (time.time() - started))
    (out / "heldout").mkdir(parents=True, exist_ok=True)
    (out / "heldout" / "companions.json").write_text(json.dumps(companions, indent=2) + "\n", encoding="utf-8")

    dropped = Counter()
    docs = read_candidates(cache / "train" / "node_modules", dropped, lambda e: True, policy)
    log("read %d candidate files" % len(docs))
    docs = selection.drop_build_variants(docs, dropped)
    seen_exact, seen_whitespace = set(), set()
    docs = selection.drop_duplicates(docs, dropped, seen_exact, seen_whitespace)
    target = SMOKE_TOTAL_CHARS if args.smoke else FULL_TOTAL_CHARS
    pinned_ids = {"%s@%s" % pin for pin in pins.items()}

    def weight_of(package_id):
        return 1.0 if package_id in pinned_ids else TRANSITIVE_PACKAGE_WEIGHT

    budget = target
    for _ in range(BUDGET_PASSES):
        pass_dropped = Counter()
        selected, package_cap = selection.apply_package_budget(docs, budget, PACKAGE_CEILING_CHARS,
                                                               pass_dropped, weight_of)
        selected = selection.apply_share_caps(selected, SHARE_CAPS, pass_dropped)
        budget += target - sum(len(d["text"]) for d in selected)
    dropped.update(pass_dropped)
    docs = selected
    valid = [d for d in docs if selection.is_valid_package(d["name"])]
    train = [d for d in docs if not selection.is_valid_package(d["name"])]

    # Held-out: only the listed packages' own files, never their dependencies,
    # and nothing that also occurs in the corpus.
    heldout_dropped = Counter()
    heldout = read_candidates(cache / "heldout" / "node_modules", heldout_dropped,
                              lambda e: len(e.stack) == 1 and e.package in heldout_pins)
    heldout = [d for d in heldout if d["kind"] in HELDOUT_KINDS]
    heldout = selection.drop_build_variants(heldout, heldout_dropped)
    heldout = selection.drop_duplicates(heldout, heldout_dropped, seen_exact, seen_whitespace)
    heldout, _ = selection.apply_package_budget(heldout, HELDOUT_PACKAGE_CHARS * len(heldout_pins),
                                                HELDOUT_PACKAGE_CHARS, heldout_dropped)

    write_jsonl(out / "corpus" / "train.jsonl", train)
    write_jsonl(out / "corpus" / "valid.jsonl", valid)
    write_jsonl(out / "heldout" / "files.jsonl", heldout)
    checked = check_no_leak(policy, [out / "corpus" / "train.jsonl", out / "corpus" / "valid.jsonl"],
                            out / "heldout" / "files.jsonl", filters.dedup_key_whitespace)
    log("held-out check passed on %d files" % checked)

    elapsed = time.time() - started
    stats = build_stats(train, valid, heldout, dropped, package_cap, elapsed)
    stats["missing_pins"] = missing
    stats["heldout_companions"] = companions
    stats["heldout_dropped"] = dict(sorted(heldout_dropped.items()))
    (out / "corpus" / "stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")

    splits = stats["splits"]
    log("done in %.0fs: train %d files / %d chars, valid %d files / %d chars, heldout %d files / %d chars"
        % (elapsed, splits["train"]["files"], splits["train"]["chars"], splits["valid"]["files"],
           splits["valid"]["chars"], splits["heldout"]["files"], splits["heldout"]["chars"]))
    if missing:
        log("missing pins (--allow-missing): " + ", ".join(missing))


if __name__ == "__main__":
    main()
