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
        # A terminal or pipe whose encoding cannot show a character (`PYTHONIOENCODING=latin-1`, a title holding
        # U+202E) must get an escape, not a traceback; files depgate writes are UTF-8 whatever the streams are.
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")
        return cls(color=color)

    def print(self, text: str = "") -> None:
        """Write a line of results."""
        self.out.write(text + "\n")

    def note(self, text: str) -> None:
        """Write a line to stderr."""
        self.err.write(text + "\n")
