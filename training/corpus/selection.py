"""Choosing among accepted files: duplicates, build variants, size budgets, split."""
import hashlib
from collections import defaultdict

from filters import dedup_key_exact, dedup_key_whitespace, extension_of

# Folders that only say which build a file belongs to: "src/a.ts", "dist/esm/a.js"
# and "dist/cjs/a.cjs" are one module shipped three times. "node" and "browser"
# are not here because those usually hold genuinely different implementations.
BUILD_VARIANT_DIRS = {
    "src", "source", "lib", "dist", "build", "out", "es", "esm", "esm5", "esm2015",
    "esm2020", "es2015", "es2017", "es2019", "es2020", "es2022", "esnext", "fesm2015",
    "fesm2020", "fesm2022", "cjs", "commonjs", "module", "modules", "mjs", "umd",
    "legacy", "modern", "types", "typings", "distribution",
}
# File-name infixes that mark the same kind of copy: "x.cjs.js", "x.esm.js", "x.flow.js".
BUILD_VARIANT_INFIXES = {"cjs", "esm", "es", "es5", "es6", "mjs", "module", "modern", "legacy",
                         "common", "commonjs", "flow"}
# Which copy of a module to keep: hand-written TypeScript first, then ES modules.
_EXT_RANK = {".ts": 0, ".tsx": 0, ".mts": 1, ".cts": 1, ".mjs": 2, ".jsx": 2, ".js": 3, ".cjs": 4}
_DIR_RANK = {"src": 0, "source": 0, "esm": 1, "es": 1, "module": 1, "mjs": 1, "cjs": 3, "commonjs": 3, "umd": 3}
_KIND_RANK = {"code": 0, "dts": 1, "other": 2}
# Bisection steps for the budget level: 2**-40 of the range is far below one character.
BUDGET_SEARCH_STEPS = 40
_STEM_SUFFIXES = (".d.ts", ".d.mts", ".d.cts", ".tsx", ".jsx", ".mts", ".cts", ".mjs", ".cjs", ".ts", ".js")


def _variant_key(doc):
    path = doc["path"]
    for suffix in _STEM_SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    folders = [p for p in path.split("/")[:-1] if p not in BUILD_VARIANT_DIRS]
    name_parts = path.split("/")[-1].split(".")
    name = ".".join([name_parts[0]] + [p for p in name_parts[1:] if p not in BUILD_VARIANT_INFIXES])
    return (doc["kind"], "/".join(folders + [name]))


def _variant_rank(doc):
    folders = doc["path"].split("/")[:-1]
    dir_rank = min([_DIR_RANK.get(f, 2) for f in folders] or [2])
    return (_EXT_RANK.get(extension_of(doc["path"]), 5), dir_rank, len(doc["path"]), doc["path"])


def drop_build_variants(docs, dropped):
    """Keep one copy of each module per package (docs: dicts with package/path/kind/text)."""
    groups = defaultdict(list)
    for doc in docs:
        if doc["kind"] == "other":
            groups[(doc["package"], "other", doc["path"])].append(doc)
        else:
            groups[(doc["package"],) + _variant_key(doc)].append(doc)
    kept = []
    for group in groups.values():
        group.sort(key=_variant_rank)
        kept.append(group[0])
        dropped["build_variant"] += len(group) - 1
    return kept


def drop_duplicates(docs, dropped, seen_exact=None, seen_whitespace=None):
    """Exact and whitespace-insensitive dedup; first in (package, path) order wins."""
    seen_exact = set() if seen_exact is None else seen_exact
    seen_whitespace = set() if seen_whitespace is None else seen_whitespace
    kept = []
    for doc in sorted(docs, key=lambda d: (d["package"], d["path"])):
        exact, loose = dedup_key_exact(doc["text"]), dedup_key_whitespace(doc["text"])
        if exact in seen_exact:
            dropped["duplicate_exact"] += 1
        elif loose in seen_whitespace:
            dropped["duplicate_whitespace"] += 1
        else:
            seen_exact.add(exact)
            seen_whitespace.add(loose)
            kept.append(doc)
    return kept


def _package_caps(package_sizes, weights, total_target, package_ceiling):
    """Per-package character caps weight * level, with the largest level whose
    capped sum stays within total_target (weighted water-filling): small
    packages are kept whole, big ones trimmed in proportion to their weight."""
    def capped_total(level):
        return sum(min(size, weights[p] * level, package_ceiling) for p, size in package_sizes.items())

    low, high = 0, package_ceiling / min(weights.values())
    if capped_total(high) <= total_target:
        low = high
    else:
        for _ in range(BUDGET_SEARCH_STEPS):
            middle = (low + high) / 2
            low, high = (middle, high) if capped_total(middle) <= total_target else (low, middle)
    return {p: int(min(weights[p] * low, package_ceiling)) for p in package_sizes}


def apply_package_budget(docs, total_target, package_ceiling, dropped, weight_of=lambda package: 1.0):
    """Trim each package to its cap so the total lands near total_target; inside
    a package, code comes before declarations and docs."""
    by_package = defaultdict(list)
    for doc in docs:
        by_package[doc["package"]].append(doc)
    sizes = {p: sum(len(d["text"]) for d in group) for p, group in by_package.items()}
    caps = _package_caps(sizes, {p: weight_of(p) for p in by_package}, total_target, package_ceiling)
    kept = []
    for package in sorted(by_package):
        used = 0
        for doc in sorted(by_package[package], key=lambda d: (_KIND_RANK[d["kind"]], d["path"])):
            if used + len(doc["text"]) > caps[package]:
                dropped["package_budget"] += 1
                continue
            used += len(doc["text"])
            kept.append(doc)
    return kept, max(caps.values(), default=0)


def _stable_rank(doc):
    return hashlib.sha1(("%s/%s" % (doc["package"], doc["path"])).encode("utf-8")).hexdigest()


def apply_share_caps(docs, share_caps, dropped):
    """Cap the share of characters per kind, e.g. {"dts": 0.10, "other": 0.15}.

    Budgets are relative to code characters so that, with every capped kind
    at its limit, each kind still holds at most its share of the total. Files
    are kept in hash order so the survivors spread over all packages.
    """
    code_chars = sum(len(d["text"]) for d in docs if d["kind"] not in share_caps)
    code_share = 1.0 - sum(share_caps.values())
    kept = [d for d in docs if d["kind"] not in share_caps]
    for kind, share in sorted(share_caps.items()):
        budget = code_chars * share / code_share
        used = 0
        for doc in sorted((d for d in docs if d["kind"] == kind), key=_stable_rank):
            if used + len(doc["text"]) > budget:
                dropped["share_cap_" + kind] += 1
                continue
            used += len(doc["text"])
            kept.append(doc)
    return kept


# 2% of packages, chosen by name hash, measure generalisation to unseen packages.
VALID_PER_MILLE = 20


def is_valid_package(name, valid_per_mille=VALID_PER_MILLE):
    """Whole packages (every version) go to valid, chosen by a hash of the name."""
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    return int(digest[:8], 16) % 1000 < valid_per_mille
