"""The action's install: locks that agree with pyproject.toml, the bootstrap's refusals, depgate without PyGithub,
and the way a runner without uv gets one (uv's locked wheel, installed by pip, then that uv).

The install itself (uv and pip, from a wheelhouse, hash-checked) also runs for real in tests/e2e on act.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker
from packaging.requirements import Requirement

from actionrepo import build_repo, pull_request_event, write_event
from wheelhouse import build as build_wheelhouse
from wheelhouse import lock_entries, uv_lock

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "scripts" / "action_bootstrap.py"
#: The Python versions the locks must serve (the runner's python3 may be any of them).
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def _lock_tool():
    spec = importlib.util.spec_from_file_location("depgate_lock_tool", ROOT / "requirements" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lock(group: str) -> str:
    return (ROOT / "requirements" / f"{group}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("group", ["core", "github"])
def test_each_lock_was_made_from_the_current_pyproject(group):
    """A changed dependency in pyproject.toml without a regenerated lock fails here."""
    tool = _lock_tool()
    wanted = tool.inputs_digest(tool.group_requirements()[group])
    recorded = next(line.split(": ", 1)[1] for line in _lock(group).splitlines() if line.startswith("# inputs: "))
    assert recorded == wanted, f"requirements/{group}.txt is stale: run `python3 requirements/lock.py` (needs uv)"


def test_the_digest_changes_with_any_requirement():
    tool = _lock_tool()
    reqs = tool.group_requirements()["core"]
    assert tool.inputs_digest(reqs) == tool.inputs_digest(list(reversed(reqs)))
    assert tool.inputs_digest(reqs) != tool.inputs_digest([*reqs[:-1], reqs[-1].replace(">=", "<")])
    assert tool.inputs_digest(reqs) != tool.inputs_digest(reqs[1:])


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("group", ["core", "github"])
def test_every_requirement_is_pinned_within_its_specifier(group, python):
    """For each Python the runner may have, each requirement of the group has exactly one pin, within range."""
    tool = _lock_tool()
    env = {"python_version": python, "python_full_version": f"{python}.0", "implementation_name": "cpython",
           "platform_python_implementation": "CPython", "sys_platform": "linux"}
    pins: dict[str, list[str]] = {}
    for lock in ("core", "github") if group == "github" else ("core",):
        for entry in lock_entries(_lock(lock)):
            if entry.marker is None or entry.marker.evaluate(env):
                pins.setdefault(entry.name.lower(), []).append(next(iter(entry.specifier)).version)
    for text in tool.group_requirements()[group]:
        req = Requirement(text)
        if req.marker is not None and not Marker(str(req.marker)).evaluate(env):
            continue
        versions = pins.get(req.name.lower().replace("_", "-"), [])
        assert len(versions) == 1, f"{req.name} on Python {python}: pinned {versions} in the {group} lock(s)"
        assert req.specifier.contains(versions[0], prereleases=True), f"{req.name}=={versions[0]} is not {req}"


def test_the_locks_are_disjoint_exact_and_hashed():
    core, github = (_lock(g) for g in ("core", "github"))
    assert not {e.name for e in lock_entries(core)} & {e.name for e in lock_entries(github)}
    for text in (core, github):
        for block in text.split("\n")[2:]:
            if block and not block.startswith((" ", "#")):
                assert "==" in block, block
        entries = lock_entries(text)
        assert entries
        assert text.count("--hash=sha256:") >= len(entries)
        assert all(str(e.specifier).startswith("==") for e in entries)


def test_api_is_installed_only_when_a_token_is_given_outside_lint():
    """The install step's rule, as action.yml writes it: lint never calls the API, an empty token makes no call."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    install = action["runs"]["steps"][0]
    assert install["env"]["DEPGATE_API"] == "${{ inputs.token != '' && inputs.mode != 'lint' }}"
    assert "action_bootstrap.py\" install" in install["run"]


# -- depgate without PyGithub --------------------------------------------------------------------

_WITHOUT_PYGITHUB = textwrap.dedent("""\
    import io, json, sys
    sys.modules["github"] = None  # `import github` now raises ImportError, as in an environment without it
    from depgate.github import action
    env = json.loads(sys.argv[1])
    code = action.run(env, io.StringIO())
    print(json.dumps({"code": code, "client": "depgate.github.client" in sys.modules}))
    """)


@pytest.mark.parametrize(("mode", "token"), [("lint", "ghs_fake"), ("check", "")])
def test_depgate_runs_without_pygithub_when_no_api_call_is_made(tmp_path, mode, token):
    repo, base, head = build_repo(tmp_path / "repo", "missing")
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {**os.environ, "GITHUB_EVENT_PATH": str(write_event(runner / "event.json",
                                                                pull_request_event("missing", base, head))),
           "GITHUB_REPOSITORY": "Codertocat/Hello-World", "GITHUB_OUTPUT": str(runner / "out"),
           "GITHUB_STEP_SUMMARY": str(runner / "summary"), "RUNNER_TEMP": str(runner),
           "GITHUB_WORKSPACE": str(repo.path), "DEPGATE_MODE": mode, "DEPGATE_TOKEN": token}
    proc = subprocess.run([sys.executable, "-c", _WITHOUT_PYGITHUB, json.dumps(env)], capture_output=True,
                          text=True, check=False, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"code": 1 if mode == "check" else 0, "client": False}, proc.stderr
    assert (runner / "summary").read_text()


# -- the bootstrap's refusals --------------------------------------------------------------------


def _install(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DEPGATE_", "RUNNER_"))}
    return subprocess.run([sys.executable, "-I", str(BOOTSTRAP), "install"], env={**base, **env}, cwd=tmp_path,
                          capture_output=True, text=True, check=False, timeout=120)


def _one_error(proc: subprocess.CompletedProcess[str]) -> str:
    errors = [line for line in proc.stdout.splitlines() if line.startswith("::error")]
    assert proc.returncode == 1, proc
    assert len(errors) == 1, proc.stdout
    return errors[0]


def test_a_folder_depgate_did_not_make_is_never_wiped(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    error = _one_error(_install(tmp_path, DEPGATE_VENV=str(folder)))
    assert "is not an environment depgate made" in error
    assert "DEPGATE_VENV" in error
    assert (folder / "notes.txt").read_text() == "keep me"


def test_an_unknown_installer_is_named(tmp_path):
    error = _one_error(_install(tmp_path, DEPGATE_VENV=str(tmp_path / "env"), DEPGATE_INSTALLER="conda"))
    assert "DEPGATE_INSTALLER is 'conda'" in error
    assert not (tmp_path / "env").exists()


def test_no_place_for_the_environment(tmp_path):
    error = _one_error(_install(tmp_path))
    assert "neither DEPGATE_VENV nor RUNNER_TEMP is set" in error


def test_an_environment_with_everything_locked_is_reused_as_it_is(tmp_path):
    """The state file records the interpreter and each lock's digest; a match needs no installer at all (no uv
    on PATH here): a second depgate step in the job, or an environment restored by actions/cache."""
    venv = tmp_path / "env"
    base = getattr(sys, "_base_executable", sys.executable)  # production runs the bootstrap on a base interpreter
    subprocess.run([base, "-I", "-m", "venv", "--without-pip", str(venv)], check=True)
    interpreter = subprocess.run([base, "-I", "-c", f"import json, runpy; m = runpy.run_path({str(BOOTSTRAP)!r}); "
                                  "print(json.dumps(m['_interpreter']()))"], capture_output=True, text=True, check=True)
    digest = "sha256:" + hashlib.sha256((ROOT / "requirements" / "core.txt").read_bytes()).hexdigest()
    state = {**json.loads(interpreter.stdout), "groups": {"core": digest}}
    (venv / "depgate-env.json").write_text(json.dumps(state))
    out = tmp_path / "github-output"
    proc = subprocess.run([base, "-I", str(BOOTSTRAP), "install"], cwd=tmp_path, capture_output=True,
                          text=True, check=False, env={"PATH": "/nonexistent", "DEPGATE_VENV": str(venv),
                                                       "DEPGATE_INSTALLER": "uv", "GITHUB_OUTPUT": str(out)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "reused the environment" in proc.stdout
    assert f"python={venv}/bin/python" in out.read_text()


# -- uv's own wheel, for runners without uv -------------------------------------------------------

#: The runner platforms the locks cover, as marker environments.
_RUNNERS = {("linux", "x86_64"): "manylinux_2_17_x86_64", ("linux", "aarch64"): "manylinux_2_17_aarch64",
            ("darwin", "arm64"): "macosx_11_0_arm64", ("darwin", "x86_64"): "macosx_10_12_x86_64"}


def _uv_entries() -> list[tuple[Requirement, str]]:
    """(requirement, hash) for each line of requirements/uv.txt."""
    text = _lock("uv").replace("\\\n", " ")
    entries = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            spec, digest = line.split("--hash=sha256:")
            entries.append((Requirement(spec.strip()), digest.strip()))
    return entries


@pytest.mark.parametrize(("platform", "machine"), sorted(_RUNNERS))
def test_the_uv_lock_has_exactly_one_wheel_for_each_runner(platform, machine):
    entries = _uv_entries()
    env = {"sys_platform": platform, "platform_machine": machine}
    chosen = [(req, digest) for req, digest in entries if req.marker.evaluate(env)]
    assert len(chosen) == 1, chosen
    req, digest = chosen[0]
    assert req.name == "uv"
    assert req.url.startswith("https://files.pythonhosted.org/packages/"), req.url
    assert req.url.endswith(".whl")
    assert _RUNNERS[platform, machine] in req.url.rsplit("/", 1)[1]
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    # One uv version for every platform.
    assert len({r.url.rsplit("/", 1)[1].split("-")[1] for r, _ in entries}) == 1


@pytest.mark.parametrize(("platform", "machine"), [*sorted(_RUNNERS), ("win32", "AMD64"), ("linux", "ppc64le")])
def test_the_bootstrap_reads_the_uv_lock_as_pip_would(platform, machine):
    """The bootstrap's own reading of requirements/uv.txt (stdlib only) picks what the markers pick."""
    bootstrap = runpy.run_path(str(BOOTSTRAP))
    env = {"sys_platform": platform, "platform_machine": machine}
    wanted = [(req.url, digest) for req, digest in _uv_entries() if req.marker.evaluate(env)]
    assert bootstrap["_uv_wheel_for_this_runner"](_lock("uv"), platform, machine) == (wanted[0] if wanted else None)


def test_no_uv_wheel_is_chosen_where_the_locks_do_not_run():
    for env in ({"sys_platform": "win32", "platform_machine": "AMD64"},
                {"sys_platform": "linux", "platform_machine": "ppc64le"}):
        assert [req for req, _ in _uv_entries() if req.marker.evaluate(env)] == []


def test_the_uv_lock_addresses_each_file_by_its_digest_on_the_file_host():
    tool = _lock_tool()
    files = []
    for _, tag in tool.UV_WHEELS:
        name = f"uv-1.2.3-py3-none-{tag}.whl"
        digest = hashlib.sha256(name.encode()).hexdigest()
        files.append({"filename": name, "digests": {"sha256": digest, "blake2b_256": digest[::-1]}})
    text = tool.uv_lock_text("1.2.3", files)
    for entry in files:
        blake = entry["digests"]["blake2b_256"]
        url = f"{tool.FILE_HOST}/{blake[:2]}/{blake[2:4]}/{blake[4:]}/{entry['filename']}"
        assert f"uv @ {url} ; " in text
        assert f"--hash=sha256:{entry['digests']['sha256']}" in text
    with pytest.raises(ValueError, match="macosx_11_0_arm64"):
        tool.uv_lock_text("1.2.3", [f for f in files if "macosx_11_0_arm64" not in f["filename"]])


@pytest.fixture(scope="module")
def offline_wheels(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The core lock's wheels and uv's, from this test environment, with locks pinning them."""
    folder = tmp_path_factory.mktemp("wheels")
    return folder, build_wheelhouse(folder, groups=("core",))


def _offline_install(tmp_path: Path, wheels: tuple[Path, dict[str, str]], uv_text: str | None = None,
                     **env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the bootstrap's install from a copy of the action locked to `wheels`, with no uv on PATH."""
    action = tmp_path / "action"
    shutil.copytree(ROOT / "scripts", action / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    (action / "requirements").mkdir()
    for group, text in {**wheels[1], "uv": uv_text or wheels[1]["uv"]}.items():
        (action / "requirements" / f"{group}.txt").write_text(text, encoding="utf-8")
    path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and not (Path(p) / "uv").exists()]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DEPGATE_", "RUNNER_", "PIP_", "UV_"))}
    venv = tmp_path / "env"
    full = {**base, "PATH": os.pathsep.join(path), "DEPGATE_VENV": str(venv), "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheels[0]), "PIP_NO_CACHE_DIR": "1", "UV_NO_INDEX": "1",
            "UV_FIND_LINKS": str(wheels[0]), "UV_NO_CACHE": "1", **env}
    interpreter = getattr(sys, "_base_executable", sys.executable)  # the runner's python3, as in production
    proc = subprocess.run([interpreter, "-I", str(action / "scripts" / "action_bootstrap.py"), "install"],
                          env=full, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=300)
    return proc, venv


#: A marker for a platform the test never runs on.
_WINDOWS = "sys_platform == 'win32' and platform_machine == 'AMD64'"


def _imports_yaml(venv: Path) -> bool:
    return subprocess.run([str(venv / "bin" / "python"), "-I", "-c", "import yaml, jinja2, griffe"],
                          capture_output=True, check=False).returncode == 0


def test_without_uv_on_path_uv_comes_from_its_locked_wheel(tmp_path, offline_wheels):
    proc, venv = _offline_install(tmp_path, offline_wheels)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "installed core with uv from its wheel)" in proc.stdout, proc.stdout
    assert "::error" not in proc.stdout
    assert _imports_yaml(venv)
    assert not (venv / "depgate-uv").exists()  # not kept: a cached environment stays small


def test_no_uv_wheel_for_this_platform_means_pip_installs_everything(tmp_path, offline_wheels):
    wheel = next(offline_wheels[0].glob("uv-*.whl"))
    proc, venv = _offline_install(tmp_path, offline_wheels, uv_lock(wheel, _WINDOWS))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "requirements/uv.txt has no uv wheel for this platform; installing with pip instead" in proc.stdout
    assert "installed core with pip)" in proc.stdout
    assert _imports_yaml(venv)


def test_a_uv_wheel_that_is_not_the_locked_file_is_not_used(tmp_path, offline_wheels):
    """A wrong hash for uv's wheel: it never runs; depgate says so and pip installs the locks (hash-checked)."""
    wheel = next(offline_wheels[0].glob("uv-*.whl"))
    text = uv_lock(wheel)
    digest = re.search(r"sha256:([0-9a-f]{64})", text).group(1)
    proc, venv = _offline_install(tmp_path, offline_wheels, text.replace(digest, digest[::-1]))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (f"uv's wheel from {wheel.resolve().as_uri()} does not match its hash in requirements/uv.txt; "
            "installing with pip instead") in proc.stdout
    assert "installed core with pip)" in proc.stdout
    assert not (venv / "depgate-uv").exists()
    assert _imports_yaml(venv)


def test_uv_forced_without_uv_or_its_wheel_is_one_error(tmp_path, offline_wheels):
    wheel = next(offline_wheels[0].glob("uv-*.whl"))
    proc, _ = _offline_install(tmp_path, offline_wheels, uv_lock(wheel, _WINDOWS),
                               DEPGATE_INSTALLER="uv")
    error = _one_error(proc)
    assert "DEPGATE_INSTALLER is uv, uv is not on PATH and requirements/uv.txt has no uv wheel" in error


@pytest.mark.parametrize(("env", "how"), [({"PIP_INDEX_URL": "file:///nonexistent/simple"}, "pip"),
                                          ({"DEPGATE_INSTALLER": "pip"}, "pip")])
def test_a_mirror_or_a_forced_pip_keeps_pip_for_everything(tmp_path, offline_wheels, env, how):
    """uv's wheel is locked to PyPI's file host: with a mirror set for pip, pip installs everything from it."""
    proc, venv = _offline_install(tmp_path, offline_wheels, **env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"installed core with {how})" in proc.stdout
    assert "uv" not in proc.stdout
    assert _imports_yaml(venv)
