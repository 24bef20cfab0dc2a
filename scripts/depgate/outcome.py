"""What a verdict means on GitHub: annotation levels, labels and the sticky comment, decided in one place.

`decide(report, settings)` is a pure function of the typed `Report` and the action's settings; it
neither reads git nor talks to GitHub. Renderers and the GitHub layer carry its `Outcome` out and
never cap or raise a severity on their own, so the annotations, the labels and the comment always
tell the same story as the JSON report.

The one rule for levels: an annotation is an error only when the check fails because of it. A
finding keeps its own severity, except that an error-level reason is shown as a warning when the
check passes (a breaking change whose DEP is linked, or overridden, is on record, not a failure),
and an API change is shown as a warning when the requirement it raised is met even though the check
fails for another reason (a broken DEP reference, say).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.diagnostics import Severity, sort_diagnostics
from depgate.report.model import Verdict
from depgate.rules import rules_by_code

if TYPE_CHECKING:
    from collections.abc import Iterable

    from depgate.diagnostics import Diagnostic
    from depgate.report.model import Report

#: The rule category of API changes (`Rule.category`), whose errors depend on the requirement being met.
_API_CATEGORY = "api"


class CommentAction(str, enum.Enum):
    """What happens to depgate's sticky comment on the pull request."""

    POST = "post"
    """Create the comment, or edit it in place when it exists."""
    DELETE = "delete"
    """Delete the comment (nothing left to say)."""
    COLLAPSE = "collapse"
    """Replace the comment by a short, folded note."""
    KEEP = "keep"
    """Leave an existing comment as it is."""
    NONE = "none"
    """Comments are switched off: touch nothing."""


#: The `comment-cleanup` input's values, for a verdict that needs no comment.
CLEANUP: tuple[CommentAction, ...] = (CommentAction.DELETE, CommentAction.COLLAPSE, CommentAction.KEEP)


@dataclass(frozen=True)
class Settings:
    """The action's inputs that shape an outcome.

    Attributes:
        comment: Whether depgate manages a sticky comment.
        labels: Whether depgate manages its labels.
        cleanup: What happens to the comment once the change needs no DEP (one of `CLEANUP`).
        label_required: On a pull request that needs a DEP and links none that satisfies it ("" = unused).
        label_satisfied: On a pull request that needs a DEP and links one that satisfies it ("" = unused).
        label_review: On a pull request whose verdict is `review` ("" = unused).
    """

    comment: bool = True
    labels: bool = True
    cleanup: CommentAction = CommentAction.DELETE
    label_required: str = "dep-required"
    label_satisfied: str = "dep-satisfied"
    label_review: str = ""

    @property
    def own_labels(self) -> tuple[str, ...]:
        """Every label depgate manages: the only ones it ever adds or removes."""
        names = (self.label_required, self.label_satisfied, self.label_review)
        return tuple(dict.fromkeys(name for name in names if name))


@dataclass(frozen=True)
class Annotation:
    """One finding as it is annotated: the finding and the level decided for it.

    Attributes:
        diagnostic: The finding (its own severity is the rule's, as in the JSON report).
        level: The level it is shown at.
    """

    diagnostic: Diagnostic
    level: Severity


@dataclass(frozen=True)
class Outcome:
    """Everything a verdict makes happen on GitHub.

    Attributes:
        verdict_level: The level of the verdict's own annotation: error when the check fails, else a notice.
        annotations: The reasons, findings and problems, each at its decided level, in the report's order.
        comment: What happens to the sticky comment.
        labels_wanted: depgate's labels the pull request should carry.
        labels_owned: depgate's labels; empty when labels are switched off (then none is touched).
    """

    verdict_level: Severity
    annotations: tuple[Annotation, ...]
    comment: CommentAction
    labels_wanted: frozenset[str]
    labels_owned: tuple[str, ...]

    def label_changes(self, current: Iterable[str]) -> tuple[list[str], list[str]]:
        """Return `(to add, to remove)` to go from the labels a pull request carries to the wanted ones."""
        return label_changes(self.labels_wanted, self.labels_owned, current)


def label_changes(wanted: Iterable[str], owned: Iterable[str], current: Iterable[str]) -> tuple[list[str], list[str]]:
    """Return `(to add, to remove)`, sorted, to make depgate's labels on a pull request exactly `wanted`.

    Only labels in `owned` are ever named: a label someone else set is left alone, and a wanted label
    depgate does not own is ignored.
    """
    own, have = set(owned), set(current)
    want = set(wanted) & own
    return sorted(want - have), sorted((own - want) & have)


def requirement_met(report: Report) -> bool:
    """Whether no DEP is required, or the requirement is satisfied or overridden (on record)."""
    return not report.dep_required or report.satisfied or report.override is not None


def _is_api_change(diag: Diagnostic) -> bool:
    rule = rules_by_code().get(diag.code)
    return rule is not None and rule.category == _API_CATEGORY


def reason_level(report: Report, diag: Diagnostic) -> Severity:
    """The level a reason is annotated at: its own severity, but an error only when it fails the check."""
    if diag.severity < Severity.ERROR:
        return diag.severity
    if not report.failed or (_is_api_change(diag) and requirement_met(report)):
        return Severity.WARNING
    return diag.severity


def annotations(report: Report) -> tuple[Annotation, ...]:
    """The report's reasons (in the verdict's order), then findings and problems (sorted), each with its level.

    Findings (DEP lint) and problems (what cannot be analysed) keep their own severity: they are facts
    about files, not about whether the change passes.
    """
    out = [Annotation(diag, reason_level(report, diag)) for diag in report.reasons]
    out += [Annotation(diag, diag.severity) for group in (report.findings, report.problems)
            for diag in sort_diagnostics(group)]
    return tuple(out)


def wanted_labels(report: Report, settings: Settings) -> frozenset[str]:
    """The labels of `settings` a pull request with this report should carry."""
    if report.verdict is Verdict.REQUIRED:
        name = settings.label_satisfied if report.satisfied else settings.label_required
    elif report.verdict is Verdict.REVIEW:
        name = settings.label_review
    else:
        name = ""
    return frozenset({name} if name else ())


def comment_action(report: Report, settings: Settings) -> CommentAction:
    """Post the comment while the change needs something; clean it up (as configured) once it needs nothing.

    A status change the lifecycle refuses (V120, V121) needs something whatever the verdict: the comment says what.
    """
    if not settings.comment:
        return CommentAction.NONE
    if report.verdict is Verdict.NOT_REQUIRED and all(change.ok for change in report.transitions):
        return settings.cleanup
    return CommentAction.POST


def decide(report: Report, settings: Settings | None = None) -> Outcome:
    """Decide everything the report makes happen on GitHub.

    Args:
        report: The typed report of the change.
        settings: The action's settings (default: the action's defaults).

    Returns:
        The outcome; carrying it out is the GitHub layer's job.
    """
    settings = settings or Settings()
    return Outcome(
        verdict_level=Severity.ERROR if report.failed else Severity.INFO,
        annotations=annotations(report),
        comment=comment_action(report, settings),
        labels_wanted=wanted_labels(report, settings) if settings.labels else frozenset(),
        labels_owned=settings.own_labels if settings.labels else (),
    )
