"""Read DEP documents leniently: any bytes in, a `ProposalDocument` out, never an exception.

The header looks like YAML but is not (`Author: @handle` is a YAML syntax error, and YAML would
retype `0010` and dates), so it is read as the text people wrote: one `Key: value` per line, with
indented continuation lines. `DepHeaderHandler` is that reading as a python-frontmatter handler, and
`read_document` finds the header block through it.

Every pattern here runs in time linear in its input: a fork can put a 1 MiB line in a DEP, and the
index job runs with a write token. No two neighbouring quantifiers may match the same characters
(`[ \t]+(.*?)[ \t]*$` backtracks over a run of blanks once per character of it); where a pattern
cannot be written so, plain string code does the job.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from typing import TYPE_CHECKING, Any

from frontmatter.default_handlers import BaseHandler

from depgate.diagnostics import Location
from depgate.proposals import rules as R
from depgate.proposals.model import (
    LEGACY_NUMBER_KEY,
    HeaderField,
    Heading,
    Proposal,
    ProposalDocument,
    number_keys,
    parse_authors,
    parse_date,
    parse_number,
)

if TYPE_CHECKING:
    from depgate.diagnostics import Diagnostic
    from depgate.tree import Tree

#: Files larger than this are not read (a 50 MB "proposal" is a mistake or an attack).
MAX_BYTES = 1024 * 1024

_DELIMITER = re.compile(r"^-{3}[ \t]*$")
# `Key:`; the value after it is cut out by `_field`, not by a `[ \t]+(.*?)[ \t]*$` tail (quadratic on blanks).
_KEY = re.compile(r"(?P<key>[A-Za-z][A-Za-z0-9_-]*)[ \t]*:")
_FENCE = re.compile(r"^ {0,3}(```+|~~~+)")
_CANDIDATE_LINE = re.compile(r"\n([#`~ ][^\n]*)")
_CANDIDATE_START = frozenset("#`~ ")
STANDARD_KEYS = ("DEP", "Title", "Author", "Status", "Type", "Created")


def _unquote(value: str) -> str:
    # YAML habits: a value wrapped in one pair of matching quotes means the text inside.
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _field(raw: str) -> tuple[str, str] | None:
    """Return `(key, value)` when a header line is `Key: value`, else None.

    The value is what follows the colon, which must be nothing or start with a blank, stripped and unquoted.
    """
    match = _KEY.match(raw)
    if match is None:
        return None
    rest = raw[match.end():]
    if rest and rest[0] not in " \t":  # `Key:value`, without a blank, is not a field
        return None
    return match["key"], _unquote(rest.strip())


def parse_header_lines(lines: list[str], first_line: int) -> tuple[list[HeaderField], list[tuple[int, str]]]:
    """Parse header lines into fields, keeping duplicates and line numbers.

    Args:
        lines: The lines between the delimiters.
        first_line: The 1-based file line of `lines[0]`.

    Returns:
        The fields, and `(line, text)` of each line that is not `Key: value`.
    """
    fields: list[HeaderField] = []
    bad: list[tuple[int, str]] = []
    folding: _Folded | None = None  # the continuation lines of the last field, joined once at the end
    for offset, raw in enumerate(lines):
        line_no = first_line + offset
        if not raw.strip():
            continue
        if raw[0] in " \t" and fields:
            if folding is None:
                folding = _Folded(fields[-1].value)
            folding.add(raw.strip())
            continue
        field = _field(raw)
        if field is None:
            bad.append((line_no, raw))
            continue
        if folding is not None:
            fields[-1] = HeaderField(fields[-1].key, folding.value(), fields[-1].line)
            folding = None
        fields.append(HeaderField(field[0], field[1], line_no))
    if folding is not None:
        fields[-1] = HeaderField(fields[-1].key, folding.value(), fields[-1].line)
    return fields, bad


class _Folded:
    """A header value with continuation lines, built in linear time.

    Each line gives `value = _unquote(f"{value} {line}".strip())`; computing that string again for every
    line costs the square of the header's size (a 1 MiB header of continuation lines took seconds). Only
    the ends of the value can change, so the parts are kept in a queue and joined once.
    """

    def __init__(self, value: str):
        self.parts: deque[str] = deque([value] if value else [])
        self.start = 0  # characters of `parts[0]` already dropped
        self.length = len(value)

    def _first(self) -> str:
        return self.parts[0][self.start]

    def _drop_first(self) -> None:
        self.start += 1
        self.length -= 1
        if self.start == len(self.parts[0]):
            self.parts.popleft()
            self.start = 0

    def add(self, piece: str) -> None:
        """Append a stripped, non-empty continuation line."""
        if self.length:
            self.parts.append(" ")
            self.length += 1
        self.parts.append(piece)
        self.length += len(piece)
        while self.length and self._first().isspace():  # `.strip()`: the piece itself ends with no blank
            self._drop_first()
        if self.length >= 2 and self._first() == piece[-1] and piece[-1] in "\"'":  # `_unquote`
            self._drop_first()
            last = self.parts.pop()
            kept = last[:-1] if len(self.parts) or not self.start else last[self.start:-1]
            if len(self.parts) == 0 and self.start:
                self.start = 0
            if kept:
                self.parts.append(kept)
            self.length -= 1

    def value(self) -> str:
        """The joined value."""
        text = "".join(self.parts)
        return text[self.start:]


class DepHeaderHandler(BaseHandler):
    """python-frontmatter handler for DEP headers: values stay the strings people wrote.

    `read_document` finds the header block with this handler's `split` (python-frontmatter's own, on
    `FM_BOUNDARY`) and reads it with `parse_header_lines`, as `load` does. `numbering` writes the
    lines it fills in with `export`.

    Example:
        >>> import frontmatter
        >>> post = frontmatter.loads("---\\nDEP: 0010\\nAuthor: @me\\n---\\nbody", handler=DepHeaderHandler())
        >>> post["DEP"], post["Author"]
        ('0010', '@me')
    """

    # NOTE: linear on any input: `^` pins each try to a line start, and `[ \t]*$` backtracks at most
    # once over that line's blanks. (python-frontmatter's YAML boundary, `^-{3,}\s*$`, would also take
    # `----` and run across lines.)
    FM_BOUNDARY = re.compile(r"^-{3}[ \t]*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"

    def load(self, fm: str, **kwargs: Any) -> dict[str, str]:
        """Parse header text into a dict (first occurrence of a key wins)."""
        fields, _ = parse_header_lines(fm.split("\n"), 1)
        data: dict[str, str] = {}
        for fld in fields:
            data.setdefault(fld.key, fld.value)
        return data

    def export(self, metadata: dict[str, object], **kwargs: Any) -> str:
        """Write metadata back as `Key: value` lines."""
        return "\n".join(f"{key}: {value}" for key, value in metadata.items())


#: The one handler instance; it holds no state.
HEADER_HANDLER = DepHeaderHandler()


def atx_heading(raw: str) -> tuple[int, str] | None:
    """Split an ATX heading line into its level and text; None when the line is not a heading.

    One to six `#` then a blank (or nothing); the text loses the spaces and tabs around it and a closing
    `#` sequence that follows a blank. Other whitespace is kept, for callers to strip or not.

    Examples:
        >>> atx_heading("## Motivation ##"), atx_heading("#hashtag"), atx_heading("# C#")
        ((2, 'Motivation'), None, (1, 'C#'))
    """
    # NOTE: plain string code, not `#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`: the lazy text and the
    # blanks after it share characters, which made a 30,000-character heading take seconds.
    level = len(raw) - len(raw.lstrip("#"))
    if not 1 <= level <= 6 or raw[level:level + 1] not in ("", " ", "\t"):
        return None
    text = raw[level:].strip(" \t")
    bare = text.rstrip("#")
    if bare != text and bare[-1:] in (" ", "\t"):
        text = bare.rstrip(" \t")
    return level, text


def _heading(raw: str) -> tuple[int, str] | None:
    """Return `(level, text)` when a line is an ATX heading, else None; the text is stripped of all whitespace."""
    heading = atx_heading(raw)
    return (heading[0], heading[1].strip()) if heading is not None else None


def fence_after(fence: str | None, line: str) -> tuple[str | None, bool]:
    """Follow fenced code blocks: the fence open after `line` (None outside code), and whether `line` is a fence.

    `fence` is the one open before the line (three backticks or three tildes); only a marker of the same
    character closes it.
    """
    match = _FENCE.match(line)
    if match is None:
        return fence, False
    marker = match.group(1)
    if fence is None:
        return marker[0] * 3, True
    return (None if marker.startswith(fence) else fence), True


def _headings(text: str, start: int, first_line: int) -> tuple[Heading, ...]:
    """Find the ATX headings of `text[start:]` outside fenced code; `start` begins line `first_line`."""
    found: list[Heading] = []
    fence: str | None = None
    line, pos = first_line, start
    # NOTE: only a line starting with `#` can be a heading, and only one starting with a backtick, a
    # tilde or a space can open or close a fence. A search for a line break followed by one of those
    # finds them (the regex engine scans for the literal `\n` quickly); every other line, nearly all
    # of a document, is never looked at.
    first = [(start, text[start:].partition("\n")[0])] if start == 0 and text[:1] in _CANDIDATE_START else []
    for at, raw in itertools.chain(first, ((m.start(1), m.group(1)) for m in _CANDIDATE_LINE.finditer(
            text, max(start - 1, 0)))):
        line += text.count("\n", pos, at)
        pos = at
        if raw[0] == "#":
            if fence is None:
                heading = _heading(raw)
                if heading is not None:
                    found.append(Heading(heading[0], heading[1], line))
            continue
        fence, _ = fence_after(fence, raw)
    return tuple(found)


def _body_begins(lines: list[str], *, closed: bool) -> int | None:
    """Find where the body visibly starts among the lines after the opening `---`; None when it does not.

    A header line is `Key: value`, an indented continuation or blank. A line that is none of these right
    after a blank line starts the body (Markdown puts a blank line before a heading or a paragraph), and so
    does a heading when no closing line follows at all: the author forgot the closing `---`. Without this,
    every line of prose would be a malformed header line, and a `---` rule further down would close the header.

    Args:
        lines: The lines from line 2 up to the closing line, or to the end when there is none.
        closed: Whether a closing line follows `lines`.

    Returns:
        The index in `lines` of the first body line, or None.
    """
    after_blank = False
    for index, raw in enumerate(lines):
        if not raw.strip():
            after_blank = True
            continue
        if raw[0] not in " \t" and _field(raw) is None and (
                after_blank or (not closed and atx_heading(raw) is not None)):
            return index
        after_blank = False
    return None


def _unclosed(path: str, header_lines: list[str], cut: int | None) -> Diagnostic:
    """The finding for a header without its closing line; `cut` is where the body starts, if it shows."""
    at = Location(path, 1)
    if cut is None:
        return R.UNCLOSED_HEADER.diagnostic(
            "front-matter header opened on line 1 is never closed; add a `---` line after the last header", at)
    last = max((offset + 2 for offset, raw in enumerate(header_lines[:cut]) if raw.strip()), default=1)
    body_line = header_lines[cut]
    return R.UNCLOSED_HEADER.diagnostic(
        f"front-matter header opened on line 1 is not closed before the body: line {cut + 2} "
        f"({body_line.strip()[:60]!r}) already belongs to the body; add a `---` line after line {last}", at)


def read_document(path: str, data: bytes) -> ProposalDocument:
    """Read a DEP document from its bytes. Never raises.

    Args:
        path: Repository-relative path, for findings.
        data: The file's bytes.

    Returns:
        The document, with every reading problem as a finding in `problems`.
    """
    problems: list[Diagnostic] = []
    at = Location(path, 1)
    if len(data) > MAX_BYTES:
        problems.append(R.TOO_LARGE.diagnostic(
            f"document is {len(data):,} bytes, over the {MAX_BYTES:,}-byte limit; it was not read", at))
        return ProposalDocument(path, None, problems=tuple(problems))
    if not data.strip():
        problems.append(R.EMPTY.diagnostic("document is empty; fill it from the template or delete it", at))
        # Blank lines only: still LF-normalised text, as `ProposalDocument.text` promises.
        text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
        return ProposalDocument(path, text, problems=tuple(problems))
    if b"\0" in data:
        problems.append(R.UNREADABLE.diagnostic(
            "document is binary (it contains NUL bytes); it must be UTF-8 text", at))
        return ProposalDocument(path, None, problems=tuple(problems))
    has_bom = data.startswith(b"\xef\xbb\xbf")
    if has_bom:
        data = data[3:]
        problems.append(R.BOM.diagnostic("document starts with a UTF-8 byte-order mark; save it without one", at))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(R.UNREADABLE.diagnostic(
            f"document is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
            Location(path, line)))
        return ProposalDocument(path, None, problems=tuple(problems), has_bom=has_bom)
    has_crlf = "\r\n" in text
    if has_crlf:
        problems.append(R.CRLF.diagnostic("document uses CRLF line endings; use LF", at))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_break = text.find("\n")
    if not _DELIMITER.match(text if first_break < 0 else text[:first_break]):
        problems.append(R.NO_HEADER.diagnostic(
            "document has no front-matter header; its first line must be `---`", at))
        return ProposalDocument(path, text, headings=_headings(text, 0, 1), problems=tuple(problems),
                                has_bom=has_bom, has_crlf=has_crlf)
    # NOTE: python-frontmatter finds the block (`BaseHandler.split`: the first two `FM_BOUNDARY` lines,
    # the first being line 1 as checked above), but `frontmatter.parse`/`loads` cannot be used here:
    # - `parse` strips the whole text first, so the body's offset is lost and a last line such as
    #   `---\x85` turns into a closing delimiter that this reader does not see;
    # - `parse` hides a missing closing line (it returns the whole text as content) and returns a
    #   dict, which loses duplicate keys and every line number the lint reports;
    # - `loads` passes the header keys to `Post(content, handler, **metadata)`, so a `handler:` or
    #   `content:` header raises TypeError.
    # `split` returns the texts between the delimiters unchanged, so lines are counted from their lengths.
    try:
        fm, content = HEADER_HANDLER.split(text)
    except ValueError:  # one delimiter only: `split` has fewer than three parts to unpack
        header_lines = text[first_break + 1:].split("\n") if first_break >= 0 else []
        end: int | None = None
    else:
        header_text = fm[1:]  # `fm` starts with the line break that ends line 1
        header_lines = header_text[:-1].split("\n") if header_text else []
        end = len(header_lines) + 1  # 0-based index of the closing line
    cut = _body_begins(header_lines, closed=end is not None)
    headings: tuple[Heading, ...] = ()
    if cut is not None:  # the body starts before any closing line: that `---` (if any) is a rule in the body
        body_offset = first_break + 1 + sum(len(raw) + 1 for raw in header_lines[:cut])
        problems.append(_unclosed(path, header_lines, cut))
        header_lines, end = header_lines[:cut], None
        headings = _headings(text, body_offset, cut + 2)
    elif end is not None:
        # The body starts past the closing line and its line break.
        headings = _headings(text, len(text) - len(content) + 1, end + 2)
    else:
        problems.append(_unclosed(path, header_lines, None))
    fields, bad = parse_header_lines(header_lines, 2)
    if bad:
        line_no, raw = bad[0]
        more = len(bad) - 1
        others = f"; so {'is' if more == 1 else 'are'} {more} more header line{'s' * (more > 1)} below" if more else ""
        problems.append(R.MALFORMED_LINE.diagnostic(
            f"header line {raw.strip()[:80]!r} is not `Key: value`{others}", Location(path, line_no)))
    for offset, raw in enumerate(header_lines):
        if "\t" in raw:
            problems.append(R.TAB_IN_HEADER.diagnostic("header line contains a tab; use spaces",
                                                       Location(path, offset + 2)))
    return ProposalDocument(
        path=path, text=text, fields=tuple(fields), header_start=1,
        header_end=(end + 1) if end is not None else None, headings=headings,
        problems=tuple(problems), has_bom=has_bom, has_crlf=has_crlf,
    )


def read_from_tree(tree: Tree, path: str, kind: str = "file") -> ProposalDocument:
    """Read one document from a `Tree`, refusing folders, links and oversized files without reading them."""
    at = Location(path, None)
    if kind != "file":
        what = {"dir": "a folder", "link": "a symbolic link"}.get(kind, "not a regular file")
        return ProposalDocument(path, None, problems=(R.NOT_A_FILE.diagnostic(
            f"{path} is {what}, not a document; depgate does not follow it", at),))
    try:
        size = tree.size(path)
        if size is None:
            return ProposalDocument(path, None, problems=(R.NOT_A_FILE.diagnostic(
                f"{path} is not a regular file", at),))
        if size > MAX_BYTES:
            return ProposalDocument(path, None, problems=(R.TOO_LARGE.diagnostic(
                f"document is {size:,} bytes, over the {MAX_BYTES:,}-byte limit; it was not read",
                Location(path, 1)),))
        data = tree.read(path)
    except OSError as exc:  # a permission problem, in `size` as much as in `read`
        return ProposalDocument(path, None, problems=(R.UNREADABLE.diagnostic(f"cannot read: {exc.strerror}", at),))
    if data is None:
        return ProposalDocument(path, None, problems=(R.NOT_A_FILE.diagnostic(f"{path} is not a regular file", at),))
    return read_document(path, data)


def to_proposal(doc: ProposalDocument, prefix: str = LEGACY_NUMBER_KEY) -> Proposal:
    """Build the typed proposal from a document, best effort: what cannot be understood is None.

    Args:
        doc: The document as read.
        prefix: The repository's prefix; its key holds the number (`RFC: 0001`), else the `DEP` key does.

    Returns:
        The proposal.
    """
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    for fld in doc.fields:
        values.setdefault(fld.key, fld.value)
        lines.setdefault(fld.key, fld.line)
    keys = number_keys(prefix)
    key = next((k for k in keys if k in values), None)
    number = parse_number(values[key]) if key is not None else None
    authors = parse_authors(values["Author"]) if values.get("Author") else None
    created = parse_date(values["Created"]) if "Created" in values else None
    sections = tuple(h.text for h in doc.headings if h.level == 2)
    problems = tuple(d.message for d in doc.problems if d.severity.name == "ERROR")
    return Proposal(
        path=doc.path,
        number=number,
        title=values.get("Title") or None,
        authors=authors or (),
        status=values.get("Status") or None,
        type=values.get("Type") or None,
        created=created,
        extra={k: v for k, v in values.items() if k not in STANDARD_KEYS and k not in keys},
        header_lines=lines,
        sections=sections,
        headings=doc.headings,
        problems=problems,
    )
