"""Numbers and file names of new DEP documents (`depgate new`).

Pure functions: which numbers are taken, which are missing, which one comes next, the slug of a
title, and the text of a new document filled in from the template. Nothing here touches the disk.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from depgate.errors import UsageError
from depgate.proposals.model import header_keys, number_in_filename, number_keys
from depgate.proposals.reader import HEADER_HANDLER, parse_header_lines

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from depgate.proposals.model import Proposal

#: Longest slug, in characters; long titles are cut at a word boundary.
MAX_SLUG = 50
_DELIMITER = re.compile(r"^-{3}[ \t]*$")
_H1 = re.compile(r"^#[ \t]")
# Characters that have no place in a one-line header value or a file name: controls, line and
# paragraph separators, and the bidirectional overrides used to disguise text.
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def used_numbers(proposals: Iterable[Proposal], entry_names: Iterable[str] = ()) -> set[int]:
    """Collect every number already taken in the folder.

    A number counts as taken when a document's `DEP` header holds it or when any folder entry's name
    starts with it (`0007-x.md`, even a broken file or a folder), so a new document never collides.

    Args:
        proposals: The folder's proposals (`FolderDocument.proposal` of `load_folder`).
        entry_names: Names of every entry of the folder (files and others).

    Returns:
        The set of numbers in use.
    """
    taken: set[int] = set()
    for proposal in proposals:
        if proposal.number is not None:
            taken.add(proposal.number)
        if proposal.filename_number is not None:
            taken.add(proposal.filename_number)
    for name in entry_names:
        number = number_in_filename(name)
        if number is not None:
            taken.add(number)
    taken.discard(0)
    return taken


def missing_ranges(taken: Iterable[int]) -> list[tuple[int, int]]:
    """Return the runs of unused numbers between 1 and the highest taken one, as `(first, last)`.

    The work depends on how many numbers are taken, not on how large they are: a hostile `DEP:
    999999999` costs one range, not a billion numbers.

    Examples:
        >>> missing_ranges({2, 5, 7})
        [(1, 1), (3, 4), (6, 6)]
    """
    runs = []
    previous = 0
    for n in sorted({n for n in taken if n > 0}):
        if n > previous + 1:
            runs.append((previous + 1, n - 1))
        previous = n
    return runs


def missing_numbers(taken: Iterable[int], limit: int | None = None) -> list[int]:
    """Return the numbers between 1 and the highest taken one that nobody uses, ascending.

    Args:
        taken: Numbers in use.
        limit: Return at most this many (the lowest ones); None for all of them.

    Examples:
        >>> missing_numbers({1, 2, 5, 7})
        [3, 4, 6]
    """
    out: list[int] = []
    for first, last in missing_ranges(taken):
        if limit is not None and len(out) + (last - first + 1) > limit:
            out.extend(range(first, first + limit - len(out)))
            break
        out.extend(range(first, last + 1))
    return out


def next_number(taken: Iterable[int]) -> int:
    """Return the number after the highest one taken (1 for an empty folder); gaps are never reused.

    Examples:
        >>> next_number({1, 2, 5})
        6
        >>> next_number(set())
        1
    """
    return max((n for n in taken if n > 0), default=0) + 1


def choose_number(taken: set[int], *, requested: int | None = None, reuse_gap: bool = False) -> int:
    """Pick the number of a new document.

    Args:
        taken: Numbers already in use.
        requested: A number asked for explicitly (`--number`); it must be free.
        reuse_gap: Take the lowest missing number instead of the next one, when there is a gap.

    Returns:
        The number to use.

    Raises:
        UsageError: the requested number is taken or not positive.
    """
    if requested is not None:
        if requested < 1:
            raise UsageError(f"--number must be 1 or more, not {requested}")
        if requested in taken:
            raise UsageError(f"number {requested} is already used in the folder",
                             hint=f"the next free number is {next_number(taken)}; omit --number to get it")
        return requested
    if reuse_gap:
        gaps = missing_numbers(taken, limit=1)
        if gaps:
            return gaps[0]
    return next_number(taken)


def slugify(title: str, max_length: int = MAX_SLUG) -> str:
    """Turn a title into a file-name slug: ASCII, lower case, words joined by hyphens.

    Accents are folded (`é` becomes `e`); other non-ASCII characters are dropped. The slug is cut at
    a hyphen to stay within `max_length`. An empty result means the title has no usable word.

    Examples:
        >>> slugify("Scaled RoPE: a new ABC!")
        'scaled-rope-a-new-abc'
        >>> slugify("Crème brûlée  offload")
        'creme-brulee-offload'
    """
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
        slug = slug[:max_length].strip("-")
    return slug


def check_one_line(value: str, what: str) -> str:
    """Return `value` stripped, or raise when it cannot be one header line.

    Raises:
        UsageError: the value is empty or holds a newline or another control character.
    """
    if _FORBIDDEN.search(value):
        raise UsageError(f"the {what} must be one line of text without control characters: {value!r}")
    value = value.strip()
    if not value:
        raise UsageError(f"the {what} must not be empty")
    return value


def file_name(number: int, slug: str, width: int = 4) -> str:
    """Return the file name of a document: `0008-activation-offloading.md`."""
    return f"{number:0{width}d}-{slug}.md"


def render_new_document(
    template: str,
    *,
    number: int,
    title: str,
    author: str,
    status: str,
    type_: str,
    created: dt.date,
    prefix: str = "DEP",
    width: int = 4,
    required_headers: Iterable[str] = ("DEP", "Title", "Author", "Status", "Type", "Created"),
) -> str:
    """Fill the template's header and first heading for a new document.

    The header values of the number (the prefix's key, `RFC`, or the older `DEP`), `Title`, `Author`,
    `Status`, `Type` and `Created` are replaced (required ones the template lacks are added at the end
    of the header); the first level-one heading becomes `# RFC-NNNN: Title`. The rest of the template,
    guidance included, is kept for the author to fill in. The result has LF line endings.

    Args:
        template: The template's text.
        number: The document number.
        title: The title (one line).
        author: The `Author` value (one line).
        status: The initial status.
        type_: The proposal type.
        created: The creation date.
        prefix: Document prefix, for the heading and the number's header key.
        width: Digits of the padded number.
        required_headers: Header keys every document must have, in order (`DEP` stands for the prefix's key).

    Returns:
        The document's text.

    Raises:
        UsageError: the template has no front-matter header.
    """
    text = template.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if _DELIMITER.match(lines[i])), None)
    if not lines or not _DELIMITER.match(lines[0]) or end is None:
        raise UsageError("the template has no front-matter header between `---` lines",
                         hint=f"start the template with the header block of a {prefix} document")
    label = f"{number:0{width}d}"
    keys = number_keys(prefix)
    values = {**dict.fromkeys(keys, label), "Title": title, "Author": author, "Status": status, "Type": type_,
              "Created": created.isoformat()}
    fields, _ = parse_header_lines(lines[1:end], 2)
    present = {fld.key for fld in fields}
    if present & set(keys):  # the template has a number line: it is filled in, no second one is added
        present |= set(keys)
    # NOTE: the lines depgate fills in are written by the header handler's `export`; the rest of the
    # template's header (other keys, comments, continuation lines, its own spacing) is kept as it is.
    # `frontmatter.dumps` cannot write the whole document: it rebuilds the header from a dict (losing
    # all of that) and strips the result, dropping the template's last line break.
    header: list[str] = []
    numbered = False
    for raw in lines[1:end]:
        match = re.match(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*)[ \t]*:", raw)
        if match and match["key"] in keys:
            # A template's `DEP:` line under another prefix becomes the prefix's (`RFC: 0002`); one number line.
            if not numbered:
                header.append(HEADER_HANDLER.export({keys[0]: label}))
            numbered = True
        elif match and match["key"] in values:
            header.append(HEADER_HANDLER.export({match["key"]: values[match["key"]]}))
        elif raw[:1] in (" ", "\t") and header and header[-1].split(":", 1)[0] in values:
            continue  # a continuation line of a value that was just replaced
        else:
            header.append(raw)
    header += [HEADER_HANDLER.export({key: values[key]}) for key in header_keys(required_headers, prefix)
               if key in values and key not in present]
    body = lines[end + 1:]
    heading = f"# {prefix}-{label}: {title}"
    for i, raw in enumerate(body):
        if _H1.match(raw):
            body[i] = heading
            break
    else:
        body = ["", heading, *body] if body and not body[0].strip() else ["", heading, "", *body]
    return "\n".join([lines[0], *header, lines[end], *body])
