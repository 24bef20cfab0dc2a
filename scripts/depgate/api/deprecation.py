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
    """Answer "is this object deprecated?" at one revision, parsing each module file once.

    Args:
        rev: The revision the objects come from.
    """

    def __init__(self, rev: Revision):
        self.rev = rev
        self._trees: dict[str, ast.Module | None] = {}

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
        file = str(filepath) if not isinstance(filepath, list) else ""
        tree = self._tree(file)
        if tree is None:
            return None
        imports = _imports(tree.body)
        if obj.is_module:
            return _in_body(file, tree.body, imports, module=True)
        node = _node(tree, obj.path[len(obj.module.path) + 1:].split("."))
        if node is None:
            return None
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if _dotted(target, imports) in DECORATORS:
                return Deprecation(DECORATOR, file, decorator.lineno)
        found = _in_body(file, node.body, imports)
        if found is None and isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and member.name in ("__init__",
                                                                                                    "__new__"):
                    found = _in_body(file, member.body, imports) or found
        return found

    def _tree(self, file: str) -> ast.Module | None:
        if file not in self._trees:
            data = self.rev.text(file) if file else None
            self._trees[file] = self.rev.blobs.sources.tree(data) if data is not None else None
        return self._trees[file]


def _node(tree: ast.Module, names: list[str]) -> ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | None:
    """The definition at a dotted path inside a module (the last binding wins, as at import time)."""
    body: list[ast.stmt] = tree.body
    found = None
    for name in names:
        found = None
        for node in _statements(body):
            if isinstance(node, _DEFS) and node.name == name:
                found = node
        if found is None:
            return None
        body = found.body
    return found


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
    if tree is None:
        return found
    for node in tree.body:  # the last top-level binding wins, as at import time
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
    if found.node is None:
        return False
    mentions = warns = False
    for node in ast.walk(found.node):
        if isinstance(node, ast.Constant) and node.value == name:
            mentions = True
        elif (isinstance(node, ast.Call) and _last(node.func) == "warn"
              and any(is_deprecation_category(_last(arg))
                      for arg in [*node.args, *(k.value for k in node.keywords if k.arg == "category")])):
            warns = True
    return mentions and warns


def _last(node: ast.expr) -> str | None:
    """The last name of `warn`, `warnings.warn` or `warnings.DeprecationWarning`."""
    return getattr(node, "attr", None) or getattr(node, "id", None)
