"""Renderers of `depgate status` (DEP-0005): where each proposal stands, as text, JSON or Markdown.

They only show a `StatusReport`; what is proposed and why was decided by `depgate.proposals.status`.
Every string that comes from a document or a commit (titles, statuses, subjects, symbols) is cleaned for
the terminal or escaped for Markdown: the Markdown goes into a pull request body, and a fork's proposal
title must not break its table, mention anyone or inject HTML.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from depgate.report.escape import encodable, md_code, md_inline

if TYPE_CHECKING:
    from depgate.proposals.evidence import Evidence, ProposalState, StatusReport

TEMPLATE_NAME = "status.md.j2"
#: Evidence shown per proposal in a Markdown cell before the rest is counted.
MAX_EVIDENCE = 5
_COLORS = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2"}
_HEX = re.compile(r"^[0-9a-f]{4,64}$")
# Bidirectional embeddings, overrides, isolates and marks: in a pull request body they reorder what a reviewer
# reads (a title can show one thing and say another), and `md_inline` keeps them. Dropped from the Markdown.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _clean(text: object, limit: int = 200) -> str:
    # Terminal safety: text from documents and commits must not carry escape sequences or fake new lines.
    value = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _needs_action(state: ProposalState) -> bool:
    return bool(state.repairs or state.findings)


def _status_change(state: ProposalState) -> str:
    status = _clean(state.status or "(no status)", 60)
    return f"{status} -> {_clean(state.proposed, 60)}" if state.proposed else status


def _evidence_line(evidence: Evidence) -> str:
    ref = f"#{evidence.pull} {evidence.sha[:12]}" if evidence.pull is not None else evidence.sha[:12]
    line = (f"{evidence.strength.value:<8} {_clean(ref)}  {_clean(evidence.date, 30)}  "
            f"{_clean(evidence.subject, 100)}  ({evidence.kind.value})")
    if evidence.symbols:
        line += "  symbols: " + _clean(", ".join(evidence.symbols), 200)
    return line


def status_text(report: StatusReport, *, color: bool = False) -> str:
    """Render the report for a terminal.

    One block per proposal that has a repair or a finding (its findings, its repairs, its evidence), then one
    line counting the proposals that stand as written.

    Args:
        report: The report.
        color: Use ANSI colours.

    Returns:
        The text, ending with a newline.
    """

    def paint(text: str, *styles: str) -> str:
        if not color:
            return text
        return f"\x1b[{';'.join(_COLORS[s] for s in styles)}m{text}\x1b[0m"

    lines = [paint(f"Proposals on {_clean(report.branch, 100)} at {report.tip[:12]} "
                   f"(today {report.today.isoformat()})", "bold")]
    for problem in report.problems:
        where = f"{_clean(problem.location)}: " if problem.location.path else ""
        lines.append(paint(f"  note: {where}{problem.code} {_clean(problem.message, 300)}", "yellow"))
    shown = [p for p in report.proposals if _needs_action(p)]
    for state in shown:
        name = _clean(state.label or state.path, 100)
        lines += ["", paint(f"{name}  {_status_change(state)}", "bold", "yellow" if state.repairs else "dim")
                  + f"  {_clean(state.title or '(no title)', 120)}  [{_clean(state.path, 200)}]"]
        for diag in state.findings:
            lines.append(f"  {diag.code} [{diag.severity.label}] {_clean(diag.message, 300)}")
        for repair in state.repairs:
            how = paint("--write applies it", "green") if repair.automatic else paint("to confirm", "yellow")
            change = [f"Status: {_clean(repair.status, 60)}"] if repair.status else []
            if repair.implementation:
                change.append(f"Implementation: {_clean(', '.join(repair.implementation), 200)}")
            lines.append(f"  repair {repair.code} ({how}): {'; '.join(change) or 'no header change'}"
                         f" - {_clean(repair.message, 300)}")
        if state.evidence:
            lines.append("  evidence:")
            lines.extend(f"    {_evidence_line(e)}" for e in state.evidence)
    rest = len(report.proposals) - len(shown)
    lines += ["", f"{len(shown)} proposal(s) need attention; {rest} other(s) stand as written."
              if shown else f"All {rest} proposal(s) stand as written."]
    return "\n".join(lines) + "\n"


def status_json(report: StatusReport) -> str:
    """Render the report as one JSON object (`StatusReport.details()`) followed by a newline.

    Keys keep the model's order, indentation is 2 and non-ASCII text is kept, so the same report gives the same
    bytes every time.
    """
    return encodable(json.dumps(report.details(), indent=2, ensure_ascii=False)) + "\n"


def _evidence_ref(evidence: Evidence) -> dict[str, Any]:
    # `#12` and a hexadecimal commit id are made here from an int and git's output: safe to show unescaped, and
    # GitHub links both. Anything else is shown as code.
    sha = evidence.sha[:12]
    return {"pull": evidence.pull, "sha": sha if _HEX.match(sha) else None, "raw": None if _HEX.match(sha) else sha,
            "kind": evidence.kind.value, "strength": evidence.strength.value}


def _calls_for_action(code: str) -> bool:
    # S101-S199 call for a change to the document; S100 only says the evidence is incomplete, S2xx are nudges.
    return code.startswith("S1") and code != "S100"


def _why(state: ProposalState) -> list[dict[str, Any]]:
    """Each repair with the finding that explains it (its own message when there is none), then S1xx findings
    that call for no header change (a design change to propose, a successor to name)."""
    said = {d.code: d.message for d in state.findings}
    why = [{"code": r.code, "message": said.get(r.code, r.message), "automatic": r.automatic}
           for r in state.repairs]
    repaired = {r.code for r in state.repairs}
    why += [{"code": d.code, "message": d.message, "automatic": False} for d in state.findings
            if _calls_for_action(d.code) and d.code not in repaired]
    return why


def _plain(value: Any) -> Any:
    """The context without bidirectional controls in any string, however deep (dicts and lists are rebuilt)."""
    if isinstance(value, str):
        return _BIDI.sub("", value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def status_context(report: StatusReport, *, limit: int = 50) -> dict[str, Any]:
    """Plain data for the Markdown template.

    Args:
        report: The report.
        limit: Rows of the table at most; the rest is counted.
    """
    shown = [p for p in report.proposals if p.repairs or any(_calls_for_action(d.code) for d in p.findings)]
    rows = []
    for state in shown[:limit]:
        # The evidence that backs a repair: linked and inferred commits, not the record of the document itself.
        backing = [e for e in state.evidence if e.strength.value != "record"]
        rows.append({
            "label": state.label or state.path, "title": state.title, "path": state.path,
            "status": state.status, "proposed": state.proposed,
            "why": _why(state),
            "evidence": [_evidence_ref(e) for e in backing[:MAX_EVIDENCE]],
            "more_evidence": max(0, len(backing) - MAX_EVIDENCE),
        })
    nudges = [{"label": p.label or p.path, "code": d.code, "message": d.message}
              for p in report.proposals for d in p.findings if d.code.startswith("S2")]
    return _plain({
        "branch": report.branch, "tip": report.tip[:12] if _HEX.match(report.tip[:12]) else None,
        "rows": rows, "more_rows": max(0, len(shown) - limit),
        "nudges": nudges[:limit], "more_nudges": max(0, len(nudges) - limit),
        "problems": [{"code": d.code, "message": d.message} for d in report.problems[:limit]],
        "total": len(report.proposals),
    })


def _template() -> Any:
    import jinja2.sandbox  # here: text and JSON output never load jinja2

    env = jinja2.sandbox.SandboxedEnvironment(autoescape=False, keep_trailing_newline=True, trim_blocks=True,
                                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["md_inline"] = md_inline
    env.filters["md_code"] = md_code
    text = resources.files("depgate.report").joinpath("templates", TEMPLATE_NAME).read_text(encoding="utf-8")
    return env.from_string(text)


def status_markdown(report: StatusReport, *, heading_level: int = 2, limit: int = 50) -> str:
    """Render the report as GitHub-flavoured Markdown, for a job summary or a pull request body.

    A table of the proposals that need action (label and title, status -> proposed, why, the evidence as `#12`
    or commit links), then the nudges, then what kept depgate from seeing everything. Every string from a
    document or a commit is escaped and cut to a bounded length; at most `limit` rows and `limit` nudges are
    listed, the rest counted.

    Args:
        report: The report.
        heading_level: Level of the top heading (1-6); the sections are one level below.
        limit: Rows and nudges shown at most.

    Returns:
        The Markdown, ending with one newline.

    Raises:
        ValueError: `heading_level` is not 1-6 or `limit` is below 1.
    """
    if not 1 <= heading_level <= 6:
        raise ValueError(f"heading_level must be 1 to 6, not {heading_level}")
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    context = status_context(report, limit=limit)
    text = _template().render(h="#" * heading_level, sub="#" * min(heading_level + 1, 6), **context)
    return encodable(re.sub(r"\n{3,}", "\n\n", text).strip("\n")) + "\n"
