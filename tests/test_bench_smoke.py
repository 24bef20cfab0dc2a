"""Smoke tests of the benchmark scripts in `bench/`, so they cannot rot unnoticed (no timing is asserted)."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_scale  # noqa: E402
import synth  # noqa: E402


def _shape(text: str) -> str:
    return ast.dump(ast.parse(text))


def test_reformat_keeps_the_syntax_tree_and_changes_the_text() -> None:
    files = synth.package_files(1)
    for path, text in files.items():
        once = synth.reformat(text)
        assert once != text, path
        assert _shape(once) == _shape(text), path
        assert _shape(synth.reformat(once)) == _shape(text), path


def test_check_on_a_tiny_package_sees_the_small_diff_and_not_the_reformat(tmp_path: Path, run_cli) -> None:
    info = synth.build_check_repo(tmp_path / "repo", groups=1)
    assert info["modules"] == 35
    small = run_cli("check", "--repo", str(tmp_path / "repo"), "--base", info["base"], "--head", info["small"],
                    "--format", "json")
    report = json.loads(small.out)
    changed = json.dumps(report["changes"])
    assert small.code == 1, small
    assert report["verdict"] == "required"
    assert "build_g0p2m1" in changed  # the only group holds the change
    assert "Offloader" in changed
    large = run_cli("check", "--repo", str(tmp_path / "repo"), "--base", info["small"], "--head", info["large"],
                    "--format", "json")
    report = json.loads(large.out)
    assert (large.code, report["verdict"], report["changes"], report["problems"]) == (0, "not-required", [], [])


def test_audit_over_a_tiny_history_records_every_commit(tmp_path: Path, run_cli) -> None:
    info = synth.build_history(tmp_path / "repo", groups=1, commits=10, seed=3)
    assert info["commits"] == 10
    assert sum(info["kinds"].values()) == 10
    out = tmp_path / "audit.jsonl"
    result = run_cli("audit", "--repo", str(tmp_path / "repo"), "--range", f"{info['base']}..{info['head']}",
                     "--output", str(out), "--progress", "0")
    assert result.code == 0, result
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 10
    assert all("error" not in r for r in records), records


def test_bench_scale_runs_end_to_end_at_1x(tmp_path: Path, capsys) -> None:
    out = tmp_path / "scale.json"
    assert bench_scale.main(["--sizes", "1", "--runs", "1", "--no-griffe", "--commits", "5", "--json", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["check"][0]["large_result"] == {"changes": 0, "problems": 0, "verdict": "not-required"}
    assert results["audit"]["commits"] == 5
    assert "commits/s" in capsys.readouterr().out
