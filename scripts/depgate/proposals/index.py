"""The generated index of the proposals (`deps/INDEX.md` by default).

Pure functions: proposals in, Markdown text out. `build_context` turns proposals into plain,
already-escaped data; `render_region` feeds it to a jinja2 template (the shipped one or the
project's own, in a sandbox); `splice` puts the result between the generated-region markers of an
existing file and leaves everything a person wrote around them alone.

Every string that comes from a document (titles, authors, statuses, file names, problems) is
escaped here, before any template sees it, so a hostile title cannot break the table, inject HTML
or mention anyone, whatever the template does. The output depends only on the input: no
timestamps, a stable order (by number, then path).
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from depgate.errors import ConfigError, UsageError
from depgate.proposals.folder import no_gc_pauses
from depgate.proposals.numbering import missing_numbers, missing_ranges, next_number, used_numbers
from depgate.report.escape import md_inline

if TYPE_CHECKING:
    from collections.abc import Iterable

    from depgate.config import ProposalsConfig
    from depgate.proposals.model import Proposal

#: Line opening the generated region; everything up to `MARKER_END` is replaced on `--write`.
MARKER_BEGIN = "<!-- depgate:index:begin -->"
#: Line closing the generated region.
MARKER_END = "<!-- depgate:index:end -->"
#: The shipped template, inside `depgate/proposals/templates/`.
BUILTIN_TEMPLATE = "index.md.j2"
#: Shown in cells that have no value.
BLANK = "—"
#: At most this many missing numbers are listed one by one (`missing`); `missing_ranges` has them all.
MAX_MISSING_LISTED = 1000
_NO_STATUS = "No status"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _cell(value: object) -> str:
    return _md(value) if value not in (None, "") else BLANK


def _href(target: str) -> str:
    # NOTE: the target is percent-encoded down to unreserved characters and `/`, so no name can end
    # the link early, add a title, or turn into a `javascript:` URL. A file name that is not UTF-8
    # reaches us with surrogate escapes: they are encoded back to the name's own bytes.
    try:
        raw = target.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # not from a file name: no bytes to restore
        raw = target.encode("utf-8", "replace")
    return quote(raw, safe="/")


@functools.lru_cache(maxsize=4096)
def _md_text(text: str) -> str:
    # Cached: statuses, types and many authors repeat across thousands of rows.
    return md_inline(_SURROGATE.sub("\ufffd", text))


def _md(value: object) -> str:
    """Escape text for Markdown (`md_inline`); lone surrogates, from file names that are not UTF-8, become U+FFFD.

    Without that, a single badly named file would make the whole index impossible to write.
    """
    return _md_text(str(value))


def _padded(number: int, width: int) -> str:
    return f"{number:0{width}d}"


def _ranges(runs: list[tuple[int, int]], width: int) -> list[str]:
    """Show runs of numbers: `[(3, 3), (5, 7)]` gives `['0003', '0005–0007']`."""
    return [_padded(a, width) if a == b else f"{_padded(a, width)}–{_padded(b, width)}" for a, b in runs]


def _row(proposal: Proposal, index_dir: str, prefix: str, width: int) -> dict[str, Any]:
    """Plain, escaped data of one proposal for the template."""
    data = proposal.details(width=width, prefix=prefix)
    number = data["number"]
    folder, _, name = proposal.path.rpartition("/")
    # NOTE: documents normally sit next to the index; `relpath` (two `getcwd` calls) only for the rest.
    target = name if folder and folder == index_dir else posixpath.relpath(proposal.path, index_dir or ".")
    href = _href(target)
    file_link = f"[{_md(name)}]({href})"
    problems = [_md(p) for p in data["problems"]]
    if number is None:
        problems.append(f"has no number: neither the {prefix} header nor the file name gives one")
    padded = _padded(number, width) if number is not None else None
    return {
        "number": number,
        "padded": padded,
        "link": f"[{padded}]({href})" if number is not None else file_link,
        "label_link": f"[{_md(prefix)}-{padded}]({href})" if number is not None else file_link,
        "file_link": file_link,
        "title": _cell(data["title"]),
        "status": _cell(data["status"]),
        "type": _cell(data["type"]),
        "authors": ", ".join(_md(a) for a in data["authors"]) or BLANK,
        "created": data["created"] or BLANK,
        "problems": problems,
        "ok": not problems,
        "_path": proposal.path,
        "_status": data["status"],
    }


def _sort_key(row: dict[str, Any]) -> tuple[int, int, str]:
    number = row["number"]
    return (0 if number is not None else 1, number or 0, row["_path"])


def build_context(
    proposals: Iterable[Proposal],
    config: ProposalsConfig,
    *,
    index_path: str,
    taken: set[int] | None = None,
) -> dict[str, Any]:
    """Turn proposals into the data the index template renders; every string is already escaped.

    Args:
        proposals: The folder's proposals, in any order.
        config: The `proposals` configuration (prefix, width, statuses).
        index_path: Repository-relative path of the index file; links are relative to its folder.
        taken: Numbers in use, when the caller knows more than the proposals (folder entries that are
            not documents); defaults to the numbers of the proposals.

    Returns:
        A dict of plain data (see the shipped template for how each key is used).
    """
    proposals = list(proposals)
    prefix, width = config.prefix, config.number_width
    index_dir = posixpath.dirname(index_path)
    with no_gc_pauses():  # thousands of small dicts: see `no_gc_pauses`
        rows = sorted((_row(p, index_dir, prefix, width) for p in proposals), key=_sort_key)
    numbered = [r for r in rows if r["number"] is not None]
    if taken is None:
        taken = used_numbers(proposals)
    counts: dict[int, int] = {}
    for row in numbered:
        counts[row["number"]] = counts.get(row["number"], 0) + 1
    known = list(config.statuses)
    unknown = sorted({r["_status"] for r in rows if r["_status"] is not None and r["_status"] not in known})
    sections = []
    for status in [*known, *unknown, None]:
        members = [r for r in rows if r["_status"] == status]
        if members:
            sections.append({"status": _md(status) if status is not None else _NO_STATUS,
                             "unknown": status is not None and status not in known, "proposals": members})
    missing = missing_numbers(taken, limit=MAX_MISSING_LISTED)
    following = next_number(taken)
    return {
        "prefix": _md(prefix),
        "count": len(rows),
        "proposals": numbered,
        "unnumbered": [r for r in rows if r["number"] is None],
        "problems": [r for r in rows if r["problems"]],
        "sections": sections,
        "missing": [_padded(n, width) for n in missing],
        "missing_ranges": _ranges(missing_ranges(taken), width),
        "duplicates": [_padded(n, width) for n, c in sorted(counts.items()) if c > 1],
        "next_number": _padded(following, width),
        "next_label": f"{_md(prefix)}-{_padded(following, width)}",
    }


def builtin_template() -> str:
    """Return the text of the shipped index template."""
    return resources.files("depgate.proposals").joinpath("templates", BUILTIN_TEMPLATE).read_text(encoding="utf-8")


def _environment() -> SandboxedEnvironment:
    # Markdown, not HTML: autoescape is off because every value is escaped in `build_context`. The
    # sandbox keeps a project's own template from reaching Python internals.
    env = SandboxedEnvironment(
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = _md
    return env


def render_region(context: dict[str, Any], template: str | None = None, *, template_name: str | None = None) -> str:
    """Render the text that goes between the markers.

    Args:
        context: Data from `build_context`.
        template: The jinja2 source; the shipped template when None.
        template_name: Where the template came from, for error messages.

    Returns:
        The region's text: LF line endings, ending with exactly one newline.

    Raises:
        ConfigError: the template does not compile, uses an unknown name, tries something the
            sandbox forbids, or writes a generated-region marker.
    """
    name = template_name or f"<built-in {BUILTIN_TEMPLATE}>"
    source = builtin_template() if template is None else template
    try:
        with no_gc_pauses():  # a row per document: see `no_gc_pauses`
            text = _environment().from_string(source).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"index template does not compile: {exc.message}", path=name, line=exc.lineno,
                          hint="fix the jinja2 syntax, or remove `proposals.index-template` to use the built-in one"
                          ) from None
    except jinja2.TemplateError as exc:
        raise ConfigError(f"index template failed to render: {exc.message or exc}", path=name,
                          hint="the template may only use the documented context keys (see the built-in template)"
                          ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if MARKER_BEGIN in text or MARKER_END in text:
        raise ConfigError("index template output contains a generated-region marker", path=name,
                          hint=f"remove {MARKER_BEGIN} and {MARKER_END} from the template")
    return text.strip("\n") + "\n"


def default_file(region: str, prefix: str = "DEP") -> str:
    """Return a whole new index file: a heading people may edit, then the generated region."""
    return f"# {_md(prefix)} index\n\n{MARKER_BEGIN}\n{region}{MARKER_END}\n"


def _lines(text: str) -> list[str]:
    # Keep each line's own ending (LF, CRLF or CR) so text outside the region is written back as it was.
    return io.StringIO(text, newline="").readlines()


def find_region(text: str, path: str) -> tuple[int, int]:
    """Locate the marker lines of an existing index.

    Args:
        text: The file's text, line endings as they are.
        path: The file's path, for error messages.

    Returns:
        The 0-based indexes of the begin and end marker lines.

    Raises:
        UsageError: the markers are missing, duplicated or out of order.
    """
    lines = _lines(text)
    begins = [i for i, line in enumerate(lines) if line.strip() == MARKER_BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == MARKER_END]
    add = f"put the two lines {MARKER_BEGIN} and {MARKER_END} where the generated index should go"
    if not begins and not ends:
        raise UsageError("the index has no generated-region markers, so depgate will not overwrite it", path=path,
                         hint=f"{add}, or delete the file to let depgate write it whole")
    if len(begins) != 1 or len(ends) != 1:
        where = ", ".join(f"{MARKER_BEGIN if i in begins else MARKER_END} on line {i + 1}"
                          for i in sorted(begins + ends))
        raise UsageError(f"the index must have exactly one begin and one end marker; found {where}", path=path,
                         line=(begins + ends)[0] + 1, hint="keep one pair of markers, each alone on its line")
    if ends[0] < begins[0]:
        raise UsageError("the index's end marker comes before its begin marker", path=path, line=ends[0] + 1,
                         hint=f"{MARKER_BEGIN} must come first")
    return begins[0], ends[0]


def splice(existing: str, region: str, path: str) -> str:
    """Replace the generated region of an existing index, keeping the text around it byte for byte.

    Args:
        existing: The current file's text.
        region: The new region (from `render_region`).
        path: The file's path, for error messages.

    Returns:
        The new file text.

    Raises:
        UsageError: see `find_region`.
    """
    begin, end = find_region(existing, path)
    lines = _lines(existing)
    return "".join(lines[: begin + 1]) + region + "".join(lines[end:])
