"""The sticky pull-request comment, rendered from a typed report.

Both modes that comment render it from a `Report` depgate computed itself: `check` from its own
analysis, `publish` from the verdict it recomputes (`depgate.github.publish`). The text still treats
every string as hostile, because proposal titles, paths and messages come from the pull request: the
template escapes every string, a location is linked only when its path stays inside the repository,
and the body is cut to fit GitHub's size limit, saying what was left out. Wording follows the
repository's own naming (`Report.naming`), and the next steps come from the partial the job summary
shares (`_next_steps.md.j2`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
import jinja2.sandbox

from depgate.report.escape import md_code, md_inline
from depgate.report.load import is_repo_path

if TYPE_CHECKING:
    from collections.abc import Mapping

    from depgate.diagnostics import Diagnostic
    from depgate.github.client import GitHubClient
    from depgate.report.model import Report

#: Rows shown per list in the comment; the job summary has the rest.
MAX_ROWS = 20
#: Longest comment body depgate writes, in characters (GitHub refuses bodies over 65,536).
MAX_COMMENT_CHARS = 60_000
#: The login of comments written with `GITHUB_TOKEN`.
ACTIONS_BOT = "github-actions[bot]"
_SHA = re.compile(r"^[0-9a-f]{7,64}$")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")


@dataclass(frozen=True)
class Labels:
    """depgate's own label names, as the action's inputs give them; an empty name means that label is not used.

    `depgate.outcome.Settings` carries them into the decision of which labels a pull request wants.

    Attributes:
        required: On a pull request that needs a DEP and has none that satisfies it.
        satisfied: On a pull request that needs a DEP and links one that satisfies it.
        review: On a pull request whose verdict is `review`.
    """

    required: str = "dep-required"
    satisfied: str = "dep-satisfied"
    review: str = ""


def marker(key: str = "depgate") -> str:
    """The hidden first line identifying depgate's comment (`key` tells several configurations apart)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "-", key)[:64] or "depgate"
    return f"<!-- depgate:sticky-comment:{safe} -->"


def comment_author(client: GitHubClient, env: Mapping[str, str]) -> str | None:
    """The login whose comment is depgate's: the token's own (`GET /user`), else its app's bot.

    An installation token (`GITHUB_TOKEN`, a GitHub App's) may not read `/user`; its comments are
    written by `<slug>[bot]`: `github-actions[bot]`, or the app named by `DEPGATE_APP_SLUG`. The
    client asks once per run.

    Returns:
        The login, or None when the API could not tell (then no comment is touched).
    """
    login = client.login()
    if login:
        return login
    if login is None:
        return None
    slug = str(env.get("DEPGATE_APP_SLUG", "")).strip().lower()
    return f"{slug}[bot]" if _SLUG.match(slug) else ACTIONS_BOT


def _environment() -> jinja2.Environment:
    from depgate.report.markdown import partials_loader

    env = jinja2.sandbox.SandboxedEnvironment(loader=partials_loader(), autoescape=False, keep_trailing_newline=True,
                                              trim_blocks=True, lstrip_blocks=True,
                                              undefined=jinja2.StrictUndefined)
    env.filters["md_inline"] = md_inline
    env.filters["md_code"] = md_code
    return env


def _row(report: Report, diag: Diagnostic, link_base: str | None) -> dict[str, Any]:
    """A reason or finding as the comment's table shows it, its location linked at the commit its line is at."""
    sha = report.base.sha if diag.details.get("rev") == "base" else report.head.sha
    return {"code": diag.code, "severity": diag.severity.label, "message": diag.message,
            "where": location_md(diag.location.path or None, diag.location.line, link_base=link_base, sha=sha)}


def render_comment(report: Report, *, key: str = "depgate", run_url: str | None = None,
                   link_base: str | None = None) -> str:
    """Render the sticky comment for a report (the marker is its first line).

    Args:
        report: The report depgate computed (never one read from an artifact).
        key: The marker key.
        run_url: The workflow run with the full job summary (built by depgate, never from the report).
        link_base: `https://github.com/OWNER/REPO` to link proposal and finding locations at their commit.
    """
    from depgate.report.steps import build_steps

    text = resources.files("depgate.report").joinpath("templates", "comment.md.j2").read_text(encoding="utf-8")
    template = _environment().from_string(text)
    rows = [_row(report, diag, link_base) for diag in report.reasons]
    findings = [_row(report, diag, link_base) for diag in report.findings]
    deps = [dep.as_dict() for dep in report.deps]
    summary = {"verdict": report.verdict.value, "satisfied": report.satisfied, "headline": report.headline,
               "override": [report.override.as_dict()] if report.override else []}
    steps = [step.as_dict() for step in build_steps(report)]

    def attempt(limit: int) -> str:
        body = template.render(
            marker=marker(key),
            report=summary,
            naming=report.naming.as_dict(),
            reasons=rows[:limit],
            more_reasons=max(0, len(rows) - limit),
            findings=findings[:limit],
            more_findings=max(0, len(findings) - limit),
            deps=deps[:limit],
            more_deps=max(0, len(deps) - limit),
            next_steps=steps[:max(limit, 3)],
            run_url=run_url,
        )
        return re.sub(r"\n{3,}", "\n\n", body).strip("\n") + "\n"

    # Fewer rows until the body fits: each cell is already bounded, so 0 rows always does unless the
    # headline alone is huge, which the last resort cuts with a note.
    for limit in (MAX_ROWS, 5, 0):
        body = attempt(limit)
        if len(body) <= MAX_COMMENT_CHARS:
            return body
    where = f"the [job summary]({run_url})" if run_url else "the job summary"
    note = f"\n\n> [!WARNING]\n> This comment was cut to stay under GitHub's size limit; {where} has the rest.\n"
    return body[: MAX_COMMENT_CHARS - len(note)].rsplit("\n", 1)[0] + note


def location_md(path: str | None, line: int | None, *, link_base: str | None, sha: str | None) -> str:
    """Show `path:line` as escaped inline code, linked to that line at commit `sha` when both are known."""
    if not path:
        return "pull request"
    shown = md_code(f"{path}:{line}" if line else path)
    if not (link_base and sha and _SHA.match(sha) and is_repo_path(path)):
        return shown  # a `../` path would build a link that leaves the repository: show it, never link it
    anchor = f"#L{int(line)}" if line else ""
    return f"[{shown}]({link_base}/blob/{sha}/{quote(path, safe='/')}{anchor})"


def render_resolved(key: str = "depgate", prefix: str = "DEP") -> str:
    """The collapsed comment left when a pull request no longer needs a proposal (`prefix`: the repository's word)."""
    word = md_inline(prefix, max_length=40)
    return (f"{marker(key)}\n<details><summary>depgate: no {word} required any more</summary>\n\n"
            "An earlier version of this pull request required one; the current one does not.\n</details>\n")
