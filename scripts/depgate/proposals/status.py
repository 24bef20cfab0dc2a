"""Where each proposal stands: evidence from the branch's history, the repairs it calls for (DEP-0005).

Pure: a `History` (read by `depgate.proposals.history`), the documents at the tip and, optionally, the
inferred evidence (`depgate.api.mentions`) go in; a `StatusReport` comes out. No git, no files, no
clock: `today` is given, so the same inputs always give the same report.

The rules are `depgate.proposals.status_rules`. A conclusion drawn from the *absence* of evidence (no
implementation yet, no change for months) is only drawn where the history read covers it: a shallow
clone or a cut history is reported (S100), never taken as "no evidence".
"""

from __future__ import annotations

import bisect
import datetime as dt
import posixpath
import re
from collections import Counter
from typing import TYPE_CHECKING

from depgate.diagnostics import Location
from depgate.proposals import status_rules as R
from depgate.proposals.evidence import (
    IMPLEMENTATION_KEY,
    Evidence,
    EvidenceKind,
    ProposalState,
    Repair,
    StatusReport,
    Strength,
)
from depgate.proposals.history import is_code_change
from depgate.proposals.model import number_in_filename, parse_number
from depgate.proposals.repair import same_ref
from depgate.verdict import find_references

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from depgate.config import Config
    from depgate.diagnostics import Diagnostic
    from depgate.proposals.evidence import Commit, DocVersion, History
    from depgate.proposals.folder import FolderDocument
    from depgate.rules import Rule

#: Headers read here besides `Status` and `Implementation` (names as in DEP-0001).
SUPERSEDED_BY = "Superseded-By"
REPLACES = "Replaces"
#: Evidence that a change implemented the proposal, as a person linked it.
IMPLEMENTATION_KINDS = frozenset({EvidenceKind.ADDED_WITH_IMPLEMENTATION, EvidenceKind.REFERENCED})
#: Order of kinds met at one commit, so evidence of one commit always reads the same way.
_KIND_ORDER = {kind: i for i, kind in enumerate(EvidenceKind)}
_LIST_SEPARATOR = re.compile(r"[,\s]+")
# `git revert` writes `Revert "<subject>"` and `This reverts commit <id>.`; a squash merge appends ` (#13)`.
_REVERT_SUBJECT = re.compile(r'^Revert "(.*)"(?:[ \t]+\(#[0-9]{1,9}\))?[ \t]*$')
_REVERTS_COMMIT = re.compile(r"\bThis reverts commit ([0-9a-fA-F]{7,40})\b")


# -- evidence ----------------------------------------------------------------------------------------------------


def same_status(written: str | None, word: str) -> bool:
    """Tell whether a `Status` value is the configured word; case and blanks aside, as lint reports those."""
    return written is not None and written.strip().casefold() == word.strip().casefold()


def _incomplete(history: History) -> bool:
    return history.shallow or history.truncated


def _evidence(kind: EvidenceKind, strength: Strength, sha: str, history: History) -> Evidence:
    commit = history.commit(sha)
    if commit is None:  # a version outside the first-parent walk: keep the fact, without what it cannot tell
        return Evidence(kind, strength, sha, "", "")
    return Evidence(kind, strength, sha, commit.date, commit.subject, commit.pull)


def _status_run_start(versions: Sequence[DocVersion]) -> int:
    """Index of the version that set the current status: the first of the final run of equal statuses."""
    start = len(versions) - 1
    while start > 0 and versions[start - 1].status == versions[start].status:
        start -= 1
    return start


def _revert_target(commit: Commit, by_subject: Mapping[str, str], known: Sequence[str]) -> str | None:
    """The earlier commit this one reverts: named by `This reverts commit <id>`, else by its quoted subject.

    `known` holds the earlier commits' ids, sorted, so an abbreviated id is found by bisection.
    """
    for message in commit.messages:
        match = _REVERTS_COMMIT.search(message)  # git writes the line once; a hostile message may repeat it
        if match is not None:
            short = match[1].lower()
            at = bisect.bisect_left(known, short)
            if at < len(known) and known[at].startswith(short):
                return known[at]
    quoted = _REVERT_SUBJECT.match(commit.subject)
    return by_subject.get(quoted[1]) if quoted else None


def reverted_commits(history: History) -> frozenset[str]:
    """The commits that are no implementation: reverts (`Revert "..."`), and the changes a revert undid.

    Reverting a revert re-applies the original change, which then counts again (the re-applying commit does not:
    it is itself a revert).

    Args:
        history: The branch's history.

    Returns:
        The ids of the reverting commits and of the commits whose change is undone at the tip.
    """
    by_subject: dict[str, str] = {}
    known: list[str] = []
    undoes: dict[str, str] = {}  # revert -> the commit it reverted
    undone: set[str] = set()
    for commit in history.commits:
        target = _revert_target(commit, by_subject, known)
        if target is not None:
            undoes[commit.sha] = target
            if target in undoes:
                undone.discard(undoes[target])  # a revert of a revert: the original stands again
            else:
                undone.add(target)
        by_subject.setdefault(commit.subject, commit.sha)
        bisect.insort(known, commit.sha)
    reverts = {c.sha for c in history.commits if c.sha in undoes or _REVERT_SUBJECT.match(c.subject)}
    return frozenset(reverts | undone)


def _citations(history: History, config: Config) -> dict[str, frozenset[int]]:
    """The proposal numbers each code change cites, read once for every proposal (`DEP-0008`, `DEP 8`, a path).

    The same reader as `depgate check`, so what links a pull request to a proposal there links it here. A revert
    and the change it undid are left out: citing a proposal in `Revert "feat: ... (DEP-0008)"` does not implement it.
    """
    undone = reverted_commits(history)
    return {commit.sha: frozenset(ref.number for message in (commit.subject, *commit.messages)
                                  for ref in find_references(message, "", config.proposals))
            for commit in history.commits if is_code_change(commit, config) and commit.sha not in undone}


def _names_proposal(commit: Commit, path: str, number: int | None, cited: frozenset[int]) -> bool:
    """The commit cites the proposal by number, or by its exact path (the only way to cite one without a number)."""
    return (number is not None and number in cited) or any(path in m for m in (commit.subject, *commit.messages))


def linked_evidence(history: History, path: str, number: int | None, config: Config) -> tuple[Evidence, ...]:
    """Gather what the history records about one proposal, and the implementations people linked to it.

    Args:
        history: The branch's history.
        path: The document's path at the tip.
        number: The proposal's number (header or file name), or None; citations of it count as links.
        config: The configuration (proposals folder, prefix, the implemented status word).

    Returns:
        The `added`, `status`, `added-with-implementation`, `referenced` and `edited` evidence, oldest first, one
        per commit and kind; a commit both added with code and citing the proposal counts once, as added.
    """
    position = {c.sha: i for i, c in enumerate(history.commits)}
    return _linked(history, path, number, config, _citations(history, config), position)


def _linked(history: History, path: str, number: int | None, config: Config,
            citations: Mapping[str, frozenset[int]], position: Mapping[str, int]) -> tuple[Evidence, ...]:
    versions = history.versions.get(path, ())
    if not versions:
        return ()
    found: list[Evidence] = []
    first = versions[0]
    # NOTE: in a cut history the first version seen may be a later edit; it is then not called "added".
    added_seen = first.change == "A" or not _incomplete(history)
    added_commit = history.commit(first.sha) if added_seen else None
    if added_seen:
        found.append(_evidence(EvidenceKind.ADDED, Strength.RECORD, first.sha, history))
    start = _status_run_start(versions)
    found.append(_evidence(EvidenceKind.STATUS, Strength.RECORD, versions[start].sha, history))
    if added_commit is not None and is_code_change(added_commit, config):
        found.append(_evidence(EvidenceKind.ADDED_WITH_IMPLEMENTATION, Strength.LINKED, first.sha, history))
    since = position.get(first.sha, 0) if added_seen else 0
    linked = {e.sha for e in found if e.kind in IMPLEMENTATION_KINDS}
    for commit in history.commits[since:]:
        cited = citations.get(commit.sha)  # None: not a code change
        if cited is None or commit.sha in linked:
            continue
        if _names_proposal(commit, path, number, cited):
            found.append(_evidence(EvidenceKind.REFERENCED, Strength.LINKED, commit.sha, history))
    if same_status(versions[-1].status, config.status.implemented):
        for version in versions[start + 1:]:
            if version.body_changed:
                found.append(_evidence(EvidenceKind.EDITED, Strength.RECORD, version.sha, history))
    return _ordered(found, position)


def _ordered(evidence: Iterable[Evidence], position: Mapping[str, int]) -> tuple[Evidence, ...]:
    """Oldest first by commit (unknown commits last, by date then id), one per commit and kind."""
    unique = {(e.sha, e.kind): e for e in evidence}
    end = len(position)
    return tuple(sorted(unique.values(), key=lambda e: (position.get(e.sha, end), e.date, e.sha, _KIND_ORDER[e.kind])))


def _merge_inferred(linked: Sequence[Evidence], inferred: Sequence[Evidence],
                    position: Mapping[str, int]) -> tuple[Evidence, ...]:
    """Add the inferred evidence; where a person linked the same commit, the link stands and gains the symbols."""
    by_sha = {e.sha: e for e in inferred}
    merged: list[Evidence] = []
    for item in linked:
        extra = by_sha.pop(item.sha, None) if item.kind in IMPLEMENTATION_KINDS else None
        if extra is not None and not item.symbols:
            item = Evidence(item.kind, item.strength, item.sha, item.date, item.subject, item.pull, extra.symbols)
        merged.append(item)
    merged.extend(e for e in inferred if e.sha in by_sha)
    return _ordered(merged, position)


# -- headers -----------------------------------------------------------------------------------------------------


def split_list(value: str | None) -> tuple[str, ...]:
    """Split a list header (`#35, #40` or `#35 #40`) into its items, in order, without repeats."""
    if not value:
        return ()
    return tuple(dict.fromkeys(item for item in _LIST_SEPARATOR.split(value) if item))


def _target(item: str, prefix: str, by_path: Mapping[str, int | None]) -> tuple[int | None, str | None]:
    """Read one reference to a proposal (`DEP-0007`, `0007`, `7`, a path): its number, or the path it names."""
    item = item.strip().strip("`")
    if "/" in item or item.lower().endswith(".md"):
        path = posixpath.normpath(item).lstrip("/")
        if path in by_path:
            return by_path[path], path
        return number_in_filename(posixpath.basename(path)), None
    if item.upper().startswith(prefix.upper()):
        item = item[len(prefix):].lstrip(" \t-_:#")
    return parse_number(item), None


def successor_path(document: FolderDocument, documents: Sequence[FolderDocument], config: Config) -> str | None:
    """The existing successor `Superseded-By` names (its path), or None.

    Shared with the lifecycle's `successor` condition, so `status` and `check` agree on what names a successor:
    `DEP-0007`, `0007`, `7`, a path, a file name, or a list of them.
    """
    value = document.document.value(SUPERSEDED_BY)
    if not value:
        return None
    by_path = {d.path: d.number for d in documents}
    own = document.number
    for item in split_list(value):
        number, path = _target(item, config.proposals.prefix, by_path)
        if path is not None and path != document.path:
            return path
        if number is not None and number != own:
            match = next((d.path for d in documents if d.number == number and d is not document), None)
            if match is not None:
                return match
    return None


def _replacers(document: FolderDocument, documents: Sequence[FolderDocument], config: Config) -> list[FolderDocument]:
    """The other documents whose `Replaces` header names this one."""
    by_path = {d.path: d.number for d in documents}
    own = document.number
    found = []
    for other in documents:
        if other is document:
            continue
        for item in split_list(other.document.value(REPLACES)):
            number, path = _target(item, config.proposals.prefix, by_path)
            if path == document.path or (path is None and number is not None and number == own):
                found.append(other)
                break
    return found


# -- assessment --------------------------------------------------------------------------------------------------


def _label(number: int | None, config: Config) -> str | None:
    if number is None:
        return None
    return f"{config.proposals.prefix}-{number:0{config.proposals.number_width}d}"


def _refs(evidence: Iterable[Evidence], kinds: Iterable[EvidenceKind]) -> tuple[str, ...]:
    wanted = frozenset(kinds)
    return tuple(dict.fromkeys(e.ref for e in evidence if e.kind in wanted))


def _join(refs: Sequence[str]) -> str:
    return ", ".join(refs)


def _set_and_record(status: str, refs: Sequence[str]) -> str:
    return f"set Status to {status}" + (f" and record {_join(refs)}" if refs else "")


class _Assessment:
    """The findings and repairs of one proposal, built rule by rule."""

    def __init__(self, name: str, location: Location) -> None:
        self.name = name
        self.location = location
        self.proposed: str | None = None
        self.repairs: list[Repair] = []
        self.findings: list[Diagnostic] = []

    def finding(self, rule: Rule, message: str) -> None:
        self.findings.append(rule.diagnostic(message, self.location))

    def repair(self, code: str, status: str | None, refs: Sequence[str], strength: Strength, message: str) -> None:
        self.repairs.append(Repair(code, status, tuple(refs), strength, message))
        if status is not None:
            self.proposed = status


def _covers(history: History, since: dt.date) -> bool:
    """The history read reaches back to `since`, so a change after it would have been seen."""
    if not _incomplete(history):
        return True
    oldest = history.commits[0].date if history.commits else None
    return oldest is not None and oldest <= since.isoformat()


def _open_rules(a: _Assessment, status: str, recorded: Sequence[str], evidence: Sequence[Evidence], config: Config,
                complete: bool) -> None:
    """S101, S102, S103 and S202: a Draft or Accepted proposal against its implementation evidence."""
    words = config.status
    linked = _refs(evidence, IMPLEMENTATION_KINDS)
    inferred = _refs(evidence, (EvidenceKind.INFERRED,))
    if linked:
        missing = [r for r in linked if not _recorded(r, recorded)]
        skipped = (f"; it was still {status}, so the acceptance step was skipped: confirm the maintainers agreed"
                   if same_status(status, words.draft) else "")
        how = {EvidenceKind.ADDED_WITH_IMPLEMENTATION: "added with it", EvidenceKind.REFERENCED: "citing it"}
        kinds = sorted({how[e.kind] for e in evidence if e.kind in how})
        message = (f"{a.name}'s implementation merged ({_join(linked)}, {' or '.join(kinds)}) but its status is "
                   f"{status}: it should be {words.implemented}{skipped}")
        a.finding(R.IMPLEMENTED_NOT_RECORDED, message)
        a.repair(R.IMPLEMENTED_NOT_RECORDED.code, words.implemented, missing, Strength.LINKED,
                 _set_and_record(words.implemented, missing))
    elif inferred:
        symbols = sorted({s for e in evidence if e.kind is EvidenceKind.INFERRED for s in e.symbols})
        named = f" (adding {', '.join(f'`{s}`' for s in symbols)})" if symbols else ""
        a.finding(R.IMPLEMENTATION_INFERRED,
                  f"{a.name} may be implemented by {_join(inferred)}{named}, which does not cite it: if so, it should "
                  f"be {words.implemented} and cite {_join(inferred)}")
        missing = [r for r in inferred if not _recorded(r, recorded)]
        a.repair(R.IMPLEMENTATION_INFERRED.code, words.implemented, missing, Strength.INFERRED,
                 "confirm, then " + _set_and_record(words.implemented, missing))
    elif not complete:
        return  # no implementation seen, but the history read may hide it (S100 says so)
    elif same_status(status, words.draft):
        a.finding(R.DRAFT_NOT_ACCEPTED,
                  f"{a.name} is on the default branch as {status}: the acceptance step was skipped; a person decides "
                  f"whether it is {words.accepted}")
        a.repair(R.DRAFT_NOT_ACCEPTED.code, words.accepted, (), Strength.RECORD,
                 f"decide, then set Status to {words.accepted}")
    else:
        a.finding(R.ACCEPTED_NOT_IMPLEMENTED,
                  f"{a.name} is {status} and no change implements it yet (none cites it or adds a symbol it names)")


def _stale_rule(a: _Assessment, versions: Sequence[DocVersion], history: History, config: Config,
                today: dt.date) -> None:
    """S201: a Draft no commit touched for `status.stale-draft-days` days."""
    days = config.status.stale_draft_days
    if days <= 0:
        return
    cutoff = today - dt.timedelta(days=days)
    dates = [c.date for v in versions if (c := history.commit(v.sha)) is not None]
    last = max(dates, default=None)
    if last is None:
        # Its last change is older than the history read: stale only if that history reaches back past the cutoff.
        if not (_incomplete(history) and _covers(history, cutoff)):
            return
    elif last > cutoff.isoformat():
        return
    when = f"since {last}" if last is not None else "in the history read"
    a.finding(R.STALE_DRAFT, f"{a.name} is a {config.status.draft} no commit touched {when}, more than {days} days "
                             f"before {today.isoformat()}: accept, reject, withdraw or update it")


def _superseded_rule(a: _Assessment, document: FolderDocument, documents: Sequence[FolderDocument],
                     config: Config) -> None:
    """S104: a Superseded proposal must name an existing successor."""
    if successor_path(document, documents, config) is not None:
        return
    written = document.document.value(SUPERSEDED_BY)
    problem = f"names no existing proposal (`{SUPERSEDED_BY}: {written}`)" if written else f"has no `{SUPERSEDED_BY}`"
    replacers = _replacers(document, documents, config)
    if not replacers:
        a.finding(R.SUPERSEDED_NO_SUCCESSOR, f"{a.name} is {config.status.superseded} but {problem}: name the "
                                             f"proposal that replaced it")
        return
    names = [_label(d.number, config) or d.path for d in replacers]
    a.finding(R.SUPERSEDED_NO_SUCCESSOR, f"{a.name} is {config.status.superseded} but {problem}; "
                                         f"{', '.join(names)} `{REPLACES}` it: name it in `{SUPERSEDED_BY}`")
    successor = replacers[0].number
    value = f"{successor:0{config.proposals.number_width}d}" if successor is not None else replacers[0].path
    a.repair(R.SUPERSEDED_NO_SUCCESSOR.code, None, (), Strength.RECORD, f"set `{SUPERSEDED_BY}: {value}`")


def _recorded(ref: str, recorded: Sequence[str]) -> bool:
    """The header already names this change, as `--write` judges it (`#035` is `#35`, a short id its full one)."""
    return any(same_ref(ref, seen) for seen in recorded)


def _implemented_rules(a: _Assessment, status: str, recorded: Sequence[str], evidence: Sequence[Evidence]) -> None:
    """S105 (edited after it became Implemented) and S106 (its linked implementation not recorded)."""
    edits = _refs(evidence, (EvidenceKind.EDITED,))
    if edits:
        a.finding(R.IMPLEMENTED_EDITED, f"{a.name} was edited after it became {status} ({_join(edits)}): "
                                        f"an implemented proposal is a record; a design change needs a new proposal")
    missing = [r for r in _refs(evidence, IMPLEMENTATION_KINDS) if not _recorded(r, recorded)]
    if missing:
        a.finding(R.IMPLEMENTATION_LINKS_MISSING,
                  f"{a.name}'s `{IMPLEMENTATION_KEY}` header should name {_join(missing)}, which implemented it "
                  "(added it with code, or cited it)")
        a.repair(R.IMPLEMENTATION_LINKS_MISSING.code, None, missing, Strength.LINKED, f"record {_join(missing)}")


def _assess_one(document: FolderDocument, documents: Sequence[FolderDocument], history: History, config: Config, *,
                today: dt.date, inferred: Sequence[Evidence], position: Mapping[str, int],
                citations: Mapping[str, frozenset[int]], shared_numbers: frozenset[int]) -> ProposalState:
    proposal = document.proposal
    status = proposal.status
    number = document.number if document.document.text is not None else None
    label = _label(number, config)
    versions = history.versions.get(document.path, ())
    # NOTE: a number several documents claim cannot tell which one a citation meant: only a path citation links.
    shared = number is not None and number in shared_numbers
    linked = _linked(history, document.path, None if shared else number, config, citations, position)
    evidence = _merge_inferred(linked, inferred, position)
    since = next((e.date or None for e in evidence if e.kind is EvidenceKind.STATUS), None)
    recorded = split_list(document.document.value(IMPLEMENTATION_KEY))
    line = proposal.header_lines.get("Status", 1)
    a = _Assessment(label or document.path, Location(document.path, line))
    words = config.status
    # The proposal's own evidence is complete when its addition is in the history read.
    complete = (not _incomplete(history) or bool(versions and versions[0].change == "A")) and not shared
    if status is None:
        pass  # no status to judge; the evidence is still listed (lint reports the missing header)
    elif same_status(status, words.draft) or same_status(status, words.accepted):
        _open_rules(a, status, recorded, evidence, config, complete)
        # A draft whose implementation merged is not stale but behind: S102 or S103 already says what to do.
        if same_status(status, words.draft) and a.proposed != words.implemented:
            _stale_rule(a, versions, history, config, today)
    elif same_status(status, words.implemented):
        _implemented_rules(a, status, recorded, evidence)
    elif same_status(status, words.superseded):
        _superseded_rule(a, document, documents, config)
    findings = tuple(sorted(a.findings, key=lambda d: d.code))
    return ProposalState(
        path=document.path, number=number, label=label, title=proposal.title, status=status,
        proposed=a.proposed, evidence=evidence, repairs=tuple(a.repairs), findings=findings, status_since=since,
        implementation=recorded,
    )


def _problems(history: History, config: Config, problems: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
    """S100 for what kept the history from being complete, then the problems passed in."""
    where = Location(config.proposals.directory.strip("/") or ".")
    found: list[Diagnostic] = []
    if history.shallow:
        found.append(R.EVIDENCE_INCOMPLETE.diagnostic(
            f"the repository is a shallow clone: older commits of {history.branch} are missing, so a proposal added "
            f"before them may look unimplemented; fetch the whole history (`fetch-depth: 0`)", where))
    if history.truncated:
        oldest = f" (the oldest read is from {history.commits[0].date})" if history.commits else ""
        found.append(R.EVIDENCE_INCOMPLETE.diagnostic(
            f"the history of {history.branch} was cut at a limit{oldest}: evidence older than that is missing",
            where))
    others = [p for p in problems if p.code != R.EVIDENCE_INCOMPLETE.code]
    if others:
        found.append(R.EVIDENCE_INCOMPLETE.diagnostic(
            f"inferred evidence may be missing: {len(others)} problem(s) below kept depgate from reading everything",
            where))
    return (*found, *problems)


def assess(documents: Sequence[FolderDocument], history: History, config: Config, *, today: dt.date,
           inferred: Mapping[str, Sequence[Evidence]] | None = None,
           problems: Sequence[Diagnostic] = ()) -> StatusReport:
    """Decide where each proposal stands and what its header should say.

    Args:
        documents: The proposal documents at the branch's tip.
        history: The branch's history (`depgate.proposals.history.read_history`).
        config: The configuration; the status words come from `config.status`.
        today: The date the nudges (S201) are measured from.
        inferred: Inferred evidence per document path (`depgate.api.mentions.inferred_implementations`), or None
            when it was not sought.
        problems: What kept the evidence from being complete (files that could not be read); kept in the report
            with an S100 note.

    Returns:
        One state per document, by number (documents without one last) then path, with its evidence, findings
        and repairs.

    Examples:
        A Draft whose implementation merged in a change that cites it is proposed as Implemented (S102), with
        that change recorded: see `tests/test_status_assess.py`.
    """
    position = {c.sha: i for i, c in enumerate(history.commits)}
    citations = _citations(history, config)
    undone = reverted_commits(history)
    inferred = {path: [e for e in found if e.sha not in undone] for path, found in (inferred or {}).items()}
    claims = Counter(d.number for d in documents if d.document.text is not None)
    shared = frozenset(n for n, count in claims.items() if n is not None and count > 1)
    states = [_assess_one(d, documents, history, config, today=today, inferred=tuple(inferred.get(d.path, ())),
                          position=position, citations=citations, shared_numbers=shared) for d in documents]
    states.sort(key=lambda s: (s.number is None, s.number or 0, s.path))
    return StatusReport(branch=history.branch, tip=history.tip, today=today, proposals=tuple(states),
                        problems=_problems(history, config, (*_document_problems(documents, shared, config),
                                                             *problems)))


def _document_problems(documents: Sequence[FolderDocument], shared: frozenset[int],
                       config: Config) -> list[Diagnostic]:
    """S100 for the documents whose status cannot be judged: unreadable ones, and numbers several documents claim."""
    found: list[Diagnostic] = []
    for document in documents:
        if document.document.text is None:
            why = document.document.problems[0].message if document.document.problems else "it cannot be read"
            found.append(R.EVIDENCE_INCOMPLETE.diagnostic(
                f"its status is not judged: {why}; fix the document (`depgate lint` says how)",
                Location(document.path, 1)))
    for number in sorted(shared):
        paths = sorted(d.path for d in documents if d.document.text is not None and d.number == number)
        found.append(R.EVIDENCE_INCOMPLETE.diagnostic(
            f"{_label(number, config)} is claimed by {len(paths)} documents ({', '.join(paths)}): a change citing the "
            "number cannot be tied to one, so only a citation of the path links; renumber all but one "
            "(`depgate new` picks a free number)", Location(paths[0], 1)))
    return found
