"""Shared fixtures."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gitrepo import GitRepo  # noqa: E402

from depgate.cli import main  # noqa: E402
from depgate.console import Console  # noqa: E402


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    """An empty git repository on branch `main`."""
    return GitRepo.init(tmp_path / "repo")


class CliResult:
    """What one `depgate` invocation produced."""

    def __init__(self, code: int, out: str, err: str):
        self.code = code
        self.out = out
        self.err = err

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[:400]!r}, err={self.err[:400]!r})"


@pytest.fixture
def run_cli():
    """Run the command line in-process and capture what it prints."""

    def _run(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        try:
            code = main(list(args), Console(out=out, err=err))
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        return CliResult(code, out.getvalue(), err.getvalue())

    return _run
