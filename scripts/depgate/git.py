"""Read-only access to a git repository through the `git` command.

Everything depgate knows about revisions comes from here: file contents at a revision, the changed
paths between two revisions, commit messages. Nothing here checks anything out or runs hooks, and
all output is read with `-z` so unusual file names survive.
"""

from __future__ import annotations

import os
import subprocess  # nosec B404 - git is run with an argument list, never through a shell (see SECURITY.md)
from dataclasses import dataclass
from pathlib import Path

from depgate.errors import GitError

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
})
# Settings a repository's own .git/config could use to run a program, switched off on every call
# (command-line settings win over the repository's); `log.showSignature` would run `gpg.program` on
# every signed commit a pull request brings. Filter drivers are handled per call
# (`Git._filter_overrides`): their names are the repository's.
_SAFE_OPTIONS = ("-c", "core.quotepath=off", "-c", "core.fsmonitor=false", "-c", "diff.external=",
                 "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat", "-c", "core.sshCommand=",
                 "-c", "core.untrackedCache=false", "-c", "log.showSignature=false")

# Commands that may read work-tree files (and so apply filter drivers to them).
_WORKTREE_COMMANDS = frozenset({"diff", "ls-files", "status", "add", "update-index", "hash-object"})


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


class Git:
    """A repository on disk, read through the git command line."""

    def __init__(self, repo: Path | str):
        self.repo = Path(repo)
        self._blob_cache: dict[tuple[str, str], bytes | None] = {}
        self._filters: tuple[str, ...] | None = None

    # -- plumbing ---------------------------------------------------------------------------------

    def run(self, *args: str, check: bool = True, input_bytes: bytes | None = None) -> bytes:
        """Run git and return its standard output.

        Raises:
            GitError: git is missing, or exited non-zero while `check` is true.
        """
        try:
            # git from the caller's PATH with an argument list (no shell); revisions come after
            # `--end-of-options` or are validated by `resolve`.
            proc = subprocess.run(  # nosec B603 B607 - see SECURITY.md, "bandit findings"
                ["git", *_SAFE_OPTIONS, *self._filter_overrides(args), *args],
                cwd=self.repo,
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

    def list_files(self, rev: str, under: str = "") -> list[str]:
        """List the regular files (blobs) at a revision, optionally only under a folder."""
        if rev == WORKTREE:
            args = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]
            if under:
                args += ["--", under]
            paths = [_decode_path(p) for p in self.run(*args).split(b"\0") if p]
            return sorted(p for p in paths if (self.repo / p).is_file() and not (self.repo / p).is_symlink())
        args = ["ls-tree", "-r", "-z", "--full-tree", "--end-of-options", rev]
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
                kind = ("link" if child.is_symlink() else "dir" if child.is_dir()
                        else "file" if child.is_file() else "other")
                out.append((f"{under.rstrip('/')}/{child.name}", kind))
            return out
        out = []
        for entry in self.run("ls-tree", "-z", "--full-tree", "--end-of-options", rev, "--",
                              under.rstrip("/") + "/").split(b"\0"):
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
        # NOTE: `cat-file --batch` takes one name per line, so a path holding a newline is read on its own;
        # names that are not UTF-8 go back to their original bytes (see `_decode_path`).
        plain = [p for p in paths if "\n" not in p]
        result: dict[str, bytes | None] = {p: self._read_odd(rev, p) for p in paths if "\n" in p}
        names = [f"{rev}:{p}".encode("utf-8", "surrogateescape") for p in plain]
        out = self.run("cat-file", "--batch", input_bytes=b"".join(name + b"\n" for name in names)) if plain else b""
        pos = 0
        for p, name in zip(plain, names, strict=True):
            end = out.index(b"\n", pos)
            line = out[pos:end]
            pos = end + 1
            header = line.split(b" ")
            if line == name + b" missing" or len(header) != 3 or not header[2].isdigit():
                result[p] = None  # "<name> missing" (the name may hold spaces)
            elif header[1] == b"blob":
                size = int(header[2])
                result[p] = out[pos:pos + size]
                pos += size + 1
            else:  # a tree or a submodule commit: its contents follow, skip them
                pos += int(header[2]) + 1
                result[p] = None
        for p in paths:
            self._blob_cache[(rev, p)] = result[p]
        return result

    def _read_odd(self, rev: str, path: str) -> bytes | None:
        """Read one blob whose path `cat-file --batch` cannot take (a newline in it), through its object id."""
        listing = self.run("--literal-pathspecs", "ls-tree", "-z", "--full-tree", rev, "--", path)
        for entry in listing.split(b"\0"):
            meta, _, raw = entry.partition(b"\t")
            fields = meta.split(b" ")
            if len(fields) == 3 and fields[1] == b"blob" and _decode_path(raw) == path:
                return self.run("cat-file", "blob", fields[2].decode("ascii"))
        return None

    def commit_messages(self, base: str, head: str) -> list[str]:
        """Return the full messages of the commits in `base..head`, oldest first."""
        if head == WORKTREE:
            head = "HEAD"
        out = self.run("log", "--reverse", "--format=%B%x00", "--end-of-options", f"{base}..{head}", "--")
        return [m.strip("\n") for m in out.decode("utf-8", "replace").split("\0") if m.strip()]

    def message(self, rev: str) -> str:
        """Return one commit's full message."""
        if rev == WORKTREE:
            rev = "HEAD"
        out = self.run("log", "-1", "--format=%B", "--end-of-options", rev, "--")
        return out.decode("utf-8", "replace").strip("\n")

    def first_parent_commits(self, rev_range: str) -> list[str]:
        """List the first-parent commits of a range (`A..B`), oldest first."""
        return self.text("rev-list", "--first-parent", "--reverse", "--end-of-options", rev_range, "--").split()


def _decode_path(raw: bytes) -> str:
    # NOTE: names that are not UTF-8 are kept readable and round-trip through surrogateescape.
    return raw.decode("utf-8", "surrogateescape")


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
