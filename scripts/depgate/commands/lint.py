"""`depgate lint`: check DEP documents against the rules `D0xx`-`D3xx`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from depgate.commands._common import (
    OutputFormat,
    add_config_option,
    add_format_option,
    add_repo_option,
    load_command_config,
    require_folder,
    resolve_root,
)
from depgate.errors import UsageError
from depgate.proposals.folder import is_candidate, template_path
from depgate.proposals.lint import lint_tree
from depgate.proposals.reader import MAX_BYTES
from depgate.report.diagnostics import FailOn, render_github, render_json, render_text
from depgate.tree import DiskTree

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    from depgate.config import Config
    from depgate.console import Console
    from depgate.diagnostics import Diagnostic

NAME = "lint"
HELP = "Check DEP documents: header, sections, placeholders, unique numbers (rules D0xx-D3xx)."
#: The exit codes `depgate lint` can return (rendered in `--help` by `depgate.cli`).
EXIT_CODES = {
    0: "no finding at or above --fail-on",
    1: "findings at or above --fail-on",
    2: "usage or environment error (bad option, unreadable folder or configuration)",
}
DESCRIPTION = """\
Check the DEP documents of the repository: the front-matter header (required keys in order, valid
number, status, type, dates, authors), the body (first heading, the sections of the template, no
template placeholders left) and the folder as a whole (unique numbers, existing successors). The
template itself is exempt. Every finding has a code; `depgate rules CODE` explains it.

PATHS may be DEP files or folders; without them the configured folder (`proposals.directory`,
default `deps`) is linted. Folder rules always see the whole folder, but only findings on the given
files are shown. Ignores, per-file ignores, exclusions and severities come from the `[lint]`
configuration.

The repository root is --repo, else the git repository of the current directory. Linting needs no
git history, so outside a git repository the current directory is used as the root (with a note).

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or environment error.

examples:
  depgate lint                                  # lint deps/
  depgate lint deps/0008-offload.md             # one document (the folder rules still apply)
  depgate lint --format github --fail-on warning   # in CI, as annotations
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    inputs = parser.add_argument_group("inputs")
    inputs.add_argument("paths", nargs="*", metavar="PATH",
                        help="proposal files or folders to lint (default: `proposals.directory`, deps)")
    add_repo_option(inputs, "the repository to lint (a plain folder also works: linting needs no git history)")
    add_config_option(inputs)
    output = parser.add_argument_group("output")
    add_format_option(output, (OutputFormat.TEXT, OutputFormat.JSON, OutputFormat.GITHUB),
                      "text for people (with the offending line), json for tools, github for annotations")
    output.add_argument("--fail-on", choices=[f.value for f in FailOn], default=FailOn.ERROR.value,
                        help="exit 1 when a finding has at least this severity; `never` always exits 0 "
                        "(default: error)")


def _relative(root: Path, raw: str) -> tuple[str, str]:
    """Turn a command-line path into `(repo-relative path, kind)`, refusing paths outside the root.

    Raises:
        UsageError: the path does not exist or lies outside the repository.
    """
    path = Path(raw)
    absolute = Path(os.path.abspath(path if path.is_absolute() else Path.cwd() / path))
    if not os.path.lexists(absolute):
        raise UsageError("no such file or folder", path=raw, hint="pass proposal files or folders that exist")
    try:
        rel = absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError("path is outside the repository", path=raw,
                             hint=f"the repository root is {root}") from None
    kind = "link" if absolute.is_symlink() else "dir" if absolute.is_dir() else "file"
    return ("" if rel == "." else rel), kind


def _plan(root: Path, config: Config, paths: list[str], console: Console) -> list[tuple[str, list[str] | None]]:
    """Decide which folders to lint and which files' findings to show: `[(folder, files or None)]`.

    Raises:
        UsageError: a path is missing or outside the repository, or the default folder does not exist.
        ConfigError: `proposals.directory` points outside the repository.
    """
    default = config.proposals.directory.strip("/")
    if not paths:
        require_folder(root, default, hint="create it with a TEMPLATE.md, point `proposals.directory` at the right "
                       "folder, or pass paths")
        return [(default, None)]
    folders: dict[str, list[str] | None] = {}
    files: dict[str, list[str]] = defaultdict(list)
    for raw in paths:
        rel, kind = _relative(root, raw)
        if kind == "dir":
            # A folder that holds the configured DEP folder (`.`, the root) means that folder.
            inside = rel == "" or default == rel or default.startswith(rel + "/")
            folders[default if inside else rel] = None
            continue
        parent, _, name = rel.rpartition("/")
        cfg = dataclasses.replace(config.proposals, directory=parent)
        if not is_candidate(name, kind, cfg):
            console.note(f"depgate: note: {rel} is not linted (it is the template, the index or not Markdown)")
            continue
        files[parent].append(rel)
    plan: list[tuple[str, list[str] | None]] = sorted(folders.items())
    plan += [(folder, names) for folder, names in sorted(files.items()) if folder not in folders]
    return plan


def collect(root: Path, config: Config, paths: list[str], console: Console, today: dt.date) -> list[Diagnostic]:
    """Lint what the paths designate and return the findings, without duplicates."""
    tree = DiskTree(root)
    seen: dict[tuple, Diagnostic] = {}
    for folder, files in _plan(root, config, paths, console):
        folder_config = dataclasses.replace(config, proposals=dataclasses.replace(config.proposals, directory=folder))
        wanted = None if files is None else [*files, template_path(folder_config.proposals)]
        result = lint_tree(tree, folder_config, today=today, paths=wanted)
        if files is None and not result.documents:
            console.note(f"depgate: note: no {config.proposals.prefix} documents found in {folder or '.'}")
        for diag in result.diagnostics:
            seen.setdefault((diag.code, diag.location, diag.message), diag)
    return list(seen.values())


def _line_reader(root: Path) -> Callable[[str], list[str] | None]:
    """Read a file's lines for the text snippets, the way the reader sees them (no BOM, LF endings)."""
    tree = DiskTree(root)

    def read_lines(path: str) -> list[str] | None:
        try:
            size = tree.size(path)
            if size is None or size > MAX_BYTES:
                return None
            data = tree.read(path) or b""
        except OSError:
            return None  # the finding itself says the file is unreadable; the snippet is optional
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
        return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    return read_lines


def run(args: argparse.Namespace, console: Console) -> int:
    """Lint the DEP documents and print the findings; return 1 when one is at or above `--fail-on`."""
    root = resolve_root(args.repo, console, plain_folder=True)
    config = load_command_config(root, args.config, console)
    # Today's date is taken here, once, so the rules themselves stay deterministic.
    diagnostics = collect(root, config, list(args.paths), console, dt.date.today())
    fmt = OutputFormat(args.format)
    if fmt is OutputFormat.JSON:
        console.out.write(render_json(diagnostics, command=NAME))
    elif fmt is OutputFormat.GITHUB:
        console.out.write(render_github(diagnostics))
    else:
        console.out.write(render_text(diagnostics, _line_reader(root), color=console.color))
    return 1 if FailOn(args.fail_on).fails(diagnostics) else 0
