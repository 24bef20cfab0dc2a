"""A hostile repository or environment must not make depgate's git calls run anything or read elsewhere.

Each program git could be told to run (fsmonitor, pager, external diff, textconv, filter drivers,
ssh, editor, hooks) is a script that records its name in a marker folder; after depgate ran, the
folder must be empty. Revisions that look like options are refused before git sees them.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from depgate.errors import GitError
from depgate.git import Git
from gitrepo import GitRepo

BASE_FILES = {
    "pyproject.toml": "[project]\nname = 'pkg'\n",
    "pkg/__init__.py": "from pkg.core import run\n\n__all__ = ['run']\n",
    "pkg/core.py": "def run(x, y):\n    return x + y\n",
    "deps/0001-first.md": "---\nDEP: 0001\nTitle: First\nStatus: Accepted\n---\n\n# First\n",
    # Every file goes through the `evil` diff and filter drivers, if git ever applied them.
    ".gitattributes": "* diff=evil filter=evil merge=evil\n",
}


def _script(folder: Path, name: str, markers: Path) -> str:
    path = folder / name
    path.write_text(f"#!/bin/sh\necho ran >> '{markers / name}'\ncat >/dev/null 2>&1 &\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


HOSTILE_CONFIG = {
    "core.fsmonitor": "fsmonitor",
    "core.pager": "pager",
    "core.sshCommand": "ssh",
    "core.editor": "editor",
    "diff.external": "external-diff",
    "diff.evil.textconv": "textconv",
    "diff.evil.command": "diff-driver",
    "filter.evil.clean": "filter-clean",
    "filter.evil.smudge": "filter-smudge",
    "filter.evil.process": "filter-process",
    "merge.evil.driver": "merge-driver",
    "core.alternateRefsCommand": "alternate-refs",
}


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[GitRepo, str, str, Path]:
    """A repository whose base..head changes the public API, with a .git/config and hooks that run scripts."""
    repo = GitRepo.init(tmp_path / "repo")
    base = repo.commit("feat: start", BASE_FILES)
    head = repo.commit("fix: change run", {"pkg/core.py": "def run(x):\n    return x\n"})
    markers, bin_dir = tmp_path / "markers", tmp_path / "bin"
    markers.mkdir()
    bin_dir.mkdir()
    # Written after the commits, so building the repository itself runs none of them.
    for key, name in HOSTILE_CONFIG.items():
        repo.git("config", key, _script(bin_dir, name, markers))
    repo.git("config", "filter.evil.required", "false")
    hooks = repo.path / ".git" / "hooks"
    for hook in ("pre-commit", "post-checkout", "post-index-change", "reference-transaction", "fsmonitor-watchman"):
        _script(hooks, hook, markers)
    # Stat-dirty work tree files, so a work-tree diff would have to re-read (and filter) them.
    repo.write({"pkg/core.py": "def run(x):\n    return x * 2\n", "pkg/extra.py": "def more():\n    pass\n"})
    os.utime(repo.path / "pkg" / "__init__.py")
    return repo, base, head, markers


def _ran(markers: Path) -> list[str]:
    return sorted(p.name for p in markers.iterdir())


@pytest.mark.parametrize("args", [
    ("check", "--base", "{base}", "--head", "{head}", "--format", "json"),
    ("check", "--base", "{base}", "--head", "WORKTREE", "--format", "markdown"),
    ("lint",),
    ("index", "--check"),
    ("audit", "--range", "{base}..{head}"),
], ids=["check revisions", "check work tree", "lint", "index", "audit"])
def test_hostile_repository_config_runs_nothing(hostile, run_cli, args):
    repo, base, head, markers = hostile
    argv = [a.format(base=base, head=head) for a in args] + ["--repo", str(repo.path)]
    result = run_cli(*argv)
    assert result.code in (0, 1), result.err
    assert _ran(markers) == []


def test_check_still_sees_the_change_with_hostile_config(hostile, run_cli):
    repo, base, head, markers = hostile
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--head", head, "--format", "json")
    assert '"verdict": "required"' in result.out
    assert _ran(markers) == []


def test_caller_environment_cannot_redirect_or_run(hostile, run_cli, monkeypatch, tmp_path):
    """GIT_DIR/GIT_WORK_TREE from the caller (a hook) would make git read another repository; GIT_CONFIG_* and
    GIT_EXTERNAL_DIFF cannot switch depgate's own safety settings back on."""
    repo, base, _head, markers = hostile
    other = GitRepo.init(tmp_path / "other")
    other.commit("chore: unrelated", {"README.md": "other\n"})
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other.path))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other.path / ".git" / "index"))
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", _script(tmp_path / "bin", "env-external-diff", markers))
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.fsmonitor")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", _script(tmp_path / "bin", "env-fsmonitor", markers))
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--head", "WORKTREE", "--format", "json")
    assert result.code == 1, result.err
    assert '"verdict": "required"' in result.out  # the change of --repo, not of GIT_DIR's repository
    assert _ran(markers) == []


@pytest.mark.parametrize("option", ["--base", "--head"])
def test_a_revision_that_looks_like_an_option_is_refused(git_repo, run_cli, tmp_path, option):
    git_repo.commit("feat: start", BASE_FILES)
    git_repo.commit("fix: change", {"pkg/core.py": "def run(x):\n    return x\n"})
    target = tmp_path / "written-by-git"
    result = run_cli("check", "--repo", str(git_repo.path), f"{option}=--output={target}")
    assert result.code == 2
    assert "invalid revision" in result.err
    assert not target.exists()


def test_audit_range_that_looks_like_an_option_is_refused(git_repo, run_cli, tmp_path):
    git_repo.commit("feat: start", BASE_FILES)
    target = tmp_path / "written-by-git"
    result = run_cli("audit", "--repo", str(git_repo.path), f"--range=--output={target}..HEAD")
    assert result.code == 2
    assert not target.exists()


@pytest.mark.parametrize("call", [
    lambda git, bad: git.changed_files(bad, "HEAD"),
    lambda git, bad: git.list_files(bad),
    lambda git, bad: git.list_entries(bad, "deps"),
    lambda git, bad: git.message(bad),
    lambda git, bad: git.first_parent_commits(f"{bad}..HEAD"),
    lambda git, bad: git.merge_base(bad, "HEAD"),
], ids=["changed_files", "list_files", "list_entries", "message", "first_parent_commits",
        "merge_base"])
def test_git_methods_never_take_a_revision_as_an_option(git_repo, tmp_path, call):
    """Defence in depth below the commands: every revision argument sits after `--end-of-options`."""
    git_repo.commit("feat: start", BASE_FILES)
    target = tmp_path / "written-by-git"
    with pytest.raises(GitError):
        call(Git(git_repo.path), f"--output={target}")
    assert not target.exists()


def test_a_filter_name_that_cannot_be_switched_off_is_refused(hostile, run_cli, tmp_path):
    """`-c filter.a=b.clean=` would set `filter.a`, leaving the driver `a=b` on: depgate stops with a clear error."""
    repo, base, _head, markers = hostile
    repo.write({".gitattributes": "* filter=a=b\n"})
    repo.git("config", "filter.a=b.clean", _script(tmp_path / "bin", "odd-filter", markers))
    result = run_cli("check", "--repo", str(repo.path), "--base", base, "--head", "WORKTREE")
    assert result.code == 2
    assert "filter driver named 'a=b'" in result.err
    assert _ran(markers) == []


def test_signed_commits_do_not_run_the_configured_gpg_program(git_repo, run_cli, tmp_path):
    """`log.showSignature` with `gpg.program` in the repository's config would run a program for each signed commit."""
    base = git_repo.commit("feat: start", BASE_FILES)
    tree = git_repo.git("rev-parse", f"{base}^{{tree}}")
    raw = (f"tree {tree}\nparent {base}\nauthor A <a@example.invalid> 1700000000 +0000\n"
           "committer A <a@example.invalid> 1700000000 +0000\n"
           "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n\n"
           "docs: a signed commit\n")
    (tmp_path / "commit.txt").write_text(raw)
    head = git_repo.git("hash-object", "-t", "commit", "-w", str(tmp_path / "commit.txt"))
    markers, bin_dir = tmp_path / "markers", tmp_path / "bin"
    markers.mkdir()
    bin_dir.mkdir()
    git_repo.git("config", "log.showSignature", "true")
    git_repo.git("config", "gpg.program", _script(bin_dir, "gpg", markers))
    result = run_cli("check", "--repo", str(git_repo.path), "--base", base, "--head", head, "--format", "json")
    assert result.code == 0, result.err
    assert _ran(markers) == []
