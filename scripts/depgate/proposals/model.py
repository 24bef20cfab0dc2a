"""Typed views of a DEP document.

`ProposalDocument` is what the lenient reader returns for any file: the header fields exactly as
written, with their lines, the body's headings, and the problems met while reading. `Proposal` is
the typed proposal built from it; fields that could not be understood are None, and the lint rules
say why.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable

    from depgate.diagnostics import Diagnostic

_HANDLE = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))")
_NUMBER = re.compile(r"^[0-9]{1,9}$")  # ASCII only: `\d` would accept "٣"
_FILE_NUMBER = re.compile(r"^([0-9]{1,9})-")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_AUTHOR_SEPARATOR = re.compile(r"&|,|\band\b")


@dataclass(frozen=True)
class HeaderField:
    """One `Key: value` line of the front-matter header, as written.

    Attributes:
        key: The key, without surrounding spaces.
        value: The value, stripped of surrounding spaces; never retyped.
        line: 1-based line in the file.
    """

    key: str
    value: str
    line: int


@dataclass(frozen=True)
class Heading:
    """A Markdown ATX heading of the body (outside code fences)."""

    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Author:
    """One author: a display name, a GitHub handle, or both."""

    name: str | None
    handle: str | None

    def __str__(self) -> str:
        parts = [p for p in (self.name, f"@{self.handle}" if self.handle else None) if p]
        return " ".join(parts)


@dataclass(frozen=True)
class ProposalDocument:
    """A DEP file as read, leniently: never raises, records its problems.

    Attributes:
        path: Repository-relative path.
        text: The decoded text with a BOM removed and line endings normalised to LF; None when the
            file could not be decoded at all.
        fields: Header fields in file order, duplicates kept.
        header_start: Line of the opening `---`, or None when there is no header.
        header_end: Line of the closing `---`, or None when missing or unclosed.
        headings: The body's headings.
        problems: Findings met while reading (unreadable, no header, malformed lines...).
        has_bom: The file started with a UTF-8 byte-order mark.
        has_crlf: The file used CRLF line endings.
    """

    path: str
    text: str | None
    fields: tuple[HeaderField, ...] = ()
    header_start: int | None = None
    header_end: int | None = None
    headings: tuple[Heading, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    has_bom: bool = False
    has_crlf: bool = False

    def get(self, key: str) -> HeaderField | None:
        """Return the first header field with this key (case-sensitive), or None."""
        for fld in self.fields:
            if fld.key == key:
                return fld
        return None

    def value(self, key: str) -> str | None:
        """Return the first value for `key`, or None."""
        fld = self.get(key)
        return fld.value if fld else None

    @property
    def body_start(self) -> int:
        """First line of the body (after the header, or 1 without one)."""
        return (self.header_end or 0) + 1

    @property
    def lines(self) -> list[str]:
        """The text's lines (empty when undecodable)."""
        return self.text.split("\n") if self.text is not None else []


@dataclass(frozen=True)
class Proposal:
    """A DEP as typed data. Fields are None where the header could not be understood.

    Attributes:
        path: Repository-relative path.
        number: The number header (the prefix's key, `RFC: 0010`, else `DEP`) as a number (`0010` is 10).
        title: The `Title` header.
        authors: Parsed `Author` header.
        status: The `Status` header, as written.
        type: The `Type` header, as written.
        created: The `Created` header as a date, when it is a valid ISO date.
        extra: Headers beyond the six standard ones, in file order.
        header_lines: Line of each header key (first occurrence).
        sections: The body's second-level section titles, in order.
        headings: Every body heading.
        problems: Short descriptions of what kept the document from being read fully.
    """

    path: str
    number: int | None
    title: str | None
    authors: tuple[Author, ...]
    status: str | None
    type: str | None
    created: dt.date | None
    extra: dict[str, str] = field(default_factory=dict)
    header_lines: dict[str, int] = field(default_factory=dict)
    sections: tuple[str, ...] = ()
    headings: tuple[Heading, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def filename_number(self) -> int | None:
        """The number in the file name (`0008-x.md` is 8), or None."""
        return number_in_filename(self.path.rsplit("/", 1)[-1])

    @property
    def ok(self) -> bool:
        """True when the document was read without problems."""
        return not self.problems

    def details(self, width: int = 4, prefix: str = "DEP") -> dict[str, Any]:
        """Plain data for templates and JSON."""
        number = self.number if self.number is not None else self.filename_number
        return {
            "number": number,
            "label": f"{prefix}-{number:0{width}d}" if number is not None else None,
            "title": self.title,
            "status": self.status,
            "type": self.type,
            "authors": [str(a) for a in self.authors],
            "created": self.created.isoformat() if self.created else None,
            "path": self.path,
            "problems": list(self.problems),
        }


#: The key that held the number before the prefix did (`DEP: 0008`); read whatever the prefix, so documents
#: written by earlier versions of `depgate init` keep their number.
LEGACY_NUMBER_KEY = "DEP"


def number_keys(prefix: str) -> tuple[str, ...]:
    """The header keys that may hold a document's number, preferred first.

    Examples:
        >>> number_keys("RFC"), number_keys("DEP")
        (('RFC', 'DEP'), ('DEP',))
    """
    return (prefix,) if prefix == LEGACY_NUMBER_KEY else (prefix, LEGACY_NUMBER_KEY)


def header_keys(required: Iterable[str], prefix: str) -> tuple[str, ...]:
    """The required headers in a repository's words: the `DEP` entry stands for the number key, the prefix.

    A list that already names the prefix is kept as it is.

    Examples:
        >>> header_keys(["DEP", "Title"], "RFC"), header_keys(["RFC", "Title"], "RFC")
        (('RFC', 'Title'), ('RFC', 'Title'))
    """
    keys = tuple(required)
    if prefix in keys:
        return keys
    return tuple(prefix if key == LEGACY_NUMBER_KEY else key for key in keys)


def parse_number(value: str) -> int | None:
    """Read a number header's value (`RFC: 0010`, `DEP: 0010`): digits only (`0010` is 10); None for anything else."""
    value = value.strip()
    return int(value) if _NUMBER.match(value) else None


def number_in_filename(name: str) -> int | None:
    """Read the number a file name starts with (`0008-x.md` is 8); None when it has none.

    ASCII digits only, at most nine like `parse_number`: a crafted name must not make int() fail.
    """
    match = _FILE_NUMBER.match(name)
    return int(match.group(1)) if match else None


def parse_date(value: str) -> dt.date | None:
    """Read a `Created` value as a strict ISO `YYYY-MM-DD` date; None for anything else."""
    value = value.strip()
    if not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def parse_authors(value: str) -> tuple[Author, ...] | None:
    """Read an `Author` value: `Name @handle`, `@handle` or `Name`, joined with `&`, `,` or ` and `.

    Returns:
        The authors, or None when a part is empty or holds something that is neither.
    """
    # NOTE: split on the bare separators and strip each part: `\s*(?:&|,|\band\b)\s*` gives the same parts
    # but retries its leading `\s*` at every blank of a run, quadratic on a long run of spaces.
    parts = [part.strip() for part in _AUTHOR_SEPARATOR.split(value.strip())]
    authors = []
    for part in parts:
        if not part:
            return None
        handles = _HANDLE.findall(part)
        if len(handles) > 1:
            return None
        name = _HANDLE.sub("", part).strip() or None
        if name is not None and ("@" in name or not re.search(r"\w", name)):
            return None
        # NOTE: an email address in angle brackets is accepted as part of the name.
        authors.append(Author(name=name, handle=handles[0] if handles else None))
    return tuple(authors)
