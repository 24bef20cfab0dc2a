"""`depgate status`: where each proposal stands on the default branch, the evidence, and the repairs (DEP-0005)."""

from __future__ import annotations

import datetime as dt
import posixpath
from typing import TYPE_CHECKING

from depgate.commands._common import (
    OutputFormat,
    add_config_option,
    add_format_option,
    add_repo_option,
    created_date,
    inside,
    load_command_config,
    resolve_root,
    write_output,
)
from depgate.errors import DepgateError, GitError, UsageError
from depgate.proposals.evidence import Strength

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from depgate.config import Config
    from depgate.console import Console
    from depgate.git import Git
    from depgate.proposals.evidence import ProposalState, StatusReport

NAME = "status"
HELP = "Show where each proposal stands on the default branch, with evidence; --write applies the linked repairs."
#: The exit codes `depgate status` can return (rendered in `--help` by `depgate.cli`).
EXIT_CODES = {
    0: "the status was shown (and, with --write, the repairs written)",
    1: "--check: a repair is proposed",
    2: "usage or environment error (bad option or revision, unreadable configuration, a file that cannot be "
       "repaired safely)",
}
DESCRIPTION = """\
Read the first-parent history of the default branch (or --branch REV) and, for each proposal, gather
the evidence of where it stands: the commit that added it, the one that set its status, the code
changes that cite it (linked) or that added public symbols it names (inferred, read statically). From
that evidence come the repairs (S1xx: a status to move, `Implementation:` links to record) and the
nudges (S2xx: a stale draft, an accepted proposal with no implementation yet).

The proposals are read from the branch's git objects, not from the work tree. --write applies the
repairs backed by linked evidence to the files in the work tree: it changes only the `Status` value
and adds or extends one `Implementation:` line, keeping every other byte; a file whose work-tree
`Status` differs from the branch's is skipped with a note. Inferred repairs are written only with
--include-inferred, after a person has checked them.

Exit codes: 0 when it ran; 1 with --check when a repair is proposed (inferred ones included, unless
--no-infer); 2 on a usage or environment error.

examples:
  depgate status                          # where each proposal stands, and why
  depgate status --format json > status.json
  depgate status --write                  # apply the repairs backed by linked evidence
  depgate status --check --no-infer       # in CI: fail while a repair is pending
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    inputs = parser.add_argument_group("inputs")
    add_repo_option(inputs)
    add_config_option(inputs)
    inputs.add_argument("--branch", metavar="REV", default=None,
                        help="the branch (or any revision) whose history is read (default: the repository's "
                        "default branch: origin/HEAD, main or master; else HEAD)")
    inputs.add_argument("--today", metavar="YYYY-MM-DD", default=None,
                        help="the date the nudges (stale drafts) are measured from (default: today)")
    inputs.add_argument("--no-infer", action="store_true",
                        help="do not look for implementations that do not cite the proposal (faster; no S103)")
    output = parser.add_argument_group("output")
    add_format_option(output, (OutputFormat.TEXT, OutputFormat.JSON, OutputFormat.MARKDOWN),
                      "text for a terminal, json (versioned, for tools), markdown (for a job summary)")
    mode = parser.add_argument_group("mode (default: show the status)")
    mode.add_argument("--write", action="store_true",
                      help="apply the repairs backed by linked evidence to the documents in the work tree, atomically")
    mode.add_argument("--include-inferred", action="store_true",
                      help="with --write, also apply the repairs backed only by inferred evidence")
    mode.add_argument("--check", action="store_true", help="exit 1 when a repair is proposed")


def gather_status(git: Git, rev: str, config: Config, *, today: dt.date, infer: bool = True,
                  branch_name: str | None = None) -> StatusReport:
    """Read where every proposal stands at `rev`: its history, documents, evidence and repairs.

    The one pipeline behind `depgate status` and the action's scheduled index job. Documents are read from
    git objects at the branch's tip; nothing in the repository is imported or run.

    Args:
        git: The repository.
        rev: The branch or revision whose first-parent history is read.
        config: The configuration.
        today: The date nudges are measured from.
        infer: Look for inferred implementations (also needs `status.infer`); only open proposals (the draft
            and accepted statuses) are searched.
        branch_name: How the report names the branch (default: `rev`).

    Returns:
        The report.

    Raises:
        DepgateError: the revision does not exist, or the history or documents cannot be read.
    """
    from depgate.proposals.folder import load_folder
    from depgate.proposals.history import read_history
    from depgate.proposals.status import assess
    from depgate.tree import GitTree

    history = read_history(git, rev, config, branch=branch_name or rev)
    documents = load_folder(GitTree(git, history.tip), config.proposals)
    inferred: dict = {}
    problems: list = []
    if infer and config.status.infer:
        open_words = {config.status.draft.casefold(), config.status.accepted.casefold()}
        only = [doc.path for doc in documents if (doc.proposal.status or "").strip().casefold() in open_words]
        if only:
            from depgate.api.mentions import inferred_implementations  # the API reader loads only when needed

            inferred, problems = inferred_implementations(git, history, documents, config, only=only)
    return assess(documents, history, config, today=today, inferred=inferred, problems=problems)


def _branch(git: Git, value: str | None, console: Console) -> str:
    """The revision to read: `--branch`, else the default branch, else HEAD (with a note)."""
    if value is not None:
        git.resolve(value)  # a clear error naming the revision before any history is read
        return value
    try:
        return git.default_branch()
    except GitError:
        console.note("depgate: note: no default branch found (origin/HEAD, main, master); reading HEAD")
        return "HEAD"


def _render(report: StatusReport, fmt: str, color: bool) -> str:
    from depgate.report.status import status_json, status_markdown, status_text

    if fmt == OutputFormat.JSON.value:
        return status_json(report)
    if fmt == OutputFormat.MARKDOWN.value:
        return status_markdown(report)
    return status_text(report, color=color)


def _work_tree_status(root: Path, path: str, prefix: str) -> tuple[bytes | None, str | None]:
    """The work-tree bytes of a document and its `Status` as written (None, None when it is not a regular file)."""
    from depgate.proposals.reader import read_document, to_proposal
    from depgate.tree import DiskTree

    data = DiskTree(root).read(path)
    if data is None:
        return None, None
    return data, to_proposal(read_document(path, data), prefix).status


def write_repairs(root: Path, report: StatusReport, config: Config, console: Console, *,
                  include_inferred: bool = False) -> tuple[list[str], list[DepgateError]]:
    """Apply the report's repairs to the documents in the work tree at `root`.

    Only linked repairs, plus the inferred ones with `include_inferred`; a repair a person must decide (S101,
    accepting a draft) is never written. A document whose work-tree `Status` differs from the one the
    report read (someone already changed it), or that is missing or a link, is skipped with a note. Each file
    is written atomically; a document whose header cannot be edited safely is reported and left alone.

    Args:
        root: The work tree's root.
        report: The report whose repairs are applied.
        config: The configuration (for the numbering prefix).
        console: Where notes go.
        include_inferred: Also apply the repairs that only inferred evidence backs.

    Returns:
        The paths written, and the errors of the documents that could not be repaired.
    """
    from depgate.proposals.repair import apply_repairs

    written: list[str] = []
    errors: list[DepgateError] = []
    for state in report.proposals:
        # NOTE: only inferred repairs join the linked ones: a `record` repair (S101: accept a draft) is a person's
        # decision, never written.
        wanted = [r for r in state.repairs
                  if r.automatic or (include_inferred and r.strength is Strength.INFERRED)]
        if not wanted:
            continue
        if not inside(root, (root / state.path).parent):
            errors.append(UsageError("the document lies outside the repository; not written", path=state.path))
            continue
        data, status = _work_tree_status(root, state.path, config.proposals.prefix)
        skip = _skip_reason(state, data, status)
        if skip or data is None:
            console.note(f"depgate: note: {state.path}: {skip}; not written")
            continue
        try:
            new = apply_repairs(data, wanted, path=state.path, include_inferred=True)  # `wanted` is already chosen
            text = new.decode("utf-8")
        except DepgateError as exc:
            errors.append(exc)
            continue
        except UnicodeDecodeError:
            errors.append(UsageError("the document is not UTF-8 text; not written", path=state.path))
            continue
        if new == data:
            if state.proposed is not None and _same(status, state.proposed):  # a second run: say why nothing changed
                console.note(f"depgate: note: {state.path}: already repaired in the work tree; commit it")
            continue
        try:
            write_output(root / state.path, text, "the document")
        except DepgateError as exc:  # one unwritable file does not stop the others
            errors.append(exc)
            continue
        written.append(posixpath.normpath(state.path))
    return written, errors


def _same(one: str | None, other: str | None) -> bool:
    return (one or "").strip() == (other or "").strip()


def _skip_reason(state: ProposalState, data: bytes | None, status: str | None) -> str | None:
    if data is None:
        return "not a regular file in the work tree (missing, moved or a link)"
    # A document already moved to the proposed status (an earlier --write) still gets its missing links.
    if not _same(status, state.status) and not (state.proposed is not None and _same(status, state.proposed)):
        return (f"its Status in the work tree ({status or 'none'!s}) differs from the branch's "
                f"({state.status or 'none'!s})")
    return None


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    from depgate.git import Git

    if args.include_inferred and not args.write:
        raise UsageError("--include-inferred only applies with --write", hint="add --write, or drop --include-inferred")
    today = created_date(args.today, "--today")
    root = resolve_root(args.repo)
    config = load_command_config(root, args.config, console)
    git = Git(root)
    rev = _branch(git, args.branch, console)
    report = gather_status(git, rev, config, today=today, infer=not args.no_infer, branch_name=rev)
    console.out.write(_render(report, args.format, console.color))
    for problem in report.problems if args.format != OutputFormat.TEXT.value else ():  # text shows them
        console.note(f"depgate: warning: {problem.location.path + ': ' if problem.location.path else ''}"
                     f"{problem.code} {problem.message}")
    code = 0
    if args.write:
        written, errors = write_repairs(root, report, config, console, include_inferred=args.include_inferred)
        for path in written:
            console.note(f"depgate: wrote {path}")
        for error in errors:
            console.note(f"depgate: error: {error.describe()}")
        if written:
            console.note("depgate: run `depgate index --write` to bring the index up to date, then commit")
        elif not errors:
            console.note("depgate: nothing to write")
        if errors:
            code = 2
    if args.check and report.repairs and code == 0:
        pending = len(report.repairs)
        console.note(f"depgate: {pending} repair(s) proposed; run `depgate status` to see them and "
                     "`depgate status --write` to apply the linked ones")
        code = 1
    return code
