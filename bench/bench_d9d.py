"""Benchmark `depgate check` against `griffe check` on real pairs of d9d's history.

`bench_check.py` and `bench_scale.py` time a synthetic package; this one times the real one. Given a d9d clone,
it takes the `--pairs` most recent first-parent commits of `--branch` that change a Python file of the package
(each against its first parent), or the pairs given with `--pair BASE..HEAD`, and times, interleaved run by run
and pair by pair (the order of the tools alternates from one run to the next):

- `depgate check --repo R --base B --head H --format json` (the real command);
- `griffe check d9d -a B -b H -s . -X`, run from the clone (griffe's static breaking-change check; it checks
  out both revisions into temporary git worktrees, which is part of its cost);
- the floor: a driver, run with the venv's interpreter and timed inside it (no interpreter start-up), doing
  the least any static checker has to do: one `git diff --raw` for the package's changed `.py` files, one
  `git cat-file --batch` for their blobs at both revisions, and `ast.parse` of each.

Both commands are the venv's own executables (`--venv`, default `/work/main/.venv`), so an older depgate can be
timed from its own venv (`--venv /tmp/venv-before`; it needs `griffe` installed there too). The children run
without `PYTHONDONTWRITEBYTECODE` (each would otherwise recompile what it imports), `PYTHONPATH`,
`PYTHONHOME` and `PYTHONSTARTUP` (which could make a venv import someone else's code); the rest of the
environment is passed on, and `--env KEY=VALUE` sets a variable for every child (`--env DEPGATE_CACHE=off` times
depgate cold, parsing every file on every run); the table's heading names the variables set. Nothing here needs
the network. `griffe check` adds and removes worktrees and `griffe-<sha>` branches in the repository, so give it a
clone, not a mirror you care about.

Per pair: min and median wall time of each tool, the ratios griffe/depgate (of the minimums and of the
medians), peak RSS (`measure.run_measured`), what depgate decided and how many lines griffe printed. The table
(Markdown) goes to stdout and `--markdown FILE`; everything to `--json FILE`. The load average is printed
before and after: the machine is shared.

Usage:
    python bench/bench_d9d.py --repo /tmp/d9d                          # 8 most recent pairs, 5 runs
    python bench/bench_d9d.py --repo /tmp/d9d --venv /tmp/venv-before --markdown /tmp/bench.md
    python bench/bench_d9d.py --repo /tmp/d9d --pair e6374be^..e6374be --pair 92d6e0e^..92d6e0e --runs 3
    python bench/bench_d9d.py --repo /tmp/d9d --env DEPGATE_CACHE=off --markdown /tmp/bench-cold.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import Sample, run_measured  # noqa: E402

#: Variables removed from the children's environment (see the module docstring).
_DROPPED_ENV = ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")

#: The floor, run with the venv's interpreter: argv = repo, base, head, package; prints one JSON object.
_FLOOR = r"""
import ast, json, subprocess, sys, time
repo, base, head, package = sys.argv[1:5]
start = time.perf_counter()
raw = subprocess.run(["git", "-C", repo, "diff", "--raw", "-z", "--no-abbrev", "--no-renames", base, head, "--",
                      f":(glob){package}/**/*.py"], capture_output=True, check=True).stdout
fields = raw.split(b"\0")
blobs = []
for meta, path in zip(fields[0::2], fields[1::2]):
    for oid in meta.split()[2:4]:  # ":old_mode new_mode old_oid new_oid status"
        if oid.strip(b"0"):  # all zeros: the file is absent on that side
            blobs.append((oid, path))
out = subprocess.run(["git", "-C", repo, "cat-file", "--batch"], input=b"".join(o + b"\n" for o, _ in blobs),
                     capture_output=True, check=True).stdout
pos = parsed = size_total = failed = 0
for _oid, path in blobs:
    eol = out.index(b"\n", pos)
    size = int(out[pos:eol].split()[2])
    source = out[eol + 1:eol + 1 + size]
    pos = eol + 2 + size
    size_total += size
    try:
        ast.parse(source, filename=path.decode("utf-8", "replace"))
        parsed += 1
    except (SyntaxError, ValueError):
        failed += 1
print(json.dumps({"seconds": time.perf_counter() - start, "files": len(fields) // 2, "blobs": len(blobs),
                  "parsed": parsed, "failed": failed, "bytes": size_total}))
"""

_INFO = r"""
import importlib.metadata as md, json, platform
def info(name):
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return None
    return {"version": dist.version, "direct_url": json.loads(dist.read_text("direct_url.json") or "null")}
print(json.dumps({"python": platform.python_version(), "depgate": info("depgate"), "griffe": info("griffe"),
                  "griffelib": info("griffelib")}))
"""


@dataclass
class Pair:
    """One base/head pair: full commit ids, the head's title and the package's changed `.py` files."""

    base: str
    head: str
    title: str
    files: int
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    floor: list[dict] = field(default_factory=list)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(extra or {})
    return env


def parse_env(specs: list[str]) -> dict[str, str]:
    """The `--env KEY=VALUE` options as a mapping; a malformed one stops the run with its text."""
    env: dict[str, str] = {}
    for spec in specs:
        key, sep, value = spec.partition("=")
        if not sep or not key or key in _DROPPED_ENV:
            raise SystemExit(f"--env {spec!r}: expected KEY=VALUE with a KEY other than {', '.join(_DROPPED_ENV)}")
        env[key] = value
    return env


def _count_files(repo: Path, base: str, head: str, package: str) -> int:
    names = _git(repo, "diff", "--name-only", "-z", base, head, "--", f":(glob){package}/**/*.py")
    return len([n for n in names.split("\0") if n])


def pick_pairs(repo: Path, branch: str, count: int, package: str) -> list[Pair]:
    """The `count` most recent first-parent commits of `branch` changing a `.py` file of `package`.

    With `--first-parent` and a path, git keeps the commits whose tree differs from their first parent's in
    those paths, which is the diff each merged pull request brought. A root commit has no base and is skipped.
    """
    out = _git(repo, "log", "--first-parent", "--format=%H %P%x00%s", branch, "--",
               f":(glob){package}/**/*.py")
    pairs: list[Pair] = []
    for line in out.splitlines():
        ids, _, title = line.partition("\0")
        head, *parents = ids.split()
        if not parents:
            continue
        pairs.append(Pair(parents[0], head, title, _count_files(repo, parents[0], head, package)))
        if len(pairs) == count:
            break
    return pairs


def given_pair(repo: Path, spec: str, package: str) -> Pair:
    """A `--pair BASE..HEAD`, resolved to full commit ids."""
    base, sep, head = spec.partition("..")
    if not sep or not base or not head:
        raise SystemExit(f"--pair {spec!r}: expected BASE..HEAD (e.g. e6374be^..e6374be)")
    try:
        base_id, head_id = (_git(repo, "rev-parse", "--verify", "--end-of-options", f"{rev}^{{commit}}").strip()
                            for rev in (base, head))
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"--pair {spec!r}: {exc.stderr.strip()}") from exc
    title = _git(repo, "log", "-1", "--format=%s", head_id).strip()
    return Pair(base_id, head_id, title, _count_files(repo, base_id, head_id, package))


def _commands(venv: Path, repo: Path, pair: Pair, package: str) -> dict[str, list[str]]:
    bin_dir = venv / "bin"
    return {
        "depgate": [str(bin_dir / "depgate"), "check", "--repo", str(repo), "--base", pair.base, "--head", pair.head,
                    "--format", "json"],
        # NOTE: the search path must be relative (run from the clone): griffe resolves it inside its worktrees.
        "griffe": [str(bin_dir / "griffe"), "check", package, "-a", pair.base, "-b", pair.head, "-s", ".", "-X"],
        "floor": [str(bin_dir / "python"), "-c", _FLOOR, str(repo), pair.base, pair.head, package],
    }


def _griffe_cleanup(repo: Path, pair: Pair) -> None:
    """After a killed `griffe check`: drop its worktrees and `griffe-<ref>` branches, or the next run fails."""
    subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True, check=False)
    for ref in (pair.base, pair.head):
        subprocess.run(["git", "-C", str(repo), "branch", "-D", f"griffe-{ref}"], capture_output=True, check=False)


def run_pairs(pairs: list[Pair], venv: Path, repo: Path, package: str, runs: int, timeout: float,
              extra_env: dict[str, str] | None = None) -> None:
    """Time every tool on every pair, `runs` times, interleaved; the samples are stored on the pairs."""
    env = _child_env(extra_env)
    commands = [_commands(venv, repo, pair, package) for pair in pairs]
    for run in range(runs):
        # Alternating the order spreads whatever the previous tool left warm (page cache, git's) over both.
        order = ("depgate", "griffe", "floor") if run % 2 == 0 else ("griffe", "depgate", "floor")
        for pair, cmds in zip(pairs, commands, strict=True):
            for tool in order:
                sample = run_measured(cmds[tool], repo, env, timeout=timeout)
                if tool == "floor":
                    if sample.code != 0:
                        raise SystemExit(f"the floor driver failed on {pair.head[:12]}: {sample.output[-600:]}")
                    pair.floor.append(json.loads(sample.output))
                elif sample.timed_out and tool == "griffe":
                    _griffe_cleanup(repo, pair)
                pair.samples.setdefault(tool, []).append(sample)
        print(f"bench_d9d: run {run + 1}/{runs} done, load average {_load()}", file=sys.stderr)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _depgate_result(sample: Sample) -> dict:
    """What depgate decided, from its JSON report; `error` when it did not produce one."""
    if sample.code not in (0, 1):
        return {"error": f"exit {sample.code}: {sample.output[-300:]}"}
    try:
        report = json.loads(sample.output)
    except json.JSONDecodeError:
        return {"error": f"not JSON: {sample.output[:300]}"}
    return {"verdict": report["verdict"], "changes": len(report["changes"]),
            "modules": report["analysis"]["modules_analysed"]}


def _griffe_result(sample: Sample) -> dict:
    """griffe exits 1 when it found breakages; anything else but 0 is a failure."""
    if sample.timed_out:
        return {"error": "timed out"}
    if sample.code not in (0, 1):
        return {"error": f"exit {sample.code}: {sample.output[-300:]}"}
    return {"lines": len([line for line in sample.output.splitlines() if line.strip()])}


def summarize(pair: Pair) -> dict:
    """Min and median per tool, the griffe/depgate ratios, and the tools' results of the last run."""
    row: dict = {"base": pair.base, "head": pair.head, "title": pair.title, "files": pair.files}
    for tool in ("depgate", "griffe"):
        got = pair.samples[tool]
        ok = [s.seconds for s in got if not s.timed_out]
        row[tool] = {"min_s": min(ok) if ok else float("nan"),
                     "median_s": statistics.median(ok) if ok else float("nan"),
                     "peak_rss_mib": max(s.rss_mib for s in got), "exit_codes": sorted({s.code for s in got}),
                     "timed_out": sum(s.timed_out for s in got)}
    row["depgate"]["result"] = _depgate_result(pair.samples["depgate"][-1])
    row["griffe"]["result"] = _griffe_result(pair.samples["griffe"][-1])
    floors = [f["seconds"] for f in pair.floor]
    row["floor"] = {"min_s": min(floors), "median_s": statistics.median(floors),
                    **{k: pair.floor[-1][k] for k in ("blobs", "parsed", "failed", "bytes")}}
    row["ratio_min"] = row["griffe"]["min_s"] / row["depgate"]["min_s"]
    row["ratio_median"] = row["griffe"]["median_s"] / row["depgate"]["median_s"]
    return row


def _cell(tool: dict) -> str:
    return f"{tool['median_s']:.3f} ({tool['min_s']:.3f})"


def render(rows: list[dict], meta: dict) -> str:
    """The Markdown table, with the setup and the load averages."""
    lines = [
        f"`depgate check` vs `griffe check` on d9d, {meta['date']}: venv `{meta['venv']}` (Python "
        f"{meta['venv_info']['python']}, depgate {(meta['venv_info']['depgate'] or {}).get('version')}, griffe "
        f"{(meta['venv_info']['griffe'] or {}).get('version')}), {meta['cpus']} CPUs, {meta['runs']} runs per "
        f"tool and pair, load average {meta['load_before']} before, {meta['load_after']} after"
        + (f"; environment: {', '.join(f'`{k}={v}`' for k, v in meta['env'].items())}" if meta.get("env") else "")
        + ".",
        "",
        "Seconds: median (minimum). Ratio: griffe / depgate, of the medians and of the minimums. Floor: git diff +"
        " one `cat-file --batch` + `ast.parse` of the changed files at both revisions, timed in-process.",
        "",
        "| head | title | .py files | depgate s | griffe s | ratio (med) | ratio (min) | floor s | depgate MiB |"
        " griffe MiB | depgate says | griffe lines |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for row in rows:
        said = row["depgate"]["result"]
        said_text = said.get("error") or f"{said['verdict']}, {said['changes']} changes, {said['modules']} modules"
        griffe = row["griffe"]["result"]
        title = row["title"].replace("|", "\\|")[:60]
        lines.append(
            f"| `{row['head'][:7]}` | {title} | {row['files']} | {_cell(row['depgate'])} | {_cell(row['griffe'])} | "
            f"{row['ratio_median']:.1f}x | {row['ratio_min']:.1f}x | {_cell(row['floor'])} | "
            f"{row['depgate']['peak_rss_mib']:.1f} | {row['griffe']['peak_rss_mib']:.1f} | {said_text[:80]} | "
            f"{griffe.get('error') or griffe['lines']} |")
    if rows:
        dep = [r["depgate"]["median_s"] for r in rows]
        gri = [r["griffe"]["median_s"] for r in rows]
        flo = [r["floor"]["median_s"] for r in rows]
        lines += ["", f"Over the pairs (medians of the medians): depgate {statistics.median(dep):.3f} s, griffe "
                      f"{statistics.median(gri):.3f} s, floor {statistics.median(flo):.3f} s; ratio griffe/depgate "
                      f"{min(r['ratio_median'] for r in rows):.1f}x to {max(r['ratio_median'] for r in rows):.1f}x."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", type=Path, required=True, help="a d9d clone with a work tree (griffe needs one)")
    parser.add_argument("--pairs", type=int, default=8, help="how many recent first-parent commits (default: 8)")
    parser.add_argument("--pair", action="append", default=[], metavar="BASE..HEAD",
                        help="time this pair instead (repeatable)")
    parser.add_argument("--branch", default="main", help="the branch whose first-parent history is used")
    parser.add_argument("--package", default="d9d", help="the package's folder at the top of the repository")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and pair (default: 5)")
    parser.add_argument("--venv", type=Path, default=Path("/work/main/.venv"),
                        help="the venv whose python, depgate and griffe are run (default: /work/main/.venv)")
    parser.add_argument("--timeout", type=float, default=300.0, help="kill a run after this many seconds")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="set this variable for every child, e.g. DEPGATE_CACHE=off (repeatable)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)

    repo = args.repo.resolve()
    extra_env = parse_env(args.env)
    if args.runs < 1 or args.pairs < 1:
        raise SystemExit("--runs and --pairs must be at least 1")
    for tool in ("python", "depgate", "griffe"):
        if not (args.venv / "bin" / tool).exists():
            raise SystemExit(f"{args.venv / 'bin' / tool} is missing: install depgate and griffe in that venv")
    try:
        bare = _git(repo, "rev-parse", "--is-bare-repository").strip() == "true"
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"--repo {repo}: {exc.stderr.strip()}") from exc
    if bare:
        raise SystemExit(f"--repo {repo} is a bare repository; griffe needs a work tree: git clone it first")
    pairs = ([given_pair(repo, spec, args.package) for spec in args.pair] if args.pair
             else pick_pairs(repo, args.branch, args.pairs, args.package))
    if not pairs:
        raise SystemExit(f"no first-parent commit of {args.branch} changes {args.package}/**/*.py")
    info = subprocess.run([str(args.venv / "bin" / "python"), "-c", _INFO], capture_output=True, text=True,
                          check=True, env=_child_env()).stdout
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "venv": str(args.venv),
            "venv_info": json.loads(info), "repo": str(repo), "machine": platform.platform(),
            "cpus": os.cpu_count(), "runs": args.runs, "load_before": _load(),
            "git": _git(repo, "--version").strip(), "env": extra_env}
    run_pairs(pairs, args.venv, repo, args.package, args.runs, args.timeout, extra_env)
    meta["load_after"] = _load()
    rows = [summarize(pair) for pair in pairs]
    table = render(rows, meta)
    print(table, end="")
    if args.markdown:
        args.markdown.write_text(table)
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
