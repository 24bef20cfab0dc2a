"""The renderers of `depgate status` on hand-built reports: complete outputs, hostile strings, bounds."""

from __future__ import annotations

import datetime as dt
import json
import re

import cmarkgfm
import pytest

from depgate.diagnostics import Diagnostic, Location, Severity
from depgate.proposals.evidence import Evidence, EvidenceKind, ProposalState, Repair, StatusReport, Strength
from depgate.report.status import status_json, status_markdown, status_text

ADDED = Evidence(EvidenceKind.ADDED, Strength.RECORD, "a" * 40, "2026-01-02", "docs: add scaled rope DEP (#10)", 10)
CITED = Evidence(EvidenceKind.REFERENCED, Strength.LINKED, "b" * 40, "2026-01-05",
                 "feat: add scaled rope (DEP-0003) (#12)", 12)
GUESSED = Evidence(EvidenceKind.INFERRED, Strength.INFERRED, "c" * 40, "2026-01-07", "feat: add hooks",
                   None, ("pkg.ScaledRope", "pkg.hooks.Hook"))


def _state(number: int, title: str, status: str, proposed: str | None = None, *, evidence=(), repairs=(),
           findings=()) -> ProposalState:
    path = f"deps/{number:04d}-x.md"
    diags = tuple(Diagnostic(code, Severity.WARNING, text, Location(path, 5)) for code, text in findings)
    return ProposalState(path, number, f"DEP-{number:04d}", title, status, proposed, tuple(evidence),
                         tuple(repairs), diags)


def _report(*states: ProposalState, problems=()) -> StatusReport:
    return StatusReport("main", "d" * 40, dt.date(2026, 3, 1), states, tuple(problems))


LINKED = _state(3, "Scaled RoPE", "Draft", "Implemented", evidence=(ADDED, CITED),
                repairs=(Repair("S102", "Implemented", ("#12",), Strength.LINKED, "#12 implements it"),),
                findings=[("S102", "DEP-0003 is Draft but #12 implements it")])
INFERRED = _state(4, "Event hooks", "Accepted", "Implemented", evidence=(GUESSED,),
                  repairs=(Repair("S103", "Implemented", ("cccccccccccc",), Strength.INFERRED,
                                  "cccccccccccc added names it mentions"),),
                  findings=[("S103", "DEP-0004 may be implemented by cccccccccccc")])
STALE = _state(5, "Old idea", "Draft", findings=[("S201", "no commit touched this draft for 120 days")])
EDITED = _state(2, "Edited", "Implemented", findings=[("S105", "edited after it became Implemented")])
FINE = _state(1, "The DEP process", "Active")


def test_text_shows_blocks_for_proposals_that_need_action_and_counts_the_rest():
    assert status_text(_report(FINE, LINKED, INFERRED, STALE)) == """\
Proposals on main at dddddddddddd (today 2026-03-01)

DEP-0003  Draft -> Implemented  Scaled RoPE  [deps/0003-x.md]
  S102 [warning] DEP-0003 is Draft but #12 implements it
  repair S102 (--write applies it): Status: Implemented; Implementation: #12 - #12 implements it
  evidence:
    record   #10 aaaaaaaaaaaa  2026-01-02  docs: add scaled rope DEP (#10)  (added)
    linked   #12 bbbbbbbbbbbb  2026-01-05  feat: add scaled rope (DEP-0003) (#12)  (referenced)

DEP-0004  Accepted -> Implemented  Event hooks  [deps/0004-x.md]
  S103 [warning] DEP-0004 may be implemented by cccccccccccc
  repair S103 (to confirm): Status: Implemented; Implementation: cccccccccccc - cccccccccccc added names it mentions
  evidence:
    inferred cccccccccccc  2026-01-07  feat: add hooks  (inferred)  symbols: pkg.ScaledRope, pkg.hooks.Hook

DEP-0005  Draft  Old idea  [deps/0005-x.md]
  S201 [warning] no commit touched this draft for 120 days

3 proposal(s) need attention; 1 other(s) stand as written.
"""


def test_text_when_everything_stands_and_a_problem_is_noted():
    problem = Diagnostic("S900", Severity.WARNING, "shallow clone: older evidence may be missing", Location(""))
    assert status_text(_report(FINE, problems=[problem])) == (
        "Proposals on main at dddddddddddd (today 2026-03-01)\n"
        "  note: S900 shallow clone: older evidence may be missing\n"
        "\n"
        "All 1 proposal(s) stand as written.\n"
    )


def test_text_strips_terminal_escapes_from_document_strings():
    hostile = _state(6, "Evil\x1b[2J\nFAKE LINE", "Draft\r", "Accepted",
                     repairs=(Repair("S101", "Accepted", (), Strength.RECORD, "accept\x07 it"),))
    text = status_text(_report(hostile))
    assert "\x1b" not in text
    assert "\x07" not in text
    assert "\r" not in text
    assert "FAKE LINE" in text
    assert "\nFAKE LINE" not in text


def test_text_colours_only_when_asked():
    assert "\x1b[" not in status_text(_report(LINKED))
    assert "\x1b[1;33mDEP-0003  Draft -> Implemented\x1b[0m" in status_text(_report(LINKED), color=True)


def test_json_is_the_report_details_with_stable_bytes():
    report = _report(FINE, LINKED)
    text = status_json(report)
    assert text == status_json(report)
    assert text.endswith("}\n")
    assert text.startswith('{\n  "schema_version": 1,\n  "branch": "main",\n')
    data = json.loads(text)
    assert data == json.loads(json.dumps(report.details()))
    linked = data["proposals"][1]
    assert (linked["number"], linked["status"], linked["proposed"]) == (3, "Draft", "Implemented")
    assert [(e["sha"], e["kind"], e["pull"]) for e in linked["evidence"]] == [
        ("a" * 40, "added", 10), ("b" * 40, "referenced", 12)]


def test_markdown_table_then_nudges():
    assert status_markdown(_report(FINE, LINKED, INFERRED, EDITED, STALE)) == """\
## Proposal statuses on `main` at dddddddddddd

3 of 5 proposal(s) need action.

| Proposal | Status | Why | Applied by `--write` | Evidence |
| --- | --- | --- | --- | --- |
| DEP\\-0003: Scaled RoPE | Draft → Implemented | S102: DEP\\-0003 is Draft but \\#12 implements it | yes | \
#12 (referenced) |
| DEP\\-0004: Event hooks | Accepted → Implemented | S103: DEP\\-0004 may be implemented by cccccccccccc | \
no, to confirm | cccccccccccc (inferred) |
| DEP\\-0002: Edited | Implemented | S105: edited after it became Implemented | no, to confirm |  |

### Nudges

- DEP\\-0005: S201 no commit touched this draft for 120 days
"""


def test_markdown_when_nothing_needs_action_and_heading_level():
    assert status_markdown(_report(FINE), heading_level=3) == (
        "### Proposal statuses on `main` at dddddddddddd\n\nAll 1 proposal(s) stand as written.\n")
    with pytest.raises(ValueError, match="heading_level"):
        status_markdown(_report(FINE), heading_level=7)


HOSTILE_TITLE = "x | y\n\n## Owned <img src=x onerror=alert(1)> [link](https://evil.example) @maintainers " + "z" * 500


def test_markdown_escapes_a_hostile_title_and_keeps_the_table_whole():
    hostile = _state(7, HOSTILE_TITLE, "Draft | <b>", "Implemented", evidence=(CITED,),
                     repairs=(Repair("S102", "Implemented", ("#12",), Strength.LINKED, "see `x` | @admins"),))
    text = status_markdown(_report(hostile))
    row = next(line for line in text.splitlines() if line.startswith("| DEP"))
    # One row: the newline in the title did not end it, and every pipe from the document is escaped.
    assert len(re.findall(r"(?<!\\)\|", row)) == 6
    assert "## Owned" not in text
    assert "@m" not in text.replace("@\u200bm", "")
    assert "@admins" not in text
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    assert "<img" not in html
    assert "<a href" not in html
    assert "<b>" not in html
    assert html.count("<tr>") == 2  # the header and one row
    assert "S102: see \\`x\\` \\| @\u200badmins |" in row  # a repair without a finding says why itself
    assert len(row) < 1000  # the 500-character title was cut


def test_markdown_bounds_rows_and_evidence():
    many = [_state(n, f"P{n}", "Draft", "Accepted",
                   evidence=tuple(Evidence(EvidenceKind.REFERENCED, Strength.LINKED, f"{n:040x}", "2026-01-01",
                                           "s", pull) for pull in range(8)),
                   repairs=(Repair("S101", "Accepted", (), Strength.RECORD, "accept"),)) for n in range(1, 8)]
    text = status_markdown(_report(*many), limit=3)
    assert text.count("\n| DEP") == 3
    assert "7 of 7 proposal(s) need action." in text
    assert "… and 4 more proposal(s); run `depgate status` for all of them." in text
    assert "#4 (referenced) and 3 more |" in text
