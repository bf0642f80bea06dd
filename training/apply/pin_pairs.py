"""Extend the pinned version-pair chains of version-pairs.json further back.

    /usr/bin/python3 training/apply/pin_pairs.py --split train --pairs-per-package 6

For each package of the split, reads its published versions (`npm view NAME versions --json`;
no package code is fetched or run) and adds pairs before its oldest pinned one by the rule the
pins already follow: a pair steps back from its newer version to the last release of the previous
minor line, but at most 4 releases back, and pairs chain (one pair's older is the next pair's
newer). Only plain x.y.z releases count. A package whose history runs out keeps the pairs it has.
Rewrites version-pairs.json in place (or --out); existing pairs are never changed.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from version_pairs import _STABLE, PAIRS_JSON, SPLITS, version_key as key  # noqa: E402

# The pins' rule: step back to the previous minor line's last release, at most this many releases.
MAX_STEP = 4


def step_back(versions, newer):
    """The older end of the pair that ends at `newer`, or None when nothing is older.
    `versions`: the package's plain releases, sorted oldest first."""
    if newer not in versions:
        return None
    at = versions.index(newer)
    if at == 0:
        return None
    line = key(newer)[:2]
    earlier_lines = [i for i in range(at) if key(versions[i])[:2] < line]
    target = earlier_lines[-1] if earlier_lines else 0
    return versions[max(target, at - MAX_STEP)]


def published_versions(package):
    result = subprocess.run(["npm", "view", package, "versions", "--json"], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("npm view %s failed: %s" % (package, result.stderr.strip()[-300:]))
    listed = json.loads(result.stdout)
    listed = [listed] if isinstance(listed, str) else listed
    return sorted((v for v in listed if _STABLE.match(v)), key=key)


def extend(chain, versions, count):
    """chain: pinned [older, newer] pairs, oldest first. Returns it with older pairs before them."""
    chain = sorted((list(p) for p in chain), key=lambda p: key(p[0]))
    while len(chain) < count:
        newer = chain[0][0]
        older = step_back(versions, newer)
        if older is None:
            break
        chain.insert(0, [older, newer])
    return chain


def dump(spec):
    """version-pairs.json's layout: one line per package."""
    lines = ["{", "  \"description\": %s," % json.dumps(spec["description"])]
    splits = [s for s in SPLITS if s in spec]
    for i, split in enumerate(splits):
        lines.append("  \"%s\": {" % split)
        items = sorted(spec[split].items())
        for j, (package, pairs) in enumerate(items):
            lines.append("    %s: %s%s" % (json.dumps(package), json.dumps(pairs), "," if j < len(items) - 1 else ""))
        lines.append("  }%s" % ("," if i < len(splits) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="train", choices=SPLITS)
    ap.add_argument("--pairs-per-package", type=int, required=True)
    ap.add_argument("--pairs", default=str(PAIRS_JSON))
    ap.add_argument("--out", help="where to write (default: --pairs, in place)")
    args = ap.parse_args(argv)
    if args.pairs_per_package < 1:
        sys.exit("--pairs-per-package must be at least 1")
    spec = json.loads(Path(args.pairs).read_text(encoding="utf-8"))
    packages = spec[args.split]
    added = 0
    for n, (package, value) in enumerate(sorted(packages.items()), start=1):
        chain = [value] if value and isinstance(value[0], str) else value
        if len(chain) >= args.pairs_per_package:
            continue
        longer = extend(chain, published_versions(package), args.pairs_per_package)
        added += len(longer) - len(chain)
        packages[package] = longer
        print("%d/%d %s: %d -> %d pairs" % (n, len(packages), package, len(chain), len(longer)), file=sys.stderr)
    Path(args.out or args.pairs).write_text(dump(spec), encoding="utf-8")
    print("%s: %d pairs added" % (args.split, added), file=sys.stderr)


if __name__ == "__main__":
    main()
