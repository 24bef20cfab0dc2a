"""`depgate.proposals.history`: the branch's merged changes and every version of its proposals, on real repositories."""

from __future__ import annotations

import os
import subprocess

import pytest

from depgate.config import Config, ProposalsConfig
from depgate.errors import GitError, UsageError
from depgate.git import Git, _parse_log
from depgate.proposals.evidence import Commit, DocVersion, History
from depgate.proposals.history import (
    is_code_change,
    proposal_paths_at,
    pull_number,
    read_history,
    status_since,
)
from gitrepo import GitRepo

CONFIG = Config()
ROPE = "deps/0005-dep-scaled-rope.md"


def dep(number: str, title: str, status: str, body: str = "Scale the rotary embedding.", *,
        extra: str = "") -> str:
    """A d9d-like document: `Author: @handle` (not valid YAML) and the standard keys."""
    return (f"---\nDEP: {number}\nTitle: {title}\nAuthor: @mrapplexz\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-01-05\n{extra}---\n\n# DEP-{number}: {title}\n\n## Abstract\n\n{body}\n")


def _history(repo: GitRepo, rev: str = "main", **kwargs) -> History:
    return read_history(Git(repo.path), rev, CONFIG, **kwargs)


def _commit(changed: tuple[str, ...]) -> Commit:
    return Commit(sha="a" * 40, parent=None, date="2026-01-01", subject="s", messages=("s",), pull=None,
                  changed=changed)


# -- commits ---------------------------------------------------------------------------------------


def test_squash_merges_give_pull_numbers_dates_and_changed_paths(git_repo):
    root = git_repo.commit("chore: start", {"pkg/__init__.py": "", "README.md": "hi\n"}, date="2026-01-02")
    rope = git_repo.commit("feat: add scaled rope (#35)",
                           {"pkg/rope.py": "X = 1\n", ROPE: dep("0005", "Rope", "Draft")},
                           date="2026-02-03T23:30:00-05:00")  # 2026-02-04 in UTC
    push = git_repo.commit("fix: direct push, no pull request", {"pkg/rope.py": "X = 2\n"}, date="2026-02-10")

    history = _history(git_repo)

    assert [c.sha for c in history.commits] == [root, rope, push]
    assert [c.parent for c in history.commits] == [None, root, rope]
    assert [c.date for c in history.commits] == ["2026-01-02", "2026-02-04", "2026-02-10"]
    assert [c.pull for c in history.commits] == [None, 35, None]
    assert history.commits[0].changed == ("README.md", "pkg/__init__.py")  # the root commit lists all its files
    assert history.commits[1].changed == (ROPE, "pkg/rope.py")
    assert history.commits[1].subject == "feat: add scaled rope (#35)"
    assert history.commits[1].messages == ("feat: add scaled rope (#35)",)
    assert history.tip == push
    assert history.branch == "main"
    assert (history.shallow, history.truncated) == (False, False)
    assert history.commit(rope) is history.commits[1]


def test_the_branch_name_is_kept_as_given(git_repo):
    git_repo.commit("chore: start", {"a.txt": "a\n"})

    history = read_history(Git(git_repo.path), "HEAD", CONFIG, branch="main")

    assert history.branch == "main"


def test_a_merge_brings_in_the_messages_of_its_branch_commits(git_repo):
    base = git_repo.commit("chore: start", {"pkg/__init__.py": ""})
    git_repo.branch("feature")
    git_repo.commit("feat: backend registry\n\nImplements DEP-0008.", {"pkg/backends.py": "A = 1\n"})
    git_repo.commit("test: backend selection, DEP-0008", {"tests/test_backends.py": "def test(): pass\n"})
    git_repo.checkout("main")
    git_repo.commit("docs: unrelated on main", {"README.md": "x\n"})
    merge = git_repo.merge("feature", "Merge pull request #40 from someone/feature\n\nBackend selection")

    history = _history(git_repo)

    assert [c.subject for c in history.commits] == [
        "chore: start", "docs: unrelated on main", "Merge pull request #40 from someone/feature"]
    merged = history.commits[-1]
    assert merged.sha == merge
    assert merged.pull == 40
    assert merged.messages == ("Merge pull request #40 from someone/feature\n\nBackend selection",
                               "feat: backend registry\n\nImplements DEP-0008.",
                               "test: backend selection, DEP-0008")
    assert merged.changed == ("pkg/backends.py", "tests/test_backends.py")  # against the first parent only
    assert merged.parent == history.commits[1].sha
    assert base == history.commits[0].sha


def test_each_merge_brings_in_only_what_no_earlier_merge_did(git_repo):
    git_repo.commit("chore: start", {"pkg/__init__.py": ""})
    git_repo.branch("first")
    git_repo.commit("feat: one, DEP-0003", {"pkg/one.py": ""})
    git_repo.branch("second")  # started from the first branch, merged after it
    git_repo.commit("feat: two, DEP-0004", {"pkg/two.py": ""})
    git_repo.checkout("main")
    git_repo.commit("docs: on main", {"README.md": "x\n"})
    git_repo.merge("first", "Merge pull request #1 from a/first")
    git_repo.checkout("second")
    git_repo.merge("main", "Merge branch 'main' into second")  # main's commits come back through this branch
    git_repo.commit("feat: three", {"pkg/three.py": ""})
    git_repo.checkout("main")
    git_repo.merge("second", "Merge pull request #2 from a/second")

    history = _history(git_repo)
    cut = _history(git_repo, limit=1)

    assert [c.messages for c in history.commits[2:]] == [
        ("Merge pull request #1 from a/first", "feat: one, DEP-0003"),
        ("Merge pull request #2 from a/second", "feat: two, DEP-0004", "Merge branch 'main' into second",
         "feat: three"),
    ]
    assert cut.commits[0].messages == history.commits[-1].messages


def test_an_empty_commit_changes_nothing(git_repo):
    git_repo.commit("chore: start", {"a.txt": "a\n"})
    git_repo.commit("chore: empty (#3)")

    history = _history(git_repo)

    assert history.commits[-1].changed == ()
    assert history.commits[-1].pull == 3


def test_odd_file_names_survive(git_repo):
    git_repo.commit("chore: start", {"a.txt": "a\n"})
    name = os.fsencode("deps/0007-two words caf\udce9.md")
    (git_repo.path / "deps").mkdir()
    with open(os.path.join(os.fsencode(git_repo.path), name), "wb") as handle:
        handle.write(dep("0007", "Spaces", "Draft").encode())
    git_repo.commit("feat: odd names (#8)", {"my pkg/new\nline.py": "X = 1\n"})

    history = _history(git_repo)

    odd = os.fsdecode(name)
    assert history.commits[-1].changed == (odd, "my pkg/new\nline.py")
    assert list(history.versions) == [odd]
    assert [(v.change, v.status) for v in history.versions[odd]] == [("A", "Draft")]
    assert is_code_change(history.commits[-1], CONFIG)


def test_hostile_commits_are_read(git_repo, tmp_path):
    base = git_repo.commit("chore: start", {ROPE: dep("0005", "Rope", "Draft")})
    tree = git_repo.git("rev-parse", "HEAD^{tree}")
    # Made by hand, as a fork could: a NUL in the message (git stops there), a date far in the future, and
    # a message that looks like a `--raw` record.
    raw = (f"tree {tree}\nparent {base}\nauthor a <a> 99999999999999 +0000\n"
           f"committer a <a> 99999999999999 +0000\n\n:100644 100644 fake (#7)\0hidden (#8)\n").encode()
    (tmp_path / "commit").write_bytes(raw)
    sha = git_repo.git("hash-object", "-t", "commit", "-w", "--literally", str(tmp_path / "commit"))
    git_repo.git("update-ref", "refs/heads/main", sha)

    history = _history(git_repo)

    assert [c.sha for c in history.commits] == [base, sha]
    assert history.commits[-1].subject == ":100644 100644 fake (#7)"
    assert history.commits[-1].pull == 7
    assert history.commits[-1].date == "9999-12-31"  # clamped, not an OverflowError
    assert history.commits[-1].changed == ()


@pytest.mark.parametrize(("subject", "number"), [
    ("feat: add scaled rope (#35)", 35),
    ("feat: a (#1) then b (#2)", 2),
    ("Merge pull request #123 from owner/branch", 123),
    ("feat: add scaled rope (#35) ", 35),
    ("feat: #35 in the middle", None),  # no closing `(#n)` at the end
    ("feat: add scaled rope (#35) and more", None),
    ("Merge branch 'main' into feature", None),
    ("feat: too long a number (#1234567890)", None),
])
def test_pull_number(subject, number):
    assert pull_number(subject) == number


@pytest.mark.parametrize(("changed", "expected"), [
    (("pkg/rope.py",), True),
    (("pkg/rope.pyi",), True),
    (("PKG/ROPE.PY",), True),
    (("deps/tools/render.py",), False),  # inside the proposals folder
    (("deps/0005-dep-scaled-rope.md", "README.md", "pkg/data.json"), False),
    (("deps-extra/x.py",), True),  # another folder whose name starts the same
    ((), False),
])
def test_is_code_change(changed, expected):
    assert is_code_change(_commit(changed), CONFIG) is expected


def test_is_code_change_with_the_proposals_at_the_top():
    config = Config(proposals=ProposalsConfig(directory="."))

    assert is_code_change(_commit(("rope.py",)), config)
    assert not is_code_change(_commit(("0005-rope.md",)), config)


# -- versions --------------------------------------------------------------------------------------


def test_a_status_only_change_is_bookkeeping_and_a_body_edit_is_not(git_repo):
    git_repo.commit("docs: add DEP-0005 (#10)", {ROPE: dep("0005", "Rope", "Draft")}, date="2026-01-10")
    git_repo.commit("docs: accept DEP-0005 (#11)", {ROPE: dep("0005", "Rope", "Accepted")}, date="2026-01-20")
    git_repo.commit("feat: rope (#12)", {"pkg/rope.py": "X = 1\n", ROPE: dep(
        "0005", "Rope", "Implemented", extra="Implementation: #12\nUpdated: 2026-02-01\n")}, date="2026-02-01")
    git_repo.commit("docs: rope grows a section (#13)", {ROPE: dep(
        "0005", "Rope", "Implemented", body="Scale it, and cache it.",
        extra="Implementation: #12\nUpdated: 2026-02-01\n")}, date="2026-03-01")
    git_repo.commit("docs: retitle (#14)", {ROPE: dep(
        "0005", "Scaled rope", "Implemented", body="Scale it, and cache it.",
        extra="Implementation: #12\nUpdated: 2026-02-01\n")}, date="2026-03-05")

    history = _history(git_repo)
    versions = history.versions[ROPE]

    assert [(v.change, v.status, v.body_changed) for v in versions] == [
        ("A", "Draft", True),
        ("M", "Accepted", False),
        ("M", "Implemented", False),  # status, Implementation and Updated only
        ("M", "Implemented", True),  # the body
        ("M", "Implemented", True),  # another header line
    ]
    assert [history.commit(v.sha).pull for v in versions] == [10, 11, 12, 13, 14]
    assert status_since(history, versions, "Implemented") == "2026-02-01"


def test_a_continued_implementation_line_is_bookkeeping(git_repo):
    git_repo.commit("docs: add (#1)", {ROPE: dep("0005", "Rope", "Accepted")})
    git_repo.commit("feat: rope (#2)", {ROPE: dep("0005", "Rope", "Implemented",
                                                 extra="Implementation: #2,\n  #3\n")})

    versions = _history(git_repo).versions[ROPE]

    assert [v.body_changed for v in versions] == [True, False]


def test_a_rename_is_followed_back(git_repo):
    old = "deps/0000-scaled-rope.md"
    git_repo.commit("docs: draft a rope proposal (#20)", {old: dep("0000", "Rope", "Draft")}, date="2026-01-01")
    git_repo.commit("docs: edit the draft (#21)", {old: dep("0000", "Rope", "Draft", body="Scale it more.")},
                    date="2026-01-02")
    git_repo.commit("docs: number DEP-0005 (#22)", {old: None, ROPE: dep("0005", "Rope", "Draft",
                                                                      body="Scale it more.")}, date="2026-01-03")

    history = _history(git_repo)

    assert list(history.versions) == [ROPE]
    assert [(v.change, v.path, v.old_path, v.body_changed) for v in history.versions[ROPE]] == [
        ("A", old, None, True), ("M", old, None, True), ("R", ROPE, old, True)]
    assert status_since(history, history.versions[ROPE], "Draft") == "2026-01-01"


def test_an_unchanged_rename_is_not_a_body_change(git_repo):
    old = "deps/0005-rope.md"
    git_repo.commit("docs: add (#1)", {old: dep("0005", "Rope", "Draft")})
    git_repo.git("mv", old, ROPE)
    git_repo.commit("docs: longer name (#2)")

    versions = _history(git_repo).versions[ROPE]

    assert [(v.change, v.old_path, v.body_changed) for v in versions] == [("A", None, True), ("R", old, False)]


def test_a_document_deleted_and_added_again_starts_over(git_repo):
    git_repo.commit("docs: add (#1)", {ROPE: dep("0005", "Rope", "Draft")})
    git_repo.commit("docs: drop (#2)", {ROPE: None})
    readd = git_repo.commit("docs: add again (#3)", {ROPE: dep("0005", "Rope", "Accepted")})

    versions = _history(git_repo).versions[ROPE]

    assert [(v.sha, v.change, v.status) for v in versions] == [(readd, "A", "Accepted")]


def test_only_proposals_at_the_tip_have_versions(git_repo):
    git_repo.commit("docs: the folder", {
        ROPE: dep("0005", "Rope", "Draft"),
        "deps/TEMPLATE.md": dep("0000", "Template", "Draft"),
        "deps/INDEX.md": "# Index\n",
        "deps/index.json": "{}\n",
        "deps/README.md": "# Proposals\n",
        "deps/0006-gone.md": dep("0006", "Gone", "Draft"),
        "deps/sub/0007-nested.md": dep("0007", "Nested", "Draft"),
        "docs/0008-elsewhere.md": dep("0008", "Elsewhere", "Draft"),
    })
    git_repo.commit("docs: withdraw by deleting", {"deps/0006-gone.md": None})
    (git_repo.path / "deps/0009-link.md").symlink_to("0005-dep-scaled-rope.md")
    git_repo.commit("docs: a link")

    history = _history(git_repo)

    assert list(history.versions) == [ROPE]
    assert proposal_paths_at(Git(git_repo.path), "HEAD", CONFIG.proposals) == [ROPE]


def test_a_missing_folder_has_no_versions(git_repo):
    git_repo.commit("chore: start", {"pkg/__init__.py": ""})

    assert dict(_history(git_repo).versions) == {}


def test_an_unreadable_version_has_no_status_and_counts_as_an_edit(git_repo):
    git_repo.commit("docs: add (#1)", {ROPE: dep("0005", "Rope", "Draft")})
    git_repo.commit("docs: break it (#2)", {ROPE: b"\xff\xfe not utf-8\n"})
    git_repo.commit("docs: no header (#3)", {ROPE: "# Rope\n"})

    versions = _history(git_repo).versions[ROPE]

    assert [(v.status, v.body_changed) for v in versions] == [("Draft", True), (None, True), (None, True)]


def test_merged_documents_are_versioned_at_the_merge(git_repo):
    git_repo.commit("chore: start", {"pkg/__init__.py": ""})
    git_repo.branch("feature")
    git_repo.commit("docs: draft", {ROPE: dep("0005", "Rope", "Draft")})
    git_repo.commit("docs: more", {ROPE: dep("0005", "Rope", "Draft", body="More.")})
    git_repo.checkout("main")
    merge = git_repo.merge("feature", "Merge pull request #5 from a/feature")

    versions = _history(git_repo).versions[ROPE]

    assert [(v.sha, v.change, v.body_changed) for v in versions] == [(merge, "A", True)]


# -- status_since -----------------------------------------------------------------------------------


def test_status_since_takes_the_last_run(git_repo):
    git_repo.commit("docs: add (#1)", {ROPE: dep("0005", "Rope", "Draft")}, date="2026-01-01")
    git_repo.commit("docs: accept (#2)", {ROPE: dep("0005", "Rope", "Accepted")}, date="2026-02-01")
    git_repo.commit("docs: back to draft (#3)", {ROPE: dep("0005", "Rope", "Draft")}, date="2026-03-01")
    git_repo.commit("docs: edit (#4)", {ROPE: dep("0005", "Rope", "Draft", body="Edited.")}, date="2026-04-01")

    history = _history(git_repo)
    versions = history.versions[ROPE]

    assert status_since(history, versions, "Draft") == "2026-03-01"
    assert status_since(history, versions, "Accepted") is None  # no longer its status
    assert status_since(history, (), "Draft") is None
    stray = DocVersion(sha="b" * 40, path=ROPE, change="M", status="Draft", body_changed=True)
    assert status_since(history, (stray,), "Draft") is None  # its commit is not in the history


# -- cut histories and errors -----------------------------------------------------------------------


def test_limit_keeps_the_newest_commits(git_repo):
    shas = [git_repo.commit(f"feat: step {i} (#{i})", {ROPE: dep("0005", "Rope", "Draft", body=f"Step {i}.")})
            for i in range(1, 6)]

    cut = _history(git_repo, limit=2)
    exact = _history(git_repo, limit=5)
    more = _history(git_repo, limit=50)

    assert [c.sha for c in cut.commits] == shas[3:]
    assert cut.truncated
    assert [v.sha for v in cut.versions[ROPE]] == shas[3:]
    assert [c.sha for c in exact.commits] == shas
    assert not exact.truncated
    assert not more.truncated
    with pytest.raises(UsageError, match="at least 1"):
        _history(git_repo, limit=0)


def test_a_shallow_clone_is_reported(git_repo, tmp_path):
    git_repo.commit("docs: add (#1)", {ROPE: dep("0005", "Rope", "Draft")})
    git_repo.commit("docs: accept (#2)", {ROPE: dep("0005", "Rope", "Accepted")})
    second = git_repo.commit("feat: rope (#3)", {"pkg/rope.py": "X = 1\n"})
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{git_repo.path}", str(clone)], check=True,
                   capture_output=True)

    history = read_history(Git(clone), "origin/main", CONFIG)

    assert history.shallow
    assert not history.truncated
    assert [c.pull for c in history.commits] == [2, 3]
    assert history.commits[0].parent is None  # the cut looks like a root: `shallow` says it is not one
    assert history.tip == second
    # At the cut git shows the whole tree as added: the version is marked `?` and the commit changed nothing known.
    assert [(v.change, v.status) for v in history.versions[ROPE]] == [("?", "Accepted")]
    assert history.commits[0].changed == ()
    assert history.commits[1].changed == ("pkg/rope.py",)
    assert not _history(git_repo).shallow


@pytest.mark.parametrize("rev", ["origin/nope", "-x", "main~5"])
def test_a_bad_revision_is_a_usage_error(git_repo, rev):
    git_repo.commit("chore: start", {"a.txt": "a\n"})

    with pytest.raises(UsageError) as caught:
        _history(git_repo, rev)

    assert repr(rev) in caught.value.message
    assert "git fetch" in caught.value.hint
    assert "--branch" in caught.value.hint


def test_a_repository_without_commits_is_a_usage_error(git_repo):
    with pytest.raises(UsageError, match="no commits") as caught:
        _history(git_repo, "main")

    assert caught.value.path == str(git_repo.path)


def test_commit_messages_wants_full_ids(git_repo):
    with pytest.raises(GitError, match="full commit id"):
        Git(git_repo.path).commit_messages(["main"])


@pytest.mark.parametrize("out", [
    b"not a sha\0\0" + b"1700000000\0subject\n\0",
    b"a" * 40 + b"\0\0" + b"soon\0subject\n\0",
    b"a" * 40 + b"\0\0" + b"1700000000\0subject\n\0\n:100644 100644\0path\0",
    b"a" * 40 + b"\0\0" + b"1700000000\0subject\n\0\n:000000 100644 " + b"0" * 40 + b" " + b"1" * 40 + b" R100\0one\0",
    b"a" * 40 + b"\0",
])
def test_log_output_of_another_shape_is_refused(out):
    with pytest.raises(GitError, match="does not understand"):
        _parse_log(out)
