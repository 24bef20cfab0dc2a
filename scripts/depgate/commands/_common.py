"""What several commands share: the `--repo`, `--config` and `--format` options and what they mean.

One rule for every command, so the same option never means two things:

- `--repo PATH` (default: the current directory) is any folder inside a git repository; the command
  works on that repository's root. Commands that only read files may accept a plain folder.
- `--config FILE` is a file on disk; a relative path is taken from the **current directory**, as with
  any other command-line path. Without it, each command finds the configuration in the repository
  (`depgate check`: at the base revision).
"""

from __future__ import annotations

import datetime as dt
import enum
from pathlib import Path
from typing import TYPE_CHECKING

from depgate.config import load_config
from depgate.errors import ConfigError, GitError, UsageError
from depgate.fsutil import atomic_write_text
from depgate.proposals.model import parse_date

if TYPE_CHECKING:
    import argparse
    from collections.abc import Iterable

    from depgate.config import Config
    from depgate.console import Console

#: How a relative `--config` path is read; quoted in every command's help and in docs/configuration.md.
CONFIG_PATH_RULE = "a relative path is taken from the current directory"

#: Where the configuration is found when `--config` is not given (on disk, or at a revision for `check`).
CONFIG_SEARCH = ".github/depgate.yml, then [tool.depgate] in pyproject.toml"
_CONFIG_DEFAULT = f"the repository's {CONFIG_SEARCH}"


class OutputFormat(str, enum.Enum):
    """Every `--format` a command can offer; each command offers the subset it can render."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"
    GITHUB = "github"


def add_format_option(group: argparse._ArgumentGroup, formats: Iterable[OutputFormat], help_text: str) -> None:
    """Declare `--format` with the given choices, text being the default."""
    group.add_argument("--format", choices=[f.value for f in formats], default=OutputFormat.TEXT.value,
                       help=f"{help_text} (default: text)")


def add_repo_option(group: argparse._ArgumentGroup, what: str = "the git repository to work on") -> None:
    """Declare `--repo`; `what` says what the path may be (a bare repository, a plain folder)."""
    group.add_argument("--repo", metavar="PATH", default=None,
                       help=f"{what}, or any folder inside it (default: the current directory)")


def add_config_option(group: argparse._ArgumentGroup, default_text: str = _CONFIG_DEFAULT) -> None:
    """Declare `--config`; `default_text` says where the configuration comes from without it."""
    group.add_argument("--config", metavar="FILE", default=None,
                       help=f"configuration file ({CONFIG_PATH_RULE}; default: {default_text})")


def resolve_root(repo: str | None, console: Console | None = None, *, plain_folder: bool = False) -> Path:
    """Return the root of the repository `--repo` designates (default: the current directory's).

    Args:
        repo: The `--repo` value, or None.
        console: Where to note a fallback (with `plain_folder`).
        plain_folder: Accept a folder outside any git repository as the root (commands that only read
            files); without `--repo`, a note says so.

    Raises:
        UsageError: `--repo` is not a directory.
        GitError: the folder is not inside a git repository (and `plain_folder` is false).
    """
    from depgate.git import Git  # here, so that commands needing no repository (`rules`) do not load git

    path = Path.cwd() if repo is None else Path(repo)
    if repo is not None and not path.is_dir():
        raise UsageError("the repository path is not a directory", path=repo,
                         hint="pass --repo with an existing folder")
    try:
        return Git(path).toplevel()
    except GitError:
        if not plain_folder:
            raise
    if repo is None:
        if console is not None:
            console.note("depgate: note: not inside a git repository; using the current directory as the root")
        return path
    return path.resolve()


def load_config_file(explicit: str) -> Config:
    """Load the `--config` file; a relative path is taken from the current directory.

    Raises:
        ConfigError: the file is missing, unreadable or invalid.
    """
    return load_config(Path.cwd(), explicit)


def report_notes(config: Config, console: Console) -> None:
    """Print the configuration's notes (an ignored `[tool.depgate]` table) on stderr."""
    for note in config.notes:
        console.note(f"depgate: note: {note}")


def load_command_config(root: Path, explicit: str | None, console: Console) -> Config:
    """Load the configuration: the `--config` file, else the one found in the repository at `root`.

    Raises:
        ConfigError: the configuration is missing (when explicit), unreadable or invalid.
    """
    config = load_config(root) if explicit is None else load_config_file(explicit)
    report_notes(config, console)
    return config


def write_output(path: Path | str, text: str, what: str = "the file") -> None:
    """Write a result file atomically; a failure is a clear usage error, never a traceback.

    Raises:
        UsageError: the file cannot be written (a missing folder, no permission).
    """
    try:
        atomic_write_text(Path(path), text)
    except OSError as exc:
        raise UsageError(f"cannot write {what}: {exc.strerror or exc}", path=str(path),
                         hint="check that the folder exists and is writable") from None


def inside(root: Path, path: Path) -> bool:
    """Tell whether `path` (links resolved) lies inside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError):
        return False
    return True


_FOLDER_HINT = "create it with a TEMPLATE.md, or point `proposals.directory` at the right folder"


def require_folder(root: Path, directory: str, hint: str = _FOLDER_HINT) -> str:
    """Return the DEP folder's repository-relative path, or raise a clear error when it does not exist.

    Raises:
        ConfigError: `proposals.directory` points outside the repository.
        UsageError: the folder is missing, a link or not a directory.
    """
    rel = directory.strip("/")
    folder = root / rel
    if not inside(root, folder):
        raise ConfigError("`proposals.directory` must be a folder inside the repository", path=directory)
    if folder.is_symlink() or not folder.is_dir():
        raise UsageError("the DEP folder does not exist (or is not a directory)", path=rel,
                         hint=hint)
    return rel


def created_date(value: str | None, option: str = "--date") -> dt.date:
    """A date given on the command line (`--date YYYY-MM-DD` by default), else today.

    Raises:
        UsageError: the value is not a real date in that form.
    """
    if value is None:
        return dt.date.today()
    parsed = parse_date(value)
    if parsed is None:
        raise UsageError(f"{option} must be a real date written YYYY-MM-DD, not {value!r}")
    return parsed
