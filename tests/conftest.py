"""Shared fixtures."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from depgate.cli import main
from depgate.console import Console
from gitrepo import GitRepo


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


@pytest.fixture(scope="module")
def server():
    """A local HTTP server for the fake GitHub API, one per test module."""
    from fakegithub import start_server

    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def fake(server):
    """The fake GitHub REST API (repository Codertocat/Hello-World), emptied after each test."""
    from fakegithub import FakeGitHub

    fake = FakeGitHub(server)
    yield fake
    server.clear()
