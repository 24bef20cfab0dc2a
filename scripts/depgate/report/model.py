"""The typed result of `depgate check`: what every renderer (text, JSON, Markdown, annotations) shows.

`Report.as_dict()` is the JSON document described in `docs/report.md`; its shape is versioned by
`SCHEMA_VERSION`. Add fields freely; renaming or removing one, or changing its meaning, needs a new
version.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from depgate import __version__

if TYPE_CHECKING:
    from depgate.api.contract_check import ContractDiff
    from depgate.api.kinds import ApiChange
    from depgate.diagnostics import Diagnostic
    from depgate.proposals.lifecycle import Transition

#: Version of the JSON report's shape (`schema_version`).
SCHEMA_VERSION = 1
#: The keywords of `Report.next_steps`, in the order they are given. Version 1 may gain keywords; readers of a
#: saved report should take this set rather than a copy.
NEXT_STEPS: tuple[str, ...] = ("fix-dep-lint", "accept-dep", "write-dep", "link-dep", "override", "fix-references",
                               "mark-breaking", "mark-feature", "fix-syntax", "fix-status")


class Verdict(str, enum.Enum):
    """What a change needs. Values are the words of the JSON report and the action's output."""

    REQUIRED = "required"
    """It breaks the public API or adds an abstraction or a distributed strategy: a DEP is required."""
    REVIEW = "review"
    """Public additions only (or a file depgate could not parse): a maintainer should look."""
    NOT_REQUIRED = "not-required"
    """No public-API impact."""
    PROPOSAL = "proposal"
    """The change only adds or edits DEP documents."""


class Bump(str, enum.Enum):
    """The release a change implies (`depgate.bump`); values are the words of the JSON report and the output."""

    NONE = "none"
    """No code change: only docs, tests, proposals or other files that do not ship."""
    PATCH = "patch"
    """Code changed, with no public-API impact."""
    MINOR = "minor"
    """New public API."""
    MAJOR = "major"
    """A breaking change."""

    def rank(self) -> int:
        """Order from `none` (0) to `major` (3), for taking the largest of several bumps."""
        return _BUMP_ORDER.index(self.value)


_BUMP_ORDER = ("none", "patch", "minor", "major")


class FailOn(str, enum.Enum):
    """When the check fails (exit code 1)."""

    REQUIRED = "required"
    """A required DEP is missing (and not overridden), or a linked DEP is an error."""
    REVIEW = "review"
    """As `required`, and also for the verdict `review`."""
    NEVER = "never"
    """Never: report only."""


class LinkKind(str, enum.Enum):
    """How a DEP is tied to the change."""

    ADDED = "added"
    EDITED = "edited"
    REFERENCED = "referenced"


@dataclass(frozen=True)
class Revision:
    """A revision as given and as resolved.

    Attributes:
        rev: What the user gave (or the default chosen), e.g. `main`, `HEAD`, `WORKTREE`.
        sha: The full commit id; None for the work tree. For the base, the merge-base the change is diffed from.
        tip: For the base, the commit `rev` names (the base branch's tip), where the trusted inputs (the
            configuration, the summary template) are read; None elsewhere. Not part of the JSON report.
    """

    rev: str
    sha: str | None
    tip: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"rev": self.rev, "sha": self.sha}


@dataclass(frozen=True)
class DepLink:
    """One way a DEP is tied to the change.

    Attributes:
        kind: Added or edited by the change, or referenced in its text.
        source: Where: `diff`, `title`, `body`, `label`, or `commit <short sha>`.
        text: The reference as written (`DEP-8`, `deps/0008-x.md`), for references.
    """

    kind: LinkKind
    source: str
    text: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"kind": self.kind.value, "source": self.source, "text": self.text}


@dataclass(frozen=True)
class DepInfo:
    """A DEP involved in the change.

    Attributes:
        number: The DEP's number (from its header, else its file name).
        label: `DEP-0008`.
        title: Its `Title` header at head (None when missing or the DEP does not exist).
        status: Its `Status` header at head, as written.
        path: Its file at head; None when no document has that number.
        exists: Whether a document exists at head.
        links: How it is tied to the change.
        satisfies: Whether it satisfies a DEP requirement (existing, with an accepted status, or added by the change).
        problem: The rule code of what is wrong with the link (`V102`...), or None.
    """

    number: int | None
    label: str | None
    title: str | None
    status: str | None
    path: str | None
    exists: bool
    links: tuple[DepLink, ...]
    satisfies: bool
    problem: str | None = None

    @property
    def how(self) -> list[str]:
        """Distinct link kinds, in a stable order."""
        return [k.value for k in LinkKind if any(link.kind is k for link in self.links)]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {
            "number": self.number,
            "label": self.label,
            "title": self.title,
            "status": self.status,
            "path": self.path,
            "exists": self.exists,
            "how": self.how,
            "links": [link.as_dict() for link in self.links],
            "satisfies": self.satisfies,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class Suggestion:
    """A DEP that may be the one the change implements, because its text names changed symbols.

    Attributes:
        number, label, title, status, path: The DEP.
        symbols: The changed public names its text mentions.
        line: The first line of the DEP that mentions one.
    """

    number: int | None
    label: str | None
    title: str | None
    status: str | None
    path: str
    symbols: tuple[str, ...]
    line: int | None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"number": self.number, "label": self.label, "title": self.title, "status": self.status,
                "path": self.path, "symbols": list(self.symbols), "line": self.line}


@dataclass(frozen=True)
class Override:
    """A recorded decision that the change needs no DEP.

    Attributes:
        source: `body` (the marker) or `label`.
        reason: The reason written after the marker, or the label's name.
        label: The label, for label overrides.
        used: Whether it changed the outcome (a DEP was required and not satisfied).
    """

    source: str
    reason: str
    label: str | None
    used: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"source": self.source, "reason": self.reason, "label": self.label, "used": self.used}


@dataclass(frozen=True)
class ChangedPath:
    """A file the change touches."""

    status: str
    path: str
    old_path: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"status": self.status, "path": self.path, "old_path": self.old_path}


@dataclass(frozen=True)
class Release:
    """What the change makes of the project's current version, as semantic-release would release it.

    Attributes:
        version: The current version (`0.16.0`).
        source: Where it was read at the base revision: `pyproject.toml` or `tag v0.16.0`.
        impact: The bump by the API alone; it differs from `Report.bump` only for a breaking change under 0.x
            when `major_on_zero` is false.
        next_version: The version a release of this change alone would get; None when the bump is `none`.
        major_on_zero: Whether a breaking change under 0.x releases `1.0.0` (semantic-release's `major_on_zero`).
    """

    version: str
    source: str
    impact: Bump
    next_version: str | None
    major_on_zero: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"version": self.version, "source": self.source, "impact": self.impact.value,
                "next_version": self.next_version, "major_on_zero": self.major_on_zero}


#: The items of a `Done` checklist, in order (the values `done.require` may name).
DONE_ITEMS: tuple[str, ...] = ("implementation", "tests", "docstrings", "docs")


@dataclass(frozen=True)
class DoneItem:
    """One item of DEP-0001's definition of done.

    Attributes:
        item: `implementation`, `tests`, `docstrings` or `docs`.
        ok: Whether the change has it.
        found: What was found: the changed files that count for the item; for `docstrings`, the public objects
            that lack one (so `ok` is true when it is empty).
        required: Whether `done.require` names it (it fails the check under `done.policy: required`).
        summary: The item in one plain sentence.
    """

    item: str
    ok: bool
    found: tuple[str, ...]
    required: bool
    summary: str

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"item": self.item, "ok": self.ok, "found": list(self.found), "required": self.required,
                "summary": self.summary}


@dataclass(frozen=True)
class Done:
    """The definition-of-done checklist of a change that needs a DEP or links one (`done.*` configuration).

    Attributes:
        policy: `advisory` (shown, never fails) or `required` (a missing required item fails the check).
        items: One per `DONE_ITEMS`, in that order.
    """

    policy: str
    items: tuple[DoneItem, ...]

    @property
    def missing(self) -> tuple[DoneItem, ...]:
        """The required items the change lacks."""
        return tuple(item for item in self.items if item.required and not item.ok)

    @property
    def failed(self) -> bool:
        """Whether the checklist fails the check: policy `required` and a required item missing."""
        return self.policy == "required" and bool(self.missing)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"policy": self.policy, "failed": self.failed, "items": [item.as_dict() for item in self.items]}


#: Letters whose spoken name starts with a vowel sound when an all-capital prefix is spelled out (F is "ef").
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")


def indefinite_article(word: str) -> str:
    """`a` or `an` for a proposal prefix.

    An all-capital prefix is read letter by letter (an RFC, a DEP, a KEP); any other word by its first letter
    (an Enhancement, a Proposal). Good enough for prefixes, which are short and chosen by a project.

    Examples:
        >>> indefinite_article("RFC"), indefinite_article("DEP"), indefinite_article("Enhancement")
        ('an', 'a', 'an')
    """
    if not word:
        return "a"
    if word.isupper():
        return "an" if word[0] in _VOWEL_SOUND_LETTERS else "a"
    return "an" if word[0].lower() in "aeiou" else "a"


@dataclass(frozen=True)
class Naming:
    """How this repository names and handles its proposals: what every sentence shown to a user needs.

    Renderers word next steps from this, never from constants, so a repository with `prefix: RFC` and
    `directory: rfcs` reads `rfcs/0012-<slug>.md` and `RFC-0007`, not depgate's defaults.

    Attributes:
        prefix: The document prefix (`DEP`, `RFC`).
        directory: The proposals folder, relative to the repository root.
        number_width: Digits in a number.
        next_number: The number `depgate new` would give the next proposal at head.
        example: The label of a real proposal to cite as an example of an accepted one (the latest accepted at
            head), or None when the repository has none.
        override_line: A body line the configured override marker accepts (`DEP: none — <reason>`), or None when
            the marker is a custom pattern that no such line matches.
        override_pattern: The configured override marker (a regular expression), for when no line can be shown.
        override_labels: The labels that record an override.
        accepted_statuses: The statuses that satisfy a requirement.
    """

    prefix: str = "DEP"
    directory: str = "deps"
    number_width: int = 4
    next_number: int = 1
    example: str | None = None
    override_line: str | None = "DEP: none — <reason>"
    override_pattern: str = ""
    override_labels: tuple[str, ...] = ()
    accepted_statuses: tuple[str, ...] = ("Accepted", "Implemented", "Active")

    @property
    def article(self) -> str:
        """`a` or `an` before the prefix, as it is read aloud: an RFC, an ADR, a DEP, a KEP, a PEP."""
        return indefinite_article(self.prefix)

    def label(self, number: int) -> str:
        """A proposal's label in this repository's words (`RFC-0012`)."""
        return f"{self.prefix}-{number:0{self.number_width}d}"

    @property
    def next_path(self) -> str:
        """Where `depgate new` would write the next proposal (`rfcs/0012-<slug>.md`)."""
        return f"{self.directory.strip('/')}/{self.next_number:0{self.number_width}d}-<slug>.md"

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON and templates."""
        return {"prefix": self.prefix, "directory": self.directory, "number_width": self.number_width,
                "next_number": self.next_number, "next_path": self.next_path, "example": self.example,
                "override_line": self.override_line, "override_pattern": self.override_pattern,
                "override_labels": list(self.override_labels), "accepted_statuses": list(self.accepted_statuses)}


@dataclass(frozen=True)
class Report:
    """Everything `depgate check` decided about one change.

    Attributes:
        verdict: What the change needs.
        dep_required: The verdict is `required`.
        satisfied: True when no DEP is required, or a linked DEP satisfies the requirement. An override
            does not make this true; see `override`.
        failed: Whether the check fails under `fail_on` (exit code 1).
        fail_on: The failure policy used.
        base, head: The compared revisions.
        title: The change's title (pull-request title or commit subject).
        deps: The DEPs involved, by number.
        changes: Public-API changes (`depgate.api.kinds.ApiChange`), sorted by path and line.
        reasons: Why the verdict: one diagnostic per API change that counts, plus verdict findings (V-codes).
        findings: DEP lint results for the DEP files the change touches.
        problems: Analysis problems (A9xx: files that do not parse).
        suggestions: Likely DEPs when none is linked.
        override: The override, when one is recorded.
        files: The changed files.
        packages: The packages analysed.
        modules_analysed: How many modules the API analysis read.
        next_steps: What to do next, as stable keywords (`NEXT_STEPS`); `depgate.report.steps` words them.
        config_source: Where the configuration came from.
        naming: How the repository names its proposals, for the wording of every renderer.
        contract: The committed API files at base against the public API at head (DEP-0004), when the repository
            keeps them and the change can touch them; else None.
        bump: The release the change implies (`major`, `minor`, `patch`, `none`), after semantic-release's 0.x
            convention (`release`).
        release: The project's version and the one this change would release, when a version is known.
        done: DEP-0001's definition-of-done checklist, for a change that needs a DEP or links one (and
            `done.policy` is not `off`); else None.
        transitions: The proposals whose `Status` the change moves, judged against `status.lifecycle` (DEP-0005);
            in the JSON only when there is one.
    """

    verdict: Verdict
    dep_required: bool
    satisfied: bool
    failed: bool
    fail_on: FailOn
    base: Revision
    head: Revision
    title: str
    deps: tuple[DepInfo, ...] = ()
    changes: tuple[ApiChange, ...] = ()
    reasons: tuple[Diagnostic, ...] = ()
    findings: tuple[Diagnostic, ...] = ()
    problems: tuple[Diagnostic, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    override: Override | None = None
    files: tuple[ChangedPath, ...] = ()
    packages: tuple[str, ...] = ()
    modules_analysed: int = 0
    next_steps: tuple[str, ...] = ()
    config_source: str = "<defaults>"
    naming: Naming = field(default_factory=Naming)
    contract: ContractDiff | None = None
    bump: Bump = Bump.NONE
    release: Release | None = None
    done: Done | None = None
    transitions: tuple[Transition, ...] = ()
    schema_version: int = field(default=SCHEMA_VERSION)
    tool_version: str = field(default=__version__)

    @property
    def headline(self) -> str:
        """The verdict in one plain sentence, then the status changes the lifecycle refuses (renderers escape it)."""
        refused = [t for t in self.transitions if not t.ok]
        if not refused:
            return self._verdict_sentence
        names = ", ".join(f"{t.label or t.path} ({t.old} -> {t.new})" for t in refused[:3])
        more = f" and {len(refused) - 3} more" if len(refused) > 3 else ""
        return (f"{self._verdict_sentence} The proposal lifecycle refuses the status change of "
                f"{names}{more}.")

    @property
    def _verdict_sentence(self) -> str:
        linked = [d for d in self.deps if d.satisfies]
        p = self.naming.prefix
        a_p = f"{self.naming.article.capitalize()} {p}"
        if self.verdict is Verdict.PROPOSAL:
            return f"This change only adds or edits {p} documents."
        if self.verdict is Verdict.REQUIRED:
            if self.satisfied:
                names = ", ".join(f"{d.label} ({d.status or 'no status'})" for d in linked)
                return f"{a_p} is required, and {names} {'satisfies' if len(linked) == 1 else 'satisfy'} it."
            if self.override is not None:
                return f"{a_p} is required; none is linked, and the requirement is overridden ({self.override.source})."
            return f"{a_p} is required, and no {p} that satisfies it is linked."
        if self.verdict is Verdict.REVIEW:
            if any(d.code == "V107" for d in self.reasons):
                return "A changed file could not be analysed; a maintainer should review the change."
            return f"No {p} is required, but the change adds public API; a maintainer should review it."
        return f"No {p} is required: no public-API impact found."

    @property
    def counts(self) -> dict[str, int]:
        """Number of API changes per category, for summaries."""
        out = {"breaking": 0, "abstraction": 0, "strategy": 0, "addition": 0}
        for change in self.changes:
            key = _category(change)
            out[key] = out.get(key, 0) + 1
        return out

    def as_dict(self) -> dict[str, Any]:
        """The JSON report (schema version `SCHEMA_VERSION`, documented in `docs/report.md`)."""
        return {
            "schema_version": self.schema_version,
            "tool": {"name": "depgate", "version": self.tool_version},
            "verdict": self.verdict.value,
            "dep_required": self.dep_required,
            "satisfied": self.satisfied,
            "failed": self.failed,
            "fail_on": self.fail_on.value,
            "headline": self.headline,
            "base": self.base.as_dict(),
            "head": self.head.as_dict(),
            "title": self.title,
            "deps": [d.as_dict() for d in self.deps],
            "changes": [change_dict(c) for c in self.changes],
            "counts": self.counts,
            "reasons": [d.as_dict() for d in self.reasons],
            "findings": [d.as_dict() for d in self.findings],
            "problems": [d.as_dict() for d in self.problems],
            "suggestions": [s.as_dict() for s in self.suggestions],
            "override": self.override.as_dict() if self.override else None,
            "next_steps": list(self.next_steps),
            "files": [f.as_dict() for f in self.files],
            "analysis": {"packages": list(self.packages), "modules_analysed": self.modules_analysed},
            "config": self.config_source,
            "proposals": self.naming.as_dict(),
            # Only when the repository keeps API files and the change can touch them (DEP-0004).
            **({"contract": self.contract.as_dict()} if self.contract is not None else {}),
            "bump": self.bump.value,
            "release": self.release.as_dict() if self.release is not None else None,
            "done": self.done.as_dict() if self.done is not None else None,
            # Only when the change moves a proposal's status (DEP-0005), so reports without one keep their shape.
            **({"transitions": [t.as_dict() for t in self.transitions]} if self.transitions else {}),
        }


def _category(change: Any) -> str:
    category = getattr(change, "category", "")
    return str(getattr(category, "value", category))


def change_dict(change: Any) -> dict[str, Any]:
    """One API change as plain data with the report's required keys.

    The API analysis's own `as_dict()` is used when it exists; the keys the report promises are
    always present.
    """
    data: dict[str, Any] = dict(change.as_dict()) if hasattr(change, "as_dict") else {}
    data.update({
        "code": change.code,
        "kind": str(getattr(change.kind, "value", change.kind)),
        "category": _category(change),
        "symbol": change.symbol,
        "path": change.path,
        "line": change.line,
        "breaking": bool(getattr(change, "breaking", _category(change) == "breaking")),
        "message": change.message,
        "old": getattr(change, "old", None),
        "new": getattr(change, "new", None),
    })
    return data
