"""Deprecation, recognised statically at one revision (issue #10): was a public object deprecated before it broke?

The forms recognised, each read from the module's syntax tree (nothing is imported or run):

- `decorator`: PEP 702 `@deprecated(...)` from `warnings` or `typing_extensions` (and the `deprecated` package),
  under any import alias.
- `warning`: an unconditional `warnings.warn(..., DeprecationWarning)` (or `FutureWarning`, or a class named
  `...DeprecationWarning`) among the first statements of the body, before any branch, loop or return. For a
  class, in its `__init__` or `__new__`; for a module, in its top-level code.
- `docstring`: a `.. deprecated::` directive in the docstring.
- `module-getattr`: the module's `__getattr__` (PEP 562) returns the name with a deprecation warning (A120).

`PendingDeprecationWarning` does not count: Python's default filters hide it, so users were never told.
An object inside a deprecated class or module is deprecated with it (`Deprecation.via`).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.api.snapshot import Broken

if TYPE_CHECKING:
    import griffe

    from depgate.api.snapshot import Revision

__all__ = ["Deprecation", "Deprecations", "deprecates", "is_deprecation_category", "module_getattr"]

DECORATOR, WARNING, DOCSTRING, MODULE_GETATTR = "decorator", "warning", "docstring", "module-getattr"
#: Canonical paths of deprecation decorators.
DECORATORS = frozenset({"warnings.deprecated", "typing_extensions.deprecated", "deprecated.deprecated",
                        "deprecated.classic.deprecated", "deprecated.sphinx.deprecated"})
#: Warning categories users see by default when they are raised from their own code.
CATEGORIES = frozenset({"DeprecationWarning", "FutureWarning"})
_WARN = frozenset({"warnings.warn", "warnings.warn_explicit"})
_DIRECTIVE = re.compile(r"^\s*\.\.\s+deprecated::", re.MULTILINE)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_NESTED = (ast.If, ast.Try)


@dataclass(frozen=True)
class Deprecation:
    """How and where an object was found deprecated.

    Attributes:
        how: `decorator`, `warning`, `docstring` or `module-getattr`.
        path: The repository file holding the mark.
        line: The line of the mark, when known.
        via: The dotted path of the enclosing class or module whose deprecation covers the object, if any.
    """

    how: str
    path: str
    line: int | None
    via: str | None = None

    def describe(self) -> str:
        """A short phrase: `decorator`, or `warning (via pkg.Old)`."""
        return f"{self.how} (via {self.via})" if self.via else self.how


class Deprecations:
    """Answer "is this object deprecated?" at one revision, reading each module file's marks once.

    The marks of every definition in a file are read from its syntax tree in one walk and kept by content (small),
    never the tree. Created `early`, it takes each tree as it is parsed for griffe (`Sources.readers`), so no file
    is parsed twice.

    Args:
        rev: The revision the objects come from.
        early: Created before the revision's modules are loaded: read the marks of each tree as it is parsed.
    """

    def __init__(self, rev: Revision, *, early: bool = False):
        self.rev = rev
        #: The marks of each content: dotted path inside the module (`""` for the module itself) -> its mark.
        self._by_content: dict[bytes, dict[str, Deprecation]] = {}
        self._by_file: dict[str, dict[str, Deprecation] | None] = {}
        if early:
            rev.blobs.sources.readers.append(self._read)

    def find(self, obj: griffe.Object) -> Deprecation | None:
        """The object's own deprecation, else that of an enclosing class or module; None when not deprecated."""
        current: griffe.Object | None = obj
        while current is not None:
            found = self.own(current)
            if found is not None:
                return found if current is obj else Deprecation(found.how, found.path, found.line, current.path)
            current = current.parent  # type: ignore[assignment]
        return None

    def own(self, obj: griffe.Object) -> Deprecation | None:
        """The deprecation marked on the object itself (not inherited from where it is defined)."""
        from griffe import BuiltinModuleError  # griffe is loaded already: the object came from it

        try:
            filepath = obj.filepath
        except BuiltinModuleError:  # a namespace package: no file of its own, so nothing to mark it
            return None
        if isinstance(filepath, list):
            return None
        return self.at(str(filepath), "" if obj.is_module else obj.path[len(obj.module.path) + 1:])

    def at(self, file: str, inner: str) -> Deprecation | None:
        """The mark of a dotted path inside a module file (`""` for the module, `name` served by its `__getattr__`).

        Args:
            file: The module's repository path.
            inner: The path inside the module (`Cls.method`).
        """
        marks = self._marks(file)
        found = marks.get(inner) if marks else None
        return Deprecation(found.how, file, found.line) if found is not None else None

    def _marks(self, file: str) -> dict[str, Deprecation] | None:
        if file not in self._by_file:
            from depgate.api.source import digest

            data = self.rev.text(file)
            key = digest(data) if data is not None else b""
            if data is not None and key not in self._by_content:
                tree = self.rev.blobs.sources.tree(data)  # a registered `_read` keeps the marks as it parses
                if key not in self._by_content:
                    self._by_content[key] = _marks(tree) if tree is not None else {}
            self._by_file[file] = self._by_content.get(key)
        return self._by_file[file]

    def _read(self, key: bytes, tree: ast.Module) -> None:
        """Keep the marks of one content's syntax tree (a `Sources` reader)."""
        self._by_content[key] = _marks(tree)


def _marks(tree: ast.Module) -> dict[str, Deprecation]:
    """Every deprecation marked in a module, by dotted path inside it (`""` for the module, `Cls.method`).

    The file of each mark is left empty: the same content can sit at several paths.
    """
    imports = _imports(tree.body)
    found: dict[str, Deprecation] = {}
    module = _in_body("", tree.body, imports, module=True)
    if module is not None:
        found[""] = module
    stack: list[tuple[str, list[ast.stmt]]] = [("", tree.body)]
    while stack:
        prefix, body = stack.pop()
        chains: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]] = {}
        for node in _statements(body):
            if isinstance(node, _DEFS):
                # The last binding wins, as at import time; a property's setter adds to its getter instead.
                chains[node.name] = [*chains.get(node.name, []), node] if _accessor(node) else [node]
        for name, chain in chains.items():
            mark = _own(chain, imports)
            if mark is not None:
                found[prefix + name] = mark
            if isinstance(chain[-1], ast.ClassDef):
                stack.append((f"{prefix}{name}.", chain[-1].body))
    # Names only the module's `__getattr__` serves, with a deprecation warning (a binding of the name wins over it).
    shim = _getattr_binding(tree.body, None)
    if shim is not None and shim.node is not None:
        bound = _bound(tree.body)
        for name in sorted(_served(shim.node) - bound):
            found[name] = Deprecation(MODULE_GETATTR, "", shim.line)
    return found


def _bound(body: list[ast.stmt]) -> set[str]:
    """The names a module's top-level statements bind (definitions, assignments, imports)."""
    names: set[str] = set()
    for node in _statements(body):
        if isinstance(node, _DEFS):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(a.asname or a.name.split(".")[0] for a in node.names)
    return names


def _own(chain: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef],
         imports: dict[str, str]) -> Deprecation | None:
    """The mark of one definition (with the getter and setters of a property): decorator, docstring or warning."""
    for decorator in (d for part in chain for d in part.decorator_list):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if _dotted(target, imports) in DECORATORS:
            return Deprecation(DECORATOR, "", decorator.lineno)
    found = next((f for part in chain if (f := _in_body("", part.body, imports)) is not None), None)
    node = chain[-1]
    if found is None and isinstance(node, ast.ClassDef):
        for member in node.body:
            if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and member.name in ("__init__", "__new__"):
                found = _in_body("", member.body, imports) or found
    return found


def _accessor(node: ast.stmt) -> bool:
    """Tell whether a definition adds to the property of its name (`@name.setter`, `@name.deleter`)."""
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        isinstance(d, ast.Attribute) and d.attr in ("setter", "deleter", "getter") and isinstance(d.value, ast.Name)
        and d.value.id == node.name for d in node.decorator_list)


def _statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """A body's statements, with those of top-level `if`/`try` blocks (a definition under `if sys.version...`)."""
    out: list[ast.stmt] = []
    for node in body:
        out.append(node)
        if isinstance(node, _NESTED):
            for block in (node.body, getattr(node, "orelse", []), *(h.body for h in getattr(node, "handlers", []))):
                out.extend(_statements(block))
    return out


def _imports(body: list[ast.stmt]) -> dict[str, str]:
    """Local name -> dotted path, from a body's imports (`import warnings as w`, `from warnings import warn`)."""
    names: dict[str, str] = {}
    for node in _statements(body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(
                    ".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


def _dotted(node: ast.expr, imports: dict[str, str]) -> str | None:
    """The dotted path an expression names, through the imports (`w.warn` -> `warnings.warn`)."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(imports.get(node.id, node.id))
    return ".".join(reversed(parts))


def is_deprecation_category(name: str | None) -> bool:
    """Tell whether a warning class, by its last name, is one users see as a deprecation.

    `DeprecationWarning`, `FutureWarning`, or a project's own `...DeprecationWarning` subclass (by name); never
    `PendingDeprecationWarning`, which Python hides by default.
    """
    if not name:
        return False
    last = name.rsplit(".", 1)[-1]
    return last in CATEGORIES or (last.endswith("DeprecationWarning") and last != "PendingDeprecationWarning")


def _warns(node: ast.stmt, imports: dict[str, str]) -> bool:
    """Tell whether a statement is a `warnings.warn(...)` call with a deprecation category."""
    if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
        return False
    call = node.value
    if _dotted(call.func, imports) not in _WARN:
        return False
    given = [*call.args[1:2], *(k.value for k in call.keywords if k.arg == "category")]
    return any(is_deprecation_category(_dotted(arg, imports)) for arg in given)


def _in_body(file: str, body: list[ast.stmt], imports: dict[str, str], *, module: bool = False) -> Deprecation | None:
    """A docstring directive, or an unconditional deprecation warning before the body's first branch or return."""
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(
            body[0].value.value, str) and _DIRECTIVE.search(body[0].value.value):
        return Deprecation(DOCSTRING, file, body[0].lineno)
    local = {**imports, **_imports([n for n in body if isinstance(n, (ast.Import, ast.ImportFrom))])}
    for node in body:
        if _warns(node, local):
            return Deprecation(WARNING, file, node.lineno)
        # NOTE: a module's definitions come before its code; anything else that can branch or leave ends the top.
        simple = isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom, ast.Pass))
        if not simple and not (module and isinstance(node, (*_DEFS, *_NESTED))):
            return None
    return None


# -- module `__getattr__` (PEP 562) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Getattr:
    """A module-level `__getattr__`: where it is, and its definition when it is a plain `def`."""

    line: int | None
    node: ast.FunctionDef | ast.AsyncFunctionDef | None


def module_getattr(rev: Revision, module: str) -> Getattr | None:
    """Find the `__getattr__` a module defines at a revision, read from its source; None without one.

    Any other binding of the name (an import, an assignment) is still a `__getattr__`, one depgate cannot read.
    """
    loaded = rev.module(module) if module in rev.files else None
    if loaded is None or isinstance(loaded, Broken) or "__getattr__" not in loaded.members:
        return None
    member = loaded.members["__getattr__"]
    found = Getattr(getattr(member, "alias_lineno", None) or member.lineno, None)
    # The module loaded, so its source decodes and parses; read it as CPython would (`depgate.api.source`).
    tree = rev.blobs.sources.tree(rev.text(rev.files[module]) or b"")
    return found if tree is None else _getattr_binding(tree.body, found)


def _getattr_binding(body: list[ast.stmt], found: Getattr | None) -> Getattr | None:
    """The last top-level binding of `__getattr__` in a module body (the one in force after import), else `found`."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__getattr__":
            found = Getattr(node.lineno, node)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.Import, ast.ImportFrom)) and "__getattr__" in {
                getattr(t, "id", None) or getattr(t, "asname", None) or getattr(t, "name", None)
                for t in (node.targets if isinstance(node, ast.Assign) else
                          [node.target] if isinstance(node, ast.AnnAssign) else node.names)}:
            found = Getattr(node.lineno, None)
    return found


def deprecates(found: Getattr, name: str) -> bool:
    """Tell whether a module `__getattr__` mentions a name as a string and warns with a deprecation category.

    Both must hold: the name as a string constant (`if name == "x"`, a dict key) says this branch handles it,
    and a deprecation category says it is kept only to warn. Anything else is not evaluated.
    """
    return found.node is not None and name in _served(found.node)


def _served(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """The string constants a `__getattr__` mentions, when it warns with a deprecation category (else none)."""
    mentioned: set[str] = set()
    warns = False
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            mentioned.add(child.value)
        elif (isinstance(child, ast.Call) and _last(child.func) == "warn"
              and any(is_deprecation_category(_last(arg))
                      for arg in [*child.args, *(k.value for k in child.keywords if k.arg == "category")])):
            warns = True
    return mentioned if warns else set()


def _last(node: ast.expr) -> str | None:
    """The last name of `warn`, `warnings.warn` or `warnings.DeprecationWarning`."""
    return getattr(node, "attr", None) or getattr(node, "id", None)
