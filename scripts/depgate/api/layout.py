"""Where the analysed packages live at one revision, found from that revision's tree alone.

A package is a top-level folder with an `__init__.py` under one of the configured source roots (`.`, `src`).
Each revision is read on its own, so a package that moved between roots (griffe 2.0 moved `src/griffe` to
`packages/griffelib/src/griffe`) is still compared by its dotted name, and which files a change touched never
decides what is analysed:

- a package known at one revision but under no source root at the other is searched for in the whole tree; one
  top-level folder of that name is where it went, several are an ambiguity;
- a package found under two roots at once (a decoy `d9d/__init__.py` next to the real `src/d9d`) is read from the
  place the other revision uses, and the second copy is reported (`A904`): the gate cannot tell which one Python
  will import, so it fails closed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from depgate.git import WORKTREE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from depgate.api.surface import Policy
    from depgate.config import ApiConfig
    from depgate.git import Git

#: Modules nested deeper than this are not analysed (a hostile tree could otherwise exhaust the stack).
MAX_MODULE_DEPTH = 48


@dataclass(frozen=True)
class Layout:
    """Where the analysed top-level packages live: package name -> folder prefix (`""`, `"src/"`)."""

    roots: dict[str, str]
    _names: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    def module_name(self, path: str) -> str | None:
        """Map a repository path to a dotted module name, or None when it is not in an analysed package."""
        if path not in self._names:
            self._names[path] = self._module_name(path)
        return self._names[path]

    def _module_name(self, path: str) -> str | None:
        if not path.endswith(".py"):
            return None
        for top, prefix in self.roots.items():
            if path.startswith(f"{prefix}{top}/"):
                rel = path[len(prefix):-3]
                parts = rel.split("/")
                if parts[-1] == "__init__":
                    parts.pop()
                if len(parts) <= MAX_MODULE_DEPTH and all(part.isidentifier() for part in parts):
                    return ".".join(parts)
        return None

    def folders(self) -> list[str]:
        """The package folders, in name order."""
        return [f"{self.roots[top]}{top}" for top in sorted(self.roots)]


@dataclass(frozen=True)
class Duplicate:
    """A package found in more than one place at a revision.

    Attributes:
        package: The package name.
        chosen: The folder analysed.
        others: The other folders holding a package of that name.
    """

    package: str
    chosen: str
    others: tuple[str, ...]


def prefixes(config: ApiConfig) -> list[str]:
    """The configured source roots as path prefixes (`""`, `"src/"`), longest first."""
    return sorted({"" if r.strip("/") in ("", ".") else r.strip("/") + "/" for r in config.source_roots},
                  key=lambda p: (-len(p), p))


def find_packages(git: Git, rev: str, config: ApiConfig, policy: Policy) -> dict[str, list[str]]:
    """Find every analysable top-level package under the source roots at a revision: name -> prefixes holding it."""
    roots = prefixes(config)
    if rev == WORKTREE:
        listing = [(p.removeprefix("./"), kind) for prefix in roots
                   for p, kind in git.list_entries(WORKTREE, prefix.rstrip("/") or ".")]
    else:  # every root in one `ls-tree`: `src/` lists the folder's entries, `.` the top folder's
        listing = [(e.path, "dir" if e.is_dir else "other")
                   for e in git.ls_tree(rev, [prefix or "." for prefix in roots])]
    candidates: list[tuple[str, str]] = []
    for path, kind in listing:
        prefix, _, name = path.rpartition("/")
        prefix = f"{prefix}/" if prefix else ""
        if kind == "dir" and prefix in roots and _wanted(name, config, policy):
            candidates.append((name, prefix))
    inits = [f"{prefix}{name}/__init__.py" for name, prefix in candidates]
    present = _present(git, rev, inits)
    found: dict[str, list[str]] = {}
    for (name, prefix), init in zip(candidates, inits, strict=True):
        # A folder named in `api.packages` is a package even without `__init__.py` (a namespace package, as d9d
        # was before its first `__init__`); unnamed folders need one, or every folder of scripts would count.
        if init in present or name in config.packages:
            found.setdefault(name, []).append(prefix)
    return found


def search_tree(git: Git, rev: str, names: Iterable[str]) -> dict[str, list[str]]:
    """Find top-level packages of the given names anywhere in a revision's tree: name -> prefixes holding it.

    A folder counts when it has an `__init__.py` and its parent folder has none (a subpackage of the same name
    elsewhere is not a candidate).
    """
    wanted = set(names)
    if not wanted:
        return {}
    files = set(git.list_files(rev))
    found: dict[str, list[str]] = {}
    for path in sorted(files):
        folder, _, leaf = path.rpartition("/")
        if leaf != "__init__.py" or not folder:
            continue
        parent, _, name = folder.rpartition("/")
        if name in wanted and (not parent or f"{parent}/__init__.py" not in files):
            found.setdefault(name, []).append(f"{parent}/" if parent else "")
    return found


def choose(found: dict[str, list[str]], other: Layout | None) -> tuple[Layout, list[Duplicate]]:
    """Pick one folder per package: the one the other revision uses, else the longest source-root prefix."""
    roots: dict[str, str] = {}
    duplicates: list[Duplicate] = []
    for name in sorted(found):
        places = sorted(set(found[name]), key=lambda p: (-len(p), p))
        preferred = other.roots.get(name) if other is not None else None
        chosen = preferred if preferred in places else places[0]
        roots[name] = chosen
        if len(places) > 1:
            duplicates.append(Duplicate(name, f"{chosen}{name}", tuple(f"{p}{name}" for p in places if p != chosen)))
    return Layout(roots), duplicates


def _wanted(name: str, config: ApiConfig, policy: Policy) -> bool:
    return name.isidentifier() and (not config.packages or name in config.packages) and not policy.excluded(name)


def _present(git: Git, rev: str, paths: list[str]) -> set[str]:
    """The paths that exist as files or symbolic links at a revision (one `ls-tree`, no contents read).

    A package whose `__init__.py` is a link exists: it is read as a module that cannot be analysed (and fails
    closed), never as a package that disappeared.
    """
    if not paths:
        return set()
    if rev == WORKTREE:
        return {p for p in paths if os.path.lexists(git.repo / p)}
    return {e.path for e in git.ls_tree(rev, paths) if e.is_file or e.is_link}
