"""The public-API snapshot and diff: what a change does to the analysed packages' public surface.

`analyze()` is the entry point. It reads sources from git objects (never a checkout), parses them with
griffe's static visitor (never importing them), and only loads the packages the diff touches:

1. No changed `.py` file under an analysed package: nothing is read at all.
2. The changed modules, plus every package whose `__init__` imports from them (to a fixed point), are
   the touched modules (`surface.touched_modules`).
3. Their public entries are read at both revisions (`surface.SurfaceReader`), skipping names that are
   certainly unchanged, and compared (`diff.Differ`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.api import kinds
from depgate.api.kinds import ApiChange, Category
from depgate.diagnostics import Diagnostic, Location
from depgate.git import WORKTREE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from depgate.api.snapshot import Layout, Revision
    from depgate.api.surface import Note, Policy
    from depgate.config import ApiConfig
    from depgate.git import ChangedFile, Git

__all__ = ["ApiChange", "ApiDiff", "Category", "analyze"]


@dataclass(frozen=True)
class ApiDiff:
    """What a change does to the public API.

    Attributes:
        changes: Every change, sorted by (path, line, code, symbol).
        problems: Analysis problems (A9xx): files that do not parse, names that cannot be read statically.
        packages: The top-level packages analysed.
        modules_analysed: How many module files were parsed (both revisions).
    """

    changes: tuple[ApiChange, ...]
    problems: tuple[Diagnostic, ...]
    packages: tuple[str, ...]
    modules_analysed: int

    @property
    def breaking(self) -> tuple[ApiChange, ...]:
        """The breaking changes."""
        return tuple(c for c in self.changes if c.breaking)


def analyze(git: Git, base: str, head: str, changed: Sequence[ChangedFile], config: ApiConfig) -> ApiDiff:
    """Compare the public API of the packages a change touches between two revisions.

    Args:
        git: The repository.
        base: The base commit id.
        head: The head commit id, or `depgate.git.WORKTREE` for the files on disk.
        changed: The changed files (`Git.changed_files(base, head)`).
        config: The `[api]` configuration.

    Returns:
        The changes and the analysis problems.
    """
    python = [c for c in changed if _is_python(c.path) or (c.old_path is not None and _is_python(c.old_path))]
    if not python:
        return ApiDiff((), (), (), 0)
    # NOTE: imported here so a change without Python files does not even pay for importing griffe.
    from depgate.api.diff import Differ, strategy_modules
    from depgate.api.snapshot import BlobStore, Revision
    from depgate.api.surface import Policy, SurfaceReader, touched_modules

    policy = Policy(config)
    layout = _layout(git, base, head, python, config, policy)
    if not layout.roots:
        return ApiDiff((), (), (), 0)
    blobs = BlobStore(git)
    revs = (Revision(git, base, layout, blobs), Revision(git, head, layout, blobs))
    changed_modules: set[str] = set()
    changed_paths: set[str] = set()
    for item in python:
        for path in (item.path, item.old_path):
            name = layout.module_name(path) if path else None
            if name is not None and not policy.excluded(name):
                changed_modules.add(name)
                changed_paths.add(path)  # type: ignore[arg-type]
    _drop_cosmetic(revs, changed_modules, changed_paths)
    touched = touched_modules(revs, changed_modules)
    reader = SurfaceReader(policy, revs, touched, changed_modules)
    base_entries, head_entries = reader.read()
    # Load every changed module at head, so a syntax error is reported even where no public name depends on it.
    for name in sorted(changed_modules):
        if name in revs[1].files:
            revs[1].module(name)
    differ = Differ(policy, revs, base_entries, head_entries)
    changes = [*differ.changes(), *strategy_modules(policy, revs[0], revs[1], changed_modules)]
    problems = _problems(revs[1], reader.notes, changed_paths)
    return ApiDiff(
        changes=tuple(sorted(set(changes), key=lambda c: c.sort_key)),
        problems=tuple(sorted(problems, key=lambda d: d.sort_key)),
        packages=tuple(sorted(layout.roots)),
        modules_analysed=revs[0].modules_loaded + revs[1].modules_loaded,
    )


def _drop_cosmetic(revs: tuple[Revision, Revision], modules: set[str], paths: set[str]) -> None:
    """Forget changed files whose syntax tree is the same but for docstrings: formatting cannot change an API."""
    from depgate.api.snapshot import same_shape

    both = [(name, revs[0].files[name]) for name in sorted(modules)
            if revs[0].files.get(name, "") == revs[1].files.get(name)]
    for rev in revs:
        rev.prefetch([path for _, path in both])
    for name, path in both:
        if same_shape(revs[0].text(path), revs[1].text(path)):
            modules.discard(name)
            paths.discard(path)


def _problems(head: Revision, notes: list[Note], changed_paths: set[str]) -> list[Diagnostic]:
    """A9xx diagnostics for the changed files: parse failures at head, then analysis limits."""
    problems = [kinds.UNPARSABLE.diagnostic(p.message, Location(p.path, p.line))
                for p in head.problems.values() if p.path in changed_paths]
    seen = set()
    for note in notes:
        if note.path in changed_paths and (note.code, note.message) not in seen:
            seen.add((note.code, note.message))
            rule = kinds.UNRESOLVED if note.code == "A902" else kinds.DYNAMIC_ALL
            problems.append(rule.diagnostic(note.message, Location(note.path, note.line)))
    return problems


def _is_python(path: str) -> bool:
    return path.endswith(".py")


def _layout(git: Git, base: str, head: str, changed: Sequence[ChangedFile], config: ApiConfig,
            policy: Policy) -> Layout:
    """Find the top-level packages the changed files belong to, and the folder each lives in."""
    from depgate.api.snapshot import Layout

    prefixes = sorted({"" if r.strip("/") in ("", ".") else r.strip("/") + "/" for r in config.source_roots},
                      key=len, reverse=True)
    candidates: dict[str, str] = {}
    for item in changed:
        for path in (item.path, item.old_path):
            if not path or not _is_python(path):
                continue
            for prefix in prefixes:
                if not path.startswith(prefix):
                    continue
                rest = path[len(prefix):]
                top = rest.split("/", 1)[0]
                if "/" in rest and top.isidentifier() and (not config.packages or top in config.packages) \
                        and not policy.excluded(top):
                    candidates.setdefault(top, prefix)
                    break
    if not candidates:
        return Layout({})
    inits = [f"{prefix}{top}/__init__.py" for top, prefix in candidates.items()]
    present: set[str] = set()
    for rev in (base, head):
        found = {p: git.read(rev, p) for p in inits} if rev == WORKTREE else git.read_many(rev, inits)
        present.update(p for p, data in found.items() if data is not None)
    return Layout({top: prefix for top, prefix in sorted(candidates.items())
                   if f"{prefix}{top}/__init__.py" in present})
