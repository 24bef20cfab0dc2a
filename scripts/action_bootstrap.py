"""Install depgate's dependencies and start depgate from the action's own folder (stdlib only).

`action.yml` runs this file twice, both times with `python -I`: isolated, so neither the working
directory (the checkout under review, which may hold a hostile `pip/` or `yaml.py`), nor PYTHONPATH,
nor the user's site-packages reach `sys.path`; `-I` does not add this file's folder either.

    $PYTHON -I scripts/action_bootstrap.py install
        A bare virtual environment (no ensurepip) and the hash-pinned wheels of requirements/core.txt,
        plus requirements/github.txt when the step calls the GitHub API; depgate itself is not built or
        installed. uv when it is on PATH; else uv's own wheel (requirements/uv.txt: one hash-pinned
        download per platform, unpacked here), then that uv; else, or when that fails, the interpreter's
        pip (`--target`); else ensurepip.
    $VENV/bin/python -I -X pycache_prefix=$VENV/pycache scripts/action_bootstrap.py run
        Puts this folder (`scripts/`) first on `sys.path` and runs `depgate.github.action`.

An environment already holding what the locks pin, for this interpreter, is reused as it is (a second
depgate step in the job, or one restored by actions/cache). Every failure ends in one `::error::` line
saying what failed and what to do. This file must parse on old Pythons (3.7+), to say they are too old.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

MIN_PYTHON = (3, 10)
ACTION_ROOT = Path(__file__).resolve().parent.parent
LOCKS = ACTION_ROOT / "requirements"
#: The file in the environment that records what it was made from; an environment without it is not ours.
STATE_FILE = "depgate-env.json"
#: The folder in the environment that uv's wheel is unpacked into (not on sys.path: nothing imports it).
UV_FOLDER = "depgate-uv"
INSTALLERS = ("auto", "uv", "pip")
#: Where the locks have wheels for every package (requirements/lock.py --check-wheels).
COVERAGE = ("CPython 3.10-3.14 on Linux x86_64 and arm64 and on macOS arm64; "
            "on macOS x86_64 only without the API (`token: ''`)")


#: Top-level modules of each lock that depgate imports; the install step compiles them ahead of the run.
WARM_IMPORTS = {"core": ("yaml", "jinja2", "frontmatter", "griffe"), "github": ("github", "requests", "jwt", "nacl")}


class InstallError(Exception):
    """An install failure, with the one line the workflow log shows."""


def _annotation(message: str) -> str:
    # Workflow-command data: `%`, CR and LF are escaped so the message stays one command on one line.
    data = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::error title=depgate install::{data}"


def _show_output(title: str, text: str) -> None:
    """Print an installer's output folded in the log, with workflow commands switched off inside it."""
    token = uuid.uuid4().hex
    print(f"::group::{title}")
    print(f"::stop-commands::{token}")
    print(text.rstrip())
    print(f"::{token}::")
    print("::endgroup::", flush=True)


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _interpreter() -> dict[str, str]:
    """What an environment is tied to: the base interpreter and its version."""
    base = getattr(sys, "_base_executable", sys.executable)
    return {"python": f"{sys.implementation.name}-{sys.version_info[0]}.{sys.version_info[1]}",
            "base": os.path.realpath(base)}


def _read_state(venv: Path) -> dict | None:
    try:
        state = json.loads((venv / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _site_packages(venv: Path) -> Path:
    major, minor = sys.version_info[:2]
    return venv / "lib" / f"python{major}.{minor}" / "site-packages"


def _wanted(env: dict[str, str]) -> str:
    wanted = (env.get("DEPGATE_INSTALLER") or "auto").strip().lower()
    if wanted not in INSTALLERS:
        raise InstallError(f"DEPGATE_INSTALLER is {wanted!r}; it must be one of {', '.join(INSTALLERS)}")
    return wanted


def _choose_installer(env: dict[str, str]) -> tuple[str, str | None]:
    """The installer to use: ("uv", path) for uv on PATH, ("uv-wheel", None) for uv from its locked wheel (pip or
    ensurepip if that fails), ("pip", None) for this interpreter's pip, or ("ensurepip", None)."""
    wanted = _wanted(env)
    uv = shutil.which("uv", path=env.get("PATH")) if wanted in ("auto", "uv") else None
    if uv:
        return "uv", uv
    # A mirror in PIP_INDEX_URL is honoured: uv's wheel is locked to PyPI's file host, so pip does everything.
    if wanted == "uv" or (wanted == "auto" and not env.get("PIP_INDEX_URL")):
        return "uv-wheel", None
    if importlib.util.find_spec("pip") is not None:
        return "pip", None
    if importlib.util.find_spec("ensurepip") is not None:
        return "ensurepip", None
    raise InstallError(f"{sys.executable} has neither pip nor ensurepip and uv is not on PATH: install uv or "
                       "python3-pip on the runner, or set the `python` input to another interpreter")


def _usable(venv: Path, state: dict | None) -> bool:
    """Whether `venv` is an environment of ours made by (and still runnable with) this interpreter."""
    if state is None or not os.access(venv / "bin" / "python", os.X_OK):
        return False
    return all(state.get(k) == v for k, v in _interpreter().items()) and isinstance(state.get("groups"), dict)


def _prepare(venv: Path, installer: str) -> dict:
    """Make sure `venv` is an environment of ours for this interpreter; return its recorded state."""
    state = _read_state(venv)
    if _usable(venv, state):
        return state
    if venv.exists() and state is None and any(venv.iterdir()):
        # Never wipe a folder depgate did not make: DEPGATE_VENV may point anywhere.
        raise InstallError(f"{venv} exists and is not an environment depgate made (no {STATE_FILE}): "
                           "point DEPGATE_VENV at a new or empty folder")
    import venv as venv_module

    try:
        # No ensurepip (seconds): the wheels come from uv or the interpreter's own pip.
        venv_module.EnvBuilder(clear=True, symlinks=True, with_pip=installer == "ensurepip").create(str(venv))
    except Exception as exc:  # venv reports problems as several exception types; all end the same way
        raise InstallError(f"could not create a virtual environment at {venv} with {sys.executable} "
                           f"({type(exc).__name__}: {exc}); on Debian/Ubuntu install python3-venv") from exc
    state = {**_interpreter(), "groups": {}}
    _write_state(venv, state)
    return state


def _write_state(venv: Path, state: dict) -> None:
    tmp = venv / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, venv / STATE_FILE)


#: Exact, hashed, binary-only.
_EXACT = ("--no-deps", "--require-hashes", "--only-binary", ":all:")
#: pip without what a one-off install does not need: no byte-compiling of every file (the run step compiles, into
#: the environment's pycache, only what depgate imports), no self-update check, no prompt, no progress bar.
_PIP_QUIET = ("--disable-pip-version-check", "--no-input", "--quiet", "--no-compile", "--no-warn-script-location",
              "--progress-bar", "off")


def _installer_env() -> dict[str, str]:
    # The installers never see depgate's own variables (the token among them).
    return {k: v for k, v in os.environ.items() if not k.startswith("DEPGATE_")}


#: A line of requirements/uv.txt: `uv @ URL [; sys_platform == '...' and platform_machine == '...'] \`, then its hash.
_UV_LINE = re.compile(r"^uv @ (?P<url>\S+)"
                      r"(?: ; sys_platform == '(?P<platform>[^']+)' and platform_machine == '(?P<machine>[^']+)')?"
                      r" \\\n\s+--hash=sha256:(?P<sha256>[0-9a-f]{64})$", re.M)


def _uv_wheel_for_this_runner(lock_text: str, platform: str = sys.platform,
                              machine: str | None = None) -> tuple[str, str] | None:
    """The (URL, SHA-256) of the uv wheel the lock pins for this platform (`sys.platform`, machine), or None."""
    machine = machine or os.uname().machine  # what the `platform_machine` marker is on Linux and macOS
    for found in _UV_LINE.finditer(lock_text):
        if found["platform"] in (None, platform) and found["machine"] in (None, machine):
            return found["url"], found["sha256"]
    return None


def _bootstrap_uv(venv: Path) -> tuple[str | None, str]:
    """Fetch uv's locked wheel, check its SHA-256 and unpack its binary into the environment.

    Returns:
        (the uv binary, "") or (None, why not). requirements/uv.txt pins one file per platform: a single
        download with the standard library, no index, no resolution, no pip start-up (which alone costs about
        as much as the download). `install` removes the binary again once the locks are installed.
    """
    import io
    import urllib.request
    import zipfile

    folder = venv / UV_FOLDER
    uv = folder / "bin" / "uv"
    try:
        chosen = _uv_wheel_for_this_runner((LOCKS / "uv.txt").read_text(encoding="utf-8"))
    except OSError:
        return None, "the action has no requirements/uv.txt"
    if chosen is None:
        return None, "requirements/uv.txt has no uv wheel for this platform"
    url, sha256 = chosen
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the action's own lock
            data = response.read()
    except (OSError, ValueError) as exc:
        return None, f"uv's wheel could not be downloaded from {url} ({exc})"
    if hashlib.sha256(data).hexdigest() != sha256:
        return None, f"uv's wheel from {url} does not match its hash in requirements/uv.txt"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as wheel:
            member = next(n for n in wheel.namelist() if re.fullmatch(r"uv-[^/]+\.data/scripts/uv", n))
            binary = wheel.read(member)
    except (zipfile.BadZipFile, StopIteration):
        return None, f"uv's wheel from {url} holds no uv binary"
    uv.parent.mkdir(parents=True, exist_ok=True)
    uv.write_bytes(binary)
    uv.chmod(0o755)
    try:
        runs = subprocess.run([str(uv), "--version"], cwd=str(venv), capture_output=True, check=False,
                              timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        runs = False
    return (str(uv), "") if runs else (None, "uv's wheel does not run on this runner")


def _command(installer: str, uv: str | None, venv: Path, lock: Path) -> list[str]:
    # Exact, hashed, binary-only: nothing is resolved, built or run from a source distribution.
    common = [*_EXACT, "-r", str(lock)]
    if installer == "uv":
        # --no-config: a uv.toml or pyproject.toml in the checkout must not steer the install.
        return [uv or "uv", "pip", "install", "--no-config", "--quiet", "--python", str(venv / "bin" / "python"),
                *common]
    pip = ["install", *_PIP_QUIET, *common]
    if installer == "pip":
        # The base interpreter's pip writes into the environment: no pip inside it, no ensurepip.
        return [sys.executable, "-I", "-m", "pip", *pip, "--upgrade", "--target", str(_site_packages(venv))]
    return [str(venv / "bin" / "python"), "-I", "-m", "pip", *pip]


def _explain(output: str, group: str, installer: str, code: int) -> str:
    """One sentence for a failed install, from what the installer printed."""
    lock = f"requirements/{group}.txt"
    lowered = output.lower()
    if "do not match the hashes" in lowered or "hash mismatch" in lowered:
        found = re.search(r"hash mismatch for `([^`]+)`|^\s+(\S+==\S+) from ", output, re.I | re.M)
        what = f"`{found.group(1) or found.group(2)}`" if found else "a downloaded package"
        return (f"{what} does not match its hash in {lock}, so nothing from that lock was installed: the package "
                "index (PIP_INDEX_URL/UV_INDEX_URL or a mirror) served another file than the one locked; fix the "
                "index, or report it if it is PyPI")
    if any(s in lowered for s in ("no matching distribution", "has no usable wheels", "no solution found",
                                  "could not find a version")):
        where = f"{sys.implementation.name} {sys.version_info[0]}.{sys.version_info[1]} on {sys.platform}"
        return (f"{lock} has no installable wheel for {where}; the locks cover {COVERAGE}. Use such a runner or "
                "`python` input, or check that the package index is reachable")
    return (f"installing depgate's dependencies from {lock} with {installer} failed (exit {code}); "
            "its output is in the group above")


def _install_group(installer: str, uv: str | None, venv: Path, group: str, lock: Path) -> None:
    if installer == "ensurepip" and importlib.util.find_spec("pip") is None and not (
            _site_packages(venv) / "pip").is_dir():
        subprocess.run([str(venv / "bin" / "python"), "-I", "-m", "ensurepip", "--default-pip"],
                       cwd=str(venv), capture_output=True, check=False)
    env = _installer_env()
    # The checkout is never the working directory of an installer (pip reads no config there; uv might).
    proc = subprocess.run(_command(installer, uv, venv, lock), cwd=str(venv), env=env, capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        _show_output(f"depgate install: {installer} output ({group})", proc.stdout + proc.stderr)
        raise InstallError(_explain(proc.stdout + proc.stderr, group, installer, proc.returncode))


def _python(venv: Path) -> list[str]:
    """The environment's interpreter, isolated, writing bytecode into the environment's pycache."""
    return [str(venv / "bin" / "python"), "-I", "-X", f"pycache_prefix={venv / 'pycache'}"]


def _compile_depgate(venv: Path) -> subprocess.Popen:
    """Start compiling depgate's own modules into the environment's pycache. They need no dependency, so this
    runs while uv's wheel downloads and the locks install; `install` waits for it before it returns."""
    code = f"import compileall; compileall.compile_dir({str(Path(__file__).resolve().parent / 'depgate')!r}, " \
           "quiet=2, workers=0)"
    return subprocess.Popen([*_python(venv), "-c", code], cwd=str(venv), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _warm(venv: Path, group: str) -> subprocess.Popen:
    """Start importing a group's modules once, so their bytecode lands in the environment's pycache (what pip's
    own compile step did before, for only what depgate loads): the check step then starts as fast as with an
    installed depgate. It runs while the next group installs; `install` waits for it before it returns.
    Best effort: a failure here shows, clearly, in the run step."""
    code = (f"import importlib\nfor name in {list(WARM_IMPORTS[group])!r}:\n"
            "    try:\n        importlib.import_module(name)\n    except Exception:\n        pass\n")
    return subprocess.Popen([*_python(venv), "-c", code], cwd=str(venv), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _lock_env(venv: Path):
    """Hold an exclusive lock next to the environment (two jobs sharing a runner's tool cache)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - the action supports Linux and macOS only
        return None
    handle = open(str(venv) + ".lock", "a")  # noqa: SIM115 - held until the process ends
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def install(env: dict[str, str]) -> int:
    """Create or reuse the environment and install the locked wheels it lacks.

    Args:
        env: The step's environment: `DEPGATE_VENV` or `RUNNER_TEMP` (where), `DEPGATE_API` (`true` to add
            the API client), `DEPGATE_INSTALLER` (`auto`, `uv`, `pip`), `GITHUB_OUTPUT`.

    Returns:
        0 when the environment is ready, 1 after printing one `::error::` line.
    """
    start = time.monotonic()
    background: list[subprocess.Popen] = []  # compiling and warming, alongside the installs
    try:
        if sys.version_info[:2] < MIN_PYTHON:
            raise InstallError(f"depgate needs Python 3.10 or newer and {sys.executable} is "
                               f"{sys.version_info[0]}.{sys.version_info[1]}: set the `python` input to a newer "
                               "interpreter, or run actions/setup-python before this step")
        where = env.get("DEPGATE_VENV") or (env.get("RUNNER_TEMP") and os.path.join(env["RUNNER_TEMP"], "depgate-venv"))
        if not where:
            raise InstallError("neither DEPGATE_VENV nor RUNNER_TEMP is set: run depgate as a step of a GitHub "
                               "Actions job, or set DEPGATE_VENV to a folder for its environment")
        venv = Path(where).absolute()
        groups = ["core", "github"] if env.get("DEPGATE_API") == "true" else ["core"]
        locks = {}
        for group in groups:
            try:
                locks[group] = (LOCKS / f"{group}.txt").read_bytes()
            except OSError as exc:
                raise InstallError(f"the action's lock requirements/{group}.txt cannot be read ({exc.strerror}): "
                                   "the action's folder is incomplete; pin the action to a release commit") from exc
        digests = {group: _digest(data) for group, data in locks.items()}
        state = _read_state(venv)
        done, label = [], None
        if not (_usable(venv, state) and all(state["groups"].get(g) == d for g, d in digests.items())):
            installer, uv = _choose_installer(env)
            venv.parent.mkdir(parents=True, exist_ok=True)
            held = _lock_env(venv)
            # Again under the lock: another job may have just finished it.
            fallback = "pip" if importlib.util.find_spec("pip") is not None else "ensurepip"
            state = _prepare(venv, fallback if installer == "uv-wheel" else installer)
            label = installer
            if any(state["groups"].get(g) != digests[g] for g in groups):
                background.append(_compile_depgate(venv))
            if installer == "uv-wheel" and background:
                uv, why = _bootstrap_uv(venv)
                if uv is None and _wanted(env) == "uv":
                    raise InstallError(f"DEPGATE_INSTALLER is uv, uv is not on PATH and {why}: put uv on PATH "
                                       "or unset DEPGATE_INSTALLER")
                if uv is None:
                    print(f"depgate: {why}; installing with {fallback} instead", flush=True)
                installer, label = ("uv", "uv from its wheel") if uv else (fallback, fallback)
            for group in groups:
                if state["groups"].get(group) != digests[group]:
                    _install_group(installer, uv, venv, group, LOCKS / f"{group}.txt")
                    state["groups"][group] = digests[group]
                    _write_state(venv, state)
                    done.append(group)
                    background.append(_warm(venv, group))
            # uv's wheel (tens of MB) is not kept: an environment saved by actions/cache stays small.
            shutil.rmtree(venv / UV_FOLDER, ignore_errors=True)
            for process in background:
                process.wait()
            if held is not None:
                held.close()
    except InstallError as exc:
        print(_annotation(f"depgate: {exc}"), flush=True)
        return 1
    except OSError as exc:  # a folder that cannot be written, a full disk: say which, not a traceback
        print(_annotation(f"depgate: could not prepare its environment ({exc}); check that DEPGATE_VENV or "
                          "RUNNER_TEMP is a writable folder with free space"), flush=True)
        return 1
    finally:
        for process in background:  # after an error too: no process outlives the step
            process.wait()
    python = venv / "bin" / "python"
    output = env.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as fh:
            fh.write(f"python={python}\npycache={venv / 'pycache'}\n")
    what = "+".join(groups)
    how = f"installed {'+'.join(done)} with {label}" if done else "reused the environment"
    print(f"depgate: dependencies ready ({what}; {how}) in {time.monotonic() - start:.1f}s", flush=True)
    return 0


def run() -> int:
    """Run the action's entrypoint from this folder; the environment only supplies the dependencies."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        from depgate.github.action import main as action_main
    except ImportError as exc:
        print(_annotation(f"depgate: its environment lacks a module ({exc}); the install step did not finish: "
                          "re-run the job"), flush=True)
        return 2
    action_main()
    return 0


def main(argv: list[str]) -> int:
    """`install` or `run`, as `action.yml` calls them."""
    if argv[:1] == ["install"]:
        return install(dict(os.environ))
    if argv[:1] == ["run"]:
        return run()
    print(_annotation("usage: python -I action_bootstrap.py install|run"), flush=True)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
