"""`depgate status`, `status --write` and index.json against hostile and awkward histories (DEP-0005, R1).

Each test builds a real repository. Where a false alarm was removed, the real case next to it is checked too.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest

from depgate.commands.status import gather_status
from depgate.config import Config
from depgate.git import Git
from depgate.report.status import status_markdown
from gitrepo import GitRepo

TODAY = dt.date(2026, 6, 1)
OFFLOAD = "deps/0008-offload.md"


def dep(number: int, title: str, status: str, extra: str = "") -> str:
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: @x\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-01-02\n{extra}---\n\n# DEP-{number:04d}: {title}\n\n## Abstract\n\nText.\n")


def start(repo: GitRepo) -> GitRepo:
    repo.commit("chore: start", {
        "pyproject.toml": '[project]\nname = "d9d"\nversion = "0.1.0"\n',
        "d9d/__init__.py": "__all__: list[str] = []\n",
        "deps/TEMPLATE.md": "---\nDEP: <Leave blank>\n---\n",
    }, date="2026-01-01")
    return repo


def status(repo: GitRepo):
    return gather_status(Git(repo.path), "main", Config(), today=TODAY, infer=False)


def state(report, path: str):
    return next(p for p in report.proposals if p.path == path)


@pytest.fixture
def implemented(git_repo: GitRepo) -> tuple[GitRepo, str]:
    """DEP-0008 added docs-only, then implemented by a squash merge citing `DEP 8` in its body only."""
    repo = start(git_repo)
    repo.commit("docs: add offload proposal (#10)", {OFFLOAD: dep(8, "Offload", "Draft")}, date="2026-01-02")
    sha = repo.commit("feat: offload (#12)\n\n* add the offloader\n\nThis implements DEP 8.",
                      {"d9d/offload.py": "def offload():\n    pass\n"}, date="2026-01-03")
    return repo, sha


def test_a_body_only_citation_in_a_squash_merge_links_the_implementation(implemented):
    repo, _ = implemented
    offload = state(status(repo), OFFLOAD)
    assert (offload.proposed, [r.implementation for r in offload.repairs]) == ("Implemented", [("#12",)])


def test_a_revert_is_not_an_implementation_and_undoes_the_one_it_reverts(implemented):
    repo, sha = implemented
    repo.commit(f'Revert "feat: offload (#12)" (#13)\n\nThis reverts commit {sha}.\n\nDEP 8 needs more work.',
                {"d9d/offload.py": None}, date="2026-01-04")
    offload = state(status(repo), OFFLOAD)
    assert [e.kind.value for e in offload.evidence] == ["added", "status"]
    assert offload.proposed == "Accepted"  # S101: back to a draft nothing implements


def test_a_revert_found_by_its_quoted_subject_undoes_the_change(implemented):
    repo, _ = implemented
    repo.commit('Revert "feat: offload (#12)" (#13)', {"d9d/offload.py": None}, date="2026-01-04")
    assert "S102" not in {r.code for r in state(status(repo), OFFLOAD).repairs}


def test_reverting_the_revert_counts_the_original_again(implemented):
    repo, sha = implemented
    revert = repo.commit(f'Revert "feat: offload (#12)" (#13)\n\nThis reverts commit {sha}.',
                         {"d9d/offload.py": None}, date="2026-01-04")
    repo.commit(f'Revert "Revert "feat: offload (#12)"" (#14)\n\nThis reverts commit {revert}.',
                {"d9d/offload.py": "def offload():\n    pass\n"}, date="2026-01-05")
    offload = state(status(repo), OFFLOAD)
    assert [r.implementation for r in offload.repairs] == [("#12",)]


def test_an_implementation_that_predates_the_proposal_is_not_linked(git_repo):
    # Decided: before the document existed its number may have named another pull request's proposal.
    repo = start(git_repo)
    repo.commit("feat: offload (DEP-0008) (#9)", {"d9d/offload.py": "x = 1\n"}, date="2026-01-02")
    repo.commit("docs: add offload proposal (#10)", {OFFLOAD: dep(8, "Offload", "Draft")}, date="2026-01-03")
    assert [e.kind.value for e in state(status(repo), OFFLOAD).evidence] == ["added", "status"]


def test_a_number_two_documents_claim_is_linked_only_by_path(git_repo, run_cli):
    repo = start(git_repo)
    repo.commit("docs: two sixes (#10)", {"deps/0006-a.md": dep(6, "Six A", "Draft"),
                                          "deps/0006-b.md": dep(6, "Six B", "Draft"),
                                          "deps/0007-c.md": dep(7, "Seven", "Draft")}, date="2026-01-02")
    repo.commit("feat: six (DEP-0006, DEP-0007) (#11)", {"d9d/six.py": "x = 1\n"}, date="2026-01-03")
    repo.commit("feat: six b, see deps/0006-b.md (#12)", {"d9d/six_b.py": "x = 1\n"}, date="2026-01-04")
    report = status(repo)
    refs = {p.path: [r.implementation for r in p.repairs] for p in report.proposals}
    assert refs == {"deps/0006-a.md": [], "deps/0006-b.md": [("#12",)], "deps/0007-c.md": [("#11",)]}
    (problem,) = [d for d in report.problems if "claimed by 2 documents" in d.message]
    assert "deps/0006-a.md, deps/0006-b.md" in problem.message
    result = run_cli("status", "--repo", str(repo.path), "--today", "2026-06-01", "--no-infer", "--write")
    assert result.code == 0, result
    assert "Implementation" not in (repo.path / "deps/0006-a.md").read_text()


def test_unreadable_documents_are_named_not_counted_as_standing(git_repo):
    repo = start(git_repo)
    repo.commit("docs: odd documents (#10)", {
        "deps/0001-latin.md": dep(1, "Caf\xe9", "Draft").encode("latin-1"),
        "deps/0002-big.md": dep(2, "Big", "Draft") + "x" * 1_100_000,
    }, date="2026-01-02")
    problems = {d.location.path: d.message for d in status(repo).problems}
    assert "not valid UTF-8" in problems["deps/0001-latin.md"]
    assert "limit" in problems["deps/0002-big.md"]


def test_write_refuses_to_extend_an_implementation_header_it_cannot_read(git_repo, run_cli):
    repo = start(git_repo)
    repo.commit("docs: add (#10)", {
        "deps/0007-garbage.md": dep(7, "Garbage", "Implemented", "Implementation: see the wiki <b>x</b>\n"),
        "deps/0009-fine.md": dep(9, "Fine", "Implemented", "Implementation: #5, 3f2c1e0\n"),
    }, date="2026-01-02")
    repo.commit("feat: both (DEP-0007, DEP-0009) (#11)", {"d9d/x.py": "x = 1\n"}, date="2026-01-03")
    before = (repo.path / "deps/0007-garbage.md").read_bytes()
    result = run_cli("status", "--repo", str(repo.path), "--today", "2026-06-01", "--no-infer", "--write")
    assert result.code == 2, result
    assert "deps/0007-garbage.md:8: the `Implementation` header holds 'see'" in result.err
    assert "Traceback" not in result.err
    assert (repo.path / "deps/0007-garbage.md").read_bytes() == before
    assert "Implementation: #5, 3f2c1e0, #11\n" in (repo.path / "deps/0009-fine.md").read_text()


def test_write_twice_changes_nothing_the_second_time_and_says_so(implemented, run_cli):
    repo, _ = implemented
    args = ("status", "--repo", str(repo.path), "--today", "2026-06-01", "--no-infer", "--write")
    first = run_cli(*args)
    after_first = (repo.path / OFFLOAD).read_bytes()
    second = run_cli(*args)
    assert (first.code, second.code) == (0, 0)
    assert "wrote deps/0008-offload.md" in first.err
    assert (repo.path / OFFLOAD).read_bytes() == after_first
    assert "deps/0008-offload.md: already repaired in the work tree; commit it" in second.err


def test_write_still_skips_a_status_someone_else_changed(implemented, run_cli):
    repo, _ = implemented
    (repo.path / OFFLOAD).write_text(dep(8, "Offload", "Withdrawn"))
    result = run_cli("status", "--repo", str(repo.path), "--today", "2026-06-01", "--no-infer", "--write")
    assert "its Status in the work tree (Withdrawn) differs from the branch's (Draft); not written" in result.err
    assert "Status: Withdrawn" in (repo.path / OFFLOAD).read_text()


def test_hostile_commit_messages_give_one_link_and_safe_markdown(git_repo):
    repo = start(git_repo)
    title = "Evil \u202egnp.exe <img src=x> @admin"
    repo.commit("docs: add (#10)", {"deps/0001-evil.md": dep(1, title, "Draft")}, date="2026-01-02")
    message = ("feat: \u202e<script>alert(1)</script> [x](http://e) @everyone | (#12)\n\n"
               + " ".join(["DEP-0001"] * 100_000))
    repo.write({"d9d/a.py": "x = 1\n"})
    (repo.path / ".msg").write_text(message, encoding="utf-8")
    repo.git("add", "d9d/a.py")
    repo.git("commit", "-q", "-F", ".msg", date="2026-01-03")
    report = status(repo)
    (linked,) = [e for e in report.proposals[0].evidence if e.strength.value == "linked"]
    assert linked.pull == 12
    markdown = status_markdown(report)
    assert "\u202e" not in markdown
    assert re.search(r"(?<!\\)<", markdown) is None  # every `<` is escaped: no HTML tag survives
    assert "gnp\\.exe \\<img" in markdown  # the title is shown, escaped, without its override


def test_index_json_is_the_same_in_any_time_zone_and_locale(git_repo):
    repo = start(git_repo)
    # Committed late on 2 January at UTC-11: 3 January in UTC, and in Kiritimati (UTC+14).
    repo.commit("docs: add (#10)", {OFFLOAD: dep(8, "Offload \u00e9", "Draft")}, date="2026-01-02T23:30:00-11:00")
    outputs = set()
    for extra in ({"TZ": "UTC", "LC_ALL": "C"}, {"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8"},
                  {"TZ": "America/Adak", "LANG": "tr_TR.UTF-8"}):
        env = {**os.environ, **extra}
        proc = subprocess.run([sys.executable, "-m", "depgate", "index", "--json", "--repo", str(repo.path)],
                              env=env, capture_output=True, check=False)
        assert proc.returncode == 0, proc.stderr
        outputs.add(proc.stdout)
    (only,) = outputs
    assert b'"status_since": "2026-01-03"' in only


def test_index_check_names_the_line_of_a_hand_broken_index_json(git_repo, run_cli):
    repo = start(git_repo)
    repo.commit("docs: add (#10)", {OFFLOAD: dep(8, "Offload", "Draft")}, date="2026-01-02")
    assert run_cli("index", "--repo", str(repo.path), "--write").code == 0
    index = repo.path / "deps/index.json"
    index.write_text(index.read_text().replace('"Offload"', '"Offload",,'))
    result = run_cli("index", "--repo", str(repo.path), "--check")
    assert result.code == 1
    assert "depgate: deps/index.json:13: is not valid JSON (" in result.err
    # A valid file whose only difference is a derived field stays current.
    assert run_cli("index", "--repo", str(repo.path), "--write").code == 0
    index.write_text(index.read_text().replace('"symbols": []', '"symbols": ["d9d.Other"]'))
    assert run_cli("index", "--repo", str(repo.path), "--check").code == 0
