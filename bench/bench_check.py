"""Benchmark `depgate check` against `griffe check` on the same base/head pairs.

It generates a synthetic d9d-like package (`synth.py`: `__all__` re-exports in every `__init__`, ABC strategy bases, a
parallelism group) at two sizes, 1x (about 300 modules) and 10x (about 3,000 modules), each in its own
temporary git repository with the *same* small API diff between two commits, then times:

- `depgate check --repo R --base B --head H --format json` in a subprocess (or, with `--driver`, a small
  driver calling `Git.changed_files` + `depgate.api.analyze`, for when `check` is unavailable);
- `griffe check d9d -a B -b H -s R -X` in a subprocess (griffe's own breaking-change check, static only).

Runs of the two sizes are interleaved so a shared machine's noise hits both alike.
Wall time is the median (and minimum) of `--runs` runs; peak RSS is the command's own, from GNU time
(`measure.run_measured`). Results are printed as a table and written to `bench/out/results.json` (or
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
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402 - the generator shared with bench_scale.py
from measure import run_measured  # noqa: E402
from synth import GIT_ENV as _ENV  # noqa: E402
from synth import GROUPS_1X  # noqa: E402


def build_repo(root: Path, groups: int) -> tuple[str, str, int]:
    """Create the repository with the base and head commits (`synth.build_check_repo`'s first two)."""
    info = synth.build_check_repo(root, groups)
    return info["base"], info["small"], info["modules"]


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
    """Run a command; its wall time, own peak RSS (MiB), exit code and output (`measure.run_measured`)."""
    sample = run_measured(cmd, cwd, _ENV)
    return sample.seconds, sample.rss_mib, sample.code, sample.output


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
