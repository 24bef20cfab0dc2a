"""Lint DEP documents: every problem of every document as a `Diagnostic`, never an exception.

The reader (`proposals.reader`) already reports what it met while reading (`D0xx`). This module adds
the header rules (`D1xx`, one small validator per field), the body rules (`D2xx`, driven by the
template) and the folder rules (`D3xx`, which need every document at once), then applies the `[lint]`
configuration: exclusions, ignores, per-file ignores and severity overrides.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import difflib
import fnmatch
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.config import check_selectors
from depgate.diagnostics import Diagnostic, Location, Severity, sort_diagnostics
from depgate.errors import ConfigError
from depgate.proposals import rules as R
from depgate.proposals.folder import FolderDocument, load_folder, template_path
from depgate.proposals.model import header_keys, number_keys, parse_authors, parse_date, parse_number
from depgate.proposals.template import Template, body_lines, find_placeholders, load_template
from depgate.rules import get_rule, matches_selector, rules_by_code

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from depgate.config import Config, LintConfig, ProposalsConfig
    from depgate.proposals.model import HeaderField, ProposalDocument
    from depgate.tree import Tree

#: Headers holding a date, checked with the same validator.
DATE_HEADERS = frozenset({"Created", "Updated"})
#: A `Created` date this many days after "today" is still accepted: authors write their local date,
#: CI runs in UTC.
FUTURE_SLACK = dt.timedelta(days=1)
#: The status that requires a `Superseded-By` header, and that header.
SUPERSEDED = "Superseded"
SUPERSEDED_BY = "Superseded-By"
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
#: Missing sections named in one finding; more are counted.
_LISTED = 6


@dataclass(frozen=True)
class LintResult:
    """What linting a DEP folder found.

    Attributes:
        documents: Every candidate document of the folder (excluded ones too), as read.
        diagnostics: The findings, sorted, with the `[lint]` configuration applied.
    """

    documents: tuple[FolderDocument, ...]
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class _Context:
    """What a validator needs besides the field itself."""

    path: str
    config: ProposalsConfig
    template: Template | None
    today: dt.date
    filename_number: int | None

    def at(self, line: int | None, column: int | None = None) -> Location:
        return Location(self.path, line, column)


def _show(value: str, limit: int = 60) -> str:
    """Quote a value from a document for a message, cut when long."""
    value = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"`{value}`"


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


# -- header field validators -----------------------------------------------------------------------


def _validate_number(fld: HeaderField, ctx: _Context) -> Iterator[Diagnostic]:
    """The number (`RFC`, or `DEP`) must be digits, equal to the file name's number, and padded to the width."""
    number = parse_number(fld.value)
    if number is None:
        yield R.INVALID_NUMBER.diagnostic(f"{fld.key} must be a number made of digits, not {_show(fld.value)}",
                                          ctx.at(fld.line))
        return
    width = ctx.config.number_width
    if ctx.filename_number is not None and number != ctx.filename_number:
        yield R.NUMBER_MISMATCH.diagnostic(
            f"{fld.key} must equal the file name's number {ctx.filename_number:0{width}d}, not {_show(fld.value)}",
            ctx.at(fld.line))
    elif fld.value != f"{number:0{width}d}":
        yield R.NUMBER_PADDING.diagnostic(
            f"{fld.key} should be written `{number:0{width}d}`, not {_show(fld.value)}", ctx.at(fld.line))


def _validate_status(fld: HeaderField, ctx: _Context) -> Iterator[Diagnostic]:
    """`Status` must be one of `proposals.statuses`."""
    if fld.value not in ctx.config.statuses:
        hint = _case_hint(fld.value, ctx.config.statuses)
        yield R.INVALID_STATUS.diagnostic(
            f"Status must be one of {_one_of(ctx.config.statuses)}, not {_show(fld.value)}{hint}", ctx.at(fld.line))


def _validate_type(fld: HeaderField, ctx: _Context) -> Iterator[Diagnostic]:
    """`Type` must be one of `proposals.types`."""
    if fld.value not in ctx.config.types:
        hint = _case_hint(fld.value, ctx.config.types)
        yield R.INVALID_TYPE.diagnostic(
            f"Type must be one of {_one_of(ctx.config.types)}, not {_show(fld.value)}{hint}", ctx.at(fld.line))


def _validate_date(fld: HeaderField, ctx: _Context) -> Iterator[Diagnostic]:
    """Dates must be real `YYYY-MM-DD` dates; `Created` must not be in the future."""
    date = parse_date(fld.value)
    if date is None:
        yield R.INVALID_DATE.diagnostic(f"{fld.key} must be a real date written YYYY-MM-DD, not {_show(fld.value)}",
                                        ctx.at(fld.line))
    elif fld.key == "Created" and date > ctx.today + FUTURE_SLACK:
        yield R.FUTURE_DATE.diagnostic(f"Created must not be in the future, not {fld.value} (today is {ctx.today})",
                                       ctx.at(fld.line))


def _validate_author(fld: HeaderField, ctx: _Context) -> Iterator[Diagnostic]:
    """`Author` must be `Name @handle`, `@handle` or `Name`, several joined with ` & `."""
    if parse_authors(fld.value) is None:
        yield R.INVALID_AUTHOR.diagnostic(
            f"Author must list `Name @handle`, `@handle` or `Name` joined with ` & `, not {_show(fld.value)}",
            ctx.at(fld.line))


#: Header key to its validator; keys without one only need a non-empty value. The number keys (`number_keys`)
#: depend on the prefix and go to `_validate_number`.
_VALIDATORS: dict[str, Callable[[HeaderField, _Context], Iterator[Diagnostic]]] = {
    "Author": _validate_author,
    "Status": _validate_status,
    "Type": _validate_type,
    **dict.fromkeys(DATE_HEADERS, _validate_date),
}


def _case_hint(value: str, allowed: Iterable[str]) -> str:
    for candidate in allowed:
        if candidate.lower() == value.lower():
            return f" (did you mean `{candidate}`? values are case-sensitive)"
    return ""


def _did_you_mean(key: str, known: list[str]) -> str:
    for candidate in known:
        if candidate.lower() == key.lower():
            return f"; did you mean `{candidate}`? (header keys are case-sensitive)"
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    if close:
        return f"; did you mean `{close[0]}`?"
    return f"; allowed headers are {_one_of(known)}"


def _header_diagnostics(doc: ProposalDocument, ctx: _Context) -> Iterator[Diagnostic]:
    """Run every header rule: presence, order, unknown and duplicate keys, the number keys, then each value."""
    cfg = ctx.config
    keys = number_keys(cfg.prefix)
    required = header_keys(cfg.required_headers, cfg.prefix)
    known = [*required, *(h for h in cfg.optional_headers if h not in required)]
    # `DEP: 0001` under another prefix is the number of a document written before the prefix was the key.
    aliases = {key: keys[0] for key in keys[1:] if key not in known and keys[0] in known}
    first: dict[str, HeaderField] = {}
    for fld in doc.fields:
        if fld.key not in known and fld.key not in aliases:
            yield R.UNKNOWN_HEADER.diagnostic(f"unknown header `{fld.key}`{_did_you_mean(fld.key, known)}",
                                              ctx.at(fld.line))
        elif fld.key in first:
            yield R.DUPLICATE_HEADER.diagnostic(
                f"header `{fld.key}` must appear only once; it is already on line {first[fld.key].line}",
                ctx.at(fld.line))
        else:
            first[fld.key] = fld
    closing = doc.header_end or doc.header_start
    for key in required:
        if key not in first and not any(first.get(alias) for alias, meant in aliases.items() if meant == key):
            yield R.MISSING_HEADER.diagnostic(f"required header `{key}` is missing", ctx.at(closing))
    yield from _order_diagnostics(list(first.values()), known, required, aliases, ctx)
    yield from _number_key_diagnostics(first, keys, ctx)
    for fld in first.values():
        yield from _value_diagnostics(fld, ctx)
    yield from _superseded_diagnostics(first, ctx)


def _number_key_diagnostics(first: dict[str, HeaderField], keys: tuple[str, ...], ctx: _Context
                            ) -> Iterator[Diagnostic]:
    """Two number keys (`RFC: 0003` and `DEP: 0004`) must not disagree."""
    present = [first[key] for key in keys if key in first]
    numbers = {parse_number(fld.value) for fld in present}
    if len(present) > 1 and None not in numbers and len(numbers) > 1:
        own, other = present[0], present[1]
        yield R.NUMBER_KEY_CONFLICT.diagnostic(
            f"`{other.key}: {other.value[:20]}` disagrees with `{own.key}: {own.value[:20]}` on line {own.line}; "
            f"keep the number on the `{own.key}` line only", ctx.at(other.line))


def _order_diagnostics(fields: list[HeaderField], known: list[str], required: tuple[str, ...],
                       aliases: dict[str, str], ctx: _Context) -> Iterator[Diagnostic]:
    """Required headers come in the configured order, optional ones after them (in any order)."""
    n_required = len(required)

    def rank(key: str) -> int:
        index = known.index(aliases.get(key, key))
        return index if index < n_required else n_required

    for before, after in itertools.pairwise(fields):
        if rank(after.key) < rank(before.key):
            yield R.HEADER_ORDER.diagnostic(
                f"header `{after.key}` must come before `{before.key}`; required order is "
                f"{_one_of(required)}, then optional headers", ctx.at(after.line))
            return  # one finding is enough: fixing the order fixes the rest


def _value_diagnostics(fld: HeaderField, ctx: _Context) -> Iterator[Diagnostic]:
    """Check one value: present, not a placeholder, then its own validator."""
    if not fld.value:
        yield R.EMPTY_VALUE.diagnostic(f"header `{fld.key}` must have a value", ctx.at(fld.line))
        return
    known = ctx.template.placeholders if ctx.template else frozenset()
    found = list(find_placeholders(fld.value, known))
    is_number = fld.key in number_keys(ctx.config.prefix)
    if is_number and (found or "<" in fld.value):
        yield R.NUMBER_PLACEHOLDER.diagnostic(
            f"{fld.key} must hold the assigned number, not the template placeholder {_show(fld.value)}",
            ctx.at(fld.line))
        return
    if found:
        yield R.HEADER_PLACEHOLDER.diagnostic(
            f"header `{fld.key}` must not keep the template placeholder {_show(found[0][1])}", ctx.at(fld.line))
        return
    validator = _validate_number if is_number else _VALIDATORS.get(fld.key)
    if validator is not None:
        yield from validator(fld, ctx)


def _superseded_diagnostics(first: dict[str, HeaderField], ctx: _Context) -> Iterator[Diagnostic]:
    """`Superseded` needs a `Superseded-By`; a `Superseded-By` needs `Superseded`."""
    status = first.get("Status")
    successor = first.get(SUPERSEDED_BY)
    if status is not None and status.value == SUPERSEDED and (successor is None or not successor.value):
        yield R.MISSING_SUPERSEDED_BY.diagnostic(
            f"a Superseded {ctx.config.prefix} must name its successor in a `{SUPERSEDED_BY}: NNNN` header",
            ctx.at(status.line))
    elif successor is not None and status is not None and status.value != SUPERSEDED and successor.value:
        yield R.UNEXPECTED_SUPERSEDED_BY.diagnostic(
            f"`{SUPERSEDED_BY}` should only appear on a {ctx.config.prefix} whose Status is Superseded, "
            f"not {_show(status.value)}", ctx.at(successor.line))


def _filename_diagnostics(path: str, cfg: ProposalsConfig) -> Iterator[Diagnostic]:
    """The file name must be `NNNN-<slug>.md` with `number_width` digits."""
    name = path.rsplit("/", 1)[-1]
    if not re.fullmatch(rf"[0-9]{{{cfg.number_width}}}-{_SLUG}\.md", name):
        example = f"{8:0{cfg.number_width}d}-short-title.md"
        yield R.INVALID_FILENAME.diagnostic(
            f"file name {_show(name)} must be NNNN-<slug>.md with {cfg.number_width} digits and a lower-case "
            f"slug, e.g. `{example}`", Location(path, None))


# -- body ------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _same_title(heading: str, title: str) -> bool:
    """Whether a heading's title says the header's title: the same words, or some of them in order.

    Case, punctuation and runs of blanks do not count (Markdown renders them alike). A heading of two
    words or more may shorten the title by leaving words out (d9d's DEP-0001: `The DEP Process` for `The
    D9D Enhancement Proposal (DEP) Process`); a word the title lacks means the heading is stale.
    """
    said, meant = _words(heading), _words(title)
    if said == meant:
        return True
    remaining = iter(meant)
    return len(said) >= 2 and all(word in remaining for word in said)  # `in` consumes: an in-order subsequence


def _title_diagnostics(doc: ProposalDocument, ctx: _Context, number: int | None, title: str | None
                       ) -> Iterator[Diagnostic]:
    """The first heading must be `# DEP-NNNN: Title` (or `# Title`, when the template's has no number)."""
    cfg = ctx.config
    shown_number = f"{number:0{cfg.number_width}d}" if number is not None else "NNNN"
    expected = f"# {cfg.prefix}-{shown_number}: {title or '<Title>'}"
    template_heading = ctx.template.title_heading if ctx.template else None
    bare_allowed = template_heading is not None and not template_heading.startswith(f"{cfg.prefix}-")
    if bare_allowed:
        expected = f"{_show(expected, 90)} or {_show('# ' + (title or '<Title>'), 90)}"
    else:
        expected = _show(expected, 90)
    if not doc.headings:
        yield R.MISSING_TITLE_HEADING.diagnostic(f"the body must start with the heading {expected}",
                                                 ctx.at(doc.body_start))
        return
    heading = doc.headings[0]
    match = re.fullmatch(rf"{re.escape(cfg.prefix)}-(?P<number>[0-9]+):[ \t]+(?P<title>\S.*)", heading.text)
    if heading.level != 1 or (match is None and not bare_allowed):
        yield R.MISSING_TITLE_HEADING.diagnostic(
            f"the first heading must read {expected}, not {_show('#' * heading.level + ' ' + heading.text)}",
            ctx.at(heading.line))
        return
    wrong_number = match is not None and number is not None and int(match["number"]) != number
    said = match["title"] if match is not None else heading.text
    wrong_title = title is not None and not _same_title(said, title)
    if wrong_number or wrong_title:
        what = " and ".join(w for w, bad in (("number", wrong_number), ("title", wrong_title)) if bad)
        yield R.TITLE_HEADING_MISMATCH.diagnostic(
            f"the first heading's {what} must match the header: expected {expected}", ctx.at(heading.line))


def _placeholder_diagnostics(doc: ProposalDocument, ctx: _Context) -> Iterator[Diagnostic]:
    """The body must not keep the template's placeholders."""
    if doc.text is None or doc.header_end is None:
        return
    known = ctx.template.placeholders if ctx.template else frozenset()
    body = "\n".join(doc.lines[doc.header_end:])
    for line_no, line in body_lines(body, doc.header_end + 1):
        for column, text in find_placeholders(line, known):
            yield R.TEMPLATE_PLACEHOLDER.diagnostic(
                f"replace the template placeholder {_show(text)} with real text", ctx.at(line_no, column))


def _normalise(title: str) -> str:
    return " ".join(title.split()).casefold()


def _required_sections(template: Template, kind: str | None) -> tuple[str, ...]:
    """The template sections a document of type `kind` must have (`rules.SECTIONS_BY_TYPE`)."""
    wanted = R.SECTIONS_BY_TYPE.get(kind or "")
    if wanted is None:
        return template.sections
    keep = {_normalise(section) for section in wanted}
    return tuple(section for section in template.sections if _normalise(section) in keep)


def _section_diagnostics(doc: ProposalDocument, ctx: _Context, kind: str | None) -> Iterator[Diagnostic]:
    """Every `##` section of the template that the document's type requires must be present (without case)."""
    if ctx.template is None:
        return
    kind = kind if kind in ctx.config.types else None  # a missing or invalid type (reported already) asks for all
    present = {_normalise(h.text): h.line for h in doc.headings if h.level == 2}
    sections = _required_sections(ctx.template, kind)
    why = f"required by the template for Type {kind}" if kind else "required by the template"
    # Point where a section belongs: at the first `##` heading after the required section before it (the
    # document's own sections, such as d9d's `The DEP Lifecycle`, count), else the end. Sections missing
    # from one place are one finding: they are added together.
    end = max(len(doc.lines) - (1 if doc.lines and doc.lines[-1] == "" else 0), 1)
    starts = sorted(present.values())
    after = 0
    missing: dict[int, list[str]] = {}
    for section in sections:
        key = _normalise(section)
        if key in present:
            after = present[key]
            continue
        index = bisect.bisect_right(starts, after)
        missing.setdefault(starts[index] if index < len(starts) else end, []).append(f"`## {section}`")
    for at, names in missing.items():
        if len(names) == 1:
            message = f"section {names[0]} {why} is missing"
        elif len(names) <= _LISTED:
            message = f"sections {', '.join(names[:-1])} and {names[-1]} {why} are missing"
        else:
            message = f"sections {', '.join(names[:_LISTED])} and {len(names) - _LISTED:,} more {why} are missing"
        yield R.MISSING_SECTION.diagnostic(message, ctx.at(at))


# -- documents and folder --------------------------------------------------------------------------


def lint_document(document: FolderDocument, config: Config, *, template: Template | None, today: dt.date
                  ) -> list[Diagnostic]:
    """Lint one document on its own (every rule but the folder rules).

    Args:
        document: The document as read by `proposals.folder`.
        config: The configuration (only `proposals` is used; `[lint]` is applied by `lint_tree`).
        template: The template, or None when missing (then sections are not checked).
        today: The date against which `Created` is checked.

    Returns:
        The findings, unsorted and unfiltered.
    """
    doc, proposal = document.document, document.proposal
    # Only the first structural finding is kept: an unclosed header also leaves malformed lines behind.
    first = next((p for p in doc.problems if _structural(p)), None)
    found = [p for p in doc.problems if p is first or not _structural(p)]
    if doc.text is None:
        return found  # unreadable, a folder, a link, too large: the reader said why
    found.extend(_filename_diagnostics(doc.path, config.proposals))  # the file name needs no structure
    if first is not None or doc.header_start is None or doc.header_end is None:
        return found  # header and body rules would read a broken structure and only repeat the finding
    ctx = _Context(doc.path, config.proposals, template, today, proposal.filename_number)
    found.extend(_header_diagnostics(doc, ctx))
    # A placeholder title is reported once (D117), not again as a heading mismatch.
    title = proposal.title
    if title and any(find_placeholders(title, template.placeholders if template else frozenset())):
        title = None
    found.extend(_title_diagnostics(doc, ctx, proposal.number, title))
    found.extend(_placeholder_diagnostics(doc, ctx))
    found.extend(_section_diagnostics(doc, ctx, proposal.type))
    return found


def _structural(diagnostic: Diagnostic) -> bool:
    rule = rules_by_code().get(diagnostic.code)
    return rule is not None and rule.structural


def _claimed_number(document: FolderDocument) -> int | None:
    """The number a document claims: its header's, else its file name's (readable documents only)."""
    return document.number if document.document.text is not None else None


def _successor_number(value: str, prefix: str) -> int | None:
    value = value.strip()
    if value.upper().startswith(prefix.upper() + "-"):
        value = value[len(prefix) + 1:]
    return parse_number(value)


def lint_folder(documents: Iterable[FolderDocument], config: Config) -> list[Diagnostic]:
    """Run the rules that need the whole folder: unique numbers, existing successors."""
    cfg = config.proposals
    documents = list(documents)
    by_number: dict[int, list[FolderDocument]] = defaultdict(list)
    for document in documents:
        number = _claimed_number(document)
        if number is not None:
            by_number[number].append(document)
    found: list[Diagnostic] = []
    for number, same in by_number.items():
        if len(same) < 2:
            continue
        for document in same:
            others = ", ".join(d.path for d in same if d is not document)
            lines = document.proposal.header_lines
            line = next((lines[key] for key in number_keys(cfg.prefix) if key in lines), 1)
            found.append(R.DUPLICATE_NUMBER.diagnostic(
                f"{cfg.prefix}-{number:0{cfg.number_width}d} must be unique, but {others} uses it too",
                Location(document.path, line)))
    for document in documents:
        fld = document.document.get(SUPERSEDED_BY)
        if fld is None or not fld.value:
            continue
        target = _successor_number(fld.value, cfg.prefix)
        if target is None or target not in by_number or target == _claimed_number(document):
            found.append(R.UNKNOWN_SUCCESSOR.diagnostic(
                f"`{SUPERSEDED_BY}` must be the number of another existing {cfg.prefix}, not {_show(fld.value)}",
                Location(document.path, fld.line)))
    return found


# -- configuration ---------------------------------------------------------------------------------


def check_lint_config(config: Config) -> dict[str, Severity]:
    """Validate the `[lint]` selectors and severities against the rule registry.

    Returns:
        The severity overrides by rule code.

    Raises:
        ConfigError: a selector or severity key that names no rule, or an unknown severity.
    """
    lint = config.lint
    check_selectors(lint.ignore, "lint.ignore", config.source)
    for glob, selectors in lint.per_file_ignores.items():
        check_selectors(selectors, f"lint.per-file-ignores.{glob}", config.source)
    overrides: dict[str, Severity] = {}
    for key, name in lint.severity.items():
        try:
            rule = get_rule(key)
        except KeyError:
            raise ConfigError(f"`lint.severity.{key}` names no known rule", path=config.source,
                              hint="use a rule code such as `D102`; `depgate rules` lists them") from None
        try:
            overrides[rule.code] = Severity.parse(name)
        except ValueError as exc:
            raise ConfigError(f"`lint.severity.{key}`: {exc}", path=config.source) from None
    return overrides


def _excluded(path: str, lint: LintConfig) -> bool:
    return any(fnmatch.fnmatchcase(path, glob) for glob in lint.exclude)


def apply_lint_config(diagnostics: Iterable[Diagnostic], config: Config) -> list[Diagnostic]:
    """Drop ignored findings and apply severity overrides (see `check_lint_config`)."""
    overrides = check_lint_config(config)
    lint = config.lint
    kept = []
    for diag in diagnostics:
        if matches_selector(diag.code, lint.ignore):
            continue
        if any(fnmatch.fnmatchcase(diag.location.path, glob) and matches_selector(diag.code, selectors)
               for glob, selectors in lint.per_file_ignores.items()):
            continue
        if diag.code in overrides:
            diag = dataclasses.replace(diag, severity=overrides[diag.code])
        kept.append(diag)
    return kept


def _normalise_path(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def lint_tree(tree: Tree, config: Config, *, today: dt.date, paths: Iterable[str] | None = None,
              documents: Sequence[FolderDocument] | None = None) -> LintResult:
    """Lint the configured DEP folder of `tree`.

    Folder rules (unique numbers, Superseded-By exists) see every document, excluded ones included;
    when `paths` is given only findings on those paths are returned.

    Args:
        tree: The files to read (the work tree or a revision).
        config: The configuration; `proposals` says where the folder is, `lint` what to report.
        today: The date against which `Created` is checked (injected so results are reproducible).
        paths: Repository-relative paths whose findings are wanted; None for all.
        documents: The folder's documents when the caller has already read them from `tree`
            (`load_folder`), so they are not read and parsed twice.

    Returns:
        The documents read and the findings.

    Raises:
        ConfigError: the `[lint]` configuration names an unknown rule or severity.
    """
    check_lint_config(config)
    cfg = config.proposals
    documents = load_folder(tree, cfg) if documents is None else list(documents)
    template = load_template(tree, cfg)
    found: list[Diagnostic] = []
    if template is None:
        found.append(R.MISSING_TEMPLATE.diagnostic(
            f"template {template_path(cfg)} is missing or unreadable; required sections are not checked",
            Location(template_path(cfg), None)))
    for document in documents:
        if not _excluded(document.path, config.lint):
            found.extend(lint_document(document, config, template=template, today=today))
    found.extend(d for d in lint_folder(documents, config) if not _excluded(d.location.path, config.lint))
    kept = apply_lint_config(found, config)
    if paths is not None:
        wanted = {_normalise_path(p) for p in paths}
        kept = [d for d in kept if d.location.path in wanted]
    return LintResult(documents=tuple(documents), diagnostics=tuple(sort_diagnostics(kept)))
