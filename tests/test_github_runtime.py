"""The Actions runtime: event payloads (GitHub's real examples), outputs, the job summary, workflow commands."""

from __future__ import annotations

import io
import re

import cmarkgfm
import pytest
from hypothesis import given
from hypothesis import strategies as st

from actionrepo import parse_outputs
from depgate.errors import UsageError
from depgate.github import runtime
from depgate.github.runtime import (
    SUMMARY_LIMIT,
    Commands,
    fit_summary,
    format_output,
    load_event,
    pull_request_from_event,
    set_outputs,
    workflow_run_from_event,
    write_summary,
)
from fakegithub import load_fixture

# -- events ----------------------------------------------------------------------------------------------------------


def test_pull_request_event_from_githubs_example():
    pr = pull_request_from_event(load_fixture("pull_request.opened.json"))
    assert pr is not None
    assert (pr.number, pr.title) == (2, "Update the README with new information.")
    assert pr.repository == "Codertocat/Hello-World"
    assert re.fullmatch(r"[0-9a-f]{40}", pr.base_sha)
    assert re.fullmatch(r"[0-9a-f]{40}", pr.head_sha)
    assert pr.base_ref == "master"
    assert pr.body == "This is a pretty simple change that we need to pull into master."
    assert not pr.from_fork


def test_synchronize_event_and_fork_detection():
    event = load_fixture("pull_request.synchronize.json")
    pr = pull_request_from_event(event)
    assert pr is not None
    assert pr.head_sha == event["pull_request"]["head"]["sha"]
    event["pull_request"]["head"]["repo"]["full_name"] = "someone/fork"
    assert pull_request_from_event(event).from_fork


def test_workflow_run_event_from_githubs_example():
    run = workflow_run_from_event(load_fixture("workflow_run.completed.json"))
    assert run is not None
    assert run.run_id == 1589141559
    assert run.head_sha == "5779607b49aab1200488439f02372c57b4f75444"
    assert run.pull_numbers == ()  # GitHub leaves it empty for runs from forks, as in this example
    assert run.repository == "octo-org/octo-repo"


def test_other_events_are_not_pull_requests():
    assert pull_request_from_event(load_fixture("push.json")) is None
    assert workflow_run_from_event(load_fixture("push.json")) is None
    assert pull_request_from_event({"pull_request": {"number": "2"}}) is None


def test_load_event(tmp_path):
    assert load_event(None) == {}
    assert load_event(tmp_path / "absent.json") == {}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(UsageError, match="not a JSON object"):
        load_event(bad)
    bad.write_text("{")
    with pytest.raises(UsageError, match="cannot read"):
        load_event(bad)


# -- outputs ---------------------------------------------------------------------------------------------------------


def test_single_line_output():
    assert format_output("verdict", "required") == "verdict=required\n"


def test_multi_line_output_uses_a_delimiter_not_in_the_value(tmp_path, monkeypatch):
    # Make the first two random delimiters collide with the value: the writer must pick a third.
    tokens = iter(["aa" * 16, "bb" * 16, "cc" * 16])
    monkeypatch.setattr(runtime.secrets, "token_hex", lambda n: next(tokens))
    value = f"line 1\ndepgate_{'aa' * 16}\nfoo=bar\ndepgate_{'bb' * 16}"
    text = format_output("report", value)
    assert text.startswith(f"report<<depgate_{'cc' * 16}\n")
    assert parse_outputs(text) == {"report": value}


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_value_round_trips(value):
    value = value.replace("\r", "")
    assert parse_outputs(format_output("x", value)) == {"x": value}


def test_bad_output_name():
    with pytest.raises(ValueError, match="bad output name"):
        format_output("a\nb", "v")


def test_set_outputs_appends(tmp_path):
    path = tmp_path / "out"
    path.write_text("earlier=1\n")
    set_outputs({"verdict": "review", "deps": "7,8"}, path)
    assert parse_outputs(path.read_text()) == {"earlier": "1", "verdict": "review", "deps": "7,8"}
    set_outputs({"x": "y"}, "")  # no file: nothing happens, nothing fails


# -- the job summary -------------------------------------------------------------------------------------------------


def test_small_summary_unchanged():
    assert fit_summary("### ok\n") == "### ok\n"


def test_big_summary_is_cut_with_a_note_under_the_limit():
    row = "| `A101` | `pkg/mod.py:12` | Public function pkg.mod.f\u00e9 was removed. |\n"
    markdown = "### depgate\n\n| Code | Where | What |\n| --- | --- | --- |\n" + row * 30000
    assert len(markdown.encode()) > SUMMARY_LIMIT
    text = fit_summary(markdown)
    assert len(text.encode("utf-8")) <= SUMMARY_LIMIT - 4096
    assert text.startswith("### depgate\n")
    assert "cut to stay under GitHub's 1 MiB limit" in text
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    assert "<table>" in html
    assert html.count("</table>") == 1


def test_cut_inside_a_code_fence_closes_it():
    markdown = "### x\n\n```text\n" + "é" * (SUMMARY_LIMIT // 2 + 10) + "\n```\n"
    text = fit_summary(markdown)
    text.encode("utf-8")  # whole characters only
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    assert "<blockquote>" in html  # the note rendered as Markdown, outside the code block


def test_write_summary_counts_what_the_step_already_wrote(tmp_path):
    path = tmp_path / "summary"
    path.write_text("x" * (SUMMARY_LIMIT - 100_000))
    write_summary("y\n" * 200_000, path)
    assert path.stat().st_size <= SUMMARY_LIMIT
    assert write_summary("z", "") == ""


# -- workflow commands -----------------------------------------------------------------------------------------------


def test_mask_every_line_of_a_secret():
    out = io.StringIO()
    Commands(out).mask("abc\ndef")
    assert out.getvalue() == "::add-mask::abc\n::add-mask::def\n"


def test_annotation_escapes_data_and_properties():
    out = io.StringIO()
    Commands(out).annotate("error", "50% done\r\n::warning::x", file="a,b:c.py", line=3, title="t:1,2")
    assert out.getvalue() == "::error file=a%2Cb%3Ac.py,line=3,title=t%3A1%2C2::50%25 done%0D%0A::warning::x\n"
    with pytest.raises(ValueError, match="annotation level"):
        Commands(out).annotate("debug", "x")


def test_untrusted_text_cannot_run_commands():
    out = io.StringIO()
    Commands(out).untrusted("::add-mask::nope\n::error::injected")
    lines = out.getvalue().splitlines()
    start = re.fullmatch(r"::stop-commands::([0-9a-f]{32})", lines[0])
    assert start is not None
    assert lines[-1] == f"::{start.group(1)}::"
    assert lines[1:-1] == ["::add-mask::nope", "::error::injected"]

