"""Untrusted text shown in Markdown or workflow commands cannot break out."""

from __future__ import annotations

import re

import cmarkgfm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from depgate.report.escape import md_code, md_inline, workflow_data, workflow_property

HOSTILE = [
    "a | b",
    "`code` | pipe",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "![img](http://evil.example/i.png)",
    "[link](javascript:alert(1))",
    "@octocat and @org/team",
    "mail me at a@b.co",
    "line one\nline two\r\n| x | y |",
    "::set-output name=verdict::not-required",
    "::add-mask::secret",
    "**bold** _em_ ~~s~~",
    "<!-- comment -->",
    "&lt;b&gt;",
    "www.evil.example and https://evil.example/x",
]


def _cell_html(cell: str) -> str:
    html = cmarkgfm.github_flavored_markdown_to_html(f"| h | i |\n|---|---|\n| {cell} | end |\n")
    return html


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("escape", [md_inline, md_code])
def test_hostile_text_stays_in_its_cell(text, escape):
    html = _cell_html(escape(text))
    body = html.split("<tbody>")[1]
    assert body.count("<td>") == 2, html
    assert "<td>end</td>" in body
    for forbidden in ("<img", "<script", "<a ", "<strong", "<em", "<del", "<!--", "<b>"):
        assert forbidden not in body, (forbidden, html)
    assert not re.search(r"@[A-Za-z0-9]", re.sub(r"<code>.*?</code>", "", body)), "no mention outside code"


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_is_one_cell(text):
    body = _cell_html(md_inline(text)).split("<tbody>")[1]
    assert body.count("<td") == 2
    assert "<a " not in body
    assert "<img" not in body


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_is_one_code_cell(text):
    body = _cell_html(md_code(text)).split("<tbody>")[1]
    assert body.count("<td") == 2
    assert "<a " not in body
    assert "<img" not in body


@given(st.text(max_size=100))
def test_workflow_data_has_no_line_breaks(text):
    escaped = workflow_data(text)
    assert "\n" not in escaped
    assert "\r" not in escaped
    assert workflow_data("100%\n::x") == "100%25%0A::x"


@given(st.text(max_size=100))
def test_workflow_property_has_no_separators(text):
    escaped = workflow_property(text)
    assert not set(escaped) & {"\n", "\r", ",", ":"}


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("escape", [md_inline, md_code, workflow_data])
def test_bidirectional_controls_are_dropped_and_the_letters_kept(escape):
    # A title that reads "Accepted" but holds an override ("Trojan Source") shows what it holds.
    shown = escape(f"Accep\u202eted{BIDI} é")
    assert not set(BIDI) & set(shown)
    assert "Accepted" in shown
    assert "é" in shown  # letters of any script stay


def test_a_stream_that_cannot_encode_a_character_gets_an_escape_not_a_traceback(tmp_path):
    import os
    import subprocess
    import sys

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps" / "0001-x.md").write_text(
        "---\nDEP: 0001\nTitle: Zürich \u4e2d\u6587\nAuthor: @a\nStatus: Draft\nType: Feature\nCreated: 2026-01-01\n"
        "---\n\n# DEP-0001: x\n", encoding="utf-8")
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run([sys.executable, "-m", "depgate", "index", "--repo", str(tmp_path)], env=env,
                          capture_output=True, text=True, encoding="ascii", errors="replace", check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Z\\xfcrich \\u4e2d\\u6587" in proc.stdout
