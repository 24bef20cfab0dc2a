"""Read-only access to a git repository through the `git` command.

Everything depgate knows about revisions comes from here: file contents at a revision, the changed
paths between two revisions, commit messages. Nothing here checks anything out or runs hooks, and
all output is read with `-z` so unusual file names survive.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from depgate.errors import GitError

#: The pseudo-revision meaning "the files in the work tree, as they are now".
WORKTREE = "WORKTREE"

# Keep git from reading user or system configuration that could run programs (pagers, fsmonitor,
# textconv) or change output formats.
_GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "LC_ALL": "C",
}
_SAFE_OPTIONS = ("-c", "core.quotepath=off", "-c", "core.fsmonitor=false", "-c", "diff.external=",
                 "-c", "core.hooksPath=/dev/null")


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


class Git:
    """A repository on disk, read through the git command line."""

    def __init__(self, repo: Path | str):
        self.repo = Path(repo)
        self._blob_cache: dict[tuple[str, str], bytes | None] = {}

    # -- plumbing ---------------------------------------------------------------------------------

    def run(self, *args: str, check: bool = True, input_bytes: bytes | None = None) -> bytes:
        """Run git and return its standard output.

        Raises:
            GitError: git is missing, or exited non-zero while `check` is true.
        """
        env = {**os.environ, **_GIT_ENV}
        try:
            proc = subprocess.run(
                ["git", *_SAFE_OPTIONS, *args],
                cwd=self.repo,
                env=env,
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
        proc = subprocess.run(
            ["git", *_SAFE_OPTIONS, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
            cwd=self.repo, env={**os.environ, **_GIT_ENV}, capture_output=True, check=False,
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
        args = ["diff", "--name-status", "-z", "-M", "--no-ext-diff", "--no-textconv", base]
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

    def list_files(self, rev: str, under: str = "") -> list[str]:
        """List the regular files (blobs) at a revision, optionally only under a folder."""
        if rev == WORKTREE:
            args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]
            if under:
                args += ["--", under]
            paths = [_decode_path(p) for p in self.run(*args).split(b"\0") if p]
            return sorted(p for p in paths if (self.repo / p).is_file() and not (self.repo / p).is_symlink())
        args = ["ls-tree", "-r", "-z", "--full-tree", rev]
        if under:
            args += ["--", under]
        files = []
        for entry in self.run(*args).split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, _ = meta.split(b" ", 2)
            if kind == b"blob" and mode in (b"100644", b"100755"):
                files.append(_decode_path(path))
        return sorted(files)

    def list_entries(self, rev: str, under: str) -> list[tuple[str, str]]:
        """List `(path, kind)` directly under a folder at a revision; kind is `file`, `dir`, `link` or `other`."""
        if rev == WORKTREE:
            folder = self.repo / under
            if not folder.is_dir():
                return []
            out = []
            for child in sorted(folder.iterdir()):
                kind = "link" if child.is_symlink() else "dir" if child.is_dir() else "file" if child.is_file() else "other"
                out.append((f"{under.rstrip('/')}/{child.name}", kind))
            return out
        out = []
        for entry in self.run("ls-tree", "-z", "--full-tree", rev, "--", under.rstrip("/") + "/").split(b"\0"):
            if not entry:
                continue
            meta, _, path = entry.partition(b"\t")
            mode, kind, _ = meta.split(b" ", 2)
            label = {b"tree": "dir", b"commit": "other"}.get(kind, "link" if mode == b"120000" else "file")
            out.append((_decode_path(path), label))
        return out

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

    def read_many(self, rev: str, paths: list[str]) -> dict[str, bytes | None]:
        """Read many files at one revision with a single `git cat-file --batch`."""
        if rev == WORKTREE:
            return {p: self.read(rev, p) for p in paths}
        if not paths:
            return {}
        request = b"".join(f"{rev}:{p}\n".encode() for p in paths)
        out = self.run("cat-file", "--batch", input_bytes=request)
        result: dict[str, bytes | None] = {}
        pos = 0
        for p in paths:
            end = out.index(b"\n", pos)
            header = out[pos:end].split(b" ")
            pos = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                result[p] = out[pos:pos + size]
                pos += size + 1
            elif len(header) == 3:  # a tree or a submodule commit: its contents follow, skip them
                pos += int(header[2]) + 1
                result[p] = None
            else:  # "<name> missing"
                result[p] = None
            self._blob_cache[(rev, p)] = result[p]
        return result

    def commit_messages(self, base: str, head: str) -> list[str]:
        """Return the full messages of the commits in `base..head`, oldest first."""
        if head == WORKTREE:
            head = "HEAD"
        out = self.run("log", "--reverse", "--format=%B%x00", f"{base}..{head}", "--")
        return [m.strip("\n") for m in out.decode("utf-8", "replace").split("\0") if m.strip()]

    def message(self, rev: str) -> str:
        """Return one commit's full message."""
        if rev == WORKTREE:
            rev = "HEAD"
        return self.run("log", "-1", "--format=%B", rev, "--").decode("utf-8", "replace").strip("\n")

    def first_parent_commits(self, rev_range: str) -> list[str]:
        """List the first-parent commits of a range (`A..B`), oldest first."""
        return self.text("rev-list", "--first-parent", "--reverse", rev_range, "--").split()


def _decode_path(raw: bytes) -> str:
    # NOTE: names that are not UTF-8 are kept readable and round-trip through surrogateescape.
    return raw.decode("utf-8", "surrogateescape")


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
