"""A configuration error read from the base revision says so, and says how a fix can take effect (real repos)."""

from __future__ import annotations

from gitrepo import GitRepo


def _history(repo: GitRepo) -> str:
    repo.commit("feat: base", {"pkg/__init__.py": "__all__ = []\n",
                               ".github/depgate.yml": "verdict:\n  conventional-comits: false\n"})
    repo.branch("topic")
    # The pull request fixes the typo; that edit is not what judges it.
    repo.commit("fix: the configuration key", {".github/depgate.yml": "verdict:\n  conventional-commits: false\n"})
    return repo.git("rev-parse", "main")


def test_the_error_names_the_base_revision_and_how_to_land_a_fix(git_repo: GitRepo, run_cli) -> None:
    tip = _history(git_repo)
    result = run_cli("check", "--repo", str(git_repo.path), "--base", "main")
    assert result.code == 2
    first = result.err.splitlines()[0]
    assert first == ("depgate: error: .github/depgate.yml: unknown key `verdict.conventional-comits`; did you mean "
                     f"`conventional-commits`? (read from the base revision, main at {tip[:12]})")
    assert "a fix made in this pull request is not used: merge it to the base branch first" in result.err
    assert "--config FILE (the action's `config` input)" in result.err
    assert "Traceback" not in result.err


def test_config_on_disk_replaces_the_broken_base_file(git_repo: GitRepo, run_cli, tmp_path) -> None:
    _history(git_repo)
    fixed = tmp_path / "depgate.yml"
    fixed.write_text("verdict:\n  conventional-commits: false\n", encoding="utf-8")
    result = run_cli("check", "--repo", str(git_repo.path), "--base", "main", "--config", str(fixed))
    assert result.code == 0, result


def test_an_error_in_a_config_given_on_disk_does_not_blame_the_base(git_repo: GitRepo, run_cli, tmp_path) -> None:
    _history(git_repo)
    broken = tmp_path / "depgate.yml"
    broken.write_text("verdict:\n  nope: 1\n", encoding="utf-8")
    result = run_cli("check", "--repo", str(git_repo.path), "--base", "main", "--config", str(broken))
    assert result.code == 2
    assert "unknown key `verdict.nope`" in result.err
    assert "base revision" not in result.err
