"""A catalogue of malformed (and nearly malformed) DEP documents with the exact findings each must produce.

Each entry replaces `deps/0008-offload.md` of the clean sample folder (or adds a file elsewhere) and
lists every `(code, line)` expected on that file: nothing more, nothing less. Entries with an empty
list are near misses that must stay clean. None of them may raise.
"""

from __future__ import annotations

import dataclasses
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dep_samples import DIR, DOC_PATH, GOOD, LINK, TEMPLATE, TODAY, base_files, lint_files
from depgate.config import Config
from depgate.proposals.lint import lint_tree
from depgate.tree import DiskTree

HEADER_END = GOOD.index("---\n", 4) + 4  # where the body starts in GOOD
BODY = GOOD[HEADER_END:]


def _sub(old: str, new: str, text: str = GOOD) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One catalogue document."""

    id: str
    content: object
    expected: list[tuple[str, int | None]]
    path: str = DOC_PATH


CATALOGUE = [
    # -- reading ------------------------------------------------------------------------------------------------
    Entry("no-front-matter", BODY, [("D005", 1)]),
    Entry("blank-line-before-header", "\n" + GOOD, [("D005", 1)]),
    Entry("four-dash-delimiter", GOOD.replace("---\n", "----\n", 1), [("D005", 1)]),
    Entry("unclosed-header", "---\nDEP: 0008\nTitle: Activation offloading\n", [("D006", 1)]),
    Entry("bom", b"\xef\xbb\xbf" + GOOD.encode(), [("D008", 1)]),
    Entry("crlf", GOOD.replace("\n", "\r\n").encode(), [("D009", 1)]),
    Entry("bom-and-crlf", b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode(), [("D008", 1), ("D009", 1)]),
    Entry("tab-in-value", _sub("Status: Draft", "Status:\tDraft"), [("D010", 5)]),
    Entry("tab-continuation", _sub("Title: Activation offloading", "Title: Activation\n\toffloading"), [("D010", 4)]),
    Entry("non-utf8-body", GOOD.encode().replace(b"host memory", b"h\xf6st memory"), [("D001", 14)]),
    Entry("latin1-header", GOOD.encode().replace(b"Jane Doe", b"J\xe4ne Doe"), [("D001", 4)]),
    Entry("empty", b"", [("D004", 1)]),
    Entry("whitespace-only", "  \n\n\t\n", [("D004", 1)]),
    Entry("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), [("D001", 1)]),
    Entry("directory-named-like-a-dep", DIR, [("D002", None)], path="deps/0009-folder.md"),
    Entry("symlink-named-like-a-dep", LINK, [("D002", None)], path="deps/0009-link.md"),
    Entry("malformed-line", _sub("Type: Feature\n", "Type: Feature\njust some words\n"), [("D007", 7)]),
    # Structural: the malformed line hides `Status`, so the header rules (here D101) are not run.
    Entry("equals-instead-of-colon", _sub("Status: Draft", "Status = Draft"), [("D007", 5)]),
    # -- header -------------------------------------------------------------------------------------------------
    Entry("author-bare-handle", _sub("Jane Doe @jdoe & @mrapplexz", "@mrapplexz"), []),
    Entry("quoted-values", _sub("Status: Draft", "Status: 'Draft'"), []),
    Entry("padded-number-0010", GOOD.replace("0008", "0010"), [], path="deps/0010-offload.md"),
    Entry("unpadded-number-10", GOOD.replace("DEP: 0008", "DEP: 10").replace("DEP-0008", "DEP-0010"),
          [("D116", 2)], path="deps/0010-offload.md"),
    Entry("too-many-digits", _sub("DEP: 0008", "DEP: 0000000000008"), [("D106", 2)]),
    Entry("duplicate-key", _sub("Type: Feature", "Status: Accepted\nType: Feature"), [("D104", 6)]),
    Entry("invalid-date-feb-30", _sub("Created: 2026-02-04", "Created: 2026-02-30"), [("D111", 7)]),
    Entry("future-date", _sub("Created: 2026-02-04", "Created: 2027-01-01"), [("D112", 7)]),
    Entry("placeholder-number", _sub("DEP: 0008", "DEP: <Leave blank for maintainers>"), [("D108", 2)]),
    Entry("lower-case-key", _sub("Title: Activation offloading", "title: Activation offloading"),
          [("D103", 3), ("D101", 8)]),
    Entry("misspelt-key", _sub("Author:", "Authors:"), [("D103", 4), ("D101", 8)]),
    Entry("lower-case-status", _sub("Status: Draft", "Status: draft"), [("D109", 5)]),
    Entry("yaml-list-author", _sub("Author: Jane Doe @jdoe & @mrapplexz", "Author:\n  - @jdoe\n  - @mrapplexz"),
          [("D113", 4)]),
    Entry("empty-header-block", "---\n---\n" + BODY, [("D101", 2)] * 6),
    Entry("header-out-of-order", _sub("Status: Draft\nType: Feature", "Type: Feature\nStatus: Draft"),
          [("D102", 6)]),
    Entry("superseded-without-successor", _sub("Status: Draft", "Status: Superseded"), [("D114", 5)]),
    Entry("superseded-by-itself",
          _sub("Status: Draft", "Status: Superseded").replace("Created: 2026-02-04\n", "Created: 2026-02-04\n"
                                                              "Superseded-By: 0008\n"), [("D302", 8)]),
    Entry("superseded-by-with-prefix",
          _sub("Status: Draft", "Status: Superseded").replace("Created: 2026-02-04\n", "Created: 2026-02-04\n"
                                                              "Superseded-By: DEP-0001\n"), []),
    Entry("file-name-without-number", GOOD, [("D118", None)], path="deps/offload.md"),
    Entry("file-name-three-digits", GOOD, [("D118", None)], path="deps/008-offload.md"),
    # -- body ---------------------------------------------------------------------------------------------------
    Entry("template-copied-verbatim", TEMPLATE,
          [("D108", 2), ("D117", 3), ("D117", 4), ("D117", 6), ("D117", 7), ("D201", 10), ("D203", 10),
           ("D203", 14)], path="deps/0009-copy.md"),
    Entry("wrong-prefix-in-heading", _sub("# DEP-0008", "# PEP-0008"), [("D201", 10)]),
    Entry("heading-level-two", _sub("# DEP-0008", "## DEP-0008"), [("D201", 10)]),
    Entry("placeholder-in-body", _sub("Large models run out of GPU memory.", "See `<T>`. <Describe the problem>"),
          [("D203", 18)]),
    Entry("section-only-inside-code-fence",
          _sub("## Usage\n", "```text\n## Usage\n```\n"), [("D204", 32)]),
    Entry("sections-case-insensitive", _sub("## Design Proposal", "## Design proposal"), []),
]


def test_catalogue_is_large_enough():
    assert len([e for e in CATALOGUE if e.expected]) >= 30
    assert len({e.id for e in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e.id)
def test_catalogue(tmp_path, entry):
    files = {**base_files(), entry.path: entry.content}
    if entry.path != DOC_PATH:
        files[DOC_PATH] = None
    result = lint_files(tmp_path, files)
    found = sorted((d.code, d.location.line or 0) for d in result.diagnostics if d.location.path == entry.path)
    assert found == sorted((code, line or 0) for code, line in entry.expected)
    # Nothing leaks onto the other, clean document.
    assert [d for d in result.diagnostics if d.location.path not in (entry.path, DOC_PATH)] == []


def test_placeholder_column_is_reported(tmp_path):
    text = _sub("Large models run out of GPU memory.", "See `<T>`. <Describe the problem>")
    (diag,) = lint_files(tmp_path, {**base_files(), DOC_PATH: text}).diagnostics
    assert (diag.location.line, diag.location.column) == (18, 12)


class _GuardedTree(DiskTree):
    """A disk tree that refuses to read one file: proves the size check happens before reading."""

    def __init__(self, root, forbidden: str):
        super().__init__(root)
        self.forbidden = forbidden

    def read(self, path: str) -> bytes | None:
        if path == self.forbidden:
            raise AssertionError(f"{path} was read")
        return super().read(path)


def test_fifty_megabyte_file_is_not_read(tmp_path):
    files = base_files()
    lint_files(tmp_path, files)  # write the folder
    huge = tmp_path / "deps" / "0009-huge.md"
    with open(huge, "wb") as handle:  # sparse: no 50 MB written to disk
        handle.write(b"---\n")
        handle.truncate(50 * 1024 * 1024)
    result = lint_tree(_GuardedTree(tmp_path, "deps/0009-huge.md"), Config(), today=TODAY)
    assert [(d.location.path, d.code, d.location.line) for d in result.diagnostics] == [
        ("deps/0009-huge.md", "D003", 1)]
    assert "52,428,800 bytes" in result.diagnostics[0].message
    os.unlink(huge)


def test_broken_document_full_report(tmp_path):
    """One deliberately broken document, with the full ordered list of findings and messages."""
    text = (
        "---\n"
        "Title: <Short, descriptive title>\n"
        "DEP: 0007\n"
        "Author: Jane @a @b\n"
        "Status: WIP\n"
        "Type: feature\n"
        "Created: 2026-13-01\n"
        "Reviewer: @boss\n"
        "---\n"
        "\n"
        "## Abstract\n"
        "\n"
        "<Describe it here>\n"
    )
    result = lint_files(tmp_path, {**base_files(), DOC_PATH: text})
    got = [(d.location.line, d.code, d.message) for d in result.diagnostics]
    assert got == [
        (2, "D117", "header `Title` must not keep the template placeholder `<Short, descriptive title>`"),
        (3, "D102", "header `DEP` must come before `Title`; required order is DEP, Title, Author, Status, Type, "
                    "Created, then optional headers"),
        (3, "D107", "DEP must equal the file name's number 0008, not `0007`"),
        (4, "D113", "Author must list `Name @handle`, `@handle` or `Name` joined with ` & `, not `Jane @a @b`"),
        (5, "D109", "Status must be one of Draft, Accepted, Implemented, Active, Rejected, Withdrawn, Superseded, "
                    "not `WIP`"),
        (6, "D110", "Type must be one of Feature, Process, Informational, not `feature` (did you mean `Feature`? "
                    "values are case-sensitive)"),
        (7, "D111", "Created must be a real date written YYYY-MM-DD, not `2026-13-01`"),
        (8, "D103", "unknown header `Reviewer`; allowed headers are DEP, Title, Author, Status, Type, Created, "
                    "Superseded-By, Replaces, Requires, Discussion, Updated, Implementation"),
        # The title is a placeholder, so the expected heading cannot be spelt out in full.
        (11, "D201", "the first heading must read `# DEP-0007: <Title>`, not `## Abstract`"),
        # Sections missing from one place are one finding; `feature` is no valid type, so all are required.
        # Findings without a column sort before those with one on the same line.
        (13, "D204", "sections `## Motivation`, `## Design Proposal`, `## Usage`, `## Backward Compatibility` "
                     "and `## Alternatives Considered` required by the template are missing"),
        (13, "D203", "replace the template placeholder `<Describe it here>` with real text"),
    ]


_TOKENS = ["---\n", "DEP: 0008\n", "DEP: <x y>\n", "Title: T\n", "Status: Superseded\n", "Superseded-By: 9\n",
           "Created: 2026-02-30\n", "Author: @a @b\n", " cont\n", "\t", "\r\n", "# DEP-0008: T\n", "## Usage\n",
           "```\n", "<Describe it>\n", "\ufeff", "\x00", "\n", "é", "Key:", ":"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS), max_size=40).map("".join))
def test_lint_never_raises(text):
    from depgate.proposals.folder import FolderDocument
    from depgate.proposals.lint import lint_document, lint_folder
    from depgate.proposals.reader import read_document, to_proposal
    from depgate.proposals.template import parse_template

    doc = read_document(DOC_PATH, text.encode())
    folder_doc = FolderDocument(doc, to_proposal(doc))
    found = lint_document(folder_doc, Config(), template=parse_template("deps/TEMPLATE.md", TEMPLATE), today=TODAY)
    found += lint_folder([folder_doc, folder_doc], Config())
    assert all(d.location.path == DOC_PATH for d in found)
