"""depgate's own proposals and project files: the index is current, the documents pass depgate's own lint."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import yaml

from depgate.cli import get_parser

ROOT = Path(__file__).resolve().parents[1]


def test_own_index_is_current(run_cli):
    result = run_cli("index", "--check", "--repo", str(ROOT))
    assert result.code == 0, (f"deps/INDEX.md or deps/index.json is stale; run `depgate index --write`\n"
                              f"{result.out}{result.err}")
    assert "warning" not in result.err
    import jsonschema

    schema = json.loads((ROOT / "docs/index.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads((ROOT / "deps/index.json").read_text(encoding="utf-8")), schema)


def test_own_documents_pass_lint(run_cli):
    result = run_cli("lint", "--repo", str(ROOT))
    assert result.code == 0, result


def test_process_dep_has_the_template_sections_and_no_placeholders():
    from depgate.proposals.reader import read_document, to_proposal

    template = to_proposal(read_document("deps/TEMPLATE.md", (ROOT / "deps/TEMPLATE.md").read_bytes()))
    process = to_proposal(read_document("deps/0001-dep-process.md", (ROOT / "deps/0001-dep-process.md").read_bytes()))
    assert process.sections == template.sections
    assert (process.number, process.status, process.type) == (1, "Active", "Process")
    text = (ROOT / "deps/0001-dep-process.md").read_text(encoding="utf-8")
    assert "<" not in text  # no template placeholder, no HTML


def test_pre_commit_hooks_run_real_depgate_commands():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} >= {"depgate-lint", "depgate-index"}
    parser = get_parser()
    for hook in hooks:
        assert hook["language"] == "python"
        words = shlex.split(hook["entry"])
        assert words[0] == "depgate"
        parser.parse_args(words[1:])  # exits (fails the test) on an unknown option


def test_license_is_apache_2():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
