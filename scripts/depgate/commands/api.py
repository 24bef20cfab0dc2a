"""`depgate api`: the public API as a committed file, written, checked or compared between revisions (DEP-0004)."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TYPE_CHECKING

from depgate.commands._common import (
    add_config_option,
    add_repo_option,
    inside,
    load_command_config,
    resolve_root,
    write_output,
)
from depgate.errors import UsageError
from depgate.git import WORKTREE, Git

if TYPE_CHECKING:
    import argparse

    from depgate.api.contract import Contract
    from depgate.console import Console
    from depgate.diagnostics import Diagnostic

NAME = "api"
HELP = "Write the public API to api/<package>.api.md; --check fails when it is stale, --diff A..B compares."
DESCRIPTION = """\
List the public API of every analysed package in one Markdown file per package (the contract):
every public path with its kind, signature (parameters with kinds, annotations and defaults, return
annotation), bases, the decorators that change a contract (abstractmethod, property, classmethod,
staticmethod) and dataclass or pydantic fields, sorted, one object per line or block. A deprecated
object ends its first line with `[deprecated: <how>]`, one in the `api.experimental` tier with
`[experimental]`. The public surface is the one `depgate check` computes; nothing is imported or
run. The same tree always gives the same bytes. Format: docs/api-file.md.

--deprecated lists the public objects deprecated at a revision (the ones the contract tags): the
public path, how it was recognised (decorator, warning, docstring, module-getattr) and the file and
line of the mark; --format json gives the same as data.

A module file that does not parse and that the public surface needs stops the command (A901, with
its file and line): no contract is written or checked from a partial surface.

Exit codes: 0 written, current, diff or list printed; 1 a contract is stale (--check) or a file cannot be
analysed; 2 usage or environment error.

examples:
  depgate api --write                      # api/<package>.api.md from the files on disk
  depgate api --check                      # in CI: exit 1 with a unified diff when a file is stale
  depgate api --diff origin/main..HEAD     # the contract diff of a branch, from git objects
  depgate api --write --output-dir docs/api
  depgate api --deprecated --rev v1.2.0 --format json

The folder is `api.contract-dir` of the configuration (default: api); --output-dir overrides it.
"""



EXIT_CODES = {
    0: "written, current, or listed (--write, a current --check, --diff, --deprecated)",
    1: "a contract file is stale, missing or extra (--check), or a file the public API needs cannot be analysed",
}

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    action = parser.add_argument_group("action (exactly one)")
    modes = action.add_mutually_exclusive_group(required=True)
    modes.add_argument("--write", action="store_true",
                       help="write (or refresh) every package's contract, and remove those of packages gone")
    modes.add_argument("--check", action="store_true",
                       help="exit 1 with a unified diff when a committed contract is missing, stale or extra")
    modes.add_argument("--diff", metavar="A..B", default=None,
                       help="print the contract diff between two revisions (from git objects; writes nothing)")
    modes.add_argument("--deprecated", action="store_true",
                       help="list the public objects deprecated at --rev: path, how it was recognised, file:line")
    inputs = parser.add_argument_group("inputs")
    add_repo_option(inputs, "the git repository (a work tree, or a bare repository with --rev or --diff)")
    inputs.add_argument("--rev", metavar="REV", default=None,
                        help=f"the revision to read for --write, --check and --deprecated, or {WORKTREE} for the files "
                        "on disk "
                        f"(default: {WORKTREE}; HEAD in a bare repository)")
    add_config_option(inputs)
    output = parser.add_argument_group("output")
    output.add_argument("--output-dir", metavar="DIR", default=None,
                        help="folder of the contracts, relative to the repository root (default: `api.contract-dir` "
                        "of the configuration, else api)")
    output.add_argument("--format", choices=("text", "json"), default=None,
                        help="how --deprecated prints its list (default: text)")


def run(args: argparse.Namespace, console: Console) -> int:
    """Write, check or compare the API contracts; return the exit code."""
    from depgate.api.contract import ContractError

    try:
        return _run(args, console)
    except ContractError as exc:
        # Fails closed: every file the surface needs and cannot be analysed, then what to do; exit 1, as a finding.
        for problem in exc.problems:
            console.note(f"depgate: {_describe(problem)}")
        console.note(f"depgate: error: no API contract was written or checked\n  hint: {exc.hint}")
        return 1


def _run(args: argparse.Namespace, console: Console) -> int:
    root = resolve_root(args.repo)
    git = Git(root)
    config = load_command_config(root, args.config, console)
    folder = _folder(root, args.output_dir, config.api.contract_dir, config.source)
    if args.format is not None and not args.deprecated:
        raise UsageError("--format applies to --deprecated only", hint="drop --format, or add --deprecated")
    if args.diff is not None:
        if args.rev is not None:
            raise UsageError("--rev does not apply to --diff, which names both revisions",
                             hint="write --diff A..B with the revisions you want")
        return _diff(git, args.diff, folder, config.api, console)
    rev = args.rev or ("HEAD" if git.is_bare() else WORKTREE)
    if rev == WORKTREE and git.is_bare():
        raise UsageError(f"--rev {WORKTREE} needs a work tree, and this repository is bare",
                         hint="pass a revision to --rev")
    sha = rev if rev == WORKTREE else git.resolve(rev)
    if args.deprecated:
        return _deprecated(git, sha, config.api, args.format or "text", console)
    found = _contracts(git, sha, config.api, console)
    if args.write:
        if git.is_bare():
            raise UsageError("--write needs a work tree, and this repository is bare", hint="use --check or --diff")
        return _write(root, git, folder, found, console)
    return _check(git, sha, folder, found, console)


def _folder(root: Path, option: str | None, configured: str, source: str) -> str:
    """The contract folder as a clean repository-relative path: `--output-dir`, else `api.contract-dir`.

    Raises:
        UsageError: `--output-dir` lies outside the repository.
        ConfigError: `api.contract-dir` does (`depgate.api.contract_check.contract_dir` says how).
    """
    from depgate.api.contract_check import contract_dir

    if option is None:
        return contract_dir(configured, source)
    rel = option.replace("\\", "/").strip("/")
    if Path(option).is_absolute() or ".." in rel.split("/") or not inside(root, root / rel):
        raise UsageError("the contract folder must be inside the repository", path=option,
                         hint="pass --output-dir with a path relative to the repository root")
    return "" if rel in ("", ".") else rel


def _contracts(git: Git, rev: str, config: object, console: Console) -> list[Contract]:
    from depgate.api.contract import contracts

    found = contracts(git, rev, config)  # type: ignore[arg-type]
    for contract in found:
        for warning in contract.warnings:
            console.note(f"depgate: {_describe(warning)}")
    return found


def _describe(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.severity.label}: {diagnostic.location}: {diagnostic.code} {diagnostic.message}"


def _existing(git: Git, rev: str, folder: str) -> list[str]:
    """The contract files present in the folder at a revision (or on disk), sorted."""
    from depgate.api.contract_check import committed

    return sorted(committed(git, rev, folder))


def _write(root: Path, git: Git, folder: str, found: list[Contract], console: Console) -> int:
    from depgate.api.contract import contract_path

    wanted = {contract_path(folder, c.package): c.text for c in found}
    if wanted:
        try:
            (root / folder).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the contract folder: {exc.strerror or exc}", path=folder,
                             hint="check that the path is a writable folder") from None
    for path, text in sorted(wanted.items()):
        target = root / path
        if target.is_file() and not target.is_symlink() and target.read_bytes() == text.encode():
            console.print(f"unchanged {path}")
            continue
        if target.is_symlink():
            raise UsageError("the contract file is a symbolic link; depgate does not write through links",
                             path=path, hint="remove the link")
        write_output(target, text, "the API contract")
        console.print(f"wrote {path}")
    for path in _existing(git, WORKTREE, folder):
        if path not in wanted:
            (root / path).unlink()
            console.print(f"removed {path} (its package is no longer analysed)")
    if not found:
        console.note("depgate: note: no package found under the source roots (`api.source-roots`)")
    return 0


def _check(git: Git, rev: str, folder: str, found: list[Contract], console: Console) -> int:
    from depgate.api.contract import contract_path

    wanted = {contract_path(folder, c.package): c.text for c in found}
    stale = []
    for path in sorted({*wanted, *_existing(git, rev, folder)}):
        data = git.read(rev, path)
        current = None if data is None else data.decode("utf-8", "replace")
        expected = wanted.get(path)
        if current == expected:
            continue
        stale.append(path)
        console.out.write(_unified(current, expected, f"a/{path}", f"b/{path}"))
    for path in stale:
        what = "missing" if git.read(rev, path) is None else "extra" if path not in wanted else "stale"
        console.note(f"depgate: {path}: the API contract is {what}; run `depgate api --write` and commit it")
    if not stale:
        console.note(f"depgate: {len(wanted)} API contract(s) current")
    return 1 if stale else 0


def _diff(git: Git, spec: str, folder: str, config: object, console: Console) -> int:
    from depgate.api.contract import contract_path

    left, sep, right = spec.partition("..")
    if not sep or not left or not right or right.startswith("."):
        raise UsageError(f"--diff takes two revisions as A..B, not {spec!r}", hint="e.g. --diff origin/main..HEAD")
    sides = []
    for name in (left, right):
        sha = git.resolve(name)
        sides.append({contract_path(folder, c.package): c.text for c in _contracts(git, sha, config, console)})
    changed = 0
    for path in sorted({*sides[0], *sides[1]}):
        old, new = sides[0].get(path), sides[1].get(path)
        if old != new:
            changed += 1
            console.out.write(_unified(old, new, f"a/{path}", f"b/{path}"))
    if not changed:
        console.note(f"depgate: the public API contract is the same at {left} and {right}")
    return 0


def _deprecated(git: Git, rev: str, config: object, form: str, console: Console) -> int:
    """Print the deprecated public objects at a revision, as text lines or as JSON."""
    import json

    from depgate.api.contract import deprecated

    found, warnings = deprecated(git, rev, config)  # type: ignore[arg-type]
    for warning in warnings:
        console.note(f"depgate: {_describe(warning)}")
    if form == "json":
        data = {"schema_version": 1, "rev": rev, "deprecated": [d.details() for d in found]}
        console.out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    for item in found:
        where = f"{item.mark.path}:{item.mark.line}" if item.mark.line is not None else item.mark.path
        console.print(f"{item.path}  {item.mark.describe()}  {where}")
    console.note(f"depgate: {len(found)} deprecated public object(s)")
    return 0


def _unified(old: str | None, new: str | None, left: str, right: str) -> str:
    """A unified diff of two texts; None is a missing file (`/dev/null`)."""
    lines = difflib.unified_diff((old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True),
                                 left if old is not None else "/dev/null", right if new is not None else "/dev/null")
    return "".join(lines)
