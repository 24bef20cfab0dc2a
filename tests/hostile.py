"""Helpers for the hostile-repository catalogue (`test_hostile_repos.py`).

`FileAccessRecorder` lists every file and folder the Python process opens while it is active, through
the interpreter's audit hooks (`sys.addaudithook`): `open()`, `io.open`, `os.open`, `pathlib`, `os.scandir`,
`os.listdir` and every `subprocess` launch all raise audit events, so nothing slips past a monkeypatch
that misses one entry point. An audit hook cannot be removed, so one hook is installed per process and
forwards events to the recorders that are active.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path
from typing import Any

#: Audit events naming a path that is opened or listed, and the index of that path in the event's arguments.
_PATH_EVENTS = {"open": 0, "os.listdir": 0, "os.scandir": 0, "os.chdir": 0}

_active: list[FileAccessRecorder] = []
_installed = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active:
        return
    try:
        _record(event, args)
    except Exception as exc:  # an audit hook that raises would break the code under test
        for recorder in _active:
            recorder.paths.append(("hook-error", repr(exc)))


def _record(event: str, args: tuple[Any, ...]) -> None:
    if event in _PATH_EVENTS:
        target = args[_PATH_EVENTS[event]]
        if isinstance(target, int) or target is None:  # an already-open descriptor, or the current folder
            return
        if isinstance(target, bytes):
            target = os.fsdecode(target)
        for recorder in _active:
            recorder.paths.append((event, os.fspath(target)))
    elif event == "subprocess.Popen":
        executable, argv, cwd = args[0], args[1], args[2]
        for recorder in _active:
            recorder.processes.append((os.fspath(executable or ""), [os.fspath(a) for a in argv or ()],
                                       None if cwd is None else os.fspath(cwd)))


def _install() -> None:
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def _real(path: str | Path) -> Path:
    return Path(os.path.realpath(path))


def _python_roots() -> list[Path]:
    """Folders of the Python installation: the standard library, site-packages, the venv, depgate itself."""
    import depgate

    roots = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(str(Path(depgate.__file__).parent))
    return sorted({_real(r) for r in roots})


def _import_folders() -> list[Path]:
    """The folders of `sys.path`: a lazy import lists them (never reads a file from them)."""
    return sorted({_real(p) for p in sys.path if p and os.path.isdir(p)})


class FileAccessRecorder:
    """Record the paths opened or listed, and the processes started, while active (a context manager).

    Args:
        repo: The repository under check: everything inside it may be read.
        also_allowed: More folders that may be read (e.g. a body file the test wrote).
    """

    #: Pseudo-file systems: the interpreter and libraries read them (`/proc/self/...`, `/dev/null`, `/dev/urandom`).
    SYSTEM = (Path("/proc"), Path("/dev"), Path("/sys"))

    def __init__(self, repo: Path, also_allowed: tuple[Path, ...] = ()):
        self.repo = _real(repo)
        self.allowed = (self.repo, *(_real(p) for p in also_allowed), *self.SYSTEM, *_python_roots())
        self.listable = (*self.allowed, *_import_folders())
        self.paths: list[tuple[str, str]] = []
        self.processes: list[tuple[str, list[str], str | None]] = []

    def __enter__(self) -> FileAccessRecorder:
        _install()
        _active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _active.remove(self)

    def _resolve(self, path: str, cwd: str | None = None) -> Path:
        return _real(os.path.join(cwd or os.getcwd(), path))

    def outside(self) -> list[tuple[str, str]]:
        """Return `(event, path)` for every access outside the repository and the allowed folders."""
        bad = []
        for event, path in self.paths:
            real = self._resolve(path)
            roots = self.listable if event in ("os.listdir", "os.scandir") else self.allowed
            if not any(real == root or root in real.parents for root in roots):
                bad.append((event, path))
        return bad

    def foreign_processes(self) -> list[tuple[str, list[str], str | None]]:
        """Return the processes that are not `git` run inside the repository."""
        bad = []
        for executable, argv, cwd in self.processes:
            name = os.path.basename(executable)
            inside = cwd is not None and (_real(cwd) == self.repo or self.repo in _real(cwd).parents)
            if name != "git" or not inside:
                bad.append((executable, argv, cwd))
        return bad

    def assert_stayed_inside(self) -> None:
        """Fail when anything outside the repository was opened, listed, or run."""
        assert self.outside() == [], f"read outside the repository: {self.outside()}"
        assert self.foreign_processes() == [], f"unexpected processes: {self.foreign_processes()}"
