"""`depgate.outcome`: what a verdict makes happen on GitHub, as a pure function of the typed report.

Reports are made by the real `verdict.decide` from facts (no git, no GitHub); each row of a table
names a case and what the outcome must be.
"""

from __future__ import annotations

import pytest

from depgate.diagnostics import Diagnostic, Location, Severity
from depgate.outcome import CommentAction, Settings, decide, label_changes, reason_level, requirement_met
from depgate.report.model import FailOn
from depgate.verdict import decide as verdict
from test_verdict import abstraction, addition, dep, facts, removed

LINT_ERROR = Diagnostic("D109", Severity.ERROR, "Status must be one of Draft, Accepted", Location("deps/0002-x.md", 5))
ALL_LABELS = Settings(label_review="dep-review")


def _report(case: str):
    cases = {
        "missing": dict(changes=[removed()]),
        "satisfied": dict(changes=[removed()], deps=[dep(2, "Accepted")], body="Implements DEP-0002."),
        "overridden": dict(changes=[removed()], body="DEP: none — agreed in the issue tracker"),
        "missing-never": dict(changes=[removed()], fail_on=FailOn.NEVER),
        "abstraction": dict(changes=[abstraction()]),
        "review": dict(changes=[addition()]),
        "clean": dict(changes=[]),
        "proposal": dict(changed=[], deps=[dep(4, "Draft")]),
        "broken-link": dict(changes=[removed()], deps=[dep(2, "Accepted")], body="Implements DEP-0002 and DEP-0099."),
    }
    kw = dict(cases[case])
    if case == "proposal":
        from depgate.git import ChangedFile

        kw["changed"] = [ChangedFile("A", "deps/0004-dep-thing.md")]
    return verdict(facts(**kw))


# -- labels and comment --------------------------------------------------------------------------------------------

OUTCOMES = {
    # case: (wanted labels, comment action)
    "missing": ({"dep-required"}, CommentAction.POST),
    "satisfied": ({"dep-satisfied"}, CommentAction.POST),
    "overridden": ({"dep-required"}, CommentAction.POST),
    "review": ({"dep-review"}, CommentAction.POST),
    "clean": (set(), CommentAction.DELETE),
    "proposal": (set(), CommentAction.POST),
}


@pytest.mark.parametrize("case", OUTCOMES, ids=OUTCOMES.keys())
def test_labels_and_comment_follow_the_verdict(case):
    labels, comment = OUTCOMES[case]
    outcome = decide(_report(case), ALL_LABELS)
    assert set(outcome.labels_wanted) == labels
    assert outcome.comment is comment
    assert outcome.labels_owned == ("dep-required", "dep-satisfied", "dep-review")


@pytest.mark.parametrize("cleanup", [CommentAction.DELETE, CommentAction.COLLAPSE, CommentAction.KEEP])
def test_a_clean_change_cleans_up_the_comment_as_configured(cleanup):
    assert decide(_report("clean"), Settings(cleanup=cleanup)).comment is cleanup
    assert decide(_report("missing"), Settings(cleanup=cleanup)).comment is CommentAction.POST


def test_switched_off_comment_and_labels_touch_nothing():
    outcome = decide(_report("missing"), Settings(comment=False, labels=False))
    assert outcome.comment is CommentAction.NONE
    assert (outcome.labels_wanted, outcome.labels_owned) == (frozenset(), ())
    assert outcome.label_changes({"dep-required", "bug"}) == ([], [])


def test_an_unused_label_name_is_never_wanted_nor_removed():
    outcome = decide(_report("review"), Settings(label_review=""))
    assert outcome.labels_wanted == frozenset()
    assert outcome.label_changes({"dep-review", "dep-required"}) == ([], ["dep-required"])


def test_label_changes_touch_only_depgates_own_labels():
    outcome = decide(_report("satisfied"), ALL_LABELS)
    assert outcome.label_changes({"dep-required", "bug", "dep-review"}) == (["dep-satisfied"],
                                                                            ["dep-required", "dep-review"])
    assert outcome.label_changes({"dep-satisfied", "bug"}) == ([], [])


@pytest.mark.parametrize(("wanted", "owned", "current", "changes"), [
    ({"a"}, {"a", "b"}, {"b", "x"}, (["a"], ["b"])),
    ({"a"}, {"a", "b"}, {"a", "x"}, ([], [])),
    ({"z"}, {"a"}, {"a"}, ([], ["a"])),  # a wanted label depgate does not own is never added
    (set(), {"a", "b"}, {"b", "a", "x"}, ([], ["a", "b"])),
    (set(), set(), {"a"}, ([], [])),
])
def test_label_changes(wanted, owned, current, changes):
    assert label_changes(wanted, owned, current) == changes


# -- annotation levels ---------------------------------------------------------------------------------------------

LEVELS = {
    # case: (failed, verdict level, {code: level} of the reasons)
    "missing": (True, Severity.ERROR, {"A101": Severity.ERROR, "V101": Severity.ERROR}),
    "satisfied": (False, Severity.INFO, {"A101": Severity.WARNING}),
    "overridden": (False, Severity.INFO, {"A101": Severity.WARNING, "V105": Severity.WARNING}),
    "missing-never": (False, Severity.INFO, {"A101": Severity.WARNING, "V101": Severity.WARNING}),
    "broken-link": (True, Severity.ERROR, {"A101": Severity.WARNING, "V102": Severity.ERROR}),
}


@pytest.mark.parametrize("case", LEVELS, ids=LEVELS.keys())
def test_an_annotation_is_an_error_only_when_it_fails_the_check(case):
    failed, verdict_level, wanted = LEVELS[case]
    report = _report(case)
    assert report.failed is failed
    outcome = decide(report)
    assert outcome.verdict_level is verdict_level
    levels = {a.diagnostic.code: a.level for a in outcome.annotations if a.diagnostic.code in wanted}
    assert levels == wanted
    # The finding itself keeps the rule's severity: the JSON report says what the rule says.
    assert all(a.diagnostic.severity is d.severity for a, d in zip(outcome.annotations, report.reasons, strict=False))


def test_a_reason_below_error_keeps_its_severity():
    report = _report("review")
    (reason,) = [d for d in report.reasons if d.code.startswith("A3")]
    assert reason_level(report, reason) is reason.severity < Severity.ERROR


def test_findings_and_problems_keep_their_severity_and_come_sorted_after_the_reasons():
    late = Diagnostic("D101", Severity.WARNING, "later", Location("deps/0009-z.md", 1))
    report = verdict(facts(changes=[removed()], deps=[dep(2, "Accepted")], body="Implements DEP-0002.",
                           findings=[late, LINT_ERROR]))
    outcome = decide(report)
    tail = outcome.annotations[len(report.reasons):]
    assert [(a.diagnostic.code, a.level) for a in tail] == [("D109", Severity.ERROR), ("D101", Severity.WARNING)]


@pytest.mark.parametrize(("case", "met"), [("missing", False), ("satisfied", True), ("overridden", True),
                                           ("clean", True), ("review", True)])
def test_requirement_met(case, met):
    assert requirement_met(_report(case)) is met
