"""`depgate.report.github`: the one writer of workflow commands, its title format and its placement rule."""

from __future__ import annotations

import io

import pytest

from depgate.diagnostics import Diagnostic, Location, Severity
from depgate.github.runtime import Commands
from depgate.outcome import decide
from depgate.report import github
from depgate.verdict import decide as verdict
from test_verdict import abstraction, facts, removed


def _diag(details: dict | None = None, **loc) -> Diagnostic:
    where = {"path": "pkg/mod.py", "line": 40, **loc}
    return Diagnostic("A101", Severity.ERROR, "public function `pkg.f` was removed", Location(**where),
                      details=details or {})


PLACES = {
    # name: (diagnostic, the properties before the title)
    "head line": (_diag({"rev": "head"}), "file=pkg/mod.py,line=40"),
    "no rev: head": (_diag(), "file=pkg/mod.py,line=40"),
    "column and end": (_diag(column=5, end_line=42), "file=pkg/mod.py,line=40,col=5,endLine=42"),
    "column without a line": (_diag(line=None, column=5, end_line=7), "file=pkg/mod.py"),
    "file only": (_diag(line=None), "file=pkg/mod.py"),
    "removal with an anchor": (_diag({"rev": "base", "anchor": {"path": "pkg/__init__.py", "line": 3}}),
                               "file=pkg/__init__.py,line=3"),
    "removal anchored at a file": (_diag({"rev": "base", "anchor": {"path": "pkg/mod.py", "line": None}}),
                                   "file=pkg/mod.py"),
    "removal without an anchor": (_diag({"rev": "base"}), ""),
    "removal with a broken anchor": (_diag({"rev": "base", "anchor": {"path": 3, "line": "x"}}), ""),
    "removal with a bool line": (_diag({"rev": "base", "anchor": {"path": "a.py", "line": True}}), "file=a.py"),
    "nowhere": (_diag(path="", line=None), ""),
}


@pytest.mark.parametrize("name", PLACES, ids=PLACES.keys())
def test_placement_rule(name):
    diag, props = PLACES[name]
    head = f"::error {props + ',' if props else ''}title=depgate%3A A101::"
    assert github.diagnostic_annotation(diag) == head + "public function `pkg.f` was removed"


def test_a_removal_is_never_annotated_at_its_base_line_on_the_head_file():
    diag = _diag({"rev": "base"})
    assert "line=40" not in github.diagnostic_annotation(diag)
    assert "file=" not in github.diagnostic_annotation(diag)


def test_the_level_is_the_callers_never_capped_here():
    diag = _diag()
    assert github.diagnostic_annotation(diag).startswith("::error ")
    assert github.diagnostic_annotation(diag, Severity.WARNING).startswith("::warning ")
    assert github.diagnostic_annotation(diag, Severity.INFO).startswith("::notice ")


def test_everything_is_escaped():
    diag = Diagnostic("D1,0:1", Severity.WARNING, "50% done\r\n::error::x", Location("a,b:c.py", 2))
    assert github.diagnostic_annotation(diag) == (
        "::warning file=a%2Cb%3Ac.py,line=2,title=depgate%3A D1%2C0%3A1::50%25 done%0D%0A::error::x")
    assert github.mask("abc\n\n%def") == ["::add-mask::abc", "::add-mask::%25def"]
    assert github.command("group", "a\nb") == "::group::a%0Ab"


def test_render_diagnostics_sorts_and_keeps_severity():
    later = Diagnostic("D109", Severity.ERROR, "Status must be one of Draft", Location("deps/0008-x.md", 4, 7))
    first = Diagnostic("D303", Severity.WARNING, "template missing", Location("deps/TEMPLATE.md"))
    earlier = Diagnostic("D101", Severity.INFO, "a note", Location("deps/0008-x.md", 2))
    assert github.render_diagnostics([first, later, earlier]) == (
        "::notice file=deps/0008-x.md,line=2,title=depgate%3A D101::a note\n"
        "::error file=deps/0008-x.md,line=4,col=7,title=depgate%3A D109::Status must be one of Draft\n"
        "::warning file=deps/TEMPLATE.md,title=depgate%3A D303::template missing\n")


def test_render_a_failing_check_whole():
    report = verdict(facts(changes=[removed(), abstraction()]))
    # The removal (at base, no anchor in these facts) and V101, located at it, carry no file.
    assert github.render(report) == (
        "::error title=depgate%3A required::A DEP is required, and no DEP that satisfies it is linked.\n"
        "::error title=depgate%3A A101::public method `d9d.loop.Trainer.fit_legacy` was removed\n"
        "::warning file=d9d/offload/policy.py,line=7,title=depgate%3A A201::`d9d.offload.OffloadPolicy` is a new "
        "public ABC\n"
        "::error title=depgate%3A V101::2 change(s) require a DEP (first: A101 d9d.loop.Trainer.fit_legacy at "
        "d9d/loop/trainer.py:40); no DEP is linked\n")


def test_render_uses_the_outcomes_levels():
    report = verdict(facts(changes=[removed()], body="DEP: none — agreed"))
    outcome = decide(report)
    lines = github.render(report, outcome).splitlines()
    assert lines[0].startswith("::notice title=depgate%3A required::")
    assert [line.split(" ", 1)[0] for line in lines[1:]] == ["::" + github.LEVELS[a.level] for a in outcome.annotations]
    assert "::error" not in "\n".join(lines)


def test_runtime_commands_write_through_the_same_writer():
    out = io.StringIO()
    commands = Commands(out)
    commands.write(github.render_diagnostics([_diag({"rev": "base"})]))
    commands.annotate("warning", "x", file="a.py", line=0, title=github.title("GitHub API"))
    commands.group_start("g")
    commands.group_end()
    assert out.getvalue().splitlines() == [
        github.diagnostic_annotation(_diag({"rev": "base"})),
        "::warning file=a.py,title=depgate%3A GitHub API::x",
        "::group::g",
        "::endgroup::",
    ]


def test_one_title_format():
    assert github.title() == "depgate"
    assert github.title("A101") == "depgate: A101"
