"""What each file content yields (`source.Parsed`), kept on disk between runs, by content digest; and whether two
contents differ only in formatting and docstrings.

Most files are the same from one check to the next, and at both revisions of one check: reading what a file
imports and binds costs a parse, and the parse is the largest cost of a cold check. The cache keeps that
summary (never the code, never a syntax tree) in one JSON file, by default `<git dir>/depgate/summaries.json`,
where the code under review cannot write it: a pull request changes the work tree, not `.git`.

The file is plain data read with `json` and validated entry by entry; anything unexpected (another format,
another depgate or Python version, a damaged entry) is ignored and rebuilt, never trusted and never fatal. It is
written atomically (a temporary file renamed over it), only when something new was learnt, and trimmed to the
entries of the last run when it grows past `MAX_ENTRIES`. Set `DEPGATE_CACHE=off` to switch it off.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depgate.api.source import Binding, Parsed

if TYPE_CHECKING:
    from collections.abc import Iterator

log = logging.getLogger(__name__)

#: Bumped whenever `Parsed` or what `summarize` records changes.
FORMAT = 1
#: Entries beyond which the file is trimmed to what the last run used (about 300 bytes each).
MAX_ENTRIES = 50_000
#: A cache file larger than this is ignored (and replaced).
MAX_BYTES = 64 * 1024 * 1024
_KINDS = frozenset({"def", "assign", "class", "import", "dynamic"})


def _stamp() -> dict[str, Any]:
    from depgate import __version__

    return {"format": FORMAT, "depgate": __version__, "python": list(sys.version_info[:2])}


#: Caches opened in this process, by file: `depgate audit` checks hundreds of commits against one.
_OPEN: dict[Path, SummaryCache] = {}
#: Seconds between two writes of the same cache in one process (the last write happens at exit).
_WRITE_EVERY = 5.0


def open_cache(git_dir: Path | None) -> SummaryCache:
    """Return the cache of a repository, loading it once per process (an empty one when caching is off)."""
    path = default_path(git_dir) if git_dir is not None else None
    if path is None:
        return SummaryCache(None)
    if path not in _OPEN:
        _OPEN[path] = cache = SummaryCache(path)
        atexit.register(cache.save, force=True)
    return _OPEN[path]


class _Entries(dict):
    """`Parsed` by digest, decoded from the file's JSON on first use: a check reads a few dozen of thousands."""

    def __init__(self) -> None:
        super().__init__()
        #: Entries as read from the file, by hex digest, not yet decoded.
        self.raw: dict[str, Any] = {}
        #: How many entries this process added.
        self.learnt = 0

    def get(self, key: bytes, default: Parsed | None = None) -> Parsed | None:  # type: ignore[override]
        found = super().get(key)
        if found is not None:
            return found
        value = self.raw.pop(key.hex(), None)
        decoded = _decode(key.hex(), value) if value is not None else None
        if decoded is None:
            return default
        super().__setitem__(key, decoded[1])
        return decoded[1]

    def __setitem__(self, key: bytes, value: Parsed) -> None:
        self.learnt += 1
        super().__setitem__(key, value)

    def everything(self) -> dict[bytes, Parsed]:
        """Every valid entry, the undecoded ones decoded now (entries that do not decode are dropped)."""
        for key in list(self.raw):
            if len(key) == 40 and _is_hex(key):
                self.get(bytes.fromhex(key))  # decodes it, or drops it
            else:
                del self.raw[key]
        return dict(self)


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


class SummaryCache:
    """A dictionary of `Parsed` by content digest, loaded from and saved to one file.

    Args:
        path: The cache file (None: nothing is read or written).
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.entries = _Entries()
        #: Whether two contents have the same syntax tree but for docstrings, by their two digests end to end.
        self.shapes: dict[bytes, bool] = {}
        #: Digests read or learnt since the cache was opened (kept when the file is trimmed).
        self.used: set[bytes] = set()
        self._saved = (0, 0)
        self._last_write = 0.0
        if path is not None:
            self._load(path)
            self._saved = (0, len(self.shapes))

    def _load(self, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_BYTES:
                return
            data = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return
        if not isinstance(data, dict) or data.get("stamp") != _stamp() or not isinstance(data.get("entries"), dict):
            return
        self.entries.raw = data["entries"]
        shapes = data.get("same_shape")
        for key, value in (shapes.items() if isinstance(shapes, dict) else ()):
            if isinstance(key, str) and len(key) == 80 and isinstance(value, bool):
                try:
                    self.shapes[bytes.fromhex(key)] = value
                except ValueError:
                    continue

    def save(self, *, force: bool = False) -> None:
        """Write the cache when something new was learnt, atomically; errors are logged, never raised.

        Args:
            force: Write now, even if the last write was less than `_WRITE_EVERY` seconds ago.
        """
        if self.path is None or (self.entries.learnt, len(self.shapes)) == self._saved:
            return
        if not force and time.monotonic() - self._last_write < _WRITE_EVERY:
            return
        self._last_write = time.monotonic()
        self._saved = (self.entries.learnt, len(self.shapes))
        entries, shapes = self.entries.everything(), self.shapes
        if len(entries) + len(shapes) > MAX_ENTRIES:
            entries = {key: entries[key] for key in self.used if key in entries}
            shapes = {key: same for key, same in shapes.items() if key[:20] in self.used and key[20:] in self.used}
        payload = {"stamp": _stamp(), "entries": dict(_encode_all(entries)),
                   "same_shape": {key.hex(): same for key, same in sorted(shapes.items())}}
        if not self.path.parent.parent.is_dir():
            return  # the repository is gone (a temporary one, at exit): never recreate it
        try:
            self.path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".summaries-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, separators=(",", ":"), sort_keys=True)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.debug("could not write the summary cache %s: %s", self.path, exc)


def default_path(git_dir: Path) -> Path | None:
    """The cache file inside a repository's git directory, or None when `DEPGATE_CACHE=off`."""
    if os.environ.get("DEPGATE_CACHE", "").strip().lower() in ("off", "0", "false", "no"):
        return None
    return git_dir / "depgate" / "summaries.json"


def _encode_all(entries: dict[bytes, Parsed]) -> Iterator[tuple[str, Any]]:
    for key in sorted(entries):
        parsed = entries[key]
        yield key.hex(), {
            "problem": list(parsed.problem) if parsed.problem is not None else None,
            "imports": [list(i) for i in parsed.imports],
            "bindings": {name: [b.kind, list(b.source) if b.source else None, sorted(b.uses)]
                         for name, b in sorted(parsed.bindings.items())},
        }


def _decode(key: str, value: Any) -> tuple[bytes, Parsed] | None:
    """One entry, checked field by field; None for anything that is not exactly what `_encode_all` writes."""
    try:
        digest = bytes.fromhex(key)
        if len(digest) != 20 or not isinstance(value, dict):
            return None
        problem = value["problem"]
        if problem is not None:
            line, message = problem
            if not (line is None or type(line) is int) or not isinstance(message, str):
                return None
            return digest, Parsed((line, message))
        imports = tuple(_import(i) for i in value["imports"])
        bindings = {}
        for name, (kind, source, uses) in value["bindings"].items():
            if not isinstance(name, str) or kind not in _KINDS or not all(isinstance(u, str) for u in uses):
                return None
            bindings[name] = Binding(kind, _import(source) if source is not None else None, frozenset(uses))
        return digest, Parsed(None, imports, bindings)
    except (KeyError, TypeError, ValueError):
        return None


def _import(item: Any) -> tuple[int, str, str]:
    level, module, name = item
    if type(level) is not int or not isinstance(module, str) or not isinstance(name, str):
        raise ValueError("not an import")
    return level, module, name
