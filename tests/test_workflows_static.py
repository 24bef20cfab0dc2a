"""Static checks of action.yml and the workflows: zizmor, actionlint, GitHub's JSON schemas, and house rules."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"


def _tool(name: str) -> str:
    """Find a linter installed with the test extras (next to this Python first, then on PATH)."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (it comes with the test extras)")
    return found


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False, env=env)


def test_there_are_workflows():
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "depgate.yml", "depgate-publish.yml", "depgate-index.yml"} <= names


def test_zizmor_offline_finds_nothing():
    proc = _run(_tool("zizmor"), "--offline", "--no-progress", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


def test_zizmor_pedantic_finds_nothing():
    """The pedantic persona too: every permission explained, concurrency set; deliberate designs carry an inline
    `# zizmor: ignore[...]` with the reason (`uses: ./`, the `workflow_run` trigger of depgate-publish.yml)."""
    proc = _run(_tool("zizmor"), "--offline", "--no-progress", "--persona", "pedantic", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


def test_actionlint():
    proc = _run(_tool("actionlint"), "-no-color", *[str(p) for p in WORKFLOWS])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_github_json_schemas():
    tool = _tool("check-jsonschema")
    proc = _run(tool, "--builtin-schema", "vendor.github-actions", str(ACTION))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = _run(tool, "--builtin-schema", "vendor.github-workflows", *[str(p) for p in WORKFLOWS])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _run_scripts(doc: dict) -> list[tuple[str, str]]:
    steps = list(doc.get("runs", {}).get("steps", []))
    for job in (doc.get("jobs") or {}).values():
        steps += job.get("steps", [])
    return [(step.get("name", "?"), step["run"]) for step in steps if "run" in step]


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=lambda p: p.name)
def test_no_expression_inside_a_run_script(path):
    scripts = _run_scripts(yaml.safe_load(path.read_text()))
    bad = [name for name, script in scripts if "${{" in script]
    assert bad == [], f"{path.name}: pass these through env: instead: {bad}"


def test_every_input_is_documented_and_reaches_the_entrypoint():
    action = yaml.safe_load(ACTION.read_text())
    entry = (ROOT / "scripts" / "depgate" / "github" / "action.py").read_text()
    run_env = action["runs"]["steps"][1]["env"]
    for name, spec in action["inputs"].items():
        assert spec.get("description"), name
        assert "default" in spec, name
        if name == "python":
            continue
        var = f"DEPGATE_{name.upper().replace('-', '_')}"
        assert run_env.get(var) == f"${{{{ inputs.{name} }}}}", var
        assert f'"{var.removeprefix("DEPGATE_")}"' in entry or f'"{var}"' in entry, f"{var} is never read"
    for name, spec in action["outputs"].items():
        assert spec.get("description"), name
        assert re.fullmatch(r"\$\{\{ steps\.run\.outputs\.[a-z-]+ \}\}", spec["value"]), name


def test_actions_are_pinned_to_commits():
    for path in WORKFLOWS:
        for line in path.read_text().splitlines():
            m = re.search(r"uses:\s*([^\s#]+)", line)
            if m and not m.group(1).startswith("./"):
                assert re.search(r"@[0-9a-f]{40}\b", m.group(1)), f"{path.name}: {line.strip()}"


def test_docs_workflows_are_valid(tmp_path):
    """The copy-paste workflows of docs/action.md pass the same checks as ours."""
    docs = (ROOT / "docs" / "action.md").read_text()
    blocks = re.findall(r"```yaml\n(# \.github/workflows/[^\n]+\n.*?)```", docs, re.S)
    assert len(blocks) >= 3
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    for block in blocks:
        name = re.match(r"# \.github/workflows/(\S+)", block).group(1)
        (folder / name).write_text(block)
        doc = yaml.safe_load(block)
        assert all("${{" not in script for _, script in _run_scripts(doc)), name
    proc = _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, folder.iterdir()))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = subprocess.run([_tool("zizmor"), "--offline", "--no-progress", "--persona", "pedantic", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
