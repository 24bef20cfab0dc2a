"""The contract cache (`depgate.api.contract_cache`) saves work, never hides a change and never trusts a bad file."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from test_api_contract import EXPECTED, PACKAGE

if TYPE_CHECKING:
    from gitrepo import GitRepo


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """The sample package of `test_api_contract`, committed."""
    git_repo.commit("feat: start", PACKAGE)
    return git_repo


def _cache(repo: GitRepo):
    return repo.path / ".git" / "depgate" / "contracts.json"


def _written(repo: GitRepo) -> str:
    return (repo.path / "api" / "pkg.api.md").read_text(encoding="utf-8")


def test_a_second_run_is_answered_from_the_cache_with_the_same_bytes(repo, run_cli, monkeypatch):
    assert run_cli("api", "--write", "--repo", str(repo.path)).code == 0
    assert _cache(repo).is_file()
    # Were the surface read again, this would fail: the cache answers for the same tree.
    from depgate.api import surface

    monkeypatch.setattr(surface.SurfaceReader, "read", lambda self: pytest.fail("the surface was read again"))
    again = run_cli("api", "--check", "--repo", str(repo.path))
    assert again.code == 0, again
    assert _written(repo) == EXPECTED


def test_a_changed_file_or_configuration_is_never_answered_from_the_cache(repo, run_cli):
    assert run_cli("api", "--write", "--repo", str(repo.path)).code == 0
    repo.write({"pkg/config.py": PACKAGE["pkg/config.py"].replace("y: int = 0", "y: int = 1")})
    stale = run_cli("api", "--check", "--repo", str(repo.path))
    assert stale.code == 1
    assert "+    field y: int = 1\n" in stale.out
    policy = '[tool.depgate.api]\npublic = "underscore"\n'
    repo.write({"pkg/config.py": PACKAGE["pkg/config.py"], "pyproject.toml": policy})
    other_policy = run_cli("api", "--check", "--repo", str(repo.path))
    assert other_policy.code == 1, other_policy
    assert "+module pkg.core\n" in other_policy.out  # a plain module is public under the underscore policy


def test_a_file_that_cannot_be_analysed_is_reported_on_every_run(repo, run_cli):
    repo.write({"pkg/core.py": "def broken(:\n"})
    for _ in range(2):
        result = run_cli("api", "--check", "--repo", str(repo.path))
        assert result.code == 1
        assert "pkg/core.py:1: A901 " in result.err


@pytest.mark.parametrize("content", [
    b"not json",
    b'{"format": 1, "trees": []}',
    b'{"format": 1, "trees": {"x": [1]}}',
    b'{"format": 999, "trees": {}}',
])
def test_a_damaged_cache_is_ignored_and_replaced(repo, run_cli, content):
    assert run_cli("api", "--write", "--repo", str(repo.path)).code == 0
    _cache(repo).write_bytes(content)
    assert run_cli("api", "--check", "--repo", str(repo.path)).code == 0
    assert json.loads(_cache(repo).read_bytes())["format"] == 1


def test_a_damaged_entry_for_this_tree_is_ignored(repo, run_cli):
    assert run_cli("api", "--write", "--repo", str(repo.path)).code == 0
    data = json.loads(_cache(repo).read_bytes())
    for entries in data["trees"].values():
        entries[0]["warnings"] = [{"code": "A902", "severity": "NOPE", "message": "m", "path": "p", "line": 1}]
    _cache(repo).write_text(json.dumps(data))
    result = run_cli("api", "--check", "--repo", str(repo.path))
    assert result.code == 0, result
    assert "A902" not in result.err


def test_caching_off_writes_no_cache(repo, run_cli, monkeypatch):
    monkeypatch.setenv("DEPGATE_CACHE", "off")
    assert run_cli("api", "--write", "--repo", str(repo.path)).code == 0
    assert not _cache(repo).exists()
    assert _written(repo) == EXPECTED
