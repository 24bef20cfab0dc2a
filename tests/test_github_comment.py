"""The sticky comment and the labels, from a (possibly forged) saved report."""

from __future__ import annotations

import json

import cmarkgfm
import pytest

from depgate.errors import UsageError
from depgate.github.comment import (
    MAX_ROWS,
    Labels,
    load_report,
    marker,
    render_comment,
    render_resolved,
    sanitize_report,
)

BASE, HEAD = "b" * 40, "a" * 40


def report(**kw):
    data = {"schema_version": 1, "verdict": "required", "dep_required": True, "satisfied": False, "failed": True,
            "headline": "A DEP is required.", "base": {"rev": "main", "sha": BASE}, "head": {"rev": "x", "sha": HEAD},
            "deps": [], "reasons": [], "findings": [], "next_steps": ["write-dep"], "override": None}
    data.update(kw)
    return data


def test_labels_follow_the_verdict_and_only_depgate_owns_them():
    labels = Labels(review="dep-review")
    assert labels.own == ("dep-required", "dep-satisfied", "dep-review")
    assert labels.wanted("required", False) == {"dep-required"}
    assert labels.wanted("required", True) == {"dep-satisfied"}
    assert labels.wanted("review", True) == {"dep-review"}
    assert labels.wanted("not-required", True) == set()
    assert Labels().wanted("review", True) == set()  # no review label unless configured
    assert Labels(required="", satisfied="ok").own == ("ok",)


def test_marker_key_is_sanitised():
    assert marker("depgate") == "<!-- depgate:sticky-comment:depgate -->"
    assert marker("a --> <b>") == "<!-- depgate:sticky-comment:a------b- -->"


@pytest.mark.parametrize("bad", [[], {"schema_version": 2, "verdict": "required"},
                                 {"schema_version": 1, "verdict": "ok"}])
def test_sanitize_rejects_what_is_not_a_report(bad):
    with pytest.raises(UsageError):
        sanitize_report(bad)


def test_sanitize_keeps_only_typed_fields():
    clean = sanitize_report(report(
        satisfied="yes", pull_request={"number": True}, head={"sha": "not a sha"},
        deps=[{"label": "DEP-0002", "title": 3, "status": "Draft", "satisfies": True, "number": 2, "evil": "x"}, "x"],
        reasons=[{"code": "A101", "message": "m", "path": "p.py", "line": "5", "details": {"rev": "base"}}],
        next_steps=["write-dep", 7]))
    assert clean["satisfied"] is False  # the verdict's default, not the forged string
    assert clean["pull_request"] is None
    assert clean["head_sha"] is None
    assert clean["deps"] == [{"label": "DEP-0002", "title": None, "status": "Draft", "satisfies": True, "number": 2}]
    assert clean["reasons"] == [{"code": "A101", "message": "m", "path": "p.py", "line": None, "rev": "base"}]
    assert clean["next_steps"] == ["write-dep"]


def test_load_report_errors(tmp_path):
    with pytest.raises(UsageError, match="does not exist"):
        load_report(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(UsageError, match="cannot read"):
        load_report(bad)


def test_comment_links_removals_to_the_base_and_additions_to_the_head():
    clean = sanitize_report(report(reasons=[
        {"code": "A101", "message": "removed", "path": "pkg/a.py", "line": 5, "details": {"rev": "base"}},
        {"code": "A202", "message": "added", "path": "pkg/b.py", "line": 9},
    ]))
    text = render_comment(clean, link_base="https://github.com/o/r", run_url="https://github.com/o/r/actions/runs/1")
    assert text.startswith(marker() + "\n### ❌ depgate: DEP required — no DEP linked\n")
    assert f"(https://github.com/o/r/blob/{BASE}/pkg/a.py#L5)" in text
    assert f"(https://github.com/o/r/blob/{HEAD}/pkg/b.py#L9)" in text
    assert "[Full report in the job summary](https://github.com/o/r/actions/runs/1)" in text
    html = cmarkgfm.github_flavored_markdown_to_html(text, options=cmarkgfm.Options.CMARK_OPT_UNSAFE)
    assert html.count("<tr>") == 3


def test_comment_is_short_for_big_reports():
    reasons = [{"code": "A101", "message": f"removed {i}", "path": "a.py", "line": i} for i in range(1, 200)]
    text = render_comment(sanitize_report(report(reasons=reasons)))
    assert text.count("| `A101` |") == MAX_ROWS
    assert f"… and {199 - MAX_ROWS} more" in text


def test_satisfied_and_override_comments():
    text = render_comment(sanitize_report(report(satisfied=True, deps=[
        {"label": "DEP-0002", "title": "Offload", "status": "Accepted", "satisfies": True, "number": 2}])))
    assert "DEP required — satisfied" in text
    assert "| DEP\\-0002 | Offload | Accepted | yes |" in text
    text = render_comment(sanitize_report(report(override={"source": "body", "reason": "agreed @team"})))
    assert "Override from the body: agreed @\u200bteam" in text or "Override from the body: agreed \\@team" in text


def test_resolved_note_keeps_the_marker():
    note = render_resolved("k")
    assert note.startswith(marker("k"))
    assert "<details>" in note


def test_report_file_round_trip(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(report(pull_request={"number": 12, "repository": "o/r", "head_sha": HEAD})))
    assert load_report(path)["pull_request"] == 12
