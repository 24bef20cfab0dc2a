"""The one writer of GitHub workflow commands (`::error file=...,line=...::message`, `::add-mask::`, groups).

`depgate check --format github`, the action's modes (check, lint, index, publish) and
`depgate.github.runtime.Commands` all format their commands here, so every annotation has the same
title format (`depgate: <code or topic>`) and the same placement rule:

- `file=` is the finding's path at head; `line=` only with a file, `col=` and `endLine=` only with a line;
- a finding about something removed (`details["rev"] == "base"`) points at its head-side anchor
  (`details["anchor"]`, `{"path", "line"}`) when it has one, and otherwise carries no `file=` at all:
  a base line on the head file would mark an unrelated line.

Levels come from `depgate.outcome` for a check (this module never caps or raises one) and from the
finding's own severity for a plain list. Every string passes through `depgate.report.escape`
(`workflow_data`, `workflow_property`), so a file name or a message cannot start a command of its own.
The small Markdown blocks the action writes to the job summary (lint findings, number collisions,
API problems) are here too, escaped with `md_inline`/`md_code`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from depgate.diagnostics import Severity, sort_diagnostics
from depgate.outcome import decide
from depgate.report.diagnostics import ANNOTATION_LEVELS
from depgate.report.escape import encodable, md_code, md_inline, workflow_data, workflow_property

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from depgate.diagnostics import Diagnostic
    from depgate.outcome import Outcome
    from depgate.proposals.collisions import Collision
    from depgate.report.model import Report

#: The one mapping from severity to annotation level (defined with the other diagnostic renderers).
LEVELS = ANNOTATION_LEVELS

#: Rows of a findings table in the job summary; the JSON output has them all.
MAX_ROWS = 200


# -- workflow commands -------------------------------------------------------------------------------------------


def title(subject: str = "") -> str:
    """The one title format: `depgate`, or `depgate: <subject>` (a rule code, a verdict, a topic)."""
    return f"depgate: {subject}" if subject else "depgate"


def command(name: str, data: object = "", props: Sequence[tuple[str, object]] = ()) -> str:
    """Format one workflow command line (without its newline); properties and data are escaped."""
    shown = ",".join(f"{key}={workflow_property(encodable(str(value)))}" for key, value in props)
    return f"::{name}{' ' + shown if shown else ''}::{workflow_data(encodable(str(data)))}"


def annotation(level: Severity, message: str, *, file: str = "", line: int | None = None, column: int | None = None,
               end_line: int | None = None, subject: str = "", full_title: str | None = None) -> str:
    """Format one annotation under the placement rule (a line needs a file; a column or end needs a line).

    Args:
        level: The severity to show it at (mapped through `LEVELS`).
        message: Its text.
        file: A repository-relative path at head, or "" for an annotation on the run only.
        line: A 1-based line, or None.
        column: A 1-based column, or None.
        end_line: The last line of a range, or None.
        subject: What the title names (`title(subject)`).
        full_title: A title used as given (callers that already made one with `title`).

    Returns:
        The command, without its newline.
    """
    props: list[tuple[str, object]] = []
    if file:
        props.append(("file", file))
        if line and line > 0:
            props.append(("line", int(line)))
            if column and column > 0:
                props.append(("col", int(column)))
            if end_line and end_line >= line:
                props.append(("endLine", int(end_line)))
    props.append(("title", full_title if full_title is not None else title(subject)))
    return command(LEVELS[level], message, props)


def place(diag: Diagnostic) -> tuple[str, int | None, int | None, int | None]:
    """Where a finding's annotation goes at head: `(file, line, column, end line)`; file "" for nowhere."""
    if diag.details.get("rev") != "base":
        loc = diag.location
        return loc.path, loc.line, loc.column, loc.end_line
    anchor = diag.details.get("anchor")
    if isinstance(anchor, dict) and isinstance(anchor.get("path"), str) and anchor["path"]:
        line = anchor.get("line")
        return anchor["path"], line if isinstance(line, int) and not isinstance(line, bool) else None, None, None
    return "", None, None, None


def diagnostic_annotation(diag: Diagnostic, level: Severity | None = None) -> str:
    """Annotate one finding at `level` (default: its own severity), placed by `place`."""
    file, line, column, end_line = place(diag)
    return annotation(diag.severity if level is None else level, diag.message, file=file, line=line, column=column,
                      end_line=end_line, subject=diag.code)


def mask(secret: str) -> list[str]:
    """The `::add-mask::` commands hiding a secret, one per non-blank line of it."""
    return [command("add-mask", part) for part in secret.splitlines() or [secret] if part.strip()]


def render_diagnostics(diagnostics: Iterable[Diagnostic]) -> str:
    """Annotate a plain list of findings (DEP lint), each at its own severity, in the stable order."""
    return "".join(diagnostic_annotation(diag) + "\n" for diag in sort_diagnostics(list(diagnostics)))


def render(report: Report, outcome: Outcome | None = None) -> str:
    """Annotate a check: the verdict first, then every reason, finding and problem at its decided level.

    Args:
        report: The check's report.
        outcome: Its outcome (default: `depgate.outcome.decide(report)`; levels do not depend on settings).
    """
    outcome = outcome or decide(report)
    lines = [annotation(outcome.verdict_level, report.headline, subject=report.verdict.value)]
    lines += [diagnostic_annotation(item.diagnostic, item.level) for item in outcome.annotations]
    return "\n".join(lines) + "\n"


# -- the action's Markdown blocks --------------------------------------------------------------------------------


def failure_md(heading: str, err: str) -> str:
    """A summary for a run that could not finish: the error as a literal code block (it may quote files)."""
    text = err.strip()[-4000:] or "no output"
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", text)), default=0))
    return f"### ⚠️ {heading}\n\n{fence}text\n{text}\n{fence}\n"


def problems_md(problems: Sequence[str]) -> str:
    """The GitHub API's failures (described), under the verdict they did not change; "" when none."""
    if not problems:
        return ""
    lines = ["", "> [!WARNING]", "> The GitHub API did not do everything; the verdict above still stands:"]
    lines += [f"> - {md_inline(text, max_length=500)}" for text in problems]
    return "\n".join(lines) + "\n"


def findings_md(diagnostics: Sequence[Diagnostic], heading: str,
                where: Callable[[str, int | None], str] | None = None) -> str:
    """A table of findings for the job summary (at most `MAX_ROWS` rows, saying how many more).

    Args:
        diagnostics: The findings, in any order.
        heading: What was checked (`depgate lint`).
        where: Renders a location as Markdown (a link); default: the path and line as code.
    """
    if not diagnostics:
        return f"### ✅ {heading}: no findings\n"
    where = where or (lambda path, line: md_code(f"{path}:{line}" if line else path) if path else "")
    ordered = sort_diagnostics(list(diagnostics))
    lines = [f"### {heading}: {len(ordered)} finding(s)", "", "| Code | Severity | Where | What |",
             "| --- | --- | --- | --- |"]
    lines += [f"| {md_code(d.code)} | {md_inline(d.severity.label)} | {where(d.location.path, d.location.line)} | "
              f"{md_inline(d.message)} |" for d in ordered[:MAX_ROWS]]
    if len(ordered) > MAX_ROWS:
        lines.append(f"| | | | … and {len(ordered) - MAX_ROWS} more |")
    return "\n".join(lines) + "\n"


def collisions_md(collisions: Sequence[Collision], prefix: str = "DEP") -> str:
    """The numbers several open pull requests (or a merged document) claim; "" when there is none."""
    if not collisions:
        return ""
    rows = []
    for c in collisions:
        who = ", ".join(f"#{n}" for n in c.pulls)
        also = f"; already used by {', '.join(md_code(p) for p in c.existing)}" if c.existing else ""
        rows.append(f"| {c.number:04d} | {who}{also} |")
    return "\n".join([
        f"#### {md_inline(prefix)} numbers claimed more than once", "",
        "Several open pull requests (or a merged document) use the same number; all but one must renumber "
        "(`depgate new` picks the next free number).", "", "| Number | Pull requests |", "| --- | --- |", *rows, ""])
