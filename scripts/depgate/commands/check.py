"""`depgate check`: classify a change by its public-API impact and check its DEP link."""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from depgate.api.contract_check import check_contracts
from depgate.bump import ProjectVersion, project_version
from depgate.commands._common import (
    CONFIG_SEARCH,
    OutputFormat,
    add_config_option,
    add_format_option,
    add_repo_option,
    load_config_file,
    report_notes,
    resolve_root,
    write_output,
)
from depgate.config import PYPROJECT, YAML_PATHS, load_config_from
from depgate.errors import ConfigError, GitError, UsageError
from depgate.git import WORKTREE, Git
from depgate.proposals.evidence import EvidenceKind
from depgate.proposals.folder import FolderDocument, load_folder
from depgate.proposals.lifecycle import Transition, evaluate, in_proposals_folder
from depgate.proposals.model import number_in_filename
from depgate.proposals.reader import MAX_BYTES as MAX_DOCUMENT_BYTES
from depgate.report import github as github_report
from depgate.report import json as json_report
from depgate.report import markdown as markdown_report
from depgate.report import text as text_report
from depgate.report.escape import encodable
from depgate.report.model import FailOn, Revision
from depgate.tree import DiskTree, GitTree
from depgate.verdict import CONVENTIONAL_SAMPLE, Facts, decide

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence

    from depgate.api import ApiDiff
    from depgate.api.kinds import ApiChange
    from depgate.config import Config
    from depgate.console import Console
    from depgate.diagnostics import Diagnostic
    from depgate.git import ChangedFile
    from depgate.proposals.evidence import History
    from depgate.report.model import Report
    from depgate.tree import Tree

log = logging.getLogger(__name__)

NAME = "check"
HELP = "Classify a change by its public-API impact and check that it links the DEP it needs."
#: The exit codes `depgate check` can return (rendered in `--help` by `depgate.cli`).
EXIT_CODES = {
    0: "the check passes (no unmet DEP requirement, or it is overridden; see --fail-on)",
    1: "a required DEP is missing (no override) or a linked DEP is an error; with --fail-on review, also the "
       "verdict review",
    2: "usage or environment error (bad option, not a git repository, invalid configuration at the base)",
}
DESCRIPTION = """\
Compare two revisions statically (nothing is imported or run) and decide what the change needs:

  required      it breaks the public API, or adds an abstraction or a distributed strategy: a DEP is required
  review        public additions only, or a changed file that does not parse
  not-required  no public-API impact
  proposal      the change only adds or edits DEP documents

A required DEP is satisfied when the change adds or edits a DEP document, or when its title, body or
commit messages reference one (DEP-0008, DEP 8, deps/0008-slug.md), and that DEP exists at head with
an accepted status (Accepted, Implemented, Active; any status when the change adds it). A reference
to a missing, Rejected, Withdrawn or Superseded DEP is an error; to a Draft one, a warning. A body
line `DEP: none — <reason>` (or the `dep-not-needed` label) overrides the requirement; the override
is always reported.

Defaults: --head is HEAD, --base is the merge-base of --head with the default branch (origin/HEAD,
else main, else master); an explicit --base is also reduced to the merge-base, as GitHub's "Files
changed" tab does. The title and body default to the head commit's message. The configuration is
read from the BASE revision as given, its tip, not from the merge-base (a pull request can neither
change its own check nor pick an old, looser configuration by branching from an old commit);
--config FILE (a file on disk, relative to the current directory) replaces it. Works in a bare
repository (revisions only). In a shallow clone, depgate refuses to guess a merge-base and says
what to fetch (`fetch-depth: 0` in actions/checkout).

examples:
  depgate check                                   # this branch against its merge-base with main
  depgate check --base origin/main --format markdown > summary.md
  depgate check --head WORKTREE                   # uncommitted work, before committing
  depgate check --base "$BASE_SHA" --head "$HEAD_SHA" --title "$TITLE" --body-file body.txt \\
      --labels "$LABELS" --format json --link-base https://github.com/OWNER/REPO
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    inputs = parser.add_argument_group("revisions")
    add_repo_option(inputs, "the git repository to check (a work tree or a bare repository)")
    inputs.add_argument("--base", metavar="REV", default=None,
                        help="the revision the change starts from; its merge-base with --head is used "
                        "(default: the default branch: origin/HEAD, else main, else master)")
    inputs.add_argument("--head", metavar="REV", default="HEAD",
                        help=f"the revision to check, or {WORKTREE} for the files as they are now (default: HEAD)")
    text = parser.add_argument_group("pull request")
    text.add_argument("--title", metavar="T", default=None,
                      help="the pull-request title (default: the subject of the head commit)")
    text.add_argument("--body-file", metavar="F", default=None,
                      help="file holding the pull-request body, `-` for stdin (default: the head commit's body)")
    text.add_argument("--labels", metavar="A,B", action="append", default=[],
                      help="pull-request labels, comma-separated (repeatable); an override label "
                      "(`verdict.override-labels`, default dep-not-needed) lets a missing DEP pass, on record")
    policy = parser.add_argument_group("policy")
    add_config_option(policy, f"the one at the BASE revision: {CONFIG_SEARCH}")
    policy.add_argument("--fail-on", choices=[f.value for f in FailOn], default=FailOn.REQUIRED.value,
                        help="exit 1 when: `required` a required DEP is missing or a linked DEP is an error; "
                        "`review` also for the verdict review; `never` never (default: required)")
    output = parser.add_argument_group("output")
    add_format_option(output, OutputFormat, "text for a terminal, json for tools (schema in docs/report.md), "
                      "markdown for a job summary or comment, github for annotations")
    output.add_argument("--template", metavar="FILE", default=None,
                        help="jinja2 template replacing the built-in Markdown report (default: "
                        "`verdict.summary-template` of the configuration, else the built-in one)")
    output.add_argument("--link-base", metavar="URL", default=None,
                        help="https://github.com/OWNER/REPO: in Markdown, link file:line to the compared commits "
                        "(default: no links)")
    output.add_argument("--json-file", metavar="FILE", default=None,
                        help="also write the JSON report to FILE (one analysis, several outputs)")
    output.add_argument("--markdown-file", metavar="FILE", default=None,
                        help="also write the Markdown report to FILE")


# -- gathering the facts ------------------------------------------------------------------------------------------

def open_repository(path: str | None) -> Git:
    """Open the repository at `path` (a work tree, a subfolder of one, or a bare repository; None: the cwd's).

    Raises:
        UsageError: the path is not a directory.
        GitError: it is not a git repository.
    """
    return Git(resolve_root(path))


def resolve_range(git: Git, base: str | None, head: str) -> tuple[Revision, Revision]:
    """Resolve the compared revisions: head as given, base as the merge-base of base (or the default branch) and head.

    The base `Revision` keeps both commits: `sha` is the merge-base, which the change is diffed from, and
    `tip` the commit the base names, which the trusted configuration is read from (see `trusted_sha`).

    Raises:
        UsageError: `WORKTREE` in a bare repository.
        GitError: a revision is unknown, the histories are unrelated, or the clone is too shallow to tell.
    """
    if head == WORKTREE:
        if git.is_bare():
            raise UsageError(f"--head {WORKTREE} needs a work tree, and this repository is bare",
                             hint="pass a revision to --head")
        head_sha = None
        head_commit = git.resolve("HEAD")
    else:
        head_commit = head_sha = git.resolve(head)
    shallow = git.is_shallow()
    if base is None:
        if shallow:
            raise GitError(
                "this is a shallow clone, so the merge-base with the default branch cannot be computed",
                path=git.repo,
                hint="fetch the full history: `fetch-depth: 0` in actions/checkout (or `git fetch --unshallow`), "
                "or pass --base with a revision present in the clone")
        base = git.default_branch()
    base_commit = git.resolve(base)
    merge_base = git.merge_base(base_commit, head_commit)
    return Revision(base, merge_base, tip=base_commit), Revision(head, head_sha)


def trusted_sha(base: Revision) -> str:
    """The commit whose configuration and summary template are trusted: the base's tip, else its resolved commit.

    Not the merge-base: it is picked by the pull request (branch from an old commit, get its old configuration).
    """
    return base.tip or base.sha or ""


def _decode(data: bytes | None) -> str | None:
    return None if data is None else data.decode("utf-8", "replace")


def load_check_config(git: Git, base_sha: str, explicit: str | None, *, base_name: str | None = None) -> Config:
    """Read the configuration from the base revision (trusted), or from `explicit` on disk (cwd-relative).

    Args:
        git: The repository.
        base_sha: The commit to read it from: `trusted_sha(base)`, the base's tip, never the merge-base.
        explicit: `--config`, a file on disk, or None.
        base_name: The base as the user named it (`main`), for the error message.

    Raises:
        ConfigError: the configuration is invalid. Read from the base, the message says so, and says how a fix
            can land: a pull request cannot fix the configuration that judges it.
    """
    if explicit is not None:
        return load_config_file(explicit)
    git.read_many(base_sha, [PYPROJECT, *YAML_PATHS])  # every candidate in one batch; `git.read` answers from it
    try:
        return load_config_from(lambda rel: _decode(git.read(base_sha, rel)))
    except ConfigError as exc:
        raise base_config_error(exc, base_sha, base_name) from None


def base_config_error(exc: ConfigError, base_sha: str, base_name: str | None = None) -> ConfigError:
    """Restate an error in the configuration read from the base revision, with how its fix can take effect.

    A pull request's own edit of the file is not read (that would let it change its own check), so fixing the
    file in the failing pull request does not help: the fix must be merged first, or a maintainer replaces the
    file for the run.
    """
    named = f"{base_name} at {base_sha[:12]}" if base_name and base_name != base_sha else base_sha[:12]
    hint = (f"{exc.hint}; " if exc.hint else "") + (
        "a fix made in this pull request is not used: merge it to the base branch first, or pass --config FILE "
        "(the action's `config` input)")
    return ConfigError(f"{exc.message} (read from the base revision, {named})",
                       path=exc.path, line=exc.line, hint=hint)


def _split_message(message: str) -> tuple[str, str]:
    subject, _, body = message.partition("\n")
    return subject.strip(), body.strip("\n")


def commit_messages(git: Git, base_sha: str, head: str) -> list[tuple[str, str]]:
    """Return `(source, message)` for every commit in `base..head`, oldest first."""
    head_rev = "HEAD" if head == WORKTREE else head
    out = git.run("log", "--reverse", "--format=%H%x00%B%x00", "--end-of-options", f"{base_sha}..{head_rev}", "--")
    parts = out.decode("utf-8", "replace").split("\0")
    messages = []
    for sha, message in zip(parts[0::2], parts[1::2], strict=False):
        sha = sha.strip()
        if sha:
            messages.append((f"commit {sha[:7]}", message.strip("\n")))
    return messages


def recent_subjects(git: Git, rev: str) -> tuple[str, ...]:
    """The subjects of the latest `CONVENTIONAL_SAMPLE` non-merge commits reachable from `rev`, newest first.

    Merges are left out: their subjects (`Merge pull request #12 from ...`) are written by GitHub, whatever the
    project's convention; the commits they bring in are read instead. One bounded `git log`.
    """
    out = git.run("log", "--no-merges", f"--max-count={CONVENTIONAL_SAMPLE}", "--format=%s%x00", "--end-of-options",
                  rev, "--")
    return tuple(s.strip("\n") for s in out.decode("utf-8", "replace").split("\0") if s.strip())


def read_project_version(git: Git, sha: str) -> ProjectVersion | None:
    """The project's version at `sha`, statically: `pyproject.toml`'s, else the latest release tag reachable from it.

    The tags are listed only when the file has no plain version (a dynamic one, or no file).
    """
    text = _decode(git.read(sha, PYPROJECT))
    found = project_version(text, ())
    if found is not None and found.source == PYPROJECT:
        return found
    tags = git.text("tag", "--merged", sha).split()
    return project_version(text, tags)


def _python_changed(changed: Sequence[ChangedFile]) -> bool:
    return any(p.endswith((".py", ".pyi")) for c in changed for p in (c.path, c.old_path or ""))


def _analyze(git: Git, base_sha: str, head: str, changed: Sequence[ChangedFile], config: Config) -> ApiDiff:
    # Imported here: `depgate.api` pulls in griffe, which a proposal-only check never needs.
    from depgate.api import analyze

    return analyze(git, base_sha, head, changed, config.api)


def _folder_problems(git: Git, head: str, config: Config) -> tuple[Diagnostic, ...]:
    """Report a DEP folder that is a link, a file or a submodule: no DEP is read through it, and that must show."""
    folder = config.proposals.directory.strip("/")
    if head == WORKTREE:
        path = git.repo / folder
        kind = ("a symbolic link" if path.is_symlink()
                else None if path.is_dir() or not path.exists() else "not a folder")
    else:
        listed = posixpath.normpath(folder) if folder else ""  # as ls-tree names it: `./deps` is `deps`
        entry = next((e for e in git.ls_tree(head, [listed]) if e.path == listed), None) if folder else None
        kind = (None if entry is None or entry.is_dir else "a symbolic link" if entry.is_link
                else "a submodule" if entry.is_submodule else "a file")
    if kind is None:
        return ()
    from depgate.diagnostics import Location
    from depgate.proposals import rules as proposal_rules

    return (proposal_rules.NOT_A_FILE.diagnostic(
        f"the DEP folder {folder} is {kind}, not a folder; depgate does not follow it, so no DEP is read",
        Location(folder, None)),)


def _lint_touched(tree: Tree, config: Config, changed: Sequence[ChangedFile],
                  docs: Sequence[FolderDocument]) -> tuple[Diagnostic, ...]:
    """Lint the DEP files the change touches (the folder rules still see the whole folder)."""
    folder = config.proposals.directory.strip("/") + "/"
    # A file inside a folder named like a DEP (`deps/0007-x.md/README.md`) touches that entry, which is reported.
    touched = sorted({folder + c.path[len(folder):].split("/", 1)[0]
                      for c in changed if c.status != "D" and c.path.startswith(folder)})
    if not touched:
        return ()
    from depgate.proposals.lint import lint_tree

    today = dt.datetime.now(dt.timezone.utc).date()
    return tuple(lint_tree(tree, config, today=today, paths=touched, documents=docs).diagnostics)


#: Evidence that the implementation is on the base branch: added with code, or a code change that cites it.
_IMPLEMENTED_BY = frozenset({EvidenceKind.ADDED_WITH_IMPLEMENTATION, EvidenceKind.REFERENCED})


def implemented_on_base(git: Git, base_sha: str, config: Config) -> Callable[[str, int | None], bool | None]:
    """Ask the base branch's history whether a proposal's implementation is already there, reading it at most once.

    The answer is linked evidence (DEP-0005): a change that added the proposal together with code, or a code change
    that cites it. The history is read only when the first question is asked: most status changes never need it.
    When none is found in a history that is cut (a shallow clone, or a read limit), the answer is None, not False:
    the implementation may be in the commits that are missing.

    Args:
        git: The repository.
        base_sha: The base branch's tip (`trusted_sha(base)`): an implementation merged after the pull request
            branched counts.
        config: The configuration.
    """
    read: list[History] = []

    def ask(path: str, number: int | None) -> bool | None:
        # Imported here: only a docs-only `Accepted -> Implemented` ever needs the history.
        from depgate.proposals.history import read_history
        from depgate.proposals.status import linked_evidence

        if not read:
            read.append(read_history(git, base_sha, config))
        history = read[0]
        if path not in history.versions and number is not None:
            # Renamed on the base branch since the pull request branched: the same number at the tip.
            path = next((p for p in history.versions if number_in_filename(p.rsplit("/", 1)[-1]) == number), path)
        evidence = linked_evidence(history, path, number, config)
        if any(e.kind in _IMPLEMENTED_BY for e in evidence):
            return True
        return None if history.shallow or history.truncated else False

    return ask


def status_transitions(git: Git, base_sha: str, trusted: str, changed: Sequence[ChangedFile],
                       docs: Sequence[FolderDocument], config: Config) -> tuple[Transition, ...]:
    """The status changes of the proposals the change touches, judged against `status.lifecycle` (V120-V122).

    The base documents are read (one batch from git objects) only when the change touches the proposals folder.

    Args:
        git: The repository.
        base_sha: The merge-base the change is diffed from: the documents as the pull request found them.
        trusted: The base branch's tip, where the history of implementations is read.
        changed: The changed files.
        docs: The documents at head.
        config: The configuration (from the base).
    """
    paths = {p for c in changed for p in (c.path, c.old_path) if p}
    if not any(in_proposals_folder(p, config) for p in paths):
        return ()
    tree = GitTree(git, base_sha)
    entries = tree.entries(config.proposals.directory.strip("/"))
    tree.prefetch([path for path, kind in entries if kind == "file"], MAX_DOCUMENT_BYTES)
    base_docs = load_folder(tree, config.proposals)
    return tuple(evaluate(base_docs, docs, paths, config,
                          implemented_on_base=implemented_on_base(git, trusted, config)))


def build_report(
    git: Git,
    base: Revision,
    head: Revision,
    *,
    config: Config,
    title: str | None = None,
    body: str | None = None,
    labels: Sequence[str] = (),
    messages: Sequence[tuple[str, str]] | None = None,
    fail_on: FailOn = FailOn.REQUIRED,
) -> Report:
    """Gather the facts of a change between two resolved revisions and decide its verdict.

    Args:
        git: The repository.
        base: The base revision (its `sha` is used).
        head: The head revision (`sha` None for the work tree).
        config: The configuration (read from the base by the caller).
        title: The pull-request title (default: the head commit's subject).
        body: The pull-request body (default: the head commit's message body).
        labels: Pull-request labels.
        messages: `(source, message)` of the change's commits (default: read from `base..head`).
        fail_on: When the check fails.

    Returns:
        The report.
    """
    if base.sha is None:  # resolve_range always resolves the base; a real check, as `python -O` drops asserts
        raise ValueError("build_report needs a resolved base revision")
    head_ref = head.sha or WORKTREE
    default_subject, default_body = _split_message(git.message(head_ref))
    title = default_subject if title is None else title
    body = default_body if body is None else body
    if messages is None:
        messages = commit_messages(git, base.sha, head_ref)
    changed = git.changed_files(base.sha, head_ref)
    tree = DiskTree(git.repo) if head.sha is None else GitTree(git, head.sha)
    if isinstance(tree, GitTree):
        # One `git cat-file --batch` for the whole folder instead of one git process per document; a file over
        # the size limit is never read (a 2 GB "proposal" must not be loaded to be reported).
        entries = tree.entries(config.proposals.directory.strip("/"))
        tree.prefetch([path for path, kind in entries if kind == "file"], MAX_DOCUMENT_BYTES)
    docs = tuple(load_folder(tree, config.proposals))
    folder = config.proposals.directory.strip("/") + "/"
    proposal_only = bool(changed) and all(
        c.path.startswith(folder) and (c.old_path or folder).startswith(folder) for c in changed)
    changes: tuple[ApiChange, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    packages: tuple[str, ...] = ()
    modules = 0
    if not proposal_only and _python_changed(changed):
        diff = _analyze(git, base.sha, head_ref, changed, config)
        changes, problems = tuple(diff.changes), (*diff.problems, *diff.policy)
        if config.done.policy != "off":  # A930 belongs to the definition of done, and goes with it
            problems = (*problems, *diff.undocumented)
        packages, modules = tuple(diff.packages), diff.modules_analysed
    # The committed API file (DEP-0004), when the repository keeps one: A910, and the contract diff for the summary.
    contract = check_contracts(git, base.sha, head_ref, changed, config, problems)
    problems = (*problems, *contract.problems)
    subjects = None
    # V106 (a break) and V114 (an addition) need the convention only when the API changed.
    if config.verdict.conventional_commits == "auto" and changes:
        subjects = recent_subjects(git, trusted_sha(base))
    log.info("compared %s..%s: %d file(s) changed, %d API change(s), %d module(s) read, %d DEP(s) at head",
             base.sha[:12], (head.sha or WORKTREE)[:12], len(changed), len(changes), modules, len(docs))
    facts = Facts(
        base=base, head=head, changed=tuple(changed), changes=changes, problems=problems, deps=docs,
        title=title, body=body, messages=tuple(messages), labels=tuple(labels), config=config,
        findings=(*_folder_problems(git, head_ref, config), *_lint_touched(tree, config, changed, docs)),
        packages=packages, modules_analysed=modules,
        fail_on=fail_on, recent_subjects=subjects, version=read_project_version(git, trusted_sha(base)),
        transitions=status_transitions(git, base.sha, trusted_sha(base), changed, docs, config),
    )
    return contract.apply(decide(facts))


# -- rendering ----------------------------------------------------------------------------------------------------

def summary_template(git: Git, base_sha: str | None, config: Config, explicit: str | None) -> str | None:
    """Return the Markdown template's text: `--template` on disk, else the configured one at base, else None.

    `base_sha` is the commit the configuration was read from (`trusted_sha(base)`), not the merge-base.

    Raises:
        ConfigError: the template file is missing.
    """
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError("template file not found", path=explicit, hint="check the --template path")
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the template: {exc}", path=explicit) from None
    configured = config.verdict.summary_template
    if configured is None:
        return None
    text = _decode(git.read(base_sha, configured)) if base_sha else None
    if text is None:
        raise ConfigError(f"`verdict.summary-template` names {configured!r}, which does not exist at the base revision",
                          path=config.source)
    return text


def render(report: Report, fmt: str, *, color: bool = False, template: str | None = None,
           link_base: str | None = None) -> str:
    """Render a report in one of the `OutputFormat`s."""
    if fmt == OutputFormat.JSON.value:
        return json_report.render(report)
    if fmt == OutputFormat.MARKDOWN.value:
        return markdown_report.render(report, template=template, link_base=link_base)
    if fmt == OutputFormat.GITHUB.value:
        return github_report.render(report)
    return text_report.render(report, color=color)


def _labels(values: Sequence[str]) -> list[str]:
    return [label.strip() for value in values for label in value.split(",") if label.strip()]


def _read_body(path: str | None) -> str | None:
    if path is None:
        return None
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        raise UsageError(f"cannot read the body file: {exc.strerror}", path=path) from None


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    markdown_report.check_link_base(args.link_base)
    git = open_repository(args.repo)
    base, head = resolve_range(git, args.base, args.head)
    if base.sha == head.sha:
        console.note(f"depgate: note: the base ({base.rev}) and the head ({head.rev}) are the same commit, so there "
                     "is nothing to check; pass --base (e.g. --base HEAD~1) or run it on a branch")
    config = load_check_config(git, trusted_sha(base), args.config, base_name=base.rev)
    report_notes(config, console)
    body = _read_body(args.body_file)
    report = build_report(git, base, head, config=config, title=args.title, body=body, labels=_labels(args.labels),
                          fail_on=FailOn(args.fail_on))
    template = None
    if args.format == OutputFormat.MARKDOWN.value or args.markdown_file:
        template = summary_template(git, trusted_sha(base), config, args.template)
    if args.json_file:
        write_output(args.json_file, encodable(json_report.render(report)), "the JSON report")
    if args.markdown_file:
        write_output(args.markdown_file,
                     encodable(markdown_report.render(report, template=template, link_base=args.link_base)),
                     "the Markdown report")
    console.out.write(encodable(render(report, args.format, color=console.color, template=template,
                                       link_base=args.link_base)))
    return 1 if report.failed else 0
