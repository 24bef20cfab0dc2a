"""`depgate lint` on DEP lines built to make pattern matching backtrack (issue #8).

Each document here holds a line of 30,000 characters or more: a heading, a header value or a body line
with a long run of blanks, `#` or backticks, or with no closing delimiter. Such lines once took 10-30
seconds each; the reader now matches them in linear time. Speed is measured in `bench/bench_proposals.py`;
these tests check that the findings on such lines are the right ones, on a real repository.
"""

from __future__ import annotations

import json

import pytest

from dep_samples import DOC_PATH, GOOD, PROCESS, TEMPLATE
from depgate.proposals.reader import read_document

N = 30_000
BLANKS = " " * N
HASHES = "#" * N
TICKS = "`" * N


@pytest.fixture
def repo(git_repo):
    """A committed repository with a clean DEP folder."""
    git_repo.commit("docs: deps", {"deps/TEMPLATE.md": TEMPLATE, "deps/0001-dep-process.md": PROCESS,
                                   DOC_PATH: GOOD})
    return git_repo


def _lint(run_cli, repo, files: dict[str, str]) -> tuple[int, list[tuple[str, int | None, str]]]:
    """Write `files` (not dedented: blanks matter) and lint; return the exit code and `(path, line, code)`."""
    repo.write(files, dedent=False)
    result = run_cli("lint", "--repo", str(repo.path), "--format", "json")
    assert result.err == ""
    found = [(d["path"], d["line"], d["code"]) for d in json.loads(result.out)["diagnostics"]]
    return result.code, found


def _edit(old: str, new: str) -> str:
    assert GOOD.count(old) == 1
    return GOOD.replace(old, new)


TITLE_HEADING = "# DEP-0008: Activation offloading\n"


# -- headings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("heading", "expected"), [
    # A closing `#` sequence after a long run of blanks is not part of the text: the heading matches the header.
    pytest.param(f"# DEP-0008: Activation offloading{BLANKS}{HASHES}{BLANKS}\n", [], id="closing-sequence"),
    pytest.param(f"# DEP-0008: Activation offloading{BLANKS}\n", [], id="trailing-blanks"),
    pytest.param(f"#\tDEP-0008: Activation offloading{BLANKS}#\n", [], id="tab-and-one-hash"),
    # Blanks inside the text render as one space: the title still matches the header's; another word does not.
    pytest.param(f"# DEP-0008: Activation{BLANKS}offloading\n", [], id="inner-blanks"),
    pytest.param(f"# DEP-0008: Activation{BLANKS}offload\n", [(DOC_PATH, 10, "D202")], id="inner-blanks-other-word"),
    pytest.param(f"# DEP-0008: Activation{BLANKS}offloading{BLANKS}#x\n", [(DOC_PATH, 10, "D202")],
                 id="hash-without-blank-is-text"),
    # Only hashes after the marker: that is the text, not a closing sequence, so not the title heading.
    pytest.param(f"# {HASHES}\n", [(DOC_PATH, 10, "D201")], id="text-of-hashes"),
    # Seven hashes or more, or no blank after them: not a heading, so the first heading is `## Abstract`.
    pytest.param(f"{HASHES} DEP-0008: Activation offloading\n", [(DOC_PATH, 12, "D201")], id="too-many-hashes"),
    pytest.param(f"#{BLANKS[:-1]}x{HASHES}\n", [(DOC_PATH, 10, "D201")], id="no-closing-without-blank"),
])
def test_long_title_heading_lines(run_cli, repo, heading, expected):
    code, found = _lint(run_cli, repo, {DOC_PATH: _edit(TITLE_HEADING, heading)})
    assert found == expected
    assert code == (1 if expected else 0)


@pytest.mark.parametrize(("usage", "expected"), [
    pytest.param(f"## Usage{BLANKS}{HASHES}\n", [], id="closing-sequence"),
    pytest.param(f"## Usage {BLANKS}\n", [], id="trailing-blanks"),
    # `Usage` followed by other words is another section: `Usage` is reported where it belongs, at the
    # first `##` heading after Design Proposal, that is the long one on line 24.
    pytest.param(f"## Usage{BLANKS}x\n", [(DOC_PATH, 24, "D204")], id="inner-blanks"),
    pytest.param(f"##{BLANKS}\n", [(DOC_PATH, 24, "D204")], id="blanks-only"),
])
def test_long_section_heading_lines(run_cli, repo, usage, expected):
    _, found = _lint(run_cli, repo, {DOC_PATH: _edit("## Usage\n", usage)})
    assert found == expected


@pytest.mark.parametrize(("section", "expected"), [
    # The template's own sections are read the same way.
    pytest.param(f"## Usage{BLANKS}##{BLANKS}\n", [], id="closing-sequence"),
    # Only the Feature DEP needs `Usage`; the Process DEP does not (`SECTIONS_BY_TYPE`).
    pytest.param(f"## Usage{BLANKS}Examples\n", [(DOC_PATH, 24, "D204")], id="inner-blanks"),
])
def test_long_template_section_lines(run_cli, repo, section, expected):
    assert TEMPLATE.count("## Usage\n") == 1
    _, found = _lint(run_cli, repo, {"deps/TEMPLATE.md": TEMPLATE.replace("## Usage\n", section)})
    assert found == expected


# -- header ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "expected"), [
    # Blanks around a value are not part of it.
    pytest.param("Status: Draft\n", f"Status:{BLANKS}Draft{BLANKS}\n", [], id="blanks-around-value"),
    pytest.param("Title: Activation offloading\n", f"Title: Activation offloading{BLANKS}\n", [], id="trailing"),
    pytest.param("Status: Draft\n", f"Status{BLANKS}: Draft\n", [], id="blanks-before-colon"),
    # Blanks inside a value are kept, but count as one space against the title heading; a word does not.
    pytest.param("Title: Activation offloading\n", f"Title: Activation{BLANKS}offloading\n", [], id="inner-blanks"),
    pytest.param("Title: Activation offloading\n", f"Title: Activation{BLANKS}offload\n",
                 [(DOC_PATH, 10, "D202")], id="inner-blanks-other-word"),
    # Tabs are blanks too, and reported once for the line.
    pytest.param("Status: Draft\n", f"Status:{chr(9) * N}Draft\n", [(DOC_PATH, 5, "D010")], id="tabs"),
    # No blank after the colon, or no colon at all: not `Key: value`, a structural finding that stops the
    # header rules (which would report `Status` missing).
    pytest.param("Status: Draft\n", f"Status{BLANKS}:Draft\n", [(DOC_PATH, 5, "D007")], id="no-blank-after-colon"),
    pytest.param("Type: Feature\n", f"Type: Feature\n{'Discussion' * (N // 10)}{BLANKS}x\n",
                 [(DOC_PATH, 7, "D007")], id="no-colon"),
    pytest.param("Type: Feature\n", f"Type: Feature\n---{BLANKS}x\n", [(DOC_PATH, 7, "D007")],
                 id="not-a-delimiter"),
    # Authors: separators with long runs of blanks around them.
    pytest.param("Author: Jane Doe @jdoe & @mrapplexz\n", f"Author: Jane Doe @jdoe{BLANKS}&{BLANKS}@mrapplexz\n",
                 [], id="author-separator"),
    pytest.param("Author: Jane Doe @jdoe & @mrapplexz\n", f"Author: Jane Doe @jdoe{BLANKS}and{BLANKS}\n",
                 [(DOC_PATH, 4, "D113")], id="author-trailing-separator"),
])
def test_long_header_lines(run_cli, repo, old, new, expected):
    _, found = _lint(run_cli, repo, {DOC_PATH: _edit(old, new)})
    assert found == expected


def test_long_header_lines_of_an_unclosed_header(run_cli, repo):
    text = f"---{BLANKS}\nDEP: 0008\nTitle:{BLANKS}x\n---{BLANKS}x\n\n{TITLE_HEADING}"
    _, found = _lint(run_cli, repo, {DOC_PATH: text})
    # The opening line may have trailing blanks; `---` followed by text closes nothing, and the heading
    # on line 6 is the body. The unclosed header is the one finding: `---x` on line 4 is not reported.
    assert found == [(DOC_PATH, 1, "D006")]
    doc = read_document(DOC_PATH, text.encode())
    assert [(f.key, f.line) for f in doc.fields] == [("DEP", 2), ("Title", 3)]
    assert [(h.text, h.line) for h in doc.headings] == [("DEP-0008: Activation offloading", 6)]
    assert "line 6 ('# DEP-0008: Activation offloading') already belongs to the body" in doc.problems[0].message



@pytest.mark.parametrize(("text", "expected"), [
    # Thousands of blank lines inside a closed header are blank, not the body.
    pytest.param(_edit("Type: Feature\n", "Type: Feature\n" + "\n" * N), [], id="blank-lines-in-header"),
    # Thousands of blank lines, then prose, and no closing line: one finding, where the prose starts.
    pytest.param("---\nDEP: 0008\n" + "\n" * N + "Some prose\n", [(DOC_PATH, 1, "D006")],
                 id="blank-lines-then-prose"),
    # Thousands of header lines, then the title heading, and no closing line: still one finding.
    pytest.param("---\n" + "Discussion: x\n" * N + "\n" + TITLE_HEADING, [(DOC_PATH, 1, "D006")],
                 id="many-fields-then-heading"),
    # A long indented continuation after a blank line stays in the header (it is not the body).
    pytest.param(_edit("Created: 2026-02-04\n", f"Created: 2026-02-04\nDiscussion:\n\n{BLANKS}x\n"), [],
                 id="indented-after-blank"),
])
def test_long_unclosed_headers(run_cli, repo, text, expected):
    _, found = _lint(run_cli, repo, {DOC_PATH: text})
    assert found == expected


def test_unclosed_header_names_the_body_line_briefly():
    text = f"---\nDEP: 0008\n\n{'word ' * N}\n"
    (problem,) = read_document(DOC_PATH, text.encode()).problems
    assert problem.code == "D006"
    assert len(problem.message) < 250
    assert "line 4 ('word word" in problem.message


@pytest.mark.parametrize(("title", "heading", "expected"), [
    # A heading of thousands of words that leaves some out, in order, shortens the title.
    pytest.param("Offload " + "x " * N + "end", "Offload " + "x " * (N // 2) + "end", [], id="shortened"),
    # One word out of order at the very end: stale.
    pytest.param("Offload " + "x " * N + "end", "Offload " + "x " * N + "end end", [(DOC_PATH, 10, "D202")],
                 id="word-not-in-title"),
])
def test_long_titles_against_the_heading(run_cli, repo, title, heading, expected):
    text = _edit("Title: Activation offloading\n", f"Title: {title}\n")
    text = text.replace("# DEP-0008: Activation offloading\n", f"# DEP-0008: {heading}\n")
    _, found = _lint(run_cli, repo, {DOC_PATH: text})
    assert found == expected

# -- inline code -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), [
    # A placeholder inside a code span of 30,000 backticks is shown literally.
    pytest.param(f"Use x{TICKS} <your config here> {TICKS}.\n", [], id="inside-long-span"),
    # A run with no later run pairs up inside itself (29,999 of 30,000 backticks); the one left over has no
    # closing, so the text after it is not code.
    pytest.param(f"Use x{TICKS} <your config here>.\n", [(DOC_PATH, 26, "D203")], id="unclosed-long-run"),
    # ... or it pairs with a single backtick of a later, shorter run, which hides what lies between.
    pytest.param(f"Use x{TICKS} <your config here> ``.\n", [], id="long-run-then-short-run"),
    pytest.param(f"Use x{TICKS}a`` <your config here>\n", [(DOC_PATH, 26, "D203")], id="short-run-before"),
    pytest.param(f"Use <your config here> x{TICKS}\n", [(DOC_PATH, 26, "D203")], id="placeholder-before-run"),
    pytest.param(f"Use x{'`a' * (N // 2)}<your config here>\n", [(DOC_PATH, 26, "D203")], id="many-short-spans"),
])
def test_long_runs_of_backticks(run_cli, repo, line, expected):
    text = _edit("## Usage\n", f"## Usage\n\n{line}")
    _, found = _lint(run_cli, repo, {DOC_PATH: text})
    assert found == expected
