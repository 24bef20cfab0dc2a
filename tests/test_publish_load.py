"""Reading a saved report as untrusted input (`depgate.report.load`), and a comment that always fits GitHub's limit.

The report `publish` reads comes from a pull request's own run; every test here is something a fork can upload.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import jsonschema
import pytest

from actionrepo import build_repo
from depgate.commands.check import build_report, load_check_config, open_repository, resolve_range
from depgate.github.comment import MAX_COMMENT_CHARS, MAX_ROWS, location_md, render_comment
from depgate.report import json as json_report
from depgate.report.load import MAX_DEPTH, MAX_REPORT_BYTES, ReportError, is_repo_path, load_report, parse_report
from depgate.report.model import FailOn

DOCS = Path(__file__).resolve().parents[1] / "docs" / "report.md"


def _schema() -> dict:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## JSON Schema"):]
    return json.loads(re.search(r"```json\n(.*?)```", section, re.DOTALL).group(1))


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> dict:
    """The JSON report of a real check: a pull request that removes a public method and links no DEP."""
    repo, base_sha, head_sha = build_repo(tmp_path_factory.mktemp("load") / "repo", "missing")
    git = open_repository(str(repo.path))
    base, head = resolve_range(git, base_sha, head_sha)
    report = build_report(git, base, head, config=load_check_config(git, base_sha, None), fail_on=FailOn.REQUIRED)
    return json.loads(json_report.render(report))


def _bytes(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass")


def test_a_real_report_reads_back_to_the_same_report(real):
    jsonschema.validate(real, _schema())
    loaded = parse_report(_bytes(real))
    assert json.loads(json_report.render(loaded.report)) == real
    assert loaded.pull_request is None


def test_the_pull_request_claim_is_read_and_typed(real):
    loaded = parse_report(_bytes({**real, "pull_request": {"number": 11, "repository": "o/r", "head_sha": "a" * 40}}))
    assert (loaded.pull_request.number, loaded.pull_request.head_sha) == (11, "a" * 40)
    with pytest.raises(ReportError, match=r"pull_request.number must be an integer of at least 1"):
        parse_report(_bytes({**real, "pull_request": {"number": True}}))


def _set(data: dict, dotted: str, value: object) -> dict:
    out = copy.deepcopy(data)
    *parents, last = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    target = out
    for key in parents:
        target = target[key]
    target[last] = value
    return out


# Each forgery breaks schema version 1: the schema in docs/report.md rejects it, and the loader names the field.
FORGERIES = [
    ("verdict", "fine", r"verdict must be one of"),
    ("satisfied", "yes", r"satisfied must be true or false, not 'yes'"),
    ("schema_version", 2, r"not a depgate report of schema version 1 \(its schema_version is 2\)"),
    ("head.sha", "HEAD", r"head.sha must be a full commit id"),
    ("deps", {"0": 1}, r"deps must be an array, not an object"),
    ("reasons.0.line", "5", r"reasons\[0\].line must be an integer"),
    ("reasons.0.code", "X1", r"reasons\[0\].code must be a rule code"),
    ("reasons.0.severity", "fatal", r"reasons\[0\].severity must be one of error, info, warning"),
    ("files.0.status", "Z", r"files\[0\].status must be one of"),
    ("next_steps", ["rm -rf"], r"next_steps\[0\] must be one of"),
    ("override", {"source": "body"}, r"override lacks the required field\(s\) reason, label, used"),
    ("fail_on", "sometimes", r"fail_on must be one of never, required, review"),
]


@pytest.mark.parametrize(("field", "value", "message"), FORGERIES, ids=[f[0] for f in FORGERIES])
def test_a_forged_field_is_refused_by_the_schema_and_the_loader(real, field, value, message):
    forged = _set(real, field, value)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(forged, _schema())
    with pytest.raises(ReportError, match=message) as info:
        parse_report(_bytes(forged), "report.json")
    assert info.value.path == "report.json"


# Stricter than the schema, which says only "string": a path must stay inside the repository (it becomes a link).
ESCAPES = [
    ("reasons.0.path", "../../../etc/passwd", r"reasons\[0\].path must be a path inside the repository"),
    ("files.0.path", "/abs/path.py", r"files\[0\].path must be a path inside the repository"),
    ("changes.0.path", "mini/../../x.py", r"changes\[0\].path must be a path inside the repository"),
]


@pytest.mark.parametrize(("field", "value", "message"), ESCAPES, ids=[f[0] for f in ESCAPES])
def test_a_path_that_leaves_the_repository_is_refused(real, field, value, message):
    with pytest.raises(ReportError, match=message):
        parse_report(_bytes(_set(real, field, value)))


def test_a_deeply_nested_report_is_an_error_not_a_traceback(real):
    deep = b'{"x": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    with pytest.raises(ReportError, match=f"deeper than {MAX_DEPTH} levels"):
        parse_report(deep)
    # Brackets inside strings are text, not nesting.
    loaded = parse_report(_bytes({**real, "title": "[" * 1000 + "{" * 1000}))
    assert loaded.report.title.startswith("[[[")


def test_a_lone_surrogate_in_a_path_is_an_error_not_a_traceback(real):
    forged = _bytes(real).replace(b'"path": "mini/trainer.py"', b'"path": "mini/\\ud800.py"', 1)
    assert b"\\ud800" in forged
    with pytest.raises(ReportError, match="lone surrogate") as info:
        parse_report(forged)
    info.value.describe().encode("utf-8")  # the message itself can be printed


def test_a_huge_bad_value_is_quoted_by_a_short_prefix(real):
    forged = _bytes({**real, "verdict": "x" * 3_000_000})
    with pytest.raises(ReportError) as info:
        parse_report(forged)
    assert len(info.value.describe()) < 400
    assert "'" + "x" * 40 + "'…" in info.value.describe()


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"schema_version": 1, "schema_version": 1}', "appears twice"),
    (b'{"schema_version": NaN}', "NaN is not a JSON number"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"schema_version": 1,', "not JSON"),
    (b"[]", "top level must be an object"),
])
def test_what_is_not_a_plain_json_report_is_refused(raw, message):
    with pytest.raises(ReportError, match=message):
        parse_report(raw)


def test_the_size_is_bounded_before_parsing(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * MAX_REPORT_BYTES + b"{")  # one byte over; JSON-wise it would also be invalid
    with pytest.raises(ReportError, match=f"larger than {MAX_REPORT_BYTES} bytes"):
        load_report(path)
    with pytest.raises(ReportError, match="does not exist"):
        load_report(tmp_path / "missing.json")


@pytest.mark.parametrize(("path", "ok"), [
    ("mini/trainer.py", True), ("deps/0002-x.md", True), ("a..b/c", True),
    ("../x", False), ("a/../../x", False), ("/etc/passwd", False), ("a//b", False), ("./a", False),
    ("a\\..\\b", False), ("", False), ("a\nb", False),
])
def test_repository_relative_paths(path, ok):
    assert is_repo_path(path) is ok


def test_a_path_that_leaves_the_repository_is_shown_but_never_linked():
    base = "https://github.com/o/r"
    assert location_md("a/b.py", 3, link_base=base, sha="a" * 40) == f"[`a/b.py:3`]({base}/blob/{'a' * 40}/a/b.py#L3)"
    shown = location_md("../../other/repo", 3, link_base=base, sha="a" * 40)
    assert "](" not in shown
    assert "other/repo" in shown


# -- the comment's size ---------------------------------------------------------------------------------------------


def _dep(i: int, title: str = "t" * 200) -> dict:
    return {"number": i, "label": f"DEP-{i:04d}", "title": f"Proposal number {i} " + title, "status": "Draft",
            "path": f"deps/{i:04d}-x.md", "exists": True, "how": ["referenced"], "links": [], "satisfies": False,
            "problem": None}


def test_the_dep_table_is_capped_and_says_what_was_cut(real):
    report = parse_report(_bytes({**real, "deps": [_dep(i) for i in range(1, 301)]})).report
    body = render_comment(report, run_url="https://github.com/o/r/actions/runs/7")
    assert len(re.findall(r"^\| DEP\\?-0", body, re.MULTILINE)) == MAX_ROWS
    assert f"… and {300 - MAX_ROWS} more ([all in the job summary](https://github.com/o/r/actions/runs/7))" in body


def test_a_comment_never_exceeds_githubs_limit(real):
    """Rows of the longest cells the comment allows, in every table: the body still fits, and says so."""
    long = "w" * 5000
    reasons = [{"code": "A101", "severity": "error", "message": long, "path": f"p/{'d' * 200}.py", "line": 7}]
    one = parse_report(_bytes({**real, "deps": [_dep(1, long)], "reasons": reasons[:1], "findings": []})).report
    # Too big a file for the loader, so the typed report is multiplied instead.
    report = dataclasses.replace(
        one, deps=tuple(dataclasses.replace(one.deps[0], number=i, label=f"DEP-{i:04d}") for i in range(1, 400)),
        reasons=tuple(dataclasses.replace(one.reasons[0], message=f"{i} {long}") for i in range(1, 400)),
        findings=tuple(dataclasses.replace(one.reasons[0], code="D101", message=f"{i} {long}") for i in range(1, 400)))
    body = render_comment(report, run_url="https://github.com/o/r/actions/runs/7")
    assert len(body) <= MAX_COMMENT_CHARS
    assert "more" in body
