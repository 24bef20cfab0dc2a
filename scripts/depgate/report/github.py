"""GitHub workflow-command annotations for a check report (`::error file=...,line=...::message`).

Every string from the pull request passes through `depgate.report.escape` (`workflow_data`,
`workflow_property`), so a file name or a title cannot start a command of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from depgate.diagnostics import Severity, sort_diagnostics
from depgate.report.diagnostics import ANNOTATION_LEVELS
from depgate.report.escape import workflow_data, workflow_property

if TYPE_CHECKING:
    from depgate.diagnostics import Diagnostic
    from depgate.report.model import Report

#: The one mapping from severity to annotation level (shared with `depgate lint`).
LEVELS = ANNOTATION_LEVELS


def annotation(diag: Diagnostic, *, cap: Severity | None = None) -> str:
    """Render one diagnostic as a workflow command; `cap` lowers its level (never raises it)."""
    severity = min(diag.severity, cap) if cap is not None else diag.severity
    props = []
    if diag.location.path:
        props.append(f"file={workflow_property(diag.location.path)}")
        if diag.location.line:
            props.append(f"line={diag.location.line}")
    props.append(f"title={workflow_property('depgate ' + diag.code)}")
    return f"::{LEVELS[severity]} {','.join(props)}::{workflow_data(diag.message)}"


def render(report: Report) -> str:
    """Render the verdict as a notice, then one annotation per reason, finding and problem.

    API changes are annotated at most as warnings: whether they fail the check is the verdict's business
    (a breaking change with an accepted DEP is fine), not the annotation's.
    """
    level = "error" if report.failed else "notice"
    lines = [f"::{level} title={workflow_property('depgate: ' + report.verdict.value)}::"
             f"{workflow_data(report.headline)}"]
    for diag in report.reasons:
        cap = Severity.WARNING if diag.code.startswith("A") else None
        lines.append(annotation(diag, cap=cap))
    for diag in sort_diagnostics(report.findings):
        lines.append(annotation(diag))
    for diag in sort_diagnostics(report.problems):
        lines.append(annotation(diag))
    return "\n".join(lines) + "\n"
