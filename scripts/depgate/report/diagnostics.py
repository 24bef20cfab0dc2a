"""Renderers for a plain list of `Diagnostic`s: text for people, JSON for tools, GitHub annotations.

These know nothing about where the findings came from, so `depgate lint` and `depgate check` share
them. Every renderer sorts with `sort_diagnostics`, so the same findings always give the same bytes.
Text from documents (messages quote header values, snippets show source lines) is untrusted: the text
renderer drops terminal control characters and the GitHub renderer escapes workflow-command syntax.
"""

from __future__ import annotations

import enum
import json
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from depgate.diagnostics import Diagnostic, Severity, sort_diagnostics
from depgate.report.escape import encodable
from depgate.rules import rules_by_code

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

#: Version of the JSON shape; bump on any incompatible change.
SCHEMA_VERSION = 1

#: The one place a severity becomes a GitHub annotation level.
ANNOTATION_LEVELS: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}

_ANSI = {"bold": "\x1b[1m", "dim": "\x1b[2m", "reset": "\x1b[0m",
         Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
# Terminal control characters (escape sequences could rewrite the terminal), except tab.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_MAX_SNIPPET = 200


class FailOn(str, enum.Enum):
    """Which findings make a command exit 1 (`--fail-on`)."""

    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"

    def fails(self, diagnostics: Sequence[Diagnostic]) -> bool:
        """Tell whether these findings fail under this threshold."""
        if self is FailOn.NEVER:
            return False
        threshold = Severity.ERROR if self is FailOn.ERROR else Severity.WARNING
        return any(d.severity >= threshold for d in diagnostics)


def _clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", encodable(text))


def _paint(text: str, style: Any, color: bool) -> str:
    return f"{_ANSI[style]}{text}{_ANSI['reset']}" if color else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_counts(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    """Count findings per severity label, every severity present (0 when none)."""
    counts = Counter(d.severity for d in diagnostics)
    return {severity.label: counts.get(severity, 0) for severity in sorted(Severity, reverse=True)}


def summary_line(diagnostics: Sequence[Diagnostic]) -> str:
    """One sentence: `Found 2 errors and 1 warning in 1 file.` or `No problems found.`"""
    if not diagnostics:
        return "No problems found."
    counts = summary_counts(diagnostics)
    words = {"error": "error", "warning": "warning", "info": "note"}
    parts = [_plural(n, words.get(label, label)) for label, n in counts.items() if n]
    files = len({d.location.path for d in diagnostics})
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Found {joined} in {_plural(files, 'file')}."


def _snippet(diag: Diagnostic, lines: list[str] | None) -> list[str]:
    """The offending source line with a marker under it, or nothing when the line is unknown."""
    line = diag.location.line
    if not lines or not line or line > len(lines):
        return []
    source = _clean(lines[line - 1].rstrip("\r\n").expandtabs(4))
    if len(source) > _MAX_SNIPPET:
        source = source[: _MAX_SNIPPET - 1] + "…"
    number = str(line)
    gutter = " " * len(number)
    if diag.location.column:
        start = min(diag.location.column - 1, len(source))
        marker = " " * start + "^"
    else:
        stripped = source.lstrip()
        start = len(source) - len(stripped)
        marker = " " * start + "^" * max(len(stripped.rstrip()), 1)
    return [f" {gutter} |", f" {number} | {source}", f" {gutter} | {marker}"]


def render_text(diagnostics: Sequence[Diagnostic], read_lines: Callable[[str], list[str] | None], *,
                color: bool = False) -> str:
    """Render findings for people, like a compiler: location, code, message, the source line, a summary.

    Args:
        diagnostics: The findings, in any order.
        read_lines: Returns a file's lines (for the snippet) or None when unavailable; called once per file.
        color: Use ANSI colours.

    Returns:
        The text, ending with a newline.

    Example:
        ```
        deps/0008-offload.md:5:1: D109 error: Status must be one of Draft, …, not `WIP`
           |
         5 | Status: WIP
           | ^^^^^^^^^^^

        Found 1 error in 1 file.
        ```
    """
    cache: dict[str, list[str] | None] = {}
    out: list[str] = []
    for diag in sort_diagnostics(diagnostics):
        path = diag.location.path
        if path not in cache:
            cache[path] = read_lines(path)
        where = _paint(_clean(str(diag.location)), "bold", color)
        code = _paint(diag.code, diag.severity, color)
        label = _paint(diag.severity.label, diag.severity, color)
        out.append(f"{where}: {code} {label}: {_clean(diag.message)}")
        snippet = _snippet(diag, cache[path])
        out.extend(_paint(row, "dim", color) if color and i != 1 else row for i, row in enumerate(snippet))
        if snippet:
            out.append("")
    if out and out[-1] != "":
        out.append("")
    out.append(summary_line(diagnostics))
    return "\n".join(out) + "\n"


def diagnostic_data(diag: Diagnostic) -> dict[str, Any]:
    """Plain data of one finding for JSON: `Diagnostic.as_dict()` plus the rule's name and docs link."""
    data = {key: encodable(value) if isinstance(value, str) else value for key, value in diag.as_dict().items()}
    rule = rules_by_code().get(diag.code)
    if rule is not None:
        data["rule"] = rule.name
        data["url"] = rule.url
    return data


def render_json(diagnostics: Sequence[Diagnostic], **meta: Any) -> str:
    """Render findings as versioned JSON for tools.

    The shape is `{"schema_version": 1, <meta>..., "summary": {...}, "diagnostics": [...]}` with keys
    sorted and findings in the stable order, so equal input gives byte-identical output.

    Args:
        diagnostics: The findings, in any order.
        **meta: Extra top-level keys (e.g. `command="lint"`); must be JSON-serialisable.

    Returns:
        The JSON text, ending with a newline.
    """
    reserved = {"schema_version", "summary", "diagnostics"} & set(meta)
    if reserved:
        raise ValueError(f"meta keys clash with the schema: {sorted(reserved)}")
    ordered = sort_diagnostics(diagnostics)
    document = {
        "schema_version": SCHEMA_VERSION,
        **meta,
        "summary": {**summary_counts(ordered), "total": len(ordered)},
        "diagnostics": [diagnostic_data(d) for d in ordered],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_github(diagnostics: Sequence[Diagnostic]) -> str:
    """Render findings as GitHub Actions workflow commands, one annotation per finding.

    The commands are written by the one workflow-command writer, `depgate.report.github`, so `depgate
    lint --format github` and the action annotate alike.

    Example:
        `::error file=deps/0008-offload.md,line=5,title=depgate%3A D109::Status must be one of …`
    """
    # Imported here: `depgate.report.github` takes its severity mapping from this module.
    from depgate.report.github import render_diagnostics

    return render_diagnostics(diagnostics)
