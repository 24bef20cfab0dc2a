"""`depgate demo`: the sample repository and its three pull requests."""

from __future__ import annotations

import json
import subprocess

import cmarkgfm

from depgate import demo


def test_demo_prints_three_reports(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("demo")
    assert result.code == 0, result
    out = result.out
    assert [line for line in out.splitlines() if line.startswith("Pull request ")] == [
        "Pull request 1 of 3: feat/offload",
        "Pull request 2 of 3: feat/ring-parallel",
        "Pull request 3 of 3: fix/grad-clip",
    ]
    first, second, third = out.split("Pull request ")[1:]
    assert "[required] A DEP is required, and no DEP that satisfies it is linked." in first
    assert "V101" in first
    assert "DEP-0002" in first
    # The sample's base branch has one commit, too few for `verdict.conventional-commits: auto` to see a convention.
    assert "V106" not in first
    assert "[required] A DEP is required, and DEP-0003 (Draft) satisfies it." in second
    assert "[not-required]" in third
    assert list(tmp_path.iterdir()) == []  # nothing written where it ran


def test_demo_json_is_one_document(run_cli):
    result = run_cli("demo", "--format", "json")
    data = json.loads(result.out)
    assert [item["report"]["verdict"] for item in data] == ["required", "required", "not-required"]
    assert [item["report"]["satisfied"] for item in data] == [False, True, True]
    assert [item["branch"] for item in data] == ["feat/offload", "feat/ring-parallel", "fix/grad-clip"]
    assert all(item["report"]["schema_version"] == 1 for item in data)


def test_demo_markdown_renders(run_cli):
    result = run_cli("demo", "--format", "markdown")
    html = cmarkgfm.github_flavored_markdown_to_html(result.out)
    assert html.count("<h2>") == 3
    assert "DEP required — no DEP linked" in html
    assert "DEP required — satisfied" in html


def test_demo_works_without_git_identity(run_cli, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    assert run_cli("demo").code == 0


def test_keep_leaves_an_explorable_repository(run_cli, tmp_path):
    target = tmp_path / "sample"
    result = run_cli("demo", "--keep", str(target))
    assert result.code == 0
    assert str(target) in result.err
    branches = subprocess.run(["git", "branch", "--format=%(refname:short)"], cwd=target, capture_output=True,
                              text=True, check=True).stdout.split()
    assert sorted(branches) == ["feat/offload", "feat/ring-parallel", "fix/grad-clip", "main"]
    # The same check, run by hand on a kept branch, gives the same verdict.
    again = run_cli("check", "--repo", str(target), "--head", "feat/offload", "--format", "json")
    assert again.code == 1
    assert json.loads(again.out)["verdict"] == "required"
    # A second run refuses to write into a non-empty folder.
    refused = run_cli("demo", "--keep", str(target))
    assert refused.code == 2
    assert "empty" in refused.err


def test_sample_is_shipped_as_package_data():
    root = demo.sample_root()
    assert root.joinpath("scenarios.json").is_file()
    assert root.joinpath("base", "d9d", "module", "parallelism", "base.py").is_file()
    plan = json.loads(root.joinpath("scenarios.json").read_text(encoding="utf-8"))
    for pr in plan["pull_requests"]:
        assert root.joinpath(*pr["files"].split("/")).is_dir()


def test_build_is_deterministic(tmp_path):
    demo.build(tmp_path / "a")
    demo.build(tmp_path / "b")
    heads = []
    for name in ("a", "b"):
        heads.append(subprocess.run(["git", "rev-parse", "feat/offload", "main"], cwd=tmp_path / name,
                                    capture_output=True, text=True, check=True).stdout)
    assert heads[0] == heads[1]


def test_documented_example_is_what_the_command_prints(run_cli, tmp_path):
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "report.md").read_text(encoding="utf-8")
    example = json.loads(text[text.index("\n## Example\n"):].split("```json\n", 1)[1].split("\n```", 1)[0])
    run_cli("demo", "--keep", str(tmp_path / "sample"))
    result = run_cli("check", "--repo", str(tmp_path / "sample"), "--head", "feat/ring-parallel", "--format", "json")
    actual = json.loads(result.out)
    for data in (example, actual):
        data["tool"].pop("version")
        data["analysis"].pop("modules_analysed")
    assert actual == example, "docs/report.md's example is stale: regenerate it (see the page)"
