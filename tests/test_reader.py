"""The lenient DEP reader: any bytes in, a document with its problems out, never an exception."""

from __future__ import annotations

import datetime as dt

import frontmatter
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dep_samples import DIR, GOOD, LINK, PROCESS, write_files
from depgate.proposals.model import Author, parse_authors, parse_date, parse_number
from depgate.proposals.reader import MAX_BYTES, DepHeaderHandler, read_document, read_from_tree, to_proposal
from depgate.tree import DiskTree


def _codes(doc):
    return [(p.code, p.location.line) for p in doc.problems]


def test_d9d_header_is_read_as_written():
    doc = read_document("deps/0001-dep-process.md", PROCESS.encode())
    assert doc.problems == ()
    assert [(f.key, f.value, f.line) for f in doc.fields] == [
        ("DEP", "0001", 2),
        ("Title", "The D9D Enhancement Proposal (DEP) Process", 3),
        ("Author", "@mrapplexz", 4),
        ("Status", "Active", 5),
        ("Type", "Process", 6),
        ("Created", "2026-02-04", 7),
    ]
    assert (doc.header_start, doc.header_end, doc.body_start) == (1, 8, 9)


def test_typed_proposal():
    proposal = to_proposal(read_document("deps/0008-offload.md", GOOD.encode()))
    assert proposal.number == 8
    assert proposal.filename_number == 8
    assert proposal.created == dt.date(2026, 2, 4)
    assert proposal.authors == (Author("Jane Doe", "jdoe"), Author(None, "mrapplexz"))
    assert proposal.sections == ("Abstract", "Motivation", "Design Proposal", "Usage", "Backward Compatibility",
                                 "Alternatives Considered")
    assert proposal.headings[0].text == "DEP-0008: Activation offloading"
    assert proposal.ok
    assert proposal.details()["label"] == "DEP-0008"


def test_values_are_not_retyped_and_duplicates_are_kept():
    doc = read_document("x.md", b"---\nDEP: 0010\nCreated: 2026-02-04\nDEP: 11\nTitle: 'yes'\n---\n")
    assert [(f.key, f.value) for f in doc.fields] == [("DEP", "0010"), ("Created", "2026-02-04"), ("DEP", "11"),
                                                       ("Title", "yes")]
    assert doc.value("DEP") == "0010"  # the first occurrence counts
    assert to_proposal(doc).number == 10


def test_continuation_lines_are_joined():
    doc = read_document("x.md", b"---\nTitle: A very\n  long title\nStatus: Draft\n---\n")
    assert [(f.key, f.value, f.line) for f in doc.fields] == [("Title", "A very long title", 2),
                                                               ("Status", "Draft", 4)]


def test_headings_skip_fenced_code():
    text = "---\nDEP: 1\n---\n# Real\n```python\n# not a heading\n## nor this\n```\n~~~\n## no\n~~~\n## Section ##\n"
    doc = read_document("x.md", text.encode())
    assert [(h.level, h.text, h.line) for h in doc.headings] == [(1, "Real", 4), (2, "Section", 12)]


def test_frontmatter_handler_reads_handles_and_keeps_strings():
    post = frontmatter.loads(PROCESS, handler=DepHeaderHandler())
    assert post["Author"] == "@mrapplexz"
    assert post["DEP"] == "0001"
    assert post.content.startswith("# DEP-0001")


@pytest.mark.parametrize(("data", "expected", "text_is_none"), [
    (b"", [("D004", 1)], False),
    (b"\n \n", [("D004", 1)], False),
    (b"\x00\x01binary", [("D001", 1)], True),
    (b"---\nDEP: 1\n---\nok\n\xff\n", [("D001", 5)], True),
    (b"# Title\n", [("D005", 1)], False),
    (b"---\nDEP: 1\n", [("D006", 1)], False),
    (b"---\nno colon here\n---\n", [("D007", 2)], False),
    (b"\xef\xbb\xbf---\nDEP: 1\n---\n", [("D008", 1)], False),
    (b"---\r\nDEP: 1\r\n---\r\n", [("D009", 1)], False),
    (b"---\nDEP:\t1\n---\n", [("D010", 2)], False),
    (b"x" * (MAX_BYTES + 1), [("D003", 1)], True),
])
def test_reading_problems(data, expected, text_is_none):
    doc = read_document("deps/0001-x.md", data)
    assert _codes(doc) == expected
    assert (doc.text is None) == text_is_none


def test_bom_and_crlf_are_normalised():
    doc = read_document("x.md", b"\xef\xbb\xbf---\r\nDEP: 1\r\n---\r\n# T\r\n")
    assert doc.has_bom
    assert doc.has_crlf
    assert doc.text == "---\nDEP: 1\n---\n# T\n"
    assert doc.value("DEP") == "1"


def test_read_from_tree_refuses_folders_links_and_missing_files(tmp_path):
    write_files(tmp_path, {"deps/TEMPLATE.md": "t", "deps/0001-dir.md": DIR, "deps/0002-link.md": LINK})
    tree = DiskTree(tmp_path)
    for path, kind in tree.entries("deps"):
        if path != "deps/TEMPLATE.md":
            doc = read_from_tree(tree, path, kind)
            assert _codes(doc) == [("D002", None)]
            assert doc.text is None
    assert _codes(read_from_tree(tree, "deps/missing.md", "file")) == [("D002", None)]


@pytest.mark.parametrize(("value", "number"), [("0010", 10), ("10", 10), ("0", 0), (" 7 ", 7), ("1e3", None),
                                               ("-1", None), ("", None), ("٣", None), ("0x1", None)])
def test_parse_number(value, number):
    assert parse_number(value) == number


@pytest.mark.parametrize(("value", "date"), [("2026-02-04", dt.date(2026, 2, 4)), ("2024-02-29", dt.date(2024, 2, 29)),
                                             ("2026-02-30", None), ("2026-2-4", None), ("20260204", None),
                                             ("2026-02-04T00:00", None), ("", None)])
def test_parse_date(value, date):
    assert parse_date(value) == date


@pytest.mark.parametrize(("value", "authors"), [
    ("@mrapplexz", (Author(None, "mrapplexz"),)),
    ("Daniil Sergeev @DaniilSergeev17 & Maksim Afanasyev @mrapplexz",
     (Author("Daniil Sergeev", "DaniilSergeev17"), Author("Maksim Afanasyev", "mrapplexz"))),
    ("Jane Doe", (Author("Jane Doe", None),)),
    ("@a @b", None),
    ("@a &", None),
])
def test_parse_authors(value, authors):
    assert parse_authors(value) == authors


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_never_raise(data):
    doc = read_document("deps/0001-x.md", data)
    to_proposal(doc)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["---\n", "DEP: 1\n", "Title:", " x", "\t", "\r\n", "# ", "```\n", "@", "\n",
                                 "<a b>", "\ufeff"]), max_size=40).map("".join))
def test_header_like_text_never_raises(text):
    doc = read_document("deps/0001-x.md", text.encode())
    to_proposal(doc)


def test_filename_number_with_thousands_of_digits_is_not_a_number():
    from depgate.proposals.model import Proposal

    path = "deps/" + "9" * 5000 + "-x.md"
    proposal = Proposal(path=path, number=None, title=None, authors=(), status=None, type=None, created=None)
    assert proposal.filename_number is None
    assert Proposal(path="deps/0008-x.md", number=None, title=None, authors=(), status=None, type=None,
                    created=None).filename_number == 8
