"""Scale benchmark: `depgate check` at 1x, 10x and 50x d9d's size, and `depgate audit` over a long history.

For each size (`--sizes`, multiples of 1x = 314 files), `synth.build_check_repo` writes one repository with
three commits: the package (base), the same small API diff as `bench_check.py` (small), and every Python
file reformatted without changing its syntax tree (large: exploded signatures with trailing commas, single
quotes). It then times, as subprocesses:

- `depgate check --base base --head small --format json` (must report the removed parameter, the changed
  default and the new ABC);
- `depgate check --base small --head large --format json` (must report no API change at all);
- `griffe check d9d -a base -b small -s . -X` on the small diff, side by side, killed after
  `--griffe-timeout` seconds (reported as "> N s").

Then `synth.build_history` writes a repository with the 1x package and `--commits` first-parent commits
shaped like merged pull requests, and times `depgate audit --range base..head` over it (commits per second).

Wall time: median and minimum of `--runs` runs; peak RSS: the child's own `ru_maxrss` (`os.wait4`).
Results are printed and written to `bench/out/scale.json`.

Usage:
    python bench/bench_scale.py                       # 1x, 10x, 50x; 5 runs; audit of 1,000 commits
    python bench/bench_scale.py --sizes 1 10 --runs 3 --commits 200 --griffe-timeout 60
    python bench/bench_scale.py --no-griffe --audit-size 10
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from measure import run_measured, summary

HERE = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent


def depgate_cmd() -> list[str]:
    """The installed `depgate` script next to this Python, else `python -m depgate`."""
    script = VENV_BIN / "depgate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "depgate"]


def _check(repo: Path, base: str, head: str) -> list[str]:
    return [*depgate_cmd(), "check", "--repo", str(repo), "--base", base, "--head", head, "--format", "json"]


def _verify_small(out: str) -> None:
    report = json.loads(out)
    symbols = " ".join(json.dumps(c) for c in report["changes"])
    if report["counts"]["breaking"] < 2 or "build_g3p2m1" not in symbols or "Offloader" not in symbols:
        raise SystemExit(f"depgate check missed the small diff: {out[:400]!r}")


def _verify_large(out: str) -> dict:
    report = json.loads(out)
    got = {"changes": len(report["changes"]), "problems": len(report["problems"]), "verdict": report["verdict"]}
    if got["changes"] or got["problems"] or report["verdict"] != "not-required":
        raise SystemExit(f"depgate check found API changes in a reformat: {out[:400]!r}")
    return got


def bench_check(size: int, runs: int, workdir: Path, griffe_timeout: float, griffe: bool) -> dict:
    """Time the small and the large diff (and griffe on the small one) at one size."""
    repo = workdir / f"check{size}x"
    start = time.perf_counter()
    info = synth.build_check_repo(repo, synth.GROUPS_1X * size)
    row: dict = {"size": size, "modules": info["modules"], "reformatted": info["reformatted"],
                 "build_s": time.perf_counter() - start}
    small, large = [], []
    for _ in range(runs):  # interleaved, so a shared machine's noise hits both alike
        small.append(run_measured(_check(repo, info["base"], info["small"]), repo, synth.GIT_ENV))
        large.append(run_measured(_check(repo, info["small"], info["large"]), repo, synth.GIT_ENV))
    for sample in small:
        _verify_small(sample.output)
    for sample in large:
        row["large_result"] = _verify_large(sample.output)
    row["small"], row["large"] = summary(small), summary(large)
    row["large_over_small"] = row["large"]["median_s"] / row["small"]["median_s"]
    if griffe:
        cmd = [str(VENV_BIN / "griffe"), "check", "d9d", "-a", info["base"], "-b", info["small"], "-s", ".", "-X",
               "-f", "oneline"]
        sample = run_measured(cmd, repo, synth.GIT_ENV, timeout=griffe_timeout)
        row["griffe"] = summary([sample])
        if not sample.timed_out and "build_g3p2m1" not in sample.output:
            raise SystemExit(f"griffe did not report the change: {sample.output[:300]!r}")
    return row


def bench_audit(size: int, commits: int, workdir: Path, runs: int) -> dict:
    """Time `depgate audit` over a generated history."""
    repo = workdir / f"history{size}x"
    start = time.perf_counter()
    info = synth.build_history(repo, synth.GROUPS_1X * size, commits)
    row: dict = {"size": size, "modules": info["modules"], "commits": info["commits"], "kinds": info["kinds"],
                 "build_s": time.perf_counter() - start}
    out = workdir / "audit.jsonl"
    cmd = [*depgate_cmd(), "audit", "--repo", str(repo), "--range", f"{info['base']}..{info['head']}",
           "--output", str(out), "--progress", "0"]
    samples = [run_measured(cmd, repo, synth.GIT_ENV) for _ in range(runs)]
    if any(s.code != 0 for s in samples):
        raise SystemExit(f"depgate audit failed: {samples[-1].output[:400]!r}")
    records = [json.loads(line) for line in out.read_text().splitlines()]
    if len(records) != info["commits"]:
        raise SystemExit(f"depgate audit recorded {len(records)} commits of {info['commits']}")
    verdicts: dict[str, int] = {}
    for record in records:
        key = "error" if "error" in record else record["verdict"]
        verdicts[key] = verdicts.get(key, 0) + 1
    row["audit"] = summary(samples)
    row["verdicts"] = verdicts
    row["commits_per_s"] = info["commits"] / row["audit"]["median_s"]
    return row


def _griffe_text(row: dict, timeout: float) -> str:
    if "griffe" not in row:
        return "-"
    g = row["griffe"]
    return f"> {timeout:.0f} s" if g["timed_out"] else f"{g['median_s']:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 50], help="package sizes, multiples of 1x")
    parser.add_argument("--runs", type=int, default=5, help="runs of each depgate check (median and minimum)")
    parser.add_argument("--griffe-timeout", type=float, default=300, help="kill griffe check after this many s")
    parser.add_argument("--no-griffe", action="store_true", help="do not run griffe check")
    parser.add_argument("--commits", type=int, default=1000, help="commits in the audited history (0: no audit)")
    parser.add_argument("--audit-size", type=int, default=1, help="package size of the audited history")
    parser.add_argument("--audit-runs", type=int, default=1, help="runs of depgate audit")
    parser.add_argument("--keep", action="store_true", help="keep the generated repositories (path printed)")
    parser.add_argument("--json", type=Path, default=HERE / "out" / "scale.json", help="where to write the results")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="depgate-scale-"))
    rows, audit = [], None
    try:
        for size in args.sizes:
            rows.append(bench_check(size, args.runs, workdir, args.griffe_timeout, not args.no_griffe))
            print(f"{size}x done", file=sys.stderr)
        if args.commits:
            audit = bench_audit(args.audit_size, args.commits, workdir, args.audit_runs)
    finally:
        if args.keep:
            print(f"repositories kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"{'size':>5} {'modules':>8} {'small s':>8} {'(min)':>6} {'MiB':>6} {'large s':>8} {'(min)':>6} {'MiB':>6} "
          f"{'large/small':>11} {'griffe small':>12} {'griffe MiB':>10}")
    for r in rows:
        g_rss = f"{r['griffe']['peak_rss_mib']:.0f}" if "griffe" in r else "-"
        print(f"{r['size']:>4}x {r['modules']:>8} {r['small']['median_s']:>8.3f} {r['small']['min_s']:>6.3f} "
              f"{r['small']['peak_rss_mib']:>6.1f} {r['large']['median_s']:>8.3f} {r['large']['min_s']:>6.3f} "
              f"{r['large']['peak_rss_mib']:>6.1f} {r['large_over_small']:>10.2f}x "
              f"{_griffe_text(r, args.griffe_timeout):>12} {g_rss:>10}")
    if len(rows) > 1:
        print(f"small diff {rows[0]['size']}x -> {rows[-1]['size']}x: "
              f"{rows[-1]['small']['median_s'] / rows[0]['small']['median_s']:.2f}x (medians)")
    if audit is not None:
        a = audit["audit"]
        print(f"audit: {audit['commits']} commits at {audit['size']}x in {a['median_s']:.2f} s "
              f"({audit['commits_per_s']:.1f} commits/s), peak RSS {a['peak_rss_mib']:.1f} MiB; "
              f"verdicts {audit['verdicts']}; commit kinds {audit['kinds']}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": platform.platform(),
        "cpus": os.cpu_count(), "python": platform.python_version(), "runs": args.runs,
        "griffe_timeout": args.griffe_timeout, "check": rows, "audit": audit}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
