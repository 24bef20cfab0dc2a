"""Read-only access to a git repository through the `git` command.

Everything depgate knows about revisions comes from here: file contents at a revision, the changed
paths between two revisions, commit messages. Nothing here checks anything out or runs hooks, and
all output is read with `-z` so unusual file names survive.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess  # nosec B404 - git is run with an argument list, never through a shell (see SECURITY.md)
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from depgate.errors import GitError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

#: The pseudo-revision meaning "the files in the work tree, as they are now".
WORKTREE = "WORKTREE"

# Keep git from reading system configuration, prompting, paging, or following replace refs (which
# would show other contents than the commits hold).
_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "LC_ALL": "C",
}
# Variables of the caller's environment that would make git read another repository than `--repo`
# (a stray GIT_DIR from a hook gives a silent wrong answer) or run a program. The caller's own
# configuration (GIT_CONFIG_GLOBAL, GIT_CONFIG_COUNT...) is kept: it may hold `safe.directory`;
# `_SAFE_OPTIONS` below still win over it.
_SCRUBBED_ENV = frozenset({
    "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE", "GIT_SHALLOW_FILE", "GIT_GRAFT_FILE",
    "GIT_REPLACE_REF_BASE", "GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS",
    "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_EXEC_PATH", "GIT_PROXY_COMMAND",
    # Pathspec settings: a case-insensitive or glob match would read another file than the one named.
    "GIT_LITERAL_PATHSPECS", "GIT_GLOB_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_ICASE_PATHSPECS",
})
# Settings a repository's own .git/config could use to run a program, switched off on every call
# (command-line settings win over the repository's); `log.showSignature` would run `gpg.program` on
# every signed commit a pull request brings. Filter drivers are handled per call
# (`Git._filter_overrides`): their names are the repository's. Paths depgate gives git are file names,
# never patterns: `--literal-pathspecs` keeps `*.md` or `:(glob)x` from matching other files.
_SAFE_OPTIONS = ("--literal-pathspecs",
                 "-c", "core.quotepath=off", "-c", "core.fsmonitor=false", "-c", "diff.external=",
                 "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat", "-c", "core.sshCommand=",
                 "-c", "core.untrackedCache=false", "-c", "log.showSignature=false")

# Commands that may read work-tree files (and so apply filter drivers to them).
_WORKTREE_COMMANDS = frozenset({"diff", "ls-files", "status", "add", "update-index", "hash-object"})

# A full object id (SHA-1 or SHA-256). Abbreviated ids are refused: git would also take them as ref names.
_OID = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?", re.IGNORECASE)
# Tree entry modes. git canonicalises the modes of the trees it reads, so a blob is always one of the first three.
_FILE_MODES = frozenset({"100644", "100755"})
_LINK_MODE = "120000"
_ENTRY_KINDS = frozenset({"blob", "tree", "commit"})
# What `cat-file --batch` answers, instead of a header, for a name it cannot give.
_NO_OBJECT = frozenset({b"missing", b"ambiguous"})


def git_env() -> dict[str, str]:
    """The environment git runs with: the caller's, less `_SCRUBBED_ENV`, plus depgate's fixed settings."""
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED_ENV}
    env.update(_GIT_ENV)
    return env


@dataclass(frozen=True)
class ChangedFile:
    """One entry of `git diff --name-status` between two revisions.

    Attributes:
        status: `A`dded, `M`odified, `D`eleted, `R`enamed, `C`opied, `T`ype-changed.
        path: Path at head (at base for deletions).
        old_path: Path at base for renames and copies.
    """

    status: str
    path: str
    old_path: str | None = None


@dataclass(frozen=True)
class TreeEntry:
    """One entry of a tree at a revision, as `git ls-tree` lists it.

    Attributes:
        mode: `100644`, `100755` (regular files), `120000` (symbolic link), `040000` (folder), `160000` (submodule).
        kind: `blob`, `tree` or `commit` (a submodule).
        oid: The object id.
        path: Repository-relative path; bytes that are not UTF-8 are kept with surrogateescape.
        size: The blob's size in bytes when sizes were asked for (`Git.ls_tree(sizes=True)`), else None.
    """

    mode: str
    kind: str
    oid: str
    path: str
    size: int | None = None

    @property
    def is_file(self) -> bool:
        """A regular file (a blob that is not a link)."""
        return self.kind == "blob" and self.mode in _FILE_MODES

    @property
    def is_link(self) -> bool:
        """A symbolic link (a blob holding the target's name)."""
        return self.kind == "blob" and self.mode == _LINK_MODE

    @property
    def is_dir(self) -> bool:
        """A folder."""
        return self.kind == "tree"

    @property
    def is_submodule(self) -> bool:
        """A submodule (a commit of another repository)."""
        return self.kind == "commit"


@dataclass(frozen=True)
class RawChange:
    """One file a commit changed against its first parent, as `git log --raw` lists it.

    Attributes:
        status: `A`dded, `M`odified, `D`eleted, `R`enamed (maybe modified), `T`ype-changed.
        path: Path after the change (before it, for a deletion).
        old_path: Path before a rename.
        old_oid: The blob before the change (all zeros when added).
        new_oid: The blob after the change (all zeros when deleted).
        new_mode: The entry's mode after the change (`100644`, `120000`...; `000000` when deleted).
    """

    status: str
    path: str
    old_path: str | None
    old_oid: str
    new_oid: str
    new_mode: str


@dataclass(frozen=True)
class LogCommit:
    """One commit of a first-parent walk (`Git.first_parent_log`).

    Attributes:
        sha: Full commit id.
        parents: Its parents' ids (none for a root commit, or the oldest commit of a shallow clone).
        committer_time: Committer date, seconds since the epoch.
        message: The full message, without trailing line breaks.
        changes: The files it changed against its first parent (every file for a root commit).
    """

    sha: str
    parents: tuple[str, ...]
    committer_time: int
    message: str
    changes: tuple[RawChange, ...]


class Git:
    """A repository on disk, read through the git command line."""

    def __init__(self, repo: Path | str):
        self.repo = Path(repo)
        self._blob_cache: dict[tuple[str, str], bytes | None] = {}
        self._filters: tuple[str, ...] | None = None
        self._top: Path | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    def run(self, *args: str, check: bool = True, input_bytes: bytes | None = None, cwd: Path | None = None) -> bytes:
        """Run git and return its standard output.

        Args:
            args: git's arguments, after depgate's fixed settings.
            check: Raise when git exits non-zero.
            input_bytes: What git reads on its standard input.
            cwd: Where git runs (default: `repo`).

        Raises:
            GitError: git is missing, or exited non-zero while `check` is true.
        """
        try:
            # git from the caller's PATH with an argument list (no shell); revisions come after
            # `--end-of-options` or are validated by `resolve`.
            proc = subprocess.run(  # nosec B603 B607 - see SECURITY.md, "bandit findings"
                ["git", *_SAFE_OPTIONS, *self._filter_overrides(args), *args],
                cwd=cwd or self.repo,
                env=git_env(),
                input=input_bytes,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise GitError("the `git` command was not found", hint="install git and put it on PATH") from None
        except NotADirectoryError:
            raise GitError("not a directory", path=self.repo) from None
        if check and proc.returncode != 0:
            stderr = proc.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"`git {' '.join(args[:3])}` failed: {stderr or 'exit ' + str(proc.returncode)}",
                           path=self.repo)
        return proc.stdout

    def _filter_overrides(self, args: tuple[str, ...]) -> tuple[str, ...]:
        """`-c` settings that switch off every configured filter driver, for commands that read the work tree.

        A `.gitattributes` file (which a pull request can change) picks filter drivers by name, and git runs
        their `clean`/`process` commands when it compares work-tree files. Blob reads never filter.
        """
        command = next((arg for arg in args if not arg.startswith("-")), "")  # after global options, if any
        if command not in _WORKTREE_COMMANDS:
            return ()
        if self._filters is None:
            out = self.run("config", "-z", "--name-only", "--get-regexp", r"^filter\.", check=False)
            names = {key.rsplit(".", 1)[0][len("filter."):] for key in out.decode("utf-8", "replace").split("\0")
                     if key.count(".") >= 2}
            odd = sorted(name for name in names if "=" in name)
            if odd:  # `-c filter.a=b.clean=` would set another key; refuse rather than run the filter
                raise GitError(f"the git configuration defines a filter driver named {odd[0]!r}, which depgate "
                               "cannot switch off", path=self.repo, hint="remove or rename that filter driver")
            self._filters = tuple(opt for name in sorted(names)
                                  for var in ("clean", "smudge", "process", "required")
                                  for opt in ("-c", f"filter.{name}.{var}=" + ("false" if var == "required" else "")))
        return self._filters

    def text(self, *args: str) -> str:
        """Run git and return its output decoded, without the trailing newline."""
        return self.run(*args).decode("utf-8", "replace").rstrip("\n")

    # -- repository facts -------------------------------------------------------------------------

    def toplevel(self) -> Path:
        """Return the repository's root directory.

        Raises:
            GitError: the path is not inside a git repository.
        """
        if not self.repo.exists():
            raise GitError("no such directory", path=self.repo, hint="pass --repo with an existing repository")
        try:
            out = self.text("rev-parse", "--show-toplevel")
        except GitError:
            if self.is_bare():
                return self.repo
            raise GitError("not a git repository", path=self.repo,
                           hint="run depgate inside a git checkout or pass --repo PATH") from None
        return Path(out)

    def is_bare(self) -> bool:
        """Tell whether the repository has no work tree."""
        proc = self.run("rev-parse", "--is-bare-repository", check=False)
        return proc.strip() == b"true"

    def git_dir(self) -> Path | None:
        """Return the repository's (common) git directory, where depgate may keep its own files; None if unknown."""
        proc = self.run("rev-parse", "--git-common-dir", check=False).decode("utf-8", "surrogateescape").strip()
        return (self.repo / proc).resolve() if proc else None

    def is_shallow(self) -> bool:
        """Tell whether the repository is a shallow clone."""
        return self.run("rev-parse", "--is-shallow-repository", check=False).strip() == b"true"

    def resolve(self, rev: str) -> str:
        """Return the full commit id of `rev`.

        Raises:
            GitError: the revision does not exist here (with a hint for shallow clones).
        """
        if rev.startswith("-"):
            raise GitError(f"invalid revision {rev!r}", path=self.repo)
        proc = subprocess.run(  # nosec B603 B607 - see SECURITY.md, "bandit findings"
            ["git", *_SAFE_OPTIONS, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
            cwd=self.repo, env=git_env(), capture_output=True, check=False,
        )
        if proc.returncode != 0:
            hint = "check the revision name"
            if self.is_shallow():
                hint = ("this is a shallow clone: fetch the history (actions/checkout with `fetch-depth: 0`, "
                        "or `git fetch --unshallow`) so the revision is present")
            raise GitError(f"unknown revision {rev!r}", path=self.repo, hint=hint)
        return proc.stdout.decode().strip()

    def merge_base(self, a: str, b: str) -> str:
        """Return the best common ancestor of two revisions.

        Raises:
            GitError: they share no history (with what to fetch when the clone is shallow).
        """
        proc = self.run("merge-base", "--end-of-options", a, b, check=False)
        if not proc.strip():
            hint = "the two revisions share no history; pass --base explicitly"
            if self.is_shallow():
                hint = "this is a shallow clone: use `fetch-depth: 0` in actions/checkout (or `git fetch --unshallow`)"
            raise GitError(f"no merge base between {a!r} and {b!r}", path=self.repo, hint=hint)
        return proc.decode().strip()

    def default_branch(self) -> str:
        """Guess the default branch: `origin/HEAD`, else `main`, else `master`.

        Raises:
            GitError: none of them exists.
        """
        for candidate in ("origin/HEAD", "main", "master", "origin/main", "origin/master"):
            proc = self.run("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}", check=False)
            if proc.strip():
                return candidate
        raise GitError("cannot find the default branch (tried origin/HEAD, main, master)", path=self.repo,
                       hint="pass --base REV")

    # -- contents ---------------------------------------------------------------------------------

    def changed_files(self, base: str, head: str) -> list[ChangedFile]:
        """List the files that differ between two revisions (`head` may be `WORKTREE`)."""
        args = ["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-textconv", "--end-of-options", base]
        if head != WORKTREE:
            args.append(head)
        args.append("--")
        fields = self.run(*args).split(b"\0")
        result: list[ChangedFile] = []
        i = 0
        while i < len(fields) and fields[i]:
            status = fields[i].decode()
            if status[0] in "RC":
                old, new = fields[i + 1], fields[i + 2]
                result.append(ChangedFile(status[0], _decode_path(new), _decode_path(old)))
                i += 3
            else:
                result.append(ChangedFile(status[0], _decode_path(fields[i + 1])))
                i += 2
        if head == WORKTREE:
            for path in self.run("ls-files", "-z", "--others", "--exclude-standard").split(b"\0"):
                if path:
                    result.append(ChangedFile("A", _decode_path(path)))
        return result

    def ls_tree(self, rev: str, paths: Sequence[str] = (), *, recursive: bool = False,
                sizes: bool = False) -> list[TreeEntry]:
        """List tree entries at a revision with one `git ls-tree`.

        Paths are repository-relative and taken literally (no wildcards, no `:(magic)`), whatever folder
        `repo` is. Without paths the top folder is listed. As in git, a path names that entry (a folder
        path lists the folder itself), a path ending in `/` lists the folder's entries, and several paths
        into one folder may list all of its entries: callers pick the paths they want from the answer.

        Args:
            rev: A revision (never `WORKTREE`); it is passed after `--end-of-options`.
            paths: Paths to list (default: the top folder).
            recursive: Descend into folders, listing the files inside (folders themselves are not listed).
            sizes: Also learn each blob's size (`TreeEntry.size`).

        Returns:
            The entries, in git's order.

        Raises:
            GitError: the revision is unknown, a path is empty, holds a NUL or leaves the repository, or git
                answers something that is not an `ls-tree` listing.
        """
        if rev == WORKTREE:
            raise ValueError("ls_tree reads a revision; list the work tree with list_files or list_entries")
        for path in paths:
            if not path or "\0" in path:
                raise GitError(f"cannot list the path {path!r} at {rev!r}: it is empty or holds a NUL byte",
                               path=self.repo)
        args = ["ls-tree", "-z", "--full-tree"]  # and --literal-pathspecs, as on every call (`_SAFE_OPTIONS`)
        if recursive:
            args.append("-r")
        if sizes:
            args.append("-l")
        # NOTE: no `--` after the revision: once `--end-of-options` ends option parsing, ls-tree takes a `--`
        # for a path (and lists a file of that name). git takes the paths relative to the folder it runs in,
        # even with --full-tree, so it runs at the top.
        out = self.run(*args, "--end-of-options", rev, *paths, cwd=self._toplevel_dir() if paths else None)
        return [_tree_entry(record, sizes) for record in out.split(b"\0") if record]

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes | None]:
        """Read blobs by object id with one `git cat-file --batch`.

        Args:
            oids: Full object ids (duplicates are read once).

        Returns:
            Each id's contents; None for an id that is missing, is not a blob (a tree, a commit) or is not
            a full object id (an abbreviated id or a name is never passed to git).

        Raises:
            GitError: git failed, or answered something that is not the batch format.
        """
        result: dict[str, bytes | None] = dict.fromkeys(oids)
        asked = [oid for oid in result if _OID.fullmatch(oid)]
        if not asked:
            return result
        out = self.run("cat-file", "--batch", input_bytes="".join(f"{oid}\n" for oid in asked).encode("ascii"))
        pos = 0
        for oid in asked:
            # Each answer: `<oid> <type> <size>\n<contents>\n`, or `<oid> missing\n`.
            end = out.find(b"\n", pos)
            header = out[pos:end].split(b" ") if end >= 0 else []
            name = oid.lower().encode("ascii")
            if len(header) == 2 and header[0].lower() == name and header[1] in _NO_OBJECT:
                pos = end + 1
                continue
            if len(header) != 3 or header[0].lower() != name or not header[2].isdigit():
                raise GitError(f"`git cat-file --batch` gave an answer depgate does not understand for {oid}",
                               path=self.repo)
            start, size = end + 1, int(header[2])
            if out[start + size:start + size + 1] != b"\n":
                raise GitError(f"`git cat-file --batch` cut the contents of {oid} short", path=self.repo)
            if header[1] == b"blob":
                result[oid] = out[start:start + size]
            pos = start + size + 1
        return result

    def list_files(self, rev: str, under: str = "") -> list[str]:
        """List the regular files (blobs) at a revision, optionally only under a folder."""
        if rev == WORKTREE:
            args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]
            if under:
                args += ["--", under]
            paths = [_decode_path(p) for p in self.run(*args).split(b"\0") if p]
            return sorted(p for p in paths if (self.repo / p).is_file() and not (self.repo / p).is_symlink())
        return sorted(entry.path for entry in self.ls_tree(rev, [under] if under else [], recursive=True)
                      if entry.is_file)

    def list_entries(self, rev: str, under: str) -> list[tuple[str, str]]:
        """List `(path, kind)` directly under a folder at a revision; kind is `file`, `dir`, `link` or `other`."""
        if rev == WORKTREE:
            folder = self.repo / under
            if not folder.is_dir():
                return []
            out = []
            for child in sorted(folder.iterdir()):
                kind = ("link" if child.is_symlink() else "dir" if child.is_dir()
                        else "file" if child.is_file() else "other")
                out.append((f"{under.rstrip('/')}/{child.name}", kind))
            return out
        folder = under.strip("/")
        listed = self.ls_tree(rev, [] if folder in ("", ".") else [folder + "/"])  # `.` and `` are the top folder
        return [(entry.path, kind_label(entry)) for entry in listed]

    def read(self, rev: str, path: str) -> bytes | None:
        """Return a file's bytes at a revision, or None when there is no blob at that path.

        NOTE: at a revision, a symbolic link is a blob holding its target's name; callers that must
        skip links learn the kind from `list_files` or `list_entries` first. In the work tree, links
        and files outside the repository are never read.
        """
        key = (rev, path)
        if key in self._blob_cache:
            return self._blob_cache[key]
        if rev == WORKTREE:
            full = self.repo / path
            data = full.read_bytes() if full.is_file() and not full.is_symlink() and _inside(self.repo, full) else None
        else:
            data = self.read_many(rev, [path]).get(path)
        self._blob_cache[key] = data
        return data

    def read_many(self, rev: str, paths: Sequence[str]) -> dict[str, bytes | None]:
        """Read many files at one revision: one `ls_tree` for their object ids, one `read_blobs` for the contents.

        Any file name works (newlines, spaces, bytes that are not UTF-8, wildcard characters). A path that
        is not a blob (missing, a folder, a submodule), is empty or leaves the repository reads as None.
        """
        if rev == WORKTREE:
            return {p: self.read(rev, p) for p in paths}
        result: dict[str, bytes | None] = {}
        wanted: dict[str, str] = {}  # path as asked -> path as git lists it
        for path in paths:
            if (rev, path) in self._blob_cache:
                result[path] = self._blob_cache[(rev, path)]
            elif (listed := _tree_path(path)) is None:
                result[path] = None
            else:
                wanted[path] = listed
        if wanted:
            names = set(wanted.values())
            found = {entry.path: entry for entry in self.ls_tree(rev, sorted(names))
                     if entry.path in names and entry.kind == "blob"}
            blobs = self.read_blobs(entry.oid for entry in found.values())
            for path, listed in wanted.items():
                entry = found.get(listed)
                result[path] = data = None if entry is None else blobs.get(entry.oid)
                self._blob_cache[(rev, path)] = data
        return result

    def _toplevel_dir(self) -> Path:
        """The folder git takes repository-relative paths from: the work tree's top, or `repo` when bare."""
        if self._top is None:
            if (self.repo / ".git").exists():
                self._top = self.repo  # git looks no further up than a `.git` entry: no process needed
            else:
                cdup = _decode_path(self.run("rev-parse", "--show-cdup", check=False)).strip("\n")
                self._top = self.repo / cdup if cdup else self.repo
        return self._top

    def message(self, rev: str) -> str:
        """Return one commit's full message."""
        if rev == WORKTREE:
            rev = "HEAD"
        out = self.run("log", "-1", "--format=%B", "--end-of-options", rev, "--")
        return out.decode("utf-8", "replace").strip("\n")

    def first_parent_commits(self, rev_range: str) -> list[str]:
        """List the first-parent commits of a range (`A..B`), oldest first."""
        return self.text("rev-list", "--first-parent", "--reverse", "--end-of-options", rev_range, "--").split()


    def first_parent_log(self, rev: str, *, limit: int | None = None) -> list[LogCommit]:
        """Walk the first-parent history of a revision with one `git log`, newest first.

        Each commit comes with the files it changed against its first parent (renames detected with `-M`,
        blob ids in full), so the contents of any version can be read later with `read_blobs`.

        Args:
            rev: A revision (validated by `resolve` first; it is passed after `--end-of-options`).
            limit: Read at most this many commits (the newest).

        Returns:
            The commits, newest first.

        Raises:
            GitError: git failed, or answered something that is not the requested format.
        """
        args = ["log", "-z", "--first-parent", "--diff-merges=first-parent", "--root", "--raw", "--no-abbrev",
                "-M", "--no-color", "--no-relative", "--no-notes", "--encoding=UTF-8",
                "--format=%H%x00%P%x00%ct%x00%B"]
        if limit is not None:
            args.append(f"--max-count={max(limit, 0)}")
        return _parse_log(self.run(*args, "--end-of-options", rev, "--"))

    def commit_messages(self, include: Sequence[str],
                        exclude: Sequence[str] = ()) -> list[tuple[str, tuple[str, ...], str]]:
        """Read the commits reachable from `include` but not from `exclude` with one `git log`, parents first.

        Args:
            include: Full commit ids.
            exclude: Full commit ids.

        Returns:
            `(sha, parents, full message)` of each commit, in topological order (a commit after its parents).

        Raises:
            GitError: an id is not a full object id, or git failed or answered in another shape.
        """
        for oid in (*include, *exclude):
            if not _OID.fullmatch(oid):
                raise GitError(f"not a full commit id: {oid!r}", path=self.repo)
        if not include:
            return []
        out = self.run("log", "-z", "--topo-order", "--reverse", "--no-color", "--no-notes", "--encoding=UTF-8",
                       "--format=%H%x00%P%x00%B", "--end-of-options", *include, *(f"^{oid}" for oid in exclude), "--")
        tokens = out.split(b"\0")
        if tokens and tokens[-1] == b"":
            tokens.pop()
        if len(tokens) % 3:
            raise _log_error(tokens[-1] if tokens else b"")
        result = []
        for i in range(0, len(tokens), 3):
            sha, parents = tokens[i].decode("ascii", "replace"), tuple(tokens[i + 1].decode("ascii", "replace").split())
            if not _OID.fullmatch(sha) or not all(_OID.fullmatch(p) for p in parents):
                raise _log_error(tokens[i])
            result.append((sha, parents, tokens[i + 2].decode("utf-8", "replace").strip("\n")))
        return result


def _tree_entry(record: bytes, sizes: bool) -> TreeEntry:
    """Parse one NUL-terminated `ls-tree` record: `<mode> <kind> <oid>[ <size>]\t<path>`.

    Raises:
        GitError: the record does not have that shape.
    """
    meta, tab, raw_path = record.partition(b"\t")
    fields = [field.decode("ascii", "replace") for field in meta.split()]
    size_field = fields[3] if sizes and len(fields) == 4 else "-"
    if (not tab or not raw_path or len(fields) != (4 if sizes else 3) or len(fields[0]) != 6
            or not fields[0].isdigit() or fields[1] not in _ENTRY_KINDS or not _OID.fullmatch(fields[2])
            or not (size_field == "-" or size_field.isdigit())):
        raise GitError(f"`git ls-tree` gave a line depgate does not understand: {record[:200]!r}")
    size = int(size_field) if size_field.isdigit() else None
    return TreeEntry(fields[0], fields[1], fields[2], _decode_path(raw_path), size)


def _parse_log(out: bytes) -> list[LogCommit]:
    """Parse `git log -z --raw --format=%H%x00%P%x00%ct%x00%B` output.

    The output is NUL-separated: four header fields per commit, then, when the commit changed files, raw
    records (`:<modes> <oids> <status>`, the first one after a line break) each followed by one path, or two
    for a rename. A message cannot hold a NUL, so every token's place is known.

    Raises:
        GitError: the output does not have that shape.
    """
    tokens = out.split(b"\0")
    if tokens and tokens[-1] == b"":
        tokens.pop()
    commits: list[LogCommit] = []
    i = 0
    while i < len(tokens):
        if i + 4 > len(tokens):
            raise _log_error(tokens[i])
        sha, parents, stamp, message = tokens[i:i + 4]
        sha_text = sha.decode("ascii", "replace")
        parent_ids = tuple(parents.decode("ascii", "replace").split())
        if (not _OID.fullmatch(sha_text) or not all(_OID.fullmatch(p) for p in parent_ids)
                or not stamp.lstrip(b"-").isdigit()):
            raise _log_error(sha)
        i += 4
        changes: list[RawChange] = []
        while i < len(tokens) and tokens[i].lstrip(b"\n").startswith(b":"):
            meta = tokens[i].lstrip(b"\n")[1:].decode("ascii", "replace").split(" ")
            if len(meta) != 5 or not meta[4] or meta[4][0] not in "AMDRTCU":
                raise _log_error(tokens[i])
            two = meta[4][0] in "RC"
            if i + (3 if two else 2) > len(tokens):
                raise _log_error(tokens[i])
            status = meta[4][0]
            if two:
                old, new = _decode_path(tokens[i + 1]), _decode_path(tokens[i + 2])
                changes.append(RawChange(status, new, old, meta[2], meta[3], meta[1]))
                i += 3
            else:
                changes.append(RawChange(status, _decode_path(tokens[i + 1]), None, meta[2], meta[3], meta[1]))
                i += 2
        commits.append(LogCommit(sha_text, parent_ids, int(stamp), message.decode("utf-8", "replace").strip("\n"),
                                 tuple(changes)))
    return commits


def _log_error(token: bytes) -> GitError:
    return GitError(f"`git log` gave output depgate does not understand near {token[:120]!r}")


def kind_label(entry: TreeEntry) -> str:
    """The `Tree.entries` word for an entry's kind."""
    if entry.is_dir:
        return "dir"
    if entry.is_link:
        return "link"
    return "file" if entry.is_file else "other"


def _tree_path(path: str) -> str | None:
    """The path as `ls-tree` lists it (`./a//b` is `a/b`), or None when no blob can have it."""
    if not path or "\0" in path or path.startswith("/"):
        return None
    listed = posixpath.normpath(path)
    if listed in (".", "..") or listed.startswith("../"):
        return None
    return listed


def _decode_path(raw: bytes) -> str:
    # NOTE: names that are not UTF-8 are kept readable and round-trip through surrogateescape.
    return raw.decode("utf-8", "surrogateescape")


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
