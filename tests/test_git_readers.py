"""The two git readers every other module goes through: `Git.ls_tree` and `Git.read_blobs`, on real repositories."""

from __future__ import annotations

import os

import pytest

from depgate.errors import GitError
from depgate.git import Git, TreeEntry
from depgate.tree import GitTree

# Names git stores as given; each must come back as the same str (bytes that are not UTF-8 via surrogateescape).
ODD_NAMES = ["new\nline.md", "tab\there.md", "two words.md", "caf\udce9.md", "*.md", ":(glob)x.md", "-x.md",
             "back\\slash.md", "quote\"d.md"]


def _write_raw(root, rel: str, data: bytes) -> None:
    """Write a file whose name may hold bytes that are not UTF-8."""
    path = os.path.join(os.fsencode(root), os.fsencode(rel))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


@pytest.fixture
def repo(git_repo):
    """A commit with files, an executable, odd names, a link, a folder and a submodule entry."""
    git_repo.write({"a.py": "A\n", "d/b.py": "B\n", "d/e/deep.py": "deep\n", "same1.txt": "same\n",
                    "same2.txt": "same\n"})
    for name in ODD_NAMES:
        _write_raw(git_repo.path, f"odd/{name}", f"content of {name!r}\n".encode("utf-8", "surrogateescape"))
    (git_repo.path / "run.sh").write_text("#!/bin/sh\n")
    (git_repo.path / "run.sh").chmod(0o755)
    (git_repo.path / "link.py").symlink_to("/etc/passwd")
    git_repo.git("add", "-A")
    # A submodule entry (a gitlink) pointing at a commit this repository does not hold.
    git_repo.git("update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},sub")
    git_repo.git("commit", "-q", "-m", "init")
    return git_repo, git_repo.git("rev-parse", "HEAD")


def test_ls_tree_top_folder_kinds(repo):
    git_repo, rev = repo
    entries = {e.path: e for e in Git(git_repo.path).ls_tree(rev)}
    assert set(entries) == {"a.py", "d", "odd", "same1.txt", "same2.txt", "run.sh", "link.py", "sub"}
    assert (entries["a.py"].mode, entries["a.py"].kind) == ("100644", "blob")
    assert entries["a.py"].oid == git_repo.git("rev-parse", f"{rev}:a.py")
    assert entries["a.py"].size is None  # not asked for
    assert (entries["run.sh"].mode, entries["run.sh"].is_file) == ("100755", True)
    assert (entries["link.py"].is_link, entries["link.py"].is_file) == (True, False)
    assert (entries["d"].is_dir, entries["d"].mode, entries["d"].is_file) == (True, "040000", False)
    assert (entries["sub"].is_submodule, entries["sub"].oid, entries["sub"].kind) == (True, "1" * 40, "commit")
    assert [name for name, e in entries.items() if e.is_file] == ["a.py", "run.sh", "same1.txt", "same2.txt"]


def test_ls_tree_recursive_with_sizes(repo):
    git_repo, rev = repo
    entries = Git(git_repo.path).ls_tree(rev, ["d"], recursive=True, sizes=True)
    assert entries == [
        TreeEntry("100644", "blob", git_repo.git("rev-parse", f"{rev}:d/b.py"), "d/b.py", 2),
        TreeEntry("100644", "blob", git_repo.git("rev-parse", f"{rev}:d/e/deep.py"), "d/e/deep.py", 5),
    ]
    top = {e.path: e.size for e in Git(git_repo.path).ls_tree(rev, sizes=True)}
    assert (top["d"], top["sub"]) == (None, None)  # folders and submodules have no size
    assert top["link.py"] == len("/etc/passwd")


def test_ls_tree_one_path_names_that_entry_a_slash_lists_inside(repo):
    git_repo, rev = repo
    git = Git(git_repo.path)
    assert [(e.path, e.kind) for e in git.ls_tree(rev, ["d"])] == [("d", "tree")]
    assert [e.path for e in git.ls_tree(rev, ["d/"])] == ["d/b.py", "d/e"]
    assert git.list_entries(rev, ".") == git.list_entries(rev, "") == [(e.path, "file" if e.is_file else "link"
                                                                        if e.is_link else "dir" if e.is_dir
                                                                        else "other") for e in git.ls_tree(rev)]
    assert ("sub", "other") in git.list_entries(rev, ".")
    assert [e.path for e in git.ls_tree(rev, ["d/e/deep.py", "a.py"])] == ["a.py", "d/e/deep.py"]
    assert git.ls_tree(rev, ["nothing/here.py"]) == []


@pytest.mark.parametrize("name", ODD_NAMES)
def test_ls_tree_takes_odd_names_literally(repo, name):
    git_repo, rev = repo
    entries = Git(git_repo.path).ls_tree(rev, [f"odd/{name}"])
    assert [e.path for e in entries] == [f"odd/{name}"]  # `*.md` names one file, not every Markdown file
    listed = {e.path for e in Git(git_repo.path).ls_tree(rev, ["odd/"])}
    assert listed == {f"odd/{n}" for n in ODD_NAMES}


def test_ls_tree_paths_are_from_the_top_in_a_subfolder(repo):
    git_repo, rev = repo
    git = Git(git_repo.path / "d")
    assert [e.path for e in git.ls_tree(rev, ["a.py"])] == ["a.py"]
    assert git.read_many(rev, ["d/b.py", "b.py"]) == {"d/b.py": b"B\n", "b.py": None}


def test_ls_tree_lists_only_the_paths_asked_for(git_repo):
    """A file named `--` is a path like any other, never taken for the end of options (git's ls-tree would)."""
    rev = git_repo.commit("init", {"--": "dashes\n", "-r": "r\n", "a.py": "A\n"})
    git = Git(git_repo.path)
    assert [e.path for e in git.ls_tree(rev, ["a.py"])] == ["a.py"]
    assert [e.path for e in git.ls_tree(rev, ["--", "-r"])] == ["--", "-r"]
    assert git.read_many(rev, ["--", "a.py"]) == {"--": b"dashes\n", "a.py": b"A\n"}
    assert git.list_files(rev, "a.py") == ["a.py"]


@pytest.mark.parametrize("bad", ["", "a\0b"])
def test_ls_tree_refuses_empty_and_nul_paths(repo, bad):
    git_repo, rev = repo
    with pytest.raises(GitError, match="empty or holds a NUL"):
        Git(git_repo.path).ls_tree(rev, [bad])


def test_ls_tree_unknown_revision_and_option_like_revision(repo, tmp_path):
    git_repo, _rev = repo
    target = tmp_path / "written-by-git"
    for rev in ("no-such-branch", f"--output={target}"):
        with pytest.raises(GitError):
            Git(git_repo.path).ls_tree(rev, ["a.py"])
    assert not target.exists()


def test_read_blobs_many_at_once(repo, monkeypatch):
    git_repo, rev = repo
    git = Git(git_repo.path)
    entries = {e.path: e for e in git.ls_tree(rev, recursive=True)}
    odd = entries["odd/new\nline.md"].oid
    tree_oid = git_repo.git("rev-parse", f"{rev}:d")
    absent = "0123456789abcdef" * 2 + "01234567"
    calls: list[tuple[str, ...]] = []
    real_run = git.run
    monkeypatch.setattr(git, "run", lambda *args, **kw: calls.append(args) or real_run(*args, **kw))
    found = git.read_blobs([entries["a.py"].oid, odd, absent, tree_oid, "1" * 40, entries["a.py"].oid,
                            entries["link.py"].oid, entries["a.py"].oid[:12], "HEAD:a.py", rev])
    assert found == {
        entries["a.py"].oid: b"A\n",
        odd: b"content of 'new\\nline.md'\n",
        absent: None,  # missing
        tree_oid: None,  # a folder
        "1" * 40: None,  # the submodule's commit, absent here
        entries["link.py"].oid: b"/etc/passwd",  # a link's blob is the target's name, never the target
        entries["a.py"].oid[:12]: None,  # abbreviated: never handed to git
        "HEAD:a.py": None,  # a name, not an object id
        rev: None,  # a commit
    }
    assert [c[0] for c in calls] == ["cat-file"]  # one process for all of them


def test_identical_files_share_one_blob(repo):
    git_repo, rev = repo
    git = Git(git_repo.path)
    oids = [e.oid for e in git.ls_tree(rev, ["same1.txt", "same2.txt"])]
    assert oids[0] == oids[1]
    assert git.read_blobs(oids) == {oids[0]: b"same\n"}


def test_read_blobs_of_nothing_runs_nothing(repo, monkeypatch):
    git_repo, _rev = repo
    git = Git(git_repo.path)
    monkeypatch.setattr(git, "run", lambda *args, **kw: pytest.fail(f"git ran: {args}"))
    assert git.read_blobs([]) == {}
    assert git.read_blobs(iter(["not-an-oid"])) == {"not-an-oid": None}
    assert git.read_many("HEAD", []) == {}


OID = "a" * 40


@pytest.mark.parametrize("answer", [
    b"",  # nothing at all
    b"garbage without a newline",
    b"garbage\n",
    f"{OID} blob\n".encode(),  # no size
    f"{OID} blob 10\nshort\n".encode(),  # contents cut short
    f"{OID} blob 3\nabcX".encode(),  # no newline after the contents
    f"{OID} blob -3\nabc\n".encode(),
    f"{'b' * 40} blob 3\nabc\n".encode(),  # the answer to another question
    f"{'b' * 40} missing\n".encode(),
])
def test_read_blobs_refuses_an_answer_it_does_not_understand(git_repo, monkeypatch, answer):
    git = Git(git_repo.path)
    monkeypatch.setattr(git, "run", lambda *args, **kw: answer)
    with pytest.raises(GitError, match="cat-file --batch"):
        git.read_blobs([OID])


@pytest.mark.parametrize("answer", [
    b"100644 blob\tno-oid\0",
    f"100644 blob {OID}\0".encode(),  # no path
    f"100644 thing {OID}\tx\0".encode(),
    f"10064 blob {OID}\tx\0".encode(),
    f"100644 blob {OID} 12\tx\0".encode(),  # a size that was not asked for
])
def test_ls_tree_refuses_a_listing_it_does_not_understand(git_repo, monkeypatch, answer):
    git = Git(git_repo.path)
    monkeypatch.setattr(git, "run", lambda *args, **kw: answer)
    with pytest.raises(GitError, match="ls-tree"):
        git.ls_tree("HEAD")


def test_read_many_by_path(repo):
    git_repo, rev = repo
    paths = ["a.py", "d", "d/", "sub", "link.py", "nope.py", "./d/b.py", "../a.py", "/a.py", "", "x\0y",
             *(f"odd/{n}" for n in ODD_NAMES)]
    found = Git(git_repo.path).read_many(rev, paths)
    expected = {n: f"content of {n!r}\n".encode("utf-8", "surrogateescape") for n in ODD_NAMES}
    assert found == {"a.py": b"A\n", "d": None, "d/": None, "sub": None, "link.py": b"/etc/passwd", "nope.py": None,
                     "./d/b.py": b"B\n", "../a.py": None, "/a.py": None, "": None, "x\0y": None,
                     **{f"odd/{n}": data for n, data in expected.items()}}


def test_caller_pathspec_settings_do_not_change_what_is_read(git_repo, monkeypatch):
    """GIT_ICASE_PATHSPECS from the caller would let `README.MD` match `readme.md`; git runs without it."""
    rev = git_repo.commit("init", {"readme.md": "r\n", "x.md": "x\n"})
    for name in ("GIT_ICASE_PATHSPECS", "GIT_GLOB_PATHSPECS"):
        monkeypatch.setenv(name, "1")
    git = Git(git_repo.path)
    assert git.read_many(rev, ["README.MD", "readme.md", "*.md"]) == {"README.MD": None, "readme.md": b"r\n",
                                                                      "*.md": None}


def test_git_tree_reads_files_not_links_or_submodules(repo, monkeypatch):
    git_repo, rev = repo
    git = Git(git_repo.path)
    tree = GitTree(git, rev)
    calls: list[tuple[str, ...]] = []
    real_run = git.run
    monkeypatch.setattr(git, "run", lambda *args, **kw: calls.append(args) or real_run(*args, **kw))
    assert tree.size("d/e/deep.py") == 5
    assert [c[0] for c in calls] == ["ls-tree"]  # the size comes from the listing; the file is not read
    assert tree.read("d/e/deep.py") == b"deep\n"
    assert (tree.size("link.py"), tree.read("link.py")) == (None, None)
    assert (tree.size("sub"), tree.read("sub")) == (None, None)
    assert (tree.size("d"), tree.read("d")) == (None, None)
    tree.prefetch(["odd/new\nline.md", "odd/*.md", "link.py", "a.py"])
    assert tree.read("odd/*.md") == b"content of '*.md'\n"
    assert tree.read("a.py") == b"A\n"
    assert dict(tree.entries("odd"))["odd/new\nline.md"] == "file"
    assert dict(tree.entries(""))["sub"] == "other"
