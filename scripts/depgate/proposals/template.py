"""What the DEP template prescribes: the required `##` sections and the placeholder texts.

The template (`deps/TEMPLATE.md` by default) is the single source of truth: the sections a proposal
must have are the template's second-level headings, and the angle-bracket texts in it
(`<Short, descriptive title>`) are placeholders that must not survive in a real proposal. Nothing
here is hard-coded to d9d's template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.proposals.folder import template_path
from depgate.proposals.reader import atx_heading, fence_after, read_from_tree

if TYPE_CHECKING:
    from collections.abc import Iterator

    from depgate.config import ProposalsConfig
    from depgate.tree import Tree

#: HTML elements people write in Markdown; `<details>` or `<a href=...>` is markup, not a placeholder.
#: NOTE: `title` is left out on purpose: `<Title>` is a typical template placeholder and never markup in a body.
HTML_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp",
    "small", "source", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "tt", "u", "ul", "var", "video", "wbr", "input", "label", "button", "section", "article",
    "aside", "nav", "header", "footer", "main", "iframe", "svg", "time", "audio", "address", "dialog",
})

_ANGLED = re.compile(r"<(?P<inner>[A-Za-z/!][^<>\n]*)>")
_TAG = re.compile(
    r"^/?(?P<name>[A-Za-z][A-Za-z0-9-]*)"
    r"(?:\s+[^\s=<>\"'/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*\s*/?$"
)
_AUTOLINK = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$")
_BACKTICKS = re.compile(r"`+")


def _is_markup(inner: str) -> bool:
    """Tell whether the text between `<` and `>` is an HTML tag, a comment, an autolink or an email address."""
    if inner.startswith("!") or _AUTOLINK.match(inner) or _EMAIL.match(inner):
        return True
    match = _TAG.match(inner)
    if match is None:
        return False
    name = match["name"].lower()
    # Prose such as `<A short summary of the proposal.>` parses as a tag with bare attributes; real markup
    # has at most one bare (boolean) attribute unless it also has `name=value` ones.
    rest = inner[match.end("name"):]
    if "=" not in rest and len(rest.split()) >= 2:
        return False
    # A lower-case tag with `name=value` attributes is markup even when the element is unusual;
    # custom elements always have a dash in their name (`<my-widget>`), a placeholder rarely does.
    written_lower = name == match["name"]
    return name in HTML_TAGS or (written_lower and ("=" in rest or "-" in name))


def _code_spans(segment: str) -> Iterator[tuple[int, int]]:
    """Yield `(start, end)` of each inline code span of a text without line breaks, in linear time.

    The spans are those `re.finditer(r"(`+)(.+?)\\1", segment)` finds, computed from the runs of backticks:
    that pattern tries every shorter opening run against every later position, cubic in a run's length.
    From a position `start` with `r` backticks up to the end of its run, the longest opening `k` that
    has a closing `k` backticks somewhere after `start + k + 1` wins: inside the same run when
    `2k + 1 <= r`, else at the start of the first later run of at least `k` backticks.
    """
    runs = [(m.start(), m.end() - m.start()) for m in _BACKTICKS.finditer(segment)]
    longest_after = [0] * len(runs)  # the longest run after each run
    for i in range(len(runs) - 2, -1, -1):
        longest_after[i] = max(longest_after[i + 1], runs[i + 1][1])
    i, pos = 0, 0
    while i < len(runs):
        run_start, run_length = runs[i]
        start = max(run_start, pos)
        remaining = run_start + run_length - start
        if remaining <= 0:
            i += 1
            continue
        inside, later = (remaining - 1) // 2, min(remaining, longest_after[i])
        if inside >= max(later, 1):
            pos = start + 2 * inside + 1
        elif later >= 1:
            i = next(j for j in range(i + 1, len(runs)) if runs[j][1] >= later)
            pos = runs[i][0] + later
        else:
            return  # no later run and fewer than three backticks left: nothing more can match
        yield start, pos


def _mask_code_spans(line: str) -> str:
    # Inline code (`List<int>`, `<T>`) is shown literally, never a placeholder; keep columns intact.
    if "`" not in line:
        return line
    masked: list[str] = []
    for segment in line.split("\n"):  # a span never crosses a line break
        end = 0
        for start, stop in _code_spans(segment):
            masked += (segment[end:start], " " * (stop - start))
            end = stop
        masked += (segment[end:], "\n")
    return "".join(masked)[:-1]


def find_placeholders(line: str, known: frozenset[str] = frozenset()) -> Iterator[tuple[int, str]]:
    """Find angle-bracket placeholders in one line of Markdown.

    A `<...>` text is a placeholder when it is one of `known` (taken from the template), or when it
    is not markup (tag, comment, autolink, email) and reads like words (it holds a space).

    Args:
        line: One line of text (a header value or a body line).
        known: Placeholders found in the template, with their brackets.

    Yields:
        `(column, placeholder)` with a 1-based column.

    Examples:
        >>> list(find_placeholders("Title: <Short, descriptive title>"))
        [(8, '<Short, descriptive title>')]
        >>> list(find_placeholders("See <https://example.org> and <details> and `Map<K, V>`"))
        []
    """
    if "<" not in line:  # the common case; lint calls this for every body line
        return
    masked = _mask_code_spans(line)
    for match in _ANGLED.finditer(masked):
        text = match.group(0)
        inner = match["inner"].strip()
        if text in known or (not _is_markup(inner) and " " in inner):
            yield match.start() + 1, text


@dataclass(frozen=True)
class Template:
    """What the template prescribes.

    Attributes:
        path: Repository-relative path of the template.
        sections: The template's `##` section titles, in order.
        placeholders: Every placeholder text found in the template (with brackets).
        title_heading: The text of the template's first `#` heading (`DEP-XXXX: <Title>`, or d9d's `Title`),
            None when it has none.
    """

    path: str
    sections: tuple[str, ...] = ()
    placeholders: frozenset[str] = frozenset()
    title_heading: str | None = None


def body_lines(text: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    """Yield `(line number, line)` of Markdown text outside fenced code blocks."""
    fence: str | None = None
    for offset, line in enumerate(text.split("\n")):
        fence, is_fence = fence_after(fence, line)
        if is_fence:
            continue
        if fence is None:
            yield first_line + offset, line


def parse_template(path: str, text: str) -> Template:
    """Read the sections and placeholders of a template's text."""
    # Placeholders without a space (`<Title>`, `<YYYY-MM-DD>`) are only recognisable here, in the template.
    placeholders: set[str] = set()
    for _, line in body_lines(text):
        for match in _ANGLED.finditer(_mask_code_spans(line)):
            if not _is_markup(match["inner"].strip()):
                placeholders.add(match.group(0))
    sections = []
    title_heading: str | None = None
    for _, line in body_lines(text):
        heading = atx_heading(line)
        if heading is not None and heading[0] == 2 and heading[1]:
            sections.append(heading[1])
        elif heading is not None and heading[0] == 1 and title_heading is None:
            title_heading = heading[1].strip()
    return Template(path=path, sections=tuple(sections), placeholders=frozenset(placeholders),
                    title_heading=title_heading)


def load_template(tree: Tree, config: ProposalsConfig) -> Template | None:
    """Read the configured template from a tree.

    Returns:
        The template, or None when it is missing or unreadable (the lint reports that once).
    """
    path = template_path(config)
    doc = read_from_tree(tree, path, "file")
    if doc.text is None or any(p.severity.name == "ERROR" and p.code in ("D001", "D002", "D003") for p in doc.problems):
        return None
    return parse_template(path, doc.text)
