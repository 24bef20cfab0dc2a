"""The machine-readable index of the proposals (`deps/index.json` by default, DEP-0005).

Pure functions: documents, the branch history and the symbols each proposal names in, plain data and
stable text out. `build_index_data` builds the data, `dumps_index` writes it as the same bytes for the
same data, and `index_stale` tells whether a committed file still says what the documents say.

Two kinds of fields live in the file. Those read from the documents (number, title, status, authors...)
make a committed file stale when they differ. Those read from history and code (`history_commit`,
`status_since`, `symbols`, the generator's version) are refreshed whenever the file is written, but a
difference in them alone is not staleness: otherwise every squash merge would make the committed file
stale at once. The shape is described by `docs/index.schema.json`.

Values are the documents' text as written, never Markdown-escaped: a consumer that renders them must
escape them itself. A value that cannot be read is null, never guessed.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from depgate.proposals.evidence import IMPLEMENTATION_KEY
from depgate.proposals.folder import is_candidate
from depgate.proposals.history import status_since
from depgate.proposals.model import parse_number
from depgate.proposals.repair import implementation_refs

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from depgate.config import Config, ProposalsConfig
    from depgate.proposals.evidence import History
    from depgate.proposals.folder import FolderDocument

#: Version of the file's shape; bumped only on an incompatible change (a field removed or retyped).
INDEX_SCHEMA_VERSION = 1
#: The generator's name in the file.
GENERATOR = "depgate"
#: Top-level keys, in the order they are written.
TOP_KEYS = ("schema_version", "generator", "prefix", "history_commit", "proposals")
#: Keys of each proposal, in the order they are written.
PROPOSAL_KEYS = ("number", "label", "title", "status", "type", "authors", "created", "path", "superseded_by",
                 "implementation", "status_since", "symbols")
#: Top-level keys read from history or code: refreshed on write, ignored by `index_stale`.
DERIVED_TOP_KEYS = frozenset({"history_commit"})
#: Proposal keys read from history or code: refreshed on write, ignored by `index_stale`.
DERIVED_PROPOSAL_KEYS = frozenset({"status_since", "symbols"})
#: The header naming a proposal's successor.
SUPERSEDED_BY = "Superseded-By"
_SURROGATE = re.compile("[\ud800-\udfff]")


def _successor(value: str | None, prefix: str) -> int | None:
    """Read `Superseded-By: 0012` or `Superseded-By: DEP-0012` as 12; None for anything else."""
    if not value:
        return None
    value = value.strip()
    if value.upper().startswith(prefix.upper() + "-"):
        value = value[len(prefix) + 1:]
    return parse_number(value)


def _authors(doc: FolderDocument) -> list[str] | None:
    """The authors as `Name @handle` strings; None when the header is missing or cannot be read.

    The typed proposal already holds them, parsed once by the reader (parsing again cost a quarter of the
    file's build on 10,000 documents).
    """
    if not doc.document.value("Author"):
        return None
    return [str(a) for a in doc.proposal.authors] or None


def _status_since(history: History | None, path: str, status: str | None) -> str | None:
    """The date the document at `path` entered `status`, from the history; None when the history does not know it.

    Unknown when the document is not committed, its committed status differs from `status` (the work tree
    changed it), or the history was cut (shallow, limited) before the status was set.
    """
    if history is None or status is None:
        return None
    versions = history.versions.get(path, ())
    if not versions or versions[-1].status != status:
        return None
    if (history.shallow or history.truncated) and versions[0].change != "A" and all(
            v.status == status for v in versions):
        return None  # the status may have been set before the history we can see
    return status_since(history, versions, status)


def history_commit(history: History | None, config: ProposalsConfig) -> str | None:
    """Return the newest commit of `history` that changed a proposal document, or None."""
    if history is None:
        return None
    folder = config.directory.strip("/") + "/"
    for commit in reversed(history.commits):
        for path in commit.changed:
            name = path[len(folder):]
            if path.startswith(folder) and "/" not in name and is_candidate(name, "file", config):
                return commit.sha
    return None


def _proposal(doc: FolderDocument, config: ProposalsConfig, history: History | None,
              symbols: Sequence[str]) -> dict[str, Any]:
    details = doc.proposal.details(width=config.number_width, prefix=config.prefix)
    document = doc.document
    return {
        "number": details["number"],
        "label": details["label"],
        "title": details["title"],
        "status": details["status"],
        "type": details["type"],
        "authors": _authors(doc),
        "created": details["created"],
        "path": doc.path,
        "superseded_by": _successor(document.value(SUPERSEDED_BY), config.prefix),
        "implementation": list(implementation_refs(document.value(IMPLEMENTATION_KEY) or "")),
        "status_since": _status_since(history, doc.path, details["status"]),
        "symbols": sorted(set(symbols)),
    }


def _sort_key(entry: dict[str, Any]) -> tuple[int, int, str]:
    number = entry["number"]
    return (0 if number is not None else 1, number or 0, entry["path"])


def build_index_data(
    documents: Sequence[FolderDocument],
    config: Config,
    *,
    history: History | None,
    symbols: Mapping[str, Sequence[str]],
    version: str,
) -> dict[str, Any]:
    """Build the data of `index.json`.

    Args:
        documents: The folder's documents, in any order.
        config: The configuration (`proposals`: prefix, width, folder).
        history: The default branch's history, or None when there is none (no git, nothing committed); the
            history fields are then null.
        symbols: For each document path, the public symbols it names; a missing path names none.
        version: The generator's (depgate's) version.

    Returns:
        Plain data (dicts, lists, strings, numbers, None) in the documented key order; proposals by
        number, then path, unnumbered ones last.

    Examples:
        >>> from depgate.config import Config
        >>> build_index_data([], Config(), history=None, symbols={}, version="1.0")["proposals"]
        []
    """
    pconf = config.proposals
    proposals = [_proposal(doc, pconf, history, symbols.get(doc.path, ())) for doc in documents]
    return {
        "schema_version": INDEX_SCHEMA_VERSION,
        "generator": {"name": GENERATOR, "version": version},
        "prefix": pconf.prefix,
        "history_commit": history_commit(history, pconf),
        "proposals": sorted(proposals, key=_sort_key),
    }


def _ordered(data: Any, keys: Sequence[str]) -> Any:
    """The dict with `keys` first, in that order, then any other key sorted; anything else as it is."""
    if not isinstance(data, dict):
        return data
    known = [k for k in keys if k in data]
    rest = sorted((k for k in data if k not in keys), key=str)
    return {k: data[k] for k in [*known, *rest]}


def dumps_index(data: dict[str, Any]) -> str:
    """Write the data of `build_index_data` as text: the same bytes for the same data.

    Indented by two spaces, non-ASCII characters kept as they are, keys in the documented order, one
    trailing newline. A lone surrogate (from a file name that is not UTF-8) becomes U+FFFD, as in
    `INDEX.md`, so one badly named file cannot make the whole file impossible to write.

    Examples:
        >>> dumps_index({"proposals": [], "schema_version": 1})
        '{\\n  "schema_version": 1,\\n  "proposals": []\\n}\\n'
    """
    top = _ordered(data, TOP_KEYS)
    if isinstance(top.get("proposals"), list):
        top["proposals"] = [_ordered(p, PROPOSAL_KEYS) for p in top["proposals"]]
    text = json.dumps(top, indent=2, ensure_ascii=False, allow_nan=False)
    return _SURROGATE.sub("\ufffd", text) + "\n"


def index_stale(current_text: str | None, expected: dict[str, Any]) -> bool:
    """Tell whether a committed `index.json` no longer says what the documents say.

    Only the fields read from the documents count: the generator's version, `history_commit`, and each
    proposal's `status_since` and `symbols` may differ without the file being stale.

    Args:
        current_text: The file's text, or None when it does not exist.
        expected: The data `build_index_data` gives now.

    Returns:
        True when the file is missing, is not a JSON object, has another `schema_version`, or differs in
        a field read from the documents.
    """
    if current_text is None:
        return True
    try:
        current = json.loads(current_text)
    except (ValueError, RecursionError):
        return True
    if not isinstance(current, dict):
        return True
    version = current.get("schema_version")
    if type(version) is not int or version != expected.get("schema_version"):
        return True
    try:
        return not _same_documents(current, expected)
    except RecursionError:  # a structure too deep to compare
        return True


def _same_documents(current: dict[str, Any], expected: dict[str, Any]) -> bool:
    """Whether two index data agree on every field read from the documents (see `index_stale`).

    Compared in place, field by field, without copying 10,000 entries: this runs on every `--check`.
    """
    if current.keys() - DERIVED_TOP_KEYS != expected.keys() - DERIVED_TOP_KEYS:
        return False
    for key, value in expected.items():
        if key in DERIVED_TOP_KEYS or key == "proposals":
            continue
        if key == "generator" and isinstance(value, dict) and isinstance(current[key], dict):
            if not _same({k: v for k, v in current[key].items() if k != "version"},
                         {k: v for k, v in value.items() if k != "version"}):
                return False
        elif not _same(current[key], value):
            return False
    ours, theirs = current.get("proposals"), expected.get("proposals")
    if not isinstance(ours, list) or not isinstance(theirs, list) or len(ours) != len(theirs):
        return _same(ours, theirs)
    for mine, wanted in zip(ours, theirs, strict=True):
        if not isinstance(mine, dict) or mine.keys() - DERIVED_PROPOSAL_KEYS != wanted.keys() - DERIVED_PROPOSAL_KEYS:
            return False
        for key, value in wanted.items():
            if key not in DERIVED_PROPOSAL_KEYS and not _same(mine[key], value):
                return False
    return True


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values: of the same type too, so `true` is not `1` (Python's `==` says it is)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and a != a:  # NaN (json.loads reads `NaN`) equals nothing, so the file is stale
        return False
    if isinstance(a, str) and a != b:  # a name that is not UTF-8 is written with U+FFFD (`dumps_index`)
        return _SURROGATE.sub("\ufffd", a) == _SURROGATE.sub("\ufffd", b)
    return a == b
