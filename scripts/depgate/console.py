"""Where commands write: results to stdout, progress and errors to stderr."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TextIO


@dataclass
class Console:
    """Output streams of one command run; tests pass their own.

    Attributes:
        out: Results (reports, JSON, the index).
        err: Progress, notes and errors.
        color: Whether to colour text output.
    """

    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    color: bool = False

    @classmethod
    def default(cls) -> Console:
        """Streams of the process, coloured when stdout is a terminal and NO_COLOR is unset."""
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        return cls(color=color)

    def print(self, text: str = "") -> None:
        """Write a line of results."""
        self.out.write(text + "\n")

    def note(self, text: str) -> None:
        """Write a line to stderr."""
        self.err.write(text + "\n")
