"""The git plumbing layer, on real repositories."""

from __future__ import annotations

import subprocess

import pytest

from depgate.errors import GitError
from depgate.git import WORKTREE, Git


def test_changed_files_with_rename_and_odd_names(git_repo):
    base = git_repo.commit("init", {"a.py": "x = 1\n" * 20, "b.txt": "b\n", "old name.md": "doc\n" * 10})
    git_repo.write({"a.py": None, "c/a.py": "x = 1\n" * 20, "b.txt": "changed\n", "naïve|file.md": "n\n"})
    head = git_repo.commit("change")
    changes = {(c.status, c.path, c.old_path) for c in Git(git_repo.path).changed_files(base, head)}
    assert ("R", "c/a.py", "a.py") in changes
    assert ("M", "b.txt", None) in changes
    assert ("A", "naïve|file.md", None) in changes


def test_worktree_includes_untracked(git_repo):
    base = git_repo.commit("init", {"a.py": "x = 1\n"})
    git_repo.write({"new.py": "y = 2\n", "a.py": "x = 2\n"})
    changes = {(c.status, c.path) for c in Git(git_repo.path).changed_files(base, WORKTREE)}
    assert changes == {("M", "a.py"), ("A", "new.py")}


def test_read_and_read_many(git_repo):
    rev = git_repo.commit("init", {"a.py": "A\n", "d/b.py": "B\n"})
    git = Git(git_repo.path)
    assert git.read(rev, "a.py") == b"A\n"
    assert git.read(rev, "missing.py") is None
    assert git.read(rev, "d") is None  # a folder is not a file
    assert git.read_many(rev, ["d/b.py", "nope", "a.py"]) == {"d/b.py": b"B\n", "nope": None, "a.py": b"A\n"}


def test_list_files_skips_links(git_repo):
    git_repo.write({"deps/0001-a.md": "x\n"})
    (git_repo.path / "deps/0002-link.md").symlink_to("/etc/passwd")
    rev = git_repo.commit("init")
    git = Git(git_repo.path)
    assert git.list_files(rev, "deps") == ["deps/0001-a.md"]
    assert dict(git.list_entries(rev, "deps")) == {"deps/0001-a.md": "file", "deps/0002-link.md": "link"}
    assert git.read(rev, "deps/0002-link.md") == b"/etc/passwd"  # the link's own blob, never its target
    assert git.read(WORKTREE, "deps/0002-link.md") is None


def test_not_a_repository(tmp_path):
    with pytest.raises(GitError, match="not a git repository"):
        Git(tmp_path).toplevel()


def test_unknown_revision(git_repo):
    git_repo.commit("init", {"a": "a\n"})
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        Git(git_repo.path).resolve("nope")


def test_option_like_revision_is_refused(git_repo):
    git_repo.commit("init", {"a": "a\n"})
    with pytest.raises(GitError, match="invalid revision"):
        Git(git_repo.path).resolve("--output=/tmp/x")


def test_shallow_clone_hint(git_repo, tmp_path):
    git_repo.commit("one", {"a": "1\n"})
    git_repo.commit("two", {"a": "2\n"})
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{git_repo.path}", str(clone)], check=True)
    git = Git(clone)
    assert git.is_shallow()
    with pytest.raises(GitError) as info:
        git.resolve("HEAD~1")
    assert "fetch-depth: 0" in info.value.describe()


def test_default_branch_and_merge_base(git_repo):
    base = git_repo.commit("init", {"a": "1\n"})
    git_repo.branch("feature")
    head = git_repo.commit("feat", {"a": "2\n"})
    git = Git(git_repo.path)
    assert git.default_branch() == "main"
    assert git.merge_base("main", head) == base
    assert git.message(head) == "feat"


def test_unrelated_histories_have_no_merge_base(git_repo):
    git_repo.commit("init", {"a": "1\n"})
    git_repo.git("checkout", "-q", "--orphan", "other")
    other = git_repo.commit("other root", {"b": "1\n"})
    with pytest.raises(GitError, match="no merge base"):
        Git(git_repo.path).merge_base("main", other)


def test_bare_repository(git_repo, tmp_path):
    rev = git_repo.commit("init", {"a.py": "A\n"})
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(git_repo.path), str(bare)], check=True)
    git = Git(bare)
    assert git.is_bare()
    assert git.toplevel() == bare
    assert git.read(rev, "a.py") == b"A\n"
