"""Read what a branch's history says about its proposals (DEP-0005): merged changes and document versions.

One `git log --first-parent` walk gives every merged change (commit, date, subject, pull request number,
changed paths, with the blob ids of each version), then one `git cat-file --batch` reads every version of
every proposal document. When the walk meets merge commits, one more `git log` reads the messages of the
commits they brought in. Nothing here decides anything: `depgate.proposals.status` turns the `History` into evidence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING

from depgate.errors import GitError, UsageError
from depgate.proposals.evidence import IMPLEMENTATION_KEY, Commit, DocVersion, History
from depgate.proposals.folder import is_candidate
from depgate.proposals.reader import MAX_BYTES, read_document

if TYPE_CHECKING:
    from collections.abc import Sequence

    from depgate.config import Config, ProposalsConfig
    from depgate.git import Git, LogCommit, RawChange

#: Header lines that record where a proposal stands rather than what it says: changing only these is bookkeeping.
BOOKKEEPING_KEYS = frozenset({"Status", IMPLEMENTATION_KEY, "Updated"})
#: Files whose change makes a commit a code change.
CODE_SUFFIXES = (".py", ".pyi")
#: At most this many messages are read from the commits one merge brought in (a long-lived branch can hold
#: thousands; the pull request's own commits are the newest).
MAX_MERGED_MESSAGES = 500

# `Title (#123)` at the end of a squash merge's subject; `Merge pull request #123 from owner/branch` from a merge.
_SQUASH_PULL = re.compile(r"\(#([0-9]{1,9})\)[ \t]*$")
_MERGE_PULL = re.compile(r"^Merge pull request #([0-9]{1,9})\b")
_HEADER_KEY = re.compile(r"([A-Za-z][A-Za-z0-9_-]*)[ \t]*:")
_STATUS_KEY = "Status"
_EPOCH = dt.date(1970, 1, 1)


def read_history(git: Git, rev: str, config: Config, *, branch: str | None = None,
                 limit: int | None = None) -> History:
    """Read the first-parent history of a branch and every version of the proposals at its tip.

    Args:
        git: The repository.
        rev: The revision to read (the default branch's tip, usually).
        config: The configuration (`proposals.directory` and the names that are not proposals).
        branch: The branch as the user named it, for reports (default: `rev`).
        limit: Keep only the newest `limit` commits; the history is then marked `truncated` when older ones exist.

    Returns:
        The commits, oldest first, and each proposal document's versions, keyed by its path at the tip.

    Raises:
        UsageError: the revision does not resolve, or the repository has no commits.
        GitError: git failed.
    """
    if limit is not None and limit < 1:
        raise UsageError(f"the history limit must be at least 1, not {limit}")
    tip = _resolve(git, rev, branch)
    # One commit more than asked tells whether older ones exist.
    logged = git.first_parent_log(tip, limit=None if limit is None else limit + 1)
    truncated = limit is not None and len(logged) > limit
    if truncated:
        logged = logged[:limit]
    logged.reverse()  # oldest first
    brought = _brought_in(git, logged)
    shallow = git.is_shallow()
    # A shallow clone's oldest commits show every file as added: what they really changed is unknown, so they
    # must not read as "added with its implementation" (every proposal would then look implemented by them).
    cut = _shallow_boundary(git) if shallow else frozenset()
    commits = tuple(_commit(entry, brought.get(entry.sha, ()), cut=entry.sha in cut) for entry in logged)
    paths = proposal_paths_at(git, tip, config.proposals)
    versions = _versions(git, logged, paths)
    if cut:
        versions = {path: tuple(dataclasses.replace(v, change="?") if v.sha in cut else v for v in found)
                    for path, found in versions.items()}
    return History(branch=branch or rev, tip=tip, commits=commits, versions=versions, shallow=shallow,
                   truncated=truncated)


def _shallow_boundary(git: Git) -> frozenset[str]:
    """The commits a shallow clone was cut at (their parents are missing), from git's `shallow` file."""
    where = git.run("rev-parse", "--git-path", "shallow", check=False).decode("utf-8", "replace").strip()
    if not where:
        return frozenset()
    path = Path(where) if Path(where).is_absolute() else Path(git.repo) / where
    try:
        return frozenset(line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip())
    except (OSError, UnicodeDecodeError):
        return frozenset()


def is_code_change(commit: Commit, config: Config) -> bool:
    """Tell whether a commit changes a Python file (`.py`, `.pyi`) outside the proposals folder."""
    return any(is_code_path(path, config) for path in commit.changed)


def is_code_path(path: str, config: Config) -> bool:
    """Tell whether a path is code: a Python file (`.py`, `.pyi`, any case) outside the proposals folder.

    The one definition the history's evidence and the lifecycle's `implementation` condition share.
    """
    return path.lower().endswith(CODE_SUFFIXES) and not _inside(path, _folder(config.proposals))


def status_since(history: History, versions: Sequence[DocVersion], status: str | None) -> str | None:
    """Return the date a document entered its current status.

    Args:
        history: The history the versions come from (for their commits' dates).
        versions: One document's versions, oldest first.
        status: The status it has now.

    Returns:
        The date of the first version of the last run of versions with this status; None when there are no
        versions, the last one has another status, or its commit is not in the history.
    """
    if not versions or versions[-1].status != status:
        return None
    first = len(versions) - 1
    while first > 0 and versions[first - 1].status == status:
        first -= 1
    commit = history.commit(versions[first].sha)
    return commit.date if commit is not None else None


def proposal_paths_at(git: Git, rev: str, config: ProposalsConfig) -> list[str]:
    """List the proposal documents (regular files, not the template, index or README) in the folder at a revision."""
    folder = _folder(config)
    return [path for path, kind in git.list_entries(rev, folder)
            if kind == "file" and is_candidate(path.rsplit("/", 1)[-1], kind, config)]


def pull_number(subject: str) -> int | None:
    """Read the pull request number from a merged change's subject (`Title (#123)`, `Merge pull request #123`)."""
    match = _SQUASH_PULL.search(subject) or _MERGE_PULL.match(subject)
    return int(match[1]) if match else None


def _resolve(git: Git, rev: str, branch: str | None) -> str:
    """Return the commit id of `rev`, or raise a UsageError that says what to fetch."""
    try:
        return git.resolve(rev)
    except GitError:
        pass
    if not git.run("rev-list", "--max-count=1", "--all", check=False).strip():
        raise UsageError("the repository has no commits yet, so it has no history to read", path=git.repo,
                         hint="commit the proposals first, or pass --repo with another repository")
    option = "" if branch is None else " (given with --branch)"
    raise UsageError(f"the revision {rev!r}{option} does not exist in this repository", path=git.repo,
                     hint=f"fetch it (`git fetch origin {rev.removeprefix('origin/')}`), or name another branch "
                          "with --branch")


def _brought_in(git: Git, logged: Sequence[LogCommit]) -> dict[str, tuple[str, ...]]:
    """Return, for each merge commit of the walk, the messages of the commits it brought in, oldest first.

    One `git log` reads every commit of the walked range. Merges are taken oldest first: what the first
    parent reaches is the walk's earlier commits plus what earlier merges brought in, so a merge brought in
    the commits reachable from its other parents that nothing earlier claimed. A commit missing from the
    answer (beyond a shallow clone's cut, or before a limit) counts as claimed.
    """
    if not any(len(entry.parents) > 1 for entry in logged):
        return {}
    oldest = logged[0]
    commits = git.commit_messages([logged[-1].sha], oldest.parents[:1])
    order = {sha: i for i, (sha, _, _) in enumerate(commits)}
    parents = {sha: ps for sha, ps, _ in commits}
    messages = {sha: message for sha, _, message in commits}
    claimed = {entry.sha for entry in logged}
    result: dict[str, tuple[str, ...]] = {}
    for entry in logged:
        if len(entry.parents) < 2:
            continue
        found: list[str] = []
        todo = [p for p in entry.parents[1:] if p in parents and p not in claimed]
        claimed.update(todo)
        while todo:
            sha = todo.pop()
            found.append(sha)
            fresh = [p for p in parents[sha] if p in parents and p not in claimed]
            claimed.update(fresh)
            todo.extend(fresh)
        found.sort(key=order.__getitem__)
        # NOTE: a long-lived branch can bring thousands; a pull request's own commits are the newest.
        result[entry.sha] = tuple(messages[sha] for sha in found[-MAX_MERGED_MESSAGES:])
    return result


def _commit(entry: LogCommit, brought: tuple[str, ...], *, cut: bool = False) -> Commit:
    """Turn one walked commit, and the messages of what it brought in, into a `Commit`.

    A commit at a shallow clone's cut (`cut`) has its changes left out: git shows its whole tree as added.
    """
    subject = entry.message.split("\n", 1)[0]
    return Commit(sha=entry.sha, parent=entry.parents[0] if entry.parents else None,
                  date=_utc_date(entry.committer_time), subject=subject, messages=(entry.message, *brought),
                  pull=pull_number(subject),
                  changed=() if cut else tuple(c.path for c in entry.changes))


def _utc_date(stamp: int) -> str:
    """The UTC date of a git timestamp; a commit can carry any number, so out-of-range dates are clamped."""
    try:
        return (_EPOCH + dt.timedelta(days=stamp // 86400)).isoformat()
    except OverflowError:
        return (dt.date.max if stamp > 0 else dt.date.min).isoformat()


def _versions(git: Git, logged: Sequence[LogCommit], paths: Sequence[str]) -> dict[str, tuple[DocVersion, ...]]:
    """Follow each document back from the tip through the walk, then read every version in one batch."""
    tracked = {path: path for path in paths}  # name in the commit being looked at -> name at the tip
    found: dict[str, list[tuple[str, RawChange]]] = {path: [] for path in paths}
    for entry in reversed(logged):  # newest first, so a rename is met before the older name's changes
        if not tracked:
            break
        gone: list[str] = []
        renamed: dict[str, str] = {}
        for change in entry.changes:
            tip_path = tracked.get(change.path)
            if tip_path is None or change.status == "D":
                continue
            found[tip_path].append((entry.sha, change))
            if change.status in ("A", "C"):  # a new file: older changes belong to another document of this name
                gone.append(change.path)
            elif change.status == "R" and change.old_path is not None:
                gone.append(change.path)
                renamed[change.old_path] = tip_path
        # Applied after the whole commit: a file added at a name another document just left is not that document.
        for name in gone:
            del tracked[name]
        tracked.update(renamed)
    blobs = git.read_blobs({change.new_oid for changes in found.values() for _, change in changes})
    result: dict[str, tuple[DocVersion, ...]] = {}
    for tip_path, changes in found.items():
        versions: list[DocVersion] = []
        previous: str | bytes | None = None
        for sha, change in reversed(changes):  # oldest first
            status, content = _read_version(change.path, blobs.get(change.new_oid))
            body_changed = not versions or content is None or content != previous
            versions.append(DocVersion(sha=sha, path=change.path, change=_change_letter(change.status),
                                       status=status, body_changed=body_changed, old_path=change.old_path))
            previous = content
        result[tip_path] = tuple(versions)
    return result


def _read_version(path: str, data: bytes | None) -> tuple[str | None, str | bytes | None]:
    """Return one version's `Status` and what is compared for `body_changed` (the text less bookkeeping lines)."""
    if data is None:
        return None, None
    if len(data) > MAX_BYTES:
        return None, data  # not read as a document; still compared
    doc = read_document(path, data)
    if doc.text is None:
        return None, data
    return doc.value(_STATUS_KEY), _without_bookkeeping(doc.text, doc.header_end)


def _without_bookkeeping(text: str, header_end: int | None) -> str:
    """The text without the header's `Status`, `Implementation` and `Updated` lines (and their continuations)."""
    if header_end is None:  # no closed header: nothing is bookkeeping
        return text
    lines = text.split("\n")
    kept = lines[:1]
    skipping = False
    for raw in lines[1:header_end - 1]:  # between the delimiters (line 1 and line `header_end`)
        if raw[:1] in (" ", "\t") and raw.strip():
            if not skipping:
                kept.append(raw)
            continue
        match = _HEADER_KEY.match(raw)
        skipping = match is not None and match[1] in BOOKKEEPING_KEYS
        if not skipping:
            kept.append(raw)
    kept.extend(lines[header_end - 1:])
    return "\n".join(kept)


def _change_letter(status: str) -> str:
    # A copy (only with copy detection configured) starts a document; a type change modifies it.
    return {"C": "A", "T": "M"}.get(status, status)


def _folder(config: ProposalsConfig) -> str:
    folder = posixpath.normpath(config.directory.strip("/")) if config.directory.strip("/") else ""
    return "" if folder == "." else folder


def _inside(path: str, folder: str) -> bool:
    # NOTE: with the proposals at the top of the repository, no code file is "inside" their folder.
    return bool(folder) and path.startswith(folder + "/")
