"""A read-only view of a repository's files, on disk or at a git revision.

DEP documents and configuration are read through a `Tree`, so the same code reads the work tree for
`depgate lint` and a pull request's head commit for `depgate check`, without checking anything out.
Neither view follows symbolic links or leaves the repository.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from depgate.git import WORKTREE, kind_label

if TYPE_CHECKING:
    from depgate.git import Git, TreeEntry


# Errors that mean "not a regular file here" (as pathlib's `is_file` treats them), not a failure.
_MISSING = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP, errno.EBADF})
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class Tree(Protocol):
    """Files of one repository snapshot, by repository-relative POSIX path."""

    #: A label for messages (`work tree`, a commit id).
    label: str

    def entries(self, folder: str) -> list[tuple[str, str]]:
        """List `(path, kind)` directly under `folder`; kind is `file`, `dir`, `link` or `other`."""
        ...

    def size(self, path: str) -> int | None:
        """Return a regular file's size in bytes, or None when it is not one."""
        ...

    def read(self, path: str) -> bytes | None:
        """Return a regular file's bytes, or None when it is not one (missing, folder, link)."""
        ...


class DiskTree:
    """Files under a directory on disk.

    Each folder's containment check (its real path lies inside the root) is made once per instance
    and remembered, and a file is classified with one `lstat`: a folder of 10,000 documents is read
    without resolving 20,000 paths.
    """

    def __init__(self, root: Path):
        self.root = Path(root)
        self.label = "work tree"
        self._root = os.fspath(self.root)
        self._real_root: Path | None = None
        self._inside: dict[str, bool] = {}

    def _path(self, rel: str) -> str | None:
        if rel and rel[0] != "/" and rel[-1] != "/" and "//" not in rel and "/." not in "/" + rel:
            full = os.path.join(self._root, rel)  # a plain relative path: string joins equal pathlib's
            parent = os.path.dirname(full)
        else:  # `.`, `..`, empty parts, absolute: let pathlib normalise as it always did
            path = self.root / rel
            full, parent = str(path), str(path.parent)
        inside = self._inside.get(parent)
        if inside is None:
            if self._real_root is None:
                self._real_root = self.root.resolve()
            try:
                Path(parent).resolve().relative_to(self._real_root)
                inside = True
            except (ValueError, OSError):
                inside = False
            self._inside[parent] = inside
        return full if inside else None

    def entries(self, folder: str) -> list[tuple[str, str]]:
        base = self._path(folder)
        if base is None or os.path.islink(base) or not os.path.isdir(base):
            return []
        out = []
        with os.scandir(base) as listing:
            children = sorted(listing, key=lambda e: e.name)
        for child in children:
            rel = f"{folder.rstrip('/')}/{child.name}" if folder not in ("", ".") else child.name
            if child.is_symlink():
                kind = "link"
            elif child.is_dir(follow_symlinks=False):
                kind = "dir"
            elif child.is_file(follow_symlinks=False):
                kind = "file"
            else:
                kind = "other"
            out.append((rel, kind))
        return out

    def _regular(self, path: str) -> tuple[str, int] | None:
        """Return `(full path, size)` of a regular file (not a link), else None."""
        full = self._path(path)
        if full is None:
            return None
        try:
            info = os.lstat(full)
        except OSError as exc:
            if exc.errno in _MISSING:
                return None
            raise
        return (full, info.st_size) if stat.S_ISREG(info.st_mode) else None

    def size(self, path: str) -> int | None:
        found = self._regular(path)
        return None if found is None else found[1]

    def read(self, path: str) -> bytes | None:
        found = self._regular(path)
        if found is None:
            return None
        # NOTE: O_NOFOLLOW and the fstat check close the window in which the file could be swapped
        # for a link or a FIFO between the lstat above and the open.
        try:
            fd = os.open(found[0], os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC)
        except OSError as exc:
            if exc.errno in _MISSING:
                return None
            raise
        with open(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            return handle.read()


class GitTree:
    """Files at one commit of a repository, read with git plumbing.

    `prefetch` reads many files with two git processes per folder (sizes, then the contents of those
    not too large), where reading them one by one costs a process each.
    """

    def __init__(self, git: Git, rev: str):
        self.git = git
        self.rev = rev
        self.label = rev[:12]
        self._sizes: dict[str, int | None] = {}
        self._data: dict[str, bytes] = {}
        self._listed: dict[str, list[TreeEntry]] = {}

    def _listing(self, folder: str) -> list[TreeEntry]:
        """A folder's entries with their sizes, listed once (`entries` and `prefetch` share it)."""
        folder = folder.strip("/")
        if folder not in self._listed:
            self._listed[folder] = self.git.ls_tree(self.rev, [f"{folder}/"] if folder not in ("", ".") else [],
                                                    sizes=True)
        return self._listed[folder]

    def entries(self, folder: str) -> list[tuple[str, str]]:
        if self.rev == WORKTREE:
            return self.git.list_entries(self.rev, folder)
        return [(entry.path, kind_label(entry)) for entry in self._listing(folder)]

    def prefetch(self, paths: list[str], max_bytes: int | None = None) -> None:
        """Learn the sizes of `paths` and read those of at most `max_bytes`, with two git processes per folder.

        Later `size` and `read` calls for these paths answer from memory; a file over the limit is
        never read. Blobs are asked for by object id: `git cat-file` resolving `rev:path` scans the
        folder's tree each time, which is quadratic in a folder of 10,000 files.
        """
        if self.rev == WORKTREE:
            return  # the work tree is read file by file (`Git.read` handles it)
        folders: dict[str, set[str]] = {}
        for path in paths:
            if path not in self._sizes:
                folders.setdefault(path.rpartition("/")[0], set()).add(path)
        for folder, wanted in folders.items():
            small: dict[str, list[str]] = {}
            for entry in self._listing(folder):
                if entry.path not in wanted or not entry.is_file or entry.size is None:
                    continue  # a link, a folder or a submodule: `size` reads it the slow way and says so
                self._sizes[entry.path] = entry.size
                if max_bytes is None or entry.size <= max_bytes:
                    small.setdefault(entry.oid, []).append(entry.path)  # identical files share one blob
            for oid, data in self.git.read_blobs(small).items():
                if data is not None:  # else it is read the slow way, by path
                    for path in small[oid]:
                        self._data[path] = data

    def _file(self, path: str) -> TreeEntry | None:
        """The tree entry of a regular file at `path` (not a link, folder or submodule), else None."""
        if not path or "\0" in path:
            return None
        return next((entry for entry in self.git.ls_tree(self.rev, [path], sizes=True)
                     if entry.path == path and entry.is_file), None)

    def size(self, path: str) -> int | None:
        if path not in self._sizes:
            if self.rev == WORKTREE:
                data = self.git.read(self.rev, path)
                return None if data is None else len(data)
            entry = self._file(path)
            self._sizes[path] = None if entry is None else entry.size
        return self._sizes[path]

    def read(self, path: str) -> bytes | None:
        if path in self._data:
            return self._data[path]
        if self.rev == WORKTREE:
            return self.git.read(self.rev, path)
        entry = self._file(path)
        return None if entry is None else self.git.read_blobs([entry.oid])[entry.oid]
