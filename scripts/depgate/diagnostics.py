"""The one shape every finding takes, whatever produced it.

Analysis (DEP lint, API diff, verdict) yields `Diagnostic`s; renderers only format them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How serious a finding is. Ordered, so `max()` gives the worst one."""

    INFO = 10
    WARNING = 20
    ERROR = 30

    @property
    def label(self) -> str:
        """Lower-case name used in text and JSON output."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Turn `"error"`, `"Warning"`... into a member.

        Raises:
            ValueError: the text names no severity.
        """
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(member.label for member in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None


@dataclass(frozen=True, order=True)
class Location:
    """Where a finding points: a repository-relative path and, when known, a 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line:
            text += f":{self.line}"
            if self.column:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Diagnostic:
    """One finding.

    Attributes:
        code: The stable rule code, e.g. `D101`.
        severity: How serious it is (may differ from the rule's default when configured).
        message: One sentence, phrased as a requirement or a fact.
        location: Where it points.
        old: The value before a change, when the finding is about a change.
        new: The value after a change.
        details: Extra structured data for renderers (never needed to understand the message).
    """

    code: str
    severity: Severity
    message: str
    location: Location
    old: str | None = None
    new: str | None = None
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str, str, str]:
        """A total order: by file, line, column, code, message, then the values."""
        loc = self.location
        return (loc.path, loc.line or 0, loc.column or 0, self.code, self.message, self.old or "", self.new or "")

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        data: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "path": self.location.path,
            "line": self.location.line,
        }
        if self.location.column:
            data["column"] = self.location.column
        if self.old is not None:
            data["old"] = self.old
        if self.new is not None:
            data["new"] = self.new
        if self.details:
            data["details"] = self.details
        return data


def sort_diagnostics(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> list[Diagnostic]:
    """Return diagnostics in the stable order every renderer uses."""
    return sorted(diagnostics, key=lambda d: d.sort_key)

