"""The terminal rendering of a check report: verdict first, then why, then what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from depgate.diagnostics import sort_diagnostics
from depgate.report.model import Bump, Verdict
from depgate.report.steps import build_steps, plain

if TYPE_CHECKING:
    from depgate.diagnostics import Diagnostic
    from depgate.proposals.lifecycle import Transition
    from depgate.report.model import Report, Revision

#: Reason groups, in the order they are shown: (title, test on a reason's code and category).
GROUPS: tuple[tuple[str, str], ...] = (
    ("Breaking changes", "breaking"),
    ("New abstractions", "abstraction"),
    ("New distributed strategies", "strategy"),
    ("Public additions", "addition"),
    ("Files that could not be analysed", "unparsable"),
    ("DEP links and process", "process"),
)

_VERDICT_WORDS = {
    Verdict.REQUIRED: "required",
    Verdict.REVIEW: "review",
    Verdict.NOT_REQUIRED: "not-required",
    Verdict.PROPOSAL: "proposal",
}
_COLORS = {"red": "31", "green": "32", "yellow": "33", "blue": "34", "bold": "1", "dim": "2"}


def group_of(diag: Diagnostic) -> str:
    """Name the group a reason belongs to (see `GROUPS`)."""
    if diag.code.startswith("V107"):
        return "unparsable"
    if diag.code.startswith("V"):
        return "process"
    return str(diag.details.get("category", "process"))


#: Reasons shown in a section of their own (the suggestions, the status changes), so not repeated in the groups.
SHOWN_APART = frozenset({"V108", "V120", "V121", "V122"})


def grouped(reasons: tuple[Diagnostic, ...] | list[Diagnostic],
            prefix: str = "DEP") -> list[tuple[str, str, list[Diagnostic]]]:
    """Split reasons into the non-empty groups of `GROUPS` as `(key, title, reasons)`, keeping their order.

    `SHOWN_APART` codes are left out; titles speak the repository's prefix (`RFC links and process`).
    """
    out = []
    for title, key in GROUPS:
        items = [d for d in reasons if group_of(d) == key and d.code not in SHOWN_APART]
        if items:
            out.append((key, title.replace("DEP", prefix), items))
    return out


_BUMP_WHY = {
    Bump.MAJOR: "a breaking change",
    Bump.MINOR: "new public API",
    Bump.PATCH: "code changed, with no public-API impact",
    Bump.NONE: "no code change",
}


def bump_sentence(report: Report) -> str:
    """The release the change implies, in one plain sentence (renderers escape or decorate it).

    A breaking change under 0.x with `major_on_zero` false reads `minor (a breaking change; a minor release under
    0.x, as major_on_zero is false): 0.16.0 -> 0.17.0, version from pyproject.toml`.
    """
    release = report.release
    impact = release.impact if release is not None else report.bump
    why = _BUMP_WHY[impact]
    if release is not None and release.impact is not report.bump:
        why += f"; a {report.bump.value} release under 0.x, as major_on_zero is false"
    elif release is not None and report.bump is Bump.MAJOR and release.version.startswith("0."):
        why += "; 1.0.0 even under 0.x, as major_on_zero is true"
    words = f"{report.bump.value} ({why})"
    if release is None:
        return f"{words}; no project version found"
    if release.next_version is None:
        return f"{words}: no release after {release.version}, version from {release.source}"
    return f"{words}: {release.version} -> {release.next_version}, version from {release.source}"


def transition_state(change: Transition) -> tuple[str, str | None]:
    """How the lifecycle judged a status change, in a word, with the rule that reports it (None when accepted)."""
    if not change.allowed:
        return "not allowed", "V120"
    if change.met is False:
        return "condition unmet", "V121"
    return "allowed", None


def _rev(rev: Revision) -> str:
    if rev.sha is None:
        return rev.rev
    return f"{rev.sha[:12]} ({rev.rev})" if rev.rev != rev.sha else rev.sha[:12]


def _clean(text: object) -> str:
    # Terminal safety: untrusted text must not carry escape sequences or fake new lines.
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def render(report: Report, *, color: bool = False) -> str:
    """Render the report for a terminal.

    Args:
        report: The report.
        color: Use ANSI colours.
    """

    def paint(text: str, *styles: str) -> str:
        if not color:
            return text
        codes = ";".join(_COLORS[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    state = ("red" if report.failed else "yellow" if report.verdict in (Verdict.REQUIRED, Verdict.REVIEW)
             else "green")
    lines = [
        paint(f"[{_VERDICT_WORDS[report.verdict]}] {_clean(report.headline)}", "bold", state),
        f"  {_clean(report.title)!s}" if report.title else "  (no title)",
        paint(f"  base {_rev(report.base)} -> head {_rev(report.head)}; {len(report.files)} file(s) changed, "
              f"{len(report.changes)} API change(s)", "dim"),
    ]
    lines.append(f"  bump: {_clean(bump_sentence(report))}")
    if report.failed:
        lines.append(paint(f"  the check fails (fail-on: {report.fail_on.value})", "red"))
    for _key, title, items in grouped(report.reasons, report.naming.prefix):
        lines += ["", paint(f"{title}:", "bold")]
        for diag in items:
            lines.append(f"  {_where(diag)}: {diag.code} [{diag.severity.label}] {_clean(diag.message)}")
            if diag.old is not None or diag.new is not None:
                lines.append(f"      old: {_clean(diag.old)}  new: {_clean(diag.new)}")
    if report.transitions:
        lines += ["", paint("Status changes:", "bold")]
        for change in report.transitions:
            word, code = transition_state(change)
            mark = paint(word, "green" if code is None else "red") + (f" ({code})" if code else "")
            where = f"{change.path}:{change.line}" if change.line else change.path
            lines.append(f"  {_clean(change.label or '?')}  {_clean(change.old)} -> {_clean(change.new)}  {mark}: "
                         f"{_clean(change.reason)}  [{_clean(where)}]")
            if change.deciders:
                lines.append(f"      one of {_clean(', '.join(change.deciders))} must approve (V122)")
    if report.deps:
        lines += ["", paint("DEPs involved:", "bold")]
        for dep in report.deps:
            mark = paint("satisfies", "green") if dep.satisfies else paint("does not satisfy", "yellow")
            how = ", ".join(_clean(f"{link.kind.value} ({link.source})") for link in dep.links)
            lines.append(f"  {dep.label or '?'}  {_clean(dep.status or '-')}  {_clean(dep.title or '(missing)')}  "
                         f"[{_clean(dep.path or 'no document')}]  linked: {how}; {mark}")
    if report.done is not None:
        lines += ["", paint(f"Definition of done ({report.done.policy}):", "bold")]
        for item in report.done.items:
            mark = ("ok" if item.ok else "MISSING" if item.required and report.done.policy == "required"
                    else "missing")
            shown = ", ".join(_clean(name) for name in item.found[:5]) + (
                f" … and {len(item.found) - 5} more" if len(item.found) > 5 else "")
            need = " (required)" if item.required else ""
            lines.append(f"  [{paint(mark, 'green' if item.ok else 'red' if mark == 'MISSING' else 'yellow')}] "
                         f"{item.item}{need}: {_clean(item.summary)}{': ' + shown if shown else ''}")
        if report.done.failed:
            lines.append(paint("  the check fails: done.policy is required and a required item is missing", "red"))
    if report.suggestions:
        lines += ["", paint("Suggested DEPs (their text names changed symbols):", "bold")]
        for sug in report.suggestions:
            lines.append(f"  {sug.label or '?'}  {_clean(sug.status or '-')}  {_clean(sug.title or '')}  "
                         f"[{_clean(sug.path)}:{sug.line}] mentions {_clean(', '.join(sug.symbols))}")
    if report.override is not None:
        used = "used" if report.override.used else "present, not needed"
        lines += ["", paint("Override:", "bold"),
                  f"  {report.override.source}: {_clean(report.override.reason)} ({used})"]
    if report.findings:
        lines += ["", paint(f"{report.naming.prefix} lint findings:", "bold")]
        for diag in sort_diagnostics(report.findings):
            lines.append(f"  {_where(diag)}: {diag.code} [{diag.severity.label}] {_clean(diag.message)}")
    steps = build_steps(report)
    if steps:
        lines += ["", paint("What to do next:", "bold")]
        for step in steps:
            lines.append(f"  - {_clean(step.plain)}")
            lines.extend(f"      - {_clean(plain(item))}" for item in step.sub)
    return "\n".join(lines) + "\n"


def _where(diag: Diagnostic) -> str:
    loc = diag.location
    if not loc.path:
        return "(pull request)"
    text = _clean(str(loc))
    return text + (" (base)" if diag.details.get("rev") == "base" else "")

