"""The public API as a file: one Markdown contract per analysed package (DEP-0004).

`contracts()` reads one revision (a commit, or `depgate.git.WORKTREE`) with the same layout, policy and surface
reader as `depgate check` (`depgate.api.surface`), over every module of the packages, and renders each package's
public surface as text that is stable byte for byte and readable in a diff: one entry per public path, sorted,
members indented under their class. Nothing is imported or run.

An object deprecated at that revision (`depgate.api.deprecation`) ends its first line with a
`[deprecated: <how>]` tag, and one in the experimental tier (`api.experimental`) with `[experimental]`.
`deprecated()` lists the same deprecated objects, with the file and line of each mark.

What cannot be read fails closed: a module file that does not parse and that the public surface needs is a
`ContractError` (A901, with its path and line), never a shorter file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.api import kinds
from depgate.diagnostics import Diagnostic, Location
from depgate.errors import DepgateError

if TYPE_CHECKING:
    import griffe

    from depgate.api.deprecation import Deprecation, Deprecations
    from depgate.api.layout import Duplicate, Layout
    from depgate.api.snapshot import Revision
    from depgate.api.source import ParseProblem
    from depgate.api.surface import Entry, Policy, SurfaceReader
    from depgate.config import ApiConfig
    from depgate.git import Git

__all__ = ["Contract", "ContractError", "Deprecated", "contract_path", "contracts", "deprecated"]

#: File name of a package's contract inside the contract folder.
FILE_SUFFIX = ".api.md"
#: Values (defaults, constants, unions) longer than this are cut and end with a digest of the whole value, so a
#: large literal stays one line and a change anywhere in it still shows in the diff.
MAX_VALUE = 400
#: A signature longer than this is written one parameter per line.
WIDTH = 120
#: How deep nested classes are listed under their class.
MAX_NESTING = 4
_DATACLASS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass"})
_SPACES = re.compile(r"\s+")
_BACKTICKS = re.compile(r"`+")


class ContractError(DepgateError):
    """The contract cannot be written: a file the public surface needs cannot be analysed.

    Attributes:
        problems: The A901 findings, each with its file and line.
    """

    def __init__(self, problems: list[Diagnostic]):
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first.message}{more}; the API contract is not written from a partial surface",
                         path=first.location.path, line=first.location.line,
                         hint="fix the file so Python can parse it, or exclude its module with `api.exclude`")


@dataclass(frozen=True)
class Contract:
    """The contract of one package at one revision.

    Attributes:
        package: The top-level package name.
        text: The file's whole text (ends with one newline).
        warnings: What was met but does not stop the contract (a file no public name needs that does not parse,
            a name listed in `__all__` that cannot be found, an `__all__` that is not a literal).
    """

    package: str
    text: str
    warnings: tuple[Diagnostic, ...] = ()


def contract_path(folder: str, package: str) -> str:
    """The repository-relative path of a package's contract (`api/d9d.api.md`)."""
    folder = folder.strip("/")
    return f"{folder}/{package}{FILE_SUFFIX}" if folder else f"{package}{FILE_SUFFIX}"


@dataclass(frozen=True)
class Deprecated:
    """A public object deprecated at a revision, as its contract tags it.

    Attributes:
        path: The public dotted path (`pkg.Engine.old` for a member).
        mark: How and where it was found deprecated (`via` names the enclosing class or module whose mark covers it).
    """

    path: str
    mark: Deprecation

    def details(self) -> dict[str, object]:
        """The object as plain data (the JSON of `depgate api --deprecated`)."""
        return {"path": self.path, "how": self.mark.how, "via": self.mark.via, "file": self.mark.path,
                "line": self.mark.line}


def contracts(git: Git, rev: str, config: ApiConfig) -> list[Contract]:
    """Render the contract of every analysed package at one revision, sorted by package.

    Args:
        git: The repository.
        rev: A commit id, or `depgate.git.WORKTREE` for the files on disk.
        config: The `[api]` configuration (the same one `depgate check` uses).

    Returns:
        One contract per top-level package found under the source roots.

    Raises:
        ContractError: a file that a public name or a public module depends on cannot be analysed.
    """
    from depgate.api import contract_cache

    surface = _Surface(git, rev, config)
    kept_at = contract_cache.cache_path(git.git_dir())
    key = contract_cache.tree_key(surface.revision, config, surface.duplicates) if kept_at is not None else ""
    kept = contract_cache.load(kept_at, key)
    if kept is not None:
        return kept
    found = surface.render()[0]
    contract_cache.save(kept_at, key, found)
    return found


def deprecated(git: Git, rev: str, config: ApiConfig) -> tuple[list[Deprecated], list[Diagnostic]]:
    """List the public objects deprecated at one revision: those the contract tags `[deprecated: ...]`.

    The contract cache holds text only, so the surface is read again (module summaries still come from the
    summary cache). A member of a deprecated class is covered by its class and not listed.

    Returns:
        The deprecated objects sorted by public path, and the warnings the contracts would carry.

    Raises:
        ContractError: as `contracts`, since a partial surface would give a partial list.
    """
    found, marked = _Surface(git, rev, config).render()
    return marked, [w for contract in found for w in contract.warnings]


class _Surface:
    """The public surface of one revision, read as `depgate check` reads it, ready to render."""

    def __init__(self, git: Git, rev: str, config: ApiConfig):
        # NOTE: imported here, as in `depgate.api.analyze`, so `depgate --help` does not pay for griffe.
        from depgate.api import layout as L
        from depgate.api.cache import open_cache
        from depgate.api.deprecation import Deprecations
        from depgate.api.snapshot import BlobStore, Revision
        from depgate.api.source import Sources
        from depgate.api.surface import Policy

        self.config = config
        self.policy = Policy(config)
        self.layout: Layout
        self.layout, self.duplicates = L.choose(L.find_packages(git, rev, config, self.policy), None)
        self.cache = open_cache(git.git_dir())
        self.revision = Revision(git, rev, self.layout, BlobStore(git, Sources(self.cache.entries, self.cache.used,
                                                                                 self.cache.shapes)))
        # Registered before the surface is read: the marks are taken from each tree griffe visits, not parsed again.
        self.marks = Deprecations(self.revision, early=True)

    def render(self) -> tuple[list[Contract], list[Deprecated]]:
        """The contract of each package, and the deprecated objects they tag.

        Raises:
            ContractError: a file the surface needs cannot be analysed.
        """
        from depgate.api.surface import Closure, SurfaceReader, Unknown

        revision, policy = self.revision, self.policy
        modules = {name for name in revision.files if not policy.excluded(name)}
        # Every module counts as changed: the surface reader then resolves every public name, as `check` does for
        # the names a change reaches. The same revision on both sides is read once.
        revs = (revision, revision)
        reader = SurfaceReader(policy, revs, Closure(revs, modules), modules)
        entries = reader.read()[1]
        problems = _unread_problems(revision, modules)
        self.cache.save()
        errors, warnings = _problems(revision, {**problems, **revision.problems}, policy, reader, entries, Unknown)
        warnings += [_duplicate(d) for d in self.duplicates]
        if errors:
            raise ContractError(sorted(errors, key=lambda d: d.sort_key))
        writer = _Writer(revision, policy, self.config.experimental, self.marks)
        found = []
        for package in sorted(self.layout.roots):
            lines = [writer.entry(entry) for path, entry in sorted(entries.items())
                     if _in_package(path, package) and not isinstance(entry, Unknown)]
            lines += [f"unresolved {path}" for path in sorted(reader.gone) if _in_package(path, package)]
            mine = tuple(sorted((w for w in warnings if _warning_in(w, self.layout.roots.get(package, ""), package)),
                                key=lambda d: d.sort_key))
            found.append(Contract(package, _document(package, lines), mine))
        return found, sorted(writer.deprecated, key=lambda d: d.path)


def _in_package(path: str, package: str) -> bool:
    return path == package or path.startswith(f"{package}.")


def _warning_in(diagnostic: Diagnostic, prefix: str, package: str) -> bool:
    return diagnostic.location.path.startswith(f"{prefix}{package}/")


def _unread_problems(rev: Revision, modules: set[str]) -> dict[str, ParseProblem]:
    """Why module files the surface did not need cannot be analysed, so none is left out unsaid.

    Only parsed (the answer is kept by content, on disk too), not visited: no public name depends on them.
    """
    from depgate.api.source import ParseProblem

    paths = sorted(rev.files[name] for name in modules)
    rev.prefetch([p for p in paths if p not in rev.links])
    found: dict[str, ParseProblem] = {}
    for path in paths:
        data = None if path in rev.links else rev.text(path)
        if path in rev.links:
            found[path] = ParseProblem(path, None, "the file is a symbolic link; depgate never follows links")
        elif data is None:
            found[path] = ParseProblem(path, None, "the file cannot be read at this revision")
        elif isinstance(problem := rev.blobs.sources.check(path, data), ParseProblem):
            found[path] = problem
    return found


def _problems(rev: Revision, problems: dict[str, ParseProblem], policy: Policy, reader: SurfaceReader,
              entries: dict, unknown: type) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Split what was met into errors (A901: the surface needs it) and warnings (A905, A902, A903)."""
    errors: list[Diagnostic] = []
    warnings: list[Diagnostic] = []
    for problem in problems.values():
        name = rev.layout.module_name(problem.path)
        matters = problem.path in rev.depended or (name is not None and policy.public_module(rev, name))
        rule = kinds.UNPARSABLE if matters else kinds.UNPARSABLE_UNUSED
        (errors if matters else warnings).append(rule.diagnostic(problem.message, Location(problem.path, problem.line)))
    for path, entry in entries.items():
        if isinstance(entry, unknown) and not errors:
            # NOTE: an unknown entry always comes from a broken module, reported above; this is a guard only.
            errors.append(kinds.UNPARSABLE.diagnostic(f"the contents of {path} cannot be determined statically",
                                                      Location(path.replace(".", "/"), None)))
    seen = set()
    for note in reader.notes:
        if (note.code, note.path, note.message) in seen:
            continue
        seen.add((note.code, note.path, note.message))
        rule = kinds.UNRESOLVED if note.code == "A902" else kinds.DYNAMIC_ALL
        warnings.append(rule.diagnostic(note.message, Location(note.path, note.line)))
    return errors, warnings


def _duplicate(dup: Duplicate) -> Diagnostic:
    others = ", ".join(f"`{o}/`" for o in dup.others)
    return kinds.DUPLICATE_PACKAGE.diagnostic(
        f"package `{dup.package}` is found in more than one place: `{dup.chosen}/` is written and {others} is not",
        Location(f"{dup.others[0]}/__init__.py", None))


def _document(package: str, lines: list[str]) -> str:
    head = [
        f"# Public API of `{package}`",
        "",
        "<!-- Generated by `depgate api --write` from the source, statically; do not edit by hand. -->",
        "<!-- `depgate api --check` fails when this file is stale. Format: DEP-0004, docs/api-file.md. -->",
        "",
    ]
    body = "\n\n".join(lines)
    # A fence longer than any run of backticks in a value (a string default can hold some), so the source
    # cannot end the block and put its own Markdown in the rendered file.
    fence = "`" * max(3, 1 + max((len(run) for run in _BACKTICKS.findall(body)), default=0))
    return "\n".join([*head, fence + "text"]) + "\n" + (body + "\n" if body else "") + fence + "\n"


# -- rendering ----------------------------------------------------------------------------------------


def _flat(value: object) -> str:
    """An expression as one line, whitespace collapsed; past `MAX_VALUE` characters, cut and followed by a digest."""
    text = _SPACES.sub(" ", str(value)).strip()
    if len(text) <= MAX_VALUE:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{text[:MAX_VALUE]}... <{len(text)} characters, sha256 {digest}>"


def _canonical(expr: object) -> str:
    """A base or decorator as its canonical dotted path, with any subscript or call kept as written."""
    left = getattr(expr, "left", None) if type(expr).__name__ in ("ExprSubscript", "ExprCall") else None
    if type(expr).__name__ == "ExprCall":
        left = getattr(expr, "function", None)
    head = left if left is not None else expr
    path = getattr(head, "canonical_path", None)
    if not path:
        return _flat(expr)
    rest = str(expr)[len(str(head)):] if left is not None else ""
    return _flat(f"{path}{rest}")


class _Writer:
    """Render surface entries as contract lines, tagging deprecated and experimental objects.

    Attributes:
        deprecated: Every object tagged `[deprecated: ...]` so far.
    """

    def __init__(self, rev: Revision, policy: Policy, experimental: list[str], marks: Deprecations):
        self.rev = rev
        self.policy = policy
        self.experimental = experimental
        self.marks = marks
        self.deprecated: list[Deprecated] = []

    def entry(self, entry: Entry) -> str:
        """One public path: a line, or a class line followed by its indented members."""
        obj = entry.obj
        if entry.kind == "external" or obj is None:
            return f"external {entry.path} = {entry.canonical}"
        tags = self._tags(entry.path, self._deprecation(entry.path, obj), outer=False)
        if obj.name == "__getattr__" and not entry.path.endswith(".__getattr__"):
            # Served by the module's `__getattr__`: what it returns is not known statically, only that it exists.
            return _tagged(f"attribute {entry.path}", tags)
        if obj.is_module:
            return _tagged(f"module {entry.path}", tags)
        if obj.is_class:
            return "\n".join(self._class(entry.path, entry.path, obj, 0, tags))  # type: ignore[arg-type]
        if obj.is_function:
            return _tagged(_function(entry.path, obj, ""), tags)  # type: ignore[arg-type]
        if entry.kind == "type alias":
            return _tagged(f"type {entry.path} = {_flat(obj.value)}", tags)  # type: ignore[attr-defined]
        return _tagged(_attribute("attribute", entry.path, obj), tags)

    def _class(self, name: str, path: str, cls: griffe.Class, depth: int, tags: list[str], *,
               covered: tuple[bool, bool] = (False, False)) -> list[str]:
        """A class line and its members; `covered` says whether an enclosing class is (deprecated, experimental)."""
        from depgate.api.diff import is_dataclass, is_field, is_pydantic

        pad = "    " * depth
        bases = ", ".join(_canonical(b) for b in cls.bases)
        lines = [_tagged(f"{pad}{_decorators(cls)}class {name}" + (f"({bases})" if bases else ""), tags)]
        fielded = is_dataclass(cls) or is_pydantic(self.rev, cls)
        # A class's tags cover its members, which carry a tag only for what the class's do not say.
        deprecated = covered[0] or any(t.startswith("[deprecated") for t in tags)
        experimental = covered[1] or "[experimental]" in tags
        for member_name, member in sorted(self._members(cls).items()):
            inner = "    " * (depth + 1)
            at = f"{path}.{member_name}"
            own = None if deprecated or member.is_alias else self.marks.own(member)
            mine = self._tags(at, own, outer=experimental)
            if member.is_class:
                if depth + 1 < MAX_NESTING:
                    lines += self._class(member_name, at, member, depth + 1, mine,  # type: ignore[arg-type]
                                         covered=(deprecated, experimental))
                else:
                    lines.append(_tagged(f"{inner}class {member_name}", mine))
            elif member.is_function:
                lines.append(_tagged(_function(member_name, member, inner), mine))  # type: ignore[arg-type]
            elif member.has_labels("property"):
                lines.append(_tagged(inner + _property(member_name, member), mine))
            else:
                what = "field" if fielded and is_field(member) else "attribute"
                lines.append(_tagged(inner + _attribute(what, member_name, member), mine))
        return lines

    def _deprecation(self, path: str, obj: griffe.Object) -> Deprecation | None:
        """A public path's deprecation: its object's or an enclosing one's, or its module's `__getattr__` shim."""
        name = path.rpartition(".")[2]
        if obj.name == "__getattr__" and name != "__getattr__":  # as in `entry`
            # A name only the module's `__getattr__` serves (`depgate.api.surface` lists it so).
            return self.marks.at(str(obj.filepath), name)
        return self.marks.find(obj)

    def _tags(self, path: str, mark: Deprecation | None, *, outer: bool) -> list[str]:
        """The tags of one public path; `outer` when an enclosing class is already in the experimental tier."""
        from depgate.api.diff import _under

        tags = []
        if mark is not None:
            self.deprecated.append(Deprecated(path, mark))
            tags.append(f"[deprecated: {mark.how}]")
        if not outer and self.experimental and _under(path, self.experimental):
            tags.append("[experimental]")
        return tags

    def _members(self, cls: griffe.Class) -> dict[str, griffe.Object]:
        """A class's public members and those it inherits from private bases (what `check` compares)."""
        from depgate.api.diff import public_members, resolved_ancestors

        members = public_members(cls)
        for ancestor in resolved_ancestors(self.rev, cls, partial=True) or []:
            if ancestor.name.startswith("_") or not self.policy.module_visible(ancestor.module.path):
                for name, member in public_members(ancestor).items():
                    members.setdefault(name, member)  # the nearest definition wins, as in Python's lookup
        return members


def _tagged(text: str, tags: list[str]) -> str:
    """Tags at the end of an entry's first line, after two spaces (a flattened value never holds two in a row)."""
    if not tags:
        return text
    first, newline, rest = text.partition("\n")
    return f"{first}  {' '.join(tags)}{newline}{rest}"


def _decorators(obj: griffe.Object) -> str:
    """The decorators that change a contract, as a prefix (`@classmethod @abstractmethod `).

    A deprecation decorator is not one of them: the `[deprecated: decorator]` tag says it, as for every other form.
    """
    marks = []
    for label in ("classmethod", "staticmethod", "abstractmethod"):
        if obj.has_labels(label):
            marks.append(f"@{label}")
    for decorator in getattr(obj, "decorators", ()):
        value = decorator.value
        function = getattr(value, "function", value)
        path = getattr(function, "canonical_path", None) or str(function)
        if path in _DATACLASS:
            marks.append("@dataclass" + _canonical(value)[len(path):])  # `(frozen=True)` is part of the contract
    return "".join(f"{mark} " for mark in marks)


def _function(name: str, func: griffe.Function, pad: str, *, overload: bool = False) -> str:
    """A signature on one line, or one parameter per line when that line would pass `WIDTH` characters.

    One parameter per line (with a trailing comma) makes an added or changed parameter one line of the diff.
    """
    from griffe import ParameterKind

    parts: list[str] = []
    previous = None
    for param in func.parameters:
        kind = param.kind
        if previous == ParameterKind.positional_only and kind != ParameterKind.positional_only:
            parts.append("/")
        if kind == ParameterKind.keyword_only and previous not in (ParameterKind.keyword_only,
                                                                   ParameterKind.var_positional):
            parts.append("*")
        text = {ParameterKind.var_positional: "*", ParameterKind.var_keyword: "**"}.get(kind, "") + param.name
        if param.annotation is not None:
            text += f": {_flat(param.annotation)}"
        if param.default is not None and kind not in (ParameterKind.var_positional, ParameterKind.var_keyword):
            text += f" = {_flat(param.default)}" if param.annotation is not None else f"={_flat(param.default)}"
        parts.append(text)
        previous = kind
    if previous == ParameterKind.positional_only:
        parts.append("/")
    returns = f" -> {_flat(func.returns)}" if func.returns is not None else ""
    keyword = "async def" if func.has_labels("async") else "def"
    # The typed `@overload` variants are what callers see; each comes before the implementation, in source order.
    variants = [_function(name, o, pad, overload=True) for o in getattr(func, "overloads", None) or ()]
    head = f"{pad}{'@overload ' if overload else ''}{_decorators(func)}{keyword} {name}("
    line = f"{head}{', '.join(parts)}){returns}"
    if len(line) > WIDTH and parts:
        line = "\n".join([head, *(f"{pad}        {part}," for part in parts), f"{pad}    ){returns}"])
    return "\n".join([*variants, line])


def _property(name: str, member: griffe.Object) -> str:
    kind = "cached_property" if member.has_labels("cached") else "property"
    annotation = getattr(member, "annotation", None)
    flags = " (writable)" if member.has_labels("writable") else ""
    abstract = "@abstractmethod " if member.has_labels("abstractmethod") else ""
    typed = f": {_flat(annotation)}" if annotation is not None else ""
    return f"{abstract}@{kind} {name}{typed}{flags}"


def _attribute(what: str, name: str, member: griffe.Object) -> str:
    annotation = getattr(member, "annotation", None)
    value = getattr(member, "value", None)
    text = f"{what} {name}"
    if annotation is not None:
        text += f": {_flat(annotation)}"
    # NOTE: `self.x = size` in a method: the value is a local of that method, not a default anyone can rely on.
    if value is not None and not (member.has_labels("instance-attribute") and not member.has_labels("class-attribute")):
        text += f" = {_flat(value)}"
    return text
