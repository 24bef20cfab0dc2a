"""`--config FILE` means the same for every command: a relative path is taken from the current directory.

Each test runs a command from a folder outside the repository, with `--config conf.yml` naming a file in
that folder. The repository holds a decoy `conf.yml` at its root that points the DEP folder at nothing, so
a command that resolved the path from the repository root instead would fail or give another answer.
"""

from __future__ import annotations

import json

import pytest

from dep_samples import GOOD, PROCESS, TEMPLATE

CONFIG = "proposals:\n  directory: proposals\n"
DECOY = "proposals:\n  directory: nowhere\n"


@pytest.fixture
def repo(git_repo, tmp_path, monkeypatch):
    """A repository whose DEPs live in `proposals/`, and a current directory outside it holding `conf.yml`."""
    git_repo.commit("docs: deps", {"proposals/TEMPLATE.md": TEMPLATE, "proposals/0001-dep-process.md": PROCESS,
                                   "conf.yml": DECOY, "README.md": "# project\n"})
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    (cwd / "conf.yml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(cwd)
    return git_repo


def test_lint(run_cli, repo):
    repo.write({"proposals/0008-offload.md": GOOD.replace("Status: Draft", "Status: WIP")})
    result = run_cli("lint", "--repo", str(repo.path), "--config", "conf.yml")
    assert result.code == 1, result.err
    assert "proposals/0008-offload.md:5: D109" in result.out


def test_index(run_cli, repo):
    result = run_cli("index", "--repo", str(repo.path), "--config", "conf.yml")
    assert result.code == 0, result.err
    assert "0001-dep-process.md" in result.out


def test_new(run_cli, repo):
    result = run_cli("new", "Event hooks", "--repo", str(repo.path), "--config", "conf.yml", "--author", "Jane Doe")
    assert result.code == 0, result.err
    assert (repo.path / "proposals/0002-event-hooks.md").is_file()


def _add_a_proposal(repo) -> None:
    repo.branch("pr")
    repo.checkout("pr")
    repo.commit("docs: DEP-0008", {"proposals/0008-offload.md": GOOD})


def test_check(run_cli, repo):
    _add_a_proposal(repo)
    result = run_cli("check", "--repo", str(repo.path), "--base", "main", "--config", "conf.yml", "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    # Only a file of the configured DEP folder changed: with `directory: proposals` that is a proposal.
    assert (data["config"], data["verdict"]) == ("conf.yml", "proposal")


def test_audit(run_cli, repo):
    _add_a_proposal(repo)
    result = run_cli("audit", "--repo", str(repo.path), "--range", "main..pr", "--config", "conf.yml")
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["config"], r["verdict"]) for r in records] == [("conf.yml", "proposal")]


@pytest.mark.parametrize("command", [["lint"], ["index"], ["new", "X", "--author", "A"], ["check"],
                                     ["audit", "--range", "main..HEAD"]])
def test_missing_config_file_is_named(run_cli, repo, command):
    result = run_cli(*command, "--repo", str(repo.path), "--config", "missing.yml")
    assert result.code == 2
    assert "missing.yml: configuration file not found" in result.err
