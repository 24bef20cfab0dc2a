"""The README stays true: its configuration example is valid, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from depgate.config import parse_config
from depgate.rules import get_rule

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def test_configuration_example_is_valid():
    examples = [b for b in _blocks("yaml") if b.startswith("# .github/depgate.yml")]
    assert examples, "the README shows a configuration example"
    for block in examples:
        config = parse_config(yaml.safe_load(block), "README.md")
        for selectors in config.lint.per_file_ignores.values():
            for selector in selectors:
                assert get_rule(selector)


def test_the_two_commands_are_marked_for_ci():
    for marker in ("run-command", "test-command"):
        match = re.search(rf"<!-- {marker}:begin -->\n```sh\n(.+?)\n```\n<!-- {marker}:end -->", README)
        assert match, marker
        assert match.group(1).startswith("python3 -m venv .venv && ")
    ci = (ROOT / ".ci/run").read_text()
    assert "test-command:begin" in ci


def test_every_command_in_the_table_exists(run_cli):
    from depgate.cli import get_parser

    names = set(get_parser()._subparsers._group_actions[0].choices)
    for name in re.findall(r"^\| `depgate (\w+)", README, re.M):
        assert name in names, name


def test_workflow_example_uses_the_action_inputs():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    workflow = next(b for b in _blocks("yaml") if b.startswith("# .github/workflows/"))
    steps = yaml.safe_load(workflow)["jobs"]["check"]["steps"]
    for step in steps:
        if "depgate" in step.get("uses", ""):
            assert set(step.get("with", {})) <= set(action["inputs"])
