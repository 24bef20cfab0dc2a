"""Load modules of one git revision into griffe objects, statically and lazily.

Nothing here imports or runs the analysed code: sources come from git objects (one `git cat-file --batch`
per batch, shared by both revisions) or from the work tree, every file is first decoded and parsed by
`depgate.api.source` (bounded, as CPython would read it) so a file that cannot be analysed is reported, and
griffe only *visits* the syntax tree (`griffe.visit`, the static agent; its inspector, which imports, is never used).

Modules are loaded on demand, parents first (as Python would): the surface reader loads the public modules
whose names can have changed and what they re-export, not every module of the project.

griffe is only used through `griffe.visit`: the extension loader, which imports modules named by the
user, and the loader's inspection fallback, which imports the analysed package, are never reached.
NOTE: griffe's dataclasses extension adds a synthesized `__init__` only when a whole package is loaded,
so visited dataclasses hold their fields and no `__init__`; `diff.py` compares dataclass fields itself.
"""

from __future__ import annotations

import ast
import posixpath
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import griffe

from depgate.api.layout import Layout
from depgate.api.source import ParseProblem, Sources, digest
from depgate.git import WORKTREE

if TYPE_CHECKING:
    from depgate.git import Git

#: How many aliases (re-exports) a name may traverse before resolution gives up (guards against cycles).
MAX_ALIAS_DEPTH = 24


class Broken:
    """Marker of a module that exists but could not be parsed (its names are unknown, not removed)."""

    def __init__(self, problem: ParseProblem):
        self.problem = problem


class Revision:
    """The analysed packages at one revision: file index, lazily loaded modules, name resolution.

    Args:
        git: The repository.
        rev: A commit id or `depgate.git.WORKTREE`.
        layout: Where the packages live.
    """

    def __init__(self, git: Git, rev: str, layout: Layout, blobs: BlobStore | None = None):
        self.git = git
        self.rev = rev
        self.layout = layout
        self.blobs = blobs if blobs is not None else BlobStore(git)
        #: dotted module name -> repository path of its file (`pkg/__init__.py` for packages).
        self.files: dict[str, str] = {}
        #: repository path -> blob id (empty for the work tree, whose files are read from disk).
        self.blob_ids: dict[str, str] = {}
        #: repository paths that are symbolic links (never followed; their modules are reported, not read).
        self.links: set[str] = set()
        folders = layout.folders()
        if not folders:
            paths: list[str] = []
        elif rev == WORKTREE:
            paths, self.links = _list_worktree(git, folders)
        else:
            self.blob_ids, self.links = _list_blobs(git, rev, folders)
            paths = sorted(self.blob_ids)
        for path in sorted({*paths, *self.links}):
            name = layout.module_name(path)
            if name is not None and (name not in self.files or path.endswith("/__init__.py")):
                self.files[name] = path
        self._texts: dict[str, bytes | None] = {}
        self._folders: dict[str, list[str]] | None = None
        self._file_set: set[str] | None = None
        self._modules: dict[str, griffe.Module | Broken | None] = {}
        self._extensions = griffe.load_extensions()
        self._collection = griffe.ModulesCollection()
        self._lines = griffe.LinesCollection()
        #: Problems met while loading, by path.
        self.problems: dict[str, ParseProblem] = {}
        #: Paths of modules that could not be analysed and that a public name's resolution needed.
        self.depended: set[str] = set()

    # -- files ----------------------------------------------------------------------------------------

    def has_file(self, path: str) -> bool:
        """Tell whether a module file (or a link in its place) exists at this revision."""
        return path in self.links or path in self._paths()

    def _paths(self) -> set[str]:
        if self._file_set is None:
            self._file_set = set(self.files.values())
        return self._file_set

    def loaded(self, name: str) -> griffe.Module | None:
        """Return a module already loaded and readable, never loading one (None otherwise)."""
        module = self._modules.get(name)
        return None if isinstance(module, Broken) else module

    def is_package(self, name: str) -> bool:
        """Tell whether a module is a package (has an `__init__.py`)."""
        return self.files.get(name, "").endswith("/__init__.py")

    def folder(self, folder: str) -> list[str]:
        """List the module files directly in a folder."""
        if self._folders is None:
            self._folders = {}
            for file in self.files.values():
                self._folders.setdefault(posixpath.dirname(file), []).append(file)
        return self._folders.get(folder, [])

    def prefetch(self, paths: list[str]) -> None:
        """Read many files in one batch (one `git cat-file` process)."""
        wanted = [p for p in paths if p not in self._texts]
        if not wanted:
            return
        if self.rev == WORKTREE:
            self._texts.update(self.git.read_many(self.rev, wanted))
            return
        found = self.blobs.read([self.blob_ids[p] for p in wanted if p in self.blob_ids])
        for path in wanted:
            self._texts[path] = found.get(self.blob_ids.get(path, ""))

    def text(self, path: str) -> bytes | None:
        """Return a file's bytes, reading its whole folder in the same batch (siblings are likely next)."""
        if path not in self._texts:
            self.prefetch([path, *self.folder(posixpath.dirname(path))])
        return self._texts.get(path)

    # -- modules --------------------------------------------------------------------------------------

    @property
    def modules_loaded(self) -> int:
        """How many module files were parsed so far."""
        return sum(1 for m in self._modules.values() if m is not None)

    def module(self, name: str) -> griffe.Module | Broken | None:
        """Return a module by dotted name, loading it (and its parents) on first use; None when absent."""
        if name in self._modules:
            return self._modules[name]
        self._modules[name] = None  # guards against re-entry while loading
        path = self.files.get(name)
        parent: griffe.Module | None = None
        if "." in name:
            loaded_parent = self.module(name.rsplit(".", 1)[0])
            if isinstance(loaded_parent, Broken):
                # NOTE: a submodule of an unparsable package is still loadable, but cannot hang off its
                # parent; give it a detached stand-in parent so its dotted path stays right.
                loaded_parent = None
            parent = loaded_parent
            if parent is None and path is not None:
                parent = self._stand_in(name.rsplit(".", 1)[0])
        if path is None:
            if name in self.layout.roots:
                # A namespace package (a folder named in `api.packages` without `__init__.py`): an empty module,
                # so the names of its subpackages still resolve.
                self._modules[name] = namespace = self._stand_in(name)
                return namespace
            return None
        self._modules[name] = result = self._load(name, path, parent)
        return result

    def _stand_in(self, name: str) -> griffe.Module:
        parent = self._stand_in(name.rsplit(".", 1)[0]) if "." in name else None
        return griffe.Module(name.rsplit(".", 1)[-1], parent=parent)

    def _load(self, name: str, path: str, parent: griffe.Module | None) -> griffe.Module | Broken:
        if path in self.links:
            return self._broken(path, None, "the file is a symbolic link; depgate never follows links, so its "
                                            "API cannot be checked")
        data = self.text(path)
        if data is None:
            return self._broken(path, None, "the file cannot be read at this revision")
        code = self.blobs.sources.check(path, data)
        if isinstance(code, ParseProblem):
            self.problems[path] = code
            return Broken(code)
        try:
            tree = self.blobs.sources.handed(data)
            if tree is None:
                module = griffe.visit(
                    name.rsplit(".", 1)[-1], PurePosixPath(path), code, parent=parent,  # type: ignore[arg-type]
                    extensions=self._extensions, modules_collection=self._collection, lines_collection=self._lines,
                )
            else:
                # The tree the syntax check parsed, visited as `griffe.visit` would after parsing it again.
                visitor = griffe.Visitor(name.rsplit(".", 1)[-1], PurePosixPath(path), code,  # type: ignore[arg-type]
                                         self._extensions, parent, lines_collection=self._lines,
                                         modules_collection=self._collection)
                visitor.visit(tree)
                module = visitor.current.module
        except Exception as exc:  # hostile input must give a finding, never a traceback
            return self._broken(path, getattr(exc, "lineno", None), f"the file could not be analysed: {exc}")
        if parent is not None and module.name not in parent.members:
            # NOTE: a package attribute of the same name (`from .shard import shard`) wins, as in Python.
            parent.set_member(module.name, module)
        return module

    def _broken(self, path: str, line: int | None, message: str) -> Broken:
        problem = ParseProblem(path, line, message)
        self.problems[path] = problem
        return Broken(problem)

    # -- names ----------------------------------------------------------------------------------------

    def resolve(self, dotted: str, depth: int = 0) -> griffe.Object | Broken | None:
        """Find the object a dotted path names, following re-exports; None when it does not exist here.

        Returns a `Broken` marker when the answer depends on a module that does not parse. Paths outside
        the analysed packages (`torch.nn.Module`) resolve to None.
        """
        if depth > MAX_ALIAS_DEPTH:
            return None
        parts = dotted.split(".")
        if parts[0] not in self.layout.roots:
            return None
        current: griffe.Object | Broken | None = self.module(parts[0])
        prefix = parts[0]
        last = len(parts) - 1
        for index, part in enumerate(parts[1:], 1):
            if isinstance(current, Broken):
                self.depended.add(current.problem.path)
                return current
            if current is None:
                return current
            prefix = f"{prefix}.{part}"
            member = current.members.get(part)
            # Inside a dotted path the submodule wins, as in an import statement: `from .get_int_dtype import
            # get_int_dtype` in a package makes the attribute a function, yet `pkg.get_int_dtype.x` is the module's.
            if current.is_module and (member is None or (index < last and prefix in self.files)):
                current = self.module(prefix)
                continue
            if member is None:
                return None
            if member.is_alias and member.target_path == prefix and prefix in self.files:
                # `from . import tool` (or `from pkg import tool`) inside `pkg`: the name is the submodule itself.
                current = self.module(prefix)
                continue
            current = self.resolve(member.target_path, depth + 1) if member.is_alias else member
        if isinstance(current, Broken):
            self.depended.add(current.problem.path)
        return current

    def final(self, obj: griffe.Object | griffe.Alias, depth: int = 0) -> griffe.Object | Broken | None:
        """Follow an alias member to the object it names."""
        if obj.is_alias:
            return self.resolve(obj.target_path, depth + 1)  # type: ignore[union-attr]
        return obj  # type: ignore[return-value]


class BlobStore:
    """Blob contents by id, shared by both revisions: a file unchanged between them is read once."""

    def __init__(self, git: Git, sources: Sources | None = None):
        self.git = git
        self._blobs: dict[str, bytes | None] = {}
        #: Decoded and parsed sources, by content: an unchanged file is parsed once for both revisions.
        self.sources = sources if sources is not None else Sources()

    def read(self, ids: list[str]) -> dict[str, bytes | None]:
        """Return the contents of many blobs, reading the missing ones with one `git cat-file --batch`."""
        missing = sorted({i for i in ids if i not in self._blobs})
        if missing:
            self._blobs.update(self.git.read_blobs(missing))
        return {i: self._blobs.get(i) for i in ids}


def _list_blobs(git: Git, rev: str, folders: list[str]) -> tuple[dict[str, str], set[str]]:
    """Map every regular file under the folders at a revision to its blob id, and list the symbolic links."""
    blobs: dict[str, str] = {}
    links: set[str] = set()
    for entry in git.ls_tree(rev, folders, recursive=True):
        if entry.is_file:
            blobs[entry.path] = entry.oid
        elif entry.is_link:
            links.add(entry.path)
    return blobs, links


def _list_worktree(git: Git, folders: list[str]) -> tuple[list[str], set[str]]:
    """List the regular files and the symbolic links under the folders in the work tree."""
    files = [p for folder in folders for p in git.list_files(WORKTREE, folder)]
    listed = git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *folders)
    links = {p for p in listed.decode("utf-8", "surrogateescape").split("\0") if p and (git.repo / p).is_symlink()}
    return files, links


def same_shape(old: bytes | None, new: bytes | None, sources: Sources | None = None) -> bool:
    """Tell whether two versions of a file have the same syntax tree once docstrings are dropped.

    Reformatting, comments and docstring rewrites give the same shape, so the file cannot have changed
    any API and need not be analysed. Anything else (or a file that cannot be analysed) is a real change.
    Both are decoded as CPython would (`depgate.api.source`): a coding line that rewrites the text is never
    taken for a comment. Given the run's `sources`, each file is parsed once for this and for its imports, and the
    answer is kept for the pair of contents (on disk too, see `depgate.api.cache`).
    """
    if old is None or new is None:
        return False
    sources = sources if sources is not None else Sources()
    key = digest(old) + digest(new)
    sources.used.update((key[:20], key[20:]))
    if key not in sources.shapes:
        first = sources.tree(old)
        second = sources.tree(new) if first is not None else None
        sources.shapes[key] = first is not None and second is not None and _same_tree(first, second)
    return sources.shapes[key]


_DOC_HOLDERS = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_PASS = ast.Pass()


def _undoc(node: ast.AST, body: list) -> list:
    """A body whose leading docstring counts as `pass` (the shape of a docstring is not the API's)."""
    if (isinstance(node, _DOC_HOLDERS) and body and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str)):
        return [_PASS, *body[1:]]
    return body


def _same_tree(a: ast.AST, b: ast.AST) -> bool:
    """Compare two syntax trees field by field, positions left out and docstrings counted as `pass`.

    The same verdict as comparing `ast.dump` of both trees with docstrings replaced by `pass` (constants
    compare by type and value, as their reprs do), in one walk over both trees with an explicit stack
    instead of four recursive Python passes: a repository-wide reformat compares every file of it.
    """
    stack: list[tuple[object, object, ast.AST | None]] = [(a, b, None)]
    pop, push = stack.pop, stack.append
    while stack:
        x, y, owner = pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, list):
            if owner is not None:
                x, y = _undoc(owner, x), _undoc(owner, y)  # type: ignore[arg-type]
            if len(x) != len(y):  # type: ignore[arg-type]
                return False
            stack.extend((i, j, None) for i, j in zip(x, y, strict=True) if i is not j)  # type: ignore[call-overload]
        elif isinstance(x, ast.AST):
            for name in x._fields:
                xv, yv = getattr(x, name, None), getattr(y, name, None)
                if xv is yv:  # None, shared context and operator nodes, interned names
                    continue
                if type(xv) is not type(yv):
                    return False
                if isinstance(xv, (ast.AST, list)):
                    push((xv, yv, x if name == "body" else None))
                elif xv != yv:
                    return False
        elif x != y:
            return False
    return True
