"""`depgate new`: create the next proposal document from the template."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from depgate.commands._common import (
    add_config_option,
    add_repo_option,
    created_date,
    load_command_config,
    require_folder,
    resolve_root,
)
from depgate.errors import UsageError
from depgate.fsutil import create_exclusive
from depgate.git import Git
from depgate.proposals.folder import load_folder, template_path
from depgate.proposals.numbering import (
    check_one_line,
    choose_number,
    file_name,
    missing_numbers,
    render_new_document,
    slugify,
    used_numbers,
)
from depgate.tree import DiskTree

if TYPE_CHECKING:
    import argparse

    from depgate.console import Console

NAME = "new"
HELP = "Create the next DEP document (deps/NNNN-slug.md) from the template and print its path."
EXIT_CODES = {
    0: "created: the new document's path is printed",
    2: "usage or environment error (no folder or template: run `depgate init`; a taken number, a title without "
       "a usable word, a file that already exists)",
}
DESCRIPTION = """\
Create a new proposal from the folder's template (`deps/TEMPLATE.md` by default: `proposals.directory`
and `proposals.template` in the configuration): the next free number
(one more than the highest in use; gaps are never reused unless `--reuse-gap` or `--number` asks),
a file name made from the title, and the header filled in: number, title, author (from
`git config user.name` unless `--author` is given), status Draft, type and today's date. The number
goes on the line keyed by the prefix (`RFC: 0002` with `prefix: RFC`). The path of
the new file is printed on stdout; the template's guidance is left for you to replace.

An existing file is never overwritten. In a repository without a proposals folder or template, run
`depgate init` first.

examples:
  depgate new "Activation offloading"
  depgate new "Scaled RoPE" --author "Jane Doe @jdoe" --type Feature
  $EDITOR "$(depgate new 'Event hooks')"
"""

#: What to do when the folder or its template is missing: `depgate init` writes both (and keeps what exists).
_INIT_HINT = "run `depgate init` to create the proposals folder with its template (it keeps existing files)"

_DEFAULT_TYPE = "Feature"
_DEFAULT_STATUS = "Draft"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    parser.add_argument("title", help="title of the proposal, one line (also gives the file name)")
    inputs = parser.add_argument_group("inputs")
    add_repo_option(inputs)
    add_config_option(inputs)
    header = parser.add_argument_group("header values")
    header.add_argument("--author", metavar="TEXT", default=None,
                        help="the Author header, e.g. 'Jane Doe @jdoe' (default: git config user.name)")
    header.add_argument("--type", metavar="TYPE", default=None,
                        help=f"the Type header, one of the configured types (default: {_DEFAULT_TYPE})")
    header.add_argument("--date", metavar="YYYY-MM-DD", default=None,
                        help="the Created header (default: today); useful for reproducible output")
    numbering = parser.add_argument_group("numbering")
    exclusive = numbering.add_mutually_exclusive_group()
    exclusive.add_argument("--number", metavar="N", type=int, default=None,
                           help="use this number instead of the next free one; it must not be taken")
    exclusive.add_argument("--reuse-gap", action="store_true",
                           help="take the lowest missing number (a gap) instead of the next one")


def _author(root: Path, given: str | None) -> str:
    if given is not None:
        return check_one_line(given, "author")
    name = Git(root).run("config", "user.name", check=False).decode("utf-8", "replace").strip()
    if not name:
        raise UsageError("no author: `git config user.name` is not set",
                         hint="pass --author 'Name @handle' or set `git config user.name`")
    return check_one_line(name, "author")


def _choice(value: str | None, allowed: list[str], default: str, what: str) -> str:
    if value is None:
        return default if default in allowed or not allowed else allowed[0]
    if value not in allowed:
        raise UsageError(f"--{what} must be one of {', '.join(allowed)}, not {value!r}",
                         hint=f"the allowed values come from `proposals.{what}s` in the configuration")
    return value


def _display(path: Path) -> str:
    """Show the path relative to the current directory when it is below it, absolute otherwise."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    title = check_one_line(args.title, "title")
    slug = slugify(title)
    if not slug:
        raise UsageError(f"the title {title!r} has no letter or digit to make a file name from",
                         hint="use a title with at least one ASCII letter or digit")
    created = created_date(args.date)
    root = resolve_root(args.repo)
    config = load_command_config(root, args.config, console)
    pconf = config.proposals
    folder = require_folder(root, pconf.directory, hint=_INIT_HINT)
    kind = _choice(args.type, list(pconf.types), _DEFAULT_TYPE, "type")
    status = _DEFAULT_STATUS if _DEFAULT_STATUS in pconf.statuses or not pconf.statuses else pconf.statuses[0]
    author = _author(root, args.author)

    tree = DiskTree(root)
    rel_template = template_path(pconf)
    data = tree.read(rel_template)
    if data is None:
        raise UsageError(f"the {pconf.prefix} template does not exist (or is not a regular file)", path=rel_template,
                         hint=f"{_INIT_HINT}, or point `proposals.template` (a file inside "
                              "`proposals.directory`) at your own template")
    try:
        template = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"the {pconf.prefix} template is not UTF-8 text", path=rel_template) from None

    names = [path.rsplit("/", 1)[-1] for path, _ in tree.entries(folder)]
    taken = used_numbers((doc.proposal for doc in load_folder(tree, pconf)), names)
    number = choose_number(taken, requested=args.number, reuse_gap=args.reuse_gap)
    if args.reuse_gap and not missing_numbers(taken, limit=1):
        console.note("depgate: note: there is no gap to reuse; taking the next number")
    try:
        text = render_new_document(template, number=number, title=title, author=author, status=status, type_=kind,
                                   created=created, prefix=pconf.prefix, width=pconf.number_width,
                                   required_headers=pconf.required_headers)
    except UsageError as exc:
        raise UsageError(exc.message, path=rel_template, hint=exc.hint) from None

    rel = f"{folder}/{file_name(number, slug, pconf.number_width)}"
    target = root / rel
    try:
        create_exclusive(target, text)
    except FileExistsError:
        raise UsageError("the file already exists; depgate never overwrites a document", path=rel,
                         hint="choose another title or number") from None
    except OSError as exc:
        raise UsageError(f"cannot create the file: {os.strerror(exc.errno) if exc.errno else exc}", path=rel
                         ) from None
    console.print(_display(target))
    console.note(f"depgate: created {pconf.prefix}-{number:0{pconf.number_width}d}; replace the template's "
                 "guidance, then run `depgate index --write`")
    return 0
