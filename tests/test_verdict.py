"""The verdict, as pure logic: facts in, a report out (no git)."""

from __future__ import annotations

import dataclasses
import textwrap

import pytest

from depgate.api import kinds as K
from depgate.config import Config, ProposalsConfig, VerdictConfig
from depgate.diagnostics import Location, Severity
from depgate.errors import ConfigError
from depgate.git import ChangedFile
from depgate.proposals.folder import FolderDocument
from depgate.proposals.reader import read_document, to_proposal
from depgate.report.model import FailOn, Revision, Verdict
from depgate.verdict import Facts, classify, decide, find_references

BASE = Revision("main", "a" * 40)
HEAD = Revision("HEAD", "b" * 40)


def dep(number: int, status: str, title: str = "Something", body: str = "", slug: str = "thing") -> FolderDocument:
    """A DEP document at head, read by the real reader."""
    path = f"deps/{number:04d}-dep-{slug}.md"
    text = textwrap.dedent(f"""\
        ---
        DEP: {number:04d}
        Title: {title}
        Author: @someone
        Status: {status}
        Type: Feature
        Created: 2026-02-04
        ---

        # DEP-{number:04d}: {title}

        ## Abstract

        {body}
        """)
    doc = read_document(path, text.encode())
    return FolderDocument(doc, to_proposal(doc))


def removed(symbol: str = "d9d.loop.Trainer.fit_legacy", path: str = "d9d/loop/trainer.py", line: int = 40):
    return K.make_change(K.SYMBOL_REMOVED, symbol, path, line, f"public method `{symbol}` was removed")


def abstraction(symbol: str = "d9d.offload.OffloadPolicy", path: str = "d9d/offload/policy.py", line: int = 7):
    return K.make_change(K.NEW_ABSTRACTION, symbol, path, line, f"`{symbol}` is a new public ABC")


def strategy(symbol: str = "d9d.module.parallelism.RingParallel", path: str = "d9d/module/parallelism/ring.py"):
    return K.make_change(K.NEW_STRATEGY_CLASS, symbol, path, 3, f"`{symbol}` is a new distributed strategy")


def addition(symbol: str = "d9d.model.Qwen3", path: str = "d9d/model/qwen3.py", line: int = 12):
    return K.make_change(K.CLASS_ADDED, symbol, path, line, f"public class `{symbol}` was added")


def facts(**kw) -> Facts:
    base = dict(
        base=BASE, head=HEAD, changed=(ChangedFile("M", "d9d/loop/trainer.py"),), changes=(), problems=(),
        deps=(), title="feat: something", body="", messages=(), labels=(), config=Config(),
    )
    base.update(kw)
    for key in ("changed", "changes", "problems", "deps", "messages", "labels"):
        base[key] = tuple(base[key])
    return Facts(**base)


def codes(report) -> list[str]:
    return [d.code for d in report.reasons]


# -- references ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("feat: offload (DEP-0008)", [8]),          # the canonical label
    ("implements DEP 8", [8]),                   # space and short number
    ("see DEP8 and dep-0009", [8, 9]),           # no separator; lower case
    ("DEP#12", [12]),                            # issue-like
    ("DEP: 0005", [5]),                          # a trailer with a number is a reference
    ("design in deps/0008-dep-offload.md", [8]),  # a path into the DEP folder
    ("https://github.com/o/r/blob/main/deps/0010-dep-rope.md", [10]),  # inside a URL
    ("deps/0008-dep-2-things.md", [8]),          # the slug's `dep-2` is not a second reference
    ("DEP-0008, again DEP 8", [8]),              # one per number
    ("DEP: none — a revert", []),                # the override, not a reference
    ("DEPS 8, xDEP-8, DEP-0008a", []),           # near misses
    ("<!-- link a DEP, e.g. DEP-0001 -->", []),  # PR-template comments are ignored
    ("no reference here", []),
])
def test_reference_forms(text, expected):
    assert [r.number for r in find_references(text, "body", ProposalsConfig())] == expected


def test_reference_prefix_and_folder_come_from_config():
    config = ProposalsConfig(directory="peps", prefix="PEP")
    assert [r.number for r in find_references("PEP 8 and peps/0020-zen.md, not DEP-3", "t", config)] == [8, 20]


# -- classification --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "expected"), [
    ([removed()], Verdict.REQUIRED),
    ([abstraction()], Verdict.REQUIRED),
    ([strategy()], Verdict.REQUIRED),
    ([addition()], Verdict.REVIEW),
    ([addition(), removed()], Verdict.REQUIRED),
    ([], Verdict.NOT_REQUIRED),
])
def test_classify_by_category(changes, expected):
    assert classify(facts(changes=changes)) is expected


def test_additions_without_review_policy_are_not_required():
    config = Config(verdict=VerdictConfig(review_on_additions=False))
    report = decide(facts(changes=[addition()], config=config))
    assert report.verdict is Verdict.NOT_REQUIRED
    assert report.reasons == ()


def test_only_dep_files_is_a_proposal():
    changed = [ChangedFile("A", "deps/0008-dep-offload.md"), ChangedFile("M", "deps/INDEX.md")]
    report = decide(facts(changed=changed, deps=[dep(8, "Draft", slug="offload")]))
    assert report.verdict is Verdict.PROPOSAL
    assert not report.dep_required
    assert report.satisfied
    assert not report.failed


def test_a_rename_out_of_the_dep_folder_is_not_a_proposal():
    changed = [ChangedFile("R", "docs/offload.md", "deps/0008-dep-offload.md")]
    assert classify(facts(changed=changed)) is Verdict.NOT_REQUIRED


def test_no_change_at_all_is_not_required():
    assert decide(facts(changed=[])).verdict is Verdict.NOT_REQUIRED


def test_unanalysable_file_fails_closed_and_names_it():
    problem = K.UNPARSABLE.diagnostic("invalid syntax: expected ':'", Location("d9d/core/broken.py", 14))
    report = decide(facts(problems=[problem]))
    assert (report.verdict, report.dep_required, report.failed) == (Verdict.REQUIRED, True, True)
    assert [r.code for r in report.reasons] == ["V112", "V101"]
    for reason in report.reasons:
        assert reason.location == Location("d9d/core/broken.py", 14)
    assert "expected ':'" in report.reasons[0].message
    assert "cannot vouch" in report.reasons[1].message
    assert report.problems == (problem,)
    assert "fix-syntax" in report.next_steps


def test_unanalysable_file_passes_with_an_override():
    problem = K.UNPARSABLE.diagnostic("invalid syntax", Location("d9d/core/broken.py", 14))
    report = decide(facts(problems=[problem], body="DEP: none — work in progress, the syntax is fixed next"))
    assert (report.verdict, report.failed) == (Verdict.REQUIRED, False)
    assert [r.code for r in report.reasons] == ["V112", "V105"]


def test_unanalysable_file_nothing_depends_on_is_only_noted():
    problem = K.UNPARSABLE_UNUSED.diagnostic("invalid syntax", Location("d9d/tools/script.py", 1))
    report = decide(facts(problems=[problem]))
    assert (report.verdict, report.failed, report.reasons) == (Verdict.NOT_REQUIRED, False, ())


def test_unresolved_name_forces_review():
    note = K.UNRESOLVED.diagnostic("`Thing` is listed in `__all__` but not found", Location("d9d/core/__init__.py", 3))
    report = decide(facts(problems=[note]))
    assert report.verdict is Verdict.REVIEW
    assert report.problems == (note,)
    assert [r.code for r in report.reasons] == ["V107"]


def test_dynamic_all_is_reported_but_does_not_force_review():
    note = K.DYNAMIC_ALL.diagnostic("`__all__` is computed", Location("d9d/core/__init__.py", 3))
    report = decide(facts(problems=[note]))
    assert report.verdict is Verdict.NOT_REQUIRED
    assert report.problems == (note,)
    assert report.reasons == ()


def test_unparsable_file_does_not_lower_required():
    problem = K.UNPARSABLE.diagnostic("bad", Location("d9d/x.py", 1))
    assert decide(facts(changes=[removed()], problems=[problem])).verdict is Verdict.REQUIRED


# -- required and not linked -------------------------------------------------------------------------------------

def test_required_without_dep_fails_and_names_symbol_file_line():
    report = decide(facts(changes=[abstraction(), removed()], title="feat!: offload"))
    assert report.verdict is Verdict.REQUIRED
    assert report.dep_required
    assert not report.satisfied
    assert report.failed
    # API reasons first (breaking before abstractions), each with code, symbol, file and line.
    assert codes(report) == ["A101", "A201", "V101"]
    first = report.reasons[0]
    assert first.details["symbol"] == "d9d.loop.Trainer.fit_legacy"
    assert first.location == Location("d9d/loop/trainer.py", 40)
    assert first.details["rev"] == "base"  # a removal points at the base revision
    assert report.reasons[1].details["rev"] == "head"
    v101 = report.reasons[-1]
    assert v101.severity is Severity.ERROR
    assert "d9d.loop.Trainer.fit_legacy" in v101.message
    assert "d9d/loop/trainer.py:40" in v101.message
    # No accepted DEP exists to link, so only writing one (or the override) is offered.
    assert report.next_steps == ("write-dep", "override")


def test_additions_are_not_reasons_of_a_required_verdict():
    report = decide(facts(changes=[addition(), abstraction()]))
    assert codes(report) == ["A201", "V101"]
    assert len(report.changes) == 2


# -- linking and satisfaction ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("where", "value"), [
    ("title", "feat: offload (DEP-0008)"),
    ("body", "Implements DEP 8."),
    ("body", "Design: deps/0008-dep-thing.md"),
    ("messages", [("commit 1234567", "feat: part one\n\nRefs DEP8")]),
])
def test_reference_to_accepted_dep_satisfies(where, value):
    report = decide(facts(changes=[abstraction()], deps=[dep(8, "Accepted")], **{where: value}))
    assert report.satisfied
    assert not report.failed
    [info] = report.deps
    assert info.label == "DEP-0008"
    assert info.status == "Accepted"
    assert info.satisfies
    assert info.how == ["referenced"]
    assert info.links[0].source == (where if where != "messages" else "commit 1234567")
    assert "V101" not in codes(report)


def test_added_dep_satisfies_whatever_its_status():
    changed = [ChangedFile("A", "deps/0009-dep-thing.md"), ChangedFile("A", "d9d/offload/policy.py")]
    report = decide(facts(changed=changed, changes=[abstraction()], deps=[dep(9, "Draft")]))
    assert report.satisfied
    assert not report.failed
    assert report.deps[0].how == ["added"]
    assert codes(report) == ["A201"]


def test_added_dep_does_not_satisfy_when_config_says_so():
    config = Config(verdict=VerdictConfig(any_status_when_added=False))
    changed = [ChangedFile("A", "deps/0009-dep-thing.md"), ChangedFile("A", "d9d/offload/policy.py")]
    report = decide(facts(changed=changed, changes=[abstraction()], deps=[dep(9, "Draft")], config=config))
    assert not report.satisfied
    assert report.failed
    assert "V109" in codes(report)


def test_edited_accepted_dep_satisfies_but_edited_draft_does_not():
    changed = [ChangedFile("M", "deps/0008-dep-thing.md"), ChangedFile("A", "d9d/offload/policy.py")]
    ok = decide(facts(changed=changed, changes=[abstraction()], deps=[dep(8, "Implemented")]))
    assert ok.satisfied
    assert ok.deps[0].how == ["edited"]
    draft = decide(facts(changed=changed, changes=[abstraction()], deps=[dep(8, "Draft")]))
    assert not draft.satisfied
    assert draft.failed
    assert "V109" in codes(draft)
    assert "V101" in codes(draft)


def test_reference_to_missing_dep_is_an_error_even_when_not_required():
    report = decide(facts(title="fix: typo (DEP-0042)", deps=[dep(8, "Accepted")]))
    assert report.verdict is Verdict.NOT_REQUIRED
    assert codes(report) == ["V102"]
    assert report.failed
    assert report.deps[0].exists is False
    assert report.deps[0].problem == "V102"
    assert "fix-references" in report.next_steps


@pytest.mark.parametrize("status", ["Rejected", "Withdrawn", "Superseded"])
def test_reference_to_closed_dep_is_an_error(status):
    report = decide(facts(changes=[abstraction()], body="DEP-0003", deps=[dep(3, status)]))
    assert "V103" in codes(report)
    assert not report.satisfied
    assert report.failed


def test_superseded_message_names_the_successor():
    doc = dep(3, "Superseded")
    text = doc.document.text.replace("Created: 2026-02-04\n", "Created: 2026-02-04\nSuperseded-By: 0009\n")
    doc = read_document(doc.path, text.encode())
    report = decide(facts(body="DEP-0003", deps=[FolderDocument(doc, to_proposal(doc))]))
    [reason] = report.reasons
    assert reason.code == "V103"
    assert "superseded by 0009" in reason.message
    assert reason.location == Location("deps/0003-dep-thing.md", 5)  # the Status line


def test_reference_to_draft_dep_is_a_warning_and_does_not_satisfy():
    report = decide(facts(changes=[abstraction()], body="DEP-0008", deps=[dep(8, "Draft")]))
    assert "V104" in codes(report)
    v104 = next(d for d in report.reasons if d.code == "V104")
    assert v104.severity is Severity.WARNING
    assert not report.satisfied
    assert report.failed
    assert "accept-dep" in report.next_steps


def test_reference_to_draft_dep_alone_does_not_fail():
    report = decide(facts(body="DEP-0008", deps=[dep(8, "Draft")]))
    assert codes(report) == ["V104"]
    assert not report.failed


def test_ambiguous_number_is_reported():
    report = decide(facts(body="DEP-0007", deps=[dep(7, "Accepted", slug="a"), dep(7, "Accepted", slug="b")]))
    assert codes(report) == ["V111"]
    assert "deps/0007-dep-a.md" in report.reasons[0].message
    assert "deps/0007-dep-b.md" in report.reasons[0].message


def test_status_comparison_ignores_case():
    report = decide(facts(changes=[abstraction()], body="DEP-0008", deps=[dep(8, "accepted")]))
    assert report.satisfied


# -- suggestions -------------------------------------------------------------------------------------------------

def test_unlinked_change_suggests_deps_naming_its_symbols():
    docs = [
        dep(5, "Accepted", title="Offload", body="We add `OffloadPolicy`, an ABC.", slug="offload"),
        dep(6, "Accepted", title="Unrelated", body="Nothing to see.", slug="other"),
        dep(7, "Rejected", title="Old offload", body="OffloadPolicy v0", slug="old"),  # closed: never suggested
    ]
    report = decide(facts(changes=[abstraction()], deps=docs))
    [suggestion] = report.suggestions
    assert suggestion.label == "DEP-0005"
    assert suggestion.symbols == ("OffloadPolicy",)
    assert suggestion.line == 14
    v108 = next(d for d in report.reasons if d.code == "V108")
    assert v108.location == Location("deps/0005-dep-offload.md", 14)
    assert v108.severity is Severity.INFO


def test_no_suggestions_when_satisfied():
    docs = [dep(5, "Accepted", body="OffloadPolicy")]
    assert decide(facts(changes=[abstraction()], deps=docs, body="DEP-0005")).suggestions == ()


# -- override ----------------------------------------------------------------------------------------------------

def test_override_marker_records_reason_and_passes():
    report = decide(facts(changes=[removed()], title="feat!: drop", body="Cleanup.\n\nDEP: none — reverts #12\n"))
    assert report.override is not None
    assert report.override.source == "body"
    assert report.override.reason == "reverts #12"
    assert report.override.used
    assert not report.satisfied
    assert not report.failed
    assert "V105" in codes(report)
    assert "V101" not in codes(report)
    assert "reverts #12" in next(d for d in report.reasons if d.code == "V105").message


def test_override_label():
    report = decide(facts(changes=[removed()], title="feat!: drop", labels=["bug", "DEP-Not-Needed"]))
    assert report.override is not None
    assert report.override.source == "label"
    assert report.override.label == "DEP-Not-Needed"
    assert not report.failed


def test_override_without_reason_is_not_honoured():
    report = decide(facts(changes=[removed()], title="feat!: drop", body="DEP: none\n"))
    assert report.override is None
    assert report.failed
    assert {"V101", "V110"} <= set(codes(report))


def test_override_in_an_html_comment_is_ignored():
    body = "<!-- if no DEP is needed, write:\nDEP: none — reason\n-->\n"
    report = decide(facts(changes=[removed()], title="feat!: drop", body=body))
    assert report.override is None
    assert report.failed


def test_unneeded_override_is_reported_as_unused():
    report = decide(facts(changes=[addition()], body="DEP: none — tiny"))
    assert report.override is not None
    assert not report.override.used
    assert "V105" not in codes(report)


def test_invalid_override_regex_is_a_config_error():
    config = Config(verdict=VerdictConfig(override_marker="("))
    with pytest.raises(ConfigError, match="override-marker"):
        decide(facts(config=config))


# -- conventional commits ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "body", "messages", "fires"), [
    ("feat: drop fit_legacy", "", [], True),
    ("fix(loop): drop fit_legacy", "", [], True),
    ("feat!: drop fit_legacy", "", [], False),
    ("refactor(loop)!: drop fit_legacy", "", [], False),
    ("feat: drop fit_legacy", "BREAKING CHANGE: fit_legacy is gone", [], False),
    ("feat: drop fit_legacy", "", [("commit 1", "x\n\nBREAKING-CHANGE: gone")], False),
    ("feat: drop fit_legacy", "not a footer: BREAKING CHANGE: inline", [], True),
])
def test_breaking_change_needs_conventional_marker(title, body, messages, fires):
    config = Config(verdict=VerdictConfig(conventional_commits=True))
    report = decide(facts(changes=[removed()], title=title, body=body, messages=messages, config=config))
    assert ("V106" in codes(report)) is fires
    if fires:
        v106 = next(d for d in report.reasons if d.code == "V106")
        assert v106.location == Location("d9d/loop/trainer.py", 40)
        assert "mark-breaking" in report.next_steps


def test_conventional_check_can_be_disabled():
    config = Config(verdict=VerdictConfig(conventional_commits=False))
    assert "V106" not in codes(decide(facts(changes=[removed()], config=config)))


@pytest.mark.parametrize(("subjects", "fires"), [
    (None, False),                                                       # auto with no history read: off
    (("feat: a", "fix(x): b", "docs: c"), True),                         # three of three
    (("feat: a", "fix: b"), False),                                      # too few to tell
    (("feat: a", "fix: b", "chore: c", "Update x", "Fix y", "Bump z"), True),     # half
    (("feat: a", "fix: b", "chore: c", "Update x", "Fix y", "Bump z", "w"), False),  # under half
])
def test_auto_follows_the_base_branchs_recent_subjects(subjects, fires):
    report = decide(facts(changes=[removed()], recent_subjects=subjects))
    assert ("V106" in codes(report)) is fires


def test_non_breaking_change_needs_no_marker():
    assert "V106" not in codes(decide(facts(changes=[abstraction()])))


# -- failure policy ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("fail_on", "changes", "failed"), [
    (FailOn.REQUIRED, [addition()], False),
    (FailOn.REVIEW, [addition()], True),
    (FailOn.REVIEW, [], False),
    (FailOn.NEVER, [removed()], False),
    (FailOn.REQUIRED, [removed()], True),
])
def test_fail_on(fail_on, changes, failed):
    assert decide(facts(changes=changes, title="feat!: x", fail_on=fail_on)).failed is failed


def test_report_as_dict_has_the_contract_keys():
    data = decide(facts(changes=[removed()], title="feat!: x", body="DEP-0008", deps=[dep(8, "Accepted")])).as_dict()
    for key in ("schema_version", "verdict", "dep_required", "satisfied", "deps", "changes", "reasons", "findings",
                "base", "head"):
        assert key in data
    assert data["schema_version"] == 1
    assert data["verdict"] == "required"
    assert data["satisfied"] is True
    [change] = data["changes"]
    assert {k: change[k] for k in ("code", "kind", "symbol", "path", "line", "breaking")} == {
        "code": "A101", "kind": "public-symbol-removed", "symbol": "d9d.loop.Trainer.fit_legacy",
        "path": "d9d/loop/trainer.py", "line": 40, "breaking": True}
    assert data["deps"][0] == {
        "number": 8, "label": "DEP-0008", "title": "Something", "status": "Accepted",
        "path": "deps/0008-dep-thing.md", "exists": True, "how": ["referenced"],
        "links": [{"kind": "referenced", "source": "body", "text": "DEP-0008"}], "satisfies": True, "problem": None}


def test_same_facts_same_report():
    f = facts(changes=[removed(), abstraction()], body="DEP 9", deps=[dep(9, "Draft")])
    assert decide(f).as_dict() == decide(dataclasses.replace(f)).as_dict()
