"""Typed data of where each proposal stands (DEP-0005): the branch history read, the evidence, the repairs.

Data only, no I/O and no decisions: `depgate.proposals.history` reads a `History` from git,
`depgate.proposals.status` turns it into a `StatusReport`, and the renderers in `depgate.report.status`
show that report. Keeping the types here lets each of those modules be tested without the others.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from depgate.diagnostics import Diagnostic

#: The header that records a proposal's implementation (`Implementation: #123, #130`).
IMPLEMENTATION_KEY = "Implementation"
#: Version of the JSON written by `depgate status --format json`; bumped only on an incompatible change.
STATUS_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Commit:
    """One first-parent commit of the branch: a merged pull request, or a direct push.

    Attributes:
        sha: Full commit id.
        parent: The first parent's id, or None for a root commit.
        date: The committer date (UTC), ISO `YYYY-MM-DD`.
        subject: The first line of the message.
        messages: The commit's own message, then those of the commits a merge brought in (a pull request's
            own commits), so a proposal cited in any of them is found.
        pull: The pull request number read from the subject (`Title (#123)` or `Merge pull request #123`).
        changed: Paths the commit changed against its first parent (the new path of a rename).
    """

    sha: str
    parent: str | None
    date: str
    subject: str
    messages: tuple[str, ...]
    pull: int | None
    changed: tuple[str, ...]


@dataclass(frozen=True)
class DocVersion:
    """One change to one proposal document on the branch.

    Attributes:
        sha: The commit that made the change.
        path: The document's path after the change (before it, for a deletion).
        change: `A` added, `M` modified, `R` renamed (maybe modified), `D` deleted, `?` present at a shallow
            clone's cut (when it was added is unknown).
        status: The `Status` header after the change, as written; None when absent or unreadable.
        body_changed: Something besides the `Status`, `Implementation` and `Updated` header lines changed; a
            change that only moves the status or records the implementation is bookkeeping, not an edit.
        old_path: The path before a rename.
    """

    sha: str
    path: str
    change: str
    status: str | None
    body_changed: bool
    old_path: str | None = None


@dataclass(frozen=True)
class History:
    """What the branch's first-parent history says about the proposals.

    Attributes:
        branch: The branch (or revision) as named by the user.
        tip: The id of its tip.
        commits: First-parent commits, oldest first.
        versions: For each document at the tip (by its path there), its changes, oldest first, renames
            followed.
        shallow: The repository is a shallow clone: older evidence may be missing.
        truncated: The history was cut at a limit: older evidence may be missing.
    """

    branch: str
    tip: str
    commits: tuple[Commit, ...]
    versions: Mapping[str, tuple[DocVersion, ...]]
    shallow: bool = False
    truncated: bool = False

    def commit(self, sha: str) -> Commit | None:
        """Return the commit with this id, or None when it is not a first-parent commit of the branch."""
        index = self.__dict__.get("_by_sha")
        if index is None:
            index = {c.sha: c for c in self.commits}
            object.__setattr__(self, "_by_sha", index)
        return index.get(sha)


class EvidenceKind(str, enum.Enum):
    """What a commit says about a proposal."""

    ADDED = "added"  # the commit that put the document on the branch
    STATUS = "status"  # the commit that set the status the document has now
    ADDED_WITH_IMPLEMENTATION = "added-with-implementation"  # added in the same change as code
    REFERENCED = "referenced"  # a code change whose title, body or commit message names the proposal
    INFERRED = "inferred"  # a code change that added public symbols the proposal names
    EDITED = "edited"  # the document changed after it became implemented


class Strength(str, enum.Enum):
    """How far a piece of evidence can be trusted."""

    LINKED = "linked"  # a person linked the change to the proposal: `--write` applies what follows from it
    INFERRED = "inferred"  # depgate matched names: proposed for a person to confirm, never written by default
    RECORD = "record"  # a fact about the document itself (when it was added, when its status changed)


@dataclass(frozen=True)
class Evidence:
    """One commit and what it says about a proposal."""

    kind: EvidenceKind
    strength: Strength
    sha: str
    date: str
    subject: str
    pull: int | None = None
    symbols: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """How the `Implementation` header names it: `#123` when the pull request is known, else a short sha."""
        return f"#{self.pull}" if self.pull is not None else self.sha[:12]

    def details(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"kind": self.kind.value, "strength": self.strength.value, "sha": self.sha, "date": self.date,
                "subject": self.subject, "pull": self.pull, "symbols": list(self.symbols)}


@dataclass(frozen=True)
class Repair:
    """A change to a proposal's header that the evidence calls for.

    Attributes:
        code: The status rule (`S102`) that calls for it.
        status: The new `Status` value, or None to keep it.
        implementation: References to add to the `Implementation` header (`#123`, or a short sha).
        strength: `linked` repairs are applied by `--write` and by the scheduled index pull request;
            the others are proposed for a person to confirm.
        message: One line saying what and why.
    """

    code: str
    status: str | None
    implementation: tuple[str, ...]
    strength: Strength
    message: str

    @property
    def automatic(self) -> bool:
        """True when `--write` applies it without being asked."""
        return self.strength is Strength.LINKED

    def details(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {"code": self.code, "status": self.status, "implementation": list(self.implementation),
                "strength": self.strength.value, "automatic": self.automatic, "message": self.message}


@dataclass(frozen=True)
class ProposalState:
    """Where one proposal stands, with the evidence and what should change.

    Attributes:
        path: Repository-relative path at the tip.
        number: Its number, or None.
        label: `DEP-0008`, or None without a number.
        title: Its title.
        status: The `Status` header as written.
        proposed: The status the evidence calls for, or None when the written one stands.
        evidence: The commits that say where it stands, oldest first.
        repairs: The header changes the evidence calls for.
        findings: Status rule findings (`S1xx` repairs and `S2xx` nudges), for the report and annotations.
        status_since: The date of the commit that set the current status, or None when unknown.
        implementation: The references already in its `Implementation` header.
    """

    path: str
    number: int | None
    label: str | None
    title: str | None
    status: str | None
    proposed: str | None
    evidence: tuple[Evidence, ...] = ()
    repairs: tuple[Repair, ...] = ()
    findings: tuple[Diagnostic, ...] = ()
    status_since: str | None = None
    implementation: tuple[str, ...] = ()

    def details(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "number": self.number, "label": self.label, "path": self.path, "title": self.title,
            "status": self.status, "proposed": self.proposed, "status_since": self.status_since,
            "implementation": list(self.implementation),
            "evidence": [e.details() for e in self.evidence],
            "repairs": [r.details() for r in self.repairs],
            "findings": [d.as_dict() for d in self.findings],
        }


@dataclass(frozen=True)
class StatusReport:
    """Where every proposal stands on one branch.

    Attributes:
        branch: The branch read.
        tip: Its tip commit.
        today: The date nudges are measured from.
        proposals: One state per document, by number then path.
        problems: What kept depgate from seeing everything (a shallow clone, code it could not analyse).
    """

    branch: str
    tip: str
    today: dt.date
    proposals: tuple[ProposalState, ...]
    problems: tuple[Diagnostic, ...] = field(default=())

    @property
    def repairs(self) -> list[tuple[ProposalState, Repair]]:
        """Every repair, proposal by proposal."""
        return [(p, r) for p in self.proposals for r in p.repairs]

    def details(self) -> dict[str, Any]:
        """Plain data for JSON (`depgate status --format json`)."""
        return {
            "schema_version": STATUS_SCHEMA_VERSION,
            "branch": self.branch,
            "tip": self.tip,
            "today": self.today.isoformat(),
            "proposals": [p.details() for p in self.proposals],
            "problems": [d.as_dict() for d in self.problems],
        }
