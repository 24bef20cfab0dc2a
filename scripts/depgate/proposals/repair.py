"""Write status repairs into a proposal's header, byte for byte (DEP-0005).

`depgate status --write` and the scheduled index job change two things in a document and nothing else:
the value of its `Status` line, and one `Implementation:` line that lists the changes that implemented
it. Everything else (a byte-order mark, CRLF or LF endings, a missing final newline, headers depgate
does not know, the body) comes out as it went in, so the diff a maintainer reviews is one or two lines.

The lines are found with the project's header reader (`depgate.proposals.reader.read_document`), so
what lint reads and what this module writes agree; the header is never parsed as YAML. The edit is
read back with the same reader before it is returned, and refused when it would not read as intended.

Choices about the bytes of an edited line:

- `Status`: only the value changes. The key, the blanks between the colon and the value, quotes
  around the value (`Status: "Draft"`) and blanks after it stay; an empty value gets one space after
  the colon.
- `Implementation`: new references are appended after the existing ones (inside quotes, if any),
  joined with `, `; references already there, in any order, are not repeated. A commit id counts as
  already there when one of the two is a prefix of the other (`3f2c1e0` and `3f2c1e0d9b8a`).
- A new `Implementation` line goes right after the header's last non-blank line (blank lines before
  the closing `---` stay where they are) and ends with that line's own line ending.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from depgate.errors import UsageError
from depgate.proposals.evidence import IMPLEMENTATION_KEY, Strength
from depgate.proposals.reader import read_document

if TYPE_CHECKING:
    from collections.abc import Sequence

    from depgate.proposals.evidence import Repair
    from depgate.proposals.model import HeaderField, ProposalDocument

#: The header whose value `apply_repair` replaces.
STATUS_KEY = "Status"
_BOM = b"\xef\xbb\xbf"
# The line breaks the reader counts (it turns `\r\n`, then a lone `\r`, into `\n`); `str.splitlines`
# would also break on U+2028 and friends and so disagree with the reader's line numbers.
_BREAK = re.compile(r"\r\n|\r|\n")
_PULL_REF = re.compile(r"#[0-9]+", re.ASCII)
_SHA_REF = re.compile(r"[0-9a-fA-F]{7,40}", re.ASCII)
_REF_SEPARATOR = re.compile(r"[\s,]+")
# Line and paragraph separators, C0/C1 controls (tabs and line breaks included) and invisible format
# characters (bidirectional overrides): none belongs in a header value a person reviews.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
_QUOTES = "\"'"
_RETRY = "fix the header by hand, then run again"


def implementation_refs(value: str) -> tuple[str, ...]:
    """Split an `Implementation` header value into its references.

    Args:
        value: The value as the reader returns it (`#35, #40 3f2c1e0d9b8a`).

    Returns:
        The references in the order written, separated by commas and/or whitespace; empty pieces dropped.

    Examples:
        >>> implementation_refs("#35, #40 3f2c1e0d9b8a")
        ('#35', '#40', '3f2c1e0d9b8a')
        >>> implementation_refs("")
        ()
    """
    return tuple(ref for ref in _REF_SEPARATOR.split(value) if ref)


def apply_repairs(data: bytes, repairs: Sequence[Repair], *, path: str, include_inferred: bool = False) -> bytes:
    """Apply a proposal's repairs to its bytes.

    Args:
        data: The document's bytes.
        repairs: The repairs of this one document, in the order they were proposed.
        path: The document's path, for errors.
        include_inferred: Also apply the repairs backed by inferred evidence (a person confirmed them); by
            default only `Repair.automatic` ones are applied. Repairs that need a decision (accepting a
            draft, naming a successor) are never applied here.

    Returns:
        The repaired bytes; `data` itself when nothing changes.

    Raises:
        UsageError: The header cannot be edited safely, or a repair holds a bad status or reference.
    """
    status: str | None = None
    refs: list[str] = []
    for repair in repairs:
        if not (repair.automatic or (include_inferred and repair.strength is Strength.INFERRED)):
            continue
        if repair.status is not None:
            status = repair.status  # a later status wins
        refs.extend(repair.implementation)
    return apply_repair(data, status=status, implementation=refs, path=path)


def apply_repair(data: bytes, *, status: str | None, implementation: Sequence[str], path: str) -> bytes:
    """Set a document's `Status` and add references to its `Implementation` header, keeping every other byte.

    Args:
        data: The document's bytes.
        status: The new `Status` value, or None to keep it. Equal to the current value: no change.
        implementation: References to add (`#123`, or a commit id of 7 to 40 hex digits); those already in
            the header are skipped.
        path: The document's path, for errors.

    Returns:
        The edited bytes; `data` itself when nothing changes. Applying the same repair again returns its
        input unchanged.

    Raises:
        UsageError: The status or a reference is not valid, or the header cannot be edited safely (no
            header, an unclosed one, two `Status` or `Implementation` lines, text that is not UTF-8).

    Examples:
        >>> apply_repair(b"---\\nDEP: 0005\\nStatus: Draft\\n---\\nBody\\n", status="Implemented",
        ...              implementation=["#35"], path="deps/0005-x.md")
        b'---\\nDEP: 0005\\nStatus: Implemented\\nImplementation: #35\\n---\\nBody\\n'
    """
    refs = _checked_refs(implementation, path)
    if status is not None:
        _check_status(status, path)
    if status is None and not refs:
        return data
    doc, lines, closing = _read(data, path)
    before = [list(pair) for pair in lines]
    wanted_refs: tuple[str, ...] | None = None
    if status is not None:
        _set_status(doc, lines, closing, status, path)
    if refs:
        wanted_refs = _add_refs(doc, lines, closing, refs, path)
    if lines == before:
        return data
    prefix = _BOM if data.startswith(_BOM) else b""
    result = prefix + "".join(content + end for content, end in lines).encode("utf-8")
    _verify(doc, result, status, wanted_refs, path)
    return result


# -- checks of the requested values ------------------------------------------------------------------


def _unsafe_character(value: str) -> str | None:
    """The first line break, control or invisible format character in `value`, as `U+XXXX`; None when clean."""
    for char in value:
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


def _check_status(status: str, path: str) -> None:
    """The new status must be one visible word or phrase that the reader reads back as written."""
    hint = "pass a status word from the configuration's `status` section"
    if not status.strip():
        raise UsageError("the new status is empty; a Status header needs a value", path=path, hint=hint)
    bad = _unsafe_character(status)
    if bad is not None:
        raise UsageError(f"the new status {status!r} contains a line break or control character ({bad})",
                         path=path, hint=hint)
    if status != status.strip() or (len(status) >= 2 and status[0] == status[-1] and status[0] in _QUOTES):
        raise UsageError(f"the new status {status!r} has surrounding blanks or quotes, which the header reader drops",
                         path=path, hint=hint)


def _checked_refs(implementation: Sequence[str], path: str) -> list[str]:
    """Validate the references to add and drop repeats, keeping the first of each."""
    refs: list[str] = []
    for ref in implementation:
        if not isinstance(ref, str) or not (_PULL_REF.fullmatch(ref) or _SHA_REF.fullmatch(ref)):
            raise UsageError(
                f"implementation reference {ref!r} is neither a pull request number (`#123`) nor a commit id "
                "(7 to 40 hex digits)", path=path, hint="cite the change as `#<pull number>` or by its commit id")
        if not any(same_ref(ref, seen) for seen in refs):
            refs.append(ref)
    return refs


def same_ref(one: str, other: str) -> bool:
    """Two references name the same change: equal pull numbers, or commit ids of which one prefixes the other."""
    if _PULL_REF.fullmatch(one) and _PULL_REF.fullmatch(other):
        return int(one[1:]) == int(other[1:])
    if _SHA_REF.fullmatch(one) and _SHA_REF.fullmatch(other):
        one, other = one.lower(), other.lower()
        return one.startswith(other) or other.startswith(one)
    return one == other


# -- reading -----------------------------------------------------------------------------------------


def _split_lines(text: str) -> list[list[str]]:
    """Cut text into `[content, line ending]` pairs at the breaks the reader counts; the last ending may be ''."""
    lines: list[list[str]] = []
    pos = 0
    for match in _BREAK.finditer(text):
        lines.append([text[pos:match.start()], match.group()])
        pos = match.end()
    lines.append([text[pos:], ""])
    return lines


def _read(data: bytes, path: str) -> tuple[ProposalDocument, list[list[str]], int]:
    """Read the document and cut its text into lines; refuse what cannot be edited safely.

    Returns:
        The document as read, its `[content, line ending]` pairs, and the index of the closing `---` line.
    """
    doc = read_document(path, data)
    raw = data[len(_BOM):] if data.startswith(_BOM) else data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"document is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); depgate edits only "
            "UTF-8 text", path=path, line=raw[:exc.start].count(b"\n") + 1,
            hint="save the document as UTF-8, then run again") from None
    if doc.text is None:  # binary or too large: the reader says which
        reason = doc.problems[0].message if doc.problems else "document cannot be read"
        raise UsageError(reason, path=path, line=1, hint="fix the document by hand")
    if doc.header_start is None:
        raise UsageError("document has no front-matter header (its first line must be `---`), so there is no "
                         "Status line to edit", path=path, line=1, hint="add the header from the template, then "
                         "run again")
    if doc.header_end is None:
        raise UsageError("front-matter header opened on line 1 is not closed; depgate will not guess where it ends",
                         path=path, line=1, hint="add a `---` line after the last header line, then run again")
    lines = _split_lines(text)
    if len(lines) != len(doc.lines):  # the reader and this module must count lines alike
        raise UsageError("document's lines cannot be matched with the header reader's", path=path, hint=_RETRY)
    return doc, lines, doc.header_end - 1


def _one_field(doc: ProposalDocument, key: str, path: str) -> HeaderField | None:
    """The one header line with this key; refuse two, or one spelled in another case."""
    found = [fld for fld in doc.fields if fld.key.lower() == key.lower()]
    if len(found) > 1:
        where = ", ".join(str(fld.line) for fld in found)
        raise UsageError(f"header has {len(found)} `{key}` lines (lines {where}); depgate cannot tell which one "
                         "to edit", path=path, line=found[1].line, hint=f"keep one `{key}` line, then run again")
    if found and found[0].key != key:
        raise UsageError(f"header key `{found[0].key}` must be written `{key}`", path=path, line=found[0].line,
                         hint=f"rename it to `{key}`, then run again")
    return found[0] if found else None


def _continuation(lines: list[list[str]], closing: int, fld: HeaderField) -> list[int]:
    """Indexes of the indented lines that continue a field's value (the reader folds them into it)."""
    found: list[int] = []
    for index in range(fld.line, closing):  # from the line after the field's (0-based `fld.line`) to the closing
        content = lines[index][0]
        if not content.strip():
            continue
        if content[0] not in " \t":
            break
        found.append(index)
    return found


def _value_span(content: str, start: int) -> tuple[int, int]:
    """Where the value of a line sits, from `start` (just after the colon): blanks around it and one pair of
    matching quotes excluded. An empty value sits at the end of the line."""
    rest = content[start:]
    stripped = rest.strip()
    if not stripped:
        return len(content), len(content)
    begin = start + len(rest) - len(rest.lstrip())
    end = begin + len(stripped)
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in _QUOTES:
        return begin + 1, end - 1
    return begin, end


def _after_colon(content: str, key: str) -> int:
    """Index just after the colon of a `Key: value` line (the reader allows blanks before the colon)."""
    return content.index(":", len(key)) + 1


def _replace(content: str, begin: int, end: int, text: str, colon_end: int) -> str:
    """Put `text` in place of `content[begin:end]`; an empty value gets one space after the colon."""
    if begin == end == len(content) and begin >= colon_end:
        return content[:colon_end] + " " + text
    return content[:begin] + text + content[end:]


# -- editing -----------------------------------------------------------------------------------------


def _set_status(doc: ProposalDocument, lines: list[list[str]], closing: int, status: str, path: str) -> None:
    """Change the value of the one `Status` line."""
    fld = _one_field(doc, STATUS_KEY, path)
    if fld is None:
        raise UsageError("header has no `Status` line to change", path=path, line=doc.header_end,
                         hint="add `Status: <value>` to the header from the template, then run again")
    more = _continuation(lines, closing, fld)
    if more:
        raise UsageError(f"the `Status` value continues on line {more[0] + 1}; depgate edits only a one-line Status",
                         path=path, line=fld.line, hint="write the Status on one line, then run again")
    if fld.value == status:
        return
    content = lines[fld.line - 1][0]
    colon_end = _after_colon(content, fld.key)
    begin, end = _value_span(content, colon_end)
    lines[fld.line - 1][0] = _replace(content, begin, end, status, colon_end)


def _add_refs(doc: ProposalDocument, lines: list[list[str]], closing: int, refs: list[str], path: str
              ) -> tuple[str, ...]:
    """Append the missing references to the `Implementation` line, or add that line; return the refs it should hold."""
    fld = _one_field(doc, IMPLEMENTATION_KEY, path)
    present = implementation_refs(fld.value) if fld is not None else ()
    odd = next((ref for ref in present if not (_PULL_REF.fullmatch(ref) or _SHA_REF.fullmatch(ref))), None)
    if odd is not None and fld is not None:
        # NOTE: appending to a value depgate cannot read would hide the new references in text nobody can parse.
        raise UsageError(f"the `{IMPLEMENTATION_KEY}` header holds {odd[:40]!r}, which is neither a pull request "
                         "number (`#123`) nor a commit id", path=path, line=fld.line,
                         hint=f"keep only `#123` or commit ids in `{IMPLEMENTATION_KEY}`, then run again")
    new = [ref for ref in refs if not any(same_ref(ref, old) for old in present)]
    if not new:
        return present
    joined = ", ".join(new)
    if fld is None:
        after = max((i for i in range(1, closing) if lines[i][0].strip()), default=0)
        lines.insert(after + 1, [f"{IMPLEMENTATION_KEY}: {joined}", lines[after][1]])
        return tuple(new)
    more = _continuation(lines, closing, fld)
    index = more[-1] if more else fld.line - 1
    content = lines[index][0]
    colon_end = _after_colon(content, fld.key) if index == fld.line - 1 else 0
    begin, end = _value_span(content, colon_end)
    written = content[begin:end].rstrip()
    if not written:
        text = joined
    elif written.endswith(","):
        text = content[begin:end] + " " + joined
    else:
        text = content[begin:end] + ", " + joined
    lines[index][0] = _replace(content, begin, end, text, colon_end)
    return (*present, *new)


def _verify(doc: ProposalDocument, result: bytes, status: str | None, refs: tuple[str, ...] | None,
            path: str) -> None:
    """Read the edit back: the two values must read as intended and every other header field as before."""
    edited = read_document(path, result)
    bookkeeping = {STATUS_KEY, IMPLEMENTATION_KEY}
    others = [(f.key, f.value) for f in doc.fields if f.key not in bookkeeping]
    problems: list[str] = []
    if edited.header_end is None or [(f.key, f.value) for f in edited.fields if f.key not in bookkeeping] != others:
        problems.append("other header lines would change")
    if status is not None and edited.value(STATUS_KEY) != status:
        problems.append(f"Status would read {edited.value(STATUS_KEY)!r}")
    if refs is not None and implementation_refs(edited.value(IMPLEMENTATION_KEY) or "") != refs:
        problems.append(f"Implementation would read {edited.value(IMPLEMENTATION_KEY)!r}")
    if problems:
        fld = doc.get(STATUS_KEY) if status is not None else doc.get(IMPLEMENTATION_KEY)
        raise UsageError("header cannot be edited safely: " + "; ".join(problems), path=path,
                         line=fld.line if fld is not None else doc.header_end, hint=_RETRY)
