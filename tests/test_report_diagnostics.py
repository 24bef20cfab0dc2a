"""The generic renderers of a list of diagnostics: complete outputs, snapshotted inline."""

from __future__ import annotations

import json

import pytest

from depgate.diagnostics import Diagnostic, Location, Severity
from depgate.report.diagnostics import (
    ANNOTATION_LEVELS,
    FailOn,
    render_github,
    render_json,
    render_text,
    summary_line,
)

SOURCE = {
    "deps/0008-offload.md": ["---", "DEP: 0008", "Title:\tOffload", "Status: WIP", "---", ""],
}

DIAGS = [
    Diagnostic("D109", Severity.ERROR, "Status must be one of Draft, Accepted, not `WIP`",
               Location("deps/0008-offload.md", 4)),
    Diagnostic("D010", Severity.WARNING, "header line contains a tab; use spaces",
               Location("deps/0008-offload.md", 3, 7)),
    Diagnostic("D303", Severity.WARNING, "template deps/TEMPLATE.md is missing", Location("deps/TEMPLATE.md")),
    Diagnostic("X001", Severity.INFO, "a note, 100% sure: with, commas\nand a newline", Location("a:b,c.md", 2)),
]


def _read(path):
    return SOURCE.get(path)


def test_render_text():
    assert render_text(DIAGS, _read) == (
        "a:b,c.md:2: X001 info: a note, 100% sure: with, commas\ufffdand a newline\n"
        "deps/0008-offload.md:3:7: D010 warning: header line contains a tab; use spaces\n"
        "   |\n"
        " 3 | Title:  Offload\n"
        "   |       ^\n"
        "\n"
        "deps/0008-offload.md:4: D109 error: Status must be one of Draft, Accepted, not `WIP`\n"
        "   |\n"
        " 4 | Status: WIP\n"
        "   | ^^^^^^^^^^^\n"
        "\n"
        "deps/TEMPLATE.md: D303 warning: template deps/TEMPLATE.md is missing\n"
        "\n"
        "Found 1 error, 2 warnings and 1 note in 3 files.\n"
    )


def test_render_text_clean_and_colour():
    assert render_text([], _read) == "No problems found.\n"
    coloured = render_text(DIAGS[:1], _read, color=True)
    assert "\x1b[31mD109\x1b[0m" in coloured
    assert "\x1b[31m" not in render_text(DIAGS[:1], _read)


def test_render_text_strips_terminal_escapes_from_untrusted_text():
    diag = Diagnostic("D109", Severity.ERROR, "bad \x1b[2J value", Location("x.md", 1))
    out = render_text([diag], lambda _: ["Status: \x1b]0;pwned\x07"])
    assert "\x1b" not in out
    assert "\x07" not in out


def test_render_text_line_out_of_range_has_no_snippet():
    diag = Diagnostic("D101", Severity.ERROR, "missing", Location("deps/0008-offload.md", 99))
    assert render_text([diag], _read) == "deps/0008-offload.md:99: D101 error: missing\n\nFound 1 error in 1 file.\n"


def test_render_json_is_versioned_sorted_and_stable():
    out = render_json(DIAGS, command="lint")
    assert out == render_json(list(reversed(DIAGS)), command="lint")
    data = json.loads(out)
    assert data["schema_version"] == 1
    assert data["command"] == "lint"
    assert data["summary"] == {"error": 1, "warning": 2, "info": 1, "total": 4}
    assert [d["code"] for d in data["diagnostics"]] == ["X001", "D010", "D109", "D303"]
    assert data["diagnostics"][1] == {
        "code": "D010", "column": 7, "line": 3, "message": "header line contains a tab; use spaces",
        "path": "deps/0008-offload.md", "rule": "tab-in-header", "severity": "warning",
        "url": "https://github.com/depgate/depgate/blob/main/docs/rules.md#d010-tab-in-header",
    }
    assert "rule" not in data["diagnostics"][0]  # unknown codes are passed through without docs
    with pytest.raises(ValueError, match="clash"):
        render_json(DIAGS, summary="x")


def test_render_github():
    assert render_github(DIAGS) == (
        "::notice file=a%3Ab%2Cc.md,line=2,title=depgate%3A X001::a note, 100%25 sure: with, commas%0Aand a newline\n"
        "::warning file=deps/0008-offload.md,line=3,col=7,title=depgate%3A D010::"
        "header line contains a tab; use spaces\n"
        "::error file=deps/0008-offload.md,line=4,title=depgate%3A D109::"
        "Status must be one of Draft, Accepted, not `WIP`\n"
        "::warning file=deps/TEMPLATE.md,title=depgate%3A D303::template deps/TEMPLATE.md is missing\n"
    )


def test_every_severity_has_an_annotation_level():
    assert set(ANNOTATION_LEVELS) == set(Severity)


@pytest.mark.parametrize(("fail_on", "severities", "fails"), [
    ("error", [Severity.WARNING, Severity.INFO], False),
    ("error", [Severity.ERROR], True),
    ("warning", [Severity.WARNING], True),
    ("warning", [Severity.INFO], False),
    ("never", [Severity.ERROR], False),
    ("error", [], False),
])
def test_fail_on(fail_on, severities, fails):
    diags = [Diagnostic("D001", s, "m", Location("x")) for s in severities]
    assert FailOn(fail_on).fails(diags) is fails


def test_summary_line():
    assert summary_line(DIAGS[:1]) == "Found 1 error in 1 file."
    assert summary_line(DIAGS[:3]) == "Found 1 error and 2 warnings in 2 files."


def test_undecodable_file_names_can_be_written_as_utf8():
    diag = Diagnostic("D118", Severity.ERROR, "file name `0009-\udcff.md` is bad", Location("deps/0009-\udcff.md"))
    for out in (render_text([diag], lambda _: None), render_json([diag]), render_github([diag])):
        out.encode("utf-8")  # would raise on a lone surrogate
        assert "0009-\ufffd.md" in out or "0009-\\ufffd.md" in out
