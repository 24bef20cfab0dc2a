"""`depgate init`: give a repository what depgate needs, in the repository's own words.

It writes what is missing and keeps what is there: the configuration, the proposals folder with its
template, proposal 0001 describing the process, the generated index and four workflows. Everything it
writes is rendered from templates shipped in `depgate/proposals/templates/init-*.j2`, from values that
were checked first (a prefix, a folder, a branch and an action reference of safe characters), so the
output is the same bytes for the same input and cannot be steered into another file or YAML key.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from depgate.commands._common import add_repo_option, created_date, inside, resolve_root
from depgate.commands.index import index_json_data, index_json_path
from depgate.config import PYPROJECT, YAML_PATHS, Config, ProposalsConfig, load_config, load_config_from
from depgate.errors import ConfigError, UsageError
from depgate.fsutil import atomic_write_text
from depgate.git import Git
from depgate.proposals.adoption import (
    DEFAULT_PREFIX,
    WORKFLOWS,
    is_pinned,
    render_config,
    render_process,
    render_template,
    render_workflow,
)
from depgate.proposals.folder import index_path, load_folder, template_path
from depgate.proposals.index import build_context, default_file, render_region, splice
from depgate.proposals.index_json import build_index_data, dumps_index, index_stale
from depgate.proposals.numbering import check_one_line, slugify, used_numbers
from depgate.tree import DiskTree

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

if TYPE_CHECKING:
    from collections.abc import Iterable

    from depgate.console import Console
    from depgate.proposals.folder import FolderDocument

NAME = "init"
HELP = "Set a repository up for depgate: proposals folder, template, process proposal, index, config, workflows."
EXIT_CODES = {
    0: "done: the missing files were written (or listed, with --dry-run), the existing ones kept",
    2: "usage or environment error (not a git repository, a folder that cannot be written, an invalid existing "
       "configuration or one that disagrees with --prefix/--directory)",
}
DESCRIPTION = """\
Create what a repository needs to use depgate, in its own words, and keep whatever is already there:

  the configuration        .github/depgate.yml (or [tool.depgate] in pyproject.toml with
                           --config-format pyproject)
  the proposals folder     deps/ with TEMPLATE.md, proposal 0001 describing the process, INDEX.md
                           and index.json (unless `proposals.index-json` is null)
  four workflows           the pull-request check (read-only, fork-safe), its privileged publish step
                           (workflow_run), the lint of proposals and the scheduled index

An existing file is never overwritten: it is reported as kept, so a partly adopted repository only
gets what it lacks, and a second run changes nothing. The prefix and the folder come from --prefix and
--directory, else from an existing configuration, else DEP and deps. The workflows use the action
--action names; without it, the GitHub commit this depgate was installed from (`pip install
git+https://github.com/<owner>/depgate@<tag>` records it), else the placeholder depgate/depgate@v1,
which you must pin to a full commit before you merge. Prints what it created, what it kept and what
to do next; --dry-run writes nothing.

examples:
  depgate init
  depgate init --prefix RFC --directory rfcs --config-format pyproject
  depgate init --action my-org/depgate@3f2c1e0d9b8a7c6e5f4d3c2b1a0f9e8d7c6b5a49 --dry-run
"""

#: Used when the repository has no configuration and no --prefix / --directory.
DEFAULT_DIRECTORY = "deps"
#: The action reference written when --action is not given: a tag the user must replace by a commit.
PLACEHOLDER_ACTION = "depgate/depgate@v1"

_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9]{0,15}")
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")
_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]{0,99}")
_ACTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}(?:/[A-Za-z0-9._-]{1,100})*"
                     r"@[A-Za-z0-9][A-Za-z0-9._/-]{0,199}")
_SHA = re.compile(r"[0-9a-f]{40}")


# -- checked inputs -----------------------------------------------------------------------------------------------


def check_prefix(value: str, source: str | None = None) -> str:
    """Return a proposal prefix that is safe in file contents, regular expressions and label names.

    Raises:
        UsageError: it is not 1 to 16 ASCII letters and digits starting with a letter.
    """
    if not _PREFIX.fullmatch(value):
        raise UsageError(f"the prefix must be 1 to 16 ASCII letters and digits, starting with a letter, "
                         f"not {value[:40]!r}", path=source, hint="e.g. --prefix RFC")
    defaults = ProposalsConfig()
    if value in (*defaults.required_headers[1:], *defaults.optional_headers):
        # The prefix is also the key of the number's header line (`RFC: 0001`), so it cannot be another header.
        raise UsageError(f"the prefix must not be the name of a header, not {value!r}", path=source,
                         hint="e.g. --prefix RFC")
    return value


def check_directory(value: str, source: str | None = None) -> str:
    """Return the proposals folder as a clean repository-relative POSIX path.

    Raises:
        UsageError: the path is absolute, climbs out with `..`, enters `.git`, or has a segment that is
            not letters, digits, `.`, `_` and `-`.
    """
    hint = "use a folder inside the repository, e.g. --directory rfcs or --directory docs/proposals"
    if value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", value):
        raise UsageError(f"the proposals folder must be relative to the repository root, not {value[:80]!r}",
                         path=source, hint=hint)
    parts = value.strip("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise UsageError(f"the proposals folder must stay inside the repository: {value[:80]!r} has an empty, "
                         "`.` or `..` segment", path=source, hint=hint)
    bad = next((part for part in parts if not _SEGMENT.fullmatch(part)), None)
    if bad is not None:
        raise UsageError(f"the proposals folder segment {bad[:40]!r} must be letters, digits, `.`, `_` or `-`",
                         path=source, hint=hint)
    if parts[0].lower() == ".git":
        raise UsageError("the proposals folder must not be inside `.git`", path=source, hint=hint)
    return "/".join(parts)


def check_action(value: str) -> tuple[str, str]:
    """Split an `owner/repo[/path]@ref [# tag]` action reference into the reference and its comment.

    Raises:
        UsageError: it is a local path, a Docker image or holds characters a reference cannot have.
    """
    ref, _, comment = value.partition(" # ")
    if not _ACTION.fullmatch(ref) or ".." in ref or (comment and not _BRANCH.fullmatch(comment)):
        raise UsageError(f"--action must be `owner/repository@ref`, e.g. `my-org/depgate@<40-hex commit>`, "
                         f"not {value[:80]!r}")
    return ref, comment


_GITHUB_URL = re.compile(r"(?:git\+)?(?:https://(?:[^@/]+@)?|ssh://git@|git@)github\.com[/:]"
                         r"(?P<owner>[A-Za-z0-9][A-Za-z0-9-]{0,38})/(?P<repo>[A-Za-z0-9._-]{1,100}?)(?:\.git)?/?")


def action_from_direct_url(text: str) -> str | None:
    """Turn pip's record of a git install (`direct_url.json`) into a pinned `owner/repo@<commit>` reference.

    Installing depgate with `pip install git+https://github.com/<owner>/depgate@<tag>` records the exact
    commit; the workflows can then use the action from that very commit.

    Args:
        text: The content of `direct_url.json` (PEP 610).

    Returns:
        The reference with the requested tag or branch as a comment (`owner/depgate@<sha> # v1`), or None
        when depgate was not installed from a commit of a GitHub repository.

    Examples:
        >>> action_from_direct_url('{"url": "https://github.com/o/depgate", "vcs_info": {"vcs": "git", '
        ...     '"commit_id": "3f2c1e0d9b8a7c6e5f4d3c2b1a0f9e8d7c6b5a49", "requested_revision": "v1"}}')
        'o/depgate@3f2c1e0d9b8a7c6e5f4d3c2b1a0f9e8d7c6b5a49 # v1'
    """
    try:
        data = json.loads(text)
    except ValueError:
        return None
    vcs = data.get("vcs_info") if isinstance(data, dict) else None
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(vcs, dict) or vcs.get("vcs") != "git" or not isinstance(url, str):
        return None
    commit, wanted = vcs.get("commit_id"), vcs.get("requested_revision")
    match = _GITHUB_URL.fullmatch(url)
    if match is None or not isinstance(commit, str) or not _SHA.fullmatch(commit):
        return None
    ref = f"{match['owner']}/{match['repo']}@{commit}"
    if isinstance(wanted, str) and wanted != commit and _BRANCH.fullmatch(wanted):
        ref += f" # {wanted}"
    return ref


def _installed_action() -> str:
    """The action at the commit this depgate was installed from, else the placeholder."""
    from importlib import metadata

    try:
        text = metadata.distribution("depgate").read_text("direct_url.json")
    except (metadata.PackageNotFoundError, OSError):
        return PLACEHOLDER_ACTION
    return (action_from_direct_url(text) if text else None) or PLACEHOLDER_ACTION


def _detect_branch(root: Path) -> str:
    """The default branch: origin's, else the current one, else `main`."""
    git = Git(root)
    remote = git.run("symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD", check=False)
    name = remote.decode("utf-8", "replace").strip().removeprefix("origin/")
    if not _BRANCH.fullmatch(name):
        name = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False).decode("utf-8", "replace").strip()
    return name if _BRANCH.fullmatch(name) and ".." not in name else "main"


def _detect_author(root: Path, given: str | None) -> str:
    if given is not None:
        return check_one_line(given, "author")
    name = Git(root).run("config", "user.name", check=False).decode("utf-8", "replace").strip()
    return check_one_line(name, "author") if name and "\n" not in name else "The maintainers"


def _found_packages(root: Path, roots: Iterable[str]) -> list[str]:
    """Top-level packages (folders with an `__init__.py`) under the source roots; listed only, never imported."""
    found = []
    for source in roots:
        tree = DiskTree(root)
        for path, kind in tree.entries("" if source == "." else source):
            name = path.rsplit("/", 1)[-1]
            is_package = tree.size(f"{path}/__init__.py") is not None
            if kind == "dir" and name.isidentifier() and name.isascii() and is_package:
                found.append(f"{name} ({source}/)" if source != "." else name)
    return found


# -- the plan ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One file `init` writes or keeps."""

    #: Repository-relative POSIX path.
    path: str
    #: What it is, for the user (`the RFC template`).
    what: str
    #: The new text; None when the file is kept.
    text: str | None = None
    #: `created`, `kept` (it exists and is left alone), or `updated` (a table added to pyproject.toml).
    state: str = "created"


class _Overlay:
    """The work tree with the planned files laid over it, so the index sees the proposal about to be written."""

    def __init__(self, root: Path, planned: dict[str, str]):
        self._disk = DiskTree(root)
        self._planned = planned
        self.label = "work tree"

    def entries(self, folder: str) -> list[tuple[str, str]]:
        listed = dict(self._disk.entries(folder))
        prefix = f"{folder.strip('/')}/"
        for path in self._planned:
            if path.startswith(prefix) and "/" not in path[len(prefix):]:
                listed.setdefault(path, "file")
        return sorted(listed.items())

    def size(self, path: str) -> int | None:
        text = self._planned.get(path)
        return len(text.encode("utf-8")) if text is not None else self._disk.size(path)

    def read(self, path: str) -> bytes | None:
        text = self._planned.get(path)
        return text.encode("utf-8") if text is not None else self._disk.read(path)


# -- safety of the targets -----------------------------------------------------------------------------------------


def _check_parents(root: Path, rel: str) -> None:
    """Refuse a target whose existing parent folders include a link or a file: writing there could leave the
    repository or fail half-way."""
    current = root
    for part in rel.split("/")[:-1]:
        current = current / part
        if current.is_symlink():
            raise UsageError("this folder is a symbolic link; depgate init does not write through links",
                             path=str(current.relative_to(root)), hint="replace the link by a folder")
        if current.exists() and not current.is_dir():
            raise UsageError("this path must be a folder but is a file", path=str(current.relative_to(root)),
                             hint="rename the file, or choose another --directory")


def _check_writable(root: Path, rel: str) -> None:
    """Refuse early, before anything is written, when the nearest existing folder cannot be written."""
    current = (root / rel).parent
    while not current.exists() and current != root:
        current = current.parent
    if not os.access(current, os.W_OK | os.X_OK):
        shown = str(current.relative_to(root)) if current != root else "."
        raise UsageError("this folder cannot be written; nothing was written", path=shown,
                         hint="fix its permissions and run `depgate init` again")


def _exists(root: Path, rel: str) -> bool:
    return os.path.lexists(root / rel)


# -- planning ---------------------------------------------------------------------------------------------------------


def _resolve_layout(root: Path, args: argparse.Namespace) -> tuple[Config, bool]:
    """Return the configuration to speak with, and whether it already exists in the repository.

    Raises:
        ConfigError: the existing configuration is invalid (the error names its file and line).
        UsageError: --prefix or --directory disagree with it, or either is unsafe.
    """
    existing = load_config(root)
    found = existing.source != Config().source
    prefix = check_prefix(args.prefix) if args.prefix is not None else None
    directory = check_directory(args.directory) if args.directory is not None else None
    if found:
        pconf = existing.proposals
        for flag, given, current, key in (("--prefix", prefix, pconf.prefix, "prefix"),
                                          ("--directory", directory, pconf.directory.strip("/"), "directory")):
            if given is not None and given != current:
                raise UsageError(f"{flag} {given} disagrees with the configuration, which says {current!r}; "
                                 "depgate init keeps an existing configuration", path=existing.source,
                                 hint=f"drop {flag}, or set `proposals.{key}: {given}` in {existing.source} first")
        check_prefix(pconf.prefix, existing.source)
        clean = check_directory(pconf.directory, existing.source)
        return dataclasses.replace(existing, proposals=dataclasses.replace(pconf, directory=clean)), True
    pconf = dataclasses.replace(ProposalsConfig(), prefix=prefix or DEFAULT_PREFIX,
                                directory=directory or DEFAULT_DIRECTORY)
    return Config(proposals=pconf), False


def _config_plan(root: Path, config: Config, exists: bool, kind: str, found: list[str]) -> Planned:
    if exists:
        shown = config.source.split(" ", 1)[0]
        return Planned(shown, "the configuration", state="kept")
    text = render_config(kind, config.proposals, found)
    if kind == "yml":
        return Planned(YAML_PATHS[0], "the configuration", text)
    current = DiskTree(root).read(PYPROJECT)
    if current is None:
        if _exists(root, PYPROJECT):
            raise UsageError("pyproject.toml exists but is not a regular file", path=PYPROJECT,
                             hint="use --config-format yml")
        return Planned(PYPROJECT, "the configuration ([tool.depgate])", text.lstrip("\n"))
    try:
        old = current.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError("pyproject.toml is not UTF-8 text", path=PYPROJECT, hint="use --config-format yml") from None
    new = old + ("" if old.endswith("\n") or not old else "\n") + text
    try:
        tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"adding [tool.depgate] would make pyproject.toml invalid TOML ({exc})", path=PYPROJECT,
                         hint="add the table by hand, or use --config-format yml") from None
    return Planned(PYPROJECT, "the configuration ([tool.depgate] added)", new, state="updated")


def _load_planned_config(plan: Planned, root: Path) -> Config:
    """Read the configuration about to be written with depgate's own loader: what init writes must load."""

    def read(rel: str) -> str | None:
        if rel == plan.path:
            return plan.text
        return None

    try:
        return load_config_from(read)
    except ConfigError as exc:  # pragma: no cover - a bug in the shipped templates, not a user mistake
        raise ConfigError(f"depgate init produced an invalid configuration: {exc.message}", path=plan.path) from None


def _process_plan(root: Path, config: Config, args: argparse.Namespace, branch: str, created: dt.date) -> Planned:
    """Plan proposal 1, the process; when the number is taken, the document holding it is kept instead."""
    pconf = config.proposals
    tree = DiskTree(root)
    names = [path.rsplit("/", 1)[-1] for path, _ in tree.entries(pconf.directory)]
    documents = load_folder(tree, pconf)
    taken = used_numbers((doc.proposal for doc in documents), names)
    if 1 in taken:
        holder = next((doc.path for doc in documents if doc.proposal.number == 1), None)
        holder = holder or next((f"{pconf.directory}/{n}" for n in names if n.split("-", 1)[0].lstrip("0") == "1"),
                                f"{pconf.directory}/")
        label = f"{pconf.prefix}-{1:0{pconf.number_width}d}"
        return Planned(holder, f"{label} (the number of the process proposal is taken)", state="kept")
    rel = f"{pconf.directory}/{1:0{pconf.number_width}d}-{slugify(pconf.prefix + ' process')}.md"
    author = _detect_author(root, args.author)
    text = render_process(config, author=author, created=created, branch=branch, taken=taken)
    return Planned(rel, f"{pconf.prefix}-{1:0{pconf.number_width}d}, the {pconf.prefix} process", text)


def _index_plan(root: Path, config: Config, planned: list[Planned]) -> tuple[list[Planned], bool]:
    """Plan the indexes from the folder as it will be; also tell whether a kept index is stale."""
    pconf = config.proposals
    rel = index_path(pconf)
    overlay = _Overlay(root, {p.path: p.text for p in planned if p.text is not None})
    documents = load_folder(overlay, pconf)
    names = [path.rsplit("/", 1)[-1] for path, _ in overlay.entries(pconf.directory)]
    proposals = [doc.proposal for doc in documents]
    own = None
    if pconf.index_template is not None:
        data = DiskTree(root).read(pconf.index_template)
        if data is None:
            raise ConfigError("index template not found (it must be a regular file inside the repository)",
                              path=pconf.index_template, hint="fix `proposals.index-template` or remove it")
        own = data.decode("utf-8", "replace")
    context = build_context(proposals, pconf, index_path=rel, taken=used_numbers(proposals, names))
    region = render_region(context, own, template_name=pconf.index_template)
    json_plans, json_stale = _index_json_plan(root, config, documents)
    if not _exists(root, rel):
        return [Planned(rel, f"the {pconf.prefix} index", default_file(region, pconf.prefix)), *json_plans], json_stale
    current = DiskTree(root).read(rel)
    try:
        stale = current is None or splice(current.decode("utf-8"), region, rel) != current.decode("utf-8")
    except (UsageError, UnicodeDecodeError):
        stale = True
    return [Planned(rel, f"the {pconf.prefix} index", state="kept"), *json_plans], stale or json_stale


def _index_json_plan(root: Path, config: Config, documents: list[FolderDocument]) -> tuple[list[Planned], bool]:
    """Plan index.json (none when `proposals.index-json` is null); also tell whether a kept one is stale.

    Raises:
        ConfigError: `proposals.index-json` leaves the proposals folder or names a Markdown file.
    """
    from depgate import __version__

    rel = index_json_path(config)
    if rel is None:
        return [], False
    if not inside(root / config.proposals.directory, (root / rel).parent):
        raise ConfigError("`proposals.index-json` must name a file inside the proposals folder "
                          "(`proposals.directory`)", path=rel)
    what = f"the {config.proposals.prefix} index as JSON"
    if not _exists(root, rel):
        # NOTE: the history and the API are read as they are now; the process proposal is not committed yet.
        return [Planned(rel, what, dumps_index(index_json_data(documents, config, git=Git(root))))], False
    current = DiskTree(root).read(rel)
    try:
        text = current.decode("utf-8") if current is not None else None
    except UnicodeDecodeError:
        text = None
    expected = build_index_data(documents, config, history=None, symbols={}, version=__version__)
    return [Planned(rel, what, state="kept")], index_stale(text, expected)


@dataclass
class InitResult:
    """What `init` did (or would do), for the text and JSON renderers."""

    prefix: str
    directory: str
    config_path: str
    branch: str
    action: str
    dry_run: bool
    files: list[Planned]
    next_steps: list[str]
    #: The label of proposal 1 in the repository's words (`RFC-0001`).
    first_label: str = ""

    def details(self) -> dict[str, Any]:
        """Plain data for `--format json` (version 1 of its shape)."""
        def state(p: Planned) -> str:
            return p.state if not self.dry_run or p.state == "kept" else f"would-be-{p.state}"

        return {"version": 1, "dry_run": self.dry_run, "prefix": self.prefix, "directory": self.directory,
                "config": self.config_path, "branch": self.branch, "action": self.action,
                "files": [{"path": p.path, "what": p.what, "state": state(p)} for p in self.files],
                "next_steps": self.next_steps}


def _group(path: str, directory: str) -> str:
    """The folder a new file is committed with: the proposals folder, the workflows folder, else the file."""
    for folder in (directory, ".github/workflows"):
        if path.startswith(folder + "/"):
            return folder
    return path


def _next_steps(result: InitResult, *, packages: list[str], stale_index: bool, pinned: bool,
                workflows_written: bool) -> list[str]:
    prefix, directory = result.prefix, result.directory
    written = [p.path for p in result.files if p.state != "kept"]
    steps = []
    if result.dry_run and written:
        steps.append("run `depgate init` again without --dry-run to write these files")
    if stale_index:
        steps.append("regenerate the index, which is out of date: depgate index --write")
    if workflows_written and not pinned:
        steps.append(f"pin the action: in .github/workflows/depgate*.yml replace `{result.action}` by "
                     "`<owner>/depgate@<full 40-character commit SHA> # <tag>` of the release you trust")
    if not packages:
        steps.append(f"no Python package was found under . or src: set `api.packages` and `api.source-roots` "
                     f"in {result.config_path}")
    if written:
        folders = sorted({_group(path, directory) for path in written})
        steps.append(f"review and commit the new files: git add {' '.join(folders)} && "
                     f"git commit -m \"docs: adopt the {prefix} process ({result.first_label})\"")
    steps.append(f"write your first {prefix}: depgate new \"<title>\", fill it in under {directory}/, then "
                 "depgate lint && depgate index --write")
    steps.append(f"once the workflows are on {result.branch}, make the `{prefix} check` job a required status "
                 f"check of {result.branch}, so no pull request merges without the {prefix} it needs")
    return steps


def plan(root: Path, args: argparse.Namespace) -> InitResult:
    """Decide every file `init` writes or keeps, without writing anything.

    Args:
        root: The repository's root.
        args: The parsed command line.

    Returns:
        The files with their new text (None for those kept) and the next steps.

    Raises:
        ConfigError: the existing configuration is invalid.
        UsageError: an unsafe or conflicting option, or a target that cannot be written.
    """
    if args.old_config is not None:
        raise UsageError(f"depgate init has no --config; to choose where the configuration goes, use "
                         f"--config-format yml or --config-format pyproject, not --config {args.old_config[:80]!r}",
                         hint="in depgate's other commands, --config FILE names an existing configuration file")
    created = created_date(args.date)
    action, tag = check_action(args.action if args.action is not None else _installed_action())
    branch = args.branch if args.branch is not None else _detect_branch(root)
    if not _BRANCH.fullmatch(branch) or ".." in branch:
        raise UsageError(f"--branch must be a branch name of letters, digits, `.`, `_`, `-` and `/`, "
                         f"not {branch[:80]!r}")
    config, exists = _resolve_layout(root, args)
    packages = _found_packages(root, config.api.source_roots)
    files: list[Planned] = []
    config_plan = _config_plan(root, config, exists, args.config_format, packages)
    files.append(config_plan)
    if not exists:
        config = _load_planned_config(config_plan, root)
    pconf = config.proposals
    json_rel = index_json_path(config)
    for rel in (template_path(pconf), index_path(pconf), *([json_rel] if json_rel else []),
                *(path for _, path, _ in WORKFLOWS)):
        _check_parents(root, rel)
    if _exists(root, pconf.directory) and not (root / pconf.directory).is_dir():
        raise UsageError("the proposals folder exists but is not a folder", path=pconf.directory,
                         hint="rename the file, or choose another --directory")
    rel = template_path(pconf)
    files.append(Planned(rel, f"the {pconf.prefix} template", state="kept")
                 if _exists(root, rel) else Planned(rel, f"the {pconf.prefix} template", render_template(pconf)))
    files.append(_process_plan(root, config, args, branch, created))
    indexes, stale = _index_plan(root, config, files)
    files.extend(indexes)
    written_workflows = False
    for kind, path, what in WORKFLOWS:
        if _exists(root, path):
            files.append(Planned(path, f"workflow: {what}", state="kept"))
            continue
        written_workflows = True
        files.append(Planned(path, f"workflow: {what}", render_workflow(
            kind, pconf, action=action, tag=tag, branch=branch, config_path=config_plan.path)))
    result = InitResult(prefix=pconf.prefix, directory=pconf.directory, config_path=config_plan.path,
                        branch=branch, action=action, dry_run=args.dry_run, files=files, next_steps=[],
                        first_label=f"{pconf.prefix}-{1:0{pconf.number_width}d}")
    result.next_steps = _next_steps(result, packages=packages, stale_index=stale,
                                    pinned=is_pinned(action),
                                    workflows_written=written_workflows)
    return result


def write(root: Path, files: Iterable[Planned]) -> None:
    """Write the planned files that are new, atomically, never replacing one that appeared meanwhile.

    Raises:
        UsageError: a file or folder cannot be written.
    """
    todo = [p for p in files if p.text is not None]
    for item in todo:
        _check_writable(root, item.path)
    for item in todo:
        target = root / item.path
        if item.state == "created" and _exists(root, item.path):
            continue  # appeared since the plan: keep it, as with any existing file
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(target, item.text or "")
        except OSError as exc:
            raise UsageError(f"cannot write the file: {exc.strerror or exc}", path=item.path,
                             hint="fix the folder's permissions and run `depgate init` again; it only writes "
                                  "what is missing") from None


# -- the command ------------------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    inputs = parser.add_argument_group("inputs")
    add_repo_option(inputs, "the git repository to set up")
    words = parser.add_argument_group("the repository's words (default: its configuration, else DEP and deps)")
    words.add_argument("--prefix", metavar="NAME", default=None,
                       help="prefix of proposal names, e.g. RFC for RFC-0001 (letters and digits)")
    words.add_argument("--directory", metavar="PATH", default=None,
                       help="folder of the proposals, relative to the repository root, e.g. rfcs")
    words.add_argument("--author", metavar="TEXT", default=None,
                       help="Author of the process proposal (default: git config user.name)")
    words.add_argument("--date", metavar="YYYY-MM-DD", default=None,
                       help="Created date of the process proposal (default: today); for reproducible output")
    files = parser.add_argument_group("what to write")
    files.add_argument("--config-format", choices=("yml", "pyproject"), default="yml",
                       help="where a new configuration goes: .github/depgate.yml (yml, the default) or a "
                            "[tool.depgate] table added to pyproject.toml (pyproject)")
    # NOTE: `--config` names a configuration file in every other command; here it was the format. Kept hidden so
    # an old command line gets a clear error, not argparse's abbreviation of `--config-format`.
    files.add_argument("--config", dest="old_config", default=None, help=argparse.SUPPRESS)
    files.add_argument("--action", metavar="OWNER/REPO@REF", default=None,
                       help="the action the workflows use, best a full commit SHA (default: the GitHub commit "
                            f"this depgate was installed from with pip, else {PLACEHOLDER_ACTION}, a placeholder "
                            "to replace)")
    files.add_argument("--branch", metavar="NAME", default=None,
                       help="the default branch the workflows watch (default: origin's, else the current one)")
    output = parser.add_argument_group("output")
    output.add_argument("--dry-run", action="store_true", help="write nothing; list what would be written")
    output.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for scripts (default: text)")


def _render_text(result: InitResult) -> str:
    lines = [f"depgate init: {result.prefix} proposals in {result.directory}/, configuration in "
             f"{result.config_path}, default branch {result.branch}" + (" (dry run: nothing written)"
                                                                           if result.dry_run else "")]
    width = max(len(p.path) for p in result.files)
    for item in result.files:
        state = item.state if not result.dry_run or item.state == "kept" else f"would be {item.state}"
        lines.append(f"  {state:<16} {item.path:<{width}}  {item.what}")
    lines += ["", "next steps:"]
    lines += [f"  {i}. {step}" for i, step in enumerate(result.next_steps, 1)]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, console: Console) -> int:
    """Run the command."""
    root = resolve_root(args.repo)
    result = plan(root, args)
    if not args.dry_run:
        write(root, result.files)
    if args.format == "json":
        console.out.write(json.dumps(result.details(), indent=2, ensure_ascii=False) + "\n")
    else:
        console.out.write(_render_text(result))
    return 0
