"""Walk an installed node_modules tree and attribute every file to its package."""
import json
import os
from dataclasses import dataclass

# npm's own bookkeeping inside node_modules, not package content.
SKIP_DIRS = {".bin", ".cache", ".package-lock.json", ".vite", ".pnpm"}


@dataclass
class FileEntry:
    package: str          # nearest enclosing package.json's name
    version: str
    stack: tuple          # every enclosing package name, outermost first
    rel_path: str         # path relative to the nearest package root, "/"-separated
    abs_path: str
    size: int

    @property
    def package_id(self):
        return "%s@%s" % (self.package, self.version)


def _read_manifest(directory):
    """(name, version) from directory/package.json if it names a package.

    Build folders often hold stub package.json files such as {"type": "module"};
    only a manifest with both a name and a version starts a new package.
    """
    try:
        with open(os.path.join(directory, "package.json"), encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    name, version = manifest.get("name"), manifest.get("version")
    if isinstance(name, str) and isinstance(version, str) and name and version:
        return name, version
    return None


def walk_packages(node_modules):
    """Yield FileEntry for every regular file, in sorted (reproducible) order."""
    # Each stack frame: (directory, name, version, root_dir, names_so_far).
    def visit(directory, context):
        manifest = _read_manifest(directory)
        if manifest:
            names = context[3] + (manifest[0],) if context else (manifest[0],)
            context = (manifest[0], manifest[1], directory, names)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_symlink() or entry.name in SKIP_DIRS:
                continue
            if entry.is_dir():
                yield from visit(entry.path, context)
            elif entry.is_file() and context:
                name, version, root, names = context
                rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
                yield FileEntry(name, version, names, rel, entry.path, entry.stat().st_size)

    yield from visit(node_modules, None)
