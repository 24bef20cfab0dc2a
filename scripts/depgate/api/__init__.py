"""The public-API snapshot and diff: what a change does to the analysed packages' public surface.

`analyze()` is the entry point. It reads sources from git objects (never a checkout), parses them with
griffe's static visitor (never importing them), and shares every piece of work it can between the revisions:

1. No changed `.py` file: nothing is read at all.
2. Each revision's packages are found from its own tree (`layout`); the changed modules are those whose files
   differ in more than formatting and docstrings.
3. The names the change can reach are the reverse-import closure over the whole package tree at both
   revisions (`surface.Closure`); everything outside it is identical at both and needs no second look.
4. The public modules holding reachable names are read at both revisions (`surface.SurfaceReader`), every name
   public at only one revision or reachable from the change is resolved through its re-export chain, and the
   two surfaces are compared (`diff.Differ`). What cannot be read fails closed (see DEP-0002).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from depgate.api import kinds
from depgate.api.kinds import ApiChange, Category
from depgate.diagnostics import Diagnostic, Location

if TYPE_CHECKING:
    from collections.abc import Sequence

    from depgate.api.layout import Duplicate, Layout
    from depgate.api.snapshot import Revision
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
        policy: Policy findings about the changes (A920: a break without deprecation, `api.deprecation-policy`);
            `depgate check` reports them with the problems.
        undocumented: A930 for the added or changed public objects without a docstring; `depgate check` reports
            them with the problems while `done.policy` is not `off`.
    """

    changes: tuple[ApiChange, ...]
    problems: tuple[Diagnostic, ...]
    packages: tuple[str, ...]
    modules_analysed: int
    policy: tuple[Diagnostic, ...] = ()
    undocumented: tuple[Diagnostic, ...] = ()

    @property
    def breaking(self) -> tuple[ApiChange, ...]:
        """The breaking changes."""
        return tuple(c for c in self.changes if c.breaking)


def analyze(git: Git, base: str, head: str, changed: Sequence[ChangedFile], config: ApiConfig) -> ApiDiff:
    """Compare the public API of the analysed packages between two revisions.

    Args:
        git: The repository.
        base: The base commit id.
        head: The head commit id, or `depgate.git.WORKTREE` for the files on disk.
        changed: The changed files (`Git.changed_files(base, head)`).
        config: The `[api]` configuration.

    Returns:
        The changes and the analysis problems.
    """
    if not any(_is_python(p) for c in changed for p in (c.path, c.old_path) if p):
        return ApiDiff((), (), (), 0)
    # NOTE: imported here so a change without Python files does not even pay for importing griffe.
    from depgate.api.cache import open_cache
    from depgate.api.diff import Differ, strategy_modules
    from depgate.api.snapshot import BlobStore, Revision
    from depgate.api.source import Sources
    from depgate.api.surface import Closure, Policy, SurfaceReader

    policy = Policy(config)
    layouts, duplicates = _layouts(git, base, head, config, policy)
    if not layouts[0].roots and not layouts[1].roots:
        return ApiDiff((), (), (), 0)
    cache = open_cache(git.git_dir())
    blobs = BlobStore(git, Sources(cache.entries, cache.used, cache.shapes))
    revs = (Revision(git, base, layouts[0], blobs), Revision(git, head, layouts[1], blobs))
    # Every module file of both revisions in one `cat-file` (the closure reads them all; shared blobs once).
    blobs.read(sorted({oid for rev in revs for oid in rev.blob_ids.values()}))
    changed_modules = _changed_modules(revs, changed, policy)
    _drop_cosmetic(revs, changed_modules)
    reader = SurfaceReader(policy, revs, Closure(revs, changed_modules), changed_modules)
    base_entries, head_entries = reader.read()
    # Load every changed module at head, so a file that cannot be analysed is reported even where no public name
    # depends on it (then only as a note: it cannot change the public API).
    for name in sorted(changed_modules):
        if name in revs[1].files:
            revs[1].module(name)
    differ = Differ(policy, revs, base_entries, head_entries)
    changes = [_explained(c, reader.gone, reader.gone_at) for c in differ.changes()]
    changes += strategy_modules(policy, revs[0], revs[1], changed_modules)
    changes = differ.tiered(changes)
    unwarned = differ.undeprecated(changes)
    undocumented = differ.undocumented(changes)
    cache.save()
    changed_paths = {revs[1].files[m] for m in changed_modules if m in revs[1].files}
    problems = _problems(revs[1], reader.notes, changed_paths, policy) + [_duplicate(d) for d in duplicates]
    return ApiDiff(
        changes=tuple(sorted(set(changes), key=lambda c: c.sort_key)),
        problems=tuple(sorted(problems, key=lambda d: d.sort_key)),
        packages=tuple(sorted({*layouts[0].roots, *layouts[1].roots})),
        modules_analysed=revs[0].modules_loaded + revs[1].modules_loaded,
        policy=tuple(sorted(unwarned, key=lambda d: d.sort_key)),
        undocumented=tuple(undocumented),
    )


def _layouts(git: Git, base: str, head: str, config: ApiConfig, policy: Policy) -> tuple[tuple[Layout, Layout], list]:
    """Find the packages at each revision on its own (see `depgate.api.layout`), and the duplicates at head."""
    from depgate.api import layout as L

    found = [L.find_packages(git, rev, config, policy) for rev in (base, head)]
    # A package known at one revision and under no source root at the other may have moved: search for it.
    for side in (0, 1):
        lost = set(found[1 - side]) - set(found[side])
        if config.packages:
            lost |= set(config.packages) - set(found[side])
        for name, places in L.search_tree(git, (base, head)[side], lost).items():
            found[side].setdefault(name, places)
    base_layout, _ = L.choose(found[0], None)
    head_layout, duplicates = L.choose(found[1], base_layout)
    return (base_layout, head_layout), duplicates


def _changed_modules(revs: tuple[Revision, Revision], changed: Sequence[ChangedFile], policy: Policy) -> set[str]:
    """The dotted names of the changed module files, each path read with its own revision's layout.

    A module whose file moved between source roots keeps its name, so it is compared with itself.
    """
    names: set[str] = set()
    for item in changed:
        sides = ((revs[0], item.old_path or item.path), (revs[1], item.path))
        for rev, path in sides:
            name = rev.layout.module_name(path)
            if name is not None and not policy.excluded(name):
                names.add(name)
    return names


def _drop_cosmetic(revs: tuple[Revision, Revision], modules: set[str]) -> None:
    """Forget changed modules whose syntax tree is the same but for docstrings: formatting cannot change an API."""
    from depgate.api.snapshot import same_shape

    both = sorted(m for m in modules if m in revs[0].files and m in revs[1].files
                  and revs[0].files[m] not in revs[0].links and revs[1].files[m] not in revs[1].links)
    for rev in revs:
        rev.prefetch([rev.files[m] for m in both])
    for name in both:
        if same_shape(revs[0].text(revs[0].files[name]), revs[1].text(revs[1].files[name]), revs[0].blobs.sources):
            modules.discard(name)


def _explained(change: ApiChange, gone: dict[str, str], gone_at: dict[str, Location]) -> ApiChange:
    """Say why a removed name is gone when the surface reader knows (a re-export that no longer resolves).

    The line that still lists or re-exports it at head is then the change's anchor: it is what the author must
    mend, and a line of the head revision, where annotations go.
    """
    why = gone.get(change.symbol)
    if why is None or change.code != kinds.SYMBOL_REMOVED.code:
        return change
    return replace(change, message=f"`{change.symbol}` was removed: {why}.",
                   anchor=gone_at.get(change.symbol, change.anchor))


def _problems(head: Revision, notes: list[Note], changed_paths: set[str], policy: Policy) -> list[Diagnostic]:
    """A9xx diagnostics for the changed files: files that cannot be analysed at head, then analysis limits.

    A file that cannot be analysed fails closed (A901) when a public name at head depends on it or it is a public
    module itself; otherwise it cannot change the public API and is only noted (A905).
    """
    problems = []
    for problem in head.problems.values():
        if problem.path not in changed_paths:
            continue
        name = head.layout.module_name(problem.path)
        matters = problem.path in head.depended or (name is not None and policy.public_module(head, name))
        rule = kinds.UNPARSABLE if matters else kinds.UNPARSABLE_UNUSED
        problems.append(rule.diagnostic(problem.message, Location(problem.path, problem.line)))
    seen = set()
    for note in notes:
        if note.path in changed_paths and (note.code, note.message) not in seen:
            seen.add((note.code, note.message))
            rule = kinds.UNRESOLVED if note.code == "A902" else kinds.DYNAMIC_ALL
            problems.append(rule.diagnostic(note.message, Location(note.path, note.line)))
    return problems


def _duplicate(dup: Duplicate) -> Diagnostic:
    others = ", ".join(f"`{o}/`" for o in dup.others)
    return kinds.DUPLICATE_PACKAGE.diagnostic(
        f"package `{dup.package}` is found in more than one place at head: `{dup.chosen}/` (analysed, as at base) and "
        f"{others}; depgate cannot tell which one Python imports", Location(f"{dup.others[0]}/__init__.py", None))


def _is_python(path: str) -> bool:
    return path.endswith(".py")
