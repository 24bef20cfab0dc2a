"""The next steps of a check report, worded once for every renderer.

`Report.next_steps` holds what to do as keywords, decided by `depgate.verdict`; this module turns them into
sentences in the repository's own words (`Report.naming`: its prefix, folder, next free number, a real
accepted proposal, its override marker), naming the very proposals and lint errors involved. A sentence is
a tuple of `Part`s, plain text or code, so the terminal shows it as is and Markdown escapes each part
(`templates/_next_steps.md.j2`, shared by the job summary and the pull-request comment). Nothing here
decides: every choice was made in the `Report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from depgate.diagnostics import Severity, sort_diagnostics

if TYPE_CHECKING:
    from collections.abc import Callable

    from depgate.report.model import DepInfo, Naming, Report

#: Lint errors listed under one proposal; `depgate lint` shows the rest.
MAX_LISTED_ERRORS = 10
#: The `DepInfo.problem` codes of a linked proposal that exists but is not accepted (V104 Draft, V109 other).
_NOT_ACCEPTED = frozenset({"V104", "V109"})


@dataclass(frozen=True)
class Part:
    """A piece of a sentence.

    Attributes:
        text: The words, unescaped (they may quote a pull request).
        style: `text`, `code` (shown as inline code) or `strong` (the step's lead words).
    """

    text: str
    style: str = "text"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for templates: `before`/`after` say whether a space surrounds the (stripped) text."""
        words = self.text.strip()
        return {"text": words, "style": self.style, "before": self.text[:1] == " ",
                "after": self.text[-1:] == " " and bool(words)}


def _t(text: str) -> Part:
    return Part(text)


def _c(text: str) -> Part:
    return Part(text, "code")


def _s(text: str) -> Part:
    return Part(text, "strong")


@dataclass(frozen=True)
class Step:
    """One thing to do.

    Attributes:
        key: The `Report.next_steps` keyword it words.
        parts: The sentence.
        sub: Items listed under it (the lint errors to fix), each a sentence.
    """

    key: str
    parts: tuple[Part, ...]
    sub: tuple[tuple[Part, ...], ...] = ()

    @property
    def plain(self) -> str:
        """The sentence for a terminal: code between backticks."""
        return plain(self.parts)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for `_next_steps.md.j2`: `key`, `parts` and `sub` (lists of `Part.as_dict()`)."""
        return {"key": self.key, "parts": [p.as_dict() for p in self.parts],
                "sub": [[p.as_dict() for p in item] for item in self.sub]}


def plain(parts: tuple[Part, ...]) -> str:
    """Join parts as plain text, code in backticks."""
    return "".join(f"`{p.text}`" if p.style == "code" else p.text for p in parts)


def _example(report: Report) -> tuple[Part, ...]:
    """A real proposal to cite: the best suggestion when there is one, else the latest accepted at head."""
    accepted = {s.casefold() for s in report.naming.accepted_statuses}
    suggested = next((s for s in report.suggestions if s.label and (s.status or "").casefold() in accepted), None)
    if suggested is not None and suggested.label:
        return _t(", e.g. "), _c(suggested.label), _t(" (suggested above).")
    if report.naming.example:
        return _t(", e.g. "), _c(report.naming.example), _t(".")
    return (_t("."),)


def _override(n: Naming) -> tuple[Part, ...]:
    label = (_t(" (or the label "), _c(n.override_labels[0]), _t(")")) if n.override_labels else ()
    if n.override_line is not None:
        return (_s("Or record why none is needed"), _t(": add a line "), _c(n.override_line), _t(" to the body"),
                *label, _t("; it is recorded and shown here."))
    return (_s("Or record why none is needed"), _t(": add a line matching "), _c("verdict.override-marker"),
            _t(" ("), _c(n.override_pattern), _t(") to the body"), *label, _t("; it is recorded and shown here."))


def _accept(dep: DepInfo, n: Naming) -> tuple[Part, ...]:
    name = dep.label or dep.path or "?"
    status = dep.status or "no status"
    target = n.accepted_statuses[0] if n.accepted_statuses else "Accepted"
    where = (_t(" ("), _c(dep.path), _t(")")) if dep.path else ()
    return (_s(f"Accept {name}"), *where, _t(f": it is linked but its status is {status}, which does not satisfy "
            "the requirement. Set its "), _c(f"Status: {target}"), _t(" in a pull request of its own, so the "
            "decision is reviewed apart from the code, merge it, then re-run this check; or, if this change should "
            "go in without it, record why with the override below."))


def _lint_errors(report: Report, dep: DepInfo) -> tuple[tuple[Part, ...], ...]:
    errors = [d for d in sort_diagnostics(report.findings)
              if d.location.path == dep.path and d.severity is Severity.ERROR]
    items = [(_c(str(d.location)), _t(" "), _c(d.code), _t(f" {d.message}")) for d in errors[:MAX_LISTED_ERRORS]]
    if len(errors) > MAX_LISTED_ERRORS:
        items.append((_t(f"and {len(errors) - MAX_LISTED_ERRORS} more: run "), _c("depgate lint")))
    return tuple(items)


def _status_step(change: Any) -> tuple[Part, ...]:
    """The step for one refused status change: what the lifecycle wants, in the words of its condition."""
    name = change.label or change.path
    moved = (_t(" ("), _c(f"{change.old} -> {change.new}"), _t(f"): {change.reason}. "))
    keep = (_t("Meanwhile set "), _c(f"Status: {change.old}"), _t(" back in this pull request."))
    if change.condition == "proposals-only":
        return (_s(f"Accept {name} in a pull request of its own"), *moved,
                _t("An acceptance is decided apart from the code: open a pull request that changes only "),
                _c(change.path), _t(" (and other proposals), merge it, then land the code. "), *keep)
    if change.condition == "implementation":
        return (_s(f"Mark {name} {change.new} with or after its implementation"), *moved,
                _t("Make the status change in the pull request that brings the code, or after a code change that "
                   f"cites {name} in its title or message has merged. "), *keep)
    if change.condition == "after-implementation":
        return (_s(f"Record {name} as {change.new} on its own, once its implementation has merged"), *moved,
                _t("Land the code first (citing "), _c(name), _t(" in its title or message), then change only "),
                _c(change.path), _t(" in a pull request of its own. "), *keep)
    if change.condition == "successor":
        return (_s(f"Name the successor of {name}"), *moved, _t("Add a "), _c("Superseded-By: NNNN"),
                _t(" header naming the proposal that replaces it, present at head."))
    return (_s(f"Fix the status change of {name}"), *moved, _t("Change the status only as "),
            _c("status.lifecycle"), _t(" allows, or keep it as it was: "),
            _c(f"Status: {change.old}"), _t("."))


def _steps_for(key: str, report: Report) -> list[Step]:
    n = report.naming
    p = n.prefix
    builders: dict[str, Callable[[], list[Step]]] = {
        "fix-dep-lint": lambda: [
            Step(key, (_s(f"Fix the lint errors in {dep.label or dep.path}"), _t(" ("), _c(dep.path or "?"),
                       _t(f"): {n.article} {p} with lint errors does not satisfy the requirement.")),
                 _lint_errors(report, dep))
            for dep in report.deps if dep.problem == "V113"],
        "accept-dep": lambda: [Step(key, _accept(dep, n)) for dep in report.deps if dep.problem in _NOT_ACCEPTED],
        "write-dep": lambda: [Step(key, (
            _s(f"Write {n.article} {p}"), _t(": run "), _c('depgate new "<title>"'), _t(", which creates "),
            _c(n.next_path),
            _t(", fill it in and add it to this change.")))],
        "link-dep": lambda: [Step(key, (_s(f"Or link an accepted {p}"),
                                        _t(": write its number in the title or body"), *_example(report)))],
        "override": lambda: [Step(key, _override(n))],
        "fix-references": lambda: [Step(key, (_s(f"Fix the {p} references"),
                                              _t(" listed above (missing, closed or ambiguous numbers).")))],
        "mark-breaking": lambda: [Step(key, (_s("Mark the breaking change"), _t(": "), _c("feat!: …"),
                                             _t(" in the title, or a "), _c("BREAKING CHANGE:"), _t(" footer.")))],
        "mark-feature": lambda: [Step(key, (_s("Title the new API as a feature"), _t(": "), _c("feat: …"),
                                            _t(" instead of the title's current type, so semantic-release releases "
                                               "it as a minor version.")))],
        "fix-syntax": lambda: [Step(key, (_s("Fix the files that cannot be analysed"),
                                          _t(" (listed above), so their API can be checked.")))],
        "fix-status": lambda: [Step(key, _status_step(change)) for change in report.transitions if not change.ok],
    }
    build = builders.get(key)
    return build() if build is not None else [Step(key, (_t(key),))]


def build_steps(report: Report) -> tuple[Step, ...]:
    """Word the report's next steps, in its order; a keyword this version does not know is shown as is.

    Args:
        report: The report (`next_steps`, `naming`, `deps`, `findings` and `suggestions` are read).

    Returns:
        The steps; a keyword about several proposals (two Draft DEPs) gives one step each.
    """
    return tuple(step for key in report.next_steps for step in _steps_for(key, report))
