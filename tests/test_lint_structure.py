"""DEP lint a maintainer would agree with (issue #9), on real git repositories.

- A document whose structure is broken gets one structural finding, not one per line it made unreadable;
  what does not depend on the structure (the file name, line endings, the other documents) is still checked.
- The sections a document needs depend on its `Type`.
- The title heading follows the template's form and may shorten the title.
- A folder shaped like d9d's `deps/` gets only the findings a d9d maintainer would call wrong.
"""

from __future__ import annotations

import json

import pytest

from dep_samples import (
    D9D_HARNESS,
    D9D_HARNESS_PATH,
    D9D_PROCESS,
    D9D_PROCESS_PATH,
    D9D_TEMPLATE,
    DOC_PATH,
    GOOD,
    TODAY,
    base_files,
    d9d_files,
)
from depgate.config import Config
from depgate.git import Git
from depgate.proposals import rules as R
from depgate.proposals.lint import lint_tree
from depgate.proposals.reader import MAX_BYTES
from depgate.rules import get_rule
from depgate.tree import GitTree

#: GOOD without its closing `---`: the body follows the header directly (the mistake of issue #9).
UNCLOSED = GOOD.replace("Created: 2026-02-04\n---\n", "Created: 2026-02-04\n", 1)


def _sub(old: str, new: str, text: str = GOOD) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _lint(repo, files: dict[str, object]) -> list[tuple[str, int | None, str]]:
    """Commit `files` and lint that commit; return `(path, line, code)` of every finding."""
    result = _lint_result(repo, files)
    return [(d.location.path, d.location.line, d.code) for d in result.diagnostics]


def _lint_result(repo, files: dict[str, object]):
    head = repo.commit("docs: deps", files)
    return lint_tree(GitTree(Git(repo.path), head), Config(), today=TODAY)


# -- structural findings -----------------------------------------------------------------------------------

#: For each structural rule, a broken document that used to bring other findings along, and where the one
#: structural finding must be. Each document also has mistakes that the structure hides (a wrong heading,
#: missing sections, a bad status), which must not be reported while the structure is broken.
STRUCTURAL_CASES = {
    "D001": (DOC_PATH, GOOD.replace("Status: Draft", "Status: WIP").encode().replace(b"Jane", b"J\xe9ne"), 4),
    "D002": ("deps/0009-folder.md", {"deps/0009-folder.md/README.md": "not a DEP\n"}, None),
    "D003": ("deps/0009-big.md", GOOD + "x" * MAX_BYTES, 1),
    "D004": (DOC_PATH, "\n\n", 1),
    # No header at all: the first heading and the sections would otherwise be checked against nothing.
    "D005": (DOC_PATH, _sub("## Usage", "## Use", GOOD.split("---\n", 2)[2]), 1),
    # The closing `---` is missing: 40 body lines used to be malformed header lines.
    "D006": (DOC_PATH, _sub("Status: Draft", "Status: WIP", UNCLOSED), 1),
    # Two malformed lines hide `Status` and `Type`: one finding, not two plus two missing headers.
    "D007": (DOC_PATH, _sub("Status: Draft\nType: Feature", "Status Draft\nType = Feature"), 5),
}


def test_every_structural_rule_has_a_case():
    assert sorted(STRUCTURAL_CASES) == sorted(r.code for r in R.RULES if r.structural)
    # Warnings about encoding details are not structural: the reader copes with them.
    assert not any(get_rule(code).structural for code in ("D008", "D009", "D010", "D118"))


@pytest.mark.parametrize("code", sorted(STRUCTURAL_CASES))
def test_structural_error_is_the_only_finding_of_its_document(git_repo, code):
    path, content, line = STRUCTURAL_CASES[code]
    files = {**base_files(), **(content if isinstance(content, dict) else {path: content})}
    assert _lint(git_repo, files) == [(path, line, code)]


def test_unclosed_header_names_where_the_body_starts(git_repo):
    result = _lint_result(git_repo, {**base_files(), DOC_PATH: UNCLOSED})
    (diag,) = result.diagnostics
    assert diag.message == ("front-matter header opened on line 1 is not closed before the body: line 9 "
                            "('# DEP-0008: Activation offloading') already belongs to the body; "
                            "add a `---` line after line 7")


def test_unclosed_header_is_not_closed_by_a_rule_in_the_body(git_repo):
    # A `---` rule further down used to close the header, making every line above it a header line.
    text = _sub("Created: 2026-02-20\n---\n", "Created: 2026-02-20\n", D9D_HARNESS)
    assert _lint(git_repo, {**d9d_files(), D9D_HARNESS_PATH: text}) == [(D9D_HARNESS_PATH, 1, "D006")]
    # The same document, closed, has its real findings back (the `---` rule stays body).
    assert [code for _, _, code in _lint(git_repo, d9d_files())] == ["D204"]


def test_header_ends_at_a_blank_line_followed_by_prose(git_repo):
    # No heading, no closing line: the paragraph after the blank line is body, not ten malformed lines.
    text = UNCLOSED.replace("# DEP-0008: Activation offloading\n\n", "", 1)
    result = _lint_result(git_repo, {**base_files(), DOC_PATH: text})
    assert [(d.location.line, d.code) for d in result.diagnostics] == [(1, "D006")]
    assert "line 9 ('## Abstract')" in result.diagnostics[0].message


def test_malformed_lines_are_counted_in_one_finding(git_repo):
    text = _sub("Status: Draft\nType: Feature", "Status Draft\nType = Feature\nsee below")
    result = _lint_result(git_repo, {**base_files(), DOC_PATH: text})
    (diag,) = result.diagnostics
    assert diag.message == "header line 'Status Draft' is not `Key: value`; so are 2 more header lines below"


def test_comment_line_in_a_closed_header_is_a_malformed_line_not_an_unclosed_header(git_repo):
    # A `#` line right after a header line, with the closing `---` after it: the header is closed.
    text = _sub("Type: Feature\n", "Type: Feature\n# reviewed by the team\n")
    assert _lint(git_repo, {**base_files(), DOC_PATH: text}) == [(DOC_PATH, 7, "D007")]


def test_what_needs_no_structure_is_still_reported_next_to_a_structural_error(git_repo):
    """The file name, the line endings and the other documents do not depend on a broken header."""
    broken = "deps/0008_Offload.md"  # an invalid file name (D118) ...
    files = {
        **base_files(),
        broken: b"\xef\xbb\xbf" + UNCLOSED.replace("\n", "\r\n").encode(),  # ... a BOM, CRLF, no closing line
        DOC_PATH: _sub("Status: Draft", "Status: WIP"),  # a real header error in the next document
    }
    assert _lint(git_repo, files) == [
        # The broken document still claims its number from the header it has: the clash is real.
        (DOC_PATH, 2, "D301"),
        (DOC_PATH, 5, "D109"),
        (broken, None, "D118"),
        (broken, 1, "D006"),
        (broken, 1, "D008"),
        (broken, 1, "D009"),
        (broken, 2, "D301"),
    ]


def test_cli_reports_one_finding_for_a_missing_closing_line(git_repo, run_cli):
    git_repo.commit("docs: deps", {**base_files(), DOC_PATH: UNCLOSED})
    result = run_cli("lint", "--repo", str(git_repo.path), "--format", "json")
    found = [(d["path"], d["line"], d["code"]) for d in json.loads(result.out)["diagnostics"]]
    assert (result.code, found) == (1, [(DOC_PATH, 1, "D006")])


# -- sections by type --------------------------------------------------------------------------------------

PROCESS_WITHOUT_MOTIVATION = _sub("## Motivation\n\nA wrong design is expensive to undo.\n\n", "", D9D_PROCESS)


@pytest.mark.parametrize(("kind", "text", "expected"), [
    # A Process or Informational DEP needs only the template's Abstract and Motivation.
    ("Process", D9D_PROCESS, []),
    ("Informational", D9D_PROCESS.replace("Type: Process", "Type: Informational"), []),
    ("Process", PROCESS_WITHOUT_MOTIVATION,
     [(D9D_PROCESS_PATH, 16, "D204", "section `## Motivation` required by the template for Type Process is missing")]),
    # A Feature DEP needs every section: the same document fails.
    ("Feature", D9D_PROCESS.replace("Type: Process", "Type: Feature"),
     [(D9D_PROCESS_PATH, 20, "D204", "sections `## Design Proposal`, `## Usage`, `## Backward Compatibility` and "
                                     "`## Alternatives Considered` required by the template for Type Feature are "
                                     "missing")]),
    # An invalid type is reported, and asks for every section (the safe side).
    ("Nope", D9D_PROCESS.replace("Type: Process", "Type: Nope"),
     [(D9D_PROCESS_PATH, 6, "D110", None),
      (D9D_PROCESS_PATH, 20, "D204", "sections `## Design Proposal`, `## Usage`, `## Backward Compatibility` and "
                                     "`## Alternatives Considered` required by the template are missing")]),
])
def test_required_sections_depend_on_the_type(git_repo, kind, text, expected):
    result = _lint_result(git_repo, {**d9d_files(), D9D_HARNESS_PATH: None, D9D_PROCESS_PATH: text})
    got = [(d.location.path, d.location.line, d.code, d.message if d.code == "D204" else None)
           for d in result.diagnostics]
    assert got == expected


def test_process_sections_are_those_the_template_has(git_repo):
    # A template without `Abstract`: a Process DEP is not asked for one, only for Motivation.
    template = _sub("## Abstract\nWhat the proposal changes, in a few sentences.\n\n", "", D9D_TEMPLATE)
    files = {**d9d_files(), "deps/TEMPLATE.md": template, D9D_HARNESS_PATH: None,
             D9D_PROCESS_PATH: _sub("## Abstract\n\nHow proposals are written, reviewed and accepted.\n\n", "",
                                    PROCESS_WITHOUT_MOTIVATION)}
    assert _lint(git_repo, files) == [(D9D_PROCESS_PATH, 12, "D204")]


def test_sections_by_type_are_documented_with_the_rule():
    for kind, sections in R.SECTIONS_BY_TYPE.items():
        assert f"`{kind}`" in R.MISSING_SECTION.rationale
        assert all(f"`{section}`" in R.MISSING_SECTION.rationale for section in sections)


def test_missing_sections_in_different_places_are_separate_findings(git_repo):
    text = _sub("## Abstract\n\nOffload activations to host memory.\n\n", "")
    text = _sub("## Alternatives Considered\n\nRecomputation.\n", "", text)
    found = _lint(git_repo, {**base_files(), DOC_PATH: text})
    assert found == [(DOC_PATH, 12, "D204"), (DOC_PATH, 29, "D204")]


def test_many_missing_sections_are_counted(git_repo):
    # A template with hundreds of sections (a fork controls it): one finding with a bounded message.
    template = base_files()["deps/TEMPLATE.md"] + "".join(f"\n## Extra {n}\n" for n in range(500))
    result = _lint_result(git_repo, {**base_files(), "deps/TEMPLATE.md": template})
    (diag,) = [d for d in result.diagnostics if d.location.path == DOC_PATH]
    assert diag.message == ("sections `## Extra 0`, `## Extra 1`, `## Extra 2`, `## Extra 3`, `## Extra 4`, "
                            "`## Extra 5` and 494 more required by the template for Type Feature are missing")


# -- the title heading -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("heading", "expected"), [
    ("# Model Testing Harness", []),  # d9d's template heading is `# Title`: no number needed
    ("# DEP-0004: Model Testing Harness", []),
    ("# Testing Harness", []),  # shortened: words of the title, in order
    ("# model testing harness", []),
    ("# DEP-0005: Model Testing Harness", ["D202"]),  # a stale number
    ("# Testing Harness v2", ["D202"]),  # a word the title lacks: stale
    ("# Harness Testing", ["D202"]),  # out of order
    ("# Harness", ["D202"]),  # one word of several says too little
    ("## Model Testing Harness", ["D201"]),
])
def test_title_heading_follows_the_template(git_repo, heading, expected):
    text = _sub("# Model Testing Harness\n", heading + "\n", D9D_HARNESS)
    found = _lint(git_repo, {**d9d_files(), D9D_HARNESS_PATH: text})
    assert [code for _, _, code in found if code != "D204"] == expected


def test_title_heading_needs_the_number_when_the_template_has_one(git_repo):
    # depgate's sample template starts its body with `# DEP-XXXX: <Title>`.
    text = _sub("# DEP-0008: Activation offloading", "# Activation offloading")
    result = _lint_result(git_repo, {**base_files(), DOC_PATH: text})
    assert [(d.location.line, d.code, d.message) for d in result.diagnostics] == [
        (10, "D201", "the first heading must read `# DEP-0008: Activation offloading`, not `# Activation offloading`")]


def test_shortened_title_of_d9d_process_dep_is_accepted(git_repo):
    assert "# DEP-0001: The DEP Process" in D9D_PROCESS  # shorter than the Title header
    assert _lint(git_repo, {**d9d_files(), D9D_HARNESS_PATH: None}) == []


# -- a folder shaped like d9d's ----------------------------------------------------------------------------


def test_d9d_shaped_folder_reports_only_real_problems(git_repo):
    """Before issue #9: nine findings. The Process DEP and the headings were false alarms; what stays is
    the Feature DEP that skipped three of the template's questions, as one finding."""
    result = _lint_result(git_repo, d9d_files())
    assert [(d.location.path, d.location.line, d.code, d.message) for d in result.diagnostics] == [
        (D9D_HARNESS_PATH, 22, "D204", "sections `## Design Proposal`, `## Usage` and `## Backward Compatibility` "
                                       "required by the template for Type Feature are missing"),
    ]
