"""Decide what a change needs, and whether a DEP satisfies it. Pure: facts in, a `Report` out.

The facts (changed files, API changes, the DEPs at head, the title, body, commit messages and labels)
are gathered by `depgate.commands.check`; nothing here reads git or prints. The rules:

- `proposal` when every changed file is in the DEP folder; otherwise `required` when any change is
  breaking, a new abstraction or a new strategy; `review` for public additions only (or a changed file
  that does not parse); `not-required` otherwise.
- A DEP is linked when the change adds or edits its file, or when the title, body or a commit message
  references it (`DEP-0008`, `DEP 8`, `DEP8`, `deps/0008-slug.md`). It satisfies the requirement when
  it exists at head with an accepted status, or (by default) when the change adds it, whatever its status.
- An override (a marker with a reason in the body, or a label) lets an unsatisfied requirement pass and
  is always reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from depgate import bump as B
from depgate import done as D
from depgate import verdict_rules as V
from depgate.diagnostics import Diagnostic, Location, Severity
from depgate.errors import ConfigError
from depgate.proposals.folder import is_candidate
from depgate.proposals.model import number_keys
from depgate.proposals.numbering import next_number, used_numbers
from depgate.report.model import (
    Bump,
    ChangedPath,
    DepInfo,
    DepLink,
    FailOn,
    LinkKind,
    Naming,
    Override,
    Release,
    Report,
    Revision,
    Suggestion,
    Verdict,
    indefinite_article,
)
from depgate.rules import rules_by_code

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from depgate.api.kinds import ApiChange
    from depgate.bump import ProjectVersion
    from depgate.config import Config, ProposalsConfig
    from depgate.git import ChangedFile
    from depgate.proposals.folder import FolderDocument
    from depgate.proposals.lifecycle import Transition

#: Categories of API change that make a DEP required.
REQUIRING = ("breaking", "abstraction", "strategy")
_CATEGORY_ORDER = {"breaking": 0, "abstraction": 1, "strategy": 2, "addition": 3}
_DEFAULT_SEVERITY = {"breaking": Severity.WARNING, "abstraction": Severity.WARNING,
                     "strategy": Severity.WARNING, "addition": Severity.INFO}
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_BANG_TITLE = re.compile(r"^\s*[A-Za-z][\w-]*(?:\([^)]*\))?!:")
_BREAKING_FOOTER = re.compile(r"(?m)^BREAKING[ -]CHANGE:")
# Runs of blank lines. A marker pattern starting `^\s*` tries every line start and `\s` spans newlines, so a body
# of 100,000 blank lines would cost 100,000² steps; without blank lines each attempt stops within its own line.
_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
#: Symbols shorter than this are not searched in DEP texts (too many false hits).
MIN_SUGGEST_NAME = 4
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Reference:
    """A DEP reference found in the change's text.

    Attributes:
        number: The DEP number.
        text: The reference as written.
        source: `title`, `body` or `commit <short sha>`.
    """

    number: int
    text: str
    source: str


@dataclass(frozen=True)
class Facts:
    """Everything the verdict is decided from.

    Attributes:
        base, head: The compared revisions.
        changed: Files that differ between them.
        changes: Public-API changes (`ApiChange`), empty when no Python file changed.
        problems: Analysis problems (A9xx: files that do not parse).
        deps: The DEP documents at head.
        title: Pull-request title (or commit subject).
        body: Pull-request body (or commit message body).
        messages: `(source, message)` of the commits in the change, for references and footers.
        labels: Pull-request labels.
        config: The configuration (from the base revision).
        findings: DEP lint results for the DEP files the change touches.
        packages: Packages the API analysis read.
        modules_analysed: Modules the API analysis read.
        fail_on: When the check fails.
        recent_subjects: The base branch's recent commit subjects, for `verdict.conventional-commits: auto`.
        version: The project's version at the base revision, for the bump's 0.x convention (None: unknown).
        transitions: The proposals whose `Status` the change moves, judged by `depgate.proposals.lifecycle`.
    """

    base: Revision
    head: Revision
    changed: tuple[ChangedFile, ...]
    changes: tuple[ApiChange, ...]
    problems: tuple[Diagnostic, ...]
    deps: tuple[FolderDocument, ...]
    title: str
    body: str
    messages: tuple[tuple[str, str], ...]
    labels: tuple[str, ...]
    config: Config
    findings: tuple[Diagnostic, ...] = ()
    packages: tuple[str, ...] = ()
    modules_analysed: int = 0
    fail_on: FailOn = FailOn.REQUIRED
    recent_subjects: tuple[str, ...] | None = None
    version: ProjectVersion | None = None
    transitions: tuple[Transition, ...] = ()


# -- conventional commits ----------------------------------------------------------------------------------------

#: How many recent commit subjects of the base branch `verdict.conventional-commits: auto` reads.
CONVENTIONAL_SAMPLE = 20
#: `auto` turns V106 on when at least this many of them, and at least half, follow the grammar.
CONVENTIONAL_MIN_MATCHES = 3
# The Conventional Commits subject: `type`, an optional `(scope)`, an optional `!`, `: ` and a description.
_CONVENTIONAL_SUBJECT = re.compile(r"^[A-Za-z]+(?:\([^()\r\n]*\))?!?: \S")


def is_conventional(subject: str) -> bool:
    """Tell whether a commit subject follows the Conventional Commits grammar.

    Examples:
        >>> [is_conventional(s) for s in ("feat(loop)!: drop fit_legacy", "Release version 8.3.0", "fix:typo")]
        [True, False, False]
    """
    return _CONVENTIONAL_SUBJECT.match(subject) is not None


def conventional_usage(subjects: Sequence[str]) -> tuple[int, int]:
    """Count `(matching, read)` among the most recent `CONVENTIONAL_SAMPLE` subjects."""
    sample = list(subjects)[:CONVENTIONAL_SAMPLE]
    return sum(is_conventional(s) for s in sample), len(sample)


def uses_conventional_commits(subjects: Sequence[str]) -> bool:
    """Decide `auto`: at least half, and at least `CONVENTIONAL_MIN_MATCHES`, of the recent subjects match."""
    matching, read = conventional_usage(subjects)
    return matching >= CONVENTIONAL_MIN_MATCHES and 2 * matching >= read


def conventional_commits_on(facts: Facts) -> bool:
    """Resolve `verdict.conventional-commits`: true, false, or `auto` from the base branch's recent subjects.

    `auto` with no history read (`recent_subjects` None) is off: V106 is a nudge, never a guess.
    """
    setting = facts.config.verdict.conventional_commits
    if setting == "auto":
        return facts.recent_subjects is not None and uses_conventional_commits(facts.recent_subjects)
    return bool(setting)


# -- references --------------------------------------------------------------------------------------------------

def reference_pattern(config: ProposalsConfig) -> re.Pattern[str]:
    """Build the regular expression that finds DEP references for a configuration.

    It matches the prefix followed by a number (`DEP-0008`, `DEP 8`, `DEP8`, `DEP#8`, `dep-8`) and a path
    into the DEP folder (`deps/0008-offload.md`, also inside a URL). `DEP: none` has no number, so the
    override marker is never a reference.
    """
    prefix = re.escape(config.prefix)
    folder = re.escape(config.directory.strip("/"))
    digits = max(config.number_width, 4) + 2
    path_form = rf"(?<![\w-]){folder}/(?P<path_number>\d{{1,{digits}}})-[\w.-]*"
    # NOTE: one run of blanks, then the optional separator with its own blanks: `[ \t]*[-_:#]?[ \t]*` would let two
    # runs share the blanks, and `DEP` followed by 20,000 spaces would cost 20,000² steps to reject.
    label_form = rf"(?<![\w/.-]){prefix}[ \t]*(?:[-_:#][ \t]*)?(?P<number>\d{{1,{digits}}})(?![\w])"
    return re.compile(f"{path_form}|{label_form}", re.IGNORECASE)


def strip_comments(text: str) -> str:
    """Remove HTML comments, where pull-request templates keep their instructions (and example references)."""
    return _HTML_COMMENT.sub("", text)


def find_references(text: str, source: str, config: ProposalsConfig) -> list[Reference]:
    """Find the DEP references of one text, in order, one per distinct number.

    Examples:
        >>> from depgate.config import ProposalsConfig
        >>> [r.number for r in find_references("feat: offload (DEP-0008), see deps/0003-x.md", "title",
        ...                                     ProposalsConfig())]
        [8, 3]
    """
    found: list[Reference] = []
    seen: set[int] = set()
    for match in reference_pattern(config).finditer(strip_comments(text)):
        number = int(match["number"] if match["number"] is not None else match["path_number"])
        if number in seen:
            continue
        seen.add(number)
        found.append(Reference(number, match.group(0), source))
    return found


def collect_references(facts: Facts) -> list[Reference]:
    """Find references in the title, the body and every commit message."""
    proposals = facts.config.proposals
    refs = find_references(facts.title, "title", proposals) + find_references(facts.body, "body", proposals)
    for source, message in facts.messages:
        refs.extend(find_references(message, source, proposals))
    return refs


# -- override ----------------------------------------------------------------------------------------------------

def find_override(facts: Facts) -> tuple[Override | None, bool]:
    """Find an override marker in the body or an override label.

    Returns:
        The override (not yet marked used), and whether a marker without a reason was seen.

    Raises:
        ConfigError: the configured marker is not a valid regular expression (only for a configuration built
            in code; a loaded one was checked at load).
    """
    settings = facts.config.verdict
    try:
        marker = settings.override_pattern
    except ConfigError as exc:  # the pattern cannot name its file by itself
        raise ConfigError(exc.message, path=facts.config.source, hint=exc.hint) from None
    body = _BLANK_LINES.sub("\n", strip_comments(facts.body))
    match = marker.search(body)
    if match is not None:
        reason = match.groupdict().get("reason") or match.group(0)
        reason = reason.strip()
        if reason:
            return Override("body", reason, None, False), False
    wanted = {label.casefold(): label for label in settings.override_labels}
    for label in facts.labels:
        if label.casefold() in wanted:
            return Override("label", f"label `{label}`", label, False), False
    bare = re.compile(rf"(?im)^\s*{re.escape(facts.config.proposals.prefix)}\s*:\s*none\b")
    return None, bare.search(body) is not None


# -- DEP links ---------------------------------------------------------------------------------------------------

def _in_folder(path: str, config: ProposalsConfig) -> bool:
    return path.startswith(config.directory.strip("/") + "/")


def _label(number: int | None, config: ProposalsConfig) -> str | None:
    return f"{config.prefix}-{number:0{config.number_width}d}" if number is not None else None


def _status_in(status: str | None, statuses: Iterable[str]) -> bool:
    return status is not None and status.strip().casefold() in {s.casefold() for s in statuses}


def diff_links(changed: Sequence[ChangedFile], config: ProposalsConfig) -> dict[str, LinkKind]:
    """Map each DEP document the change adds or edits (path at head) to how it is linked."""
    links: dict[str, LinkKind] = {}
    for item in changed:
        if item.status == "D" or not _in_folder(item.path, config):
            continue
        name = item.path[len(config.directory.strip("/")) + 1:]
        if "/" in name or not is_candidate(name, "file", config):
            continue
        renamed_within = item.old_path is not None and _in_folder(item.old_path, config)
        if item.status == "A" or (item.status in "RC" and not renamed_within):
            links[item.path] = LinkKind.ADDED
        else:
            links[item.path] = LinkKind.EDITED
    return links


def _dep_location(doc: FolderDocument | None, *keys: str) -> Location:
    """Where a document's header says something: the line of the first of `keys` it has (default `Status`)."""
    if doc is None:
        return Location("")
    lines = doc.proposal.header_lines
    line = next((lines[key] for key in keys or ("Status",) if lines.get(key)), None)
    return Location(doc.path, line)


@dataclass
class LinkedDep:
    """A DEP number tied to the change, before it is judged.

    Attributes:
        number: The DEP number (None for a changed document whose number cannot be read).
        docs: The documents at head with that number (more than one: a collision).
        links: How the change ties to it.
        added: Whether the change adds its document.
    """

    number: int | None
    docs: list[FolderDocument] = field(default_factory=list)
    links: list[DepLink] = field(default_factory=list)
    added: bool = False


def link_deps(facts: Facts, references: Sequence[Reference]) -> list[LinkedDep]:
    """Gather the DEPs tied to the change, by number (documents without a number, by path)."""
    config = facts.config.proposals
    by_path = {doc.path: doc for doc in facts.deps}
    by_number: dict[int, list[FolderDocument]] = defaultdict(list)
    for doc in facts.deps:
        number = doc.number
        if number is not None:
            by_number[number].append(doc)
    linked: dict[Any, LinkedDep] = {}
    for path, kind in sorted(diff_links(facts.changed, config).items()):
        doc = by_path.get(path)
        number = doc.number if doc is not None else None
        key: Any = number if number is not None else path
        entry = linked.setdefault(key, LinkedDep(number))
        if doc is not None and doc not in entry.docs:
            entry.docs.append(doc)
        entry.links.append(DepLink(kind, "diff", path))
        entry.added = entry.added or kind is LinkKind.ADDED
    for ref in references:
        entry = linked.setdefault(ref.number, LinkedDep(ref.number))
        for doc in by_number.get(ref.number, []):
            if doc not in entry.docs:
                entry.docs.append(doc)
        entry.links.append(DepLink(LinkKind.REFERENCED, ref.source, ref.text))
    return sorted(linked.values(), key=lambda e: (e.number is None, e.number or 0, e.docs[0].path if e.docs else ""))


def _ref_text(entry: LinkedDep) -> str:
    refs = [link for link in entry.links if link.kind is LinkKind.REFERENCED]
    if not refs:
        return ""
    return " (referenced as " + ", ".join(f"`{link.text}` in the {link.source}" for link in refs[:3]) + ")"


def assess_deps(facts: Facts, entries: Sequence[LinkedDep], required: bool) -> tuple[list[DepInfo], list[Diagnostic]]:
    """Judge each linked DEP: does it satisfy a requirement, is its link an error or a warning."""
    config, settings = facts.config.proposals, facts.config.verdict
    infos: list[DepInfo] = []
    diags: list[Diagnostic] = []
    for entry in entries:
        doc = entry.docs[0] if entry.docs else None
        label = _label(entry.number, config) or (doc.path if doc else "?")
        status = doc.proposal.status if doc else None
        referenced = any(link.kind is LinkKind.REFERENCED for link in entry.links)
        problem: str | None = None
        satisfies = doc is not None and (
            (entry.added and settings.any_status_when_added) or _status_in(status, settings.accepted_statuses))
        details = {"dep": label, "links": [link.as_dict() for link in entry.links]}
        lint_errors = [f for f in facts.findings if doc is not None and f.location.path == doc.path
                       and f.severity is Severity.ERROR]
        if doc is None and not referenced:
            pass  # a changed file the folder reader does not list (never expected): nothing to judge
        elif doc is None:
            problem = V.MISSING_DEP.code
            diags.append(V.MISSING_DEP.diagnostic(
                f"{label} is referenced{_ref_text(entry)} but no {config.prefix} document with that number "
                "exists at head",
                Location(""), details=details))
        elif len(entry.docs) > 1:
            problem = V.AMBIGUOUS_DEP.code
            paths = ", ".join(d.path for d in entry.docs)
            diags.append(V.AMBIGUOUS_DEP.diagnostic(
                f"{label} names {len(entry.docs)} documents ({paths}); renumber one of them",
                _dep_location(doc, *number_keys(config.prefix)), details=details))
            satisfies = False
        elif referenced and not entry.added and _status_in(status, settings.error_statuses):
            problem = V.CLOSED_DEP.code
            successor = doc.proposal.extra.get("Superseded-By")
            extra = f"; it was superseded by {successor}" if successor else ""
            diags.append(V.CLOSED_DEP.diagnostic(
                f"{label} ({doc.proposal.title or 'untitled'}) is referenced{_ref_text(entry)} but its status is "
                f"{status}{extra}", _dep_location(doc), details=details))
            satisfies = False
        elif referenced and not entry.added and _status_in(status, settings.warning_statuses):
            problem = V.DRAFT_DEP.code
            diags.append(V.DRAFT_DEP.diagnostic(
                f"{label} ({doc.proposal.title or 'untitled'}) is referenced{_ref_text(entry)} but its status is "
                f"still {status}", _dep_location(doc), details=details))
        elif required and satisfies and lint_errors:
            problem = V.LINT_ERRORS_DEP.code
            satisfies = False
            listed = "; ".join(f"{d.location} {d.code} {d.message}" for d in lint_errors[:5])
            more = f"; and {len(lint_errors) - 5} more" if len(lint_errors) > 5 else ""
            diags.append(V.LINT_ERRORS_DEP.diagnostic(
                f"{label} ({doc.proposal.title or 'untitled'}) has {len(lint_errors)} lint error(s), so it does not "
                f"satisfy the requirement until they are fixed: {listed}{more}", lint_errors[0].location,
                details={**details, "errors": [d.code for d in lint_errors]}))
        elif required and not satisfies:
            problem = V.NOT_ACCEPTED.code
            accepted = ", ".join(settings.accepted_statuses)
            diags.append(V.NOT_ACCEPTED.diagnostic(
                f"{label} is linked ({', '.join(k.value for k in LinkKind if any(x.kind is k for x in entry.links))}) "
                f"but its status {status or '(none)'} does not satisfy the requirement; accepted: {accepted}",
                _dep_location(doc), details=details))
        infos.append(DepInfo(
            number=entry.number, label=_label(entry.number, config), title=doc.proposal.title if doc else None,
            status=status, path=doc.path if doc else None, exists=doc is not None, links=tuple(entry.links),
            satisfies=satisfies, problem=problem,
        ))
    return infos, diags


# -- naming ------------------------------------------------------------------------------------------------------

def override_line(facts: Facts) -> str | None:
    """A body line that the configured override marker accepts, in the repository's words, else None.

    The marker is a regular expression; a line is shown only when the marker really matches it (with a reason),
    so the example never promises an override that would not be honoured.
    """
    prefix = facts.config.proposals.prefix
    try:
        marker = facts.config.verdict.override_pattern
    except ConfigError:
        return None
    for candidate in dict.fromkeys((f"{prefix}: none — <reason>", "DEP: none — <reason>")):
        match = marker.search(candidate)
        if match is not None and (match.groupdict().get("reason") or match.group(0)).strip():
            return candidate
    return None


def naming(facts: Facts) -> Naming:
    """What the wording of the report needs from the configuration and the proposals at head."""
    config, settings = facts.config.proposals, facts.config.verdict
    accepted = [(number, doc.path) for doc in facts.deps
                if (number := doc.number) is not None and _status_in(doc.proposal.status,
                                                                             settings.accepted_statuses)]
    taken = used_numbers(doc.proposal for doc in facts.deps)
    return Naming(
        prefix=config.prefix, directory=config.directory.strip("/") or ".", number_width=config.number_width,
        next_number=next_number(taken), example=_label(max(accepted)[0], config) if accepted else None,
        override_line=override_line(facts), override_pattern=settings.override_marker,
        override_labels=tuple(settings.override_labels), accepted_statuses=tuple(settings.accepted_statuses),
    )


# -- suggestions -------------------------------------------------------------------------------------------------

def _search_names(changes: Iterable[Any]) -> dict[str, str]:
    """Map a searchable name to the changed symbol it comes from (`OffloadStrategy`, `Trainer.offload`)."""
    names: dict[str, str] = {}
    for change in changes:
        parts = change.symbol.split(".")
        candidates = [parts[-1]]
        if len(parts) >= 2 and parts[-2][:1].isupper():
            candidates.append(".".join(parts[-2:]))
        for name in candidates:
            if len(name) >= MIN_SUGGEST_NAME and not name.startswith("_"):
                names.setdefault(name, change.symbol)
    return names


def suggest_deps(facts: Facts, changes: Sequence[Any], exclude: set[str]) -> list[Suggestion]:
    """Find DEPs whose text names changed symbols, best first (most distinct names, then number)."""
    names = _search_names(changes)
    if not names:
        return []
    config = facts.config.proposals
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?![\w])")
    found: list[tuple[int, int, Suggestion]] = []
    for doc in facts.deps:
        text = doc.document.text
        if not text or doc.path in exclude or _status_in(doc.proposal.status, facts.config.verdict.error_statuses):
            continue
        hits: list[str] = []
        first_line: int | None = None
        for line_no, line in enumerate(text.split("\n"), start=1):
            for match in pattern.finditer(line):
                if match.group(1) not in hits:
                    hits.append(match.group(1))
                    first_line = first_line or line_no
        if hits:
            number = doc.number
            found.append((-len(hits), number or 0, Suggestion(
                number=number, label=_label(number, config), title=doc.proposal.title, status=doc.proposal.status,
                path=doc.path, symbols=tuple(hits), line=first_line)))
    found.sort(key=lambda item: (item[0], item[1], item[2].path))
    return [item[2] for item in found[:MAX_SUGGESTIONS]]


# -- API reasons -------------------------------------------------------------------------------------------------

def _category(change: Any) -> str:
    return str(getattr(change.category, "value", change.category))


def _change_severity(change: Any) -> Severity:
    rule = getattr(change, "rule", None)
    if rule is not None:
        try:
            return rule.severity
        except KeyError:  # an unregistered code falls back to its category's default
            pass
    return _DEFAULT_SEVERITY.get(_category(change), Severity.INFO)


def _rev_of(change: Any, deleted: set[str]) -> str:
    """Tell which revision a change's line is in: `base` for removals (the rule says so), else `head`."""
    rule = rules_by_code().get(change.code)
    return "base" if (rule is not None and rule.at_base) or change.path in deleted else "head"


def change_reason(change: Any, deleted: set[str]) -> Diagnostic:
    """Turn an API change into a reason: its code, the symbol, the file and line (at base for removals)."""
    message = change.message if change.symbol in change.message else f"{change.symbol}: {change.message}"
    at = _rev_of(change, deleted)
    return Diagnostic(
        code=change.code, severity=_change_severity(change), message=message,
        location=Location(change.path, change.line), old=getattr(change, "old", None), new=getattr(change, "new", None),
        details={"symbol": change.symbol, "kind": str(getattr(change.kind, "value", change.kind)),
                 "category": _category(change), "rev": at, **anchor_details(change)},
    )


def anchor_details(change: Any) -> dict[str, Any]:
    """`{"anchor": {"path", "line"}}` when a change located at base has a head-side place (`ApiChange.anchor`).

    Annotations go on head files; a removal's base line would point at unrelated code there, so the annotation
    writer uses the anchor instead. Empty when there is none (the file is gone at head).
    """
    anchor = getattr(change, "anchor", None)
    if anchor is None or not getattr(anchor, "path", None):
        return {}
    return {"anchor": {"path": anchor.path, "line": anchor.line}}


def _describe_change(change: Any) -> str:
    where = f"{change.path}:{change.line}" if change.line else change.path
    return f"{change.code} {change.symbol} at {where}"


# -- the decision ------------------------------------------------------------------------------------------------

def classify(facts: Facts) -> Verdict:
    """Give the verdict from the changed files and the API changes alone."""
    config = facts.config.proposals
    if facts.changed and all(
        _in_folder(item.path, config) and (item.old_path is None or _in_folder(item.old_path, config))
        for item in facts.changed
    ):
        return Verdict.PROPOSAL
    categories = {_category(change) for change in facts.changes}
    if categories & set(REQUIRING) or _fails_closed(facts):
        return Verdict.REQUIRED
    if _forces_review(facts) or any(getattr(c, "forces_review", False) for c in facts.changes) or (
            "addition" in categories and facts.config.verdict.review_on_additions):
        return Verdict.REVIEW
    return Verdict.NOT_REQUIRED


def _fails_closed(facts: Facts) -> list[Diagnostic]:
    """Analysis problems after which depgate cannot vouch for the change (a file it cannot read, a decoy package)."""
    return [p for p in facts.problems if (rule := rules_by_code().get(p.code)) is not None and rule.fails_closed]


def _forces_review(facts: Facts) -> list[Diagnostic]:
    """Analysis problems that make the verdict at least `review` (a public name that cannot be found statically)."""
    return [p for p in facts.problems if (rule := rules_by_code().get(p.code)) is not None and rule.forces_review]


def _fails_check(facts: Facts) -> list[Diagnostic]:
    """Policy findings that fail the check whatever the DEPs (`Rule.fails_check` at severity error, e.g. A920)."""
    return [p for p in facts.problems if p.severity is Severity.ERROR
            and (rule := rules_by_code().get(p.code)) is not None and rule.fails_check]


def _failing(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Findings whose rule fails the check at severity error (`Rule.fails_check`), read from the rule records."""
    return [d for d in diags if d.severity is Severity.ERROR
            and (rule := rules_by_code().get(d.code)) is not None and rule.fails_check]


def transition_reasons(transitions: Iterable[Transition]) -> list[Diagnostic]:
    """V120 (a status change not listed), V121 (its condition unmet) and V122 (who must approve it).

    Each is located at the head document's `Status` line.
    """
    out: list[Diagnostic] = []
    for change in transitions:
        where = Location(change.path, change.line)
        name = change.label or change.path
        details = {"dep": change.label, "from": change.old, "to": change.new, "condition": change.condition}
        if not change.allowed:
            out.append(V.TRANSITION_NOT_ALLOWED.diagnostic(f"{name}: {change.reason}", where, details=details))
        elif change.met is False:
            out.append(V.TRANSITION_CONDITION_UNMET.diagnostic(f"{name}: {change.reason}", where, details=details))
        if change.deciders:
            out.append(V.TRANSITION_NEEDS_DECIDER.diagnostic(
                f"{name} moves from {change.old} to {change.new}; one of {', '.join(change.deciders)} must approve "
                "the pull request", where, details={**details, "deciders": list(change.deciders)}))
    return out


def _unparsable(facts: Facts) -> list[Diagnostic]:
    return _fails_closed(facts) + _forces_review(facts)


def _title_marks_breaking(facts: Facts) -> bool:
    if _BANG_TITLE.match(facts.title):
        return True
    texts = [facts.body] + [message for _, message in facts.messages]
    return any(_BREAKING_FOOTER.search(text) for text in texts)


def decide(facts: Facts) -> Report:
    """Decide the verdict and build the report.

    Args:
        facts: What the change is.

    Returns:
        The report: verdict, DEPs involved with their links, reasons (each naming its code, symbol, file
        and line), findings, suggestions, override and whether the check fails under `facts.fail_on`.

    Raises:
        ConfigError: the override marker of the configuration is not a valid regular expression.
    """
    verdict = classify(facts)
    required = verdict is Verdict.REQUIRED
    deleted = {item.path for item in facts.changed if item.status == "D"}
    changes = sorted(facts.changes, key=lambda c: c.sort_key)
    requiring = [c for c in changes if _category(c) in REQUIRING]
    unvouched = _fails_closed(facts)

    deps, dep_diags = assess_deps(facts, link_deps(facts, collect_references(facts)), required)
    satisfied = not required or any(d.satisfies for d in deps)
    override, bare_marker = find_override(facts)
    unmet = required and not satisfied
    if override is not None and unmet:
        override = Override(override.source, override.reason, override.label, used=True)
    suggestions = suggest_deps(facts, requiring, {d.path for d in deps if d.path}) if unmet else []

    reasons = _api_reasons(verdict, changes, facts, deleted)
    if unmet:
        reasons.append(_requirement_reason(requiring, unvouched, deps, override, deleted,
                                               facts.config.proposals.prefix))
    reasons.extend(dep_diags)
    reasons.extend(_suggestion_reason(s) for s in suggestions)
    if bare_marker:
        reasons.append(V.OVERRIDE_NO_REASON.diagnostic(
            f"the body has `{facts.config.proposals.prefix}: none` without a reason; it is not honoured",
            Location(""), details={"source": "body"}))
    conventional = _conventional_reason(changes, facts, deleted)
    if conventional is not None:
        reasons.append(conventional)
    feature = _feature_reason(changes, facts, deleted)
    if feature is not None:
        reasons.append(feature)
    status_diags = transition_reasons(facts.transitions)
    reasons.extend(status_diags)
    bump, release = decide_bump(facts, verdict)

    # A status change the lifecycle refuses fails like a broken DEP link: the override marker says the change needs
    # no DEP, which does not answer whether a proposal's record may move, so it does not let this pass.
    link_errors = any(d.severity is Severity.ERROR for d in dep_diags) or bool(_failing(status_diags))
    wording = naming(facts)
    done = (D.checklist(facts.changed, facts.problems, facts.packages, facts.config)
            if D.needs_checklist(verdict, bool(deps), facts.config) else None)
    failed = _failed(facts.fail_on, verdict, (unmet or bool(_fails_check(facts))) and override is None, link_errors,
                     override)
    return Report(
        verdict=verdict, dep_required=required, satisfied=satisfied,
        # An override answers the DEP requirement, not the definition of done: only `fail-on: never` silences it.
        failed=failed or (done is not None and done.failed and facts.fail_on is not FailOn.NEVER),
        fail_on=facts.fail_on, base=facts.base, head=facts.head, title=facts.title, deps=tuple(deps),
        changes=tuple(changes), reasons=tuple(reasons), findings=tuple(facts.findings),
        problems=tuple(facts.problems), suggestions=tuple(suggestions), override=override,
        files=tuple(ChangedPath(c.status, c.path, c.old_path) for c in facts.changed),
        packages=tuple(facts.packages), modules_analysed=facts.modules_analysed,
        next_steps=tuple(_next_steps(required, satisfied, override, reasons, deps, facts, wording)),
        config_source=facts.config.source, naming=wording, bump=bump, release=release, done=done,
        transitions=tuple(facts.transitions),
    )


def _api_reasons(verdict: Verdict, changes: Sequence[Any], facts: Facts, deleted: set[str]) -> list[Diagnostic]:
    """The API changes that decided the verdict (for `review`, the additions), then unparsable files."""
    if verdict is Verdict.REQUIRED:
        chosen = [c for c in changes if _category(c) in REQUIRING]
    elif verdict is Verdict.REVIEW:
        # An experimental break (`ApiChange.forces_review`) is always a reason; additions when they decide it.
        chosen = [c for c in changes if getattr(c, "forces_review", False)
                  or (_category(c) == "addition" and facts.config.verdict.review_on_additions)]
    else:
        chosen = []
    chosen.sort(key=lambda c: (_CATEGORY_ORDER.get(_category(c), 9), *c.sort_key))
    reasons = [change_reason(c, deleted) for c in chosen]
    if verdict is not Verdict.PROPOSAL:
        reasons.extend(V.CANNOT_VOUCH.diagnostic(
            f"the file could not be analysed ({problem.code}: {problem.message}); depgate cannot vouch "
            "for the public API that depends on it, so a DEP is required", problem.location,
            details={"problem": problem.code}) for problem in _fails_closed(facts))
        reasons.extend(V.UNPARSABLE_FILE.diagnostic(
            f"{problem.location} could not be analysed ({problem.code}: {problem.message}); "
            "the verdict is at least review", problem.location, details={"problem": problem.code})
            for problem in _forces_review(facts))
    return reasons


def _requirement_reason(requiring: Sequence[Any], unvouched: Sequence[Diagnostic], deps: Sequence[DepInfo],
                        override: Override | None, deleted: set[str], prefix: str = "DEP") -> Diagnostic:
    """V101 (no satisfying DEP), or V105 when an override lets it pass.

    Located at the first change that requires a DEP, else at the first file depgate cannot vouch for.
    """
    if requiring:
        first = requiring[0]
        details: dict[str, Any] = {"symbol": first.symbol, "changes": [c.code for c in requiring],
                                   "rev": _rev_of(first, deleted), **anchor_details(first)}
        summary = (f"{len(requiring)} change(s) require {indefinite_article(prefix)} {prefix} "
                   f"(first: {_describe_change(first)})")
        where = Location(first.path, first.line)
        if unvouched:
            summary += f", and {len(unvouched)} file(s) cannot be analysed"
    else:
        where = unvouched[0].location
        details = {"symbol": None, "changes": [p.code for p in unvouched], "rev": "head"}
        summary = (f"{len(unvouched)} file(s) that the public API depends on cannot be analysed (first: "
                   f"{unvouched[0].code} at {where}), so depgate cannot vouch for the change")
    if override is not None:
        return V.OVERRIDE_USED.diagnostic(
            f"{summary}; none is linked, and the requirement is overridden by the {override.source}: "
            f"{override.reason}", where, details={**details, "override": override.as_dict()})
    linked = [d.label for d in deps if d.label]
    tail = f"; linked but not satisfying: {', '.join(linked)}" if linked else f"; no {prefix} is linked"
    return V.NOT_LINKED.diagnostic(f"{summary}{tail}", where, details=details)


def _suggestion_reason(suggestion: Suggestion) -> Diagnostic:
    return V.SUGGESTED_DEP.diagnostic(
        f"{suggestion.label or suggestion.path} ({suggestion.title or 'untitled'}, "
        f"{suggestion.status or 'no status'}) mentions {', '.join(suggestion.symbols)}; reference it if this "
        "change implements it", Location(suggestion.path, suggestion.line),
        details={"dep": suggestion.label, "symbols": list(suggestion.symbols)})


def _conventional_reason(changes: Sequence[Any], facts: Facts, deleted: set[str]) -> Diagnostic | None:
    """V106 when the change breaks the API but its title and footers do not say so."""
    breaking = [c for c in changes if _category(c) == "breaking"]
    if not breaking or not conventional_commits_on(facts) or _title_marks_breaking(facts):
        return None
    first = breaking[0]
    why = ""
    if facts.config.verdict.conventional_commits == "auto" and facts.recent_subjects is not None:
        matching, read = conventional_usage(facts.recent_subjects)
        why = f" ({matching} of the base branch's last {read} commit subjects do)"
    return V.BREAKING_NOT_MARKED.diagnostic(
        f"{len(breaking)} breaking change(s) (first: {_describe_change(first)}) but the title "
        f"{facts.title.strip()[:100]!r} has no `!` and no `BREAKING CHANGE:` footer; this repository uses "
        f"Conventional Commits{why}, and semantic-release would ship it as a minor or patch release",
        Location(first.path, first.line),
        details={"symbol": first.symbol, "rev": _rev_of(first, deleted), **anchor_details(first)})


def decide_bump(facts: Facts, verdict: Verdict | None = None) -> tuple[Bump, Release | None]:
    """The release the change implies (`depgate.bump`), after semantic-release's 0.x convention.

    A change to proposals only releases nothing; otherwise the API changes, the analysis problems and the changed
    paths decide (`depgate.bump.impact`), and `verdict.major-on-zero` with the project's version decides what a
    break under 0.x becomes.
    """
    if (verdict or classify(facts)) is Verdict.PROPOSAL:
        change_impact = Bump.NONE
    else:
        paths = [p for item in facts.changed for p in (item.path, item.old_path) if p]
        change_impact = B.impact([_category(c) for c in facts.changes], paths, facts.config.proposals.directory,
                                 fails_closed=bool(_fails_closed(facts)), forces_review=bool(_forces_review(facts)))
    return B.release(change_impact, facts.version, facts.config.verdict.major_on_zero)


def _feature_reason(changes: Sequence[Any], facts: Facts, deleted: set[str]) -> Diagnostic | None:
    """V114 when the change adds public API but its Conventional Commit title is not a `feat`.

    Left to V106 when the change also breaks the API, and silent when the title or a footer marks it breaking
    (a major release carries the additions).
    """
    added = [c for c in changes if _category(c) in ("addition", "abstraction", "strategy")]
    if not added or any(_category(c) == "breaking" for c in changes) or not conventional_commits_on(facts):
        return None
    typed = B.title_type(facts.title)
    if typed is None or typed[0] in B.MINOR_TYPES or _title_marks_breaking(facts):
        return None
    kind = typed[0]
    ships = ("ship it as a patch release" if kind in B.PATCH_TYPES
             else "not release it at all until a later `fix:` or `feat:` does")
    first = added[0]
    return V.FEATURE_NOT_MARKED.diagnostic(
        f"{len(added)} public addition(s) (first: {_describe_change(first)}) under a `{kind}:` title; "
        f"semantic-release would {ships}, and its changelog would not list the new API as a feature",
        Location(first.path, first.line),
        details={"symbol": first.symbol, "type": kind, "rev": _rev_of(first, deleted), **anchor_details(first)})


def _failed(fail_on: FailOn, verdict: Verdict, unmet: bool, link_errors: bool, override: Override | None) -> bool:
    """Apply the failure policy: an unmet requirement (no override) or a DEP reference that is an error."""
    if fail_on is FailOn.NEVER:
        return False
    if fail_on is FailOn.REVIEW and verdict is Verdict.REVIEW and override is None:
        return True
    return unmet or link_errors


def _next_steps(required: bool, satisfied: bool, override: Override | None, reasons: Sequence[Diagnostic],
                deps: Sequence[DepInfo], facts: Facts, wording: Naming) -> list[str]:
    """Decide what the author should do, as `NEXT_STEPS` keywords (`depgate.report.steps` words them).

    An unmet requirement offers the way that fits: fix the lint errors of the DEP the change brings, accept the
    linked DEP that exists but is not accepted, or, only when no linked DEP fits, write one or link an accepted
    one (when the repository has any); the override is always offered.
    """
    codes = {d.code for d in reasons}
    problems = {d.problem for d in deps}
    steps: list[str] = []
    if V.LINT_ERRORS_DEP.code in problems:
        steps.append("fix-dep-lint")
    if problems & {V.DRAFT_DEP.code, V.NOT_ACCEPTED.code}:
        steps.append("accept-dep")
    if required and not satisfied and override is None:
        if not steps:
            steps.append("write-dep")
            if wording.example is not None:
                steps.append("link-dep")
        steps.append("override")
    if codes & {V.MISSING_DEP.code, V.CLOSED_DEP.code, V.AMBIGUOUS_DEP.code}:
        steps.append("fix-references")
    if V.BREAKING_NOT_MARKED.code in codes:
        steps.append("mark-breaking")
    if V.FEATURE_NOT_MARKED.code in codes:
        steps.append("mark-feature")
    if _unparsable(facts):
        steps.append("fix-syntax")
    if any(not change.ok for change in facts.transitions):
        steps.append("fix-status")
    return steps
