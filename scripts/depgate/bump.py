"""The release a change implies: `major`, `minor`, `patch` or `none`, and what semantic-release would make of it.

Pure, like `depgate.verdict`, which calls it: the API changes, the changed paths and the project's version
(read statically by `depgate.commands.check`: `read_project_version`) in, a `Bump` and a `Release` out.

- `major`: a breaking change (or a file the public API depends on that cannot be analysed: depgate cannot
  vouch that it does not break, so it assumes the worst, as the verdict does);
- `minor`: new public API (an addition, an abstraction, a strategy; or a public name that cannot be found
  statically, which is at least that);
- `patch`: a code change with no public impact: a Python file outside the tests, docs and proposals changed;
- `none`: no code change (only docs, tests, proposals, CI or other files).

Under a `0.x` version python-semantic-release's `major_on_zero` decides a breaking change: true (its default)
releases `1.0.0`, false bumps the minor (`0.16.0` -> `0.17.0`). `verdict.major-on-zero` follows it (`auto`: the
project's own `[tool.semantic_release]` setting) or overrides it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.report.model import Bump, Release

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

#: A release version as semantic-release writes it (`0.16.0`), with an optional `v` in a tag (`v0.16.0`).
_VERSION = re.compile(r"^v?(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$")
#: Folders whose files never ship in the package: a change only there releases nothing.
NON_CODE_FOLDERS = frozenset({"tests", "test", "docs", "doc", "examples", "benchmarks", "bench"})
#: Python files that are tests wherever they are.
_TEST_FILE = re.compile(r"(?:^|/)(?:test_[^/]*|[^/]*_test|conftest)\.pyi?$")
#: Change categories and the bump each needs (`depgate.api.kinds.Category` values).
_CATEGORY_BUMP = {"breaking": Bump.MAJOR, "abstraction": Bump.MINOR, "strategy": Bump.MINOR, "addition": Bump.MINOR}
#: The Conventional Commit types python-semantic-release releases as a patch by default (`patch_tags`).
PATCH_TYPES = frozenset({"fix", "perf"})
#: The type it releases as a minor (`minor_tags`).
MINOR_TYPES = frozenset({"feat"})
_TYPE = re.compile(r"^\s*([A-Za-z]+)(?:\([^()\r\n]*\))?(!?):")


@dataclass(frozen=True)
class ProjectVersion:
    """The project's current version, read statically at the base revision.

    Attributes:
        version: `0.16.0`, without a `v`.
        source: Where it was read: `pyproject.toml` or `tag v0.16.0`.
        major_on_zero: python-semantic-release's `major_on_zero` from `[tool.semantic_release]`, None when unset.
    """

    version: str
    source: str
    major_on_zero: bool | None = None


def parse_version(text: str) -> tuple[int, int, int] | None:
    """Read a plain `X.Y.Z` release version (a tag may start with `v`); None for anything else.

    Examples:
        >>> parse_version("v0.16.0"), parse_version("1.2.3rc1"), parse_version("1.2")
        ((0, 16, 0), None, None)
    """
    match = _VERSION.match(text.strip())
    return None if match is None else (int(match[1]), int(match[2]), int(match[3]))


def is_code(path: str, proposals_directory: str) -> bool:
    """Tell whether a changed path is code that ships: a Python file outside tests, docs and the proposals folder.

    Examples:
        >>> [is_code(p, "deps") for p in ("d9d/loop.py", "tests/test_loop.py", "docs/x.md", "d9d/tests/a.py")]
        [True, False, False, False]
    """
    if not path.endswith((".py", ".pyi")) or _TEST_FILE.search(path):
        return False
    folder = proposals_directory.strip("/")
    if folder and path.startswith(folder + "/"):
        return False
    return not any(part in NON_CODE_FOLDERS for part in path.split("/")[:-1])


def impact(categories: Iterable[str], paths: Iterable[str], proposals_directory: str, *,
           fails_closed: bool = False, forces_review: bool = False) -> Bump:
    """The bump semantic versioning asks for, before any 0.x convention.

    Args:
        categories: The categories of the change's API changes (`breaking`, `addition`...).
        paths: Every changed path (old and new names of renames).
        proposals_directory: The proposals folder, whose files are never code.
        fails_closed: A file the public API depends on cannot be analysed (the verdict's V112).
        forces_review: A public name cannot be found statically (the verdict's V107).
    """
    found = [_CATEGORY_BUMP.get(category, Bump.MINOR) for category in categories]
    if fails_closed:
        found.append(Bump.MAJOR)
    if forces_review:
        found.append(Bump.MINOR)
    if any(is_code(path, proposals_directory) for path in paths):
        found.append(Bump.PATCH)
    return max(found, key=Bump.rank, default=Bump.NONE)


def next_version(version: tuple[int, int, int], bump: Bump) -> tuple[int, int, int]:
    """The version a release of `bump` gives after `version` (`none`: the same)."""
    major, minor, patch = version
    if bump is Bump.MAJOR:
        return major + 1, 0, 0
    if bump is Bump.MINOR:
        return major, minor + 1, 0
    if bump is Bump.PATCH:
        return major, minor, patch + 1
    return version


def resolve_major_on_zero(setting: bool | str, project: ProjectVersion | None) -> bool:
    """Resolve `verdict.major-on-zero`: true, false, or `auto` (the project's semantic-release setting, else true)."""
    if setting == "auto":
        return True if project is None or project.major_on_zero is None else project.major_on_zero
    return bool(setting)


def release(change_impact: Bump, project: ProjectVersion | None, setting: bool | str) -> tuple[Bump, Release | None]:
    """Apply semantic-release's 0.x convention to a change's impact.

    Returns:
        The bump to report, and the release it makes of the project's version (None when no version is known).

    Examples:
        >>> release(Bump.MAJOR, ProjectVersion("0.16.0", "pyproject.toml", False), "auto")[0].value
        'minor'
        >>> release(Bump.MAJOR, ProjectVersion("0.16.0", "pyproject.toml"), "auto")[1].next_version
        '1.0.0'
    """
    if project is None or (current := parse_version(project.version)) is None:
        return change_impact, None
    on_zero = resolve_major_on_zero(setting, project)
    bump = change_impact
    if current[0] == 0 and bump is Bump.MAJOR and not on_zero:
        bump = Bump.MINOR
    nxt = None if bump is Bump.NONE else ".".join(map(str, next_version(current, bump)))
    return bump, Release(version=project.version, source=project.source, impact=change_impact, next_version=nxt,
                         major_on_zero=on_zero)


def title_type(title: str) -> tuple[str, bool] | None:
    """The Conventional Commit type of a title, lower-cased, and whether it has `!`; None when it has none.

    Examples:
        >>> title_type("Fix(loop)!: drop x"), title_type("Release 1.0")
        (('fix', True), None)
    """
    match = _TYPE.match(title)
    return None if match is None else (match[1].lower(), bool(match[2]))


# -- reading the version (text in, no git) ------------------------------------------------------------------------

def version_from_pyproject(text: str | None) -> tuple[str | None, bool | None]:
    """Read `[project] version` (else `[tool.poetry] version`) and semantic-release's `major_on_zero`.

    Returns:
        The version when it is a plain `X.Y.Z` (a dynamic or pre-release one is not a release: None), and the
        `[tool.semantic_release] major_on_zero` setting when it is a boolean. A file that is not TOML gives
        `(None, None)`: the configuration loader reports it.
    """
    if not text:
        return None, None
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None, None
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    candidates = [_get(data, "project", "version"), _get(tool, "poetry", "version")]
    version = next((v for v in candidates if isinstance(v, str) and parse_version(v) is not None), None)
    setting = _get(tool, "semantic_release", "major_on_zero")
    return version, setting if isinstance(setting, bool) else None


def _get(data: object, table: str, key: str) -> object:
    section = data.get(table) if isinstance(data, dict) else None
    return section.get(key) if isinstance(section, dict) else None


def latest_release_tag(tags: Sequence[str]) -> tuple[str, str] | None:
    """The highest `X.Y.Z` or `vX.Y.Z` tag, as `(tag, version)`; None when there is none."""
    releases = [(parse_version(tag), tag) for tag in tags]
    best = max(((v, tag) for v, tag in releases if v is not None), default=None)
    return None if best is None else (best[1], ".".join(map(str, best[0])))


def project_version(pyproject: str | None, tags: Sequence[str]) -> ProjectVersion | None:
    """The project's version: `pyproject.toml`'s when it is a plain release, else the latest release tag.

    The file wins because semantic-release writes the version there (`version_toml`) in the commit it tags, so
    at a release they agree, and between releases the file is what the code declares; a tag is what is left
    when the version is dynamic (set from tags at build time).
    """
    version, on_zero = version_from_pyproject(pyproject)
    if version is not None:
        return ProjectVersion(version, "pyproject.toml", on_zero)
    tag = latest_release_tag(tags)
    return None if tag is None else ProjectVersion(tag[1], f"tag {tag[0]}", on_zero)
