"""What each file content yields (`source.Parsed`), kept on disk between runs, by content digest; and whether two
contents differ only in formatting and docstrings.

Most files are the same from one check to the next, and at both revisions of one check: reading what a file
imports and binds costs a parse, and the parse is the largest cost of a cold check. The cache keeps that
summary (never the code, never a syntax tree) in one file, by default `<git dir>/depgate/summaries.jsonl`,
where the code under review cannot write it: a pull request changes the work tree, not `.git`.

The file is plain data: a first line with the format and the depgate and Python versions, then one line per
entry, `E <digest> <json>` or `S <two digests> <0|1>`. Loading only splits the lines; an entry's JSON is read and
validated field by field when a check asks for it, so a large cache costs little to open. Anything unexpected
(another format or version, a damaged line) is ignored and rebuilt, never trusted and never fatal. The file is
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
from typing import Any

from depgate.api.source import Binding, Parsed

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
    """`Parsed` by digest, decoded from the file's lines on first use: a check reads a few dozen of thousands."""

    def __init__(self) -> None:
        super().__init__()
        #: Entries as read from the file (the JSON of each, undecoded), by digest.
        self.raw: dict[bytes, bytes] = {}
        #: How many entries this process added.
        self.learnt = 0

    def get(self, key: bytes, default: Parsed | None = None) -> Parsed | None:  # type: ignore[override]
        found = super().get(key)
        if found is not None:
            return found
        line = self.raw.pop(key, None)
        decoded = _decode_line(line) if line is not None else None
        if decoded is None:
            return default
        super().__setitem__(key, decoded)
        return decoded

    def __setitem__(self, key: bytes, value: Parsed) -> None:
        self.learnt += 1
        super().__setitem__(key, value)


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
            lines = path.read_bytes().split(b"\n")
            if json.loads(lines[0]) != _stamp():
                return
        except (OSError, ValueError, RecursionError):
            return
        for line in lines[1:]:
            kind, _, rest = line.partition(b" ")
            key, _, value = rest.partition(b" ")
            try:
                digest = bytes.fromhex(key.decode("ascii"))
            except (UnicodeDecodeError, ValueError):
                continue
            if kind == b"E" and len(digest) == 20:
                self.entries.raw[digest] = value
            elif kind == b"S" and len(digest) == 40 and value in (b"0", b"1"):
                self.shapes[digest] = value == b"1"

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
        lines = {key: _encode(parsed) for key, parsed in self.entries.items()}
        lines.update(self.entries.raw)  # entries no check asked for stay as they were read
        shapes = self.shapes
        if len(lines) + len(shapes) > MAX_ENTRIES:
            lines = {key: line for key, line in lines.items() if key in self.used}
            shapes = {key: same for key, same in shapes.items() if key[:20] in self.used and key[20:] in self.used}
        body = [json.dumps(_stamp(), sort_keys=True).encode()]
        body += [b"E " + key.hex().encode() + b" " + lines[key] for key in sorted(lines)]
        body += [b"S " + key.hex().encode() + (b" 1" if same else b" 0") for key, same in sorted(shapes.items())]
        if not self.path.parent.parent.is_dir():
            return  # the repository is gone (a temporary one, at exit): never recreate it
        try:
            self.path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".summaries-", dir=self.path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(b"\n".join(body) + b"\n")
            os.replace(tmp, self.path)
        except OSError as exc:
            log.debug("could not write the summary cache %s: %s", self.path, exc)


def default_path(git_dir: Path) -> Path | None:
    """The cache file inside a repository's git directory, or None when `DEPGATE_CACHE=off`."""
    if os.environ.get("DEPGATE_CACHE", "").strip().lower() in ("off", "0", "false", "no"):
        return None
    return git_dir / "depgate" / "summaries.jsonl"


def _encode(parsed: Parsed) -> bytes:
    """One entry's JSON, on one line (`json` escapes every newline inside strings)."""
    return json.dumps({
        "problem": list(parsed.problem) if parsed.problem is not None else None,
        "imports": [list(i) for i in parsed.imports],
        "bindings": {name: [b.kind, list(b.source) if b.source else None, sorted(b.uses)]
                     for name, b in sorted(parsed.bindings.items())},
    }, separators=(",", ":"), sort_keys=True, ensure_ascii=True).encode()


def _decode_line(line: bytes) -> Parsed | None:
    """One entry, checked field by field; None for anything that is not exactly what `_encode` writes."""
    try:
        value = json.loads(line)
        if not isinstance(value, dict):
            return None
        problem = value["problem"]
        if problem is not None:
            number, message = problem
            if not (number is None or type(number) is int) or not isinstance(message, str):
                return None
            return Parsed((number, message))
        imports = tuple(_import(i) for i in value["imports"])
        bindings = {}
        for name, (kind, source, uses) in value["bindings"].items():
            if not isinstance(name, str) or kind not in _KINDS or not all(isinstance(u, str) for u in uses):
                return None
            bindings[name] = Binding(kind, _import(source) if source is not None else None, frozenset(uses))
        return Parsed(None, imports, bindings)
    except (KeyError, TypeError, ValueError, RecursionError):
        return None


def _import(item: Any) -> tuple[int, str, str]:
    level, module, name = item
    if type(level) is not int or not isinstance(module, str) or not isinstance(name, str):
        raise ValueError("not an import")
    return level, module, name
