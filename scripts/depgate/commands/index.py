"""`depgate index`: render the index of DEP documents (`deps/INDEX.md`), write it, or check it is current."""

from __future__ import annotations

import difflib
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from depgate.commands._common import (
    add_config_option,
    add_repo_option,
    inside,
    load_command_config,
    require_folder,
    resolve_root,
    write_output,
)
from depgate.errors import ConfigError, UsageError
from depgate.proposals.folder import index_path, load_folder
from depgate.proposals.index import build_context, default_file, render_region, splice
from depgate.proposals.numbering import used_numbers
from depgate.tree import DiskTree

if TYPE_CHECKING:
    import argparse

    from depgate.console import Console
    from depgate.proposals.folder import FolderDocument

NAME = "index"
HELP = "Render the DEP index (deps/INDEX.md); --write updates it, --check fails when it is stale."
#: The exit codes `depgate index` can return (rendered in `--help` by `depgate.cli`).
EXIT_CODES = {
    0: "the index is current, written, or printed",
    1: "--check: the index is stale",
    2: "usage or environment error (bad option, unreadable folder or configuration)",
}
DESCRIPTION = """\
Render the index of the DEP documents: a table by number (linked to each file), the documents
grouped by status, the missing numbers and the next free number. The output depends only on the
documents: no timestamps, a stable order, so it can be committed and checked in CI.

Without options the index file is printed as `--write` would leave it. `--write` replaces only the
text between the lines `<!-- depgate:index:begin -->` and `<!-- depgate:index:end -->`, keeping
what people wrote around them; a missing file is created whole, an existing file without the
markers is refused. `--check` writes nothing: it prints a unified diff and exits 1 when the file is
stale.

Documents that cannot be read are still listed, with their problem, and reported on stderr; they do
not change the exit code (that is `depgate lint`'s job). Exit codes: 0 index current (or written),
1 index stale (`--check` only), 2 usage or environment error.

examples:
  depgate index                 # print the index
  depgate index --write         # update deps/INDEX.md
  depgate index --check         # in CI: fail when deps/INDEX.md is stale
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    inputs = parser.add_argument_group("inputs")
    add_repo_option(inputs)
    add_config_option(inputs)
    mode = parser.add_argument_group("mode (default: print the index to stdout)")
    exclusive = mode.add_mutually_exclusive_group()
    exclusive.add_argument("--write", action="store_true",
                           help="update the index file in place (only its generated region), atomically")
    exclusive.add_argument("--check", action="store_true",
                           help="write nothing; print a diff and exit 1 when the index file is stale")


def _report_problems(documents: list[FolderDocument], prefix: str, console: Console) -> None:
    """Tell on stderr which documents could not be read fully; they are still in the index."""
    count = 0
    for doc in documents:
        for problem in doc.document.problems:
            if problem.severity.name == "ERROR":
                count += 1
                console.note(f"depgate: warning: {problem.location}: {problem.code} {problem.message}")
        if doc.proposal.number is None and doc.proposal.filename_number is None:
            count += 1
            console.note(f"depgate: warning: {doc.path}: has no number (neither the {prefix} header nor the file "
                         "name gives one)")
    if count:
        console.note(f"depgate: {count} problem(s) in the {prefix} documents; they are listed in the index "
                     "(run `depgate lint` for details and fixes)")


def _load_template(root: Path, rel: str | None) -> str | None:
    """Read the project's own index template, never following links or leaving the repository."""
    if rel is None:
        return None
    data = DiskTree(root).read(rel)
    if data is None:
        raise ConfigError("index template not found (it must be a regular file inside the repository)", path=rel,
                          hint="fix `proposals.index-template` (a path from the repository root) or remove it")
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError:
        raise ConfigError("index template is not UTF-8 text", path=rel) from None


def _read_index(root: Path, path: Path, rel: str) -> str | None:
    if not inside(root, path.parent) or path.name in ("", ".", ".."):
        raise ConfigError("`proposals.index` must name a file inside the proposals folder (`proposals.directory`)",
                          path=rel)
    if path.is_symlink():
        raise UsageError("the index is a symbolic link; depgate does not write through links", path=rel,
                         hint="replace the link by a regular file")
    if not path.exists():
        return None
    if not path.is_file():
        raise UsageError("the index path exists but is not a file", path=rel)
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("the index is not UTF-8 text", path=rel, hint="delete it and run `depgate index --write`"
                         ) from None


def _diff(current: str | None, expected: str, rel: str) -> str:
    lines = difflib.unified_diff(
        (current or "").splitlines(keepends=True),
        expected.splitlines(keepends=True),
        fromfile=f"a/{rel}" if current is not None else "/dev/null",
        tofile=f"b/{rel}",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    root = resolve_root(args.repo)
    config = load_command_config(root, args.config, console)
    pconf = config.proposals
    folder = require_folder(root, pconf.directory)
    tree = DiskTree(root)
    documents = load_folder(tree, pconf)
    _report_problems(documents, pconf.prefix, console)
    rel = index_path(pconf)
    names = [path.rsplit("/", 1)[-1] for path, _ in tree.entries(folder)]
    proposals = [doc.proposal for doc in documents]
    context = build_context(proposals, pconf, index_path=rel, taken=used_numbers(proposals, names))
    region = render_region(context, _load_template(root, pconf.index_template), template_name=pconf.index_template)

    target = root / rel
    current = _read_index(root, target, rel)
    if current is None:
        expected = default_file(region, pconf.prefix)
    elif args.write or args.check:
        expected = splice(current, region, rel)
    else:
        try:
            expected = splice(current, region, rel)
        except UsageError as exc:
            console.note(f"depgate: warning: {exc.describe()}\ndepgate: printing a whole new index instead")
            expected = default_file(region, pconf.prefix)

    if args.check:
        if current == expected:
            console.note(f"depgate: {rel} is up to date")
            return 0
        console.out.write(_diff(current, expected, rel))
        console.note(f"depgate: {rel} is {'missing' if current is None else 'stale'}; "
                     "run `depgate index --write` and commit the result")
        return 1
    if args.write:
        if current == expected:
            console.note(f"depgate: {rel} is up to date")
            return 0
        write_output(target, expected, "the index")
        console.note(f"depgate: wrote {posixpath.normpath(rel)}")
        return 0
    console.out.write(expected)
    return 0
