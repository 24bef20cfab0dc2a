"""The Markdown report: the job summary and pull-request comment body, from a jinja2 template.

The template is fed plain dicts (`context()`); every string that can come from a pull request goes
through the `md_inline` / `md_code` filters (`depgate.report.escape`), so it cannot break a table,
mention anyone, load an image or inject HTML. The built-in template is
`depgate/report/templates/summary.md.j2`; `--template` or `verdict.summary-template` replace it. Templates
run in jinja2's sandbox.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from depgate.diagnostics import sort_diagnostics
from depgate.errors import ConfigError, UsageError
from depgate.report.escape import md_code, md_inline
from depgate.report.model import Verdict
from depgate.report.steps import build_steps
from depgate.report.text import bump_sentence, grouped, transition_state

if TYPE_CHECKING:
    import jinja2

    from depgate.diagnostics import Diagnostic
    from depgate.report.model import Report

TEMPLATE_NAME = "summary.md.j2"
#: Rows shown per table before the rest is summarised as "and N more".
MAX_ROWS = 50
_LINK_BASE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~-]+)*/?$")

_ICONS = {
    ("required", "satisfied"): "✅",
    ("required", "overridden"): "⚠️",
    ("required", "missing"): "❌",
    ("review", ""): "🔍",
    ("not-required", ""): "✅",
    ("proposal", ""): "📝",
}
_VERDICT_TITLES = {
    Verdict.REQUIRED: "DEP required",
    Verdict.REVIEW: "Review",
    Verdict.NOT_REQUIRED: "No DEP required",
    Verdict.PROPOSAL: "Proposal",
}
def check_link_base(url: str | None) -> str | None:
    """Validate a `--link-base` (`https://github.com/OWNER/REPO`): plain http(s), no query, no spaces.

    Raises:
        UsageError: the value is not such a URL.
    """
    if url is None or url == "":
        return None
    if not _LINK_BASE.match(url):
        raise UsageError(f"--link-base {url!r} is not a plain http(s) URL such as https://github.com/OWNER/REPO")
    return url.rstrip("/")


class _Links:
    """Turns a location into Markdown, linked to the right commit when a link base is set."""

    def __init__(self, report: Report, link_base: str | None):
        self.base = link_base
        self.shas = {"head": report.head.sha, "base": report.base.sha}

    def url(self, path: str, line: int | None, rev: str = "head") -> str | None:
        sha = self.shas.get(rev)
        if not self.base or not sha or not path:
            return None
        anchor = f"#L{line}" if line else ""
        return f"{self.base}/blob/{sha}/{quote(path, safe='/')}{anchor}"

    def where(self, path: str | None, line: int | None = None, rev: str = "head") -> str:
        if not path:
            return "pull request"
        text = md_code(f"{path}:{line}" if line else path)
        url = self.url(path, line, rev)
        linked = f"[{text}]({url})" if url else text
        # NOTE: removals point at the base revision, where the symbol still exists.
        return linked + " (base)" if rev == "base" else linked


def _diag_row(diag: Diagnostic, links: _Links) -> dict[str, Any]:
    data = diag.as_dict()
    data["where"] = links.where(diag.location.path, diag.location.line, str(diag.details.get("rev", "head")))
    data["symbol"] = diag.details.get("symbol")
    return data


def _table(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"rows": items[:MAX_ROWS], "more": max(0, len(items) - MAX_ROWS), "count": len(items)}


def context(report: Report, *, link_base: str | None = None) -> dict[str, Any]:
    """Build the template's input: the JSON report plus pre-grouped, pre-linked rows.

    `where` values are already-safe Markdown (escaped and linked); every other string is raw and must
    be passed through `md_inline` or `md_code` in the template. `transitions` are the status changes
    (`Transition.as_dict()` plus `where`, `state`: allowed / not allowed / condition unmet, and `code`: the rule
    that reports it or None); `status_refused` says whether the lifecycle refuses one of them (the heading
    then shows ❌ whatever the verdict). `bump` is the release sentence
    (`depgate.report.text.bump_sentence`); the raw values are `report.bump` and `report.release`. `prefix` is
    the repository's proposal prefix, for headings in its own words.
    """
    links = _Links(report, check_link_base(link_base))
    data = report.as_dict()
    state = ""
    if report.verdict is Verdict.REQUIRED:
        state = "satisfied" if report.satisfied else "overridden" if report.override else "missing"
    groups = []
    for key, title, items in grouped(report.reasons, report.naming.prefix):
        groups.append({"key": key, "title": title, **_table([_diag_row(d, links) for d in items])})
    deps = []
    for dep in data["deps"]:
        dep = dict(dep)
        dep["where"] = links.where(dep["path"]) if dep["path"] else "no document"
        deps.append(dep)
    transitions = []
    for change in report.transitions:
        word, code = transition_state(change)
        transitions.append({**change.as_dict(), "where": links.where(change.path, change.line), "state": word,
                            "code": code})
    suggestions = []
    for sug in data["suggestions"]:
        sug = dict(sug)
        sug["where"] = links.where(sug["path"], sug["line"])
        suggestions.append(sug)
    refused = any(not change.ok for change in report.transitions)
    return {
        "report": data,
        # A refused status change fails the check whatever the verdict: the heading must not show a green tick.
        "icon": "❌" if refused else _ICONS.get((report.verdict.value, state), ""),
        "status_refused": refused,
        "verdict_title": _VERDICT_TITLES[report.verdict].replace("DEP", report.naming.prefix),
        "state": state,
        "groups": groups,
        "deps": deps,
        "suggestions": suggestions,
        "transitions": transitions,
        "findings": _table([_diag_row(d, links) for d in sort_diagnostics(report.findings)]),
        "next_steps": [step.as_dict() for step in build_steps(report)],
        "bump": bump_sentence(report),
        "prefix": report.naming.prefix,
    }


#: The shared partials a template may include (`{% include "_next_steps.md.j2" %}`); nothing else is loadable.
PARTIALS = ("_next_steps.md.j2", "_contract_diff.md.j2", "_done.md.j2", "_transitions.md.j2")


def partials_loader() -> jinja2.BaseLoader:
    """A loader that serves depgate's shared partials only, for the summary and the comment templates.

    A template, even one from `--template` or the base's `verdict.summary-template`, can include these and no
    other file: the loader reads the package's own templates, never the disk or the repository.
    """
    import jinja2

    def load(name: str) -> str | None:
        if name not in PARTIALS:
            return None
        return resources.files("depgate.report").joinpath("templates", name).read_text(encoding="utf-8")

    return jinja2.FunctionLoader(load)


def _environment(loader: jinja2.BaseLoader) -> jinja2.Environment:
    import jinja2.sandbox

    env = jinja2.sandbox.SandboxedEnvironment(
        loader=loader, autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["md_inline"] = md_inline
    env.filters["md_code"] = md_code
    env.filters["short"] = lambda sha: (sha or "")[:12]
    return env


def load_template(text: str | None = None) -> jinja2.Template:
    """Compile a template: the given text, or the built-in one.

    Raises:
        ConfigError: the template has a syntax error.
    """
    import jinja2  # here, not at the top: a check that prints JSON or text never loads jinja2

    if text is None:
        text = resources.files("depgate.report").joinpath("templates", TEMPLATE_NAME).read_text(encoding="utf-8")
    try:
        return _environment(partials_loader()).from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"the summary template has a syntax error: {exc.message}", line=exc.lineno,
                          path=exc.filename or "summary template") from None


def render(report: Report, *, template: str | None = None, link_base: str | None = None) -> str:
    """Render the report as GitHub-flavoured Markdown.

    Args:
        report: The report.
        template: A replacement template's text (default: the built-in one).
        link_base: `https://github.com/OWNER/REPO`: turn `file:line` into links to the compared commits.

    Raises:
        ConfigError: the template is invalid or fails while rendering.
    """
    import jinja2  # here, not at the top: a check that prints JSON or text never loads jinja2

    compiled = load_template(template)
    try:
        text = compiled.render(**context(report, link_base=link_base))
    except jinja2.TemplateError as exc:
        raise ConfigError(f"the summary template failed: {exc}", path="summary template") from None
    # One trailing newline, no runs of blank lines left by skipped sections.
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return text
