"""`depgate status` end to end on real git repositories with scripted d9d-like histories (DEP-0005)."""

from __future__ import annotations

import datetime as dt
import difflib
import json

import cmarkgfm
import pytest

from depgate.commands.status import gather_status
from depgate.config import load_config
from depgate.git import Git
from gitrepo import GitRepo


def dep(number: int, slug: str, title: str, status: str, body: str = "Text.", extra: str = "") -> str:
    """A d9d-like proposal: `Author: @handle` (not valid YAML), the six standard header keys."""
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: @mrapplexz\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-01-02\n{extra}---\n\n# DEP-{number:04d}: {title}\n\n## Abstract\n\n{body}\n\n"
            "## Motivation\n\nWhy.\n")


ROPE = "deps/0003-dep-scaled-rope.md"
HOOKS = "deps/0004-dep-event-hooks.md"
IDLE = "deps/0005-dep-idle.md"
TODAY = "2026-02-01"


@pytest.fixture
def history(git_repo: GitRepo) -> GitRepo:
    """A branch whose proposals stand in every way `depgate status` distinguishes.

    - DEP-0003 is added docs-only, then implemented by a squash merge that cites it: linked (S102).
    - DEP-0004 is accepted, then implemented by a change that adds the symbol it names without citing it:
      inferred (S103).
    - DEP-0005 is a draft nothing implements (S101).
    """
    repo = git_repo
    repo.commit("chore: start", {
        "pyproject.toml": '[project]\nname = "d9d"\nversion = "0.1.0"\n',
        "d9d/__init__.py": "__all__: list[str] = []\n",
        "deps/TEMPLATE.md": "---\nDEP: <Leave blank for maintainers>\n---\n",
    }, date="2026-01-01")
    repo.commit("docs: add scaled rope proposal (#10)",
                {ROPE: dep(3, "dep-scaled-rope", "Scaled RoPE", "Draft", "Adds `ScaledRope`.")}, date="2026-01-02")
    repo.commit("docs: add event hooks proposal (#11)",
                {HOOKS: dep(4, "dep-event-hooks", "Event hooks", "Accepted", "Adds `EventHook` to `d9d.hooks`.")},
                date="2026-01-03")
    repo.commit("feat: add scaled rope (DEP-0003) (#12)", {
        "d9d/rope/__init__.py": "from d9d.rope.scaled import ScaledRope\n\n__all__ = [\"ScaledRope\"]\n",
        "d9d/rope/scaled.py": "class ScaledRope:\n    def __call__(self, x):\n        return x\n",
    }, date="2026-01-05")
    repo.commit("feat: add event hooks (#14)", {
        "d9d/hooks/__init__.py": "from d9d.hooks.core import EventHook\n\n__all__ = [\"EventHook\"]\n",
        "d9d/hooks/core.py": "class EventHook:\n    pass\n",
    }, date="2026-01-06")
    repo.commit("docs: add idle proposal (#15)", {IDLE: dep(5, "dep-idle", "Idle", "Draft")}, date="2026-01-07")
    return repo


def status(repo: GitRepo, run_cli, *args: str):
    return run_cli("status", "--repo", str(repo.path), "--today", TODAY, *args)


def by_number(out: str) -> dict[int, dict]:
    return {p["number"]: p for p in json.loads(out)["proposals"]}


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines removed and added between two texts, in order."""
    diff = list(difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def test_json_shows_linked_inferred_and_idle_proposals(history, run_cli):
    result = status(history, run_cli, "--format", "json")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert data["schema_version"] == 1
    assert data["branch"] == "main"
    assert data["tip"] == history.git("rev-parse", "HEAD")
    proposals = by_number(result.out)
    rope = proposals[3]
    assert (rope["status"], rope["proposed"]) == ("Draft", "Implemented")
    cited = history.git("log", "--format=%H", "--grep", "scaled rope (DEP-0003)")
    assert {"sha": cited, "kind": "referenced", "pull": 12} in [
        {k: e[k] for k in ("sha", "kind", "pull")} for e in rope["evidence"]]
    assert [(r["code"], r["status"], r["implementation"], r["automatic"]) for r in rope["repairs"]] == [
        ("S102", "Implemented", ["#12"], True)]
    hooks = proposals[4]
    assert (hooks["status"], hooks["proposed"]) == ("Accepted", "Implemented")
    inferred = [e for e in hooks["evidence"] if e["kind"] == "inferred"]
    assert [(e["pull"], e["strength"]) for e in inferred] == [(14, "inferred")]
    assert "d9d.hooks.EventHook" in inferred[0]["symbols"]
    assert [(r["code"], r["automatic"]) for r in hooks["repairs"]] == [("S103", False)]
    idle = proposals[5]
    assert "S101" in [f["code"] for f in idle["findings"]]
    assert not [e for e in idle["evidence"] if e["strength"] != "record"]


def test_write_applies_only_the_linked_repair_byte_for_byte(history, run_cli):
    before = {path: (history.path / path).read_text(encoding="utf-8") for path in (ROPE, HOOKS, IDLE)}
    result = status(history, run_cli, "--write")
    assert result.code == 0, result
    assert f"depgate: wrote {ROPE}" in result.err
    assert "depgate index --write" in result.err
    removed, added = changed_lines(before[ROPE], (history.path / ROPE).read_text(encoding="utf-8"))
    assert removed == ["Status: Draft\n"]
    assert sorted(added) == ["Implementation: #12\n", "Status: Implemented\n"]
    # The inferred repair and the idle draft's proposal wait for a person.
    assert (history.path / HOOKS).read_text(encoding="utf-8") == before[HOOKS]
    assert (history.path / IDLE).read_text(encoding="utf-8") == before[IDLE]


def test_include_inferred_also_writes_the_inferred_repair(history, run_cli):
    before = (history.path / HOOKS).read_text(encoding="utf-8")
    idle = (history.path / IDLE).read_text(encoding="utf-8")
    result = status(history, run_cli, "--write", "--include-inferred")
    assert result.code == 0, result
    assert f"depgate: wrote {HOOKS}" in result.err
    removed, added = changed_lines(before, (history.path / HOOKS).read_text(encoding="utf-8"))
    assert removed == ["Status: Accepted\n"]
    assert sorted(added) == ["Implementation: #14\n", "Status: Implemented\n"]
    # Accepting a draft (S101) is a person's decision, inferred evidence or not.
    assert (history.path / IDLE).read_text(encoding="utf-8") == idle


def test_write_keeps_crlf_line_endings_and_the_byte_order_mark(git_repo: GitRepo, run_cli):
    text = dep(3, "dep-scaled-rope", "Scaled RoPE", "Draft").replace("\n", "\r\n")
    git_repo.commit("docs: add scaled rope proposal (#10)", {ROPE: b"\xef\xbb\xbf" + text.encode()},
                    date="2026-01-02")
    git_repo.commit("feat: add scaled rope (DEP-0003) (#12)", {"d9d/__init__.py": "__all__ = []\n"},
                    date="2026-01-05")
    before = (git_repo.path / ROPE).read_bytes()
    result = status(git_repo, run_cli, "--write", "--no-infer")
    assert result.code == 0, result
    after = (git_repo.path / ROPE).read_bytes()
    assert after.count(b"\r\n") == before.count(b"\r\n") + 1
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert after.startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\r\nStatus: Implemented\r\n" in after


def test_write_skips_a_file_whose_work_tree_status_changed(history, run_cli):
    edited = (history.path / ROPE).read_text(encoding="utf-8").replace("Status: Draft", "Status: Accepted")
    (history.path / ROPE).write_text(edited, encoding="utf-8")
    result = status(history, run_cli, "--write")
    assert result.code == 0, result
    assert f"{ROPE}: its Status in the work tree (Accepted) differs from the branch's (Draft); not written" in (
        result.err)
    assert (history.path / ROPE).read_text(encoding="utf-8") == edited
    assert "depgate: wrote" not in result.err


def test_text_lists_each_proposal_needing_action(history, run_cli):
    result = status(history, run_cli)
    assert result.code == 0, result
    assert "DEP-0003  Draft -> Implemented  Scaled RoPE  [deps/0003-dep-scaled-rope.md]" in result.out
    assert "  repair S102 (--write applies it): Status: Implemented; Implementation: #12" in result.out
    assert "DEP-0004  Accepted -> Implemented  Event hooks" in result.out
    assert "S101" in result.out


def test_no_infer_drops_the_inferred_evidence(history, run_cli):
    hooks = by_number(status(history, run_cli, "--format", "json", "--no-infer").out)[4]
    assert [e for e in hooks["evidence"] if e["kind"] == "inferred"] == []
    assert hooks["proposed"] is None


def test_gather_status_is_the_commands_pipeline(history, run_cli):
    config = load_config(history.path)
    report = gather_status(Git(history.path), "main", config, today=dt.date(2026, 2, 1))
    states = {p.number: p for p in report.proposals}
    assert states[3].proposed == "Implemented"
    assert states[4].proposed == "Implemented"
    assert report.tip == history.git("rev-parse", "HEAD")


def test_markdown_escapes_a_hostile_title(git_repo: GitRepo, run_cli):
    title = "x | y <img src=x onerror=alert(1)> [a](https://evil.example) @maintainers"
    git_repo.commit("docs: add hostile proposal (#10)", {ROPE: dep(3, "x", title, "Draft")}, date="2026-01-02")
    git_repo.commit("feat: add scaled rope (DEP-0003) (#12)", {"d9d/__init__.py": "__all__ = []\n"},
                    date="2026-01-05")
    result = status(git_repo, run_cli, "--format", "markdown", "--no-infer")
    assert result.code == 0, result
    assert "@maintainers" not in result.out
    html = cmarkgfm.github_flavored_markdown_to_html(result.out)
    assert "<img" not in html
    assert "evil.example\"" not in html
    assert html.count("<tr>") == 2  # the header and DEP-0003's row: the title's pipe did not split it
    assert "#12 (referenced)" in result.out


def test_check_exits_1_when_a_repair_is_proposed(history, run_cli):
    result = status(history, run_cli, "--check", "--format", "json")
    assert result.code == 1, result
    assert "repair(s) proposed" in result.err


def test_check_exits_0_when_every_proposal_stands(git_repo: GitRepo, run_cli):
    git_repo.commit("docs: add event hooks proposal (#11)", {HOOKS: dep(4, "x", "Event hooks", "Accepted")},
                    date="2026-01-20")
    result = status(git_repo, run_cli, "--check")
    assert result.code == 0, result


def test_a_bad_branch_is_a_clear_usage_error(history, run_cli):
    result = status(history, run_cli, "--branch", "no-such-branch")
    assert result.code == 2, result
    assert "unknown revision 'no-such-branch'" in result.err
    assert "Traceback" not in result.err


def test_without_a_default_branch_it_reads_head_with_a_note(tmp_path, run_cli):
    repo = GitRepo.init(tmp_path / "trunk", branch="trunk")
    repo.commit("docs: add idle proposal (#15)", {IDLE: dep(5, "dep-idle", "Idle", "Draft")}, date="2026-01-07")
    result = status(repo, run_cli, "--format", "json")
    assert result.code == 0, result
    assert "reading HEAD" in result.err
    assert json.loads(result.out)["branch"] == "HEAD"


@pytest.mark.parametrize(("args", "message"), [
    (("--today", "2026-02-30"), "--today must be a real date written YYYY-MM-DD, not '2026-02-30'"),
    (("--include-inferred",), "--include-inferred only applies with --write"),
])
def test_usage_errors_exit_2(history, run_cli, args, message):
    result = run_cli("status", "--repo", str(history.path), *args)
    assert result.code == 2, result
    assert message in result.err


def test_a_shallow_clone_is_reported_not_taken_as_no_evidence(history, tmp_path, run_cli):
    clone = tmp_path / "shallow"
    history.git("clone", "-q", "--depth", "1", f"file://{history.path}", str(clone))
    result = run_cli("status", "--repo", str(clone), "--today", TODAY, "--branch", "HEAD", "--format", "json")
    assert result.code == 0, result
    data = json.loads(result.out)
    assert "S100" in [p["code"] for p in data["problems"]]
    assert "S100" in result.err  # JSON on stdout, the warning on stderr too
    idle = by_number(result.out)[5]
    assert "S101" not in [f["code"] for f in idle["findings"]]  # no conclusion from what it cannot see


def test_a_header_that_cannot_be_edited_safely_is_reported_and_the_others_written(git_repo: GitRepo, run_cli):
    twice = "deps/0006-dep-twice.md"
    git_repo.commit("docs: add two proposals (#10)", {
        ROPE: dep(3, "dep-scaled-rope", "Scaled RoPE", "Draft"),
        twice: dep(6, "dep-twice", "Twice", "Draft", extra="Status: Draft\n"),  # a second Status line, line 8
    }, date="2026-01-02")
    git_repo.commit("feat: add both (DEP-0003, DEP-0006) (#12)", {"d9d/__init__.py": "__all__ = []\n"},
                    date="2026-01-05")
    before = (git_repo.path / twice).read_bytes()
    result = status(git_repo, run_cli, "--write", "--no-infer")
    assert result.code == 2, result
    assert f"depgate: error: {twice}:8: header has 2 `Status` lines" in result.err
    assert f"depgate: wrote {ROPE}" in result.err
    assert (git_repo.path / twice).read_bytes() == before
    assert "Traceback" not in result.err


def test_a_shallow_clone_s_cut_is_not_taken_for_an_implementation(git_repo: GitRepo, tmp_path, run_cli):
    # The cut commit of a shallow clone shows every file as added: code and proposal "together". That must not read
    # as the proposal added with its implementation; the full history, where it really was, still says so.
    git_repo.commit("docs: add DEP-0003 (#10)", {ROPE: dep(3, "dep-scaled-rope", "Scaled RoPE", "Draft")},
                    date="2026-01-02")
    git_repo.commit("feat: add code and DEP-0004 together (#11)", {
        "d9d/__init__.py": "__all__ = []\n", "deps/0004-dep-hooks.md": dep(4, "dep-hooks", "Hooks", "Draft")},
        date="2026-01-03")
    git_repo.commit("docs: typo (#12)", {"README.md": "x\n"}, date="2026-01-04")
    full = by_number(run_cli("status", "--repo", str(git_repo.path), "--today", TODAY, "--branch", "HEAD",
                             "--format", "json", "--no-infer").out)
    assert full[4]["proposed"] == "Implemented"  # the real break next to it: added with code, caught
    assert full[3]["proposed"] != "Implemented"
    clone = tmp_path / "cut"
    git_repo.git("clone", "-q", "--depth", "1", f"file://{git_repo.path}", str(clone))
    result = run_cli("status", "--repo", str(clone), "--today", TODAY, "--branch", "HEAD", "--format", "json",
                     "--no-infer")
    assert result.code == 0, result
    cut = by_number(result.out)
    for number in (3, 4):
        assert cut[number]["proposed"] != "Implemented", cut[number]
        assert all(r["code"] != "S102" for r in cut[number]["repairs"])
