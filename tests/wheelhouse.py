"""An offline wheelhouse and matching locks for the action's end-to-end tests.

The action installs depgate's dependencies from hash-pinned locks (requirements/*.txt). Tests run
without a package index, so each package the real locks pin (for this interpreter) is repacked into a
wheel from its installed copy in the test environment, and the action under test gets locks with those
wheels' versions and hashes. The installer (uv or pip) then does a real, hash-checked install from a
local folder (`--find-links`, no index).

uv's wheel (requirements/uv.txt, for runners without uv) is made the same way from the test
environment's uv binary, and locked as a `file://` direct URL with its hash, as the real lock pins
PyPI's file host.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import re
import shutil
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import sys_tags

ROOT = Path(__file__).resolve().parent.parent
GROUPS = ("core", "github")
_SKIP = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json", "WHEEL"}


def lock_entries(text: str) -> list[Requirement]:
    """The requirements a lock pins (`name==version ; marker`), without their hashes."""
    entries = []
    for line in text.splitlines():
        if line and not line.startswith((" ", "#", "-")):
            entries.append(Requirement(line.rstrip(" \\")))
    return entries


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def repack(name: str, dest: Path) -> tuple[str, Path]:
    """Build a wheel of the installed distribution `name` from its RECORD; return (version, wheel path)."""
    dist = importlib.metadata.distribution(name)
    files = [f for f in dist.files or () if not str(f).startswith("..") and "__pycache__" not in f.parts]
    info = next(f.parts[0] for f in files if f.parts[0].endswith(".dist-info"))
    payload = [f for f in files if not (f.parts[0] == info and f.name in _SKIP)]
    native = any(f.suffix in (".so", ".pyd", ".dylib") for f in payload)
    tag = str(next(iter(sys_tags()))) if native else "py3-none-any"
    stem = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    wheel = dest / f"{stem}-{dist.version}-{tag}.whl"
    record = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in payload:
            data = Path(dist.locate_file(f)).read_bytes()
            zf.writestr(str(f.as_posix()), data)
            record.append(f"{f.as_posix()},{_record_hash(data)},{len(data)}")
        meta = f"Wheel-Version: 1.0\nGenerator: depgate-tests\nRoot-Is-Purelib: {str(not native).lower()}\nTag: {tag}\n"
        zf.writestr(f"{info}/WHEEL", meta)
        record.append(f"{info}/WHEEL,{_record_hash(meta.encode())},{len(meta)}")
        record.append(f"{info}/RECORD,,")
        zf.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return dist.version, wheel


def uv_wheel(dest: Path) -> Path:
    """A wheel of the test environment's uv binary, tagged for this platform (`py3-none-<platform>`)."""
    binary = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if not binary:
        raise FileNotFoundError("uv is not installed in the test environment (it comes with the test extras)")
    version = importlib.metadata.version("uv")
    platform = str(next(iter(sys_tags()))).split("-")[2]
    wheel = dest / f"uv-{version}-py3-none-{platform}.whl"
    info = f"uv-{version}.dist-info"
    files = {f"uv-{version}.data/scripts/uv": Path(binary).read_bytes(),
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: uv\nVersion: {version}\n".encode(),
             f"{info}/WHEEL": f"Wheel-Version: 1.0\nGenerator: depgate-tests\nRoot-Is-Purelib: false\n"
                              f"Tag: py3-none-{platform}\n".encode()}
    # Stored, not deflated: the binary is tens of MB and the tests only need a valid wheel.
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as zf:
        for name, data in files.items():
            info_entry = zipfile.ZipInfo(name)
            info_entry.external_attr = 0o755 << 16
            zf.writestr(info_entry, data)
        record = [f"{name},{_record_hash(data)},{len(data)}" for name, data in files.items()]
        zf.writestr(f"{info}/RECORD", "\n".join([*record, f"{info}/RECORD,,"]) + "\n")
    return wheel


def uv_lock(wheel: Path, marker: str = "") -> str:
    """The text of a test `uv.txt`: the wheel as a hashed `file://` direct URL, with an optional marker."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    where = f" ; {marker}" if marker else ""
    return f"# test lock, group uv\nuv @ {wheel.resolve().as_uri()}{where} \\\n    --hash=sha256:{digest}\n"


def build(dest: Path, groups: tuple[str, ...] = GROUPS) -> dict[str, str]:
    """Fill `dest` with wheels of everything the real locks pin here, and uv's; return the test locks by group
    (`uv` included)."""
    dest.mkdir(parents=True, exist_ok=True)
    locks = {"uv": uv_lock(uv_wheel(dest))}
    for group in groups:
        real = (ROOT / "requirements" / f"{group}.txt").read_text(encoding="utf-8")
        lines = [line for line in real.splitlines() if line.startswith("#")]
        for req in lock_entries(real):
            if req.marker is not None and not req.marker.evaluate():
                continue
            version, wheel = repack(req.name, dest)
            digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
            lines.append(f"{req.name}=={version} \\\n    --hash=sha256:{digest}")
        locks[group] = "\n".join(lines) + "\n"
    return locks
