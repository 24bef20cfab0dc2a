"""The public-surface policy: which modules and names are public, and which ones a change can touch.

Policies (`[api] public`):

- `all` (d9d's rule, the default): a package's public surface is what its `__init__` lists in `__all__`.
  Packages are the units of the surface; a plain module (`ddp.py`) is public only through the names
  its package re-exports (or when its package lists the module itself in `__all__`). A package without
  `__all__` falls back to the underscore convention below for its own namespace.
- `underscore`: every module whose dotted path has no component starting with `_` is public, with the
  names it lists in `__all__`, or else every name it defines (or re-exports from inside the analysed
  packages) that does not start with `_`.

In both, modules matching `internal` globs are never public and `exclude` globs are never analysed.
Names listed in an `__all__` are public even when they start with `_` (listing them is explicit).

What a change can reach (`Closure`): the changed modules, plus every name of any module in the whole tree that
reads a reachable name, to a fixed point. The public surface is still that of the whole tree at each revision
(`SurfaceReader`): a name outside the closure is the same at both revisions, so it needs no second look, and
every other public name is resolved through its whole re-export chain at both.
"""

from __future__ import annotations

import ast
import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    import griffe

    from depgate.api.snapshot import Revision
    from depgate.api.source import Parsed
    from depgate.config import ApiConfig

from depgate.api.snapshot import Broken
from depgate.diagnostics import Location


@dataclass(frozen=True)
class Entry:
    """One public name at one revision.

    Attributes:
        path: The public dotted path (`d9d.module.parallelism.DataParallel`).
        kind: `module`, `class`, `function`, `attribute`, `type alias`, or `external` (re-exported from
            outside the analysed packages, e.g. `torch`).
        obj: The griffe object, None for external names.
        file: Repository path of the file defining it (the re-exporting file for external names).
        line: Line of the definition.
        canonical: Where it is defined (the external target for external names).
    """

    path: str
    kind: str
    obj: griffe.Object | None
    file: str
    line: int | None
    canonical: str


@dataclass(frozen=True)
class Unknown:
    """A public path whose contents could not be determined (a module that does not parse, a dynamic name).

    Nothing at or below it is reported as removed or added.
    """

    path: str


@dataclass(frozen=True)
class Note:
    """An analysis limit met while reading the surface (reported as an A9xx problem)."""

    code: str
    path: str
    line: int | None
    message: str


def matches(name: str, globs: Iterable[str]) -> bool:
    """Tell whether a dotted name matches any glob (`*` spans dots)."""
    return any(fnmatch.fnmatchcase(name, glob) for glob in globs)


class Policy:
    """The configured public-surface rules."""

    def __init__(self, config: ApiConfig):
        self.config = config
        self.underscore = config.public == "underscore"

    def excluded(self, module: str) -> bool:
        """Tell whether a module is never analysed."""
        return matches(module, self.config.exclude)

    def internal(self, module: str) -> bool:
        """Tell whether a module is never public (internal glob, or excluded)."""
        return matches(module, self.config.internal) or self.excluded(module)

    def module_visible(self, module: str) -> bool:
        """Tell whether a module is public by its name alone (no internal glob, no `_` component)."""
        return not self.internal(module) and not any(part.startswith("_") for part in module.split("."))

    def public_module(self, rev: Revision, module: str) -> bool:
        """Tell whether a module's own namespace is public surface at a revision."""
        if module not in rev.files or self.internal(module):
            return False
        if self.underscore:
            return self.module_visible(module)
        return rev.is_package(module)

    def public_names(self, rev: Revision, module: griffe.Module, notes: list[Note], depth: int = 0) -> list[str]:
        """List the public names of a module's namespace, in a stable order."""
        exports = module.exports
        member = module.members.get("__all__")
        if exports is None and member is not None and member.is_alias and depth < 8:
            # `from .api import __all__`: the other module's list.
            source = rev.resolve(member.target_path.rsplit(".", 1)[0])  # type: ignore[union-attr]
            if source is not None and not isinstance(source, Broken) and source.is_module:
                return self.public_names(rev, source, notes, depth + 1)  # type: ignore[arg-type]
        if exports is None or (member is not None and not member.is_alias and not _literal_all(member.value)):
            if member is not None and not member.is_alias:
                notes.append(Note("A903", str(module.filepath), member.lineno,
                                  f"`__all__` of {module.path} is not a literal list; its names are taken by the "
                                  "underscore convention"))
            return self._conventional_names(module)
        names: list[str] = []
        for item in exports:
            if isinstance(item, str):
                names.append(item)
                continue
            # `__all__ = sub.__all__ + [...]` or `__all__ += sub.__all__`: take the other module's names.
            target = item.canonical_path
            if target.endswith(".__all__") and depth < 8:
                other_name = target[: -len(".__all__")]
                if other_name.split(".", 1)[0] not in rev.layout.roots:
                    # `from . import sub` is not recorded as an import: `sub` is a submodule.
                    other_name = f"{module.path}.{other_name}"
                other = rev.resolve(other_name)
                if other is not None and not isinstance(other, Broken) and other.is_module:
                    names.extend(self.public_names(rev, other, notes, depth + 1))  # type: ignore[arg-type]
                    continue
            notes.append(Note("A902", str(module.filepath), None,
                              f"`__all__` of {module.path} includes {target!s}, which cannot be read statically"))
        return sorted(set(names))

    def _conventional_names(self, module: griffe.Module) -> list[str]:
        roots = module.path.split(".", 1)[0]
        names = []
        for name, member in module.members.items():
            if name.startswith("_") or (not member.is_alias and member.is_module):
                continue
            if member.is_alias:
                # Imports of outside names (`import os`, `from torch import nn`) are not re-exports.
                target = member.target_path  # type: ignore[union-attr]
                if target.split(".", 1)[0] != roots or "*" in name or "/" in name:
                    continue
            names.append(name)
        return sorted(names)


def _literal_all(value: object) -> bool:
    """Tell whether an `__all__` value is static: string lists/tuples, possibly added to `other.__all__`."""
    try:
        node = ast.parse(str(value), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return False

    def ok(n: ast.expr) -> bool:
        if isinstance(n, (ast.List, ast.Tuple)):
            return all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in n.elts)
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add):
            return ok(n.left) and ok(n.right)
        return isinstance(n, ast.Attribute) and n.attr == "__all__"

    return ok(node)


# -- what a change touches ----------------------------------------------------------------------------


def import_targets(module: str, imports: Iterable[tuple[int, str, str]], *, package: bool) -> list[str]:
    """Turn a module's import statements (`source.Parsed.imports`) into dotted names (`pkg.mod.Name`, `pkg.mod`)."""
    targets: list[str] = []
    for level, base, name in imports:
        if level:
            # Relative imports count from the package: the module itself for an `__init__`, else its parent.
            parts = module.split(".") if package else module.split(".")[:-1]
            anchor = parts[: len(parts) - (level - 1)] if level > 1 else parts
            base = ".".join([*anchor, *([base] if base else [])])
        if not name:
            targets.append(base)  # `import a.b`
        else:
            targets.append(base if name == "*" else f"{base}.{name}")
    return targets


class _Spelling:
    """Whether a module's text could import one of `modules`, from the names any such import must spell.

    An import whose target lies in module `m` spells `m`'s last component, whatever its form (`from a.b.m import X`,
    `from .m import X`, `from ..x.m import X`, `from a.b import m`, `import a.b.m as z`); made from module `P`, it
    also spells the component of `m` that follows the longest common prefix of `P` and `m` (`from .pkg2 ...`,
    `from ..pkg2 ...`, `from d9d.group3.pkg2 ...`). Both must be in the text. An ancestor package of `P` is also
    reached by a bare relative import (`from . import X`), which spells neither.

    Only the words the test asks about are looked for, each first as bytes (a fast substring search), then as a
    whole word: listing every identifier of every candidate would cost more than the rest of the closure.
    """

    def __init__(self, modules: set[str]):
        self.names = frozenset(modules)
        #: The modules' components, grouped by last component (each group needs that word in the text).
        self.by_last: dict[bytes, list[list[str]]] = {}
        for name in sorted(modules):
            parts = name.split(".")
            self.by_last.setdefault(parts[-1].encode(), []).append(parts)
        #: A non-ASCII module name is not matched word by word (the guards are ASCII): every text could import it.
        self.exotic = not all(name.isascii() for name in modules)

    def could_import(self, importer: str, text: bytes) -> bool:
        """Tell whether `importer`'s text could import one of the modules (False only when it certainly cannot)."""
        if self.exotic or b"coding" in text[:400]:
            return True  # a file with a coding line: its bytes need not spell its names in UTF-8
        mine = importer.split(".")
        if b"from ." in text and any(".".join(mine[:i]) in self.names for i in range(1, len(mine) + 1)):
            return True  # an ancestor package, which `from . import X` reaches
        for last, group in self.by_last.items():
            if not _spells(text, last):
                continue
            for parts in group:
                common = 0
                while common < min(len(mine), len(parts)) and mine[common] == parts[common]:
                    common += 1
                if common == len(parts) or _spells(text, parts[common].encode()):
                    return True
        return False


#: The bytes of an ASCII identifier: a name next to one is part of a longer word.
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _spells(text: bytes, word: bytes) -> bool:
    """Tell whether `word` is in `text` as a whole word (`rope` is not in `property`).

    A substring search and a look at the bytes on each side: a regular expression that starts with a word boundary
    would try every position of the text.
    """
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or text[at - 1] not in _WORD_BYTES) and (end == len(text) or text[end] not in _WORD_BYTES):
            return True
        at = text.find(word, at + 1)
    return False


def module_of(name: str, revs: tuple[Revision, ...]) -> str | None:
    """Return the longest prefix of a dotted name that is a module file at any of the revisions."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        prefix = ".".join(parts[:i])
        if any(prefix in rev.files for rev in revs):
            return prefix
    return None


class Closure:
    """The names a change can reach: the reverse-import closure over the whole package tree, name by name.

    A changed module may have changed every name (`None`). Another module's name is touched when its binding
    reads a touched name: an import of it, a class whose bases or keywords name one (what it inherits can
    change), an assignment built from one (`__all__ = sub.__all__ + [...]`), or a statement depgate does not
    follow in a module that imports anything touched; a star import from a touched module touches every name.
    Everything outside is the same at both revisions and needs no second look.

    Every module file at both revisions is a candidate, read in one batch per revision. A candidate is only
    parsed when its text spells the names an import of a newly touched module must spell (`_Spelling`);
    what a file yields is kept by content (`source.Sources`), so a file unchanged between the revisions is
    parsed once.

    Args:
        revs: Base and head.
        changed: Modules whose files changed.
    """

    def __init__(self, revs: tuple[Revision, Revision], changed: set[str]):
        self.revs = revs
        #: module -> its touched names (None: every name).
        self.names: dict[str, set[str] | None] = dict.fromkeys(changed)
        self._holders: dict[str, str | None] = {}
        self._grow(changed)

    @property
    def modules(self) -> set[str]:
        """The modules with a touched name."""
        return set(self.names)

    def affects(self, target: str) -> bool:
        """Tell whether a dotted name (`pkg.mod.Name`, `pkg.mod`) can differ between the revisions."""
        holder = self._holder(target)
        if holder is None or holder not in self.names:
            return False
        names = self.names[holder]
        if names is None or holder == target:
            return True
        return target[len(holder) + 1:].split(".", 1)[0] in names

    def touches(self, module: str, name: str) -> bool:
        """Tell whether a name of a module can differ between the revisions (a submodule counts as a name)."""
        names = self.names.get(module, set())
        return names is None or name in names or self.affects(f"{module}.{name}")

    def _grow(self, changed: set[str]) -> None:
        candidates: dict[tuple[str, bytes], tuple[Revision, str, bool]] = {}
        for rev in self.revs:
            paths = {name: path for name, path in rev.files.items() if path not in rev.links}
            rev.prefetch(list(paths.values()))
            for name, path in paths.items():
                text = rev.text(path)
                if text and name not in changed:  # an unchanged file is one candidate for both revisions
                    candidates.setdefault((name, text), (rev, name, path.endswith("/__init__.py")))
        parsed: dict[tuple[str, bytes], _Imports] = {}
        new = set(changed)
        while new:
            # Unparsed candidates are searched for the names of the modules touched last round only: the names of
            # earlier rounds were searched for already. Parsed ones are looked at again only when a module they
            # import from grew last round.
            spelling = _Spelling(new)
            grown: set[str] = set()
            for key, (rev, name, package) in candidates.items():
                links = parsed.get(key)
                if links is None:
                    if not spelling.could_import(name, key[1]):
                        continue
                    links = parsed[key] = self._imports(name, rev.blobs.sources.parsed(key[1]), package)
                elif not links.holders & new:
                    continue
                touched = self._touched_names(links)
                old = self.names.get(name, set())
                if old is not None and (touched is None or not touched <= old):
                    self.names[name] = None if touched is None else old | touched
                    grown.add(name)
            new = grown

    def _holder(self, target: str) -> str | None:
        if target not in self._holders:
            self._holders[target] = module_of(target, self.revs)
        return self._holders[target]

    def _imports(self, module: str, summary: Parsed, package: bool) -> _Imports:
        """Resolve a module's imports once: what each binding and star import reaches, and the modules holding it."""
        stars = [import_targets(module, [entry], package=package)[0] for entry in summary.imports if entry[2] == "*"]
        bound = [(local, import_targets(module, [binding.source], package=package)[0])
                 for local, binding in summary.bindings.items() if binding.kind == "import" and binding.source]
        holders = {h for target in [*stars, *(t for _, t in bound)] if (h := self._holder(target)) is not None}
        return _Imports(summary, stars, bound, holders)

    def _touched_names(self, links: _Imports) -> set[str] | None:
        """The names of one unchanged module that read a touched name (None: all of them)."""
        summary = links.summary
        if summary.problem is not None:
            return None  # it cannot be analysed: claim nothing about it
        if any(self.affects(target) for target in links.stars):
            return None
        touched = {local for local, target in links.bound if self.affects(target)}
        if touched:
            touched.update(local for local, binding in summary.bindings.items() if binding.kind == "dynamic")
        grew = True
        while grew:  # a class whose base is a touched class of the same module
            grew = False
            for local, binding in summary.bindings.items():
                if local not in touched and binding.kind in ("class", "assign") and binding.uses & touched:
                    touched.add(local)
                    grew = True
        return touched


@dataclass(frozen=True)
class _Imports:
    """What one candidate module imports, resolved once (see `Closure._imports`)."""

    summary: Parsed
    stars: list[str]
    bound: list[tuple[str, str]]
    holders: set[str]


# -- reading the surface ------------------------------------------------------------------------------


class SurfaceReader:
    """Collect the public entries of the touched packages at both revisions.

    Args:
        policy: The public-surface policy.
        revs: Base and head.
        closure: The names the change can reach (see `Closure`).
        changed: Modules whose files changed.
    """

    def __init__(self, policy: Policy, revs: tuple[Revision, Revision], closure: Closure, changed: set[str]):
        self.policy = policy
        self.revs = revs
        self.closure = closure
        self.changed = changed
        self.notes: list[Note] = []
        #: Public paths missing at head although listed or re-exported there, with why (see `read`).
        self.gone: dict[str, str] = {}
        #: The same paths, with the head line that still lists or re-exports them (`ApiChange.anchor`).
        self.gone_at: dict[str, Location] = {}

    def _missing(self, out: dict[str, Entry | Unknown], side: int, path: str, note: Note, why: str,
                 line: int | None = None) -> None:
        self.notes.append(note)
        if side == 0:
            out[path] = Unknown(path)
        else:
            self.gone[path] = why
            self.gone_at[path] = Location(note.path, note.line or line)

    def read(self) -> tuple[dict[str, Entry | Unknown], dict[str, Entry | Unknown]]:
        """Return `(base entries, head entries)`, keyed by public path.

        A name public at both revisions whose definition certainly did not change is left out of both (it needs
        no second look). A public name that cannot be found at head (its re-export no longer resolves, or it is
        listed in `__all__` but defined nowhere statically) is left out of the head entries, so it reads as
        removed, and `gone` says why: what depgate cannot see fails closed. At base the same name is `Unknown`,
        so nothing is claimed about it.
        """
        out: tuple[dict[str, Entry | Unknown], dict[str, Entry | Unknown]] = ({}, {})
        modules = sorted(m for m in self.closure.modules
                         if any(self.policy.public_module(rev, m) for rev in self.revs))
        for name in modules:
            loaded = tuple(rev.module(name) if self.policy.public_module(rev, name) else None for rev in self.revs)
            names = [self._names(rev, mod) for rev, mod in zip(self.revs, loaded, strict=True)]
            for side in (0, 1):
                mod, rev = loaded[side], self.revs[side]
                if mod is None:
                    continue
                if isinstance(mod, Broken):
                    rev.depended.add(mod.problem.path)
                    out[side][name] = Unknown(name)
                    continue
                out[side][name] = _module_entry(mod)
                other = set(names[1 - side])
                for member in names[side]:
                    if member in other and self._unchanged(name, member, loaded):
                        continue
                    self._add(out[side], side, rev, mod, member, depth=0)
        return out

    def _names(self, rev: Revision, mod: griffe.Module | Broken | None) -> list[str]:
        if mod is None or isinstance(mod, Broken):
            return []
        return self.policy.public_names(rev, mod, self.notes)

    def _unchanged(self, module: str, name: str, loaded: tuple) -> bool:
        """Tell whether a name public at both revisions is certainly identical, so resolving it can be skipped."""
        if any(m is None or isinstance(m, Broken) for m in loaded):
            return False
        return module not in self.changed and not self.closure.touches(module, name)

    def _add(self, out: dict[str, Entry | Unknown], side: int, rev: Revision, mod: griffe.Module, name: str,
             depth: int) -> None:
        path = f"{mod.path}.{name}"
        member = mod.members.get(name)
        if member is None:
            obj = rev.module(path) if path in rev.files else self._from_star_imports(rev, mod, name)
            if obj is None and (shim := _getattr_provides(rev, mod, name)) is not None:
                # Listed in `__all__` and named by the module's `__getattr__` (a deprecation shim, PEP 562): public,
                # though depgate cannot see what it returns. When it goes, that is a removal.
                out[path] = Entry(path, "attribute", shim, str(mod.filepath), shim.lineno, path)
                return
            if obj is None:
                self._missing(out, side, path, Note(
                    "A902", str(mod.filepath), None,
                    f"{path} is listed in `__all__` but is not defined or imported statically"),
                    f"`{mod.filepath}` lists it in `__all__` but no longer defines or imports it statically",
                    _line(mod.members.get("__all__")))
                return
        else:
            obj = rev.final(member)
        if isinstance(obj, Broken):
            rev.depended.add(obj.problem.path)
            out[path] = Unknown(path)
            return
        if obj is None:
            target = member.target_path if member is not None and member.is_alias else path  # type: ignore[union-attr]
            if target.split(".", 1)[0] in rev.layout.roots:
                # An import from inside the project that does not resolve: at head the import fails, so the name
                # is gone; at base nothing is claimed.
                self._missing(out, side, path, Note("A902", str(mod.filepath), _line(member),
                                                    f"{path} re-exports {target}, which cannot be found"),
                              _why_missing(rev, target, mod))
                return
            out[path] = Entry(path, "external", None, str(mod.filepath), _line(member), target)
            return
        if obj.is_module:
            out[path] = _module_entry(obj)  # type: ignore[arg-type]
            # A module exported by name whose namespace is not read on its own (under d9d's rule, a plain
            # module): its public names are public through this path too.
            if depth == 0 and not self.policy.public_module(rev, path):
                for sub in self.policy.public_names(rev, obj, self.notes):  # type: ignore[arg-type]
                    sub_entry: dict[str, Entry | Unknown] = {}
                    self._add(sub_entry, side, rev, obj, sub, depth + 1)  # type: ignore[arg-type]
                    for key, value in sub_entry.items():
                        out[f"{path}.{key.rsplit('.', 1)[-1]}"] = value
            return
        out[path] = Entry(path, obj.kind.value, obj, str(obj.filepath), obj.lineno, obj.path)

    def _from_star_imports(self, rev: Revision, mod: griffe.Module, name: str) -> griffe.Object | Broken | None:
        # NOTE: a copy, since resolving a star import may load a submodule into these very members.
        for member in list(mod.members.values()):
            if member.is_alias and member.name.endswith("/*"):
                source = rev.resolve(member.target_path)  # type: ignore[union-attr]
                if isinstance(source, Broken):
                    return source
                if source is not None and source.is_module and name in source.members:
                    return rev.final(source.members[name])
        return None


def _getattr_provides(rev: Revision, mod: griffe.Module, name: str) -> griffe.Object | None:
    """The module's `__getattr__` when it defines one and its source names `name` as a string outside `__all__`."""
    shim = mod.members.get("__getattr__")
    path = rev.files.get(mod.path)
    if shim is None or shim.is_alias or not shim.is_function or path is None:
        return None
    tree = rev.blobs.sources.tree(rev.text(path) or b"")
    if tree is None:
        return None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue  # the name is listed there; what matters is whether `__getattr__` can answer for it
        if any(isinstance(n, ast.Constant) and n.value == name for n in ast.walk(node)):
            return shim  # type: ignore[return-value]
    return None


def _why_missing(rev: Revision, target: str, importer: griffe.Module) -> str:
    """Say why an in-project re-export no longer resolves, naming the files involved."""
    holder = module_of(target, (rev,))
    leaf = target.rsplit(".", 1)[-1]
    if holder is None or holder == target:
        return f"`{target}` no longer exists, and `{importer.filepath}` imports it"
    where = rev.files[holder]
    loaded = rev.module(holder)
    runtime = ""
    if loaded is not None and not isinstance(loaded, Broken) and "__getattr__" in loaded.members:
        runtime = " (its module `__getattr__` cannot be evaluated statically, so the name is taken as gone)"
    if holder == importer.path:
        return f"`{where}` no longer defines `{leaf}`{runtime}"
    return f"`{where}` no longer defines `{leaf}`{runtime}, and `{importer.filepath}` re-exports it"


def _line(member: griffe.Object | griffe.Alias | None) -> int | None:
    """The line of a member; for an alias, of the import itself (its target may not be found)."""
    if member is None:
        return None
    return member.alias_lineno if member.is_alias else member.lineno  # type: ignore[union-attr]


def _module_entry(mod: griffe.Module) -> Entry:
    return Entry(mod.path, "module", mod, str(mod.filepath), 1, mod.path)
