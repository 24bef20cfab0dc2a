"""Proposal numbers claimed twice: by several open pull requests, or by one and a merged document.

Pure functions over file paths: the GitHub layer lists the open pull requests' files, git lists the
base's folder, and this module decides. Numbers are read by the shared file-name reader
(`depgate.proposals.model.number_in_filename`), so a name the rest of depgate does not read as a
number (`٠٠٠٨-x.md`, `x-0008.md`) is not one here either.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.proposals.model import number_in_filename

if TYPE_CHECKING:
    from collections.abc import Iterable

#: File statuses (GitHub's `pulls/N/files`) that claim the number of the file's name. A rename is left out:
#: renaming a document usually keeps its number, and the API's file list alone cannot tell.
CLAIMING = frozenset({"added"})


@dataclass(frozen=True)
class PullFile:
    """A file an open pull request changes.

    Attributes:
        pull: The pull request's number.
        path: The file's repository-relative path at the pull request's head.
        status: GitHub's status of the file (`added`, `modified`, `renamed`, `removed`...).
    """

    pull: int
    path: str
    status: str


@dataclass(frozen=True)
class Collision:
    """A number more than one place claims.

    Attributes:
        number: The proposal number.
        pulls: The open pull requests that add a document with it, ascending.
        existing: The documents of the base that already carry it, sorted.
    """

    number: int
    pulls: tuple[int, ...]
    existing: tuple[str, ...]


def folder_number(path: str, folder: str) -> int | None:
    """The number of a file directly inside the proposals folder, by its name; None for any other path."""
    parent, _, name = path.rpartition("/")
    if posixpath.normpath(parent or ".") != posixpath.normpath(folder.strip("/") or "."):
        return None
    return number_in_filename(name)


def find_collisions(files: Iterable[PullFile], existing: Iterable[str], folder: str) -> list[Collision]:
    """Find the numbers several open pull requests claim, or one claims that the base already uses.

    Args:
        files: The open pull requests' changed files.
        existing: Paths of the entries of the proposals folder at the base.
        folder: The proposals folder (`proposals.directory`).

    Returns:
        The collisions, by number.
    """
    taken: dict[int, list[str]] = defaultdict(list)
    for path in existing:
        number = folder_number(path, folder)
        if number is not None:
            taken[number].append(path)
    claims: dict[int, set[int]] = defaultdict(set)
    for file in files:
        number = folder_number(file.path, folder) if file.status in CLAIMING else None
        # The base moved on and now holds this very file: the pull request adds nothing new.
        if number is not None and file.path not in taken.get(number, ()):
            claims[number].add(file.pull)
    return [Collision(number, tuple(sorted(claims[number])), tuple(sorted(taken.get(number, ()))))
            for number in sorted(claims) if len(claims[number]) > 1 or number in taken]
