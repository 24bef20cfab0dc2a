"""`depgate audit`: the check on every first-parent commit of a range."""

from __future__ import annotations

import json

import cmarkgfm
import pytest

from depgate import demo
from gitrepo import GitRepo


@pytest.fixture
def history(tmp_path) -> tuple[GitRepo, str]:
    """The demo repository with its three pull requests merged into main (merge commits), plus a direct commit."""
    repo = GitRepo(tmp_path / "history")
    demo.build(repo.path)
    start = repo.git("rev-parse", "main")
    for branch in ("feat/offload", "feat/ring-parallel", "fix/grad-clip"):
        repo.git("merge", "-q", "--no-ff", "-m", f"Merge pull request from {branch}", branch)
    repo.commit("docs: readme tweak @someone <img src=x> | pipe |", {"README.md": "tweaked\n"})
    return repo, start


def test_audit_writes_jsonl_and_markdown(run_cli, history, tmp_path):
    repo, start = history
    jsonl, md = tmp_path / "audit.jsonl", tmp_path / "audit.md"
    result = run_cli("audit", "--repo", str(repo.path), "--range", f"{start}..main", "--output", str(jsonl),
                     "--markdown", str(md), "--progress", "2")
    assert result.code == 0, result
    assert result.out == ""
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    assert [r["verdict"] for r in records] == ["required", "required", "not-required", "not-required"]
    assert [r["satisfied"] for r in records] == [False, True, True, True]
    assert records[0]["subject"] == "Merge pull request from feat/offload"
    # The second merge's DEP is linked by the diff and by the merged commit's title.
    assert records[1]["deps"][0]["label"] == "DEP-0003"
    assert set(records[1]["deps"][0]["how"]) == {"added", "referenced"}
    assert records[0]["base"]["sha"] == start  # each commit against its first parent
    assert "depgate audit: 2/4 commits checked" in result.err
    assert "depgate audit: 4/4 commits checked" in result.err
    table = md.read_text()
    assert "4 first-parent commit(s); 2 needed a DEP, 1 of them had one" in table
    html = cmarkgfm.github_flavored_markdown_to_html(table)
    assert html.count("<tr>") == 5  # header + 4 commits
    assert "<img" not in html


def test_audit_streams_to_stdout(run_cli, history):
    repo, start = history
    result = run_cli("audit", "--repo", str(repo.path), "--range", f"{start}..main", "--progress", "0")
    assert result.code == 0
    assert len(result.out.splitlines()) == 4
    assert result.err == ""


def test_broken_config_at_one_commit_is_recorded_not_fatal(run_cli, git_repo):
    start = git_repo.commit("chore: initial", {"README.md": "x\n"})
    git_repo.commit("chore: bad config", {".github/depgate.yml": "verdict: [\n"})
    git_repo.commit("docs: after the bad config", {"README.md": "y\n"})
    result = run_cli("audit", "--repo", str(git_repo.path), "--range", f"{start}..main")
    assert result.code == 0
    records = [json.loads(line) for line in result.out.splitlines()]
    assert "error" not in records[0]
    assert "not valid YAML" in records[1]["error"]


def test_bad_range(run_cli, git_repo):
    git_repo.commit("chore: initial", {"README.md": "x\n"})
    assert run_cli("audit", "--repo", str(git_repo.path), "--range", "main").code == 2
    result = run_cli("audit", "--repo", str(git_repo.path), "--range", "nope..main")
    assert result.code == 2
    assert "nope" in result.err


def test_audit_records_follow_the_report_schema(run_cli, history):
    from pathlib import Path

    import jsonschema

    text = (Path(__file__).parent.parent / "docs" / "report.md").read_text(encoding="utf-8")
    schema = json.loads(text[text.index("\n## JSON Schema\n"):].split("```json\n", 1)[1].split("\n```", 1)[0])
    repo, start = history
    result = run_cli("audit", "--repo", str(repo.path), "--range", f"{start}..main", "--progress", "0")
    for line in result.out.splitlines():
        record = json.loads(line)
        jsonschema.validate(record, schema)
        assert len(record["commit"]) == 40


def test_unwritable_output_is_a_usage_error(run_cli, history, tmp_path):
    repo, start = history
    target = tmp_path / "missing-folder" / "audit.jsonl"
    result = run_cli("audit", "--repo", str(repo.path), "--range", f"{start}..main", "--progress", "0",
                     "--output", str(target))
    assert result.code == 2
    assert f"{target}: cannot write the audit" in result.err
