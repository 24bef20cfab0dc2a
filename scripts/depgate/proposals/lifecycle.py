"""Status changes a pull request makes, judged against the configured lifecycle (DEP-0005). Pure.

`depgate check` reads the proposals at base and at head; `evaluate` pairs them (by path, or by number
across a rename), and for each whose `Status` differs says whether `status.lifecycle` allows the change
and whether its condition holds. The verdict turns the result into V120-V122 findings; nothing here
reads git or prints. The one fact that needs the history (is the implementation already on the base
branch?) is asked through a callable, so it is read only when a condition needs it; the callable answers None
when it found nothing in a history it knows is incomplete (a shallow clone), so the reason can say so.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from depgate.config import parse_transition

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence

    from depgate.config import Config
    from depgate.proposals.folder import FolderDocument

#: `status.lifecycle` conditions (the names `depgate.config.parse_transition` accepts).
PROPOSALS_ONLY = "proposals-only"
IMPLEMENTATION = "implementation"
SUCCESSOR = "successor"
#: A pull request that changes only proposals, for a proposal whose implementation is already on the base branch:
#: the record catching up (the scheduled index job's repairs), never a change that skips a step with its code.
AFTER_IMPLEMENTATION = "after-implementation"
#: The old status of an entry that matches any old status.
ANY_STATUS = "*"
#: The header that names a superseded proposal's successor.
SUPERSEDED_BY = "Superseded-By"
#: Changed paths quoted in a reason before the rest is counted.
_SHOWN = 3
#: The longest status value shown; a longer one is cut (a status is one or two words).
_STATUS_SHOWN = 60

_CONDITION_WORDS = {
    PROPOSALS_ONLY: "a pull request that changes only proposal documents",
    IMPLEMENTATION: "the implementation, in this pull request or already on the base branch",
    SUCCESSOR: "a `Superseded-By` header naming an existing proposal",
    AFTER_IMPLEMENTATION: "a pull request that changes only proposal documents, after the implementation merged",
}


@dataclass(frozen=True)
class Transition:
    """One proposal's status change in a pull request, and how the lifecycle judges it.

    Attributes:
        path: The document's path at head.
        label: `DEP-0008`, or None when it has no number.
        old: The `Status` at base, as written.
        new: The `Status` at head, as written.
        allowed: A `status.lifecycle` entry lists the change.
        condition: The condition of the entry that decided (`proposals-only`, `implementation`, `successor`), or
            None when the entry has none or no entry lists the change.
        met: Whether that condition holds; None when there is no condition to meet.
        reason: One sentence saying why the change is or is not accepted.
        deciders: `status.deciders`: the people (`@name`) or teams (`@org/team`) one of whom must approve.
        line: The line of the `Status` header at head, where findings are shown (not part of the JSON).
    """

    path: str
    label: str | None
    old: str
    new: str
    allowed: bool
    condition: str | None
    met: bool | None
    reason: str
    deciders: tuple[str, ...] = ()
    line: int | None = None

    @property
    def ok(self) -> bool:
        """The lifecycle accepts the change: it is listed and its condition (if any) holds."""
        return self.allowed and self.met is not False

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the JSON report (`transitions`) and templates."""
        return {"path": self.path, "label": self.label, "from": self.old, "to": self.new, "allowed": self.allowed,
                "condition": self.condition, "met": self.met, "reason": self.reason, "deciders": list(self.deciders)}


@dataclass(frozen=True)
class _Entry:
    text: str
    old: str
    new: str
    condition: str | None

    def matches(self, old: str, new: str) -> bool:
        return (self.old == ANY_STATUS or _same(self.old, old)) and _same(self.new, new)


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def shown_status(value: str) -> str:
    """A status value as reports show it: invisible format characters spelled out, long values cut.

    A bidirectional override or a zero-width character in a `Status` header would reorder or hide what a
    reviewer reads in every renderer (JSON, terminal, Markdown, annotations); shown as `<U+202E>` it is inert
    and visible. No valid status contains one, so DEP lint reports the header too.

    Examples:
        >>> shown_status("Accepted\u202e")
        'Accepted<U+202E>'
    """
    text = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp") else c
                   for c in value.strip())
    return text if len(text) <= _STATUS_SHOWN else text[:_STATUS_SHOWN - 1] + "…"


def proposals_folder(config: Config) -> str:
    """The proposals folder as changed paths name it: `deps`, or `` for the repository root."""
    folder = config.proposals.directory.strip("/")
    return "" if folder in ("", ".") else folder.removeprefix("./")


def _in_folder(path: str, folder: str) -> bool:
    return not folder or path.startswith(folder + "/")


def in_proposals_folder(path: str, config: Config) -> bool:
    """Tell whether a repository path is inside the proposals folder."""
    return _in_folder(path, proposals_folder(config))



def pair_documents(base_docs: Sequence[FolderDocument],
                   head_docs: Sequence[FolderDocument]) -> list[tuple[FolderDocument, FolderDocument]]:
    """Pair each document at head with itself at base: by path, else by number across a rename.

    A head document whose path is new is paired with the one base document of the same number whose path is gone
    at head (a rename); with none or several such documents it counts as added, and added documents have no
    transition.
    """
    base_by_path = {doc.path: doc for doc in base_docs}
    head_paths = {doc.path for doc in head_docs}
    gone: dict[int, list[FolderDocument]] = {}
    for doc in base_docs:
        number = doc.number
        if doc.path not in head_paths and number is not None:
            gone.setdefault(number, []).append(doc)
    pairs = []
    for doc in head_docs:
        old = base_by_path.get(doc.path)
        if old is None:
            candidates = gone.get(doc.number, []) if doc.number is not None else []
            old = candidates[0] if len(candidates) == 1 else None
        if old is not None:
            pairs.append((old, doc))
    return pairs


def successor_of(doc: FolderDocument, head_docs: Sequence[FolderDocument], config: Config) -> FolderDocument | None:
    """The proposal at head that `doc`'s `Superseded-By` names, or None (`status.successor_path` reads the header)."""
    # Imported here, as `is_code_path` below: `depgate check` imports this module on every run, and only a status
    # change needs the status and history modules.
    from depgate.proposals.status import successor_path

    path = successor_path(doc, head_docs, config)
    return next((d for d in head_docs if d.path == path), None) if path is not None else None


def _label(doc: FolderDocument, config: Config) -> str | None:
    number = doc.number
    if number is None:
        return None
    return f"{config.proposals.prefix}-{number:0{config.proposals.number_width}d}"


def _quote(paths: Sequence[str]) -> str:
    shown = ", ".join(paths[:_SHOWN])
    return shown + (f" and {len(paths) - _SHOWN} more" if len(paths) > _SHOWN else "")


class _Judge:
    """Answers the conditions for one pull request; the history question is asked at most once per document."""

    def __init__(self, changed: Collection[str], head_docs: Sequence[FolderDocument], config: Config,
                 implemented_on_base: Callable[[str, int | None], bool | None]):
        folder = proposals_folder(config)
        self.outside = sorted(p for p in set(changed) if not _in_folder(p, folder))
        from depgate.proposals.history import is_code_path

        self.code = [p for p in self.outside if is_code_path(p, config)]
        self.head_docs = head_docs
        self.config = config
        self.implemented_on_base = implemented_on_base

    def check(self, condition: str, old: FolderDocument, new: FolderDocument) -> tuple[bool, str]:
        """Whether the condition holds for this change, and why."""
        if condition == PROPOSALS_ONLY:
            if not self.outside:
                return True, "the pull request changes only proposal documents"
            return False, f"the pull request also changes {_quote(self.outside)}"
        if condition == AFTER_IMPLEMENTATION:
            if self.outside:
                return False, (f"the pull request also changes {_quote(self.outside)}: the record may only catch up "
                               "with an implementation already merged, in a pull request of its own")
            met, why = self._on_base(old)
            return met, why if not met else "the implementation is already on the base branch"
        if condition == IMPLEMENTATION:
            if self.code:
                return True, f"the pull request changes code ({_quote(self.code)})"
            return self._on_base(old)
        successor = successor_of(new, self.head_docs, self.config)
        if successor is not None:
            return True, f"`{SUPERSEDED_BY}` names {_label(successor, self.config) or successor.path}"
        named = (new.proposal.extra.get(SUPERSEDED_BY) or "").strip()
        if named:
            return False, f"`{SUPERSEDED_BY}: {named[:60]}` names no other proposal present at head"
        return False, f"the document has no `{SUPERSEDED_BY}` header"

    def _on_base(self, old: FolderDocument) -> tuple[bool, str]:
        """Whether the base branch already holds the proposal's implementation (linked evidence), and why not."""
        # Read the history only now: most status changes never need it.
        found = self.implemented_on_base(old.path, old.number)
        if found:
            return True, "the implementation is already on the base branch"
        name = _label(old, self.config) or old.path
        if found is None:
            return False, ("the pull request changes no code, and the base branch's history is shallow (a "
                           "`fetch-depth: 1` checkout), so depgate cannot see whether an earlier change "
                           f"implements {name}; fetch the whole history (`fetch-depth: 0` in actions/checkout, "
                           "or `git fetch --unshallow`) and run the check again")
        return False, ("the pull request changes no code, and no change on the base branch implements "
                       f"{name} (none adds it together with code, and no code change cites {name} in its "
                       "title or message); `depgate status` shows the evidence depgate finds for it, including "
                       "uncited changes that add the names it proposes")

def evaluate(base_docs: Sequence[FolderDocument], head_docs: Sequence[FolderDocument], changed_paths: Collection[str],
             config: Config, *, implemented_on_base: Callable[[str, int | None], bool | None]) -> list[Transition]:
    """Judge every status change between base and head against `status.lifecycle`.

    Args:
        base_docs: The proposals at base.
        head_docs: The proposals at head.
        changed_paths: Every path the pull request changes (both sides of a rename).
        config: The configuration (`status.lifecycle`, `status.deciders`, the proposals folder).
        implemented_on_base: `(base path, number) -> bool | None`: the proposal's implementation is already on
            the base branch; None when it was not found and the history read is incomplete (a shallow clone), so
            its absence is not known. Called only for an `implementation` condition in a pull request that changes
            no code, or for an `after-implementation` condition in one that changes only proposals.

    Returns:
        One transition per proposal present at base and head whose `Status` differs, in head path order. A
        document without a `Status` on either side is left to DEP lint, which reports the missing header.
        An entry `Old -> New` allows a change, `* -> New` allows it from any old status, and
        `Old -> New: condition` allows it when the condition holds; a change no entry lists is not allowed.
    """
    entries = [_Entry(text, *parse_transition(text)) for text in config.status.lifecycle]
    judge = _Judge(changed_paths, head_docs, config, implemented_on_base)
    deciders = tuple(config.status.deciders)
    out = []
    for old_doc, new_doc in sorted(pair_documents(base_docs, head_docs), key=lambda pair: pair[1].path):
        old, new = old_doc.proposal.status, new_doc.proposal.status
        if old is None or new is None or _same(old, new):
            continue
        line = new_doc.proposal.header_lines.get("Status")
        base = {"path": new_doc.path, "label": _label(new_doc, config), "old": shown_status(old),
                "new": shown_status(new),
                "deciders": deciders, "line": line}
        out.append(Transition(**base, **_judge_change(entries, judge, old_doc, new_doc)))
    return out


def _judge_change(entries: Sequence[_Entry], judge: _Judge, old_doc: FolderDocument,
                  new_doc: FolderDocument) -> dict[str, Any]:
    old, new = (old_doc.proposal.status or "").strip(), (new_doc.proposal.status or "").strip()
    shown = f"{shown_status(old)} -> {shown_status(new)}"
    # An entry naming the old status is preferred over a `*` one, so its condition is the one reported.
    matching = sorted((e for e in entries if e.matches(old, new)), key=lambda e: e.old == ANY_STATUS)
    change = shown
    if not matching:
        listed = [e.text for e in entries if e.old == ANY_STATUS or _same(e.old, old)]
        also = (f"; from {shown_status(old)} it allows {', '.join(listed)}" if listed
                else f"; it lists no change from {shown_status(old)}")
        return {"allowed": False, "condition": None, "met": None,
                "reason": f"{change} is not listed in `status.lifecycle`{also}"}
    first_unmet: tuple[str, str] | None = None
    for entry in matching:
        if entry.condition is None:
            return {"allowed": True, "condition": None, "met": None, "reason": f"{change} is allowed ({entry.text})"}
        met, why = judge.check(entry.condition, old_doc, new_doc)
        if met:
            return {"allowed": True, "condition": entry.condition, "met": True,
                    "reason": f"{change} is allowed: {why}"}
        first_unmet = first_unmet or (entry.condition, why)
    condition, why = first_unmet  # type: ignore[misc]  # every matching entry had an unmet condition
    return {"allowed": True, "condition": condition, "met": False,
            "reason": f"{change} needs {_CONDITION_WORDS[condition]}, but {why}"}
