"""The API contracts of recent trees, kept on disk by a key of everything they are made from.

A contract is a function of the analysed packages' module files, the `[api]` configuration, the packages'
layout and the code that writes it. `depgate api --check` on a tree it has seen (CI after `--write`, a second run)
then only lists the files and hashes them: at a commit the blob ids are already content hashes, so nothing is read.

The file is `<git dir>/depgate/contracts.json`, next to the summary cache and switched off with it
(`DEPGATE_CACHE=off`): the code under review writes the work tree, not `.git`. It is plain data, validated field by
field when read; anything unexpected is ignored and rebuilt, never trusted and never fatal. Only contracts written
without an error are kept, so a file that cannot be analysed is reported on every run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depgate.diagnostics import Diagnostic, Location, Severity

if TYPE_CHECKING:
    from depgate.api.contract import Contract
    from depgate.api.layout import Duplicate
    from depgate.api.snapshot import Revision
    from depgate.config import ApiConfig

log = logging.getLogger(__name__)

#: Bumped whenever what is stored changes shape.
FORMAT = 1
#: How many trees are kept (`--diff` reads two; a branch and its base make a few more).
MAX_TREES = 8
#: A cache file larger than this is ignored (and replaced).
MAX_BYTES = 32 * 1024 * 1024


def cache_path(git_dir: Path | None) -> Path | None:
    """The cache file of a repository, or None when caching is off (or there is no git directory)."""
    from depgate.api.cache import default_path

    summaries = default_path(git_dir) if git_dir is not None else None
    return summaries.with_name("contracts.json") if summaries is not None else None


def tree_key(rev: Revision, config: ApiConfig, duplicates: list[Duplicate]) -> str:
    """The digest of everything a revision's contracts are made from."""
    from depgate.api.source import digest
    from depgate.git import WORKTREE

    paths = sorted({*rev.files.values()})
    if rev.rev == WORKTREE:
        rev.prefetch([p for p in paths if p not in rev.links])
        contents = {p: "link" if p in rev.links else (digest(rev.text(p) or b"").hex()) for p in paths}
    else:
        contents = {p: "link" if p in rev.links else rev.blob_ids.get(p, "") for p in paths}
    stamp = {
        "format": FORMAT,
        "code": _code_stamp(),
        "config": _plain(config),
        "roots": rev.layout.roots,
        "duplicates": [[d.package, d.chosen, list(d.others)] for d in duplicates],
        "files": contents,
    }
    return hashlib.sha256(json.dumps(stamp, sort_keys=True, default=str).encode()).hexdigest()


@cache
def _code_stamp() -> str:
    """The digest of the code that reads and writes a surface (every module of `depgate.api`), and its runtime.

    A new depgate, griffe or Python, or an edited checkout of depgate itself, gives new keys.
    """
    import griffe

    from depgate import __version__

    folder = Path(__file__).parent
    hasher = hashlib.sha256(f"{__version__} {getattr(griffe, '__version__', '')} {sys.version_info[:2]}".encode())
    for file in sorted(folder.glob("*.py")):
        hasher.update(file.name.encode() + b"\0" + file.read_bytes())
    return hasher.hexdigest()


def _plain(config: ApiConfig) -> Any:
    from dataclasses import asdict, is_dataclass

    return asdict(config) if is_dataclass(config) else repr(config)


def load(path: Path | None, key: str) -> list[Contract] | None:
    """The contracts kept for a key, or None (no cache, no entry, or anything unexpected in the file)."""
    entry = _read(path).get(key)
    if entry is None:
        return None
    try:
        return [_contract(item) for item in entry]
    except (TypeError, ValueError, KeyError):
        log.debug("ignoring a damaged contract cache entry in %s", path)
        return None


def save(path: Path | None, key: str, contracts: list[Contract]) -> None:
    """Keep the contracts of a key (and the most recent others), atomically; errors are logged, never raised."""
    if path is None or not path.parent.parent.is_dir():
        return
    trees = {k: v for k, v in _read(path).items() if k != key}
    trees[key] = [_plain_contract(c) for c in contracts]
    kept = dict(list(trees.items())[-MAX_TREES:])  # insertion order: the oldest go first
    body = json.dumps({"format": FORMAT, "trees": kept}, sort_keys=False).encode()
    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".contracts-", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        os.replace(tmp, path)
    except OSError as exc:
        log.debug("could not write the contract cache %s: %s", path, exc)


def _read(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        if path.is_symlink() or path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("trees"), dict):
        return {}
    return {k: v for k, v in data["trees"].items() if isinstance(k, str) and isinstance(v, list)}


def _plain_contract(contract: Contract) -> dict[str, Any]:
    return {"package": contract.package, "text": contract.text, "warnings": [
        {"code": w.code, "severity": w.severity.name, "message": w.message, "path": w.location.path,
         "line": w.location.line} for w in contract.warnings]}


def _contract(item: Any) -> Contract:
    from depgate.api.contract import Contract

    if not isinstance(item, dict) or not isinstance(item["package"], str) or not isinstance(item["text"], str):
        raise TypeError("a contract entry must hold a package name and a text")
    warnings = []
    for w in item["warnings"]:
        line = w["line"]
        if not all(isinstance(w[k], str) for k in ("code", "severity", "message", "path")) or not (
                line is None or (isinstance(line, int) and not isinstance(line, bool))):
            raise TypeError("a warning entry has a field of the wrong type")
        warnings.append(Diagnostic(w["code"], Severity[w["severity"]], w["message"], Location(w["path"], line)))
    return Contract(item["package"], item["text"], tuple(warnings))
