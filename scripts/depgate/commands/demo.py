"""`depgate demo`: run the check on a sample d9d-like repository, with nothing else set up."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from depgate import demo
from depgate.commands._common import OutputFormat, add_format_option
from depgate.commands.check import build_report, load_check_config, render, resolve_range, trusted_sha
from depgate.errors import UsageError
from depgate.git import Git

if TYPE_CHECKING:
    import argparse

    from depgate.console import Console
    from depgate.report.model import Report

NAME = "demo"
HELP = "Build a sample d9d-like repository with three pull requests and check each one."
#: The exit codes `depgate demo` can return (rendered in `--help` by `depgate.cli`).
EXIT_CODES = {
    0: "the sample repository was built and each pull request checked (whatever their verdicts)",
    2: "usage or environment error (git missing, --keep not a new or empty folder)",
}
DESCRIPTION = """\
The quickest way to see what depgate does. It builds a small d9d-like repository (a package with
`__all__` re-exports, an ABC, pydantic configs, a parallelism package, and a deps/ folder) in a
temporary directory, with three pull-request branches:

  1. a new abstraction and a removed method, with no DEP linked: the DEP is required and missing;
  2. a new distributed strategy that carries its own DEP: required and satisfied;
  3. a bug fix inside a method: no DEP needed.

It runs exactly what `depgate check` runs on each branch and prints the three reports. Nothing is
read from or written to the current directory, and no network is used.

Exit code: 0 when the demo ran (the first report failing is the point of the demo); 2 on error.

examples:
  depgate demo
  depgate demo --format markdown > demo.md
  depgate demo --keep /tmp/depgate-demo   # then: cd /tmp/depgate-demo; depgate check --head feat/offload
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    output = parser.add_argument_group("output")
    add_format_option(output, OutputFormat, "rendering of each report, as for `depgate check`")
    output.add_argument("--keep", metavar="DIR", default=None,
                        help="build the sample repository in DIR (new or empty) and leave it there to explore")


def _heading(number: int, total: int, scenario: demo.Scenario, fmt: str) -> str:
    title = f"Pull request {number} of {total}: {scenario.branch}"
    if fmt == OutputFormat.MARKDOWN.value:
        return f"## {title}\n\n*{scenario.explain}*\n"
    if fmt == OutputFormat.JSON.value:
        return ""
    rule = "=" * 100
    return f"{rule}\n{title}\n{scenario.explain}\n{rule}\n"


def run_demo(repo: Path) -> list[tuple[demo.Scenario, Report]]:
    """Build the sample repository in `repo` and check each pull request, the way `depgate check` does."""
    scenarios = demo.build(repo)
    git = Git(repo)
    results = []
    for scenario in scenarios:
        base, head = resolve_range(git, "main", scenario.branch)
        config = load_check_config(git, trusted_sha(base), None)
        report = build_report(git, base, head, config=config)
        results.append((scenario, report))
    return results


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    if args.keep is not None:
        target = Path(args.keep)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise UsageError("--keep needs a new or empty directory", path=target)
        results = run_demo(target)
        _print(results, args.format, console)
        console.note(f"depgate demo: the sample repository is in {target} (branches: "
                     + ", ".join(s.branch for s, _ in results) + ")")
        return 0
    with tempfile.TemporaryDirectory(prefix="depgate-demo-") as tmp:
        results = run_demo(Path(tmp) / "d9d-sample")
        _print(results, args.format, console)
    return 0


def _print(results: list[tuple[demo.Scenario, Report]], fmt: str, console: Console) -> None:
    if fmt == OutputFormat.JSON.value:
        # One JSON array keeps the output a single valid document.
        import json

        items = [{"branch": s.branch, "explain": s.explain, "report": r.as_dict()} for s, r in results]
        console.out.write(json.dumps(items, indent=2, ensure_ascii=False) + "\n")
        return
    for number, (scenario, report) in enumerate(results, start=1):
        if number > 1:
            console.out.write("\n")
        console.out.write(_heading(number, len(results), scenario, fmt) + "\n")
        console.out.write(render(report, fmt, color=console.color))
