"""Held-out package policy: which package names, paths and texts count as held-out.

The rules are deliberately wider than the list in packages-heldout.json: the
held-out set measures the model on code it has never seen, so excluding a few
innocent packages is cheap while a leak silently inflates every evaluation.
"""
import json
import re
import sys
from pathlib import Path

# Names shorter than this only match whole name tokens ("ky" must not exclude
# "kysely"); longer names also match as a token prefix ("svelte" -> "@sveltejs/kit").
MIN_PREFIX_MATCH_LEN = 4

# Older or sibling names of a held-out project that do not share its tokens.
HELDOUT_ALIASES = {
    "@tanstack/query-core": ["react-query", "vue-query", "svelte-query", "solid-query"],
}

# How much of a file's head is searched for a vendored-copy banner such as
# "marked v12.0.1" or "immer@10.0.3"; licence banners sit at the very top.
BANNER_SCAN_CHARS = 2000

_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")


def _tokens(name):
    return [t for t in _TOKEN_SPLIT.split(name.lower()) if t]


def _split_scope(name):
    if name.startswith("@") and "/" in name:
        scope, base = name[1:].split("/", 1)
        return scope.lower(), base.lower()
    return None, name.lower()


class HeldoutPolicy:
    def __init__(self, names, companions=()):
        self.names = sorted(set(names))
        self.companions = sorted(set(companions))
        self.exact = set(self.names) | {c.lower() for c in self.companions}
        for name in self.names:
            self.exact.update(HELDOUT_ALIASES.get(name, []))
        # Unscoped held-out names act on name tokens; scoped ones on their scope.
        self.unscoped = [n.lower() for n in self.names if not n.startswith("@")]
        self.scoped = [_split_scope(n) for n in self.names if n.startswith("@")]
        words = "|".join(re.escape(n) for n in self.unscoped)
        self.banner = re.compile(
            r"(?<![\w@/.-])(?:%s)(?:\.js)?\s*(?:v|@|version\s*)?\d+\.\d+\.\d+" % words,
            re.IGNORECASE,
        )

    def _token_hits(self, tokens, scope):
        for held in self.unscoped:
            held_tokens = _tokens(held)
            if len(held_tokens) == 1:
                token = held_tokens[0]
                if token in tokens:
                    return held
                if len(token) >= MIN_PREFIX_MATCH_LEN and any(t.startswith(token) for t in tokens):
                    return held
            elif " ".join(held_tokens) in " ".join(tokens):
                return held
            if scope and len(held) >= MIN_PREFIX_MATCH_LEN and scope.startswith(held):
                return held
        return None

    def match_name(self, name):
        """Return the held-out name that `name` belongs to, or None."""
        if not name:
            return None
        lowered = name.lower()
        if lowered in self.exact:
            return lowered
        scope, base = _split_scope(lowered)
        hit = self._token_hits(_tokens(lowered), scope)
        if hit:
            return hit
        for held_scope, held_base in self.scoped:
            # "@tanstack/query-core" -> anything in @tanstack whose name mentions "query".
            key = _tokens(held_base)[0]
            if scope == held_scope and any(t.startswith(key) for t in _tokens(base)):
                return "@%s/%s" % (held_scope, held_base)
        return None

    def match_path(self, rel_path):
        """Held-out name found as a folder or file stem inside a package, e.g. a
        vendored `compiled/undici/index.js` or `vendor/immer.mjs`."""
        parts = rel_path.split("/")
        stem = parts[-1].split(".")[0]
        for segment in parts[:-1] + [stem]:
            hit = self.match_name(segment)
            if hit:
                return hit
        return None

    def match_banner(self, text):
        found = self.banner.search(text[:BANNER_SCAN_CHARS])
        return found.group(0) if found else None

    def match_stack(self, names):
        for name in names:
            hit = self.match_name(name)
            if hit:
                return hit
        return None


def _repository_owner(manifest):
    """GitHub-style owner of a package's repository ("pinojs" for pinojs/pino)."""
    repo = manifest.get("repository")
    url = repo.get("url", "") if isinstance(repo, dict) else repo if isinstance(repo, str) else ""
    found = re.search(r"github(?:\.com)?[:/]+([^/]+)/", url) or re.match(r"^([\w.-]+)/[\w.-]+$", url)
    return found.group(1).lower() if found else None


def find_companions(heldout_node_modules, names):
    """Dependencies of the held-out packages that live in the same repository
    owner's account (pino's sonic-boom, fastify's avvio): same project, other name."""
    manifests = {}
    for manifest_path in sorted(Path(heldout_node_modules).glob("**/package.json")):
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(manifest, dict) and isinstance(manifest.get("name"), str):
            manifests.setdefault(manifest["name"], manifest)
    owners = {_repository_owner(manifests[n]) for n in names if n in manifests} - {None}
    return sorted(n for n, m in manifests.items() if n not in names and _repository_owner(m) in owners)


def load_policy(heldout_json, companions_json=None):
    with open(heldout_json, encoding="utf-8") as f:
        names = json.load(f)["packages"].keys()
    companions = []
    if companions_json and Path(companions_json).exists():
        companions = json.loads(Path(companions_json).read_text(encoding="utf-8"))
    return HeldoutPolicy(names, companions)


def _read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def check_no_leak(policy, corpus_files, heldout_file, text_key):
    """Assert that no train/valid record comes from, or copies, a held-out package.

    `text_key` is the same normalisation the builder dedups with, so a held-out
    text that reached the corpus under another package name is caught as well.
    Returns the number of records checked; raises AssertionError on any leak.
    """
    heldout_keys = set()
    if Path(heldout_file).exists():
        heldout_keys = {text_key(r["text"]) for r in _read_jsonl(heldout_file)}
    problems = []
    checked = 0
    for corpus_file in corpus_files:
        for record in _read_jsonl(corpus_file):
            checked += 1
            name = record["package"].rsplit("@", 1)[0]
            reason = (
                ("package " + policy.match_name(name)) if policy.match_name(name)
                else ("path " + policy.match_path(record["path"])) if policy.match_path(record["path"])
                else ("banner " + policy.match_banner(record["text"])) if policy.match_banner(record["text"])
                else "text identical to a held-out file" if text_key(record["text"]) in heldout_keys
                else None
            )
            if reason:
                problems.append("%s: %s/%s (%s)" % (Path(corpus_file).name, record["package"], record["path"], reason))
    if problems:
        raise AssertionError("held-out leak in %d files:\n  %s" % (len(problems), "\n  ".join(problems[:50])))
    return checked


def main(argv):
    """Standalone check: check_heldout OUT_DIR [PACKAGES_HELDOUT_JSON]."""
    sys.dont_write_bytecode = True
    from filters import dedup_key_whitespace

    out = Path(argv[1] if len(argv) > 1 else "training/out")
    heldout_json = argv[2] if len(argv) > 2 else str(Path(__file__).resolve().parent.parent / "packages-heldout.json")
    policy = load_policy(heldout_json, out / "heldout" / "companions.json")
    files = [out / "corpus" / "train.jsonl", out / "corpus" / "valid.jsonl"]
    n = check_no_leak(policy, files, out / "heldout" / "files.jsonl", dedup_key_whitespace)
    print("held-out check passed: %d train/valid files, none from %d held-out packages" % (n, len(policy.names)))


if __name__ == "__main__":
    main(sys.argv)
