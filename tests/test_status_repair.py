"""Writing status repairs into proposal files (`depgate.proposals.repair`): two lines change, no other byte.

Examples pin the exact bytes written; properties check, on random headers, line endings and bodies, that
only the `Status` and `Implementation` lines differ and that a second application changes nothing; the
refusals name the file, the line and what to do; and a repaired document passes `depgate lint`.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dep_samples import DOC_PATH, GOOD, PROCESS, TEMPLATE
from depgate.errors import UsageError
from depgate.proposals.evidence import Repair, Strength
from depgate.proposals.reader import read_document
from depgate.proposals.repair import apply_repair, apply_repairs, implementation_refs

PATH = "deps/0005-dep-scaled-rope.md"
BOM = b"\xef\xbb\xbf"

#: d9d's header shape: `Author: @handle` is not valid YAML and must survive untouched.
D9D = (b"---\n"
       b"DEP: 0005\n"
       b"Title: Scaled RoPE\n"
       b"Author: @mrapplexz\n"
       b"Status: Draft\n"
       b"Type: Feature\n"
       b"Created: 2026-02-10\n"
       b"---\n"
       b"\n"
       b"# DEP-0005: Scaled RoPE\n")
D9D_IMPLEMENTED = D9D.replace(b"Status: Draft\n", b"Status: Implemented\n").replace(
    b"Created: 2026-02-10\n", b"Created: 2026-02-10\nImplementation: #35\n")


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def repair(data: bytes, status: str | None = "Implemented", refs: tuple[str, ...] = ("#35",)) -> bytes:
    return apply_repair(data, status=status, implementation=refs, path=PATH)


# -- examples ----------------------------------------------------------------------------------------

EXAMPLES = [
    pytest.param(D9D, "Implemented", ("#35",), D9D_IMPLEMENTED, id="d9d-lf"),
    pytest.param(_crlf(D9D), "Implemented", ("#35",), _crlf(D9D_IMPLEMENTED), id="crlf-new-line-is-crlf"),
    pytest.param(BOM + D9D, "Implemented", ("#35",), BOM + D9D_IMPLEMENTED, id="bom-kept"),
    pytest.param(D9D.rstrip(b"\n"), "Implemented", ("#35",), D9D_IMPLEMENTED.rstrip(b"\n"), id="no-final-newline"),
    pytest.param(b"---\nStatus: Draft\n---", "Accepted", (), b"---\nStatus: Accepted\n---", id="closing-line-last"),
    pytest.param(D9D.replace(b"\n", b"\r"), "Implemented", ("#35",), D9D_IMPLEMENTED.replace(b"\n", b"\r"),
                 id="lone-cr-endings"),
    pytest.param(b"---\nStatus: Draft\r\nType: Feature\n---\n", None, ("#35",),
                 b"---\nStatus: Draft\r\nType: Feature\nImplementation: #35\n---\n", id="ending-of-the-line-above"),
    pytest.param(b"---\nStatus: Draft\nImplementation: #30\nType: Feature\n---\n", "Implemented", ("#35", "#30"),
                 b"---\nStatus: Implemented\nImplementation: #30, #35\nType: Feature\n---\n", id="extend-in-place"),
    pytest.param(b"---\nStatus: Accepted\nImplementation: #30 #12,\n---\n", None, ("#12", "3f2c1e0d9b8a"),
                 b"---\nStatus: Accepted\nImplementation: #30 #12, 3f2c1e0d9b8a\n---\n", id="extend-after-comma"),
    pytest.param(b"---\nStatus: Accepted\nImplementation:\n---\n", None, ("#35",),
                 b"---\nStatus: Accepted\nImplementation: #35\n---\n", id="extend-empty-value"),
    pytest.param(b"---\nStatus: Accepted\nImplementation: \"#30\"  \n---\n", None, ("#35",),
                 b"---\nStatus: Accepted\nImplementation: \"#30, #35\"  \n---\n", id="extend-inside-quotes"),
    pytest.param(b"---\nStatus: Accepted\nImplementation: #30,\n  #31\nType: Feature\n---\n", None, ("#35",),
                 b"---\nStatus: Accepted\nImplementation: #30,\n  #31, #35\nType: Feature\n---\n",
                 id="extend-continuation-line"),
    pytest.param(b"---\nStatus: Accepted\nImplementation: 3f2c1e0\n---\n", None, ("3F2C1E0D9B8A", "#0035"),
                 b"---\nStatus: Accepted\nImplementation: 3f2c1e0, #0035\n---\n", id="sha-prefix-already-there"),
    pytest.param(b"---\nStatus:  'Draft' \t\nX-Team: infra\n\n---\nbody\n", "Implemented", ("#35",),
                 b"---\nStatus:  'Implemented' \t\nX-Team: infra\nImplementation: #35\n\n---\nbody\n",
                 id="spacing-quotes-unknown-header-blank-line-kept"),
    pytest.param(b"---\nStatus:\n---\n", "Draft", (), b"---\nStatus: Draft\n---\n", id="empty-status-gets-a-space"),
    pytest.param(b"---\nStatus : Draft\n---\n", "Accepted", (), b"---\nStatus : Accepted\n---\n",
                 id="blank-before-colon"),
    pytest.param(b"---\nStatus: Draft\nNote: \xe2\x80\xa8 x\xc2\x85y\n---\n", None, ("#35",),
                 b"---\nStatus: Draft\nNote: \xe2\x80\xa8 x\xc2\x85y\nImplementation: #35\n---\n",
                 id="unicode-separators-are-not-line-breaks"),
    pytest.param(b"---\n---\nStatus: Draft\n", None, ("#35",), b"---\nImplementation: #35\n---\nStatus: Draft\n",
                 id="empty-header"),
]


@pytest.mark.parametrize(("data", "status", "refs", "expected"), EXAMPLES)
def test_examples(data, status, refs, expected):
    assert repair(data, status, refs) == expected


@pytest.mark.parametrize(("data", "status", "refs", "expected"), EXAMPLES)
def test_second_application_changes_nothing(data, status, refs, expected):
    once = repair(data, status, refs)
    assert repair(once, status, refs) is once


def test_body_lines_like_headers_are_not_touched():
    data = D9D + b"\nStatus: Draft\nImplementation: #1\n---\n"
    assert repair(data) == D9D_IMPLEMENTED + b"\nStatus: Draft\nImplementation: #1\n---\n"


@pytest.mark.parametrize(("status", "refs"), [
    (None, ()),
    ("Draft", ()),
    (None, ("#0030",)),
    ("Draft", ("#30", "3f2c1e0d")),
])
def test_nothing_to_do_returns_the_input_itself(status, refs):
    data = _crlf(b"---\nStatus: Draft\nImplementation: #30, 3F2C1E0D9B8A\n---\n")
    assert apply_repair(data, status=status, implementation=refs, path=PATH) is data


def test_requested_refs_are_deduplicated_in_order():
    data = b"---\nStatus: Accepted\n---\n"
    got = repair(data, None, ("#40", "#35", "#40", "abcdef12", "ABCDEF1234"))
    assert got == b"---\nStatus: Accepted\nImplementation: #40, #35, abcdef12\n---\n"


# -- implementation_refs -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "refs"), [
    ("", ()),
    ("#35", ("#35",)),
    ("#35, #40", ("#35", "#40")),
    ("#35,#40  3f2c1e0d9b8a", ("#35", "#40", "3f2c1e0d9b8a")),
    (" , #35 ,, ", ("#35",)),
    ("#35\t#40", ("#35", "#40")),
])
def test_implementation_refs(value, refs):
    assert implementation_refs(value) == refs


# -- apply_repairs -----------------------------------------------------------------------------------


def _repair(code: str, status: str | None, refs: tuple[str, ...], strength: Strength) -> Repair:
    return Repair(code=code, status=status, implementation=refs, strength=strength, message=f"{code} test")


REPAIRS = [
    _repair("S101", "Accepted", (), Strength.INFERRED),
    _repair("S102", "Implemented", ("#35",), Strength.LINKED),
    _repair("S103", "Implemented", ("#36",), Strength.INFERRED),
    _repair("S106", None, ("#37",), Strength.LINKED),
]


def test_repairs_apply_only_the_automatic_ones_by_default():
    got = apply_repairs(D9D, REPAIRS, path=PATH)
    assert got == D9D_IMPLEMENTED.replace(b"#35", b"#35, #37")


def test_repairs_include_inferred_on_request():
    got = apply_repairs(D9D, REPAIRS, path=PATH, include_inferred=True)
    assert got == D9D_IMPLEMENTED.replace(b"#35", b"#35, #36, #37")


def test_repairs_a_later_status_wins():
    got = apply_repairs(D9D, [REPAIRS[1], REPAIRS[0]], path=PATH, include_inferred=True)
    assert got == D9D_IMPLEMENTED.replace(b"Status: Implemented", b"Status: Accepted")


def test_repairs_none_applicable_returns_the_input():
    assert apply_repairs(D9D, [REPAIRS[0], REPAIRS[2]], path=PATH) is D9D


# -- refusals ----------------------------------------------------------------------------------------

REFUSALS = [
    pytest.param(b"# DEP-0005\n\nStatus: Draft\n", "Accepted", (), 1,
                 "document has no front-matter header (its first line must be `---`), so there is no Status line "
                 "to edit", id="no-header"),
    pytest.param(b"", "Accepted", (), 1,
                 "document has no front-matter header (its first line must be `---`), so there is no Status line "
                 "to edit", id="empty-file"),
    pytest.param(b"---\nStatus: Draft\nType: Feature\n", "Accepted", (), 1,
                 "front-matter header opened on line 1 is not closed; depgate will not guess where it ends",
                 id="unclosed-header"),
    pytest.param(b"---\nStatus: Draft\n\n# Title\n\n---\n", "Accepted", (), 1,
                 "front-matter header opened on line 1 is not closed; depgate will not guess where it ends",
                 id="body-before-closing-line"),
    pytest.param(b"---\nStatus: Draft\nType: Feature\nStatus: Accepted\n---\n", "Implemented", (), 4,
                 "header has 2 `Status` lines (lines 2, 4); depgate cannot tell which one to edit", id="two-status"),
    pytest.param(b"---\nstatus: Draft\nStatus: Accepted\n---\n", "Implemented", (), 3,
                 "header has 2 `Status` lines (lines 2, 3); depgate cannot tell which one to edit",
                 id="two-status-by-case"),
    pytest.param(b"---\nstatus: Draft\n---\n", "Implemented", (), 2,
                 "header key `status` must be written `Status`", id="status-key-case"),
    pytest.param(b"---\nType: Feature\n---\n", "Implemented", (), 3, "header has no `Status` line to change",
                 id="no-status-line"),
    pytest.param(b"---\nStatus: Draft\n  (pending)\n---\n", "Implemented", (), 2,
                 "the `Status` value continues on line 3; depgate edits only a one-line Status", id="folded-status"),
    pytest.param(b"---\nStatus: Draft\nImplementation: #1\nImplementation: #2\n---\n", None, ("#35",), 4,
                 "header has 2 `Implementation` lines (lines 3, 4); depgate cannot tell which one to edit",
                 id="two-implementation"),
    pytest.param(b"---\nStatus: Draft\nimplementation: #1\n---\n", None, ("#35",), 3,
                 "header key `implementation` must be written `Implementation`", id="implementation-key-case"),
    pytest.param(b"---\nStatus: Draft\n---\nbad \xff byte\n", "Accepted", (), 4,
                 "document is not valid UTF-8 (byte 0xff at offset 26); depgate edits only UTF-8 text",
                 id="not-utf8"),
    pytest.param(BOM + b"---\r\nStatus: \xc3\r\n---\r\n", "Accepted", (), 2,
                 "document is not valid UTF-8 (byte 0xc3 at offset 13); depgate edits only UTF-8 text",
                 id="not-utf8-after-bom"),
    pytest.param(b"---\nStatus: Draft\n---\n\0", "Accepted", (), 1,
                 "document is binary (it contains NUL bytes); it must be UTF-8 text", id="binary"),
    pytest.param(D9D, "", (), None, "the new status is empty; a Status header needs a value", id="empty-status"),
    pytest.param(D9D, "  ", (), None, "the new status is empty; a Status header needs a value", id="blank-status"),
    pytest.param(D9D, "Implemented\nType: Evil", (), None,
                 "the new status 'Implemented\\nType: Evil' contains a line break or control character (U+000A)",
                 id="status-newline"),
    pytest.param(D9D, "Done\r", (), None,
                 "the new status 'Done\\r' contains a line break or control character (U+000D)", id="status-cr"),
    pytest.param(D9D, "Done\u2028", (), None,
                 "the new status 'Done\\u2028' contains a line break or control character (U+2028)",
                 id="status-line-separator"),
    pytest.param(D9D, "Do\x1bne", (), None,
                 "the new status 'Do\\x1bne' contains a line break or control character (U+001B)",
                 id="status-escape"),
    pytest.param(D9D, "Done\u202e", (), None,
                 "the new status 'Done\\u202e' contains a line break or control character (U+202E)",
                 id="status-bidi-override"),
    pytest.param(D9D, " Done", (), None,
                 "the new status ' Done' has surrounding blanks or quotes, which the header reader drops",
                 id="status-leading-blank"),
    pytest.param(D9D, '"Done"', (), None,
                 "the new status '\"Done\"' has surrounding blanks or quotes, which the header reader drops",
                 id="status-quoted"),
]
_REF_MESSAGE = ("implementation reference {!r} is neither a pull request number (`#123`) nor a commit id "
                "(7 to 40 hex digits)")
REFUSALS += [pytest.param(D9D, None, ("#35", ref), None, _REF_MESSAGE.format(ref), id=f"ref-{ref!r}")
             for ref in ("35", "#", "#3a", "abc123", "g" * 7, "a" * 41, "#35\n", "#35, #36", "", "#\u0663")]


@pytest.mark.parametrize(("data", "status", "refs", "line", "message"), REFUSALS)
def test_refusals_name_the_file_the_line_and_what_to_do(data, status, refs, line, message):
    with pytest.raises(UsageError) as caught:
        apply_repair(data, status=status, implementation=refs, path=PATH)
    error = caught.value
    assert (error.path, error.line, error.message) == (PATH, line, message)
    assert error.hint


def test_refusal_reads_as_path_line_message_and_hint():
    with pytest.raises(UsageError) as caught:
        repair(b"---\nStatus: Draft\nStatus: Draft\n---\n")
    assert str(caught.value) == (
        f"{PATH}:3: header has 2 `Status` lines (lines 2, 3); depgate cannot tell which one to edit\n"
        "  hint: keep one `Status` line, then run again")


def test_a_ref_that_is_not_a_string_is_refused():
    with pytest.raises(UsageError, match="neither a pull request number"):
        apply_repair(D9D, status=None, implementation=[35], path=PATH)  # type: ignore[list-item]


def test_an_edit_that_would_not_read_back_is_refused():
    # The reader unquotes the folded value `"#30 #31"` as a whole; appending inside the continuation's
    # quote would read back as something else, so nothing is written.
    data = b'---\nStatus: Accepted\nImplementation: "#30\n  #31"\n---\n'
    with pytest.raises(UsageError) as caught:
        repair(data, None, ("#35",))
    assert caught.value.message.startswith("header cannot be edited safely: Implementation would read ")
    assert caught.value.line == 3


# -- properties --------------------------------------------------------------------------------------

_BREAKS = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
_VALUE = st.text(st.characters(exclude_characters="\r\n\0", exclude_categories=("Cs",)), max_size=30)
_KEY = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,12}", fullmatch=True).filter(
    lambda key: key.lower() not in ("status", "implementation"))
_REF = st.from_regex(r"#[0-9]{1,5}|[0-9a-fA-F]{7,14}", fullmatch=True)
_STATUS = st.from_regex(r"[A-Za-z]([A-Za-z -]{0,14}[A-Za-z])?", fullmatch=True)


def _lines(text: str) -> list[str]:
    """Lines with their endings, cut independently of the module under test."""
    return [piece for piece in _BREAKS.split(text) if piece]


@st.composite
def documents(draw) -> bytes:
    """A closed header in any order: Status, maybe Implementation, unknown keys (some folded), blank lines."""
    value = draw(_VALUE).strip()
    entries = [[f"Status:{draw(st.sampled_from([' ', '  ']) if value else st.sampled_from(['', ' ']))}{value}"]]
    if draw(st.booleans()):
        refs = draw(st.lists(_REF, max_size=3))
        entries.append([f"Implementation: {', '.join(refs)}"])
    for _ in range(draw(st.integers(0, 4))):
        entry = [f"{draw(_KEY)}: {draw(_VALUE)}"]
        if draw(st.booleans()):
            entry.append("  " + (draw(_VALUE).strip() or "x"))
        entries.append(entry)
    entries += [[""]] * draw(st.integers(0, 2))
    entries = draw(st.permutations(entries))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    body = [draw(_VALUE) for _ in range(draw(st.integers(0, 4)))]
    lines = ["---", *(line for entry in entries for line in entry), "---", *body]
    text = end.join(lines) + (end if draw(st.booleans()) else "")
    return (BOM if draw(st.booleans()) else b"") + text.encode("utf-8")


def _without_bookkeeping(data: bytes) -> tuple[bytes, list[str]]:
    """The BOM, and the lines of `data` other than its `Status` and `Implementation` lines."""
    doc = read_document(PATH, data)
    skip = {fld.line for fld in doc.fields if fld.key in ("Status", "Implementation")}
    text = data.removeprefix(BOM).decode("utf-8")
    kept = [line for number, line in enumerate(_lines(text), 1) if number not in skip]
    return data[:len(BOM)] if data.startswith(BOM) else b"", kept


def _endings(data: bytes) -> set[str]:
    """The kinds of line ending `data` uses."""
    return {match.group() for match in re.finditer(r"\r\n|\r|\n", data.decode("utf-8"))}


PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(documents(), st.none() | _STATUS, st.lists(_REF, max_size=3))
def test_only_the_status_and_implementation_lines_change(data, status, refs):
    got = apply_repair(data, status=status, implementation=refs, path=PATH)
    assert _without_bookkeeping(got) == _without_bookkeeping(data)
    assert _endings(got) == _endings(data)  # one kind of line ending in, the same kind out
    edited = read_document(PATH, got)
    if status is not None:
        assert edited.value("Status") == status
    written = implementation_refs(edited.value("Implementation") or "")
    before = implementation_refs(read_document(PATH, data).value("Implementation") or "")
    assert written[:len(before)] == before
    assert all(any(_same_change(ref, w) for w in written) for ref in refs)


def _same_change(ref: str, written: str) -> bool:
    """`#035` is `#35`; a commit id is the same change as one it prefixes or that prefixes it."""
    if ref.startswith("#") or written.startswith("#"):
        return ref[:1] == written[:1] == "#" and int(ref[1:]) == int(written[1:])
    ref, written = ref.lower(), written.lower()
    return ref.startswith(written) or written.startswith(ref)


@PROPERTY_SETTINGS
@given(documents(), st.none() | _STATUS, st.lists(_REF, max_size=3))
def test_applying_twice_equals_applying_once(data, status, refs):
    once = apply_repair(data, status=status, implementation=refs, path=PATH)
    assert apply_repair(once, status=status, implementation=refs, path=PATH) == once


# -- end to end: the repaired document passes `depgate lint` --------------------------------------------


@pytest.fixture
def repo(git_repo):
    """A committed repository with a clean DEP folder (a Draft DEP with d9d's kind of header)."""
    git_repo.commit("docs: deps", {"deps/TEMPLATE.md": TEMPLATE, "deps/0001-dep-process.md": PROCESS,
                                   DOC_PATH: GOOD, "README.md": "# project\n"})
    return git_repo


@pytest.mark.parametrize("refs", [("#35",), ("#35", "3f2c1e0d9b8a")])
def test_repaired_document_passes_lint(run_cli, repo, refs):
    target = repo.path / DOC_PATH
    before = target.read_bytes()
    target.write_bytes(apply_repair(before, status="Implemented", implementation=refs, path=DOC_PATH))
    result = run_cli("lint", "--repo", str(repo.path))
    assert (result.code, result.out, result.err) == (0, "No problems found.\n", "")
    diff = repo.git("diff", "--unified=0", "--", DOC_PATH)
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["-Status: Draft", "+Status: Implemented", f"+Implementation: {', '.join(refs)}"]


def test_extended_document_passes_lint(run_cli, repo):
    target = repo.path / DOC_PATH
    repo.commit("docs: implemented", {DOC_PATH: GOOD.replace(
        "Status: Draft\n", "Status: Implemented\n").replace("Created: 2026-02-04\n",
                                                            "Created: 2026-02-04\nImplementation: #30\n")})
    target.write_bytes(apply_repairs(target.read_bytes(), [REPAIRS[3]], path=DOC_PATH))
    result = run_cli("lint", "--repo", str(repo.path))
    assert (result.code, result.out) == (0, "No problems found.\n")
    assert "Implementation: #30, #37\n" in target.read_text(encoding="utf-8")
