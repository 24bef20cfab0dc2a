"""`depgate audit`: run the check on every merge of a history range, to measure the tool on real history."""

from __future__ import annotations

import gc
import json
from typing import TYPE_CHECKING

from depgate.commands._common import add_config_option, add_repo_option, load_config_file, write_output
from depgate.commands.check import build_report, commit_messages, load_check_config, open_repository, trusted_sha
from depgate.config import Config
from depgate.errors import DepgateError, UsageError
from depgate.git import Git
from depgate.report.escape import md_code, md_inline
from depgate.report.model import FailOn, Revision

if TYPE_CHECKING:
    import argparse

    from depgate.console import Console
    from depgate.report.model import Report

NAME = "audit"
HELP = "Check every first-parent commit (each merged pull request) of a range; JSON Lines plus a Markdown table."
#: The exit codes `depgate audit` can return (rendered in `--help` by `depgate.cli`): a commit that needs a DEP
#: is a finding in the output, not a failure.
EXIT_CODES = {
    0: "every commit of the range was examined (each record says its verdict or its error)",
    2: "usage or environment error (bad range, not a git repository, unreadable configuration)",
}
DESCRIPTION = """\
Run `depgate check` on each first-parent commit of A..B, that is on each pull request as it was merged
into the main branch: the change is the commit against its first parent, the title and body are the
commit's message, the configuration is read from the parent (as the check would have at the time).
Maintainers use it to see, on their own history, which merges needed a DEP and which had one.

Output: one JSON object per commit (the check's JSON report plus `commit`, `subject`) on stdout or
--output FILE, and a Markdown table (--markdown FILE) with a summary: how many merges needed a DEP,
how many had one. A commit that cannot be checked (a broken configuration at the time) is recorded with
its `error` instead of stopping the audit. Progress goes to stderr every --progress commits.

Exit code: 0 when the audit ran (its findings are data, not failures); 2 on a usage or git error.

examples:
  depgate audit --range v0.1.0..main --output audit.jsonl --markdown audit.md
  depgate audit --range HEAD~50..HEAD --config .github/depgate.yml
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    inputs = parser.add_argument_group("history")
    inputs.add_argument("--range", metavar="A..B", required=True, dest="rev_range",
                        help="the commits to audit: the first-parent commits reachable from B and not from A")
    add_repo_option(inputs, "the git repository to audit (a work tree or a bare repository)")
    add_config_option(inputs, "the one at each commit's parent; a file given here is used for every commit")
    output = parser.add_argument_group("output")
    output.add_argument("--output", metavar="FILE", default=None,
                        help="write the JSON Lines to FILE instead of stdout")
    output.add_argument("--markdown", metavar="FILE", default=None, help="write the Markdown table to FILE")
    output.add_argument("--progress", metavar="N", type=int, default=25,
                        help="report progress on stderr every N commits (0: never; default: 25)")


def audit_commit(git: Git, sha: str, config: Config | None) -> tuple[dict, Report | None]:
    """Check one commit against its first parent.

    Returns:
        The JSON record (with `error` when the commit could not be checked) and the report.
    """
    message = git.message(sha)
    subject, _, body = message.partition("\n")
    record: dict = {"commit": sha, "subject": subject.strip()}
    parents = git.text("rev-list", "--parents", "-n", "1", sha).split()[1:]
    if not parents:
        record["error"] = "root commit: nothing to compare it with"
        return record, None
    # The first parent is both the base branch's tip at the merge and the commit the change is diffed from.
    base = Revision(f"{sha[:12]}^1", parents[0], tip=parents[0])
    head = Revision(sha, sha)
    try:
        cfg = config or load_check_config(git, trusted_sha(base), None)
        report = build_report(git, base, head, config=cfg, title=subject.strip(), body=body.strip("\n"),
                              messages=commit_messages(git, parents[0], sha), fail_on=FailOn.REQUIRED)
    except DepgateError as exc:
        record["error"] = exc.describe()
        return record, None
    record.update(report.as_dict())
    return record, report


def _had_dep(record: dict) -> bool:
    return any(d.get("satisfies") for d in record.get("deps", []))


def markdown_table(records: list[dict], rev_range: str) -> str:
    """Render the audit as a Markdown summary and table (every string from history escaped)."""
    checked = [r for r in records if "error" not in r]
    needed = [r for r in checked if r["dep_required"]]
    had = [r for r in needed if r["satisfied"]]
    overridden = [r for r in needed if not r["satisfied"] and r.get("override")]
    counts = {v: sum(1 for r in checked if r["verdict"] == v) for v in ("required", "review", "not-required",
                                                                         "proposal")}
    lines = [
        f"### depgate audit of {md_code(rev_range)}",
        "",
        f"{len(records)} first-parent commit(s); {len(needed)} needed a DEP, {len(had)} of them had one"
        f"{f', {len(overridden)} overridden' if overridden else ''}; "
        + ", ".join(f"{n} {v}" for v, n in counts.items())
        + (f"; {len(records) - len(checked)} could not be checked" if len(checked) != len(records) else "")
        + ".",
        "",
        "| Commit | Subject | Verdict | Needed a DEP | Had one | DEPs | Changes |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in records:
        commit = md_code(r["commit"][:12])
        subject = md_inline(r["subject"], max_length=100)
        if "error" in r:
            lines.append(f"| {commit} | {subject} | error | | | | {md_inline(r['error'], max_length=120)} |")
            continue
        deps = ", ".join(md_inline(d["label"] or d["path"] or "?") for d in r["deps"])
        had_one = "yes" if _had_dep(r) else ("override" if r.get("override") and r["dep_required"] else "no")
        counts_text = ", ".join(f"{n} {k}" for k, n in r["counts"].items() if n)
        lines.append(f"| {commit} | {subject} | {r['verdict']} | {'yes' if r['dep_required'] else 'no'} | "
                     f"{had_one if r['dep_required'] else ''} | {deps} | {counts_text} |")
    return "\n".join(lines) + "\n"


#: Commits between two full garbage collections in a long audit.
_COLLECT_EVERY = 50


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    if ".." not in args.rev_range or args.rev_range.startswith("-"):
        raise UsageError(f"--range {args.rev_range!r} must have the form A..B (e.g. v0.1.0..main)")
    if args.progress < 0:
        raise UsageError("--progress must be 0 or more")
    git = open_repository(args.repo)
    start, _, end = args.rev_range.partition("..")
    for rev in (start, end or "HEAD"):
        git.resolve(rev)  # a clear error (with the shallow-clone hint) before any work
    config = None if args.config is None else load_config_file(args.config)
    commits = git.first_parent_commits(args.rev_range)
    records: list[dict] = []
    lines: list[str] = []
    for index, sha in enumerate(commits, start=1):
        # A fresh reader per commit, so the blob cache does not grow with the length of the history.
        record, _ = audit_commit(Git(git.repo), sha, config)
        records.append(record)
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
        if args.output is None:
            console.out.write(line)  # streamed, so a long audit shows results as it goes
        else:
            lines.append(line)
        if args.progress and (index % args.progress == 0 or index == len(commits)):
            console.note(f"depgate audit: {index}/{len(commits)} commits checked")
        if index % _COLLECT_EVERY == 0:
            # The DEP reader pauses the cyclic collector (`no_gc_pauses`); over a long history the cycles
            # each check leaves behind would otherwise pile up (about 125 KB a commit). Collecting here rather
            # than inside `no_gc_pauses` is deliberate: there it cost `depgate index` 0.4 s CPU on 10,000 DEPs.
            gc.collect()
    if args.output is not None:
        write_output(args.output, "".join(lines), "the audit")
    if args.markdown is not None:
        write_output(args.markdown, markdown_table(records, args.rev_range), "the Markdown table")
    if not commits:
        console.note(f"depgate audit: no first-parent commit in {args.rev_range}")
    return 0

