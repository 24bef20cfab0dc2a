"""`depgate index`: render the indexes of DEP documents (`deps/INDEX.md`, `deps/index.json`), write them, or check
they are current."""

from __future__ import annotations

import difflib
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depgate.commands._common import (
    add_config_option,
    add_repo_option,
    inside,
    load_command_config,
    require_folder,
    resolve_root,
    write_output,
)
from depgate.errors import ConfigError, GitError, UsageError
from depgate.proposals.folder import index_path, load_folder
from depgate.proposals.index import build_context, default_file, render_region, splice
from depgate.proposals.index_json import build_index_data, dumps_index, index_stale
from depgate.proposals.numbering import used_numbers
from depgate.tree import DiskTree

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from depgate.config import Config
    from depgate.console import Console
    from depgate.git import Git
    from depgate.proposals.evidence import History
    from depgate.proposals.folder import FolderDocument

NAME = "index"
HELP = "Render the DEP index (deps/INDEX.md and deps/index.json); --write updates them, --check fails when stale."
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

Next to it, `index.json` (`proposals.index-json`; null turns it off) holds the same proposals as
data for other tools: number, title, status, authors, the `Implementation` links, and fields read
from git (the newest commit that changed a proposal, the date each entered its status, the public
symbols it names). Its shape is docs/index.schema.json. Only the fields read from the documents make
it stale; the others are refreshed whenever it is written.

Without options the index file is printed as `--write` would leave it (`--json`: index.json).
`--write` replaces only the text between the lines `<!-- depgate:index:begin -->` and
`<!-- depgate:index:end -->`, keeping what people wrote around them; a missing file is created whole,
an existing file without the markers is refused. index.json is written whole when stale and left
alone when current. `--check` writes nothing: it prints a unified diff and exits 1 when a file is
stale.

Documents that cannot be read are still listed, with their problem, and reported on stderr; they do
not change the exit code (that is `depgate lint`'s job). Exit codes: 0 index current (or written),
1 index stale (`--check` only), 2 usage or environment error.

examples:
  depgate index                 # print the index
  depgate index --json          # print index.json
  depgate index --write         # update deps/INDEX.md and deps/index.json
  depgate index --check         # in CI: fail when either is stale
"""


@dataclass(frozen=True)
class IndexFile:
    """One generated index file: what it holds now and what `depgate index --write` leaves.

    Attributes:
        rel: Repository-relative POSIX path.
        current: Its text now, or None when it does not exist.
        expected: Its text after `--write`; the current text when the file is current (nothing to write).
        stale: `--write` would change it, and `--check` fails.
    """

    rel: str
    current: str | None
    expected: str
    stale: bool


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    inputs = parser.add_argument_group("inputs")
    add_repo_option(inputs)
    add_config_option(inputs)
    mode = parser.add_argument_group("mode (default: print the index to stdout)")
    exclusive = mode.add_mutually_exclusive_group()
    exclusive.add_argument("--write", action="store_true",
                           help="update the index files in place (INDEX.md only in its generated region), "
                                "atomically; a file that is current is left alone")
    exclusive.add_argument("--check", action="store_true",
                           help="write nothing; print a diff and exit 1 when an index file is stale")
    exclusive.add_argument("--json", action="store_true",
                           help="print index.json (as --write would leave it) instead of INDEX.md")


def _report_problems(documents: Sequence[FolderDocument], prefix: str, console: Console) -> None:
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


def index_json_path(config: Config) -> str | None:
    """Repository-relative path of index.json, or None when `proposals.index-json` is off.

    Raises:
        ConfigError: the name is a Markdown file (the index, the template, a proposal, a README).
    """
    pconf = config.proposals
    if pconf.index_json is None:
        return None
    name = pconf.index_json
    # NOTE: any Markdown name is refused: a candidate would be read as a proposal, README.md overwritten.
    if name in (pconf.index, pconf.template) or name.lower().endswith(".md"):
        raise ConfigError(f"`proposals.index-json` must name a JSON file other than the index and the template, "
                          f"not {name[:80]!r}", hint="use the default `index.json`, or null to write none")
    return f"{pconf.directory.strip('/')}/{name}"


def _read_json_index(root: Path, folder: str, rel: str) -> tuple[str | None, bool]:
    """Read index.json: `(text or None when missing, whether it is UTF-8)`; never through a link or out of `folder`.

    Raises:
        ConfigError: the path leaves the proposals folder.
        UsageError: it is a link, or not a regular file.
    """
    path = root / rel
    if not inside(root / folder, path.parent) or path.name in ("", ".", ".."):
        raise ConfigError("`proposals.index-json` must name a file inside the proposals folder "
                          "(`proposals.directory`)", path=rel)
    if path.is_symlink():
        raise UsageError("index.json is a symbolic link; depgate does not write through links", path=rel,
                         hint="replace the link by a regular file")
    if not path.exists():
        return None, True
    if not path.is_file():
        raise UsageError("the JSON index path exists but is not a file", path=rel)
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:  # generated whole, so it is rewritten rather than refused
        return data.decode("utf-8", "replace"), False


def _has_commits(git: Git) -> bool:
    try:
        git.resolve("HEAD")
    except GitError:
        return False
    return True


def _read_history(git: Git, config: Config) -> History:
    """The branch's history at HEAD (the checked-out branch: the default one in CI and the scheduled job)."""
    from depgate.proposals.history import read_history

    return read_history(git, "HEAD", config)


def _named_symbols(git: Git, documents: Sequence[FolderDocument], config: Config) -> dict[str, list[str]]:
    """The public symbols (at HEAD) each document names; empty without a readable public surface."""
    from depgate.api.mentions import named_symbols, public_paths  # here: the API reader is heavy

    paths = public_paths(git, "HEAD", config.api)
    if not paths:  # unreadable, or nothing public: no document can name a symbol, so none is scanned
        return {}
    return {doc.path: list(named_symbols(doc.document.text, paths)) for doc in documents if doc.document.text}


def index_json_data(documents: Sequence[FolderDocument], config: Config, *, git: Git | None) -> dict[str, Any]:
    """Build the data of index.json with every field, the history and code ones included.

    Args:
        documents: The folder's documents.
        config: The configuration.
        git: The repository, or None for a plain folder (the history fields are then null, `symbols` empty).

    Returns:
        The data of `depgate.proposals.index_json.build_index_data`.
    """
    from depgate import __version__

    if git is None or not _has_commits(git):  # a plain folder, or nothing committed yet
        return build_index_data(documents, config, history=None, symbols={}, version=__version__)
    return build_index_data(documents, config, history=_read_history(git, config),
                            symbols=_named_symbols(git, documents, config), version=__version__)


def _json_file(root: Path, config: Config, documents: Sequence[FolderDocument], rel: str,
               git: Git | None) -> IndexFile:
    from depgate import __version__

    current, decodable = _read_json_index(root, config.proposals.directory.strip("/"), rel)
    # NOTE: staleness depends only on the documents, so the history walk and the API read run only when
    # the file must be written: a current index.json costs one parse.
    cheap = build_index_data(documents, config, history=None, symbols={}, version=__version__)
    if decodable and not index_stale(current, cheap):
        return IndexFile(rel, current, current or "", stale=False)
    return IndexFile(rel, current, dumps_index(index_json_data(documents, config, git=git)), stale=True)


def _region(root: Path, config: Config, documents: Sequence[FolderDocument], folder: str) -> str:
    pconf = config.proposals
    names = [path.rsplit("/", 1)[-1] for path, _ in DiskTree(root).entries(folder)]
    proposals = [doc.proposal for doc in documents]
    context = build_context(proposals, pconf, index_path=index_path(pconf),
                            taken=used_numbers(proposals, names))
    return render_region(context, _load_template(root, pconf.index_template), template_name=pconf.index_template)


def _markdown_file(root: Path, config: Config, documents: Sequence[FolderDocument], folder: str) -> IndexFile:
    rel = index_path(config.proposals)
    region = _region(root, config, documents, folder)
    current = _read_index(root, root / rel, rel)
    expected = default_file(region, config.proposals.prefix) if current is None else splice(current, region, rel)
    return IndexFile(rel, current, expected, stale=current != expected)


def _index_files(root: Path, config: Config, documents: Sequence[FolderDocument], folder: str,
                 git: Git | None) -> list[IndexFile]:
    files = [_markdown_file(root, config, documents, folder)]
    rel = index_json_path(config)
    if rel is not None:
        files.append(_json_file(root, config, documents, rel, git))
    return files


def expected_index_files(root: Path, config: Config, *, git: Git | None) -> list[IndexFile]:
    """Compute every generated index file as `depgate index --write` leaves it: INDEX.md, then index.json.

    Args:
        root: The repository's root (or a plain folder).
        config: The configuration.
        git: The repository, for the history and code fields of index.json; None for a plain folder.

    Returns:
        INDEX.md, then index.json unless `proposals.index-json` is null. A current index.json keeps its
        text (nothing to write); a stale one gets fresh history and code fields.

    Raises:
        ConfigError: an index path leaves the proposals folder, or the index template is unusable.
        UsageError: the folder is missing, an index is a link or not a file, or INDEX.md has no markers.
        GitError: the history cannot be read.
    """
    pconf = config.proposals
    folder = require_folder(root, pconf.directory)
    documents = load_folder(DiskTree(root), pconf)
    return _index_files(root, config, documents, folder, git)


def _diff(current: str | None, expected: str, rel: str) -> str:
    lines = difflib.unified_diff(
        (current or "").splitlines(keepends=True),
        expected.splitlines(keepends=True),
        fromfile=f"a/{rel}" if current is not None else "/dev/null",
        tofile=f"b/{rel}",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _stale_note(item: IndexFile, markdown: bool) -> str:
    state = "missing" if item.current is None else "stale"
    if item.current is None and not markdown:
        return (f"depgate: {item.rel} is missing; run `depgate index --write` and commit it, or set "
                "`proposals.index-json: null` to go without it")
    if item.current is not None and not markdown:
        try:
            json.loads(item.current)
        except (ValueError, RecursionError) as exc:  # a hand edit broke it: say where, not just "stale"
            where = f":{exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
            return (f"depgate: {item.rel}{where}: is not valid JSON ({str(exc)[:120]}); it is generated whole: run "
                    "`depgate index --write` to regenerate it and commit the result")
    return f"depgate: {item.rel} is {state}; run `depgate index --write` and commit the result"


def _print_markdown(root: Path, config: Config, documents: Sequence[FolderDocument], folder: str,
                    console: Console) -> None:
    """Print INDEX.md as `--write` would leave it; a file without markers gets a whole new index, with a warning."""
    pconf = config.proposals
    rel = index_path(pconf)
    region = _region(root, config, documents, folder)
    current = _read_index(root, root / rel, rel)
    if current is None:
        console.out.write(default_file(region, pconf.prefix))
        return
    try:
        console.out.write(splice(current, region, rel))
    except UsageError as exc:
        console.note(f"depgate: warning: {exc.describe()}\ndepgate: printing a whole new index instead")
        console.out.write(default_file(region, pconf.prefix))


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    from depgate.git import Git

    root = resolve_root(args.repo)
    config = load_command_config(root, args.config, console)
    pconf = config.proposals
    folder = require_folder(root, pconf.directory)
    documents = load_folder(DiskTree(root), pconf)
    _report_problems(documents, pconf.prefix, console)
    git = Git(root)

    if args.json:
        console.out.write(dumps_index(index_json_data(documents, config, git=git)))
        return 0
    if not (args.write or args.check):
        _print_markdown(root, config, documents, folder, console)
        return 0

    files = _index_files(root, config, documents, folder, git)
    if args.check:
        for item in files:
            if item.stale:
                console.out.write(_diff(item.current, item.expected, item.rel))
        for index, item in enumerate(files):
            console.note(_stale_note(item, index == 0) if item.stale else f"depgate: {item.rel} is up to date")
        return 1 if any(item.stale for item in files) else 0
    for index, item in enumerate(files):
        if not item.stale:
            console.note(f"depgate: {item.rel} is up to date")
            continue
        write_output(root / item.rel, item.expected, "the index" if index == 0 else "the JSON index")
        console.note(f"depgate: wrote {posixpath.normpath(item.rel)}")
    return 0
