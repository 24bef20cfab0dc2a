"""Benchmark `depgate index` and `depgate lint` over a folder of 10,000 DEP documents.

It writes a temporary git repository whose `deps/` folder holds `--count` realistic documents: d9d's
six header keys (some with optional ones such as `Discussion` or `Superseded-By`), authors written
`Name @handle & Name @handle` or `@handle`, the usual statuses and types, and bodies of a few KB with
the template's sections, code blocks and lists. About one document in two hundred is broken on
purpose (no header, an unclosed header, CRLF endings, a byte-order mark, invalid UTF-8, a duplicate
number, a placeholder left in, a hostile title, an unknown status...), as a real folder would have.
One more document is hostile to the reader's text matching: a 30,000-character heading line, header
values with runs of 30,000 blanks, and 30,000 backticks before a `<` (issue #8: such lines once took
10-30 s each).

Then it times each command as a subprocess (`python -m depgate ...`, the way CI runs it):

- `depgate index` (print the index to stdout),
- `depgate index --check` (the index was written once beforehand, so it is current),
- `depgate lint` (text output) and `depgate lint --format json`,
- reading the folder from the HEAD commit's git objects, as `depgate check` does (`GitTree`).

Each command runs `--runs` times; the table shows min and median wall time, the median CPU time
(user + system, steadier than wall time on a busy machine) and the peak RSS of the child process
(`os.wait4`'s `ru_maxrss`). The target is under 2 s per command.

Usage:
    python bench/bench_proposals.py                    # 10,000 documents, 5 runs each
    python bench/bench_proposals.py --count 1000 --runs 3
    python bench/bench_proposals.py --profile lint     # also write a cProfile of one `lint` run
    python bench/bench_proposals.py --keep             # keep the generated repository (its path is printed)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 2.0
_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid", "GIT_CONFIG_NOSYSTEM": "1"}

#: The configuration of the generated repository: 10,000 documents need five-digit numbers.
CONFIG = "proposals:\n  number-width: 5\n"

TEMPLATE = """\
---
DEP: <Leave blank for maintainers>
Title: <Short, descriptive title>
Author: <Your Name @your-github-handle>
Status: Draft
Type: <Feature | Process | Informational>
Created: <YYYY-MM-DD>
---

# DEP-XXXXX: <Title>

## Abstract

<One paragraph: what changes, for whom.>

## Motivation

<!-- Why the current design cannot solve the problem. -->

## Design Proposal

## Usage

## Backward Compatibility

## Alternatives Considered
"""

SECTIONS = ("Abstract", "Motivation", "Design Proposal", "Usage", "Backward Compatibility", "Alternatives Considered")
STATUSES = (("Draft", 30), ("Accepted", 20), ("Implemented", 35), ("Active", 2), ("Rejected", 5), ("Withdrawn", 5),
            ("Superseded", 3))
TYPES = (("Feature", 85), ("Process", 5), ("Informational", 10))
FIRST = ("Daniil", "Maksim", "Anna", "Olga", "Ivan", "Sergey", "Elena", "Pavel", "Maria", "Dmitry", "Yuki", "Chen",
         "Amara", "Lucas", "Sofia", "Ahmed", "Noah", "Zoë", "José", "Björn")
LAST = ("Sergeev", "Afanasyev", "Ivanova", "Petrov", "Smirnova", "Kuznetsov", "Tanaka", "Wang", "Okafor", "Silva",
        "Rossi", "Hassan", "Müller", "García", "Novak", "Lindqvist")
WORDS = ("scaled", "rope", "activation", "offload", "pipeline", "schedule", "expert", "parallel", "sharding", "hooks",
         "event", "bus", "metrics", "tensor", "fused", "kernel", "attention", "protocol", "config", "factory",
         "checkpoint", "async", "gradient", "accumulation", "optimizer", "state", "mixed", "precision", "loss",
         "scaling", "tokenizer", "dataset", "streaming", "trainer", "callbacks", "profiler", "memory", "budget",
         "zero", "bubble", "interleaved", "virtual", "stage", "router", "capacity", "dropless", "moe", "lora")


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _author(rng: random.Random) -> str:
    def one() -> str:
        handle = f"{rng.choice(FIRST)}{rng.choice(LAST)}{rng.randint(1, 99)}".encode("ascii", "ignore").decode()
        if rng.random() < 0.3:
            return f"@{handle}"
        return f"{rng.choice(FIRST)} {rng.choice(LAST)} @{handle}"

    return " & ".join(one() for _ in range(rng.choice((1, 1, 1, 2, 2, 3))))


def _paragraph(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
        words[0] = words[0].capitalize()
        if rng.random() < 0.3:
            words[rng.randrange(len(words))] = f"`d9d.{rng.choice(WORDS)}.{rng.choice(WORDS).capitalize()}`"
        out.append(" ".join(words) + ".")
    return " ".join(out)


def _body(rng: random.Random, label: str, title: str) -> str:
    parts = [f"# {label}: {title}", ""]
    for section in SECTIONS:
        parts += [f"## {section}", "", _paragraph(rng, rng.randint(3, 7)), ""]
        if section == "Design Proposal":
            parts += ["### Interfaces", "", _paragraph(rng, 3), "", "```python",
                      "class ScalingStrategy(abc.ABC):", "    @abc.abstractmethod",
                      "    def scale(self, freqs: torch.Tensor) -> torch.Tensor:", "        ...",
                      "# not a heading: inside a fence", "```", ""]
        if section == "Usage":
            parts += [f"- step {i}: {_paragraph(rng, 1)}" for i in range(1, rng.randint(2, 5))] + [""]
    return "\n".join(parts)


def _document(rng: random.Random, number: int, width: int) -> tuple[str, bytes]:
    """One valid document: `(file name, bytes)`."""
    words = rng.sample(WORDS, rng.randint(2, 6))
    title = " ".join(words).capitalize()
    padded = f"{number:0{width}d}"
    status = _pick(rng, STATUSES)
    header = [f"DEP: {padded}", f"Title: {title}", f"Author: {_author(rng)}", f"Status: {status}",
              f"Type: {_pick(rng, TYPES)}", f"Created: 20{rng.randint(20, 25)}-{rng.randint(1, 12):02d}-"
              f"{rng.randint(1, 28):02d}"]
    if status == "Superseded":
        header.append(f"Superseded-By: {max(1, number - rng.randint(1, 50)):0{width}d}")
    if rng.random() < 0.2:
        header.append(f"Discussion: https://github.com/d9d-project/d9d/pull/{rng.randint(1, 2000)}")
    text = "---\n" + "\n".join(header) + "\n---\n\n" + _body(rng, f"DEP-{padded}", title)
    return f"{padded}-dep-{'-'.join(words)}.md", text.encode()


def _break(rng: random.Random, kind: int, name: str, data: bytes) -> tuple[str, bytes]:
    """Damage a document the way real folders are damaged."""
    text = data.decode()
    match kind:
        case 0:  # no header at all
            return name, text.split("---\n", 2)[2].encode()
        case 1:  # unclosed header
            return name, text.replace("\n---\n", "\n\n", 1).encode()
        case 2:  # CRLF endings and a BOM
            return name, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
        case 3:  # invalid UTF-8
            return name, data[:200] + b"\xff\xfe" + data[200:]
        case 4:  # placeholders left in
            return name, text.replace("Type: Feature", "Type: <Feature | Process | Informational>").replace(
                "## Usage\n", "## Usage\n\n<Show the new API in use.>\n").encode()
        case 5:  # hostile title
            return name, text.replace("Title: ", "Title: <img src=x> | [x](javascript:alert(1)) @octocat ", 1).encode()
        case 6:  # unknown status, bad date, tab
            return name, text.replace("Status: ", "Status: Postponed\nStatuz:\t", 1).replace(
                "Created: 20", "Created: 19", 1).replace("-0", "-1", 1).encode()
        case 7:  # a missing section and a YAML-quoted value
            return name, text.replace("## Alternatives Considered", "## Alternatives").replace(
                "Title: ", "Title: '", 1).replace("\nAuthor", "'\nAuthor", 1).encode()
        case _:  # a file name without a number
            return name.split("-", 1)[1], data


#: Lines that made backtracking patterns take seconds each (issue #8); every one is 30,000 characters or more.
_LONG = 30_000


def _hostile(number: int, width: int) -> tuple[str, bytes]:
    """One document whose lines are long runs of blanks, `#` and backticks."""
    padded = f"{number:0{width}d}"
    blanks = " " * _LONG
    header = [f"DEP: {padded}", f"Title: Long{blanks}lines", f"Author: Jane Doe @jdoe{blanks}&{blanks}",
              f"Status: Draft{blanks}", "Type: Feature", "Created: 2026-02-04", f"Discussion{blanks}:x"]
    body = [f"# DEP-{padded}: Long{blanks}lines{blanks}{'#' * _LONG}", "", f"## Abstract{blanks}x", "",
            f"See <the real placeholder> {'`' * _LONG} <inside code> {'`' * _LONG}.", "", "## Usage", "", "`" * _LONG]
    text = "---\n" + "\n".join(header) + "\n---\n\n" + "\n".join(body) + "\n"
    return f"{padded}-long-lines.md", text.encode()


def generate(root: Path, count: int, seed: int = 8) -> dict[str, int]:
    """Write `count` documents (a few broken) into `root/deps` and commit them.

    Returns:
        How many documents of each kind were written.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    width = 5
    deps = root / "deps"
    deps.mkdir(parents=True)
    (root / ".github").mkdir()
    (root / ".github" / "depgate.yml").write_text(CONFIG)
    (deps / "TEMPLATE.md").write_text(TEMPLATE)
    stats = {"documents": 0, "broken": 0, "duplicate numbers": 0}
    number = 0
    for i in range(count):
        # Numbers have gaps (proposals that never merged) and a few collisions (parallel pull requests).
        if i and rng.random() < 0.002:
            stats["duplicate numbers"] += 1
        else:
            number += 2 if rng.random() < 0.01 else 1
        name, data = _document(rng, number, width)
        if rng.random() < 0.005:
            name, data = _break(rng, rng.randrange(9), name, data)
            stats["broken"] += 1
        path = deps / name
        while path.exists():  # a duplicate number with the same slug: keep both
            path = path.with_name(path.stem + "-bis.md")
        path.write_bytes(data)
        stats["documents"] += 1
    name, data = _hostile(number + 1, width)
    (deps / name).write_bytes(data)
    stats["documents"] += 1
    stats["broken"] += 1
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, env=_ENV, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, env=_ENV, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "docs: DEPs"], cwd=root, env=_ENV, check=True)
    return stats


def _run(cmd: list[str], cwd: Path, out: Path) -> tuple[float, int, int, float]:
    """Run one command; return (wall seconds, peak RSS in KiB, exit code, CPU seconds)."""
    with open(out, "wb") as sink:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, env=_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode, usage.ru_utime + usage.ru_stime


COMMANDS = {
    "index": ["index"],
    "index --check": ["index", "--check"],
    "lint": ["lint", "--fail-on", "never"],
    "lint --format json": ["lint", "--format", "json", "--fail-on", "never"],
}

#: How `depgate check` reads the DEP folder: from the head commit's git objects, not the work tree.
GIT_DRIVER = """\
from pathlib import Path
from depgate.config import load_config
from depgate.git import Git
from depgate.proposals.folder import load_folder
from depgate.tree import GitTree
git = Git(Path.cwd())
docs = load_folder(GitTree(git, git.resolve("HEAD")), load_config(Path.cwd()).proposals)
print(len(docs), "documents read at HEAD")
"""


def main(argv: list[str] | None = None) -> int:
    """Generate the folder, time the commands and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="number of DEP documents (default: 10000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (default: 5)")
    parser.add_argument("--profile", choices=sorted(COMMANDS), action="append", default=[],
                        help="also run this command once under cProfile and print the top functions")
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="depgate-bench-proposals-"))
    repo = tmp / "repo"
    try:
        start = time.perf_counter()
        stats = generate(repo, args.count)
        size = sum(p.stat().st_size for p in (repo / "deps").iterdir())
        print(f"generated {stats} ({size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s at {repo}")
        depgate = [sys.executable, "-m", "depgate"]
        wall, _, code, _ = _run([*depgate, "index", "--write"], repo, tmp / "write.out")
        print(f"index --write: {wall:.2f} s, exit {code}")
        subprocess.run(["git", "add", "-A"], cwd=repo, env=_ENV, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "docs: index"], cwd=repo, env=_ENV, check=True)
        baseline = _run([sys.executable, "-c", "pass"], repo, tmp / "python.out")
        startup = _run([*depgate, "--help"], repo, tmp / "help.out")
        print(f"python startup alone: {baseline[0]:.3f} s, {baseline[1] / 1024:.0f} MiB; "
              f"`depgate --help` (imports): {startup[0]:.3f} s, {startup[1] / 1024:.0f} MiB")

        results = []
        print(f"\n{'command':<30} {'min s':>7} {'median s':>9} {'CPU s':>7} {'peak RSS MiB':>13} {'exit':>5}  target")
        runs = {f"depgate {label}": [*depgate, *extra] for label, extra in COMMANDS.items()}
        runs["DEP folder at HEAD"] = [sys.executable, "-c", GIT_DRIVER]
        for label, cmd in runs.items():
            times, rss, cpu, codes = [], [], [], set()
            for _ in range(args.runs):
                wall, peak, code, used = _run(cmd, repo, tmp / "cmd.out")
                times.append(wall)
                rss.append(peak)
                cpu.append(used)
                codes.add(code)
            lines = (tmp / "cmd.out").read_text(errors="replace").count("\n")
            row = {"command": label, "min": min(times), "median": statistics.median(times),
                   "cpu_median": statistics.median(cpu), "peak_rss_mib": max(rss) / 1024, "exit": sorted(codes),
                   "output_lines": lines}
            results.append(row)
            ok = "ok" if row["median"] < TARGET_SECONDS else "OVER"
            print(f"{label:<30} {row['min']:>7.2f} {row['median']:>9.2f} {row['cpu_median']:>7.2f} "
                  f"{row['peak_rss_mib']:>13.0f} {','.join(map(str, row['exit'])):>5}  {ok} ({lines} output lines)")
        for label in args.profile:
            prof = HERE / "out" / f"proposals-{label.replace(' ', '_').replace('-', '')}.prof"
            prof.parent.mkdir(exist_ok=True)
            _run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "depgate", *COMMANDS[label]], repo,
                 tmp / "prof.out")
            print(f"\nprofile of `depgate {label}` written to {prof}; top functions by cumulative time:")
            import pstats

            pstats.Stats(str(prof)).sort_stats("cumulative").print_stats(25)
        if args.json:
            Path(args.json).write_text(json.dumps({
                "count": args.count, "runs": args.runs, "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} cores", "results": results}, indent=2) + "\n")
    finally:
        if args.keep:
            print(f"kept {repo}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    sys.exit(main())
