"""Exceptions raised by depgate.

The exception types are public API; their message wording is not. Every error that reaches a user
names the file (and line, where there is one) and says what to do.
"""

from __future__ import annotations

from pathlib import Path


class DepgateError(Exception):
    """Base class of every error depgate raises on purpose.

    The command line turns these into a one-paragraph message and exit code 2.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None, hint: str = ""):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        """Return the message as a user reads it: `path:line: message (hint)`."""
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        text = where + self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ConfigError(DepgateError):
    """The configuration file is unreadable, or holds an unknown key or a value of the wrong type."""


class GitError(DepgateError):
    """A git operation failed: not a repository, unknown revision, shallow history."""


class UsageError(DepgateError):
    """The command line was used wrongly in a way argparse cannot see."""


class ProposalError(DepgateError):
    """A DEP document cannot be turned into a typed proposal (strict parsing)."""
