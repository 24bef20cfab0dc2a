"""`depgate audit`: run the check on every merge of a history range, or per release between tags."""

from __future__ import annotations

import gc
import json
from typing import TYPE_CHECKING

from depgate.bump import parse_version
from depgate.commands._common import add_config_option, add_repo_option, load_config_file, write_output
from depgate.commands.check import build_report, commit_messages, load_check_config, open_repository, trusted_sha
from depgate.config import Config
from depgate.errors import DepgateError, UsageError
from depgate.git import Git
from depgate.report.escape import md_code, md_inline
from depgate.report.model import Bump, FailOn, Revision

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

With --releases, the unit is a release: for each release tag (X.Y.Z or vX.Y.Z) whose commit is in
A..B (every release tag when --range is omitted), its changes are the first-parent commits since the
previous release tag, and the record says which bump they needed (the largest `bump` of its commits, as
`depgate check` computes it, 0.x convention included) and which it got (the part of the version that
changed from the previous tag), and whether they agree. The first release has no previous one to compare.

Exit code: 0 when the audit ran (its findings are data, not failures); 2 on a usage or git error.

examples:
  depgate audit --range v0.1.0..main --output audit.jsonl --markdown audit.md
  depgate audit --range HEAD~50..HEAD --config .github/depgate.yml
  depgate audit --releases --range v0.2.0..main --format text
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    inputs = parser.add_argument_group("history")
    inputs.add_argument("--range", metavar="A..B", default=None, dest="rev_range",
                        help="the commits to audit: the first-parent commits reachable from B and not from A "
                        "(required without --releases; with it, the releases whose tag is in the range, default all)")
    inputs.add_argument("--releases", action="store_true",
                        help="audit per release tag: the bump each release's changes needed and the one it got")
    add_repo_option(inputs, "the git repository to audit (a work tree or a bare repository)")
    add_config_option(inputs, "the one at each commit's parent; a file given here is used for every commit")
    output = parser.add_argument_group("output")
    output.add_argument("--format", choices=("json", "text"), default="json",
                        help="json: one JSON object per line (default); text: one line per commit or release")
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


def _clean(text: str, limit: int = 100) -> str:
    # Terminal safety: a commit subject from history must not carry escape sequences.
    return "".join(ch if ch.isprintable() else " " for ch in text)[:limit]


def _text_line(record: dict) -> str:
    """One commit as a text line: commit, verdict, bump, subject (or the error)."""
    subject = _clean(record["subject"])
    if "error" in record:
        return f"{record['commit'][:12]}  error         {'-':<5}  {subject}: {record['error']}"
    return f"{record['commit'][:12]}  {record['verdict']:<12}  {record.get('bump', '-'):<5}  {subject}"


# -- per release ---------------------------------------------------------------------------------------------------

def version_change(old: str, new: str) -> Bump:
    """The bump between two release versions: the leftmost part that changed (`none` when they are equal).

    Examples:
        >>> [version_change("0.15.0", v).value for v in ("0.16.0", "0.15.1", "1.0.0", "0.15.0")]
        ['minor', 'patch', 'major', 'none']
    """
    before, after = parse_version(old), parse_version(new)
    if before is None or after is None:
        raise ValueError(f"not release versions: {old!r}, {new!r}")
    for part, level in zip(range(3), (Bump.MAJOR, Bump.MINOR, Bump.PATCH), strict=True):
        if before[part] != after[part]:
            return level
    return Bump.NONE


def release_tags(git: Git, rev_range: str | None) -> list[tuple[str | None, str]]:
    """The releases to audit, oldest first, as `(previous tag, tag)`; the previous is None for the first release.

    Release tags are `X.Y.Z` or `vX.Y.Z`, ordered by version; a tag's previous release is the highest lower
    version among the tags reachable from it. With a range A..B, the releases are the tags reachable from B and
    not from A.
    """
    names = [t for t in git.text("tag", "--list").split() if parse_version(t) is not None]
    chosen = names
    if rev_range is not None:
        start, _, end = rev_range.partition("..")
        merged = set(git.text("tag", "--merged", end or "HEAD").split())
        before = set(git.text("tag", "--merged", start).split()) if start else set()
        chosen = [t for t in names if t in merged and t not in before]
    order = sorted(names, key=lambda t: parse_version(t) or (0, 0, 0))
    pairs = []
    for tag in sorted(chosen, key=lambda t: parse_version(t) or (0, 0, 0)):
        reachable = set(git.text("tag", "--merged", tag).split())
        lower = [t for t in order[:order.index(tag)] if t in reachable]
        pairs.append((lower[-1] if lower else None, tag))
    return pairs


def audit_release(git: Git, previous: str | None, tag: str, config: Config | None) -> dict:
    """Audit one release: check each first-parent commit since `previous` and compare the bumps.

    Returns:
        The JSON record: `release`, `previous`, `got`, `needed`, `agrees`, `commits`, `needed_by` (the commits
        whose bump is the one needed), `errors` (commits that could not be checked).
    """
    version = ".".join(map(str, parse_version(tag) or ()))
    record: dict = {"release": tag, "version": version, "previous": previous}
    if previous is None:
        record["error"] = "the first release: no previous release tag to compare it with"
        return record
    commits = git.first_parent_commits(f"{previous}..{tag}")
    checked = [audit_commit(Git(git.repo), sha, config)[0] for sha in commits]
    ok = [r for r in checked if "error" not in r]
    needed = max((Bump(r["bump"]) for r in ok), key=Bump.rank, default=Bump.NONE)
    got = version_change(previous, tag)
    record.update({
        "got": got.value, "needed": needed.value, "agrees": got is needed,
        "direction": "agrees" if got is needed else "under" if got.rank() < needed.rank() else "over",
        "commits": len(commits),
        "needed_by": [{"commit": r["commit"], "subject": r["subject"], "verdict": r["verdict"]}
                      for r in ok if needed is not Bump.NONE and r["bump"] == needed.value],
        "errors": [{"commit": r["commit"], "error": r["error"]} for r in checked if "error" in r],
    })
    return record


def release_text(record: dict) -> str:
    """One release as a text line."""
    if "error" in record:
        return f"{record['release']:<10} {'':<10} {record['error']}"
    why = ", ".join(f"{r['commit'][:7]} {_clean(r['subject'], 60)}" for r in record["needed_by"][:2])
    more = f" (+{len(record['needed_by']) - 2} more)" if len(record["needed_by"]) > 2 else ""
    return (f"{record['release']:<10} {record['previous']:<10} got {record['got']:<5} needed {record['needed']:<5} "
            f"{record['direction']:<6} {record['commits']:>3} commit(s)" + (f"; needed by {why}{more}" if why else ""))


def releases_markdown(records: list[dict], rev_range: str | None) -> str:
    """Render the release audit as a Markdown table (every string from history escaped)."""
    compared = [r for r in records if "error" not in r]
    under = [r for r in compared if r["direction"] == "under"]
    lines = [f"### depgate audit of the releases{f' in {md_code(rev_range)}' if rev_range else ''}", "",
             f"{len(compared)} release(s) compared; {len(under)} got a smaller bump than their changes needed.", "",
             "| Release | Previous | Got | Needed | Agrees | Commits | Needed by |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in records:
        if "error" in r:
            lines.append(f"| {md_code(r['release'])} | | | | | | {md_inline(r['error'])} |")
            continue
        needed_by = "<br>".join(f"{md_code(c['commit'][:7])} {md_inline(c['subject'], max_length=80)}"
                                for c in r["needed_by"][:5])
        lines.append(f"| {md_code(r['release'])} | {md_code(r['previous'])} | {r['got']} | {r['needed']} | "
                     f"{r['direction']} | {r['commits']} | {needed_by} |")
    return "\n".join(lines) + "\n"


def _run_releases(args: argparse.Namespace, git: Git, config: Config | None, console: Console) -> int:
    pairs = release_tags(git, args.rev_range)
    records: list[dict] = []
    lines: list[str] = []
    for index, (previous, tag) in enumerate(pairs, start=1):
        record = audit_release(git, previous, tag, config)
        records.append(record)
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) if args.format == "json"
                else release_text(record)) + "\n"
        if args.output is None:
            console.out.write(line)
        else:
            lines.append(line)
        if args.progress and (index % args.progress == 0 or index == len(pairs)):
            console.note(f"depgate audit: {index}/{len(pairs)} releases checked")
        gc.collect()  # a release is many checks; see `run` for why the collector is run by hand
    if args.output is not None:
        write_output(args.output, "".join(lines), "the audit")
    if args.markdown is not None:
        write_output(args.markdown, releases_markdown(records, args.rev_range), "the Markdown table")
    if not pairs:
        where = f"in {args.rev_range}" if args.rev_range else "found"
        console.note(f"depgate audit: no release tag (X.Y.Z or vX.Y.Z) {where}")
    return 0


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    if args.rev_range is None and not args.releases:
        raise UsageError("--range A..B is required (or --releases, to audit every release tag)")
    if args.rev_range is not None and (".." not in args.rev_range or args.rev_range.startswith("-")):
        raise UsageError(f"--range {args.rev_range!r} must have the form A..B (e.g. v0.1.0..main)")
    if args.progress < 0:
        raise UsageError("--progress must be 0 or more")
    git = open_repository(args.repo)
    if args.rev_range is not None:
        start, _, end = args.rev_range.partition("..")
        for rev in (start, end or "HEAD"):
            if rev:
                git.resolve(rev)  # a clear error (with the shallow-clone hint) before any work
    config = None if args.config is None else load_config_file(args.config)
    if args.releases:
        return _run_releases(args, git, config, console)
    commits = git.first_parent_commits(args.rev_range)
    records: list[dict] = []
    lines: list[str] = []
    for index, sha in enumerate(commits, start=1):
        # A fresh reader per commit, so the blob cache does not grow with the length of the history.
        record, _ = audit_commit(Git(git.repo), sha, config)
        records.append(record)
        line = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) if args.format == "json"
                else _text_line(record)) + "\n"
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

