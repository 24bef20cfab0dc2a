"""Detection passes: compare the public entries of two revisions and yield `ApiChange`s.

One pass per object type: modules and names (removed, moved, added, kind changed), functions and
their parameters, classes (bases, abstract methods, members) and attributes/pydantic fields. Passes
yield changes and never print.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from griffe import ParameterKind

from depgate.api import kinds as K
from depgate.api.snapshot import Broken
from depgate.api.surface import Entry, Unknown, matches

if TYPE_CHECKING:
    from collections.abc import Iterator

    import griffe

    from depgate.api.kinds import ApiChange
    from depgate.api.snapshot import Revision
    from depgate.api.surface import Policy

_POSITIONAL = (ParameterKind.positional_only, ParameterKind.positional_or_keyword)
_VARIADIC = (ParameterKind.var_positional, ParameterKind.var_keyword)
#: Kind changes every existing call survives.
_COMPATIBLE_KINDS = {
    (ParameterKind.positional_only, ParameterKind.positional_or_keyword),
    (ParameterKind.keyword_only, ParameterKind.positional_or_keyword),
}
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

    # -- names ------------------------------------------------------------------------------------------

    def _ignored(self, path: str) -> bool:
        parts = path.split(".")
        return any(".".join(parts[:i]) in self.unknown for i in range(1, len(parts) + 1))

    def changes(self) -> Iterator[ApiChange]:
        """Yield every change between the two surfaces."""
        removed = sorted(p for p, e in self.base.items() if p not in self.head and not self._ignored(p))
        added = sorted(p for p, e in self.head.items() if p not in self.base and not self._ignored(p))
        moves = self._pair_moves(removed, added)
        moved_to = set(moves.values())
        # A removed or moved module takes its names with it: report the module, not each name again.
        gone_modules = {p for p in removed if self.base[p].kind == "module"}  # type: ignore[union-attr]
        for old_path in removed:
            if old_path.rsplit(".", 1)[0] in gone_modules or any(old_path.startswith(m + ".") for m in gone_modules):
                continue
            old, new = self.base[old_path], self.head.get(moves.get(old_path, ""))
            if not isinstance(old, Entry):  # pragma: no cover - unknown paths are filtered above
                continue
            if isinstance(new, Entry):
                yield K.make_change(K.SYMBOL_MOVED, old_path, new.file, new.line,
                                    f"{old_path} moved to {new.path} without keeping the old path.",
                                    old=old_path, new=new.path)
            elif old.kind == "module":
                yield K.make_change(K.MODULE_REMOVED, old_path, old.file, None,
                                    f"Public module {old_path} was removed.")
            else:
                yield K.make_change(K.SYMBOL_REMOVED, old_path, old.file, old.line,
                                    f"Public {old.kind} {old_path} was removed.")
        # Objects already public at another path are not new abstractions or strategies, only new paths.
        existing = {e.canonical for p, e in self.head.items()
                    if isinstance(e, Entry) and isinstance(self.base.get(p), Entry)}
        for new_path in added:
            if new_path not in moved_to:
                yield from self._added(self.head[new_path], existing)  # type: ignore[arg-type]
        yield from self._compare_common()

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
        known = entry.canonical in existing
        if entry.kind == "module":
            if self._strategy_path(path) and not known:
                return  # reported by the strategy-module pass, from the changed files
            yield K.make_change(K.MODULE_ADDED, path, entry.file, None, f"New public module {path}.")
        elif entry.kind == "class":
            cls = entry.obj
            if known:
                yield K.make_change(K.CLASS_ADDED, path, entry.file, entry.line,
                                    f"New public path {path} for the existing class {entry.canonical}.")
            elif _is_abstraction(self.revs[1], cls):  # type: ignore[arg-type]
                yield K.make_change(K.NEW_ABSTRACTION, path, entry.file, entry.line,
                                    f"New public abstraction {path} (an ABC, Protocol or class with abstract methods).")
            elif ((base := self._strategy_base(cls))  # type: ignore[arg-type]
                  or self._strategy_path(path) or self._strategy_path(entry.canonical)):
                why = f"it subclasses {base}" if base else "it is defined under a strategy path"
                yield K.make_change(K.NEW_STRATEGY_CLASS, path, entry.file, entry.line,
                                    f"New public distributed strategy {path} ({why}).")
            else:
                yield K.make_change(K.CLASS_ADDED, path, entry.file, entry.line, f"New public class {path}.")
        elif entry.kind == "function":
            yield K.make_change(K.FUNCTION_ADDED, path, entry.file, entry.line, f"New public function {path}.")
        else:
            yield K.make_change(K.ATTRIBUTE_ADDED, path, entry.file, entry.line, f"New public name {path}.")

    def _strategy_path(self, dotted: str) -> bool:
        return matches(dotted, self.config.strategy_paths)

    def _strategy_base(self, cls: griffe.Class) -> str | None:
        for ancestor in _ancestors(self.revs[1], cls):
            if matches(ancestor, self.config.strategy_bases):
                return ancestor
            if "." not in ancestor and any(
                    matches(ancestor, [g.rsplit(".", 1)[-1]]) for g in self.config.strategy_bases):
                return ancestor
        return None

    # -- objects present at both revisions -------------------------------------------------------------

    def _compare_common(self) -> Iterator[ApiChange]:
        groups: dict[tuple[str, str], list[str]] = {}
        for path, new in self.head.items():
            old = self.base.get(path)
            if not isinstance(new, Entry) or not isinstance(old, Entry) or self._ignored(path):
                continue
            if "external" in (old.kind, new.kind):
                continue  # outside the analysed packages: nothing to compare
            groups.setdefault((old.canonical, new.canonical), []).append(path)
        for paths in groups.values():
            # The same object exported at several paths is compared once, under its shortest path.
            path = min(paths, key=lambda p: (p.count("."), p))
            old, new = self.base[path], self.head[path]
            if not isinstance(old, Entry) or not isinstance(new, Entry):  # pragma: no cover - filtered above
                continue
            if old.kind != new.kind:
                yield K.make_change(K.KIND_CHANGED, path, new.file, new.line,
                                    f"{path} changed from a {old.kind} to a {new.kind}.", old=old.kind, new=new.kind)
            elif new.kind == "function":
                yield from self._functions(path, old.obj, new.obj)  # type: ignore[arg-type]
            elif new.kind == "class":
                yield from self._classes(path, old.obj, new.obj)  # type: ignore[arg-type]

    def _functions(self, symbol: str, old: griffe.Function, new: griffe.Function) -> Iterator[ApiChange]:
        yield from compare_parameters(symbol, old, new)

    def _classes(self, symbol: str, old: griffe.Class, new: griffe.Class) -> Iterator[ApiChange]:
        base_rev, head_rev = self.revs
        file, line = str(new.filepath), new.lineno
        new_ancestors = set(_ancestors(head_rev, new))
        replaced = [b for b in _direct_bases(base_rev, old) if b not in new_ancestors and b != "object"]
        for gone in replaced:
            now = ", ".join(_direct_bases(head_rev, new)) or "object"
            yield K.make_change(K.BASE_REMOVED, symbol, file, line,
                                f"{symbol} no longer derives from {gone} (bases now: {now}).", old=gone, new=now)
        was_abstract = _is_abstraction(base_rev, old)
        is_protocol = bool(_PROTOCOLS & set(_direct_bases(head_rev, new)))
        pydantic = _is_pydantic(head_rev, new) and _is_pydantic(base_rev, old)
        # Dataclass fields follow the pydantic field rules: griffe only visits the code (its dataclasses
        # extension runs from the loader, never used here), so no `__init__` is synthesised to compare.
        fielded = pydantic or (_is_dataclass(old) and _is_dataclass(new))
        old_members, new_members = _public_members(old), _public_members(new)
        for name, member in old_members.items():
            path = f"{symbol}.{name}"
            if name not in new_members:
                if member.is_attribute and not member.has_labels("property"):
                    what = "field" if fielded and _is_field(member) else "attribute"
                    yield K.make_change(K.ATTRIBUTE_REMOVED, path, str(old.filepath), member.lineno,
                                        f"Public {what} {path} was removed.")
                else:
                    yield K.make_change(K.SYMBOL_REMOVED, path, str(old.filepath), member.lineno,
                                        f"Public {_kind(member)} {path} was removed.")
                continue
            other = new_members[name]
            if _kind(member) != _kind(other):
                yield K.make_change(K.KIND_CHANGED, path, file, other.lineno,
                                    f"{path} changed from a {_kind(member)} to a {_kind(other)}.",
                                    old=_kind(member), new=_kind(other))
            elif member.is_function:
                yield from compare_parameters(path, member, other)  # type: ignore[arg-type]
            if was_abstract and _is_abstract_member(other) and not _is_abstract_member(member):
                yield K.make_change(K.ABSTRACT_METHOD_ADDED, path, file, other.lineno,
                                    f"{path} became abstract: every implementation of {symbol} must now provide it.")
            if fielded and _is_field(member) and _is_field(other) and _has_default(member) and not _has_default(other):
                yield K.make_change(K.FIELD_REQUIRED, path, file, other.lineno,
                                    f"Field {path} lost its default and is now required.",
                                    old=str(member.value), new=None)
        for name, member in new_members.items():
            if name in old_members:
                continue
            path = f"{symbol}.{name}"
            if was_abstract and (_is_abstract_member(member) or (is_protocol and not member.is_class)):
                yield K.make_change(K.ABSTRACT_METHOD_ADDED, path, file, member.lineno,
                                    f"New abstract member {path}: every implementation of {symbol} must now "
                                    "provide it.")
            elif fielded and _is_field(member) and not _has_default(member):
                yield K.make_change(K.REQUIRED_FIELD_ADDED, path, file, member.lineno,
                                    f"New required field {path}: existing configurations of {symbol} lack it.")
            elif member.is_function:
                yield K.make_change(K.FUNCTION_ADDED, path, file, member.lineno, f"New public method {path}.")
            elif member.is_class:
                yield K.make_change(K.CLASS_ADDED, path, file, member.lineno, f"New public class {path}.")
            else:
                what = "field" if fielded and _is_field(member) else "attribute"
                yield K.make_change(K.ATTRIBUTE_ADDED, path, file, member.lineno, f"New public {what} {path}.")


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
    """Yield parameter changes of one callable (symbol names the callable)."""
    file, line = str(new.filepath), new.lineno
    old_params, new_params = list(old.parameters), list(new.parameters)
    old_names = {p.name for p in old_params}
    new_by_name = {p.name: p for p in new_params}
    old_pos = [p.name for p in old_params if p.kind in _POSITIONAL]
    new_pos = [p.name for p in new_params if p.kind in _POSITIONAL]
    renamed_to: set[str] = set()
    for param in old_params:
        name = param.name
        if name not in new_by_name:
            index = old_pos.index(name) if name in old_pos else -1
            candidate = new_pos[index] if 0 <= index < len(new_pos) else None
            if candidate is not None and candidate not in old_names:
                renamed_to.add(candidate)
                yield K.make_change(K.PARAMETER_RENAMED, symbol, file, line,
                                    f"Parameter `{name}` of {symbol} was renamed to `{candidate}`.",
                                    old=name, new=candidate)
            else:
                yield K.make_change(K.PARAMETER_REMOVED, symbol, file, line,
                                    f"Parameter `{name}` of {symbol} was removed.", old=name)
            continue
        other = new_by_name[name]
        if param.kind != other.kind and (param.kind, other.kind) not in _COMPATIBLE_KINDS:
            yield K.make_change(K.PARAMETER_KIND_CHANGED, symbol, file, line,
                                f"Parameter `{name}` of {symbol} changed from {param.kind.value} to "
                                f"{other.kind.value}.",
                                old=param.kind.value, new=other.kind.value)
        elif name in old_pos and name in new_pos and old_pos.index(name) != new_pos.index(name):
            yield K.make_change(K.PARAMETER_MOVED, symbol, file, line,
                                f"Parameter `{name}` of {symbol} moved from position {old_pos.index(name) + 1} to "
                                f"{new_pos.index(name) + 1}.",
                                old=str(old_pos.index(name) + 1), new=str(new_pos.index(name) + 1))
        if param.kind in _VARIADIC:
            continue
        if param.default is not None and other.default is None:
            yield K.make_change(K.PARAMETER_REQUIRED, symbol, file, line,
                                f"Parameter `{name}` of {symbol} lost its default `{param.default}` and is now "
                                "required.",
                                old=str(param.default))
        elif param.default is not None and _norm_default(param.default) != _norm_default(other.default):
            yield K.make_change(K.DEFAULT_CHANGED, symbol, file, line,
                                f"The default of parameter `{name}` of {symbol} changed from `{param.default}` to "
                                f"`{other.default}`.", old=str(param.default), new=str(other.default))
    for other in new_params:
        if other.name in old_names or other.name in renamed_to:
            continue
        if other.kind not in _VARIADIC and other.default is None:
            yield K.make_change(K.REQUIRED_PARAMETER_ADDED, symbol, file, line,
                                f"{symbol} gained a required parameter `{other.name}`.", new=other.name)
        else:
            yield K.make_change(K.PARAMETER_ADDED, symbol, file, line,
                                f"{symbol} gained an optional parameter `{other.name}`.", new=other.name)


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
    order: list[griffe.Class] = [cls]
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
                return False  # an ancestor that cannot be read: do not guess
            order.append(found)  # type: ignore[arg-type]
            queue.append((found, depth + 1))  # type: ignore[arg-type]
    first: dict[str, bool] = {}  # name -> whether its nearest definition is abstract
    for klass in order:
        for name, member in klass.members.items():
            if name in first or (not member.is_alias and member.labels == {"instance-attribute"}):
                continue  # `self.x = ...` in a method does not implement an abstract `x` for ABCMeta
            first[name] = _is_abstract_member(member)
    return any(first.values())


def _is_pydantic(rev: Revision, cls: griffe.Class) -> bool:
    return bool(_PYDANTIC_BASES & set(_ancestors(rev, cls)))


def _is_dataclass(cls: griffe.Class) -> bool:
    """A class decorated with `@dataclass` or `@dataclasses.dataclass(...)` (pydantic's are not included)."""
    return any(getattr(d.value, "canonical_path", None) == "dataclasses.dataclass" for d in cls.decorators)


def _is_abstract_member(member: griffe.Object | griffe.Alias) -> bool:
    return not member.is_alias and member.has_labels("abstractmethod")


def _public_members(cls: griffe.Class) -> dict[str, griffe.Object]:
    return {name: member for name, member in cls.members.items()
            if not member.is_alias and (not name.startswith("_") or name in _PUBLIC_DUNDERS)}


def _kind(obj: griffe.Object) -> str:
    if obj.is_attribute and obj.has_labels("property"):
        return "property"
    return obj.kind.value


def _is_field(member: griffe.Object) -> bool:
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
    """Yield a new-strategy change for each new public module under a configured strategy path."""
    for name in sorted(modules):
        if name in base.files or name not in head.files or not policy.module_visible(name):
            continue
        if matches(name, policy.config.strategy_paths):
            yield K.make_change(K.NEW_STRATEGY_MODULE, name, head.files[name], None,
                                f"New module {name} under a strategy path: a new distributed strategy.")
