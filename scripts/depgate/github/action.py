"""The GitHub Action's entrypoint: `python -m depgate.github.action`.

It only translates the action's inputs (environment variables `DEPGATE_*`, set by `action.yml`
through `env:`) and the runner's context (`GITHUB_*`) into calls of the functions the command line
uses, then writes what the runner reads: the job summary, step outputs, annotations. Modes:

- `check`: classify the pull request; write the summary, outputs and the JSON report; comment and
  label when the token may (warn and skip when it may not).
- `publish`: comment and label from a saved report (the privileged half of the safe fork pattern).
- `index`: regenerate `deps/INDEX.md`; when it changed, keep one pull request from a fixed branch.
- `lint`: lint the DEP folder.

GitHub API failures never change the outcome of a mode: they become warnings in the summary.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import sys
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depgate.cli import main as cli_main
from depgate.console import Console
from depgate.errors import DepgateError, UsageError
from depgate.fsutil import atomic_write_text
from depgate.github import comment as comments
from depgate.github.runtime import (
    Commands,
    load_event,
    pull_request_from_event,
    set_outputs,
    workflow_run_from_event,
    write_summary,
)
from depgate.report.escape import md_code, md_inline

if TYPE_CHECKING:
    from collections.abc import Mapping

    from depgate.github.client import ApiProblem, GitHubClient


MODES = ("check", "publish", "index", "lint")
FAIL_ON = ("required", "review", "never")
CLEANUP = ("delete", "collapse", "keep")
_REPO_NAME = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~-]+)*/?$")
_SHA = re.compile(r"^[0-9a-f]{40,64}$")


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

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Inputs:
        """Read and validate `DEPGATE_*` variables.

        Raises:
            UsageError: an input has a value outside its documented set.
        """

        def get(name: str, default: str = "") -> str:
            return env.get(f"DEPGATE_{name}", "").strip() or default

        def flag(name: str, default: bool) -> bool:
            raw = get(name, "true" if default else "false").lower()
            if raw not in ("true", "false"):
                raise UsageError(f"input `{name.lower().replace('_', '-')}` must be true or false, not {raw!r}")
            return raw == "true"

        def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
            value = get(name, default)
            if value not in allowed:
                raise UsageError(f"input `{name.lower().replace('_', '-')}` must be one of {', '.join(allowed)}, "
                                 f"not {value!r}")
            return value

        def number(name: str, default: float) -> float:
            raw = get(name, str(default))
            try:
                value = float(raw)
            except ValueError:
                raise UsageError(f"`DEPGATE_{name}` must be a number, not {raw!r}") from None
            if value < 0:
                raise UsageError(f"`DEPGATE_{name}` must not be negative")
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
            api_retries=int(number("API_RETRIES", 3)),
            api_timeout=max(1, int(number("API_TIMEOUT", 15))),
            api_backoff=number("API_BACKOFF", 1.0),
            api_max_wait=number("API_MAX_WAIT", 30.0),
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


def _run_cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        code = cli_main(args, Console(out=out, err=err))
    except SystemExit as exc:  # argparse: a bad option is our bug or a bad input; show it
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def _failure_md(title: str, err: str) -> str:
    """A summary for a run that could not finish: the error as a literal code block (it may quote files)."""
    text = err.strip()[-4000:] or "no output"
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"### ⚠️ {title}\n\n{fence}text\n{text}\n{fence}\n"


def _problems_md(problems: list[ApiProblem]) -> str:
    if not problems:
        return ""
    lines = ["", "> [!WARNING]", "> The GitHub API did not do everything; the verdict above still stands:"]
    lines += [f"> - {md_inline(p.describe(), max_length=500)}" for p in problems]
    return "\n".join(lines) + "\n"


def _report_path(ctx: Context) -> Path:
    if ctx.inputs.report:
        return Path(ctx.inputs.report)
    temp = ctx.env.get("RUNNER_TEMP") or "."
    return Path(temp) / "depgate" / "report.json"


def _warn_problems(ctx: Context) -> None:
    for problem in ctx.problems:
        ctx.commands.warning(problem.describe(), title="depgate: GitHub API")


# -- publish (shared by check and publish) ---------------------------------------------------------


def publish(ctx: Context, client: GitHubClient, report: dict[str, Any], number: int,
            current_labels: tuple[str, ...] | None, run_url: str | None) -> dict[str, Any]:
    """Put the sticky comment and depgate's labels on pull request `number` for a sanitized report.

    Returns:
        What was done: `{"comment": created|updated|unchanged|deleted|collapsed|absent|kept|None, "labels": {...}}`.
    """
    inputs = ctx.inputs
    done: dict[str, Any] = {"comment": None, "labels": None}
    mark = comments.marker(inputs.comment_key)
    if inputs.comment:
        if report["verdict"] == "not-required":
            done["comment"] = client.remove_comment(number, mark, how=inputs.comment_cleanup,
                                                    note=comments.render_resolved(inputs.comment_key))
        else:
            body = comments.render_comment(report, key=inputs.comment_key, run_url=run_url, link_base=ctx.link_base)
            done["comment"] = client.upsert_comment(number, body, mark)
    if inputs.labels and inputs.label_names.own:
        if current_labels is None:
            info = client.pull_request(number)
            current_labels = info.labels if info else None
        if current_labels is not None:
            want = inputs.label_names.wanted(report["verdict"], report["satisfied"])
            done["labels"] = client.sync_labels(number, want, inputs.label_names.own, current_labels)
    return done


# -- check -----------------------------------------------------------------------------------------


def run_check(ctx: Context) -> int:
    """Classify the change, write summary/outputs/report, then comment and label when allowed."""
    inputs = ctx.inputs
    pr = pull_request_from_event(ctx.event)
    title = body = ""
    labels: tuple[str, ...] = ()
    base, head = inputs.base, inputs.head
    client = ctx.client()
    if pr is not None:
        title, body, labels = pr.title, pr.body, pr.labels
        base, head = base or pr.base_sha, head or pr.head_sha
        # Fresh from the API: an edited title or an override label added since the event counts on re-run.
        fresh = client.pull_request(pr.number) if client else None
        if fresh is not None:
            title, body, labels = fresh.title, fresh.body, fresh.labels
    elif isinstance(ctx.event.get("before"), str) and isinstance(ctx.event.get("after"), str):
        before = ctx.event["before"]
        base = base or ("" if set(before) == {"0"} else before)
        head = head or ctx.event["after"]

    report_path = _report_path(ctx)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    body_file = report_path.parent / "pull-request-body.md"
    atomic_write_text(body_file, body)

    # `--option=value` throughout: a title such as `--fail-on=never` stays a title, never an option.
    args = ["check", f"--repo={inputs.repo_path}", f"--fail-on={inputs.fail_on}", f"--body-file={body_file}"]
    if title:
        args.append(f"--title={title}")
    if labels:
        args.append(f"--labels={','.join(labels)}")
    if base:
        args.append(f"--base={base}")
    if head:
        args.append(f"--head={head}")
    if inputs.config:
        args.append(f"--config={_config_from_base(inputs, base, report_path.parent)}")
    markdown_path = report_path.parent / "summary.md"
    for stale in (report_path, markdown_path):  # left by an earlier step: never mistake them for this run's
        stale.unlink(missing_ok=True)
    if ctx.link_base:
        args.append(f"--link-base={ctx.link_base}")
    # One analysis, three renderings: annotations on stdout, the JSON report and the Markdown summary to files.
    code, annotations, err = _run_cli([*args, "--format=github", f"--json-file={report_path}",
                                       f"--markdown-file={markdown_path}"])
    if err:
        ctx.commands.untrusted(err)
    if code == 2 or not report_path.is_file():
        ctx.summary(_failure_md("depgate could not check this change", err))
        return 2
    if annotations:
        ctx.commands.stream.write(annotations)
    data = json.loads(report_path.read_text(encoding="utf-8"))
    if pr is not None:
        # Additive key: which pull request the report is about, for `publish` (which re-checks it via the API).
        data["pull_request"] = {"number": pr.number, "repository": ctx.repository, "head_sha": pr.head_sha}
        atomic_write_text(report_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    markdown = markdown_path.read_text(encoding="utf-8") if markdown_path.is_file() else ""

    report = comments.sanitize_report(data)
    published: dict[str, Any] = {}
    if pr is not None and (inputs.comment or inputs.labels):
        if client is None:
            ctx.commands.warning("no token: the comment and labels are skipped", title="depgate")
        elif pr.from_fork:
            ctx.commands.warning(
                "pull request from a fork: its token is read-only, so the comment and labels are left to the "
                "`publish` workflow (see docs/action.md)", title="depgate")
        else:
            published = publish(ctx, client, report, pr.number, labels, ctx.run_url())
    if client is not None:
        ctx.problems.extend(client.problems)
    ctx.summary((markdown or f"### depgate: {report['verdict']}\n") + _problems_md(ctx.problems))
    _warn_problems(ctx)
    ctx.outputs({
        "verdict": report["verdict"],
        "dep-required": str(report["dep_required"]).lower(),
        "satisfied": str(report["satisfied"]).lower(),
        "deps": ",".join(str(d["number"]) for d in report["deps"] if d["number"] is not None),
        "report": str(report_path),
        "failed": str(report["failed"]).lower(),
        "comment": str(published.get("comment") or ""),
    })
    return 1 if code == 1 else 0


def _config_on_disk(inputs: Inputs, root: Path | None = None) -> str:
    """The `config` input as a path the command line reads from any working directory.

    The input is a path from the repository root (`action.yml`), while a relative `--config` is taken from
    the current directory, which is not the repository when `working-directory` points elsewhere.
    """
    from depgate.commands._common import resolve_root

    root = root or resolve_root(inputs.repo_path, plain_folder=True)
    return str(root / (inputs.config or ""))


def _config_from_base(inputs: Inputs, base: str, folder: Path) -> str:
    """The `config` input as of the base revision, so a pull request cannot edit its own check's configuration.

    `depgate check --config` reads a file on disk, and the disk is the pull request's checkout; the
    file is therefore taken from the base commit and handed over as a copy. That commit is `base` as
    given (the event's base sha: the base branch's tip), never the merge-base, as `depgate check` reads
    its own configuration: a pull request branched from an old commit does not get that commit's rules.

    Raises:
        ConfigError: the file does not exist at the base revision.
    """
    from depgate.errors import ConfigError
    from depgate.git import Git

    rel = inputs.config or ""
    if not base:
        return _config_on_disk(inputs)
    rel = rel[2:] if rel.startswith("./") else rel
    data = Git(Path(inputs.repo_path)).read(base, rel)
    if data is None:
        raise ConfigError(f"the configuration file does not exist at the base revision {base[:12]}", path=rel,
                          hint="commit it to the base branch first (the check never reads it from the pull request)")
    copy = folder / ("config-from-base" + "".join(Path(rel).suffixes[-1:]))
    copy.write_bytes(data)
    return str(copy)


# -- publish ---------------------------------------------------------------------------------------


def run_publish(ctx: Context) -> int:
    """Comment and label from a saved report, trusting only what GitHub says about the pull request."""
    report = comments.load_report(_report_path(ctx))
    client = ctx.client()
    if client is None:
        raise UsageError("`mode: publish` needs a token (`token: ${{ github.token }}` with pull-requests: write)")
    run = workflow_run_from_event(ctx.event)
    pr_event = pull_request_from_event(ctx.event)
    number = None
    head_sha = None
    run_url = None
    if run is not None:
        head_sha, run_url = run.head_sha, ctx.run_url(run.run_id)
        # GitHub lists the pull requests of same-repository runs; for forks the list is empty and the
        # report's claim is used, but only once the API confirms that pull request is at this commit.
        number = run.pull_numbers[0] if run.pull_numbers else report["pull_request"]
    elif pr_event is not None:
        number, head_sha, run_url = pr_event.number, pr_event.head_sha, ctx.run_url()
    else:
        number = report["pull_request"]
    if not number:
        ctx.summary("### depgate publish: nothing to do\n\nThe report names no pull request.\n")
        return 0
    info = client.pull_request(number)
    if info is None:
        ctx.problems.extend(client.problems)
        ctx.summary(f"### depgate publish: skipped\n{_problems_md(ctx.problems)}")
        _warn_problems(ctx)
        return 0
    mismatch = ""
    if head_sha and info.head_sha != head_sha:
        mismatch = (f"pull request #{number} is at {info.head_sha[:12]}, not at the checked commit {head_sha[:12]} "
                    "(a newer push, or a report that names the wrong pull request)")
    elif run is not None and run.head_repository and info.head_repository != run.head_repository:
        mismatch = (f"pull request #{number} comes from {info.head_repository or 'a deleted repository'}, but the "
                    f"checked run from {run.head_repository} (a report that names someone else's pull request)")
    if mismatch:
        msg = mismatch + "; nothing published"
        ctx.commands.warning(msg, title="depgate publish")
        ctx.summary(f"### depgate publish: skipped\n\n{md_inline(msg, max_length=400)}\n")
        return 0
    if report["head_sha"] and info.head_sha != report["head_sha"]:
        ctx.commands.warning(f"the report was made for {report['head_sha'][:12]}, the pull request is at "
                             f"{info.head_sha[:12]}; publishing anyway", title="depgate publish")
    done = publish(ctx, client, report, number, info.labels, run_url)
    ctx.problems.extend(client.problems)
    lines = [f"### depgate publish: pull request #{number}", "",
             f"- verdict: {md_code(report['verdict'])}",
             f"- comment: {md_inline(done['comment'] or 'not changed')}",
             f"- labels: {md_inline(json.dumps(done['labels']) if done['labels'] else 'not changed')}"]
    ctx.summary("\n".join(lines) + "\n" + _problems_md(ctx.problems))
    _warn_problems(ctx)
    ctx.outputs({"verdict": report["verdict"], "dep-required": str(report["dep_required"]).lower(),
                 "satisfied": str(report["satisfied"]).lower(),
                 "deps": ",".join(str(d["number"]) for d in report["deps"] if d["number"] is not None),
                 "report": str(_report_path(ctx)), "comment": str(done["comment"] or "")})
    return 0


# -- lint ------------------------------------------------------------------------------------------


def _lint_summary(diagnostics: list[dict[str, Any]], title: str, link_base: str | None, sha: str) -> str:
    if not diagnostics:
        return f"### ✅ {title}: no findings\n"
    lines = [f"### {title}: {len(diagnostics)} finding(s)", "", "| Code | Severity | Where | What |",
             "| --- | --- | --- | --- |"]
    for d in diagnostics[:200]:
        path, line = d.get("path") or "", d.get("line")
        shown = comments.location_md(path, line, link_base=link_base, sha=sha) if path else ""
        lines.append(f"| {md_code(d.get('code', ''))} | {md_inline(d.get('severity', ''))} | {shown} | "
                     f"{md_inline(d.get('message', ''))} |")
    if len(diagnostics) > 200:
        lines.append(f"| | | | … and {len(diagnostics) - 200} more |")
    return "\n".join(lines) + "\n"


def run_lint(ctx: Context) -> int:
    """Lint the DEP folder: annotations, a summary table, exit 1 on errors."""
    args = ["lint", f"--repo={ctx.inputs.repo_path}"]
    if ctx.inputs.config:
        args.append(f"--config={_config_on_disk(ctx.inputs)}")
    code, out, err = _run_cli([*args, "--format", "json", "--fail-on", "error"])
    if err:
        ctx.commands.untrusted(err)
    if code == 2 or not out.strip():
        ctx.summary(_failure_md("depgate lint could not run", err))
        return 2
    data = json.loads(out)
    diagnostics = data.get("diagnostics", data.get("findings", [])) if isinstance(data, dict) else data
    _c, annotations, _e = _run_cli([*args, "--format", "github", "--fail-on", "never"])
    ctx.commands.stream.write(annotations)
    ctx.summary(_lint_summary(diagnostics, "depgate lint", ctx.link_base, ctx.env.get("GITHUB_SHA", "")))
    ctx.outputs({"findings": str(len(diagnostics))})
    return 1 if code == 1 else 0


# -- index -----------------------------------------------------------------------------------------

_DEP_FILE = re.compile(r"(?:^|/)(\d{4,})-[^/]*\.md$")


def _git(repo: str, *args: str) -> str:
    from depgate.git import Git

    return Git(Path(repo)).text(*args)


def run_index(ctx: Context) -> int:
    """Regenerate the index; open or update one pull request when it changed; report number clashes."""
    from depgate.config import load_config
    from depgate.git import Git
    from depgate.proposals.folder import index_path

    inputs = ctx.inputs
    git = Git(Path(inputs.repo_path))
    root = git.toplevel()
    config = load_config(root, inputs.config)
    rel = index_path(config.proposals)
    before = git.read("HEAD", rel)
    args = ["index", f"--repo={root}", "--write"]
    if inputs.config:
        args.append(f"--config={_config_on_disk(inputs, root)}")
    code, _out, err = _run_cli(args)
    if err:
        ctx.commands.untrusted(err)
    if code != 0:
        ctx.summary(_failure_md("depgate index could not run", err))
        return 2
    after = (root / rel).read_text(encoding="utf-8")
    changed = before is None or before.decode("utf-8", "replace") != after
    base_sha = _git(str(root), "rev-parse", "HEAD")
    base_branch = inputs.index_base or _event_default_branch(ctx.event) or _git(str(root), "rev-parse",
                                                                               "--abbrev-ref", "HEAD")
    client = ctx.client()
    lines = [f"### depgate index: {md_code(rel)} {'changed' if changed else 'is up to date'}", ""]
    outputs = {"changed": str(changed).lower(), "pull-request": ""}
    clash_md = ""
    if client is not None:
        clash_md = _open_pull_overview(ctx, client, root, config)
        if changed:
            result = client.propose_file(
                path=rel, content=after, branch=inputs.index_branch, base=base_branch, base_sha=base_sha,
                title=f"docs: regenerate {rel}", message=f"docs: regenerate {rel}\n\nGenerated by `depgate index`.",
                body=(f"`depgate index` regenerated `{rel}` from the DEP documents on `{base_branch}` "
                      f"({base_sha[:12]}).\n\nThis pull request is kept up to date by the scheduled depgate workflow; "
                      "merge it as is (edits to the branch are overwritten).\n" + clash_md))
            if result:
                outputs["pull-request"] = str(result["pull"] or "")
                lines.append(f"- pull request #{result['pull']}: {result['pull_action']}"
                             + (f", new commit {md_code(result['commit'][:12])}" if result["commit"] else
                                ", branch already current"))
        ctx.problems.extend(client.problems)
    elif changed:
        lines.append("- no token: no pull request opened (set `token`, with contents and pull-requests write)")
    if clash_md:
        lines += ["", clash_md]
    ctx.summary("\n".join(lines) + "\n" + _problems_md(ctx.problems))
    _warn_problems(ctx)
    ctx.outputs(outputs)
    return 0


def _event_default_branch(event: Mapping[str, Any]) -> str:
    repo = event.get("repository")
    value = repo.get("default_branch") if isinstance(repo, dict) else None
    return value if isinstance(value, str) else ""


def _open_pull_overview(ctx: Context, client: GitHubClient, root: Path, config: Any) -> str:
    """Report DEP numbers claimed by several open pull requests (or already taken), and lint their DEP files."""
    folder = config.proposals.directory.strip("/")
    pattern = re.compile(rf"^{re.escape(folder)}/\d{{4,}}-[^/]*\.md$")
    files = client.open_pull_files(pattern)
    if files is None:
        return ""
    from depgate.git import Git

    existing: dict[int, str] = {}
    for entry in Git(root).ls_tree("HEAD", [folder + "/"] if folder else [], recursive=True):
        m = _DEP_FILE.search(entry.path)
        if m:
            existing[int(m.group(1))] = entry.path
    claims: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for f in files:
        m = _DEP_FILE.search(f.path)
        if m and f.status == "added":
            claims[int(m.group(1))].append((f.number, f.path))
    rows = []
    for num in sorted(claims):
        prs = sorted({n for n, _ in claims[num]})
        if len(prs) > 1 or num in existing:
            who = ", ".join(f"#{n}" for n in prs)
            also = f"; already used by {md_code(existing[num])}" if num in existing else ""
            rows.append(f"| {num:04d} | {who}{also} |")
    out = []
    if rows:
        out += ["#### DEP numbers claimed more than once", "",
                "Several open pull requests (or a merged DEP) use the same number; all but one must renumber "
                "(`depgate new` picks the next free number).", "", "| Number | Pull requests |", "| --- | --- |", *rows,
                ""]
    lint_rows = _lint_open_pulls(client, root, config, files)
    if lint_rows:
        out += ["#### DEP lint in open pull requests", "", "| Pull request | Code | Where | What |",
                "| --- | --- | --- | --- |", *lint_rows, ""]
    elif files:
        out += [f"DEP files in {len({f.number for f in files})} open pull request(s): no lint errors.", ""]
    return "\n".join(out)


def _lint_open_pulls(client: GitHubClient, root: Path, config: Any, files: list[Any], limit: int = 30) -> list[str]:
    """Lint each open pull request's DEP files (read through the API at its head) against the base folder."""
    try:
        from depgate.proposals.lint import lint_tree
        from depgate.tree import DiskTree
    except ImportError:  # pragma: no cover - the lint engine is part of depgate
        return []
    by_pr: dict[int, list[Any]] = defaultdict(list)
    for f in files:
        if f.status in ("added", "modified", "renamed"):
            by_pr[f.number].append(f)
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
            if diag.severity.name != "ERROR":
                continue
            where = md_code(f"{diag.location.path}:{diag.location.line}" if diag.location.line else diag.location.path)
            rows.append(f"| #{number} | {md_code(diag.code)} | {where} | {md_inline(diag.message)} |")
    return rows


class _OverlayTree:
    """A tree whose files are the base's, with some replaced or added (a pull request's DEP files)."""

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
        commands.annotate("error", exc.describe(), title="depgate")
        write_summary(_failure_md("depgate could not run", exc.describe()), env.get("GITHUB_STEP_SUMMARY", ""))
        return 2
    except Exception as exc:  # a bug in depgate: say so plainly, keep the details in the log for the report
        commands.group_start("depgate: internal error (details for a bug report)")
        commands.untrusted(traceback.format_exc())
        commands.group_end()
        commands.annotate("error", f"depgate failed unexpectedly ({type(exc).__name__}); this is a bug in depgate, "
                          "please report it with the log of this step", title="depgate")
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
