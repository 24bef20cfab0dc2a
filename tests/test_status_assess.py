"""Where each proposal stands (DEP-0005), as pure logic: a hand-built history and real documents in, a report out.

The history objects are what `depgate.proposals.history` reads from git; here they are written by hand so each
rule can be driven to fire, and to stay quiet on the nearest harmless case.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from depgate.config import Config, StatusConfig
from depgate.diagnostics import Location, Severity
from depgate.proposals import status_rules as R
from depgate.proposals.evidence import Commit, DocVersion, Evidence, EvidenceKind, History, Strength
from depgate.proposals.folder import FolderDocument
from depgate.proposals.reader import read_document, to_proposal
from depgate.proposals.status import assess, linked_evidence, split_list
from depgate.rules import RULE_MODULES, get_rule

TODAY = dt.date(2026, 3, 1)
ROPE = "deps/0005-dep-scaled-rope.md"
_PULL = re.compile(r"\(#(\d+)\)$")


def sha(n: int) -> str:
    return f"{n:04x}" * 10


def commit(n: int, subject: str, *changed: str, date: str = "2026-01-01", body: str = "",
           parent: bool = True) -> Commit:
    """Commit number `n` of the branch; the pull request number is read from a squash subject, as git would."""
    match = _PULL.search(subject)
    message = subject + (f"\n\n{body}" if body else "")
    return Commit(sha=sha(n), parent=sha(n - 1) if parent and n > 1 else None, date=date, subject=subject,
                  messages=(message,), pull=int(match.group(1)) if match else None, changed=tuple(changed))


def version(n: int, path: str, status: str | None, change: str = "M", *, body_changed: bool = False) -> DocVersion:
    return DocVersion(sha=sha(n), path=path, change=change, status=status, body_changed=body_changed)


def history(commits, versions, **kw) -> History:
    commits = tuple(commits)
    return History(branch="main", tip=commits[-1].sha, commits=commits, versions=versions, **kw)


def dep(number: int | None, status: str, *, slug: str = "dep-scaled-rope", extra: str = "", body: str = "",
        path: str | None = None) -> FolderDocument:
    """A d9d-like document at the tip, read by the real reader (`Author: @handle` is not YAML)."""
    path = path or f"deps/{number:04d}-{slug}.md"
    number_line = f"DEP: {number:04d}\n" if number is not None else ""
    text = (f"---\n{number_line}Title: Scaled RoPE\nAuthor: @mrapplexz\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-01-01\n{extra}---\n\n# Scaled RoPE\n\n## Abstract\n\n{body}\n")
    doc = read_document(path, text.encode())
    return FolderDocument(doc, to_proposal(doc))


def inferred(n: int, pull: int | None, *symbols: str, date: str = "2026-02-01", subject: str = "") -> Evidence:
    return Evidence(EvidenceKind.INFERRED, Strength.INFERRED, sha(n), date, subject, pull, tuple(symbols))


def codes(state) -> list[str]:
    return [d.code for d in state.findings]


def only(report):
    (state,) = report.proposals
    return state


def config(**status) -> Config:
    return Config(status=StatusConfig(**status))


ADDED = commit(1, "docs: DEP-0005 scaled rope (#30)", ROPE, date="2026-01-10")
ADDED_VERSION = version(1, ROPE, "Draft", "A", body_changed=True)


def rope_history(*later: Commit, versions=(), **kw) -> History:
    """DEP-0005 added as a Draft in #30, then the given commits."""
    return history((ADDED, *later), {ROPE: (ADDED_VERSION, *versions)}, **kw)


# -- d9d's real situation ------------------------------------------------------------------------------------------

def test_draft_implemented_later_without_citing_it_is_only_inferred():
    impl = commit(2, "feat: add scaled rope (#35)", "d9d/model/rope.py", "d9d/model/__init__.py", date="2026-02-01")
    hist = rope_history(impl)
    found = {ROPE: [inferred(2, 35, "d9d.model.ScaledRope", subject=impl.subject)]}
    state = only(assess([dep(5, "Draft")], hist, config(), today=TODAY, inferred=found))
    assert codes(state) == ["S103"]  # never S102: nobody linked the change, and never S101: there is code
    assert state.proposed == "Implemented"
    (repair,) = state.repairs
    assert (repair.code, repair.status, repair.implementation, repair.strength) == (
        "S103", "Implemented", ("#35",), Strength.INFERRED)
    assert not repair.automatic
    assert "`d9d.model.ScaledRope`" in state.findings[0].message
    assert "#35" in state.findings[0].message
    assert [e.kind for e in state.evidence] == [EvidenceKind.ADDED, EvidenceKind.STATUS, EvidenceKind.INFERRED]


def test_draft_implemented_later_citing_it_is_linked():
    impl = commit(2, "feat: add scaled rope (#35)", "d9d/model/rope.py", body="Implements DEP-0005.")
    found = {ROPE: [inferred(2, 35, "d9d.model.ScaledRope")]}
    state = only(assess([dep(5, "Draft")], rope_history(impl), config(), today=TODAY, inferred=found))
    assert codes(state) == ["S102"]
    (repair,) = state.repairs
    assert (repair.status, repair.implementation, repair.strength, repair.automatic) == (
        "Implemented", ("#35",), Strength.LINKED, True)
    assert "acceptance step was skipped" in state.findings[0].message
    # The linked commit is listed once, as linked, and keeps the symbols the inference found.
    (referenced,) = [e for e in state.evidence if e.sha == sha(2)]
    assert (referenced.kind, referenced.symbols) == (EvidenceKind.REFERENCED, ("d9d.model.ScaledRope",))


# -- linked evidence -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cite", [
    "DEP-0005", "DEP 5", "dep-5", "DEP5", "(DEP#0005)", ROPE, f"https://github.com/d9d/d9d/blob/main/{ROPE}",
])
def test_every_form_of_citation_links_the_change(cite):
    impl = commit(2, f"feat: add scaled rope {cite} (#35)", "d9d/model/rope.py")
    kinds = [e.kind for e in linked_evidence(rope_history(impl), ROPE, 5, config())]
    assert EvidenceKind.REFERENCED in kinds


@pytest.mark.parametrize(("subject", "changed"), [
    ("feat: add scaled rope (DEP-0050) (#35)", "d9d/model/rope.py"),  # another number
    ("feat: add scaled rope (DEP-00055) (#35)", "d9d/model/rope.py"),  # another number, more digits
    ("feat: add scaled rope (#35)", "d9d/model/rope.py"),  # no citation at all
    ("docs: explain DEP-0005 (#35)", "docs/rope.md"),  # cites it, but changes no code
    ("docs: typo in DEP-0005 (#35)", "deps/0005-dep-scaled-rope.md"),  # the proposal itself is not code
    ("docs: example for DEP-0005 (#35)", "deps/examples/rope.py"),  # Python inside the proposals folder
])
def test_near_misses_do_not_link(subject, changed):
    impl = commit(2, subject, changed)
    kinds = [e.kind for e in linked_evidence(rope_history(impl), ROPE, 5, config())]
    assert kinds == [EvidenceKind.ADDED, EvidenceKind.STATUS]


def test_a_citation_before_the_proposal_was_added_does_not_link():
    early = commit(1, "feat: groundwork for DEP-0005 (#20)", "d9d/model/rope.py")
    added = commit(2, "docs: DEP-0005 scaled rope (#30)", ROPE)
    hist = history((early, added), {ROPE: (version(2, ROPE, "Draft", "A", body_changed=True),)})
    assert [e.kind for e in linked_evidence(hist, ROPE, 5, config())] == [EvidenceKind.ADDED, EvidenceKind.STATUS]


def test_a_citation_in_a_merged_commit_message_links_the_merge():
    merge = Commit(sha(2), sha(1), "2026-02-01", "Merge pull request #35 from someone/rope",
                   ("Merge pull request #35 from someone/rope", "add ScaledRope\n\nPart of DEP-0005"), 35,
                   ("d9d/model/rope.py",))
    (ref,) = [e for e in linked_evidence(rope_history(merge), ROPE, 5, config()) if e.strength is Strength.LINKED]
    assert (ref.kind, ref.pull, ref.ref) == (EvidenceKind.REFERENCED, 35, "#35")


def test_a_change_without_a_pull_request_is_named_by_its_short_commit_id():
    impl = commit(2, "feat: add scaled rope, DEP-0005", "d9d/model/rope.pyi")
    state = only(assess([dep(5, "Accepted")], rope_history(impl, versions=[version(2, ROPE, "Accepted")]),
                        config(), today=TODAY))
    assert state.repairs[0].implementation == (sha(2)[:12],)


def test_added_with_its_code_and_citing_itself_counts_once():
    added = commit(1, "feat: scaled rope, DEP-0005 (#35)", ROPE, "d9d/model/rope.py", date="2026-01-10")
    hist = history((added,), {ROPE: (ADDED_VERSION,)})
    evidence = linked_evidence(hist, ROPE, 5, config())
    assert [e.kind for e in evidence] == [EvidenceKind.ADDED, EvidenceKind.STATUS,
                                          EvidenceKind.ADDED_WITH_IMPLEMENTATION]
    state = only(assess([dep(5, "Draft")], hist, config(), today=TODAY))
    assert codes(state) == ["S102"]
    assert state.repairs[0].implementation == ("#35",)


def test_evidence_is_in_commit_order_with_the_status_commit_and_the_edits():
    accepted = commit(2, "docs: accept DEP-0005 (#31)", ROPE, date="2026-01-20")
    impl = commit(3, "feat: add scaled rope (DEP-0005) (#35)", "d9d/model/rope.py", date="2026-02-01")
    done = commit(4, "docs: DEP-0005 is implemented (#36)", ROPE, date="2026-02-02")
    edit = commit(5, "docs: rework DEP-0005 design (#52)", ROPE, date="2026-03-01")
    hist = rope_history(accepted, impl, done, edit, versions=[
        version(2, ROPE, "Accepted"), version(4, ROPE, "Implemented"),
        version(5, ROPE, "Implemented", body_changed=True)])
    evidence = linked_evidence(hist, ROPE, 5, config())
    assert [(e.kind, e.pull) for e in evidence] == [
        (EvidenceKind.ADDED, 30), (EvidenceKind.REFERENCED, 35), (EvidenceKind.STATUS, 36),
        (EvidenceKind.EDITED, 52)]
    assert (evidence[0].date, evidence[0].subject) == ("2026-01-10", ADDED.subject)
    state = only(assess([dep(5, "Implemented", extra="Implementation: #35\n")], hist, config(), today=TODAY))
    assert state.status_since == "2026-02-02"


def test_status_since_is_the_first_commit_of_the_final_run_of_the_status():
    accepted = commit(2, "docs: accept DEP-0005 (#31)", ROPE, date="2026-01-20")
    typo = commit(3, "docs: typo in DEP-0005 (#32)", ROPE, date="2026-01-25")
    hist = rope_history(accepted, typo, versions=[version(2, ROPE, "Accepted"),
                                                   version(3, ROPE, "Accepted", body_changed=True)])
    state = only(assess([dep(5, "Accepted")], hist, config(), today=TODAY))
    assert state.status_since == "2026-01-20"
    assert [e.sha for e in state.evidence if e.kind is EvidenceKind.STATUS] == [sha(2)]


def test_a_document_without_history_has_no_evidence():
    state = only(assess([dep(5, "Draft")], history([commit(1, "chore: init")], {}), config(), today=TODAY))
    assert (state.evidence, state.status_since) == ((), None)


# -- S101 / S202: nothing implements it ----------------------------------------------------------------------------

def test_s101_draft_on_the_default_branch_without_implementation():
    state = only(assess([dep(5, "Draft")], rope_history(), config(), today=TODAY))
    assert codes(state) == ["S101"]
    assert state.proposed == "Accepted"
    (repair,) = state.repairs
    assert (repair.status, repair.implementation, repair.strength, repair.automatic) == (
        "Accepted", (), Strength.RECORD, False)
    assert state.findings[0].location.path == ROPE
    assert state.findings[0].location.line == 5  # the Status line


def test_s101_status_words_match_whatever_their_case():
    state = only(assess([dep(5, " draft")], rope_history(), config(), today=TODAY))
    assert codes(state) == ["S101"]


def test_s101_uses_the_configured_words():
    cfg = config(draft="Proposed", accepted="Approved")
    hist = history([ADDED], {ROPE: (version(1, ROPE, "Proposed", "A"),)})
    state = only(assess([dep(5, "Proposed")], hist, cfg, today=TODAY))
    assert (codes(state), state.proposed) == (["S101"], "Approved")


def test_s202_accepted_without_implementation_is_a_nudge_without_repair():
    hist = rope_history(commit(2, "docs: accept DEP-0005 (#31)", ROPE), versions=[version(2, ROPE, "Accepted")])
    state = only(assess([dep(5, "Accepted")], hist, config(), today=TODAY))
    assert codes(state) == ["S202"]
    assert (state.proposed, state.repairs) == (None, ())
    assert state.findings[0].severity is Severity.INFO


def test_s202_does_not_fire_once_something_implements_it():
    impl = commit(3, "feat: rope (#35)", "d9d/rope.py")
    hist = rope_history(commit(2, "docs: accept (#31)", ROPE), impl, versions=[version(2, ROPE, "Accepted")])
    found = {ROPE: [inferred(3, 35, "d9d.ScaledRope")]}
    state = only(assess([dep(5, "Accepted")], hist, config(), today=TODAY, inferred=found))
    assert codes(state) == ["S103"]  # the uncited implementation; no S202
    assert "acceptance" not in state.findings[0].message


# -- S102 ----------------------------------------------------------------------------------------------------------

def test_s102_accepted_with_a_citing_implementation():
    impl = commit(3, "feat: add scaled rope (#35)", "d9d/model/rope.py", body="Closes #12, implements DEP-0005")
    hist = rope_history(commit(2, "docs: accept (#31)", ROPE), impl, versions=[version(2, ROPE, "Accepted")])
    state = only(assess([dep(5, "Accepted")], hist, config(), today=TODAY))
    assert codes(state) == ["S102"]
    assert "acceptance" not in state.findings[0].message  # accepted properly
    assert state.repairs[0].implementation == ("#35",)
    assert state.repairs[0].message == "set Status to Implemented and record #35"


def test_s102_when_the_header_already_names_the_change_only_the_status_moves():
    impl = commit(2, "feat: add scaled rope (DEP-0005) (#35)", "d9d/model/rope.py")
    state = only(assess([dep(5, "Accepted", extra="Implementation: #35\n")], rope_history(impl), config(),
                        today=TODAY))
    (repair,) = state.repairs
    assert (repair.status, repair.implementation, repair.message) == ("Implemented", (), "set Status to Implemented")


def test_s102_adds_only_the_references_the_header_lacks():
    first = commit(2, "feat: rope part 1, DEP-0005 (#35)", "d9d/model/rope.py")
    second = commit(3, "feat: rope part 2, DEP-0005 (#40)", "d9d/model/rope.py")
    hist = rope_history(first, second)
    state = only(assess([dep(5, "Draft", extra="Implementation: #35\n")], hist, config(), today=TODAY))
    assert state.implementation == ("#35",)
    assert state.repairs[0].implementation == ("#40",)


def test_s102_is_not_for_a_proposal_of_another_number():
    impl = commit(2, "feat: add offload (DEP-0006) (#35)", "d9d/offload.py")
    state = only(assess([dep(5, "Draft")], rope_history(impl), config(), today=TODAY))
    assert codes(state) == ["S101"]


# -- S103 ----------------------------------------------------------------------------------------------------------

def test_s103_is_only_for_open_proposals():
    impl = commit(2, "feat: rope (#35)", "d9d/rope.py")
    found = {ROPE: [inferred(2, 35, "d9d.ScaledRope")]}
    hist = rope_history(impl, versions=[version(2, ROPE, "Implemented")])
    state = only(assess([dep(5, "Implemented")], hist, config(), today=TODAY, inferred=found))
    assert codes(state) == []  # inferred links are never demanded of the header (S106 is linked only)
    assert [e.kind for e in state.evidence][-1] is EvidenceKind.INFERRED


# -- S104 ----------------------------------------------------------------------------------------------------------

def _superseded(value: str | None) -> FolderDocument:
    extra = f"Superseded-By: {value}\n" if value is not None else ""
    return dep(3, "Superseded", slug="old-rope", extra=extra)


@pytest.mark.parametrize("value", ["0007", "7", "DEP-0007", "dep-7", "DEP 0007", "deps/0007-new-rope.md",
                                   "./deps/0007-new-rope.md"])
def test_s104_quiet_when_the_successor_exists(value):
    documents = [_superseded(value), dep(7, "Accepted", slug="new-rope")]
    report = assess(documents, history([commit(1, "chore: init")], {}), config(), today=TODAY)
    assert codes(report.proposals[0]) == []


@pytest.mark.parametrize("value", [None, "0099", "0003", "DEP-0099", "deps/0099-none.md", "soon"])
def test_s104_fires_without_an_existing_successor(value):
    documents = [_superseded(value), dep(7, "Accepted", slug="new-rope")]
    state = assess(documents, history([commit(1, "chore: init")], {}), config(), today=TODAY).proposals[0]
    assert codes(state) == ["S104"]
    assert state.repairs == ()  # nothing says which proposal replaced it


@pytest.mark.parametrize("replaces", ["0003", "DEP-0003", "deps/0003-old-rope.md", "0002, 3"])
def test_s104_names_the_proposal_that_replaces_it(replaces):
    documents = [_superseded(None), dep(7, "Accepted", slug="new-rope", extra=f"Replaces: {replaces}\n")]
    state = assess(documents, history([commit(1, "chore: init")], {}), config(), today=TODAY).proposals[0]
    assert codes(state) == ["S104"]
    assert "DEP-0007" in state.findings[0].message
    (repair,) = state.repairs
    assert (repair.status, repair.strength, repair.message) == (None, Strength.RECORD, "set `Superseded-By: 0007`")


# -- S105 / S106 ---------------------------------------------------------------------------------------------------

def _implemented_history(*later: Commit, later_versions=()) -> History:
    impl = commit(2, "feat: add scaled rope (DEP-0005) (#35)", "d9d/model/rope.py", date="2026-02-01")
    done = commit(3, "docs: DEP-0005 implemented (#36)", ROPE, date="2026-02-02")
    return rope_history(impl, done, *later, versions=[version(3, ROPE, "Implemented"), *later_versions])


def test_s105_implemented_proposal_edited_afterwards_names_the_commits():
    edit = commit(4, "docs: rethink DEP-0005 (#52)", ROPE, date="2026-03-01")
    hist = _implemented_history(edit, later_versions=[version(4, ROPE, "Implemented", body_changed=True)])
    state = only(assess([dep(5, "Implemented", extra="Implementation: #35\n")], hist, config(), today=TODAY))
    assert codes(state) == ["S105"]
    assert "#52" in state.findings[0].message
    assert state.repairs == ()


def test_s105_quiet_for_bookkeeping_and_for_edits_before_it_was_implemented():
    typo = commit(4, "docs: record DEP-0005 links (#53)", ROPE)
    hist = _implemented_history(typo, later_versions=[version(4, ROPE, "Implemented", body_changed=False)])
    edited_before = version(1, ROPE, "Draft", "A", body_changed=True)
    hist = History(hist.branch, hist.tip, hist.commits, {ROPE: (edited_before, *hist.versions[ROPE][1:])})
    state = only(assess([dep(5, "Implemented", extra="Implementation: #35\n")], hist, config(), today=TODAY))
    assert codes(state) == []


def test_s106_implemented_without_its_links():
    state = only(assess([dep(5, "Implemented")], _implemented_history(), config(), today=TODAY))
    assert codes(state) == ["S106"]
    (repair,) = state.repairs
    assert (repair.status, repair.implementation, repair.automatic) == (None, ("#35",), True)
    assert state.proposed is None


@pytest.mark.parametrize("header", ["#35", "#35, #40", "#40 #35", "#35,#40"])
def test_s106_quiet_when_the_header_names_them(header):
    state = only(assess([dep(5, "Implemented", extra=f"Implementation: {header}\n")], _implemented_history(),
                        config(), today=TODAY))
    assert codes(state) == []
    assert "#35" in state.implementation


def test_s106_reads_the_header_as_write_does():
    # The change is known by commit id only (no pull request): a full id in the header names the short one, as
    # `--write` judges it, so S106 does not keep proposing what `--write` would never add; a different id still fires.
    impl = commit(2, "feat: add scaled rope (DEP-0005)", "d9d/model/rope.py", date="2026-02-01")
    hist = rope_history(impl, versions=[version(2, ROPE, "Implemented")])
    full = impl.sha
    recorded = only(assess([dep(5, "Implemented", extra=f"Implementation: {full}\n")], hist, config(), today=TODAY))
    assert codes(recorded) == []
    other = only(assess([dep(5, "Implemented", extra="Implementation: abcdef1234567\n")], hist, config(),
                        today=TODAY))
    assert codes(other) == ["S106"]
    padded = only(assess([dep(5, "Implemented", extra="Implementation: #035\n")], _implemented_history(), config(),
                         today=TODAY))
    assert codes(padded) == []  # `#035` is `#35` to `--write`, so to S106 too


def test_split_list():
    assert split_list("#35, #40  #35,abc123def456") == ("#35", "#40", "abc123def456")
    assert split_list(None) == split_list("") == ()


# -- S201 ----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("last", "days", "fires"), [
    ("2025-11-21", 100, True),  # exactly 100 days before TODAY
    ("2025-11-22", 100, False),  # 99 days
    ("2025-01-01", 0, False),  # 0 turns it off
])
def test_s201_stale_draft(last, days, fires):
    hist = history([commit(1, "docs: DEP-0005 (#30)", ROPE, date=last)], {ROPE: (ADDED_VERSION,)})
    state = only(assess([dep(5, "Draft")], hist, config(stale_draft_days=days), today=TODAY))
    assert ("S201" in codes(state)) is fires
    assert "S101" in codes(state)  # still a draft without implementation either way


def test_s201_not_for_a_draft_whose_implementation_merged():
    impl = commit(2, "feat: add scaled rope (DEP-0005) (#35)", "d9d/model/rope.py", date="2025-01-02")
    hist = history([commit(1, "docs: DEP-0005 (#30)", ROPE, date="2025-01-01"), impl], {ROPE: (ADDED_VERSION,)})
    state = only(assess([dep(5, "Draft")], hist, config(), today=TODAY))
    assert codes(state) == ["S102"]  # behind, not stale: S102 says what to do


def test_s201_only_for_drafts():
    hist = history([commit(1, "docs: DEP-0005 (#30)", ROPE, date="2020-01-01")],
                   {ROPE: (version(1, ROPE, "Accepted", "A"),)})
    state = only(assess([dep(5, "Accepted")], hist, config(), today=TODAY))
    assert codes(state) == ["S202"]


# -- S100: what the history cannot show ----------------------------------------------------------------------------

def test_s100_shallow_clone_is_reported_and_absence_is_not_concluded():
    # The clone starts after the proposal was added: its first visible version is an edit.
    hist = history([commit(7, "docs: typo (#40)", ROPE, date="2026-02-20", parent=False)],
                   {ROPE: (version(7, ROPE, "Draft", body_changed=True),)}, shallow=True)
    report = assess([dep(5, "Draft")], hist, config(), today=TODAY)
    assert [d.code for d in report.problems] == ["S100"]
    assert "shallow" in report.problems[0].message
    state = only(report)
    assert codes(state) == []  # no S101: its implementation may be among the missing commits
    assert [e.kind for e in state.evidence] == [EvidenceKind.STATUS]  # not called "added"


def test_s100_truncated_history_still_concludes_for_proposals_added_inside_it():
    hist = rope_history(truncated=True)
    report = assess([dep(5, "Draft")], hist, config(), today=TODAY)
    assert [d.code for d in report.problems] == ["S100"]
    assert "2026-01-10" in report.problems[0].message
    assert codes(only(report)) == ["S101"]


def test_s100_stale_draft_in_a_cut_history_only_when_it_covers_the_window():
    other = commit(9, "chore: bump (#90)", "pyproject.toml", date="2025-11-01", parent=False)
    hist = history([other], {}, truncated=True)
    assert "S201" in codes(only(assess([dep(5, "Draft")], hist, config(stale_draft_days=90), today=TODAY)))
    assert codes(only(assess([dep(5, "Draft")], hist, config(stale_draft_days=200), today=TODAY))) == []


def test_s100_problems_passed_in_are_kept_with_a_note():
    problem = get_rule("V112").diagnostic("d9d/x.py cannot be parsed", Location("d9d/x.py", 3))
    report = assess([dep(5, "Draft")], rope_history(), config(), today=TODAY, problems=[problem])
    assert [d.code for d in report.problems] == ["S100", "V112"]
    assert report.problems[1] is problem


def test_s100_quiet_on_a_complete_history():
    assert assess([dep(5, "Draft")], rope_history(), config(), today=TODAY).problems == ()


# -- statuses outside the four roles -------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["Active", "Rejected", "Withdrawn"])
def test_other_statuses_get_evidence_but_no_repairs(status):
    impl = commit(2, "feat: process tooling, DEP-0005 (#35)", "d9d/tools.py")
    hist = rope_history(impl, versions=[version(2, ROPE, status)])
    state = only(assess([dep(5, status)], hist, config(), today=TODAY))
    assert (codes(state), state.repairs, state.proposed) == ([], (), None)
    assert EvidenceKind.REFERENCED in [e.kind for e in state.evidence]


# -- the report ----------------------------------------------------------------------------------------------------

def _folder() -> tuple[list[FolderDocument], History]:
    documents = [
        dep(10, "Accepted", slug="ten"),
        dep(None, "Draft", path="deps/idea.md"),
        dep(2, "Draft", slug="two"),
        dep(None, "Draft", path="deps/another-idea.md"),
        dep(5, "Implemented"),
        dep(None, "Draft", path="deps/0003-no-header-number.md"),
    ]
    commits = [commit(1, "docs: all of them (#1)", *(d.path for d in documents), date="2026-02-01"),
               commit(2, "feat: rope, deps/idea.md and DEP-0005 (#2)", "d9d/rope.py", date="2026-02-02")]
    versions = {d.path: (version(1, d.path, d.proposal.status, "A", body_changed=True),) for d in documents}
    return documents, history(commits, versions)


def test_proposals_are_ordered_by_number_then_path_and_numberless_ones_are_listed():
    documents, hist = _folder()
    report = assess(documents, hist, config(), today=TODAY)
    assert [(p.number, p.path) for p in report.proposals] == [
        (2, "deps/0002-two.md"), (3, "deps/0003-no-header-number.md"), (5, ROPE), (10, "deps/0010-ten.md"),
        (None, "deps/another-idea.md"), (None, "deps/idea.md")]
    assert [p.label for p in report.proposals] == ["DEP-0002", "DEP-0003", "DEP-0005", "DEP-0010", None, None]
    by_path = {p.path: p for p in report.proposals}
    assert codes(by_path["deps/idea.md"]) == ["S102"]  # cited by its path
    assert codes(by_path["deps/another-idea.md"]) == ["S101"]
    assert (report.branch, report.tip, report.today) == ("main", sha(2), TODAY)


def test_the_report_is_deterministic_whatever_the_order_of_the_documents():
    documents, hist = _folder()
    expected = assess(documents, hist, config(), today=TODAY).details()
    for seed in range(5):
        shuffled = list(documents)
        random.Random(seed).shuffle(shuffled)  # noqa: S311 - a reproducible order, not a secret
        assert assess(shuffled, hist, config(), today=TODAY).details() == expected


# -- the rules -----------------------------------------------------------------------------------------------------

def test_status_rules_are_registered_and_documented():
    assert "depgate.proposals.status_rules" in RULE_MODULES
    assert [r.code for r in R.RULES] == ["S100", "S101", "S102", "S103", "S104", "S105", "S106",
                                         "S201", "S202", "S203"]
    for rule in R.RULES:
        assert get_rule(rule.code) is rule
        assert get_rule(rule.name) is rule
        assert rule.category == "status"
        assert rule.example_bad, rule.code
        assert rule.example_good, rule.code
    assert get_rule("number-claimed-by-several-pulls").code == "S203"
