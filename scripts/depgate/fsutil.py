"""Small file-system helpers: atomic writes, generated regions."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see the old file or the new one, never half of either.

    The file is written to a temporary sibling, flushed, then renamed over the target; its mode is
    kept when it exists. Line endings are written exactly as given.
    """
    path = Path(path)
    mode = None
    with contextlib.suppress(FileNotFoundError):
        mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def create_exclusive(path: Path, text: str) -> None:
    """Create a new file; fail with FileExistsError rather than overwrite one."""
    with open(path, "x", encoding="utf-8", newline="") as handle:
        handle.write(text)
