"""The GitHub Action's entrypoint: `python -m depgate.github.action`.

It translates the action's inputs (environment variables `DEPGATE_*`, set by `action.yml` through
`env:`) and the runner's context (`GITHUB_*`) into calls of the library functions the command line
uses, works on their typed results, and carries out what `depgate.outcome` decides. Modes:

- `check`: build the typed `Report` (`depgate.commands.check.build_report`), decide its `Outcome`,
  write the annotations, the job summary, the outputs and the JSON report; comment and label when the
  token may (warn and skip when it may not).
- `publish`: `depgate.github.publish.run_publish` (the privileged half of the fork-safe pattern).
- `index`: apply the status repairs backed by linked evidence (`depgate.commands.status.gather_status`,
  `depgate.proposals.repair`), regenerate INDEX.md and index.json from the repaired documents, and keep
  one pull request from a fixed branch with all of it in one commit (closed once the default branch
  holds everything); report numbers claimed twice across open pull requests (`depgate.proposals.collisions`).
- `lint`: lint the proposals folder.

Workflow commands are formatted by `depgate.report.github` only. GitHub API failures never change
the outcome of a mode: they become warnings in the summary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
import math
import os
import re
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depgate import outcome as outcomes
from depgate.console import Console
from depgate.errors import ConfigError, DepgateError, UsageError
from depgate.fsutil import atomic_write_text
from depgate.github import comment as comments
from depgate.github.runtime import Commands, load_event, pull_request_from_event, set_outputs, write_summary
from depgate.report import github as github_report
from depgate.report.escape import encodable, md_code, md_inline

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from depgate.config import Config
    from depgate.git import Git
    from depgate.github.client import ApiProblem, GitHubClient
    from depgate.outcome import Outcome
    from depgate.proposals.evidence import ProposalState, Repair, StatusReport
    from depgate.report.model import Report


MODES = ("check", "publish", "index", "lint")
FAIL_ON = ("required", "review", "never")
CLEANUP = tuple(action.value for action in outcomes.CLEANUP)
_REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~-]+)*/?$")

#: Numeric inputs: (default, lowest, highest, whole numbers only). Bounded, so that `inf`, `nan` or `1e300`
#: is a usage error naming the input instead of a crash or an endless wait.
NUMBERS: dict[str, tuple[float, float, float, bool]] = {
    "API_RETRIES": (3, 0, 10, True),
    "API_TIMEOUT": (15, 1, 300, True),
    "API_BACKOFF": (1.0, 0, 60, False),
    "API_MAX_WAIT": (30.0, 0, 600, False),
}


#: A full commit id, as the API gives it.
_FULL_SHA = re.compile(r"[0-9a-f]{40}")

def _input_name(name: str) -> str:
    return name.lower().replace("_", "-")


def parse_number(name: str, raw: str) -> float:
    """Read the numeric input `DEPGATE_<name>` (empty: its default) within its allowed range.

    Raises:
        UsageError: the value is not a finite number in range (whole, for counts and seconds of timeout).
    """
    default, low, high, whole = NUMBERS[name]
    kind = "a whole number" if whole else "a number"
    allowed = f"input `{_input_name(name)}` must be {kind} from {low:g} to {high:g}"
    text = raw.strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{allowed}, not {text[:40]!r}") from None
    if not math.isfinite(value) or not low <= value <= high or (whole and value != int(value)):
        raise UsageError(f"{allowed}, not {text[:40]!r}", hint=f"set `{_input_name(name)}` in the workflow's `with:`")
    return int(value) if whole else value


@dataclass
class Inputs:
    """The action's inputs, validated. Names follow `action.yml` (kebab-case there)."""

    mode: str = "check"
    config: str | None = None
    base: str = ""
    head: str = ""
    token: str = ""
    fail_on: str = "required"
    comment: bool = True
    labels: bool = True
    comment_cleanup: str = "delete"
    comment_key: str = "depgate"
    label_names: comments.Labels = field(default_factory=comments.Labels)
    report: str = ""
    repo_path: str = "."
    index_branch: str = "depgate/index"
    index_base: str = ""
    api_url: str = "https://api.github.com"
    api_retries: int = 3
    api_timeout: int = 15
    api_backoff: float = 1.0
    api_max_wait: float = 30.0
    api_throttle: bool = True

    @property
    def settings(self) -> outcomes.Settings:
        """The inputs that shape an outcome, for `depgate.outcome.decide`."""
        return outcomes.Settings(comment=self.comment, labels=self.labels,
                                 cleanup=outcomes.CommentAction(self.comment_cleanup),
                                 label_required=self.label_names.required, label_satisfied=self.label_names.satisfied,
                                 label_review=self.label_names.review)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        """Read and validate `DEPGATE_*` variables.

        Raises:
            UsageError: an input has a value outside its documented set or range.
        """

        def get(name: str, default: str = "") -> str:
            return env.get(f"DEPGATE_{name}", "").strip() or default

        def flag(name: str, default: bool) -> bool:
            raw = get(name, "true" if default else "false").lower()
            if raw not in ("true", "false"):
                raise UsageError(f"input `{_input_name(name)}` must be true or false, not {raw[:40]!r}")
            return raw == "true"

        def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
            value = get(name, default)
            if value not in allowed:
                raise UsageError(f"input `{_input_name(name)}` must be one of {', '.join(allowed)}, "
                                 f"not {value[:40]!r}")
            return value

        workspace = env.get("GITHUB_WORKSPACE", "") or "."
        return cls(
            mode=choice("MODE", "check", MODES),
            config=get("CONFIG") or None,
            base=get("BASE"),
            head=get("HEAD"),
            token=env.get("DEPGATE_TOKEN", ""),
            fail_on=choice("FAIL_ON", "required", FAIL_ON),
            comment=flag("COMMENT", True),
            labels=flag("LABELS", True),
            comment_cleanup=choice("COMMENT_CLEANUP", "delete", CLEANUP),
            comment_key=get("COMMENT_KEY", "depgate"),
            label_names=comments.Labels(
                required=env.get("DEPGATE_LABEL_REQUIRED", "dep-required").strip(),
                satisfied=env.get("DEPGATE_LABEL_SATISFIED", "dep-satisfied").strip(),
                review=env.get("DEPGATE_LABEL_REVIEW", "").strip(),
            ),
            report=get("REPORT"),
            repo_path=get("WORKING_DIRECTORY", workspace),
            index_branch=get("INDEX_BRANCH", "depgate/index"),
            index_base=get("INDEX_BASE"),
            api_url=env.get("GITHUB_API_URL", "").strip() or "https://api.github.com",
            api_retries=int(parse_number("API_RETRIES", env.get("DEPGATE_API_RETRIES", ""))),
            api_timeout=int(parse_number("API_TIMEOUT", env.get("DEPGATE_API_TIMEOUT", ""))),
            api_backoff=parse_number("API_BACKOFF", env.get("DEPGATE_API_BACKOFF", "")),
            api_max_wait=parse_number("API_MAX_WAIT", env.get("DEPGATE_API_MAX_WAIT", "")),
            api_throttle=flag("API_THROTTLE", True),
        )


@dataclass
class Context:
    """Where the action runs: the runner's variables, the event, and what it writes to."""

    env: Mapping[str, str]
    inputs: Inputs
    event: dict[str, Any]
    commands: Commands
    repository: str = ""
    problems: list[ApiProblem] = field(default_factory=list)

    @property
    def server_url(self) -> str:
        url = self.env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        return url if _URL.match(url) else "https://github.com"

    @property
    def link_base(self) -> str | None:
        return f"{self.server_url}/{self.repository}" if _REPO_NAME.match(self.repository) else None

    def run_url(self, run_id: Any = None) -> str | None:
        run_id = run_id if run_id is not None else self.env.get("GITHUB_RUN_ID", "")
        if not self.link_base or not str(run_id).isdigit():
            return None
        return f"{self.link_base}/actions/runs/{run_id}"

    def summary(self, markdown: str) -> None:
        """Append to the job summary (cut to GitHub's limit with a note when needed)."""
        write_summary(markdown, self.env.get("GITHUB_STEP_SUMMARY", ""))

    def outputs(self, values: Mapping[str, str]) -> None:
        """Set step outputs."""
        set_outputs(values, self.env.get("GITHUB_OUTPUT", ""))

    def client(self) -> GitHubClient | None:
        """A REST client, or None when no token was given."""
        if not self.inputs.token or not _REPO_NAME.match(self.repository):
            return None
        from depgate.github.client import ClientSettings, GitHubClient

        settings = ClientSettings(base_url=self.inputs.api_url, timeout=self.inputs.api_timeout,
                                  retries=self.inputs.api_retries, backoff=self.inputs.api_backoff,
                                  max_wait=self.inputs.api_max_wait, throttle=self.inputs.api_throttle)
        return GitHubClient(self.repository, self.inputs.token, settings)


# -- helpers ---------------------------------------------------------------------------------------


def report_file(ctx: Context) -> Path:
    """Where the JSON report is written (`check`) or read (`publish`): the `report` input, else the runner's temp."""
    if ctx.inputs.report:
        return Path(ctx.inputs.report)
    temp = ctx.env.get("RUNNER_TEMP") or "."
    return Path(temp) / "depgate" / "report.json"


def problems_summary(ctx: Context) -> str:
    """The GitHub API's failures of this run, for the end of the job summary ("" when none)."""
    return github_report.problems_md([p.describe() for p in ctx.problems])


def warn_problems(ctx: Context) -> None:
    """Annotate each of the GitHub API's failures of this run as a warning."""
    for problem in ctx.problems:
        ctx.commands.warning(problem.describe(), title=github_report.title("GitHub API"))


def _print_notes(ctx: Context, console: Console) -> None:
    """Show what a library call noted (it may quote the repository's files: printed inert)."""
    text = console.err.getvalue() if isinstance(console.err, io.StringIO) else ""
    if text:
        ctx.commands.untrusted(text)


def _capture() -> Console:
    return Console(out=io.StringIO(), err=io.StringIO())


# -- carrying out an outcome ---------------------------------------------------------------------------------------


def carry_out(ctx: Context, client: GitHubClient, outcome: Outcome, report: Report, number: int,
              current_labels: tuple[str, ...] | None, run_url: str | None) -> dict[str, Any]:
    """Do on pull request `number` what the outcome decided: the sticky comment, then depgate's labels.

    Only a comment written by the token's own identity (`comment.comment_author`) counts as depgate's;
    when the API cannot tell who that is, no comment is touched (the problem is listed).

    Args:
        ctx: The action's context (inputs, links).
        client: The REST client.
        outcome: From `depgate.outcome.decide`.
        report: The report depgate computed, for the comment's text.
        number: The pull request.
        current_labels: Its labels now, when known (else read through the API).
        run_url: The run whose job summary has the full report.

    Returns:
        What was done: `{"comment": created|updated|unchanged|deleted|collapsed|absent|kept|None, "labels": {...}}`.
    """
    key = ctx.inputs.comment_key
    done: dict[str, Any] = {"comment": None, "labels": None}
    mark = comments.marker(key)
    if outcome.comment is outcomes.CommentAction.KEEP:
        done["comment"] = "kept"
    elif outcome.comment is not outcomes.CommentAction.NONE:
        author = comments.comment_author(client, ctx.env)
        if author is None:
            pass  # whose comment is depgate's is unknown: touching one could touch someone else's
        elif outcome.comment is outcomes.CommentAction.POST:
            body = comments.render_comment(report, key=key, run_url=run_url, link_base=ctx.link_base)
            done["comment"] = client.upsert_comment(number, body, mark, author=author)
        else:
            done["comment"] = client.remove_comment(number, mark, how=outcome.comment.value, author=author,
                                                    note=comments.render_resolved(key, report.naming.prefix))
    if outcome.labels_owned:
        if current_labels is None:
            info = client.pull_request(number)
            current_labels = info.labels if info else None
        if current_labels is not None:
            done["labels"] = client.apply_labels(number, *outcome.label_changes(current_labels))
    return done


# -- check -----------------------------------------------------------------------------------------


@dataclass
class _Change:
    """What the check compares: revisions as given (empty: the defaults) and the pull request's text."""

    base: str = ""
    head: str = ""
    title: str = ""
    body: str = ""
    labels: tuple[str, ...] = ()


def _change(ctx: Context, client: GitHubClient | None) -> _Change:
    inputs = ctx.inputs
    pr = pull_request_from_event(ctx.event)
    change = _Change(base=inputs.base, head=inputs.head)
    if pr is not None:
        change.title, change.body, change.labels = pr.title, pr.body, pr.labels
        change.base, change.head = change.base or pr.base_sha, change.head or pr.head_sha
        # Fresh from the API: an edited title or an override label added since the event counts on re-run.
        fresh = client.pull_request(pr.number) if client else None
        if fresh is not None:
            change.title, change.body, change.labels = fresh.title, fresh.body, fresh.labels
    elif isinstance(ctx.event.get("before"), str) and isinstance(ctx.event.get("after"), str):
        before = ctx.event["before"]
        change.base = change.base or ("" if set(before) == {"0"} else before)
        change.head = change.head or ctx.event["after"]
    return change


def _check_report(ctx: Context, change: _Change) -> tuple[Report, str]:
    """Build the typed report of the change and its Markdown summary (one analysis).

    Raises:
        DepgateError: the repository, a revision or the configuration cannot be read.
    """
    from depgate.commands._common import report_notes
    from depgate.commands.check import (
        build_report,
        load_check_config,
        open_repository,
        resolve_range,
        summary_template,
        trusted_sha,
    )
    from depgate.report import markdown as markdown_report
    from depgate.report.model import FailOn

    git = open_repository(ctx.inputs.repo_path)
    base, head = resolve_range(git, change.base or None, change.head or "HEAD")
    trusted = trusted_sha(base)
    console = _capture()
    with tempfile.TemporaryDirectory(prefix="depgate-config-") as folder:
        explicit = config_from_base(git, ctx.inputs.config, trusted, Path(folder))
        config = load_check_config(git, trusted, explicit)
    report_notes(config, console)
    _print_notes(ctx, console)
    report = build_report(git, base, head, config=config, title=change.title or None, body=change.body,
                          labels=change.labels, fail_on=FailOn(ctx.inputs.fail_on))
    template = summary_template(git, trusted, config, None)
    return report, markdown_report.render(report, template=template, link_base=ctx.link_base)


def run_check(ctx: Context) -> int:
    """Classify the change, write annotations/summary/outputs/report, then comment and label when allowed."""
    inputs = ctx.inputs
    client = ctx.client()
    change = _change(ctx, client)
    pr = pull_request_from_event(ctx.event)
    report_path = report_file(ctx)
    report_path.unlink(missing_ok=True)  # left by an earlier step: never mistake it for this run's
    try:
        report, markdown = _check_report(ctx, change)
        data = report.as_dict()
        if pr is not None:
            # Additive key: which pull request the report is about, for `publish` (which re-checks it via the API).
            data["pull_request"] = {"number": pr.number, "repository": ctx.repository, "head_sha": pr.head_sha}
        report_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(report_path, encodable(json.dumps(data, indent=2, ensure_ascii=False) + "\n"))
    except DepgateError as exc:
        ctx.commands.annotate("error", exc.describe(), title=github_report.title())
        ctx.summary(github_report.failure_md("depgate could not check this change", exc.describe()))
        return 2
    except OSError as exc:
        ctx.summary(github_report.failure_md("depgate could not write the report", f"{report_path}: {exc}"))
        return 2

    outcome = outcomes.decide(report, inputs.settings)
    ctx.commands.write(github_report.render(report, outcome))
    published: dict[str, Any] = {}
    if pr is not None and (inputs.comment or inputs.labels):
        if client is None:
            ctx.commands.warning("no token: the comment and labels are skipped", title=github_report.title())
        elif pr.from_fork:
            ctx.commands.warning(
                "pull request from a fork: its token is read-only, so the comment and labels are left to the "
                "`publish` workflow (see docs/action.md)", title=github_report.title())
        else:
            published = carry_out(ctx, client, outcome, report, pr.number, change.labels, ctx.run_url())
    if client is not None:
        ctx.problems.extend(client.problems)
    ctx.summary(markdown + problems_summary(ctx))
    warn_problems(ctx)
    ctx.outputs({
        "verdict": report.verdict.value,
        "dep-required": str(report.dep_required).lower(),
        "satisfied": str(report.satisfied).lower(),
        "deps": ",".join(str(d.number) for d in report.deps if d.number is not None),
        "report": str(report_path),
        "failed": str(report.failed).lower(),
        "bump": report.bump.value,
        "comment": str(published.get("comment") or ""),
    })
    return 1 if report.failed else 0


def config_from_base(git: Git, rel: str | None, base_sha: str, folder: Path) -> str | None:
    """The `config` input as of the base revision, so a pull request cannot edit its own check's configuration.

    The input is a path from the repository root; its file is read from the base commit (the base
    branch's tip, never the merge-base) and handed to `load_check_config` as a copy in `folder`.

    Raises:
        ConfigError: the file does not exist at the base revision.
    """
    if not rel:
        return None
    rel = rel[2:] if rel.startswith("./") else rel
    data = git.read(base_sha, rel)
    if data is None:
        raise ConfigError(f"the configuration file does not exist at the base revision {base_sha[:12]}", path=rel,
                          hint="commit it to the base branch first (depgate never reads it from the pull request)")
    copy = folder / ("config-from-base" + "".join(Path(rel).suffixes[-1:]))
    copy.write_bytes(data)
    return str(copy)


def _config_on_disk(inputs: Inputs, root: Path) -> str | None:
    """The `config` input (a path from the repository root) as a path that reads from any working directory."""
    return str(root / inputs.config) if inputs.config else None


# -- lint ------------------------------------------------------------------------------------------


def run_lint(ctx: Context) -> int:
    """Lint the proposals folder: annotations, a summary table, exit 1 on errors."""
    from depgate.commands._common import load_command_config, resolve_root
    from depgate.commands.lint import collect
    from depgate.diagnostics import Severity

    console = _capture()
    try:
        root = resolve_root(ctx.inputs.repo_path, console, plain_folder=True)
        config = load_command_config(root, _config_on_disk(ctx.inputs, root), console)
        diagnostics = collect(root, config, [], console, dt.date.today())
    except DepgateError as exc:
        _print_notes(ctx, console)
        ctx.commands.annotate("error", exc.describe(), title=github_report.title())
        ctx.summary(github_report.failure_md("depgate lint could not run", exc.describe()))
        return 2
    _print_notes(ctx, console)
    ctx.commands.write(github_report.render_diagnostics(diagnostics))
    sha = ctx.env.get("GITHUB_SHA", "")
    ctx.summary(github_report.findings_md(
        diagnostics, "depgate lint",
        lambda path, line: comments.location_md(path, line, link_base=ctx.link_base, sha=sha) if path else ""))
    ctx.outputs({"findings": str(len(diagnostics))})
    return 1 if any(d.severity >= Severity.ERROR for d in diagnostics) else 0


# -- index -----------------------------------------------------------------------------------------


@dataclass
class _IndexPlan:
    """What the scheduled index job carries: the files that differ from HEAD, and why.

    Attributes:
        files: Repository-relative path -> the text the pull request gives it (only files that differ from HEAD).
        regenerated: The generated index files among them.
        repaired: The proposals whose automatic repairs changed their document, with those repairs.
        report: Where every proposal stands (None when the status could not be read).
        notes: Repairs that could not be applied, and why (for a person).
    """

    files: dict[str, str] = field(default_factory=dict)
    regenerated: list[str] = field(default_factory=list)
    repaired: list[tuple[ProposalState, tuple[Repair, ...]]] = field(default_factory=list)
    report: StatusReport | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def repairs(self) -> int:
        """How many repairs the pull request applies."""
        return sum(len(repairs) for _state, repairs in self.repaired)


def _status_report(ctx: Context, git: Git, config: Config, branch: str) -> StatusReport | None:
    """Where every proposal stands at HEAD; None (with a warning) when the history cannot be read.

    The index is still regenerated then: a status that cannot be read must not hold back the index.
    """
    from depgate.commands.status import gather_status

    try:
        return gather_status(git, "HEAD", config, today=dt.date.today(), branch_name=branch or None)
    except DepgateError as exc:
        ctx.commands.warning(f"the proposals' statuses could not be read, no repair is carried: {exc.describe()}",
                             title=github_report.title())
        return None


def _repair_documents(git: Git, root: Path, report: StatusReport, plan: _IndexPlan) -> None:
    """Apply each proposal's automatic (linked) repairs to its document in the work tree.

    The repairs are applied to the bytes at HEAD, the revision the report was read from, and written
    to the work tree, so that the index rendered next lists the repaired statuses (`depgate status
    --write`, then `depgate index --write`, leave the same files).
    """
    from depgate.proposals.repair import apply_repairs

    for state in report.proposals:
        repairs = tuple(r for r in state.repairs if r.automatic)
        if not repairs:
            continue
        data = git.read("HEAD", state.path)
        target = root / state.path
        if data is None or target.is_symlink() or not target.is_file():
            plan.notes.append(f"{state.path}: not a regular file in the checkout; its repair is left to a person")
            continue
        try:
            text = apply_repairs(data, repairs, path=state.path).decode("utf-8")
        except DepgateError as exc:
            plan.notes.append(exc.describe())
            continue
        except UnicodeDecodeError:
            plan.notes.append(f"{state.path}: not UTF-8 text; its repair is left to a person")
            continue
        if text.encode("utf-8") == data:
            continue
        _write_file(root, state.path, text, "the proposal")
        plan.files[state.path] = text
        plan.repaired.append((state, repairs))


def _plan_index(ctx: Context, git: Git, root: Path, config: Config, branch: str) -> _IndexPlan:
    """Repair the documents, then regenerate the index files from them, in the work tree; list what differs from HEAD.

    Raises:
        DepgateError: the folder, the index or a document cannot be read or written.
    """
    from depgate.commands.index import expected_index_files

    plan = _IndexPlan(report=_status_report(ctx, git, config, branch))
    if plan.report is not None and git.is_shallow():
        # NOTE: the oldest commit of a shallow clone looks as if it added every file at once, code and
        # proposals together, which reads as linked evidence: never write a repair from a cut history.
        plan.notes.append("the checkout is a shallow clone, so no status repair is applied: check out the whole "
                          "history (actions/checkout with `fetch-depth: 0`)")
    elif plan.report is not None:
        _repair_documents(git, root, plan.report, plan)
    for item in expected_index_files(root, config, git=git):
        if item.stale:  # as `depgate index --write`: the work tree holds the new index for later steps
            _write_file(root, item.rel, item.expected, "the index")
        before = git.read("HEAD", item.rel)
        if before is None or before.decode("utf-8", "replace") != item.expected:
            plan.files[item.rel] = item.expected
            plan.regenerated.append(item.rel)
    return plan


def _filtered(report: StatusReport, keep: Callable[[ProposalState], ProposalState | None]) -> StatusReport:
    """The report with only what `keep` keeps of each proposal (every proposal stays, so totals stay true)."""
    states = [keep(state) or dataclasses.replace(state, repairs=(), findings=()) for state in report.proposals]
    # No tip: the body would change each time the default branch moves, though nothing in it changed.
    return dataclasses.replace(report, proposals=tuple(states), problems=(), tip="")


def _has_action(report: StatusReport) -> bool:
    return bool(report.problems) or any(state.repairs or state.findings for state in report.proposals)


def _applied_report(plan: _IndexPlan) -> StatusReport | None:
    """The report of the repairs the pull request applies (their evidence shown), or None when there is none."""
    if plan.report is None or not plan.repaired:
        return None
    applied = {state.path: repairs for state, repairs in plan.repaired}

    def keep(state: ProposalState) -> ProposalState | None:
        if state.path not in applied:
            return None
        codes = {r.code for r in applied[state.path]}
        return dataclasses.replace(state, repairs=applied[state.path],
                                   findings=tuple(d for d in state.findings if d.code in codes))

    return _filtered(plan.report, keep)


def _person_report(plan: _IndexPlan) -> StatusReport | None:
    """The report of what needs a person: the repairs not applied (inferred, or a decision) and the nudges."""
    if plan.report is None:
        return None
    applied = {state.path: {r.code for r in repairs} for state, repairs in plan.repaired}

    def keep(state: ProposalState) -> ProposalState | None:
        done = applied.get(state.path, set())
        repairs = tuple(r for r in state.repairs if r.code not in done)
        findings = tuple(d for d in state.findings if d.code not in done)
        if not repairs and not findings:
            return None
        return dataclasses.replace(state, repairs=repairs, findings=findings)

    report = dataclasses.replace(_filtered(plan.report, keep), problems=plan.report.problems)
    return report if _has_action(report) else None


def _index_body(plan: _IndexPlan, config: Config, *, branch: str, base_sha: str, overview: str) -> str:
    """The index pull request's description, bounded to what GitHub accepts.

    It holds no run-specific text (no run link, no time), so that a run with nothing new leaves it as it is.
    """
    from depgate.report.status import status_markdown

    prefix = md_inline(config.proposals.prefix)
    applied, person = _applied_report(plan), _person_report(plan)

    def render(limit: int) -> str:
        # NOTE: no commit id of the base branch here: the body would change, and the pull request be edited, each
        # time the base branch moves, though nothing in it changed.
        parts = [f"`depgate index` keeps this pull request in step with {md_code(branch)}"
                 ": merge it as is; the branch belongs to depgate, edits to it are "
                 "overwritten, and the pull request is closed when the default branch holds everything.", ""]
        if plan.regenerated:
            parts += ["### Regenerated", "", *(f"- {md_code(rel)}" for rel in plan.regenerated), ""]
        if applied is not None:
            parts += [f"### {prefix} statuses repaired ({plan.repairs})", "",
                      "Backed by linked evidence: a change that cites the proposal, or added it with its code.", "",
                      status_markdown(applied, heading_level=4, limit=limit)]
        if person is not None or plan.notes:
            parts += ["### Needs a person", "",
                      "Not applied: inferred evidence to confirm, decisions, and nudges.", ""]
            if plan.notes:
                parts += [*(f"- {md_inline(note)}" for note in plan.notes[:limit]), ""]
            if person is not None:
                parts.append(status_markdown(person, heading_level=4, limit=limit))
        if overview:
            parts += ["", overview]
        return "\n".join(parts).rstrip("\n") + "\n"

    from depgate.github.comment import MAX_COMMENT_CHARS

    for limit in (50, 10, 1):
        body = render(limit)
        if len(body) <= MAX_COMMENT_CHARS:
            return body
    note = ("\n\n> [!WARNING]\n> This description was cut to stay under GitHub's size limit; "
            "`depgate status` lists everything.\n")
    return body[: MAX_COMMENT_CHARS - len(note)].rsplit("\n", 1)[0] + note


def _index_title(plan: _IndexPlan, config: Config) -> str:
    prefix = config.proposals.prefix
    if plan.repaired and plan.regenerated:
        return f"docs: regenerate the {prefix} index and repair {plan.repairs} {prefix} status(es)"
    if plan.repaired:
        return f"docs: repair {plan.repairs} {prefix} status(es)"
    return f"docs: regenerate the {prefix} index"


def _index_message(plan: _IndexPlan, config: Config) -> str:
    lines = [_index_title(plan, config), ""]
    lines += [f"Regenerated {rel}." for rel in plan.regenerated]
    for state, repairs in plan.repaired:
        for repair in repairs:
            lines.append(f"{state.label or state.path}: {repair.code} {repair.message}"[:200])
    return "\n".join([*lines, "", "Generated by `depgate index` (the scheduled index job)."])


def run_index(ctx: Context) -> int:
    """The scheduled index job: repair statuses, regenerate the index, keep one pull request with all of it.

    The linked (automatic) status repairs are applied to the documents in the work tree first, then
    INDEX.md and index.json are rendered from the repaired documents, so the index lists the repaired
    statuses. Every file that then differs from HEAD goes into one commit on `index-branch` and one
    pull request, whose body lists each repair with its evidence, what needs a person, and the numbers
    claimed by several open pull requests (S203). When nothing differs from HEAD, depgate's own open
    pull request (if any) is closed with a comment and its branch deleted.
    """
    from depgate.commands._common import load_command_config
    from depgate.git import Git

    inputs = ctx.inputs
    console = _capture()
    try:
        git = Git(Path(inputs.repo_path))
        root = git.toplevel()
        config = load_command_config(root, _config_on_disk(inputs, root), console)
        base_sha = git.text("rev-parse", "HEAD")
        base_branch = inputs.index_base or _event_default_branch(ctx.event) or git.text("rev-parse", "--abbrev-ref",
                                                                                       "HEAD")
        _require_base_checkout(ctx, git, base_branch, base_sha)
        _require_saved_proposals(git, config)
        plan = _plan_index(ctx, git, root, config, base_branch)
    except DepgateError as exc:
        _print_notes(ctx, console)
        ctx.commands.annotate("error", exc.describe(), title=github_report.title())
        ctx.summary(github_report.failure_md("depgate index could not run", exc.describe()))
        return 2
    _print_notes(ctx, console)
    changed = bool(plan.files)
    for note in plan.notes:
        ctx.commands.warning(note, title=github_report.title())
    client = ctx.client()
    what = ", ".join(md_code(rel) for rel in plan.files) if changed else "the index and the statuses are current"
    lines = [f"### depgate index: {what}", ""]
    if plan.repaired:
        lines.append(f"- {plan.repairs} status repair(s) applied to {len(plan.repaired)} document(s)")
    outputs = {"changed": str(changed).lower(), "pull-request": "", "repairs": str(plan.repairs)}
    overview = ""
    body = ""
    if client is not None:
        overview = _open_pull_overview(client, git, config)
        if changed:
            body = _index_body(plan, config, branch=base_branch, base_sha=base_sha, overview=overview)
            result = client.propose_files(files=plan.files, branch=inputs.index_branch, base=base_branch,
                                          base_sha=base_sha, title=_index_title(plan, config), body=body,
                                          message=_index_message(plan, config),
                                          dropped_note=lambda sha: _dropped_note(inputs.index_branch, base_branch,
                                                                                 base_sha, sha),
                                          accept_parent=_unchanged_since(git, base_sha, list(plan.files)))
            if result:
                outputs["pull-request"] = str(result["pull"] or "")
                lines.append(f"- pull request #{result['pull']}: {result['pull_action']}"
                             + (f", new commit {md_code(result['commit'][:12])}" if result["commit"] else
                                ", branch already current"))
                if result.get("dropped"):
                    lines.append(f"- {md_code(result['dropped'][:12])}, pushed to {md_code(inputs.index_branch)} "
                                 "by someone else, was dropped (the pull request has a comment saying so)")
                    ctx.commands.warning(f"{inputs.index_branch} held a commit depgate did not make "
                                         f"({result['dropped'][:12]}); the branch was rebuilt without it",
                                         title=github_report.title())
        else:
            lines += _close_own_pull(client, inputs.index_branch, base_branch, base_sha)
        ctx.problems.extend(client.problems)
    elif changed:
        lines.append("- no token: no pull request opened (set `token`, with contents and pull-requests write)")
    if not body:
        body = _index_body(plan, config, branch=base_branch, base_sha=base_sha, overview=overview)
    # The summary shows what the pull request's description shows (everything but the opening sentence).
    details = body.split("\n\n", 1)[1] if "\n\n" in body else ""
    ctx.summary("\n".join(lines) + "\n\n" + details + problems_summary(ctx))
    warn_problems(ctx)
    ctx.outputs(outputs)
    return 0


def _require_base_checkout(ctx: Context, git: Git, base: str, head: str) -> None:
    """Refuse a checkout that is not the tip of the branch the pull request targets.

    The commit goes on HEAD and the pull request targets `base`: from another branch's checkout (a manual
    run on a feature branch) the pull request would carry that branch's changes too.

    Raises:
        UsageError: the remote's `base` (when fetched), or the run's branch, is not HEAD.
    """
    remote = git.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"refs/remotes/origin/{base}^{{commit}}",
                     check=False).decode().strip()
    ref = ctx.env.get("GITHUB_REF", "")
    if remote and remote != head:
        found = f"HEAD is {head[:12]}, origin/{base} is {remote[:12]}"
    elif not remote and ref.startswith("refs/heads/") and ref != f"refs/heads/{base}":
        found = f"this run is on {ref.removeprefix('refs/heads/')[:100]!r}"
    else:
        return
    raise UsageError(f"the index job works on the tip of {base[:100]!r}, the branch its pull request targets, "
                     f"but {found}",
                     hint=f"run it on {base[:100]!r} (schedule, or workflow_dispatch from that branch), or check that "
                          "branch out; set `index-base` if the pull request should target another branch")


def _require_saved_proposals(git: Git, config: Config) -> None:
    """Refuse a proposals folder that differs from HEAD (besides the generated index files).

    The index is rendered from the work tree but the commit carries only HEAD's documents and depgate's own
    changes: a document an earlier step added or edited would be listed in an index that does not hold it.

    Raises:
        UsageError: a document in the proposals folder is modified, added, deleted or untracked.
    """
    from depgate.proposals.folder import is_candidate

    pconf = config.proposals
    folder = pconf.directory.strip("/")
    generated = {f"{folder}/{name}" if folder else name for name in (pconf.index, pconf.index_json) if name}
    raw = git.run("status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching", "--no-renames",
                  "--", f"{folder}/" if folder else ".")
    paths = {entry[3:] for entry in raw.decode("utf-8", "surrogateescape").split("\0") if entry[3:]} - generated
    # Only what the index reads: candidate documents directly in the folder (not caches or editor files).
    unsaved = sorted(path for path in paths if path.rpartition("/")[0] == folder
                     and is_candidate(path.rpartition("/")[2], "file", pconf))
    if unsaved:
        shown = ", ".join(unsaved[:5]) + (f" and {len(unsaved) - 5} more" if len(unsaved) > 5 else "")
        raise UsageError(f"{len(unsaved)} file(s) in the proposals folder differ from the checked-out commit: {shown}; "
                         "the index job commits only that commit's documents and its own changes",
                         path=unsaved[0], hint="run it on a clean checkout (no earlier step may change "
                                               f"{folder or '.'}/), or commit those changes to the branch first")


def _unchanged_since(git: Git, base_sha: str, paths: list[str]) -> Callable[[str], bool]:
    """Accept an index branch built on an older commit of the base branch that none of `paths` changed since."""

    def accept(parent: str) -> bool:
        if not _FULL_SHA.fullmatch(parent):  # from the API: never let it reach git as an option
            return False
        try:
            if git.merge_base(parent, base_sha) != parent:
                return False
            return not git.text("diff", "--name-only", parent, base_sha, "--", *paths).strip()
        except DepgateError:
            return False

    return accept


def _dropped_note(branch: str, base: str, base_sha: str, dropped: str) -> str:
    """The comment that tells the pull request's readers that a commit someone pushed to depgate's branch is gone."""
    return (f"depgate rebuilt {md_code(branch)} as one commit on {md_code(base)} (at {md_code(base_sha[:12])}). "
            f"Its tip {md_code(dropped[:12])} was not made by depgate, so it is no longer on the branch: this branch "
            f"belongs to depgate and is rewritten by each run. To change a proposal, commit to {md_code(base)} "
            "through a pull request of your own; the next scheduled run picks the change up.")


def _close_own_pull(client: GitHubClient, branch: str, base: str, base_sha: str) -> list[str]:
    """Close depgate's open pull request from `branch` (the default branch holds everything) and delete the branch."""
    from depgate.github.client import PullRequestInfo

    found = client.open_pull_from(branch, base)
    if not isinstance(found, PullRequestInfo):
        return []
    comment = (f"{md_code(base)} already holds everything this pull request carried (checked at "
               f"{md_code(base_sha[:12])}): the index and the statuses are current, so depgate closes it. The "
               "scheduled job opens a new one when something changes.")
    if not client.close_pull(found.number, comment):
        return [f"- pull request #{found.number} could not be closed"]
    client.delete_branch(branch)
    return [f"- pull request #{found.number} closed: {md_code(base)} is current"]


def _write_file(root: Path, rel: str, text: str, what: str) -> None:
    """Write a generated or repaired file in the work tree, never through a link.

    Raises:
        UsageError: the file is a link, or cannot be written.
    """
    from depgate.commands._common import write_output

    path = root / rel
    if path.is_symlink():
        raise UsageError(f"{what} is a symbolic link; depgate does not write through links", path=rel,
                         hint="replace the link by a regular file")
    write_output(path, text, what)


def _event_default_branch(event: Mapping[str, Any]) -> str:
    repo = event.get("repository")
    value = repo.get("default_branch") if isinstance(repo, dict) else None
    return value if isinstance(value, str) else ""


def _open_pull_overview(client: GitHubClient, git: Git, config: Config) -> str:
    """Report numbers claimed by several open pull requests (or already taken), and lint their documents."""
    from depgate.proposals.collisions import PullFile, find_collisions

    folder = config.proposals.directory.strip("/")
    pattern = re.compile(rf"^{re.escape(folder + '/' if folder else '')}[^/]+\.md$")
    found = client.open_pull_files(pattern)
    if found is None:
        return ""
    existing = [entry.path for entry in git.ls_tree("HEAD", [folder + "/"] if folder else [])]
    files = [PullFile(f.number, f.path, f.status) for f in found]
    clashes = github_report.collisions_md(find_collisions(files, existing, folder), config.proposals.prefix)
    if clashes:  # label the heading with the status rule that names this nudge
        heading, _, rest = clashes.partition("\n")
        clashes = f"{heading} ({md_code('S203')})\n{rest}"
    out = [clashes]
    lint_rows = _lint_open_pulls(client, git.toplevel(), config, found)
    if lint_rows:
        out += [f"#### {config.proposals.prefix} lint in open pull requests", "",
                "| Pull request | Code | Where | What |", "| --- | --- | --- | --- |", *lint_rows, ""]
    elif found:
        out += [f"Proposal files in {len({f.number for f in found})} open pull request(s): no lint errors.", ""]
    return "\n".join(part for part in out if part)


def _lint_open_pulls(client: GitHubClient, root: Path, config: Config, files: list[Any], limit: int = 30) -> list[str]:
    """Lint each open pull request's proposal files (read through the API at its head) against the base folder."""
    from depgate.diagnostics import Severity
    from depgate.proposals.lint import lint_tree
    from depgate.report.escape import md_inline
    from depgate.tree import DiskTree

    by_pr: dict[int, list[Any]] = {}
    for f in files:
        if f.status in ("added", "modified", "renamed"):
            by_pr.setdefault(f.number, []).append(f)
    rows = []
    for number in sorted(by_pr)[:limit]:
        overlay: dict[str, bytes] = {}
        for f in by_pr[number]:
            text = client.file_text(f.path, f.head_sha)
            if text is not None:
                overlay[f.path] = text.encode("utf-8")
        if not overlay:
            continue
        tree = _OverlayTree(DiskTree(root), overlay)
        try:
            result = lint_tree(tree, config, today=dt.date.today(), paths=list(overlay))
        except DepgateError:
            continue
        for diag in result.diagnostics:
            if diag.severity < Severity.ERROR:
                continue
            where = md_code(f"{diag.location.path}:{diag.location.line}" if diag.location.line else diag.location.path)
            rows.append(f"| #{number} | {md_code(diag.code)} | {where} | {md_inline(diag.message)} |")
    return rows


class _OverlayTree:
    """A tree whose files are the base's, with some replaced or added (a pull request's proposal files)."""

    def __init__(self, base: Any, files: dict[str, bytes]):
        self.base = base
        self.files = files

    def entries(self, folder: str) -> list[tuple[str, str]]:
        seen = dict(self.base.entries(folder))
        prefix = folder.rstrip("/") + "/"
        for path in self.files:
            if path.startswith(prefix) and "/" not in path[len(prefix):]:
                seen[path] = "file"
        return sorted(seen.items())

    def size(self, path: str) -> int | None:
        return len(self.files[path]) if path in self.files else self.base.size(path)

    def read(self, path: str) -> bytes | None:
        return self.files[path] if path in self.files else self.base.read(path)


# -- entrypoint ------------------------------------------------------------------------------------


def run_publish(ctx: Context) -> int:
    """`mode: publish`: `depgate.github.publish.run_publish` (imported only in that mode)."""
    from depgate.github import publish

    return publish.run_publish(ctx)


def run(env: Mapping[str, str] | None = None, stream: Any = None) -> int:
    """Run the action with an environment (default: the process's); return the exit code."""
    env = dict(os.environ if env is None else env)
    commands = Commands(stream or sys.stdout)
    token = env.get("DEPGATE_TOKEN", "")
    if token:
        commands.mask(token)
    try:
        inputs = Inputs.from_env(env)
        event = load_event(env.get("GITHUB_EVENT_PATH"))
        repository = env.get("GITHUB_REPOSITORY", "")
        ctx = Context(env=env, inputs=inputs, event=event, commands=commands, repository=repository)
        runner = {"check": run_check, "publish": run_publish, "index": run_index, "lint": run_lint}[inputs.mode]
        return runner(ctx)
    except DepgateError as exc:
        commands.annotate("error", exc.describe(), title=github_report.title())
        write_summary(github_report.failure_md("depgate could not run", exc.describe()),
                      env.get("GITHUB_STEP_SUMMARY", ""))
        return 2
    except Exception as exc:  # a bug in depgate: say so plainly, keep the details in the log for the report
        commands.group_start("depgate: internal error (details for a bug report)")
        commands.untrusted(traceback.format_exc())
        commands.group_end()
        commands.annotate("error", f"depgate failed unexpectedly ({type(exc).__name__}); this is a bug in depgate, "
                          "please report it with the log of this step", title=github_report.title())
        return 2


def main() -> None:
    """Console entry: `python -m depgate.github.action`."""
    logging.basicConfig(level=logging.INFO, format="depgate: %(message)s", stream=sys.stderr)
    # PyGithub and urllib3 log request lines (never the token); keep them quiet unless debugging.
    for noisy in ("github", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if os.environ.get("RUNNER_DEBUG") == "1" else logging.ERROR)
    sys.exit(run())


if __name__ == "__main__":
    main()
