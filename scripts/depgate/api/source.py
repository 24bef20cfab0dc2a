"""Read a module file's source the way CPython would, within bounds, without running it.

Every reader of Python source in `depgate.api` goes through `Sources` (`check`, `parsed`, `tree`), so the syntax
check, the formatting-only test and the import scan all see the same text CPython would compile:

- the PEP 263 coding line is honoured: a file declaring another encoding is decoded with it when the codec is a
  plain character map (`latin-1`, `cp1252`, ...). A codec that rewrites the text (`unicode_escape`, `rot13`,
  `idna`, ...) can turn a line that looks like a comment into code, so such a file is refused (and refusing it fails
  closed where it matters; see `depgate.api.surface`);
- the work is bounded before the parser runs: the file size and a count of statement separators cap it, so a
  hostile million-statement file costs a byte count, not gigabytes of syntax tree;
- results are kept by content, so identical files (two revisions of an unchanged module, or an attacker's copies)
  are decoded and parsed once per run.
"""

from __future__ import annotations

import ast
import codecs
import hashlib
import io
import os
import re
import tokenize
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

#: Files larger than this are not analysed (reported as a problem instead); generated code is never API.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Upper bound of statements in a file, counted as newlines plus semicolons before parsing: a syntax tree of a
#: million statements costs gigabytes, and the count is a cheap upper bound of what the parser would build.
MAX_SEPARATORS = 60_000
#: Statements in one module or class body beyond which a file is not handed to griffe: its visitor looks
#: for each assignment's docstring among all following siblings, so its cost grows with the square of this.
MAX_BODY_STATEMENTS = 2000
#: Source encodings decoded as declared: codecs that map bytes to characters one for one and never rewrite text.
SAFE_ENCODINGS = frozenset({"utf-8", "utf-8-sig", "ascii", "latin-1", "iso8859-1", "iso8859-15", "cp1252"})
#: File name given to the compiler: on a syntax error CPython reopens the named file to quote the line,
#: and the repository path would be opened relative to the working directory, outside the repository.
COMPILE_NAME = os.devnull


#: A PEP 263 coding line (only its presence matters here: `tokenize` reads it).
_COOKIE = re.compile(rb"^[ \t\f]*#[^\n]*?coding[:=]", re.MULTILINE)


@dataclass(frozen=True)
class ParseProblem:
    """A module file that could not be analysed at a revision."""

    path: str
    line: int | None
    message: str


@dataclass(frozen=True)
class Parsed:
    """What one file's content yields: its static imports and module-level bindings, or why it cannot be analysed.

    Plain data (kept on disk by `depgate.api.cache`); the text itself is decoded again when griffe needs it.

    Attributes:
        problem: `(line, message)` when the file cannot be analysed.
        imports: Every import statement that runs with the module or a class body, as `(level, module, name)`:
            `from ..a import b` is `(2, "a", "b")`, `import a.b` is `(0, "a.b", "")`, a star import has the name `*`.
        bindings: How each module-level name is bound (`Binding`).
    """

    problem: tuple[int | None, str] | None = None
    imports: tuple[tuple[int, str, str], ...] = ()
    bindings: dict[str, Binding] = field(default_factory=dict)


class Sources:
    """Decode and parse module files once per content (two revisions share their unchanged files).

    Syntax trees are not kept (they cost far more memory than the text, and slow every garbage collection); what
    the analysis needs of them is, by content digest, in `known` (which `depgate.api.cache` fills from, and saves
    to, disk). A reader that needs more of each tree than `Parsed` (the deprecation marks) registers in `readers`:
    with one registered, each content is parsed once, and the tree goes on to griffe (`handed`) before it is let go.
    """

    def __init__(self, known: dict[bytes, Parsed] | None = None, used: set[bytes] | None = None,
                 shapes: dict[bytes, bool] | None = None) -> None:
        #: What each content yields, by `digest`.
        self.known: dict[bytes, Parsed] = known if known is not None else {}
        #: The digests this run asked for.
        self.used: set[bytes] = used if used is not None else set()
        #: Whether two contents have the same shape (`snapshot.same_shape`), by their digests end to end.
        self.shapes: dict[bytes, bool] = shapes if shapes is not None else {}
        #: Called with the digest and the syntax tree of each content parsed (`Deprecations` reads its marks).
        self.readers: list[Callable[[bytes, ast.Module], None]] = []
        #: The latest tree parsed while a reader is registered, until `handed` gives it away.
        self._last: tuple[bytes, ast.Module] | None = None

    def parsed(self, data: bytes) -> Parsed:
        """Return what a file's content yields, parsing it on first use."""
        key = digest(data)
        self.used.add(key)
        found = self.known.get(key)
        if found is None and not self.readers:
            found = self.known[key] = _parse(data)
        elif found is None:
            found, module = _parse_tree(data)
            self.known[key] = found
            self._read(key, module)
        return found

    def handed(self, data: bytes) -> ast.Module | None:
        """With a reader registered, the syntax tree of a content `check` accepted, parsed once for all; else None.

        The tree is given away: the caller (griffe's visitor) may change it.
        """
        if not self.readers:
            return None
        key = digest(data)
        if self._last is None or self._last[0] != key:
            self.tree(data)
        last, self._last = self._last, None
        return last[1] if last is not None and last[0] == key else None

    def _read(self, key: bytes, module: ast.Module | None) -> None:
        if module is None or not self.readers:
            return
        for reader in self.readers:
            reader(key, module)
        self._last = (key, module)

    def check(self, path: str, data: bytes) -> str | ParseProblem:
        """Return the text of a file that can be analysed, or why it cannot."""
        found = self.parsed(data)
        text = _decode(data) if found.problem is None else found.problem
        if isinstance(text, str):
            return text
        return ParseProblem(path, text[0], text[1])

    def tree(self, data: bytes) -> ast.Module | None:
        """Parse a file for comparison, or None when it cannot be analysed.

        The tree is not kept (trees cost far more memory than text), but what the analysis needs of it is, so a
        file compared here is not parsed again when its imports are read.
        """
        key = digest(data)
        self.used.add(key)
        known = self.known.get(key)
        if known is not None and known.problem is not None:
            return None
        parsed, module = _parse_tree(data, known)
        if known is None:
            self.known[key] = parsed
        self._read(key, module)
        return module


def digest(data: bytes) -> bytes:
    """The key of a file's content (two revisions, or two paths, holding the same bytes share it)."""
    return hashlib.blake2b(data, digest_size=20).digest()


def _decode(data: bytes) -> str | tuple[int | None, str]:
    if len(data) > MAX_FILE_BYTES:
        return None, f"the file is larger than {MAX_FILE_BYTES // 1024} KiB"
    if data.count(b"\n") + data.count(b";") > MAX_SEPARATORS:
        return None, f"the file holds more than {MAX_SEPARATORS:,} lines and statements"
    try:
        declared, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # an unknown codec, a cookie that contradicts a BOM, or no cookie and not UTF-8
        if not _COOKIE.search(data[:1024]):
            return None, "the file is not valid UTF-8 and declares no other encoding; save it as UTF-8"
        return getattr(exc, "lineno", None) or 1, f"the file's encoding declaration is not usable: {exc.msg}"
    name = codecs.lookup(declared).name
    if name not in SAFE_ENCODINGS:
        return 1, (f"the file declares the source encoding {declared!r}, which rewrites the text before Python "
                   "reads it; depgate analyses files in UTF-8 or a plain 8-bit encoding only")
    try:
        return data.decode("utf-8-sig" if name == "utf-8" else name)
    except UnicodeDecodeError as exc:
        encoding = "UTF-8" if name == "utf-8" else declared
        return None, f"the file is not valid {encoding}; save it as UTF-8 ({exc.reason} at byte {exc.start})"


def _parse(data: bytes) -> Parsed:
    return _parse_tree(data)[0]


def _parse_tree(data: bytes, known: Parsed | None = None) -> tuple[Parsed, ast.Module | None]:
    """Decode and parse a file: what it yields (`known` when given), and its syntax tree when it has one."""
    text = _decode(data)
    if not isinstance(text, str):
        return Parsed(text), None
    module = _compile(text)
    if not isinstance(module, ast.Module):
        return Parsed(module), None
    return known or summarize(module), module


def _compile(text: str) -> ast.Module | tuple[int | None, str]:
    try:
        return compile(text, COMPILE_NAME, "exec", ast.PyCF_ONLY_AST | ast.PyCF_TYPE_COMMENTS, dont_inherit=True)
    except SyntaxError as exc:
        return exc.lineno, f"the file does not parse: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, f"the file does not parse: {_why(exc)}"


#: Statements whose bodies run when the module (or class) body runs; function bodies do not.
_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, *(
    (ast.TryStar,) if hasattr(ast, "TryStar") else ()))


@dataclass(frozen=True)
class Binding:
    """How a module-level name is bound.

    Attributes:
        kind: `def` (a function, or a class without bases), `assign`, `class` (a class with bases or keywords:
            what it inherits can change elsewhere), `import`, or `dynamic` (bound by a statement depgate does not
            follow, or imported from two places: a `try`/`except` fallback).
        source: For an import, `(level, module, name)` as in `Parsed.imports` (`name` is empty for `import a.b`).
        uses: The names the binding reads (a class's bases and keywords, an assignment's value).
    """

    kind: str
    source: tuple[int, str, str] | None = None
    uses: frozenset[str] = frozenset()


#: How much a binding can hide, from least to most: a name bound several ways counts as the most.
_RANK = {"def": 0, "assign": 1, "class": 2, "import": 3, "dynamic": 4}


def _names_in(*nodes: ast.AST | None) -> frozenset[str]:
    return frozenset(n.id for node in nodes if node is not None for n in ast.walk(node) if isinstance(n, ast.Name))


def summarize(module: ast.Module) -> Parsed:
    """Collect what the analysis needs of a parsed module: its imports and top-level bindings, and its limits.

    Only statements that run with the module or a class body are read (an import inside a function re-exports
    nothing), so the walk skips function bodies, which hold most of a file's nodes.
    """
    imports: list[tuple[int, str, str]] = []
    bindings: dict[str, Binding] = {}
    stack: list[tuple[list[ast.stmt], bool, ast.AST]] = [(module.body, True, module)]
    while stack:
        body, top, owner = stack.pop()
        if isinstance(owner, (ast.Module, ast.ClassDef)) and len(body) > MAX_BODY_STATEMENTS:
            where = "the module" if isinstance(owner, ast.Module) else f"class {owner.name}"
            return Parsed((getattr(owner, "lineno", None),
                                 f"{where} has {len(body)} statements in one body, more than the "
                                 f"{MAX_BODY_STATEMENTS} depgate analyses"))
        for node in body:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    imports.append((0, alias.name, ""))
                    if top:
                        local = alias.asname or alias.name.split(".", 1)[0]
                        _bind(bindings, local, Binding("import", (0, alias.name if alias.asname else local, "")))
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    imports.append((node.level, node.module or "", alias.name))
                    if top and alias.name != "*":
                        _bind(bindings, alias.asname or alias.name,
                              Binding("import", (node.level, node.module or "", alias.name)))
            elif isinstance(node, ast.ClassDef):
                if top:
                    uses = _names_in(*node.bases, *(k.value for k in node.keywords))
                    _bind(bindings, node.name, Binding("class" if uses else "def", uses=uses))
                stack.append((node.body, False, node))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if top:
                    _bind(bindings, node.name, Binding("def"))
            elif isinstance(node, _BLOCKS):
                for field_name in ("body", "orelse", "finalbody"):
                    stack.append((getattr(node, field_name, []), top, node))
                for handler in getattr(node, "handlers", []):
                    stack.append((handler.body, top, handler))
            elif top and isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                uses = _names_in(node.value)
                for name in _names_in(*targets):
                    _bind(bindings, name, Binding("assign", uses=uses))
            elif top and not isinstance(node, (ast.Expr, ast.Pass)):
                # `del`, `global`, `match`, ... : what they bind is not followed; a name they touch is dynamic.
                for name in _names_in(node):
                    _bind(bindings, name, Binding("dynamic"))
    return Parsed(None, tuple(imports), bindings)


def _bind(bindings: dict[str, Binding], name: str, how: Binding) -> None:
    old = bindings.get(name)
    if old is None or _RANK[how.kind] > _RANK[old.kind]:
        bindings[name] = how
    elif old.kind == how.kind == "import" and old.source != how.source:
        bindings[name] = Binding("dynamic")  # imported from two places (a try/except fallback): follow neither
    elif old.kind == how.kind:
        bindings[name] = Binding(old.kind, old.source, old.uses | how.uses)


def _why(exc: BaseException) -> str:
    """A parser failure in words, also when the exception carries no message (MemoryError)."""
    if isinstance(exc, (RecursionError, MemoryError)):
        return f"it is nested too deeply for the parser ({type(exc).__name__})"
    return str(exc) or type(exc).__name__
