"""Property tests of the report-to-Markdown and report-to-annotation paths.

Whatever a pull request puts in its title, body, file names, symbol names or DEP titles, the job
summary keeps its tables, mentions nobody, links and loads nothing from the input, and the
annotations cannot start a workflow command of their own.
"""

from __future__ import annotations

import re

import cmarkgfm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depgate.api import kinds as K
from depgate.git import ChangedFile
from depgate.report import github, markdown
from depgate.verdict import decide
from test_verdict import dep, facts

# Text a hostile pull request would try, mixed with arbitrary text.
_NASTY = st.sampled_from([
    "|", "`", "<img src=x onerror=alert(1)>", "@octocat", "@org/team", "a@b.co", "[x](javascript:alert(1))",
    "![i](http://evil.example/i.png)", "\n", "\r\n", "::set-output name=verdict::not-required", "::add-mask::x",
    "<!--", "-->", "**", "<script>", "&lt;", "www.evil.example", "https://evil.example/x", "\x1b]8;;x\x07",
])
_TEXT = st.lists(st.one_of(_NASTY, st.text(max_size=20)), max_size=6).map("".join)
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _report(title: str, body: str, symbol: str, path: str, dep_title: str):
    symbol = symbol or "x"
    path = path or "p.py"
    changes = [K.make_change(K.SYMBOL_REMOVED, symbol, path, 3, f"public function `{symbol}` was removed"),
               K.make_change(K.NEW_ABSTRACTION, symbol + "2", path, 5, f"`{symbol}2` is a new public ABC")]
    # A DEP title with a line break cannot come from a header line; keep the rest as is.
    clean_dep_title = dep_title.replace("\n", " ").replace("\r", " ").strip() or "T"
    return decide(facts(changed=[ChangedFile("M", path)], changes=changes,
                        deps=[dep(5, "Accepted", title=clean_dep_title, body=symbol)],
                        title=title, body=body))


def _outside_code(html: str) -> str:
    return re.sub(r"<code>.*?</code>", "", html, flags=re.S)


@given(title=_TEXT, body=_TEXT, symbol=_TEXT, path=_TEXT, dep_title=_TEXT)
@_SETTINGS
def test_summary_markdown_stays_inert(title, body, symbol, path, dep_title):
    report = _report(title, body, symbol, path, dep_title)
    html = cmarkgfm.github_flavored_markdown_to_html(markdown.render(report))
    for table in re.findall(r"<table>.*?</table>", html, flags=re.S):
        header_cells = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        for row in re.findall(r"<tr>.*?</tr>", table.split("</thead>")[1], flags=re.S):
            assert len(re.findall(r"<td[ >]", row)) == header_cells, row
    outside = _outside_code(html)
    assert "<img" not in outside
    assert "<script" not in outside
    assert not re.search(r"@[A-Za-z0-9]", outside), "a mention survived"
    # Links come only from depgate itself (none here: no --link-base), never from the input.
    assert "<a " not in html


@given(title=_TEXT, body=_TEXT, symbol=_TEXT, path=_TEXT, dep_title=_TEXT)
@_SETTINGS
def test_annotations_cannot_start_a_workflow_command(title, body, symbol, path, dep_title):
    report = _report(title, body, symbol, path, dep_title)
    out = github.render(report)
    for line in out.split("\n")[:-1]:  # the runner splits commands on LF only
        assert re.match(r"^::(error|warning|notice) [^\r\n]*::", line), line
        assert not set(line) & {"\r", "\x1b", "\x07"}
