"""The rule registry, `depgate rules`, and the generated docs (docs/rules.md, docs/configuration.md)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import cmarkgfm
import pytest

from depgate.commands.rules import (
    CONFIG_DOC_COMMAND,
    RULES_DOC_COMMAND,
    render_config_markdown,
    render_rules_markdown,
)
from depgate.config import iter_options
from depgate.rules import RULE_MODULES, all_rules

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scripts" / "depgate"
PREFIX_OF_MODULE = {"depgate.proposals.rules": "D", "depgate.api.kinds": "A", "depgate.api.contract_check": "A",
                    "depgate.verdict_rules": "V", "depgate.proposals.status_rules": "S"}


def _modules_declaring_rules() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                node, ast.AnnAssign) else []
            if any(isinstance(t, ast.Name) and t.id == "RULES" for t in targets):
                module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
                found.add(module)
    return found


def test_every_module_with_rules_is_registered():
    assert _modules_declaring_rules() <= set(RULE_MODULES), "add the module to depgate.rules.RULE_MODULES"


def test_codes_and_names_are_unique_and_well_formed():
    rules = all_rules()
    codes = [r.code for r in rules]
    names = [r.name for r in rules]
    assert len(codes) == len(set(codes))
    assert len(names) == len(set(names))
    assert not set(codes) & set(names)
    for rule in rules:
        assert re.fullmatch(r"[A-Z][0-9]{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name


def test_codes_use_the_prefix_of_their_module():
    import importlib

    for module_name in RULE_MODULES:
        for rule in importlib.import_module(module_name).RULES:
            assert rule.code.startswith(PREFIX_OF_MODULE[module_name]), (module_name, rule.code)


def test_every_rule_is_documented():
    for rule in all_rules():
        assert rule.summary.strip(), rule.code
        assert "\n" not in rule.summary, rule.code
        assert rule.rationale.strip(), rule.code
        assert rule.fix.strip(), rule.code
        assert rule.category, rule.code


def test_document_rules_have_examples_where_a_snippet_makes_sense():
    from depgate.proposals import rules as R

    missing = [r.code for r in R.HEADER_RULES + R.BODY_RULES if not (r.example_bad and r.example_good)]
    assert missing == []


def test_rules_doc_is_current():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_rules_markdown(all_rules()), f"docs/rules.md is stale; run `{RULES_DOC_COMMAND}`"


def test_configuration_doc_is_current():
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == render_config_markdown(), f"docs/configuration.md is stale; run `{CONFIG_DOC_COMMAND}`"


def test_rules_doc_renders_with_one_heading_per_rule():
    html = cmarkgfm.github_flavored_markdown_to_html(render_rules_markdown(all_rules()))
    for rule in all_rules():
        assert f"<h3>{rule.code} {rule.name}</h3>" in html
        assert f'href="#{rule.url.rsplit("#", 1)[1]}"' in html
    assert "<slug>" not in html  # every angle bracket of the summaries is escaped or in code


def test_configuration_doc_lists_every_key():
    text = render_config_markdown()
    for key, *_ in iter_options():
        assert f"### `{key}`" in text


# -- the command -----------------------------------------------------------------------------------------


def test_rules_text_lists_every_rule(run_cli):
    result = run_cli("rules")
    assert result.code == 0
    assert [line.split()[0] for line in result.out.splitlines()] == [r.code for r in all_rules()]


def test_rules_one_rule_in_full(run_cli):
    result = run_cli("rules", "missing-section")
    assert result.code == 0
    assert result.out.startswith("D204 missing-section (error)\n")
    assert "How to fix:" in result.out
    assert result.out.rstrip().endswith("#d204-missing-section")


def test_rules_prefix_selects_a_group(run_cli):
    result = run_cli("rules", "D3", "--format", "json")
    assert [r["code"] for r in json.loads(result.out)["rules"]] == ["D301", "D302", "D303"]


def test_rules_markdown_is_the_docs(run_cli):
    result = run_cli("rules", "--format", "markdown")
    assert result.out == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_rules_config_docs(run_cli):
    result = run_cli("rules", "--config-docs")
    assert (result.code, result.out) == (0, render_config_markdown())


@pytest.mark.parametrize("args", [["Z999"], ["no-such-rule"], ["--config-docs", "D101"]])
def test_rules_usage_errors(run_cli, args):
    result = run_cli("rules", *args)
    assert result.code == 2
    assert "error" in result.err


def test_markdown_escapes_angle_brackets_outside_code():
    from depgate.diagnostics import Severity
    from depgate.rules import Rule

    rule = Rule("Z001", "made-up", Severity.ERROR, "Write <reason> or `<reason>`.", "Because <b>.", "Fix | it.", "x")
    html = cmarkgfm.github_flavored_markdown_to_html(render_rules_markdown([rule]))
    assert html.count("&lt;reason&gt;") == 4  # table cell and section, prose and code span alike
    assert "<b>" not in html
