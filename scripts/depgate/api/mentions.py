"""The names a proposal mentions, the public surface they can name, and the changes that added them (DEP-0005).

A proposal that was implemented without being cited still names what it proposes: `OffloadStrategy` in a code
span, `Trainer.offload` in a fenced example. `inferred_implementations` looks for the first-parent code changes,
from the one that added the proposal onward, that added a public path the proposal names; each is `inferred`
evidence, which a person confirms before it is written anywhere.

Matching is the check's (`depgate.verdict.suggest_deps`): a public path is named by its last component, or by
`Class.member` when its parent is a class, at least `MIN_SUGGEST_NAME` characters and not underscored, standing
where the check's pattern would find it (not after a dot). The text side is narrower, as DEP-0005 says: only names
in code spans and fenced code blocks, and CamelCase words in prose. So whatever the status infers from a name, the
check would also have suggested.

The public surface is the one `depgate api` lists (`depgate.api.contract.contracts`, with its caches), read from
git objects; nothing is imported or run. A revision whose surface cannot be read gives no answer (None, or an S100
note naming the commit), never an empty surface.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from typing import TYPE_CHECKING, NamedTuple

from depgate.diagnostics import Diagnostic, Location, Severity
from depgate.proposals.evidence import Evidence, EvidenceKind, Strength
from depgate.proposals.history import is_code_change
from depgate.verdict import MIN_SUGGEST_NAME, _search_names

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence
    from pathlib import Path

    from depgate.api.contract import ContractError
    from depgate.config import ApiConfig, Config
    from depgate.git import Git
    from depgate.proposals.evidence import Commit, History
    from depgate.proposals.folder import FolderDocument

__all__ = ["NOT_SEARCHED", "contract_paths", "inferred_implementations", "mentioned_names", "named_symbols",
           "public_paths"]

log = logging.getLogger(__name__)

#: The code of the note for a change whose public surface could not be read (registered with the status rules).
NOT_SEARCHED = "S100"
#: How many commits' additions the cache keeps, and the largest cache file read.
MAX_KEPT = 5_000
MAX_KEPT_BYTES = 32 * 1024 * 1024
_FORMAT = 1
#: Longest `-G` pattern given to one `git log`: one argument must stay well under the kernel's 128 KiB limit.
_MAX_PATTERN = 64 * 1024
# A dotted name where the check's pattern can start: not right after a word character or a dot. Each repetition
# needs its own dot, so there is one way to match and no backtracking, whatever the input.
_CHAIN = re.compile(r"(?<![\w.])[^\W\d]\w*(?:\.[^\W\d]\w*)*")
_TICKS = re.compile(r"`+")
# Whole words in git's extended expressions, written without `\b` (a GNU extension other platforms lack).
_WORD_START = "(^|[^A-Za-z0-9_])"
_WORD_END = "([^A-Za-z0-9_]|$)"
_NAME = re.compile(r"[\w.]+")
# Entry kinds of the API file (docs/api-file.md, "Format"); a member's property is told by its decorator.
_KINDS = ("module ", "class ", "def ", "async def ", "attribute ", "field ", "type ", "external ", "unresolved ")
_PROPERTIES = ("@property ", "@cached_property ")


# -- what a text names ------------------------------------------------------------------------------------------

def mentioned_names(text: str) -> frozenset[str]:
    """The names a proposal's Markdown mentions, in the forms the check's suggestions can match.

    Names come from code spans and fenced code blocks (every identifier), and from prose (CamelCase words only:
    `OffloadStrategy`, not `offload`). A dotted name gives its first component and, when that is capitalised,
    its first two (`Trainer.offload`): the check's pattern never starts after a dot, so `pkg.mod.Name` names
    `pkg` and not `Name`. Names shorter than `MIN_SUGGEST_NAME` or starting with `_` are left out.

    Linear in the size of the text, whatever it holds (no pattern here can backtrack).

    Args:
        text: The whole document.

    Returns:
        The names, as written.

    Examples:
        >>> sorted(mentioned_names("Add `Trainer.offload` and an OffloadStrategy, not a Strategy."))
        ['OffloadStrategy', 'Trainer', 'Trainer.offload']
    """
    code, prose = _split(text)
    names: set[str] = set()
    for piece in code:
        _collect(piece, names, camel_only=False)
    for piece in prose:
        _collect(piece, names, camel_only=True)
    return frozenset(names)


def named_symbols(text: str, paths: Iterable[str]) -> tuple[str, ...]:
    """The public paths a text names: by last component, or `Class.member` (see `mentioned_names`), sorted.

    Args:
        text: The whole document.
        paths: Public dotted paths (`pkg.offload.OffloadStrategy`, `pkg.Trainer.offload`).

    Returns:
        The paths the text names, sorted.
    """
    return _named(mentioned_names(text), paths)


def _named(names: frozenset[str], paths: Iterable[str]) -> tuple[str, ...]:
    if not names:
        return ()
    return tuple(sorted({p for p in paths if not names.isdisjoint(_member_names(p))}))


def _member_names(path: str) -> set[str]:
    """The names that count as naming `path`: the check's, but a class member only as `Class.member`.

    A bare member name (`model`, `kind`, `step`) is too common to be evidence: on d9d it matched every model
    class's `.model` attribute and made an unrelated commit look like an implementation.
    """
    names = set(_search_names([_Symbol(path)]))
    parts = path.split(".")
    if len(parts) >= 2 and parts[-2][:1].isupper():
        names.discard(parts[-1])
    return names


class _Symbol(NamedTuple):
    """What `depgate.verdict._search_names` reads of a change: its symbol. Reusing it keeps one matching rule."""

    symbol: str


def _collect(piece: str, names: set[str], *, camel_only: bool) -> None:
    for match in _CHAIN.finditer(piece):
        first, dot, rest = match.group().partition(".")
        if camel_only and not _camel(first):
            continue
        found = [first]
        if dot and first[:1].isupper():
            found.append(f"{first}.{rest.partition('.')[0]}")
        names.update(n for n in found if len(n) >= MIN_SUGGEST_NAME and not n.startswith("_"))


def _camel(word: str) -> bool:
    """A CamelCase word: a capital, a lower-case letter and another capital (`OffloadStrategy`, not `Draft`)."""
    return word[:1].isupper() and any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)


def _split(text: str) -> tuple[list[str], list[str]]:
    """Cut Markdown into code (fenced blocks, code spans) and prose.

    A code span does not cross a blank line or a fence (a stray backtick must not turn the rest of the document
    into code), and an unclosed fence runs to the end, as CommonMark reads them.
    """
    code: list[str] = []
    prose: list[str] = []
    paragraph: list[str] = []
    fence: tuple[str, int] | None = None

    def flush() -> None:
        if paragraph:
            _spans("\n".join(paragraph), code, prose)
            paragraph.clear()

    for line in text.split("\n"):
        body = line.lstrip(" ")
        indented = len(line) - len(body) > 3
        if fence is not None:
            if not indented and _closes(body, fence):
                fence = None
            else:
                code.append(line)
            continue
        opened = None if indented else _opens(body)
        if opened is not None:
            flush()
            fence = opened
        elif body.strip():
            paragraph.append(line)
        else:
            flush()
    flush()
    return code, prose


def _opens(body: str) -> tuple[str, int] | None:
    """The fence a line opens (its character and length), or None."""
    char = body[:1]
    if char not in ("`", "~"):
        return None
    size = len(body) - len(body.lstrip(char))
    if size < 3 or (char == "`" and "`" in body[size:]):  # a backtick in the info string: inline code, not a fence
        return None
    return char, size


def _closes(body: str, fence: tuple[str, int]) -> bool:
    char, size = fence
    rest = body.lstrip(char)
    return len(body) - len(rest) >= size and not rest.strip()


def _spans(paragraph: str, code: list[str], prose: list[str]) -> None:
    """Split one paragraph at its code spans: a run of N backticks up to the next run of exactly N.

    Each length keeps a cursor into its own runs that only moves forward, so 100,000 unmatched backticks cost
    one pass, not one search each.
    """
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(paragraph)]
    by_size: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_size.setdefault(end - start, []).append(index)
    cursor: dict[int, int] = {}
    done = index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_size[end - start]
        at = cursor.get(end - start, 0)
        while at < len(same) and same[at] <= index:
            at += 1
        cursor[end - start] = at
        if at == len(same):  # nothing closes it: the backticks are literal
            index += 1
            continue
        closing = same[at]
        prose.append(paragraph[done:start])
        code.append(paragraph[end:runs[closing][0]])
        done = runs[closing][1]
        index = closing + 1
    prose.append(paragraph[done:])


# -- the public surface -----------------------------------------------------------------------------------------

def public_paths(git: Git, rev: str, config: ApiConfig) -> frozenset[str] | None:
    """The public dotted paths at a revision, as `depgate api` lists them: module-level objects and class members.

    Read statically from git objects through `depgate.api.contract.contracts` (and its caches); nothing is
    imported or run.

    Args:
        git: The repository.
        rev: A commit id (or `depgate.git.WORKTREE`).
        config: The `[api]` configuration.

    Returns:
        The paths (`pkg.mod`, `pkg.Engine`, `pkg.Engine.start`), or None when a file the surface needs cannot be
        analysed: the surface is not known, and an empty or partial one would be a wrong answer.

    Raises:
        GitError: the revision cannot be read.
    """
    found = _surface(git, rev, config)
    return found if isinstance(found, frozenset) else None


def _surface(git: Git, rev: str, config: ApiConfig) -> frozenset[str] | ContractError:
    from depgate.api.contract import ContractError, contracts

    try:
        found = contracts(git, rev, config)
    except ContractError as exc:
        return exc
    return frozenset(path for contract in found for path in contract_paths(contract.text))


def contract_paths(text: str) -> set[str]:
    """The public paths an API file lists (docs/api-file.md, "Format"), members joined to their class.

    The format makes this exact: entries start with their kind (after the decorators that change a contract),
    members are indented four spaces per class level, the parameters of a long signature follow its line ending
    in `(` up to the `)` line, and tags come after two spaces, which no written value holds.

    Args:
        text: The whole file, as `contracts` renders it.

    Returns:
        The dotted paths of every entry.
    """
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("```") and line.lstrip("`") == "text"), None)
    if start is None:
        return set()
    fence = lines[start][:-len("text")]
    found: set[str] = set()
    classes: list[str] = []  # the class enclosing each indentation level
    signature: int | None = None  # indentation of a signature written one parameter per line, while inside it
    for line in lines[start + 1:]:
        if line == fence:
            break
        pad = len(line) - len(line.lstrip(" "))
        if signature is not None:
            if pad == signature + 4 and line[pad:].startswith(")"):
                signature = None
            continue
        head = line[pad:].split("  ", 1)[0]
        kind, name = _entry(head)
        depth = pad // 4
        if name is None or depth > len(classes) or (depth and not classes):
            continue
        path = f"{classes[depth - 1]}.{name}" if depth else name
        del classes[depth:]
        if kind == "class ":
            classes.append(path)
        found.add(path)
        if head.endswith("("):
            signature = pad
    return found


def _entry(head: str) -> tuple[str | None, str | None]:
    """The kind and name of an entry's first line (tags cut off), or (None, None) for any other line."""
    rest = head
    while rest.startswith("@"):
        for prop in _PROPERTIES:
            if rest.startswith(prop):
                return prop, _leading_name(rest[len(prop):])
        rest = _after_call(rest[len("@dataclass"):]) if rest.startswith("@dataclass(") else rest.partition(" ")[2]
    for kind in _KINDS:
        if rest.startswith(kind):
            return kind, _leading_name(rest[len(kind):])
    return None, None


def _leading_name(text: str) -> str | None:
    match = _NAME.match(text)
    return match.group() if match else None


def _after_call(text: str) -> str:
    """What follows a decorator's `(...)` arguments, skipping brackets and quoted strings inside them."""
    depth = 0
    quote = ""
    escaped = False
    for index, char in enumerate(text):
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return text[index + 1:].lstrip(" ")
    return ""


# -- inferred implementations -----------------------------------------------------------------------------------

class _Surfaces:
    """The public surface of each commit, read once however many proposals ask; what commits added, kept on disk.

    A commit's additions (its surface less its first parent's) depend only on the commit, the `[api]`
    configuration and depgate's analysis code, so they are kept in `<git dir>/depgate/mentions.json` under a digest
    of the last two: a second run reads no surface but the tip's. The contract cache holds a few whole trees; the
    history of a branch needs dozens, and their additions are small. The file is plain data, validated when read;
    anything unexpected is ignored and rebuilt. A surface that cannot be read is never kept.
    """

    def __init__(self, git: Git, config: ApiConfig):
        from depgate.api import contract_cache

        self.git = git
        self.config = config
        self.seen: dict[str, frozenset[str] | ContractError] = {}
        kept_at = contract_cache.cache_path(git.git_dir())
        self.path = kept_at.with_name("mentions.json") if kept_at is not None else None
        self.stamp = _stamp(config) if self.path is not None else ""
        self.kept = _read_kept(self.path, self.stamp)
        self.learnt = False

    def at(self, sha: str | None) -> frozenset[str] | ContractError:
        """The public paths at a commit, or why they cannot be read."""
        if sha is None:  # before a root commit nothing is public
            return frozenset()
        if sha not in self.seen:
            self.seen[sha] = _surface(self.git, sha, self.config)
        return self.seen[sha]

    def added(self, commit: Commit) -> frozenset[str] | tuple[str, ContractError]:
        """The public paths a commit added against its first parent, or the commit that cannot be read and why."""
        kept = self.kept.get(commit.sha)
        if kept is not None:
            return kept
        after, before = self.at(commit.sha), self.at(commit.parent)
        if not isinstance(after, frozenset):
            return commit.sha, after
        if not isinstance(before, frozenset):
            return commit.parent or commit.sha, before
        self.kept[commit.sha] = found = after - before
        self.learnt = True
        return found

    def save(self) -> None:
        """Write what was learnt (the newest `MAX_KEPT` commits), atomically; errors are logged, never raised."""
        if self.path is None or not self.learnt or not self.path.parent.parent.is_dir():
            return
        kept = dict(list(self.kept.items())[-MAX_KEPT:])  # insertion order: the oldest go first
        body = json.dumps({"format": _FORMAT, "stamp": self.stamp,
                           "added": {sha: sorted(paths) for sha, paths in kept.items()}}).encode()
        try:
            self.path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".mentions-", dir=self.path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.debug("could not write the mentions cache %s: %s", self.path, exc)


def _stamp(config: ApiConfig) -> str:
    """The digest of what a commit's additions depend on besides the commit: the configuration and the code."""
    # NOTE: the contract cache's own stamp covers every module of `depgate.api`, this one included.
    from depgate.api.contract_cache import _code_stamp, _plain

    stamp = {"format": _FORMAT, "code": _code_stamp(), "config": _plain(config)}
    return hashlib.sha256(json.dumps(stamp, sort_keys=True, default=str).encode()).hexdigest()


def _read_kept(path: Path | None, stamp: str) -> dict[str, frozenset[str]]:
    if path is None:
        return {}
    try:
        if path.is_symlink() or path.stat().st_size > MAX_KEPT_BYTES:
            return {}
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT or data.get("stamp") != stamp:
        return {}  # another format, or made by other code or another configuration
    added = data.get("added")
    if not isinstance(added, dict):
        return {}
    return {sha: frozenset(paths) for sha, paths in added.items()
            if isinstance(sha, str) and isinstance(paths, list) and all(isinstance(p, str) for p in paths)}


class _Sought(NamedTuple):
    """One proposal being looked for: the names it mentions and where on the branch it was added."""

    names: frozenset[str]
    start: int


def inferred_implementations(git: Git, history: History, documents: Sequence[FolderDocument], config: Config, *,
                             only: Collection[str] | None = None
                             ) -> tuple[dict[str, list[Evidence]], list[Diagnostic]]:
    """Find the code changes that added public paths a proposal names, from the change that added it onward.

    For each document, the names it mentions that are public at the branch's tip are looked for in one
    `git log -G` over the first-parent history; each code change it finds is confirmed by comparing the public
    surface at the commit with its first parent's. Surfaces are read once per commit, whatever the number of
    documents.

    Args:
        git: The repository.
        history: The branch's first-parent history (`depgate.proposals.history.read_history`).
        documents: The proposals at the tip (paths as there).
        config: The configuration (`api` for the surface, `proposals.directory` for what is a code change).
        only: Look only at these document paths (the open proposals); None for every document.

    Returns:
        The inferred evidence of each document that has some (path -> evidence, oldest first), and an S100 note
        for each change that could not be searched because a public surface it needs cannot be read.
    """
    found: dict[str, list[Evidence]] = {}
    problems: list[Diagnostic] = []
    texts = {doc.path: doc.document.text or "" for doc in documents if only is None or doc.path in only}
    if not texts or not history.commits:
        return found, problems
    surfaces = _Surfaces(git, config.api)
    tip = surfaces.at(history.tip)
    if not isinstance(tip, frozenset):
        problems.append(_not_searched(history, history.tip, history.tip, tip))
        return found, problems
    position = {commit.sha: index for index, commit in enumerate(history.commits)}
    sought: dict[str, _Sought] = {}
    wanted: set[str] = set()
    for path, text in sorted(texts.items()):
        versions = history.versions.get(path) or ()
        start = position.get(versions[0].sha) if versions else None
        names = mentioned_names(text)
        named = _named(names, tip)
        if start is None or not named:
            continue
        # Only what became public after the proposal was added can be its implementation: names public before it
        # (`core`, `loop`, `config` on d9d) would make almost every commit a candidate whose surface is read.
        before = surfaces.at(history.commits[start].parent)
        if isinstance(before, frozenset):
            named = tuple(p for p in named if p not in before)
            if not named:
                continue
        sought[path] = _Sought(names, start)
        wanted.update(p.rpartition(".")[2] for p in named)
    if not sought:
        return found, problems
    first = min(s.start for s in sought.values())
    hits = _changes_naming(git, history.tip, history.commits[first].parent, wanted)
    for index in range(first, len(history.commits)):
        commit = history.commits[index]
        readers = [(path, s) for path, s in sought.items() if s.start <= index]
        if commit.sha not in hits or not readers or not is_code_change(commit, config):
            continue
        added = surfaces.added(commit)
        if not isinstance(added, frozenset):
            problems.append(_not_searched(history, commit.sha, *added))
            continue
        for path, s in readers:
            symbols = _named(s.names, added)
            if symbols:
                found.setdefault(path, []).append(Evidence(
                    kind=EvidenceKind.INFERRED, strength=Strength.INFERRED, sha=commit.sha, date=commit.date,
                    subject=commit.subject, pull=commit.pull, symbols=symbols))
    surfaces.save()
    return found, problems


def _changes_naming(git: Git, tip: str, before: str | None, names: set[str]) -> set[str]:
    """The first-parent commits after `before` up to `tip` whose diff adds or removes a line holding a name.

    One `git log` (more only when the pattern would pass one argument's limit); a candidate, confirmed later.
    """
    hits: set[str] = set()
    chunks: list[list[str]] = [[]]
    size = 0
    for name in sorted(names):
        if size + len(name) > _MAX_PATTERN and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(name)
        size += len(name) + 1
    for chunk in chunks:
        # Identifiers hold no regular-expression syntax; `-G` reads an extended expression. No text conversion
        # or external diff: those would run programs the repository's configuration names.
        out = git.text("log", "--first-parent", "--no-textconv", "--no-ext-diff",
                       "--format=%H", f"-G{_WORD_START}({'|'.join(chunk)}){_WORD_END}", "--end-of-options", tip,
                       *([f"^{before}"] if before else []), "--")
        hits.update(out.split())
    return hits


def _not_searched(history: History, sha: str, unread: str, error: ContractError) -> Diagnostic:
    """S100: a change not searched for proposals' names because a public surface it needs cannot be read."""
    commit = history.commit(sha)
    what = f"commit {sha[:12]}" + (f" ({commit.subject})" if commit is not None else "")
    problem = error.problems[0] if error.problems else None
    reason = problem.message if problem is not None else str(error)
    location = problem.location if problem is not None else Location(".")
    if unread == history.tip:
        message = (f"no implementation was inferred: the public surface at the tip, {what}, cannot be read "
                   f"({reason}); fix that file, or exclude its module with `api.exclude`")
    else:
        where = "at that commit" if unread == sha else f"at its parent {unread[:12]}"
        message = (f"{what} was not searched for public names the proposals mention: the public surface {where} "
                   f"cannot be read ({reason}); look at that change by hand for an implementation")
    return Diagnostic(code=NOT_SEARCHED, severity=Severity.INFO, message=message,
                      location=Location(location.path, location.line), details={"sha": sha, "unread": unread})
