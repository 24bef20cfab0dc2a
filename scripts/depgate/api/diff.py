"""Detection passes: compare the public entries of two revisions and yield `ApiChange`s.

One pass per object type: modules and names (removed, moved, added, kind changed), functions and
their parameters, classes (bases, abstract methods, members) and attributes/pydantic fields. Passes
yield changes and never print.
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from typing import TYPE_CHECKING

import griffe
from griffe import BreakageKind, ParameterKind

from depgate.api import kinds as K
from depgate.api.deprecation import Deprecations, deprecates, module_getattr
from depgate.api.snapshot import Broken
from depgate.api.surface import Entry, Unknown, matches
from depgate.diagnostics import Diagnostic, Location, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator

    from griffe import Breakage

    from depgate.api.kinds import ApiChange
    from depgate.api.snapshot import Revision
    from depgate.api.surface import Policy

_POSITIONAL = (ParameterKind.positional_only, ParameterKind.positional_or_keyword)
_VARIADIC = (ParameterKind.var_positional, ParameterKind.var_keyword)
_ABSTRACT_BASES = frozenset({"abc.ABC", "typing.Protocol", "typing_extensions.Protocol"})
_ABSTRACT_METAS = frozenset({"abc.ABCMeta", "ABCMeta"})
_PROTOCOLS = frozenset({"typing.Protocol", "typing_extensions.Protocol"})
#: Bases outside the project known to declare no abstract methods.
_PLAIN_BASES = _ABSTRACT_BASES | {"object", "typing.Generic", "typing_extensions.Generic"}
_PYDANTIC_BASES = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.RootModel",
                             "pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings"})
#: Dunder methods that are part of a class's public contract.
_PUBLIC_DUNDERS = frozenset({"__init__", "__call__"})
_MAX_ANCESTRY = 16


class Differ:
    """Compare base and head entries of the touched packages.

    Args:
        policy: The public-surface policy (for strategy globs).
        revs: Base and head revisions (to resolve base classes).
        base: Public entries at base.
        head: Public entries at head.
    """

    def __init__(self, policy: Policy, revs: tuple[Revision, Revision],
                 base: dict[str, Entry | Unknown], head: dict[str, Entry | Unknown]):
        self.policy = policy
        self.config = policy.config
        self.revs = revs
        self.base = base
        self.head = head
        self.unknown = {p for side in (base, head) for p, e in side.items() if isinstance(e, Unknown)}
        #: Removed public path -> the added path it moved to (set by `changes`).
        self._moves: dict[str, str] = {}

    # -- names ------------------------------------------------------------------------------------------

    def _ignored(self, path: str) -> bool:
        parts = path.split(".")
        return any(".".join(parts[:i]) in self.unknown for i in range(1, len(parts) + 1))

    def changes(self) -> Iterator[ApiChange]:
        """Yield every change between the two surfaces.

        An object public at several paths gives one finding per outcome (removed, moved, deprecated, added),
        reported under its shortest path with the other paths in `ApiChange.also`. Removing one of its paths
        while another stays is still a removal of that path: only paths that share an outcome are merged.
        """
        removed = sorted(p for p, e in self.base.items() if p not in self.head and not self._ignored(p))
        added = sorted(p for p, e in self.head.items() if p not in self.base and not self._ignored(p))
        moves = self._pair_moves(removed, added)
        self._moves = moves
        moved_to = set(moves.values())
        # A removed or moved module takes its names with it: report the module, not each name again.
        gone_modules = {p for p in removed if self.base[p].kind == "module"}  # type: ignore[union-attr]
        outcomes: dict[tuple[str, str], list[str]] = {}
        for old_path in removed:
            # NOTE: a top-level package has no parent: `"d9d".rsplit(".")[0]` is itself, so test the dotted prefix only.
            if any(old_path.startswith(m + ".") for m in gone_modules):
                continue
            old = self.base[old_path]
            if not isinstance(old, Entry):  # pragma: no cover - unknown paths are filtered above
                continue
            outcome = "moved" if isinstance(self.head.get(moves.get(old_path, "")), Entry) else "removed"
            outcomes.setdefault((old.canonical, outcome), []).append(old_path)
        for (_, outcome), paths in outcomes.items():
            if outcome == "moved":
                yield from self._moved(_shortest_first(paths), moves)
            else:
                yield from self._removed(_shortest_first(paths))
        # Objects already public at another path are not new abstractions or strategies, only new paths.
        existing = {e.canonical for p, e in self.head.items()
                    if isinstance(e, Entry) and isinstance(self.base.get(p), Entry)}
        fresh: dict[str, list[str]] = {}
        for new_path in added:
            if new_path not in moved_to:
                fresh.setdefault(self.head[new_path].canonical, []).append(new_path)  # type: ignore[union-attr]
        for paths in fresh.values():
            first, *also = _shortest_first(paths)
            for change in self._added(self.head[first], existing):  # type: ignore[arg-type]
                yield _with_also(change, also) if change.symbol == first else change
        compared: set[tuple[str, str]] = set()
        yield from self._compare_common(compared)
        yield from self._compare_moved(moves, compared)

    # -- tiers and deprecation ----------------------------------------------------------------------------

    def experimental(self, change: ApiChange) -> bool:
        """Tell whether every public path of a change is at or under an `api.experimental` glob."""
        globs = self.config.experimental
        return bool(globs) and all(_under(path, globs) for path in (change.symbol, *change.also))

    def tiered(self, changes: list[ApiChange]) -> list[ApiChange]:
        """Move the breaking changes of the experimental tier to their own category (`review`, not `required`)."""
        return [replace(c, category=K.Category.EXPERIMENTAL) if c.breaking and self.experimental(c) else c
                for c in changes]

    def undeprecated(self, changes: list[ApiChange]) -> list[Diagnostic]:
        """A920 for each public object broken or removed without being deprecated at base (one per object).

        The severity follows `api.deprecation-policy`: a warning when advisory, an error (which fails the check)
        when required; nothing when off. The finding sits where its first change does.
        """
        policy = self.config.deprecation_policy
        if policy == "off":
            return []
        marks = Deprecations(self.revs[0])
        by_symbol: dict[str, list[ApiChange]] = {}
        for change in changes:
            if change.breaking and change.code != K.PUBLIC_NAME_DEPRECATED.code:
                by_symbol.setdefault(change.symbol, []).append(change)
        found = []
        severity = Severity.ERROR if policy == "required" else K.REMOVED_WITHOUT_DEPRECATION.severity
        for symbol, group in sorted(by_symbol.items()):
            if self._deprecated_at_base(symbol, marks):
                continue
            first = group[0]
            codes = ", ".join(sorted({c.code for c in group}))
            details: dict[str, object] = {"symbol": symbol, "changes": sorted({c.code for c in group}),
                                          "rev": "base" if first.rule.at_base else "head"}
            if first.anchor is not None and first.anchor.path:
                details["anchor"] = {"path": first.anchor.path, "line": first.anchor.line}
            diagnostic = K.REMOVED_WITHOUT_DEPRECATION.diagnostic(
                f"{symbol} is removed or broken ({codes}) but was not deprecated at base; deprecate it first "
                "(`@deprecated`, a `DeprecationWarning` at the top of its body, `.. deprecated::` in its docstring) "
                "and remove it in a later release", Location(first.path, first.line), details=details)
            found.append(replace(diagnostic, severity=severity))
        return found

    def undocumented(self, changes: list[ApiChange]) -> list[Diagnostic]:
        """A930 for each public object the changes add or change at head that has no docstring (one per object).

        Removals are left out (nothing is left to document). Documented counts as written: the object's own
        docstring; for a member, the documented member of a base it overrides (or one `api.external-members`
        says an outside base declares); for an attribute, its name in the enclosing docstring. A property's
        docstring is its getter's.
        """
        found: dict[str, Diagnostic] = {}
        for change in changes:
            if change.symbol in found or change.rule.at_base or change.code == K.PUBLIC_NAME_DEPRECATED.code:
                continue
            located = self._at_head(change.symbol)
            if located is None or self._documented(*located):
                continue
            obj = located[0]
            what = _kind(obj)
            found[change.symbol] = K.PUBLIC_OBJECT_UNDOCUMENTED.diagnostic(
                f"public {what} {change.symbol} has no docstring", Location(change.path, obj.lineno or change.line),
                details={"symbol": change.symbol, "kind": what, "rev": "head"})
        return sorted(found.values(), key=lambda d: d.sort_key)

    def _at_head(self, symbol: str) -> tuple[griffe.Object, griffe.Object | None] | None:
        """The object a public path names at head and the object enclosing it (None for a top-level entry)."""
        parts = symbol.split(".")
        rev = self.revs[1]
        for end in range(len(parts), 0, -1):
            entry = self.head.get(".".join(parts[:end]))
            if not isinstance(entry, Entry):
                continue
            obj: griffe.Object | Broken | None = entry.obj
            parent: griffe.Object | None = obj.parent if isinstance(obj, griffe.Object) else None
            for member in parts[end:]:
                if not isinstance(obj, griffe.Object) or not obj.is_class:
                    return None
                parent = obj
                found = self._members(rev, obj).get(member)  # type: ignore[arg-type]
                obj = rev.final(found) if found is not None else None
            return (obj, parent) if isinstance(obj, griffe.Object) else None
        return None

    def _documented(self, obj: griffe.Object, parent: griffe.Object | None) -> bool:
        """Tell whether an object counts as documented (see `undocumented`)."""
        if _has_docstring(obj):
            return True
        if parent is None:
            return False
        if obj.is_attribute and parent.docstring is not None and re.search(
                rf"(?<![\w.]){re.escape(obj.name)}(?!\w)", parent.docstring.value):
            return True
        if not parent.is_class:
            return False
        if obj.name in self._external_members(_direct_bases(self.revs[1], parent)):  # type: ignore[arg-type]
            return True
        inherited = _inherited_from(self.revs[1], parent, obj.name)  # type: ignore[arg-type]
        return inherited is not None and _has_docstring(inherited[1])

    def _deprecated_at_base(self, symbol: str, marks: Deprecations) -> bool:
        """Tell whether the object a public path named at base, or what encloses it, was deprecated there."""
        parts = symbol.split(".")
        for end in range(len(parts), 0, -1):
            entry = self.base.get(".".join(parts[:end]))
            if not isinstance(entry, Entry):
                continue
            module, _, name = entry.path.rpartition(".")
            shim = module_getattr(self.revs[0], module) if module else None
            if shim is not None and deprecates(shim, name):
                return True
            obj: griffe.Object | Broken | None = entry.obj
            for member in parts[end:]:
                if obj is None or isinstance(obj, Broken) or not obj.is_class:
                    obj = None
                    break
                found = self._members(self.revs[0], obj).get(member)  # type: ignore[arg-type]
                obj = self.revs[0].final(found) if found is not None else None
            if obj is None or isinstance(obj, Broken):
                return False
            return marks.find(obj) is not None
        return False

    def _moved(self, paths: list[str], moves: dict[str, str]) -> Iterator[ApiChange]:
        """One move of an object from its old public paths (shortest first) to new ones."""
        old_path, *also = paths
        new: Entry = self.head[moves[old_path]]  # type: ignore[assignment]  # `changes` pairs entries only
        yield _with_also(K.make_change(K.SYMBOL_MOVED, old_path, new.file, new.line,
                                       f"{old_path} moved to {new.path} without keeping the old path.",
                                       old=old_path, new=new.path), also)

    def _removed(self, paths: list[str]) -> Iterator[ApiChange]:
        """One removal of an object from its public paths (shortest first), or a deprecation per path.

        A module whose `__getattr__` still returns a name with a deprecation warning keeps it importable:
        that path is deprecated, not removed (A120). Any other `__getattr__` cannot be evaluated statically,
        so the name stays removed and the message says why depgate could not tell.
        """
        gone: list[str] = []
        opaque: list[str] = []
        for path in paths:
            module, _, name = path.rpartition(".")
            found = module_getattr(self.revs[1], module)
            if found is None:
                gone.append(path)
            elif deprecates(found, name):
                kind = self.base[path].kind  # type: ignore[union-attr]  # `changes` groups entries only
                yield K.make_change(K.PUBLIC_NAME_DEPRECATED, path, self.revs[1].files[module], found.line,
                                    f"Public {kind} {path} left `__all__` but `{module}.__getattr__` still returns it "
                                    "with a deprecation warning.", old=path)
            else:
                opaque.append(module)
                gone.append(path)
        if not gone:
            return
        first, *also = gone
        old: Entry = self.base[first]  # type: ignore[assignment]  # `changes` groups entries only
        anchor = self._anchor(old)
        if old.kind == "module":
            change = K.make_change(K.MODULE_REMOVED, first, old.file, None, f"Public module {first} was removed.",
                                   anchor=anchor)
        else:
            change = _with_also(K.make_change(K.SYMBOL_REMOVED, first, old.file, old.line,
                                              f"Public {old.kind} {first} was removed.", anchor=anchor), also)
            why = "".join(f" `{m}` defines `__getattr__`, which depgate cannot evaluate; the name is treated as "
                          "removed." for m in opaque)
            yield replace(change, message=change.message + why) if why else change
            return
        yield _with_also(change, also)

    def _anchor(self, old: Entry) -> Location | None:
        """Where a removed entry shows at head (`ApiChange.anchor`), without loading anything more.

        Its definition when that is still there (a name dropped from `__all__` or no longer re-exported) in a module
        head has read, else the file it was defined in, alone, when that file still exists; None when it is gone.
        `analyze` puts a re-export that no longer resolves first (see `SurfaceReader.gone_at`).
        """
        head = self.revs[1]
        if old.kind != "module" and old.obj is not None:
            module, _, name = old.canonical.rpartition(".")
            loaded = head.loaded(module)
            member = loaded.members.get(name) if loaded is not None else None
            if member is not None and not member.is_alias and member.lineno:
                return Location(str(member.filepath), member.lineno)
        return Location(old.file, None) if head.has_file(old.file) else None

    def _pair_moves(self, removed: list[str], added: list[str]) -> dict[str, str]:
        """Pair removed and added paths by last name and kind: each pair is one move."""
        moves: dict[str, str] = {}
        free = list(added)
        for old_path in removed:
            old = self.base[old_path]
            leaf = old_path.rsplit(".", 1)[-1]
            candidates = [p for p in free if p.rsplit(".", 1)[-1] == leaf and self.head[p].kind == old.kind]  # type: ignore[union-attr]
            if not candidates:
                continue
            # Prefer the same definition, then the nearest path.
            best = min(candidates, key=lambda p: (self.head[p].canonical != old.canonical,  # type: ignore[union-attr]
                                                  -_shared_parts(p, old_path), p))
            moves[old_path] = best
            free.remove(best)
        return moves

    def _added(self, entry: Entry, existing: set[str]) -> Iterator[ApiChange]:
        path = entry.path
        # NOTE: `existing` holds only the names the surface reader compared; an unchanged definition that was
        # public at base is found there directly.
        known = entry.kind != "module" and (entry.canonical in existing
                                            or _public_at(self.policy, self.revs[0], entry.canonical))
        if entry.kind == "module":
            # NOTE: a new module under a strategy path is a plain addition here; the strategy-module pass
            # (A203) reports it only when it defines a strategy implementation no package exports.
            classes = self._new_package_classes(entry, existing)
            if classes:
                shown = ", ".join(classes[:5]) + (", ..." if len(classes) > 5 else "")
                yield K.make_change(K.NEW_PUBLIC_SUBSYSTEM, path, entry.file, None,
                                    f"New public package {path} exports {len(classes)} new classes ({shown}): "
                                    "a new public subsystem.")
            else:
                yield K.make_change(K.MODULE_ADDED, path, entry.file, None, f"New public module {path}.")
        elif entry.kind == "class":
            cls = entry.obj
            if known:
                yield K.make_change(K.CLASS_ADDED, path, entry.file, entry.line,
                                    f"New public path {path} for the existing class {entry.canonical}.")
            elif _is_abstraction(self.revs[1], cls):  # type: ignore[arg-type]
                yield K.make_change(K.NEW_ABSTRACTION, path, entry.file, entry.line,
                                    f"New public abstraction {path} (an ABC, Protocol or class with abstract methods).")
            elif base := self._strategy_base(cls):  # type: ignore[arg-type]
                # Only a subclass of a strategy base is a strategy: a plain class under a strategy path
                # (a sharding spec, a config) implements no strategy contract.
                yield K.make_change(K.NEW_STRATEGY_CLASS, path, entry.file, entry.line,
                                    f"New public distributed strategy {path} (it subclasses {base}).")
            else:
                yield K.make_change(K.CLASS_ADDED, path, entry.file, entry.line, f"New public class {path}.")
        elif entry.kind == "function":
            if not known and _strategy_function(self.config.strategy_functions, path, entry.canonical):
                yield K.make_change(K.NEW_STRATEGY_FUNCTION, path, entry.file, entry.line,
                                    f"New public distributed strategy function {path} (it matches "
                                    "`api.strategy-functions`).")
            else:
                yield K.make_change(K.FUNCTION_ADDED, path, entry.file, entry.line, f"New public function {path}.")
        else:
            yield K.make_change(K.ATTRIBUTE_ADDED, path, entry.file, entry.line, f"New public name {path}.")

    def _strategy_path(self, dotted: str) -> bool:
        return matches(dotted, self.config.strategy_paths)

    def _strategy_base(self, cls: griffe.Class) -> str | None:
        return _strategy_ancestor(self.revs[1], cls, self.config.strategy_bases)

    def _new_package_classes(self, entry: Entry, existing: set[str]) -> list[str]:
        """The new classes a new public package exports, when they make it a new public subsystem (A204).

        Empty unless the package is new at head (no module of that name at base), outside `major-exclude`,
        and exports at least `major-new-package-classes` classes that are new: not already public
        elsewhere, and not a public class of the same name that left another path (a moved package).
        """
        wanted = self.config.major_new_package_classes
        path = entry.path
        if (wanted <= 0 or not self.revs[1].is_package(path) or path in self.revs[0].files
                or matches(path, self.config.major_exclude)):
            return []
        left = {p.rsplit(".", 1)[-1] for p, e in self.base.items()
                if isinstance(e, Entry) and e.kind == "class" and p not in self.head}
        classes = sorted(p.rsplit(".", 1)[-1] for p, e in self.head.items()
                         if isinstance(e, Entry) and e.kind == "class" and p.rsplit(".", 1)[0] == path
                         and e.canonical not in existing and p.rsplit(".", 1)[-1] not in left
                         and not _public_at(self.policy, self.revs[0], e.canonical))
        return classes if len(classes) >= wanted else []

    # -- objects present at both revisions -------------------------------------------------------------

    def _compare_common(self, compared: set[tuple[str, str]]) -> Iterator[ApiChange]:
        """Compare the objects public at the same path at both revisions; record each `(old, new)` definition pair."""
        groups: dict[tuple[str, str], list[str]] = {}
        for path, new in self.head.items():
            old = self.base.get(path)
            if not isinstance(new, Entry) or not isinstance(old, Entry) or self._ignored(path):
                continue
            if "external" in (old.kind, new.kind):
                continue  # outside the analysed packages: nothing to compare
            groups.setdefault((old.canonical, new.canonical), []).append(path)
        compared.update(groups)
        for paths in groups.values():
            # The same object exported at several paths is compared once, under its shortest path.
            path, *also = _shortest_first(paths)
            old, new = self.base[path], self.head[path]
            if not isinstance(old, Entry) or not isinstance(new, Entry):  # pragma: no cover - filtered above
                continue
            if old.kind != new.kind:
                yield _with_also(K.make_change(K.KIND_CHANGED, path, new.file, new.line,
                                               f"{path} changed from a {old.kind} to a {new.kind}.",
                                               old=old.kind, new=new.kind), also)
            else:
                yield from self._compare_same_kind(path, old, new)

    def _compare_moved(self, moves: dict[str, str], compared: set[tuple[str, str]]) -> Iterator[ApiChange]:
        """Compare each moved function or class with its new definition, under its new path.

        The move itself is one finding (A103); what changed in the object (a parameter, a method) is
        reported as for an object that stayed, once per definition pair.
        """
        for old_path, new_path in sorted(moves.items(), key=lambda item: _shortest_key(item[1])):
            old, new = self.base[old_path], self.head[new_path]
            if not isinstance(old, Entry) or not isinstance(new, Entry) or old.kind != new.kind:
                continue
            if (old.canonical, new.canonical) in compared:
                continue
            compared.add((old.canonical, new.canonical))
            yield from self._compare_same_kind(new_path, old, new)

    def _compare_same_kind(self, path: str, old: Entry, new: Entry) -> Iterator[ApiChange]:
        if new.kind == "function":
            yield from self._functions(path, old.obj, new.obj)  # type: ignore[arg-type]
        elif new.kind == "class":
            yield from self._classes(path, old.obj, new.obj)  # type: ignore[arg-type]
        elif new.kind in ("attribute", "type alias"):
            yield from _type_alias(path, old.obj, new.obj, new)

    def _functions(self, symbol: str, old: griffe.Function, new: griffe.Function) -> Iterator[ApiChange]:
        yield from compare_parameters(symbol, old, new)

    def _classes(self, symbol: str, old: griffe.Class, new: griffe.Class) -> Iterator[ApiChange]:
        base_rev, head_rev = self.revs
        file, line = str(new.filepath), new.lineno
        new_ancestors = set(_ancestors(head_rev, new))
        # A base is compared by identity, not by where it is defined: a base class whose file was renamed
        # is the same base when its old path, or a public path of it, names one of the new ancestors.
        replaced = [path for path, written in zip(_direct_bases(base_rev, old), old.bases, strict=True)
                    if path != "object" and not self._base_at_head(path, written) & new_ancestors]
        # Members that bases outside the analysed packages declare, as configured (depgate cannot read them).
        external = self._external_members(_direct_bases(base_rev, old))
        for gone in replaced:
            declared_outside = self._external_members([gone])
            if declared_outside and declared_outside <= set(new.members) and _PROTOCOLS & set(
                    _direct_bases(head_rev, new)):
                continue  # a Protocol that inlined an outside protocol's members: the same structural contract
            now = ", ".join(_direct_bases(head_rev, new)) or "object"
            yield K.make_change(K.BASE_REMOVED, symbol, file, line,
                                f"{symbol} no longer derives from {gone} (bases now: {now}).", old=gone, new=now)
        was_abstract = _is_abstraction(base_rev, old)
        is_protocol = bool(_PROTOCOLS & set(_direct_bases(head_rev, new)))
        pydantic = is_pydantic(head_rev, new) and is_pydantic(base_rev, old)
        # Dataclass fields follow the pydantic field rules: griffe only visits the code (its dataclasses
        # extension runs from the loader, never used here), so no `__init__` is synthesised to compare.
        fielded = pydantic or (is_dataclass(old) and is_dataclass(new))
        old_members, new_members = self._members(base_rev, old), self._members(head_rev, new)
        for name, member in old_members.items():
            path = f"{symbol}.{name}"
            if name not in new_members:
                inherited = _inherited_from(head_rev, new, name)
                # Still there through a base class: compare the old override with what is inherited now. But an
                # implementation removed in favour of an abstract declaration leaves the class abstract: removed.
                if inherited is not None and (_is_abstract_member(member) or not _is_abstract_member(inherited[1])):
                    yield from self._inherited_member(path, member, inherited[1], fielded)
                    continue
                # At head the member is gone but its class is not: the class statement is where it shows.
                at_head = Location(file, line)
                if member.is_attribute and not member.has_labels("property"):
                    what = "field" if fielded and is_field(member) else "attribute"
                    yield K.make_change(K.ATTRIBUTE_REMOVED, path, str(old.filepath), member.lineno,
                                        f"Public {what} {path} was removed.", anchor=at_head)
                else:
                    yield K.make_change(K.SYMBOL_REMOVED, path, str(old.filepath), member.lineno,
                                        f"Public {_kind(member)} {path} was removed.", anchor=at_head)
                continue
            other = new_members[name]
            if _kind(member) != _kind(other) and not _reads_and_assigns_alike(member, other):
                yield K.make_change(K.KIND_CHANGED, path, file, other.lineno,
                                    f"{path} changed from a {_kind(member)} to a {_kind(other)}.",
                                    old=_kind(member), new=_kind(other))
            elif member.is_function:
                yield from compare_parameters(path, member, other)  # type: ignore[arg-type]
            if was_abstract and _is_abstract_member(other) and not _is_abstract_member(member):
                yield K.make_change(K.ABSTRACT_METHOD_ADDED, path, file, other.lineno,
                                    f"{path} became abstract: every implementation of {symbol} must now provide it.")
            if fielded and is_field(member) and is_field(other) and _has_default(member) and not _has_default(other):
                yield K.make_change(K.FIELD_REQUIRED, path, file, other.lineno,
                                    f"Field {path} lost its default and is now required.",
                                    old=str(member.value), new=None)
        for name, member in new_members.items():
            if name in old_members:
                continue
            path = f"{symbol}.{name}"
            declared = _inherited_from(base_rev, old, name)
            if declared is None and name in external:
                continue  # the class had it already, through a base outside the analysed packages
            if declared is not None:
                # An override of a member the class already had through a base: not new surface. It is a new
                # abstract member only when the inherited one was neither abstract nor a Protocol member.
                owner, before = declared
                abstract_now = _is_abstract_member(member) or (is_protocol and not member.is_class)
                required_before = _is_abstract_member(before) or (_is_protocol(base_rev, owner) and not before.is_class)
                if was_abstract and abstract_now and not required_before:
                    yield K.make_change(K.ABSTRACT_METHOD_ADDED, path, file, member.lineno,
                                        f"{path} became abstract: every implementation of {symbol} must now provide "
                                        "it.")
                yield from self._inherited_member(path, before, member, fielded)
                continue
            if was_abstract and (_is_abstract_member(member) or (is_protocol and not member.is_class)):
                yield K.make_change(K.ABSTRACT_METHOD_ADDED, path, file, member.lineno,
                                    f"New abstract member {path}: every implementation of {symbol} must now "
                                    "provide it.")
            elif fielded and is_field(member) and not _has_default(member):
                yield K.make_change(K.REQUIRED_FIELD_ADDED, path, file, member.lineno,
                                    f"New required field {path}: existing configurations of {symbol} lack it.")
            elif member.is_function:
                yield K.make_change(K.FUNCTION_ADDED, path, file, member.lineno, f"New public method {path}.")
            elif member.is_class:
                yield K.make_change(K.CLASS_ADDED, path, file, member.lineno, f"New public class {path}.")
            else:
                what = "field" if fielded and is_field(member) else "attribute"
                yield K.make_change(K.ATTRIBUTE_ADDED, path, file, member.lineno, f"New public {what} {path}.")

    def _members(self, rev: Revision, cls: griffe.Class) -> dict[str, griffe.Object]:
        """A public class's public members: its own, and those it inherits from private bases.

        A method of a private base (`class Trainer(_TrainerBase)`) is part of the public class's surface, and no
        other finding would report its change. A base is private when its name, or a component of its module, starts
        with `_`, or its module is internal; any other base may be public, and its changes are reported on it, once.
        """
        members = public_members(cls)
        for ancestor in resolved_ancestors(rev, cls, partial=True) or []:
            if not self._private(ancestor):
                continue
            for name, member in public_members(ancestor).items():
                members.setdefault(name, member)  # the nearest definition wins, as in Python's lookup
        return members

    def _private(self, cls: griffe.Class) -> bool:
        module = cls.module.path
        return cls.name.startswith("_") or not self.policy.module_visible(module)

    def _external_members(self, bases: list[str]) -> set[str]:
        """The members `api.external-members` says these bases (outside the analysed packages) declare."""
        return {member for base in bases for glob, members in self.config.external_members.items()
                if matches(base, [glob]) for member in members}

    def _inherited_member(self, path: str, old: griffe.Object, new: griffe.Object, fielded: bool,
                          ) -> Iterator[ApiChange]:
        """Compare a class member with the one that takes its place through inheritance (or the reverse)."""
        if _kind(old) != _kind(new) and not _reads_and_assigns_alike(old, new):
            yield K.make_change(K.KIND_CHANGED, path, str(new.filepath), new.lineno,
                                f"{path} changed from a {_kind(old)} to a {_kind(new)}.",
                                old=_kind(old), new=_kind(new))
        elif old.is_function and new.is_function:
            yield from compare_parameters(path, old, new)  # type: ignore[arg-type]
        elif fielded and is_field(old) and is_field(new) and _has_default(old) and not _has_default(new):
            yield K.make_change(K.FIELD_REQUIRED, path, str(new.filepath), new.lineno,
                                f"Field {path} lost its default and is now required.", old=str(old.value), new=None)

    def _base_at_head(self, path: str, written: object) -> set[str]:
        """The paths at head of a base class known at base by `path` (written `written` in the class statement).

        The old path and the written one, resolved at head, and every public path that exported the class at
        base, resolved at head (or followed to where it moved): a base whose module was renamed is found again
        through any of them.
        """
        head = self.revs[1]
        names = {path, str(getattr(written, "canonical_path", None) or written)}
        names.update(p for p, e in self.base.items() if isinstance(e, Entry) and e.canonical == path)
        names.update([self._moves[name] for name in names if name in self._moves])
        found = {path}
        for name in names:
            entry = self.head.get(name)
            if isinstance(entry, Entry):
                found.add(entry.canonical)
            obj = head.resolve(name) if "." in name else None
            if obj is not None and not isinstance(obj, Broken):
                found.add(obj.path)
        return found


def _inherited_from(rev: Revision, cls: griffe.Class, name: str) -> tuple[griffe.Class, griffe.Object] | None:
    """Find the ancestor a class inherits a member from, and the member; None when none has it or one cannot be read.

    Fails closed: when an ancestor is outside the analysed packages or does not parse, it may define the
    name first (with another signature), so nothing is claimed to be inherited.
    """
    ancestors = resolved_ancestors(rev, cls)
    for klass in ancestors or ():
        member = klass.members.get(name)
        if member is None:
            continue
        found = rev.final(member)
        if found is None or isinstance(found, Broken):
            return None
        return klass, found  # type: ignore[return-value]
    return None


def resolved_ancestors(rev: Revision, cls: griffe.Class, *, partial: bool = False) -> list[griffe.Class] | None:
    """Every ancestor class, breadth-first (Python's order for single inheritance); None when one cannot be read.

    With `partial`, the ancestors that can be read are returned even when others cannot.

    typing/abc bases that declare no members of interest (`object`, `Protocol`, `Generic`, `ABC`) are skipped.
    """
    order: list[griffe.Class] = []
    seen: set[str] = set()
    queue: list[tuple[griffe.Class, int]] = [(cls, 0)]
    while queue:
        current, depth = queue.pop(0)
        for base in current.bases:
            path = _base_path(rev, base)
            if path in seen or path in _PLAIN_BASES:
                continue
            seen.add(path)
            found = rev.resolve(path) if "." in path else None
            if depth >= _MAX_ANCESTRY or found is None or isinstance(found, Broken) or not found.is_class:
                if partial:
                    continue
                return None
            order.append(found)  # type: ignore[arg-type]
            queue.append((found, depth + 1))  # type: ignore[arg-type]
    return order


def _is_protocol(rev: Revision, cls: griffe.Class) -> bool:
    return bool(_PROTOCOLS & set(_direct_bases(rev, cls)))


def _reads_and_assigns_alike(old: griffe.Object, new: griffe.Object) -> bool:
    """Tell whether a property that replaced an instance attribute still reads and assigns like it.

    A `functools.cached_property` (griffe labels it `cached`) or a property with a setter (`writable`) keeps
    `obj.x` and `obj.x = v` working. A read-only `@property` does not, and neither does any property that
    replaced an attribute with a class-level value: `Cls.x` now gives the descriptor instead of the value.
    """
    return (_kind(old) == "attribute" and _kind(new) == "property" and bool(new.labels & {"cached", "writable"})
            and (old.value is None or "class-attribute" not in old.labels))  # type: ignore[union-attr]


def _under(path: str, globs: list[str]) -> bool:
    """Tell whether a dotted path, or one of the packages or classes above it, matches a glob."""
    parts = path.split(".")
    return any(matches(".".join(parts[:end]), globs) for end in range(len(parts), 0, -1))


def _shortest_key(path: str) -> tuple[int, str]:
    return (path.count("."), path)


def _shortest_first(paths: list[str]) -> list[str]:
    """Order an object's public paths: the shortest (then alphabetically first) is the one reported."""
    return sorted(paths, key=_shortest_key)


def _with_also(change: ApiChange, also: list[str]) -> ApiChange:
    """Name the object's other public paths in a change reported once for all of them."""
    if not also:
        return change
    text = change.message.removesuffix(".")
    return replace(change, also=tuple(also), message=f"{text} (also public as {', '.join(also)}).")


def _type_alias(symbol: str, old: griffe.Object | None, new: griffe.Object | None, entry: Entry
                ) -> Iterator[ApiChange]:
    """A117 when a public union type alias drops a member (`Shard | None` becoming `SpecReplicate | SpecShard`).

    griffe compares no attribute values, and most module attributes are constants whose value may change; a type
    alias is a contract on what callers may pass, so only its members are compared, by their last name (an alias
    spelled `tensor.Shard` at one revision and `Shard` at the other is the same member).
    """
    before, after = _union_members(old), _union_members(new)
    if before is None or after is None or not (gone := before - after):
        return
    yield K.make_change(K.TYPE_ALIAS_NARROWED, symbol, entry.file, entry.line,
                        f"The type alias {symbol} no longer accepts {', '.join(f'`{m}`' for m in sorted(gone))} "
                        f"(was `{old.value}`, now `{new.value}`).",  # type: ignore[union-attr]
                        old=str(old.value), new=str(new.value))  # type: ignore[union-attr]


def _union_members(obj: griffe.Object | None) -> frozenset[str] | None:
    """The member types of a union alias (`A | B`, `Union[A, B]`, `Optional[A]`, or any value annotated `TypeAlias`)."""
    value = getattr(obj, "value", None)
    if value is None:
        return None
    try:
        node = ast.parse(str(value), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    declared = obj.kind.value == "type alias" or str(getattr(obj, "annotation", "") or "").endswith("TypeAlias")
    members = _flatten_union(node)
    if len(members) < 2 and not declared:
        return None  # a plain constant or a single name: not compared
    return frozenset(ast.unparse(m).rsplit(".", 1)[-1] for m in members)


def _flatten_union(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _flatten_union(node.left) + _flatten_union(node.right)
    if isinstance(node, ast.Subscript):
        head = ast.unparse(node.value).rsplit(".", 1)[-1]
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if head == "Union":
            return [m for item in items for m in _flatten_union(item)]
        if head == "Optional" and len(items) == 1:
            return [*_flatten_union(items[0]), ast.Constant(None)]
    return [node]


def _shared_parts(a: str, b: str) -> int:
    """How many leading dotted components two paths share."""
    count = 0
    for x, y in zip(a.split("."), b.split("."), strict=False):
        if x != y:
            break
        count += 1
    return count


# -- parameters ---------------------------------------------------------------------------------------


def _norm_default(value: object) -> str:
    text = str(value)
    try:
        return ast.unparse(ast.parse(text, mode="eval"))
    except (SyntaxError, ValueError, RecursionError):
        return text


def compare_parameters(symbol: str, old: griffe.Function, new: griffe.Function) -> Iterator[ApiChange]:
    """Yield parameter changes of one callable (symbol names the callable).

    griffe's breakage detection decides the kinds both tools share: removals (a removed parameter that
    `*args`/`**kwargs` still accept is none), kind changes, moves, parameters that became required, new
    required parameters and changed defaults. depgate keeps its own code for:

    - renames (A106): griffe sees a removal and an addition; pairing a removed positional parameter with the
      new one at its place tells users what to change.
    - new optional parameters (A305): griffe reports breakages only, and an optional addition is none.
    - the default comparison is re-checked on normalised expressions (`'bf16'` and `"bf16"`, `1_000` and
      `1000`), so a reformatted default never counts as a change, whatever text griffe compares.
    """
    old_params, new_params = list(old.parameters), list(new.parameters)
    if _signature(old_params) == _signature(new_params):
        return  # the common case, an unchanged signature: nothing to ask griffe
    file, line = str(new.filepath), new.lineno
    old_names = {p.name for p in old_params}
    new_names = {p.name for p in new_params}
    old_pos = [p.name for p in old_params if p.kind in _POSITIONAL]
    new_pos = [p.name for p in new_params if p.kind in _POSITIONAL]
    renamed: dict[str, str] = {}
    for name in old_pos:
        if name not in new_names:
            index = old_pos.index(name)
            candidate = new_pos[index] if index < len(new_pos) else None
            if candidate is not None and candidate not in old_names:
                renamed[name] = candidate
                yield K.make_change(K.PARAMETER_RENAMED, symbol, file, line,
                                    f"Parameter `{name}` of {symbol} was renamed to `{candidate}`.",
                                    old=name, new=candidate)
    for breakage in _breakages(old, new):
        before, after = breakage.old_value, breakage.new_value
        if breakage.kind is BreakageKind.PARAMETER_REMOVED and before.name not in renamed:
            yield K.make_change(K.PARAMETER_REMOVED, symbol, file, line,
                                f"Parameter `{before.name}` of {symbol} was removed.", old=before.name)
        elif breakage.kind is BreakageKind.PARAMETER_CHANGED_KIND:
            yield K.make_change(K.PARAMETER_KIND_CHANGED, symbol, file, line,
                                f"Parameter `{before.name}` of {symbol} changed from {before.kind.value} to "
                                f"{after.kind.value}.", old=before.kind.value, new=after.kind.value)
        elif breakage.kind is BreakageKind.PARAMETER_MOVED:
            was, now = old_pos.index(before.name) + 1, new_pos.index(after.name) + 1
            yield K.make_change(K.PARAMETER_MOVED, symbol, file, line,
                                f"Parameter `{before.name}` of {symbol} moved from position {was} to {now}.",
                                old=str(was), new=str(now))
        elif breakage.kind is BreakageKind.PARAMETER_CHANGED_REQUIRED:
            yield K.make_change(K.PARAMETER_REQUIRED, symbol, file, line,
                                f"Parameter `{before.name}` of {symbol} lost its default `{before.default}` and is now "
                                "required.", old=str(before.default))
        elif (breakage.kind is BreakageKind.PARAMETER_CHANGED_DEFAULT
              and _norm_default(before.default) != _norm_default(after.default)):
            yield K.make_change(K.DEFAULT_CHANGED, symbol, file, line,
                                f"The default of parameter `{before.name}` of {symbol} changed from `{before.default}` "
                                f"to `{after.default}`.", old=str(before.default), new=str(after.default))
        elif breakage.kind is BreakageKind.PARAMETER_ADDED_REQUIRED and after.name not in renamed.values():
            yield K.make_change(K.REQUIRED_PARAMETER_ADDED, symbol, file, line,
                                f"{symbol} gained a required parameter `{after.name}`.", new=after.name)
        # NOTE: griffe's other kinds are not about parameters; RETURN_CHANGED_TYPE (a dropped return
        # annotation) breaks no caller at run time and has no depgate rule.
    for other in new_params:
        if other.name not in old_names and other.name not in renamed.values() and (
                other.kind in _VARIADIC or other.default is not None):
            yield K.make_change(K.PARAMETER_ADDED, symbol, file, line,
                                f"{symbol} gained an optional parameter `{other.name}`.", new=other.name)


def _signature(params: list[griffe.Parameter]) -> list[tuple[str, ParameterKind, str | None]]:
    """What callers depend on in a parameter list: names, kinds and defaults (annotations are not compared)."""
    return [(p.name, p.kind, None if p.default is None else str(p.default)) for p in params]


def _breakages(old: griffe.Function, new: griffe.Function) -> list[Breakage]:
    """griffe's breakages between two versions of one callable.

    NOTE: `griffe.find_breaking_changes` compares the *members* of the two objects it is given, so on two
    functions it finds nothing. Each version is handed over as a copy (only its parameters and return
    annotation), named `f`, in a stand-in module: the analysed objects are not re-parented, and griffe's
    public-name test (`__all__`, a leading underscore) cannot skip a callable depgate has already found public.
    """
    holders = []
    for function in (old, new):
        holder = griffe.Module("_depgate_stand_in")
        params = griffe.Parameters(*(griffe.Parameter(p.name, annotation=p.annotation, kind=p.kind, default=p.default)
                                     for p in function.parameters))
        holder.set_member("f", griffe.Function("f", parameters=params, returns=function.returns))
        holders.append(holder)
    return list(griffe.find_breaking_changes(holders[0], holders[1]))


# -- classes ------------------------------------------------------------------------------------------


def _base_path(rev: Revision, expr: object) -> str:
    """The dotted path of a base-class expression (subscripts dropped: `Protocol[T]` -> `typing.Protocol`)."""
    left = getattr(expr, "left", None)
    if left is not None and type(expr).__name__ == "ExprSubscript":
        expr = left
    path = getattr(expr, "canonical_path", None) or str(expr)
    found = rev.resolve(path) if "." in path else None
    if found is not None and not isinstance(found, Broken):
        return found.path
    return path


def _direct_bases(rev: Revision, cls: griffe.Class) -> list[str]:
    return [_base_path(rev, base) for base in cls.bases]


def _ancestors(rev: Revision, cls: griffe.Class) -> list[str]:
    """Every ancestor's dotted path (resolved inside the analysed packages, else as written)."""
    seen: list[str] = []
    queue: list[tuple[griffe.Class, int]] = [(cls, 0)]
    while queue:
        current, depth = queue.pop(0)
        for base in current.bases:
            path = _base_path(rev, base)
            if path in seen:
                continue
            seen.append(path)
            found = rev.resolve(path) if "." in path else None
            if depth < _MAX_ANCESTRY and found is not None and not isinstance(found, Broken) and found.is_class:
                queue.append((found, depth + 1))  # type: ignore[arg-type]
    return seen


def _is_abstraction(rev: Revision, cls: griffe.Class) -> bool:
    """A class is an abstraction when it lists ABC/Protocol, uses ABCMeta, or has (or inherits) abstract members."""
    if _ABSTRACT_BASES & set(_direct_bases(rev, cls)):
        return True
    meta = cls.keywords.get("metaclass")
    if meta is not None and (getattr(meta, "canonical_path", str(meta)) in _ABSTRACT_METAS):
        return True
    if any(_is_abstract_member(m) for m in cls.members.values() if not m.is_alias):
        return True
    return _inherits_abstract(rev, cls)


def _inherits_abstract(rev: Revision, cls: griffe.Class) -> bool:
    """Tell whether a class leaves an abstract method of a project base unimplemented (an intermediate base).

    Decided only when every ancestor resolves inside the analysed packages (or is a known typing/abc base
    without abstract methods); otherwise the class is not counted as abstract, as before. Ancestors are
    searched breadth-first, which is Python's order for the usual single-inheritance chains.
    """
    ancestors = resolved_ancestors(rev, cls)
    if ancestors is None:
        return False  # an ancestor that cannot be read: do not guess
    order = [cls, *ancestors]
    first: dict[str, bool] = {}  # name -> whether its nearest definition is abstract
    for klass in order:
        for name, member in klass.members.items():
            if name in first or (not member.is_alias and member.labels == {"instance-attribute"}):
                continue  # `self.x = ...` in a method does not implement an abstract `x` for ABCMeta
            first[name] = _is_abstract_member(member)
    return any(first.values())


def is_pydantic(rev: Revision, cls: griffe.Class) -> bool:
    """A class deriving from pydantic's `BaseModel` (directly or through resolved ancestors)."""
    return bool(_PYDANTIC_BASES & set(_ancestors(rev, cls)))


def is_dataclass(cls: griffe.Class) -> bool:
    """A class decorated with `@dataclass` or `@dataclasses.dataclass(...)` (pydantic's are not included)."""
    return any(getattr(d.value, "canonical_path", None) == "dataclasses.dataclass" for d in cls.decorators)


def _is_abstract_member(member: griffe.Object | griffe.Alias) -> bool:
    return not member.is_alias and member.has_labels("abstractmethod")


def public_members(cls: griffe.Class) -> dict[str, griffe.Object]:
    """A class's own public members by name: no aliases, no underscored names but the public dunders."""
    return {name: member for name, member in cls.members.items()
            if not member.is_alias and (not name.startswith("_") or name in _PUBLIC_DUNDERS)}


def _has_docstring(obj: griffe.Object) -> bool:
    """A docstring with some text; griffe gives a property its getter's docstring."""
    return obj.docstring is not None and bool(obj.docstring.value.strip())


def _kind(obj: griffe.Object) -> str:
    if obj.is_attribute and obj.has_labels("property"):
        return "property"
    return obj.kind.value


def is_field(member: griffe.Object) -> bool:
    """A pydantic field: an annotated class attribute that is not a ClassVar or a property."""
    if not member.is_attribute or member.has_labels("property") or member.annotation is None:  # type: ignore[union-attr]
        return False
    return not str(member.annotation).replace("typing.", "").startswith("ClassVar")  # type: ignore[union-attr]


def _has_default(member: griffe.Object) -> bool:
    """Tell whether a field has a default (`= value`, `Field(default)`, `field(default_factory=...)`, ...)."""
    value = member.value  # type: ignore[union-attr]
    if value is None:
        return False
    try:
        node = ast.parse(str(value), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return True
    if not isinstance(node, ast.Call):
        return True
    func = getattr(node.func, "id", getattr(node.func, "attr", ""))
    if func == "field":
        # dataclasses.field(): a default only when one is given (or when the field is not an `__init__` argument).
        return any(k.arg in ("default", "default_factory") or (k.arg == "init" and _false(k.value))
                   for k in node.keywords)
    if func == "Field":
        if node.args:
            first = node.args[0]
            return not (isinstance(first, ast.Constant) and first.value is Ellipsis)
        return any(k.arg in ("default", "default_factory") for k in node.keywords)
    return True


def _false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def strategy_modules(policy: Policy, base: Revision, head: Revision, modules: set[str]) -> Iterator[ApiChange]:
    """Yield the module-level passes over the changed modules: new strategy modules, then new extension points.

    A new module under a strategy path is a new strategy module (A203) only when it defines a strategy
    implementation (a subclass of a strategy base, a function matching `strategy-functions`) that no
    enclosing package exports: exported ones are reported by name (A202, A206). A module that only calls
    existing strategies, such as a model's parallelize plan, is not a strategy.
    """
    config = policy.config
    for name in sorted(modules):
        if name in base.files or name not in head.files or not policy.module_visible(name):
            continue
        if not matches(name, config.strategy_paths):
            continue
        module = head.module(name)
        if module is None or isinstance(module, Broken):
            continue
        found = [(obj, why) for obj, why in _strategy_members(policy, head, module)
                 if not _public_paths(policy, head, obj)]
        if found:
            what = "; ".join(f"{obj.name} ({why})" for obj, why in found)
            yield K.make_change(K.NEW_STRATEGY_MODULE, name, head.files[name], found[0][0].lineno,
                                f"New module {name} under a strategy path defines a strategy implementation no "
                                f"package exports yet: {what}.")
    # NOTE: extension points are a pass over changed modules too; they ride on this call so the pipeline
    # (`depgate.api.analyze`) keeps one module-level entry point.
    yield from extension_points(policy, base, head, modules)


# -- strategies and major additions ------------------------------------------------------------------


def _strategy_function(globs: list[str], *paths: str) -> bool:
    """Tell whether a function, by its public path or where it is defined, matches `strategy-functions` globs."""
    return any(matches(path, globs) for path in paths)


def _strategy_ancestor(rev: Revision, cls: griffe.Class, globs: list[str]) -> str | None:
    """The first ancestor of a class that matches a strategy-base glob (a bare name matches a glob's last part)."""
    for ancestor in _ancestors(rev, cls):
        if matches(ancestor, globs):
            return ancestor
        if "." not in ancestor and any(matches(ancestor, [g.rsplit(".", 1)[-1]]) for g in globs):
            return ancestor
    return None


def _strategy_members(policy: Policy, rev: Revision, module: griffe.Module) -> list[tuple[griffe.Object, str]]:
    """The strategy implementations a module defines (not imports), with why each one is a strategy."""
    config = policy.config
    found: list[tuple[griffe.Object, str]] = []
    for name, member in module.members.items():
        if member.is_alias or name.startswith("_"):
            continue
        if member.is_class:
            base = _strategy_ancestor(rev, member, config.strategy_bases)  # type: ignore[arg-type]
            if base is not None:
                found.append((member, f"subclasses {base}"))  # type: ignore[arg-type]
        elif member.is_function and _strategy_function(config.strategy_functions, member.path):
            found.append((member, "matches `api.strategy-functions`"))  # type: ignore[arg-type]
    return found


def _public_paths(policy: Policy, rev: Revision, obj: griffe.Object) -> list[str]:
    """The public paths of an object: its own module's public names, or a re-export by an enclosing package.

    Only the module that defines it and its enclosing packages are searched, the places a project exports
    from; shortest path first.
    """
    parts = obj.path.split(".")
    found: list[str] = []
    for end in range(len(parts) - 1, 0, -1):
        name = ".".join(parts[:end])
        module = rev.module(name)
        if module is None or isinstance(module, Broken) or not policy.public_module(rev, name):
            continue
        for public in policy.public_names(rev, module, []):  # type: ignore[arg-type]
            member = module.members.get(public)
            target = rev.final(member) if member is not None else None
            if target is not None and not isinstance(target, Broken) and target.path == obj.path:
                found.append(f"{name}.{public}")
    return sorted(found, key=lambda p: (p.count("."), p))


def _public_at(policy: Policy, rev: Revision, canonical: str) -> bool:
    """Tell whether the object defined at a dotted path exists at a revision and is public there."""
    if "." not in canonical or canonical.split(".", 1)[0] not in rev.layout.roots:
        return False  # outside the analysed packages
    found = rev.resolve(canonical)
    return found is not None and not isinstance(found, Broken) and bool(_public_paths(policy, rev, found))


def _inherited(rev: Revision, cls: griffe.Class, name: str) -> bool:
    """Tell whether a resolvable ancestor of a class already defines a member (an override is no new hook)."""
    for ancestor in _ancestors(rev, cls):
        found = rev.resolve(ancestor) if "." in ancestor else None
        if found is not None and not isinstance(found, Broken) and name in found.members:
            return True
    return False


def extension_points(policy: Policy, base: Revision, head: Revision, modules: set[str]) -> Iterator[ApiChange]:
    """Yield a new-extension-point change (A205) for each new hook method on an existing public abstraction.

    The static criterion: a class defined in a changed module at both revisions, an abstraction at base
    (ABC, ABCMeta or abstract members; Protocols are left to A113, where any new member is required),
    public at head, gains a public, non-abstract method whose name matches `extension-hooks` and that no
    ancestor defines already. A new abstract method is A113 (breaking), not an extension point.
    """
    hooks = policy.config.extension_hooks
    if not hooks:
        return
    for name in sorted(modules):
        if name not in base.files or name not in head.files or policy.internal(name):
            continue
        old_module, new_module = base.module(name), head.module(name)
        if old_module is None or new_module is None or isinstance(old_module, Broken) or isinstance(
                new_module, Broken):
            continue
        for cls_name, new_cls in new_module.members.items():
            old_cls = old_module.members.get(cls_name)
            if (new_cls.is_alias or not new_cls.is_class or old_cls is None or old_cls.is_alias
                    or not old_cls.is_class or not _is_abstraction(base, old_cls)  # type: ignore[arg-type]
                    or _PROTOCOLS & set(_direct_bases(head, new_cls))):  # type: ignore[arg-type]
                continue
            public = _public_paths(policy, head, new_cls)  # type: ignore[arg-type]
            if not public:
                continue
            for method_name, method in public_members(new_cls).items():  # type: ignore[arg-type]
                if (method_name in old_cls.members or not method.is_function or _is_abstract_member(method)
                        or not matches(method_name, hooks) or _inherited(head, new_cls, method_name)):  # type: ignore[arg-type]
                    continue
                symbol = f"{public[0]}.{method_name}"
                yield K.make_change(K.NEW_EXTENSION_POINT, symbol, str(new_cls.filepath), method.lineno,
                                    f"New hook {symbol} on the existing abstraction {public[0]}: subclasses can "
                                    "override or call it, a new extension point.")
