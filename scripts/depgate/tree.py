"""A read-only view of a repository's files, on disk or at a git revision.

DEP documents and configuration are read through a `Tree`, so the same code reads the work tree for
`depgate lint` and a pull request's head commit for `depgate check`, without checking anything out.
Neither view follows symbolic links or leaves the repository.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from depgate.git import Git


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
    """Files under a directory on disk."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.label = "work tree"

    def _path(self, rel: str) -> Path | None:
        path = self.root / rel
        try:
            path.parent.resolve().relative_to(self.root.resolve())
        except (ValueError, OSError):
            return None
        return path

    def entries(self, folder: str) -> list[tuple[str, str]]:
        base = self._path(folder)
        if base is None or base.is_symlink() or not base.is_dir():
            return []
        out = []
        for child in sorted(os.scandir(base), key=lambda e: e.name):
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

    def size(self, path: str) -> int | None:
        full = self._path(path)
        if full is None or full.is_symlink() or not full.is_file():
            return None
        return full.stat().st_size

    def read(self, path: str) -> bytes | None:
        full = self._path(path)
        if full is None or full.is_symlink() or not full.is_file():
            return None
        return full.read_bytes()


class GitTree:
    """Files at one commit of a repository, read with git plumbing."""

    def __init__(self, git: Git, rev: str):
        self.git = git
        self.rev = rev
        self.label = rev[:12]
        self._sizes: dict[str, int | None] = {}

    def entries(self, folder: str) -> list[tuple[str, str]]:
        return self.git.list_entries(self.rev, folder)

    def size(self, path: str) -> int | None:
        data = self.git.read(self.rev, path)
        return None if data is None else len(data)

    def read(self, path: str) -> bytes | None:
        return self.git.read(self.rev, path)
