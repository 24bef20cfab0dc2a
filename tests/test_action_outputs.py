"""Every step output the action's modes set is declared in action.yml, or a workflow can never read it."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / "scripts" / "depgate" / "github"


def _keys(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Dict):
        return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return set()


def outputs_set(source: str) -> set[str]:
    """Names passed to `ctx.outputs({...})`, or collected in a dict named `outputs` first."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "outputs":
            for arg in node.args:
                found |= _keys(arg)
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "outputs" for t in node.targets):
            found |= _keys(node.value)
        elif (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "outputs"
              and isinstance(node.slice, ast.Constant) and isinstance(node.ctx, ast.Store)):
            found.add(node.slice.value)
    return found


def test_the_finder_sees_every_way_outputs_are_set():
    source = ('ctx.outputs({"a": "1"})\noutputs = {"b": ""}\noutputs["c"] = "x"\nctx.outputs(outputs)\n'
              'other = {"d": ""}\nctx.summary({"e": ""})\n')
    assert outputs_set(source) == {"a", "b", "c"}


def test_every_output_the_modes_set_is_declared_in_action_yml():
    declared = set(yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))["outputs"])
    used = set().union(*(outputs_set(path.read_text(encoding="utf-8")) for path in sorted(GITHUB.glob("*.py"))))
    assert {"verdict", "comment", "agrees", "pull-request"} <= used  # check, publish and index all seen
    assert sorted(used - declared) == []
