"""Every DEP lint rule on a passing and a failing example, table-driven, plus the `[lint]` configuration."""

from __future__ import annotations

import dataclasses

import pytest

from dep_samples import DIR, DOC_PATH, GOOD, TODAY, base_files, findings, lint_files, make_config
from depgate.diagnostics import Severity
from depgate.errors import ConfigError
from depgate.proposals import rules as R
from depgate.proposals.reader import MAX_BYTES


def _sub(old: str, new: str) -> str:
    """GOOD with one piece replaced (the piece must be there, so a typo in a case cannot pass silently)."""
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


SUPERSEDED = _sub("Status: Draft", "Status: Superseded").replace(
    "Created: 2026-02-04\n", "Created: 2026-02-04\nSuperseded-By: 0001\n")
#: An RFC repository's folder: the number under the prefix's key, and the older `DEP` key agreeing with it.
RFC = {"proposals": {"prefix": "RFC"}}
RFC_FILES = {"deps/TEMPLATE.md": base_files()["deps/TEMPLATE.md"].replace("# DEP-XXXX", "# RFC-XXXX"),
             "deps/0001-dep-process.md": None,
             DOC_PATH: _sub("DEP: 0008", "RFC: 0008\nDEP: 0008").replace("# DEP-0008", "# RFC-0008")}
NO_USAGE = _sub("## Usage\n\n```python\nstrategy: Offload[T] = build_offload(<your config here>)\n```\n\n", "")


@dataclasses.dataclass(frozen=True)
class Case:
    """A rule with a passing folder and a failing one (both as overrides of `base_files()`)."""

    code: str
    good: dict
    bad: dict
    #: Where the failing example must be reported.
    path: str = DOC_PATH
    line: int | None = None
    #: The configuration both examples are linted with (None: the defaults).
    config: dict | None = None


CASES = [
    Case("D001", {DOC_PATH: _sub("Jane", "Jöne")}, {DOC_PATH: GOOD.encode().replace(b"Jane", b"J\xe9ne")}, line=4),
    Case("D002", {"deps/images": DIR}, {"deps/0009-draft.md": DIR}, path="deps/0009-draft.md"),
    Case("D003", {DOC_PATH: GOOD + "x" * 1000}, {"deps/0009-big.md": GOOD + "x" * MAX_BYTES},
         path="deps/0009-big.md", line=1),
    Case("D004", {}, {DOC_PATH: ""}, line=1),
    Case("D005", {}, {DOC_PATH: GOOD.split("---\n", 2)[2]}, line=1),
    Case("D006", {}, {DOC_PATH: _sub("Created: 2026-02-04\n---\n", "Created: 2026-02-04\n")}, line=1),
    Case("D007", {DOC_PATH: _sub("Title: Activation offloading", 'Title: "Activation offloading"')},
         {DOC_PATH: _sub("Status: Draft", "Status Draft")}, line=5),
    Case("D008", {}, {DOC_PATH: b"\xef\xbb\xbf" + GOOD.encode()}, line=1),
    Case("D009", {}, {DOC_PATH: GOOD.replace("\n", "\r\n")}, line=1),
    Case("D010", {DOC_PATH: _sub("Status: Draft", "Status:   Draft")},
         {DOC_PATH: _sub("Status: Draft", "Status:\tDraft")}, line=5),
    Case("D101", {}, {DOC_PATH: _sub("Created: 2026-02-04\n", "")}, line=7),
    Case("D102", {DOC_PATH: _sub("Created: 2026-02-04\n", "Created: 2026-02-04\nDiscussion: https://x.invalid/1\n")},
         {DOC_PATH: _sub("DEP: 0008\nTitle: Activation offloading", "Title: Activation offloading\nDEP: 0008")},
         line=3),
    Case("D103", {DOC_PATH: _sub("Created: 2026-02-04\n", "Created: 2026-02-04\nUpdated: 2026-02-20\n")},
         {DOC_PATH: _sub("Status: Draft", "status: Draft")}, line=5),
    Case("D104", {DOC_PATH: _sub("Jane Doe @jdoe & @mrapplexz", "@jdoe & @other")},
         {DOC_PATH: _sub("Status: Draft", "Author: @other\nStatus: Draft")}, line=5),
    Case("D105", {}, {DOC_PATH: _sub("Type: Feature", "Type:")}, line=6),
    Case("D106", {DOC_PATH: _sub("DEP: 0008", 'DEP: "0008"')}, {DOC_PATH: _sub("DEP: 0008", "DEP: eight")},
         line=2),
    Case("D107", {}, {DOC_PATH: _sub("DEP: 0008", "DEP: 0007")}, line=2),
    Case("D108", {}, {DOC_PATH: _sub("DEP: 0008", "DEP: <Leave blank for maintainers>")}, line=2),
    Case("D109", {DOC_PATH: _sub("Status: Draft", "Status: Accepted")},
         {DOC_PATH: _sub("Status: Draft", "Status: WIP")}, line=5),
    Case("D110", {DOC_PATH: _sub("Type: Feature", "Type: Informational")},
         {DOC_PATH: _sub("Type: Feature", "Type: Enhancement")}, line=6),
    Case("D111", {DOC_PATH: _sub("Created: 2026-02-04", "Created: 2024-02-29")},
         {DOC_PATH: _sub("Created: 2026-02-04", "Created: 2026-02-30")}, line=7),
    Case("D112", {DOC_PATH: _sub("Created: 2026-02-04", "Created: 2026-03-02")},
         {DOC_PATH: _sub("Created: 2026-02-04", "Created: 2026-03-03")}, line=7),
    Case("D113", {DOC_PATH: _sub("Jane Doe @jdoe & @mrapplexz", "@mrapplexz")},
         {DOC_PATH: _sub("Jane Doe @jdoe & @mrapplexz", "Jane @jdoe @jane")}, line=4),
    Case("D114", {DOC_PATH: SUPERSEDED}, {DOC_PATH: _sub("Status: Draft", "Status: Superseded")}, line=5),
    Case("D115", {DOC_PATH: SUPERSEDED}, {DOC_PATH: SUPERSEDED.replace("Status: Superseded", "Status: Accepted")},
         line=8),
    Case("D116", {}, {DOC_PATH: _sub("DEP: 0008", "DEP: 8")}, line=2),
    Case("D117", {}, {DOC_PATH: _sub("Title: Activation offloading", "Title: <Short, descriptive title>")}, line=3),
    Case("D118", {DOC_PATH: None, "deps/0008-offload-v2.md": GOOD},
         {DOC_PATH: None, "deps/0008_Offload.md": GOOD}, path="deps/0008_Offload.md"),
    Case("D119", RFC_FILES, {**RFC_FILES, DOC_PATH: RFC_FILES[DOC_PATH].replace("DEP: 0008", "DEP: 0007")},
         line=3, config=RFC),
    Case("D201", {}, {DOC_PATH: _sub("# DEP-0008: Activation offloading\n\n", "")}, line=10),
    Case("D202", {}, {DOC_PATH: _sub("# DEP-0008: Activation offloading", "# DEP-0008: Activation offload")}, line=10),
    Case("D203", {},
         {DOC_PATH: _sub("Offload activations to host memory.", "<One paragraph: what changes, for whom.>")}, line=14),
    Case("D204", {DOC_PATH: GOOD + "\n## Appendix\n\nMore.\n"}, {DOC_PATH: NO_USAGE}, line=24),
    Case("D301", {"deps/0009-other.md": GOOD.replace("0008", "0009")}, {"deps/0008-other.md": GOOD}, line=2),
    Case("D302", {DOC_PATH: SUPERSEDED}, {DOC_PATH: SUPERSEDED.replace("Superseded-By: 0001", "Superseded-By: 0042")},
         line=8),
    Case("D303", {}, {"deps/TEMPLATE.md": None}, path="deps/TEMPLATE.md"),
]


def test_every_document_rule_has_a_case():
    assert sorted(c.code for c in CASES) == sorted(r.code for r in R.RULES)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_rule_passes_good_example(tmp_path, case):
    assert findings(tmp_path, case.good, config=make_config(case.config)) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.code)
def test_rule_fires_on_bad_example(tmp_path, case):
    found = findings(tmp_path, case.bad, config=make_config(case.config))
    assert (case.path, case.code, case.line) in found, found


def test_template_is_exempt(tmp_path):
    # The template is full of placeholders and has no number, yet produces no finding.
    result = lint_files(tmp_path, base_files())
    assert [d.path for d in result.documents] == ["deps/0001-dep-process.md", DOC_PATH]
    assert result.diagnostics == ()


def test_duplicate_numbers_point_at_each_other(tmp_path):
    result = lint_files(tmp_path, {**base_files(), "deps/0008-other.md": GOOD})
    dups = [d for d in result.diagnostics if d.code == "D301"]
    assert [(d.location.path, d.message) for d in dups] == [
        (DOC_PATH, "DEP-0008 must be unique, but deps/0008-other.md uses it too"),
        ("deps/0008-other.md", f"DEP-0008 must be unique, but {DOC_PATH} uses it too"),
    ]


def test_section_list_comes_from_the_template(tmp_path):
    # A project whose template asks for a `Security` section: Feature documents without it fail, whatever
    # d9d has; the Process DEP needs only the template's Abstract and Motivation.
    template = base_files()["deps/TEMPLATE.md"] + "\n## Security\n"
    found = findings(tmp_path, {"deps/TEMPLATE.md": template})
    assert found == [(DOC_PATH, "D204", 36)]


def test_did_you_mean_for_case_mismatch(tmp_path):
    result = lint_files(tmp_path, {**base_files(), DOC_PATH: _sub("Status: Draft", "status: Draft")})
    (unknown,) = [d for d in result.diagnostics if d.code == "D103"]
    assert "did you mean `Status`?" in unknown.message


@pytest.mark.parametrize("value", ["2026-02-04", "2024-02-29", "2000-01-01", "2026-03-02"])
def test_created_valid_values(tmp_path, value):
    assert findings(tmp_path, {DOC_PATH: _sub("2026-02-04", value)}) == []


@pytest.mark.parametrize(("value", "code"), [
    ("2026-02-30", "D111"), ("2025-02-29", "D111"), ("04/02/2026", "D111"), ("2026-2-4", "D111"),
    ("2026-02-04T10:00", "D111"), ("Feb 4, 2026", "D111"), ("2026-03-03", "D112"), ("2099-01-01", "D112"),
])
def test_created_invalid_values(tmp_path, value, code):
    assert findings(tmp_path, {DOC_PATH: _sub("2026-02-04", value)}) == [(DOC_PATH, code, 7)]


@pytest.mark.parametrize("value", [
    "@mrapplexz", "Jane Doe", "Daniil Sergeev @DaniilSergeev17 & Maksim Afanasyev @mrapplexz",
    "Jane Doe <jane@example.org>", "@a, @b",
])
def test_author_valid_values(tmp_path, value):
    assert findings(tmp_path, {DOC_PATH: _sub("Jane Doe @jdoe & @mrapplexz", value)}) == []


@pytest.mark.parametrize("value", ["@a @b", "Jane & ", "& @a", "@", "Jane @a & Bob @b @c"])
def test_author_invalid_values(tmp_path, value):
    assert findings(tmp_path, {DOC_PATH: _sub("Jane Doe @jdoe & @mrapplexz", value)}) == [(DOC_PATH, "D113", 4)]


@pytest.mark.parametrize(("value", "codes"), [
    ("0008", []), ("8", ["D116"]), ("00008", ["D116"]), ("0007", ["D107", "D202"]), ("8a", ["D106"]),
    ("-8", ["D106"]), ("0x08", ["D106"]), ("<Leave blank for maintainers>", ["D108"]), ("<number>", ["D108"]),
])
def test_dep_number_values(tmp_path, value, codes):
    found = findings(tmp_path, {DOC_PATH: _sub("DEP: 0008", f"DEP: {value}")})
    assert sorted(code for _, code, _ in found) == codes


# -- the [lint] configuration ------------------------------------------------------------------------

BROKEN = {DOC_PATH: _sub("Status: Draft", "Status: WIP").replace("Type: Feature", "Type: Enhancement")}


@pytest.mark.parametrize(("selector", "left"), [
    ("D109", [(DOC_PATH, "D110", 6)]),
    ("invalid-status", [(DOC_PATH, "D110", 6)]),
    ("D10", [(DOC_PATH, "D110", 6)]),  # a prefix: D100-D109, not D110
    ("D1", []),
    ("D", []),
])
def test_ignore_selectors(tmp_path, selector, left):
    assert findings(tmp_path, BROKEN) == [(DOC_PATH, "D109", 5), (DOC_PATH, "D110", 6)]
    assert findings(tmp_path, BROKEN, config=make_config({"lint": {"ignore": [selector]}})) == left


def test_per_file_ignores_match_globs(tmp_path):
    config = make_config({"lint": {"per-file-ignores": {"deps/0008-*.md": ["invalid-type"], "other/*.md": ["D1"]}}})
    assert findings(tmp_path, BROKEN, config=config) == [(DOC_PATH, "D109", 5)]


def test_exclude_skips_documents_but_folder_rules_still_see_them(tmp_path):
    config = make_config({"lint": {"exclude": ["deps/0008-off*.md"]}})
    found = findings(tmp_path, {**BROKEN, "deps/0008-other.md": GOOD}, config=config)
    # 0008-offload.md is excluded: none of its findings; the other file still clashes with it.
    assert found == [("deps/0008-other.md", "D301", 2)]


def test_severity_override(tmp_path):
    config = make_config({"lint": {"severity": {"D109": "warning", "number-padding": "error"}}})
    result = lint_files(tmp_path, {**base_files(), **BROKEN}, config=config)
    assert {d.code: d.severity for d in result.diagnostics} == {"D109": Severity.WARNING, "D110": Severity.ERROR}


@pytest.mark.parametrize(("data", "key"), [
    ({"ignore": ["D999"]}, "lint.ignore"),
    ({"ignore": ["invalid-stauts"]}, "lint.ignore"),
    ({"ignore": [""]}, "lint.ignore"),
    ({"per-file-ignores": {"deps/*.md": ["X1"]}}, "lint.per-file-ignores.deps/*.md"),
    ({"severity": {"D999": "error"}}, "lint.severity.D999"),
    ({"severity": {"D109": "fatal"}}, "lint.severity.D109"),
])
def test_unknown_rules_in_config_are_errors(tmp_path, data, key):
    with pytest.raises(ConfigError) as info:
        findings(tmp_path, {}, config=make_config({"lint": data}))
    assert f"`{key}`" in info.value.message


def test_paths_filter_keeps_folder_rules_complete(tmp_path):
    files = {**base_files(), "deps/0008-other.md": GOOD}
    result = lint_files(tmp_path, files, paths=["./deps/0008-other.md"])
    assert [(d.location.path, d.code) for d in result.diagnostics] == [("deps/0008-other.md", "D301")]
    assert len(result.documents) == 3


def test_today_is_injected(tmp_path):
    # The same document is fine today and "in the future" if today were a year earlier.
    assert findings(tmp_path, {}, today=TODAY) == []
    earlier = TODAY.replace(year=2025)
    assert (DOC_PATH, "D112", 7) in findings(tmp_path, {}, today=earlier)


def test_lint_a_git_revision(git_repo):
    """`depgate check` lints the pull request's head commit through a `GitTree`, not the work tree."""
    from depgate.git import Git
    from depgate.proposals.lint import lint_tree
    from depgate.tree import GitTree

    head = git_repo.commit("docs", {**base_files(), DOC_PATH: BROKEN[DOC_PATH]})
    git_repo.write({DOC_PATH: GOOD})  # the work tree is fixed, the commit is not
    result = lint_tree(GitTree(Git(git_repo.path), head), make_config(), today=TODAY)
    assert [(d.location.path, d.code, d.location.line) for d in result.diagnostics] == [
        (DOC_PATH, "D109", 5), (DOC_PATH, "D110", 6)]
