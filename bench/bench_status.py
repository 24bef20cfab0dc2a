"""Benchmark `depgate status` and `depgate index` (with index.json) on a real repository (DEP-0005).

Given a clone (d9d's, typically), it times, interleaved run by run so load spikes spread over every case:

- `status cold`: `depgate status --format json` with `DEPGATE_CACHE=off`, so every public surface the inferred
  evidence needs is computed from the git objects again;
- `status warm`: the same with the caches (`<git dir>/depgate/`) filled by a first, untimed run;
- `status --no-infer`: the history and the linked evidence only;
- `index --check`: `depgate index --check` on a work tree whose INDEX.md and index.json are current (written once,
  untimed, then restored at the end), which is what CI and pre-commit run.

Each case runs as a child process with the venv's own `depgate` (`--venv`), so interpreter start-up and imports are
counted, as a user sees them. Per case: min and median wall time and peak RSS (`measure.run_measured`). The table
(Markdown) goes to stdout and `--markdown FILE`, everything to `--json FILE`; the load average is printed before
and after, since the machine is shared. Nothing here needs the network; the clone's work tree is restored.

Usage:
    python bench/bench_status.py --repo /tmp/d9d --runs 5
    python bench/bench_status.py --repo /tmp/d9d --today 2026-11-30 --markdown /tmp/status.md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import run_measured, summary  # noqa: E402

_DROPPED_ENV = ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(extra)
    return env


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def cases(depgate: str, today: str) -> list[tuple[str, list[str], dict[str, str]]]:
    """The timed cases: a name, the command, its environment."""
    status = [depgate, "status", "--format", "json", "--today", today]
    return [
        ("status cold", status, _env(DEPGATE_CACHE="off")),
        ("status warm", status, _env()),
        ("status --no-infer", [*status, "--no-infer"], _env()),
        ("index --check", [depgate, "index", "--check"], _env()),
    ]


def run(repo: Path, venv: Path, runs: int, today: str) -> dict:
    """Time every case `runs` times, interleaved; return the summaries and the load before and after."""
    depgate = str(venv / "bin" / "depgate")
    subprocess.run([depgate, "index", "--write"], cwd=repo, check=True, capture_output=True)
    subprocess.run([depgate, "status", "--format", "json", "--today", today], cwd=repo, check=True,
                   capture_output=True)  # fills the caches for the warm case
    timed = cases(depgate, today)
    samples: dict[str, list] = {name: [] for name, _, _ in timed}
    load_before = _load()
    try:
        for _ in range(runs):
            for name, cmd, env in timed:
                sample = run_measured(cmd, repo, env=env)
                if sample.code not in (0, 1):
                    raise SystemExit(f"{name} failed ({sample.code}): {sample.output[-2000:]}")
                samples[name].append(sample)
    finally:
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=repo, check=False)
        subprocess.run(["git", "clean", "-fdq", "--", "."], cwd=repo, check=False)
    return {"repo": str(repo), "runs": runs, "load_before": load_before, "load_after": _load(),
            "cases": {name: summary(found) for name, found in samples.items()}}


def markdown(result: dict) -> str:
    """The results as a Markdown table."""
    lines = [f"`depgate status` / `depgate index --check` on {result['repo']}, {result['runs']} runs "
             f"(load {result['load_before']} -> {result['load_after']})", "",
             "| case | min (s) | median (s) | peak RSS (MiB) |", "| --- | --- | --- | --- |"]
    for name, data in result["cases"].items():
        lines.append(f"| {name} | {data['min_s']:.2f} | {data['median_s']:.2f} | {data['peak_rss_mib']:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse the options, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repo", type=Path, required=True, help="a clone with a work tree (it is restored)")
    parser.add_argument("--venv", type=Path, default=Path(sys.prefix), help="the venv whose depgate is timed")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--today", default="2026-11-30", help="the date nudges are measured from")
    parser.add_argument("--markdown", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    result = run(args.repo, args.venv, args.runs, args.today)
    table = markdown(result)
    sys.stdout.write(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
