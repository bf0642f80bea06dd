"""Install a pinned package list with npm into a cache folder of its own."""
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

# --ignore-scripts: install hooks download binaries and run code we only read.
# --omit=peer / --legacy-peer-deps: peers of unrelated packages conflict with
# each other; we want each package's files, not a coherent app.
NPM_FLAGS = [
    "--ignore-scripts", "--no-audit", "--no-fund", "--omit=peer",
    "--legacy-peer-deps", "--omit-lockfile-registry-resolved", "--no-update-notifier",
]
# Each retry drops one more failing pin (only with --allow-missing); more than
# this many broken pins means the list itself needs fixing.
MAX_INSTALL_ATTEMPTS = 10
# How far up the "who wanted this" chain we look to blame a pinned package.
MAX_BLAME_DEPTH = 20

_NOT_FOUND = [
    re.compile(r"No matching version found for (@?[^@\s]+)@"),
    re.compile(r"'(@?[^@\s']+)@[^']*' is not in this registry"),
    re.compile(r"404 Not Found - GET \S+/(@[^/\s]+%2f[^/\s]+|[^/\s@]+)(?:\s|$)"),
]
_LOG_PATH = re.compile(r"complete log of this run can be found in:\s*(\S+)")
_PLACED_FOR = re.compile(r"placeDep \S+ (@?[^@\s]+)@\S* OK for: (@?[^@\s]+)@")


class InstallError(Exception):
    pass


def _failing_dependency(output):
    for pattern in _NOT_FOUND:
        found = pattern.search(output)
        if found:
            return found.group(1).replace("%2f", "/").replace("%2F", "/")
    return None


def _blame_pinned(output, failing, pinned):
    """Walk npm's debug log from the failing dependency up to a pinned package."""
    if failing in pinned:
        return failing
    log = _LOG_PATH.search(output)
    if not log or not os.path.exists(log.group(1)):
        return None
    wanted_by = {}
    with open(log.group(1), encoding="utf-8", errors="replace") as f:
        for line in f:
            placed = _PLACED_FOR.search(line)
            if placed:
                wanted_by.setdefault(placed.group(1), placed.group(2))
    name = failing
    for _ in range(MAX_BLAME_DEPTH):
        name = wanted_by.get(name)
        if name is None or name in pinned:
            return name
    return None


def _write_manifest(directory, pins):
    manifest = {"name": "corpus-npm-cache", "private": True, "dependencies": dict(sorted(pins.items()))}
    (directory / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _installed_version(node_modules, name):
    try:
        with open(node_modules / name / "package.json", encoding="utf-8") as f:
            return json.load(f).get("version")
    except (OSError, ValueError):
        return None


def install(directory, pins, allow_missing, lock_file=None, log=print):
    """npm-install `pins` ({name: exact version}) into directory/node_modules.

    If `lock_file` exists it is used so the transitive tree is reproducible too;
    after a complete install it is (re)written from npm's lock.
    Returns the list of pins that could not be installed (empty unless allow_missing).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    pins = dict(pins)
    missing = []
    for _ in range(MAX_INSTALL_ATTEMPTS):
        _write_manifest(directory, pins)
        if lock_file and Path(lock_file).exists() and not missing:
            shutil.copyfile(lock_file, directory / "package-lock.json")
        # Run inside the cache folder so npm never sees the project's .npmrc or node_modules.
        result = subprocess.run(["npm", "install", *NPM_FLAGS], cwd=directory,
                                capture_output=True, text=True)
        output = result.stdout + result.stderr
        if result.returncode == 0:
            break
        failing = _failing_dependency(output)
        culprit = _blame_pinned(output, failing, pins) if failing else None
        if not culprit:
            raise InstallError("npm install failed in %s:\n%s" % (directory, output[-3000:]))
        because = "" if culprit == failing else " (its dependency %s cannot be resolved)" % failing
        if not allow_missing:
            raise InstallError("pinned package %s@%s failed to install%s; fix training/packages*.json "
                               "or pass --allow-missing" % (culprit, pins[culprit], because))
        log("  missing: %s@%s%s, continuing without it" % (culprit, pins[culprit], because))
        missing.append("%s@%s" % (culprit, pins.pop(culprit)))
    else:
        raise InstallError("npm install kept failing after %d attempts" % MAX_INSTALL_ATTEMPTS)

    node_modules = directory / "node_modules"
    wrong = {n: _installed_version(node_modules, n) for n, v in pins.items()
             if _installed_version(node_modules, n) != v}
    if wrong:
        text = ", ".join("%s@%s (got %s)" % (n, pins[n], got) for n, got in sorted(wrong.items()))
        if not allow_missing:
            raise InstallError("pinned packages not installed at their pinned version: " + text)
        log("  missing: " + text)
        missing.extend("%s@%s" % (n, pins[n]) for n in sorted(wrong))
    if lock_file and not missing:
        shutil.copyfile(directory / "package-lock.json", lock_file)
    return missing
