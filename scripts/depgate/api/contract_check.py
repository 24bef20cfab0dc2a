"""`depgate check` and the committed API file (DEP-0004): is it current at head, and what the change does to it.

When the contract folder (`api.contract-dir`, default `api`) holds an API file at the base or at the head revision,
`check_contracts` renders the contract of the code at head from git objects (`depgate.api.contract.contracts`, with
its cache) and compares it with:

- the files committed at head: each one that disagrees, is missing or lists a package no longer analysed is an A910
  finding, whether the change forgot to update it or edited it by hand;
- the files at base: their unified diff with the head contract is what the job summary shows (`ContractDiff`).

A file the contract needs and that cannot be analysed fails closed as in `check`: its A901 finding is a problem of
the report, and nothing is said about the API file.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from depgate.diagnostics import Location, Severity
from depgate.errors import ConfigError
from depgate.git import WORKTREE
from depgate.rules import Rule

if TYPE_CHECKING:
    from collections.abc import Sequence

    from depgate.config import Config
    from depgate.diagnostics import Diagnostic
    from depgate.git import ChangedFile, Git
    from depgate.report.model import Report

__all__ = ["API_FILE_STALE", "ContractCheck", "ContractDiff", "check_contracts", "committed", "contract_dir"]

#: Lines of the contract diff kept in the report; the rest is counted (`ContractDiff.omitted`).
MAX_DIFF_LINES = 400
#: Characters of the contract diff kept in the report (a job summary holds at most 1 MiB).
MAX_DIFF_CHARS = 20_000
#: A committed API file larger than this is not read: no contract depgate writes comes near it.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Control characters other than the tab: a diff shown in Markdown must not carry terminal or line-breaking codes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")
_BACKTICKS = re.compile(r"`+")

API_FILE_STALE = Rule(
    "A910", "api-file-stale", Severity.WARNING,
    "The committed API file (`api.contract-dir`) must match the public API of the code at head.",
    "The API file is where reviewers, release notes and CODEOWNERS see the public API change. A change that alters "
    "the API without updating the file (or edits the file by hand) hides that change from them, and leaves the "
    "next pull request a diff that is not its own. The check runs only when the folder holds an API file at the "
    "base or the head revision; the contract is rendered from git objects, never from the checkout.",
    "Run `depgate api --write` and commit the files it changes. To make a stale file fail CI, also run "
    "`depgate api --check`.",
    "api",
    example_bad="# d9d/loop/__init__.py: def train(model, steps): ...  (was `def train(model)`)\n"
                "# api/d9d.api.md unchanged: `def d9d.loop.train(model)`",
    example_good="# api/d9d.api.md, rewritten by `depgate api --write`:\ndef d9d.loop.train(model, steps)",
)

RULES: tuple[Rule, ...] = (API_FILE_STALE,)


def contract_dir(value: str, source: str) -> str:
    """The configured contract folder as a clean repository-relative path (`""` for the top folder).

    Args:
        value: `api.contract-dir`.
        source: Where the configuration came from, for the error.

    Raises:
        ConfigError: the folder is absolute or leads outside the repository.
    """
    rel = value.replace("\\", "/").strip()
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if PurePosixPath(rel).is_absolute() or re.match(r"^[A-Za-z]:", rel) or ".." in parts or "\0" in rel:
        raise ConfigError(f"`api.contract-dir` must be a folder inside the repository, not {value!r}", path=source,
                          hint="give a path relative to the repository root, such as `api` or `docs/api`")
    return "/".join(parts)


@dataclass(frozen=True)
class ContractDiff:
    """The committed API files at base against the contract of the code at head, for the report.

    Attributes:
        directory: The contract folder (repository-relative; `""` is the top folder).
        files: The API files whose text at base differs from the head contract, sorted.
        stale: The API files committed at head that disagree with the head contract (A910), sorted.
        diff: Their unified diff (`a/` the file at base, `b/` the contract at head), cut after `MAX_DIFF_LINES`
            lines or `MAX_DIFF_CHARS` characters; control characters replaced.
        omitted: How many lines of the diff were cut.
    """

    directory: str
    files: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    diff: str = ""
    omitted: int = 0

    @property
    def fence(self) -> str:
        """A Markdown code fence longer than any run of backticks in `diff`, so the diff cannot close it."""
        return "`" * max(3, 1 + max((len(run) for run in _BACKTICKS.findall(self.diff)), default=0))

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates (`fence` is derived from `diff`; a reader recomputes it)."""
        return {"directory": self.directory, "files": list(self.files), "stale": list(self.stale),
                "diff": self.diff, "omitted": self.omitted, "fence": self.fence}


@dataclass(frozen=True)
class ContractCheck:
    """What `check_contracts` found.

    Attributes:
        diff: The contract diff for the report, or None when the API file is not in use or the change cannot
            touch it.
        findings: The A910 findings, one per API file that disagrees with the code at head.
        problems: A901 findings of files the contract needs and that cannot be analysed (fails closed), minus those
            the API analysis already reported.
    """

    diff: ContractDiff | None = None
    findings: tuple[Diagnostic, ...] = ()
    problems: tuple[Diagnostic, ...] = field(default=())

    def apply(self, report: Report) -> Report:
        """The report with the A910 findings after its reasons and the contract diff attached.

        A910 does not change the verdict: it is advice about a file, shown with the DEP links and process.
        """
        if self.diff is None and not self.findings:
            return report
        return replace(report, reasons=(*report.reasons, *self.findings), contract=self.diff)


def committed(git: Git, rev: str, folder: str) -> dict[str, int | None]:
    """The API files directly in the contract folder at a revision (or on disk), with their sizes when known.

    Only regular files count: a link or a folder named `*.api.md` is never read.
    """
    from depgate.api.contract import FILE_SUFFIX

    if rev == WORKTREE:
        where = git.repo / folder
        if where.is_symlink() or not where.is_dir():
            return {}
        return {f"{folder}/{p.name}" if folder else p.name: None for p in sorted(where.iterdir())
                if p.name.endswith(FILE_SUFFIX) and p.is_file() and not p.is_symlink()}
    entries = git.ls_tree(rev, [f"{folder}/"] if folder else [], sizes=True)
    return {e.path: e.size for e in sorted(entries, key=lambda e: e.path) if e.is_file
            and e.path.endswith(FILE_SUFFIX) and e.path.rpartition("/")[0] == folder}


def check_contracts(git: Git, base: str, head: str, changed: Sequence[ChangedFile], config: Config,
                    known: Sequence[Diagnostic] = ()) -> ContractCheck:
    """Compare the committed API files with the contract of the code at head.

    Nothing is read unless the change touches a Python file or an API file, and the folder holds an API file at
    base or at head: a repository that never ran `depgate api --write` pays one look at the changed paths.

    Args:
        git: The repository.
        base: The base commit (the merge-base the change is diffed from).
        head: The head commit, or `depgate.git.WORKTREE`.
        changed: The changed files.
        config: The configuration (from the base: `api.contract-dir` and the `[api]` the contract is made with).
        known: Problems already reported (the API analysis's A901), not repeated.

    Returns:
        The findings and the contract diff.

    Raises:
        ConfigError: `api.contract-dir` leads outside the repository.
    """
    from depgate.api.contract import FILE_SUFFIX, ContractError, contract_path, contracts

    folder = contract_dir(config.api.contract_dir, config.source)

    def is_api_file(path: str | None) -> bool:
        return path is not None and path.endswith(FILE_SUFFIX) and path.rpartition("/")[0] == folder

    touched = {p for c in changed for p in (c.path, c.old_path) if is_api_file(p)}
    if not touched and not any(p.endswith(".py") for c in changed for p in (c.path, c.old_path or "")):
        return ContractCheck()
    at_base, at_head = committed(git, base, folder), committed(git, head, folder)
    if not at_base and not at_head:
        return ContractCheck()
    try:
        found = contracts(git, head, config.api)
    except ContractError as exc:
        seen = {(d.code, d.location.path, d.location.line) for d in known}
        return ContractCheck(problems=tuple(d for d in exc.problems
                                            if (d.code, d.location.path, d.location.line) not in seen))
    wanted = {contract_path(folder, c.package): c.text for c in found}
    head_texts = _texts(git, head, at_head)
    base_texts = _texts(git, base, at_base)
    findings = []
    for path in sorted({*wanted, *at_head}):
        current, expected = head_texts.get(path), wanted.get(path)
        if current != expected:
            findings.append(_finding(path, current, expected, path in touched, path in at_base))
    parts = [_unified(base_texts.get(p), wanted.get(p), p) for p in sorted({*wanted, *at_base})
             if base_texts.get(p) != wanted.get(p)]
    files = tuple(sorted(p for p in {*wanted, *at_base} if base_texts.get(p) != wanted.get(p)))
    text, omitted = _bounded("".join(parts))
    diff = ContractDiff(folder, files, tuple(d.location.path for d in findings), text, omitted)
    return ContractCheck(diff, tuple(findings))


def _texts(git: Git, rev: str, listed: dict[str, int | None]) -> dict[str, str]:
    """The API files' texts; a file over `MAX_FILE_BYTES` reads as a marker no contract equals."""
    small = [p for p, size in listed.items() if size is None or size <= MAX_FILE_BYTES]
    out = {p: f"<{size} bytes: larger than any API file depgate writes>" for p, size in listed.items()
           if p not in small}
    data = git.read_many(rev, small) if rev != WORKTREE else {p: git.read(rev, p) for p in small}
    for path, blob in data.items():
        if blob is not None and len(blob) <= MAX_FILE_BYTES:
            out[path] = blob.decode("utf-8", "replace")
        elif blob is not None:
            out[path] = f"<{len(blob)} bytes: larger than any API file depgate writes>"
    return out


def _package(path: str) -> str:
    from depgate.api.contract import FILE_SUFFIX

    return path.rpartition("/")[2][: -len(FILE_SUFFIX)]


def _finding(path: str, current: str | None, expected: str | None, touched: bool, at_base: bool) -> Diagnostic:
    """The A910 finding of one API file that disagrees with the code at head, at its first differing line."""
    fix = "; run `depgate api --write` and commit the result"
    package = _package(path)
    if current is None:
        what = "was deleted by this change" if at_base else "is missing"
        return API_FILE_STALE.diagnostic(
            f"the API file {path} {what}, but package `{package}` has a public API at head{fix}",
            Location(path, None), details={"rev": "head", "state": "missing"})
    line = _first_difference(current, expected or "")
    if expected is None:
        message = f"the API file {path} lists package `{package}`, which is not analysed at head"
        state = "extra"
    elif touched:
        message = (f"the API file {path} was edited, but it does not match the public API of the code at head "
                   f"(first difference at line {line})")
        state = "edited"
    else:
        message = (f"the API file {path} does not match the public API of the code at head (first difference at "
                   f"line {line}), and this change does not update it")
        state = "stale"
    return API_FILE_STALE.diagnostic(message + fix, Location(path, line), details={"rev": "head", "state": state})


def _first_difference(current: str, expected: str) -> int:
    """The first line (1-based) of `current` that differs from `expected`, at most its last line."""
    have, want = current.splitlines(), expected.splitlines()
    for number, (a, b) in enumerate(zip(have, want, strict=False), start=1):
        if a != b:
            return number
    return max(1, min(len(have), len(want) + 1))


def _unified(old: str | None, new: str | None, path: str) -> str:
    """A unified diff of one API file; None is a missing file (`/dev/null`)."""
    lines = difflib.unified_diff((old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True),
                                 f"a/{path}" if old is not None else "/dev/null",
                                 f"b/{path}" if new is not None else "/dev/null")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _bounded(diff: str) -> tuple[str, int]:
    """The diff cut after `MAX_DIFF_LINES` lines or `MAX_DIFF_CHARS` characters, and how many lines were cut."""
    lines = _CONTROL.sub("\ufffd", diff).splitlines(keepends=True)
    kept, size = [], 0
    for line in lines:
        if len(kept) == MAX_DIFF_LINES or size + len(line) > MAX_DIFF_CHARS:
            break
        kept.append(line)
        size += len(line)
    return "".join(kept), len(lines) - len(kept)
