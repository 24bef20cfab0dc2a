"""Benchmark `depgate check` against `griffe check` on the same base/head pairs.

It generates a synthetic d9d-like package (`__all__` re-exports in every `__init__`, ABC strategy bases, a
parallelism group) at two sizes, 1x (about 300 modules) and 10x (about 3,000 modules), each in its own
temporary git repository with the *same* small API diff between two commits, then times:

- `depgate check --repo R --base B --head H --format json` in a subprocess (or, with `--driver`, a small
  driver calling `Git.changed_files` + `depgate.api.analyze`, for when `check` is unavailable);
- `griffe check d9d -a B -b H -s R -X` in a subprocess (griffe's own breaking-change check, static only).

Runs of the two sizes are interleaved so a shared machine's noise hits both alike.
Wall time is the median (and minimum) of `--runs` runs; peak RSS is the largest `ru_maxrss` of the child processes
(`os.wait4`). Results are printed as a table and written to `bench/out/results.json` (or
`results-driver.json` with `--driver`).

Usage:
    python bench/bench_check.py            # both sizes, 5 runs each
    python bench/bench_check.py --runs 3 --sizes 1 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
PACKAGES_PER_GROUP = 6
MODULES_PER_PACKAGE = 4  # plus the package's __init__: 5 files per package
GROUPS_1X = 10  # 10 groups x 6 packages x 5 files = 300 modules (+ group inits)

_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}


def _git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, env=_ENV, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def _module_source(g: int, p: int, m: int) -> str:
    """One module: a config class, an ABC-derived strategy, a couple of functions."""
    n = f"G{g}P{p}M{m}"
    return f'''"""Module {n}."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from d9d.module.parallelism.base import ParallelStrategy


@dataclass
class {n}State:
    """Internal state."""

    step: int = 0
    scale: float = 1.0


class {n}Strategy(ParallelStrategy):
    """A strategy."""

    def __init__(self, mesh, bucket_mb: int = 25, *, overlap: bool = True):
        self.mesh = mesh
        self.bucket_mb = bucket_mb

    def apply(self, model, *, compile: bool = False):
        return model

    def forward(self, x, y=None):
        return x


class {n}Base(abc.ABC):
    @abc.abstractmethod
    def run(self, batch): ...

    def describe(self) -> str:
        return "{n}"


def build_{n.lower()}(name: str, mesh, *, dtype: str = "bf16", seed: int = 0):
    """Build it."""
    return {n}Strategy(mesh)


def _helper_{n.lower()}(x):
    return x
'''


def _package_init(g: int, p: int) -> str:
    lines, names = [], []
    for m in range(MODULES_PER_PACKAGE):
        n = f"G{g}P{p}M{m}"
        lines.append(f"from .mod{m} import {n}Base, {n}State, {n}Strategy, build_{n.lower()}")
        names += [f"{n}Base", f"{n}State", f"{n}Strategy", f"build_{n.lower()}"]
    body = "\n".join(lines)
    return f'"""Package {g}.{p}."""\n\n{body}\n\n__all__ = {sorted(names)!r}\n'


def _group_init(g: int) -> str:
    # Each group re-exports its first module's strategy from every package, as d9d's aggregating packages do.
    lines = [f"from .pkg{p} import G{g}P{p}M0Strategy" for p in range(PACKAGES_PER_GROUP)]
    names = [f"G{g}P{p}M0Strategy" for p in range(PACKAGES_PER_GROUP)]
    return f'"""Group {g}."""\n\n' + "\n".join(lines) + f"\n\n__all__ = {names!r}\n"


def generate(root: Path, groups: int) -> int:
    """Write the package; return the number of modules."""
    files: dict[str, str] = {
        "d9d/__init__.py": '"""d9d."""\n\nfrom .module.parallelism import ParallelStrategy\n\n'
                           '__all__ = ["ParallelStrategy"]\n',
        "d9d/module/__init__.py": '__all__ = []\n',
        "d9d/module/parallelism/__init__.py": "from .base import ParallelStrategy\n\n__all__ = ['ParallelStrategy']\n",
        "d9d/module/parallelism/base.py": "import abc\n\n\nclass ParallelStrategy(abc.ABC):\n"
                                          "    @abc.abstractmethod\n    def apply(self, model): ...\n",
    }
    for g in range(groups):
        files[f"d9d/group{g}/__init__.py"] = _group_init(g)
        for p in range(PACKAGES_PER_GROUP):
            files[f"d9d/group{g}/pkg{p}/__init__.py"] = _package_init(g, p)
            for m in range(MODULES_PER_PACKAGE):
                files[f"d9d/group{g}/pkg{p}/mod{m}.py"] = _module_source(g, p, m)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return len(files)


def apply_diff(root: Path) -> None:
    """The same small API change at every size: a removed parameter, a changed default, a new ABC."""
    mod = root / "d9d/group3/pkg2/mod1.py"
    text = mod.read_text()
    text = text.replace('def build_g3p2m1(name: str, mesh, *, dtype: str = "bf16", seed: int = 0):',
                        'def build_g3p2m1(name: str, *, dtype: str = "fp32", seed: int = 0):')
    text = text.replace("return G3P2M1Strategy(mesh)", "return G3P2M1Strategy(None)")
    text += "\n\nclass Offloader(abc.ABC):\n    @abc.abstractmethod\n    def offload(self, t): ...\n"
    mod.write_text(text)
    init = root / "d9d/group3/pkg2/__init__.py"
    text = init.read_text().replace("from .mod1 import", "from .mod1 import Offloader,")
    init.write_text(text.replace("__all__ = [", "__all__ = ['Offloader', "))
    (root / "README.md").write_text("docs change too\n")


def build_repo(root: Path, groups: int) -> tuple[str, str, int]:
    """Create the repository with the base and head commits."""
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    modules = generate(root, groups)
    (root / "README.md").write_text("bench\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    base = _git(root, "rev-parse", "HEAD")
    apply_diff(root)
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "feat: change")
    return base, _git(root, "rev-parse", "HEAD"), modules


_DRIVER = """
import sys
from depgate.api import analyze
from depgate.config import ApiConfig
from depgate.git import Git
git = Git(sys.argv[1])
diff = analyze(git, sys.argv[2], sys.argv[3], git.changed_files(sys.argv[2], sys.argv[3]), ApiConfig())
print(diff.modules_analysed, *(f"{c.code} {c.symbol}" for c in diff.changes))
"""


def _run_measured(cmd: list[str], cwd: Path) -> tuple[float, float, int, str]:
    """Run a command with `os.wait4` so its own peak RSS is known."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=_ENV)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux.
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, text


def _commands(repo: Path, base: str, head: str, driver: bool) -> dict[str, list[str]]:
    if driver:
        depgate_cmd = [sys.executable, "-c", _DRIVER, str(repo), base, head]
    else:
        depgate_cmd = [str(VENV_BIN / "depgate"), "check", "--repo", str(repo), "--base", base, "--head", head,
                       "--format", "json"]
    # NOTE: the search path must be relative (run from the repository): griffe resolves it inside the
    # worktrees it creates for each revision; an absolute path would load the current files twice.
    griffe_cmd = [str(VENV_BIN / "griffe"), "check", "d9d", "-a", base, "-b", head, "-s", ".", "-X",
                  "-f", "oneline"]
    return {"depgate": depgate_cmd, "griffe": griffe_cmd}


def bench(sizes: list[int], runs: int, workdir: Path, driver: bool) -> list[dict]:
    """Build one repository per size, then time every command, interleaving sizes run by run.

    Interleaving spreads the noise of a shared machine evenly over the sizes being compared.
    """
    setups = []
    for size in sizes:
        repo = workdir / f"repo{size}x"
        base, head, modules = build_repo(repo, GROUPS_1X * size)
        setups.append((size, repo, modules, _commands(repo, base, head, driver)))
    samples: dict[tuple[int, str], list[tuple[float, float, int, str]]] = {}
    for label in ("depgate", "griffe"):
        for _ in range(runs):
            for size, repo, _modules, cmds in setups:
                samples.setdefault((size, label), []).append(_run_measured(cmds[label], repo))
    rows = []
    for size, _repo, modules, cmds in setups:
        row: dict = {"size": size, "modules": modules, "depgate_cmd": " ".join(cmds["depgate"][:2])}
        for label in ("depgate", "griffe"):
            got = samples[(size, label)]
            times = [g[0] for g in got]
            out = got[-1][3]
            row[label] = {"median_s": statistics.median(times), "min_s": min(times),
                          "peak_rss_mib": max(g[1] for g in got), "exit_codes": sorted({g[2] for g in got}),
                          "saw_change": all("build_g3p2m1" in g[3] for g in got), "output_head": out[:200]}
            # Both tools must have seen the change, or the timing compares nothing.
            if not row[label]["saw_change"]:
                raise SystemExit(f"{label} did not report the change: {out[:300]!r}")
        row["ratio"] = row["griffe"]["median_s"] / row["depgate"]["median_s"]
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per command and size (median reported)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10], help="package sizes, in multiples of 1x")
    parser.add_argument("--driver", action="store_true", help="time a driver calling analyze() instead of `check`")
    parser.add_argument("--keep", action="store_true", help="keep the generated repositories")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="depgate-bench-"))
    try:
        rows = bench(args.sizes, args.runs, workdir, args.driver)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    first, last = rows[0], rows[-1]
    growth = last["depgate"]["median_s"] / first["depgate"]["median_s"]
    growth_min = last["depgate"]["min_s"] / first["depgate"]["min_s"]
    print(f"{'size':>5} {'modules':>8} {'depgate s':>10} {'(min)':>6} {'griffe s':>9} {'ratio':>6} "
          f"{'depgate MiB':>12} {'griffe MiB':>11}")
    for row in rows:
        print(f"{row['size']:>4}x {row['modules']:>8} {row['depgate']['median_s']:>10.3f} "
              f"{row['depgate']['min_s']:>6.3f} {row['griffe']['median_s']:>9.3f} {row['ratio']:>5.1f}x "
              f"{row['depgate']['peak_rss_mib']:>12.1f} {row['griffe']['peak_rss_mib']:>11.1f}")
    print(f"depgate growth {first['size']}x -> {last['size']}x: {growth:.2f}x (medians), {growth_min:.2f}x (minimums)")
    out_dir = HERE / "out"
    out_dir.mkdir(exist_ok=True)
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": platform.platform(),
              "cpus": os.cpu_count(), "python": platform.python_version(), "runs": args.runs,
              "growth": growth, "growth_min": growth_min, "rows": rows}
    report["mode"] = "driver" if args.driver else "check"
    name = "results-driver.json" if args.driver else "results.json"
    (out_dir / name).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
