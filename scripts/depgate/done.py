"""DEP-0001's definition of done: the checklist of a change that needs a DEP or implements one. Pure.

DEP-0001 says a feature is complete with its implementation, its tests, docstrings on its public API and its
documentation. For a change whose verdict is `required`, or that links a DEP, `checklist` says which of the
four the change brings, from what it changes: code in the analysed packages, files matching `done.tests`, the
public objects it adds or changes without a docstring (A930), files matching `done.docs`. Nothing is run or
imported; `done.policy` decides whether a missing item fails the check (`required`) or is only shown.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from depgate.api.kinds import PUBLIC_OBJECT_UNDOCUMENTED
from depgate.bump import is_code
from depgate.report.model import DONE_ITEMS, Done, DoneItem, Verdict

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from depgate.config import Config
    from depgate.diagnostics import Diagnostic
    from depgate.git import ChangedFile


@functools.lru_cache(maxsize=256)
def _glob_regex(glob: str) -> re.Pattern[str]:
    """Translate a path glob: `**` spans folders, `*` and `?` stay within one, a glob without `/` is a file name."""
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:[^/]*/)*")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    body = "".join(out)
    return re.compile(body if "/" in glob else f"(?:.*/)?{body}")


def path_matches(path: str, globs: Iterable[str]) -> bool:
    """Tell whether a repository path matches one of the globs.

    Examples:
        >>> [path_matches(p, ["tests/**", "test_*.py"]) for p in ("tests/a/b.py", "d9d/test_x.py", "d9d/x.py")]
        [True, True, False]
    """
    return any(_glob_regex(glob).fullmatch(path) for glob in globs)


def needs_checklist(verdict: Verdict, linked: bool, config: Config) -> bool:
    """A checklist is due when the change needs a DEP or links one, unless it only edits proposals or it is off."""
    if config.done.policy == "off" or verdict is Verdict.PROPOSAL:
        return False
    return verdict is Verdict.REQUIRED or linked


def _in_packages(path: str, packages: Sequence[str]) -> bool:
    # A package's top-level folder appears as one component of its files' paths (`src/d9d/loop.py`).
    return not packages or any(part in packages for part in path.split("/")[:-1])


def checklist(changed: Sequence[ChangedFile], problems: Sequence[Diagnostic], packages: Sequence[str],
              config: Config) -> Done:
    """Build the checklist of a change.

    Args:
        changed: The changed files.
        problems: The analysis findings; the A930 ones name the undocumented public objects.
        packages: The top-level packages the API analysis read (empty: any code counts).
        config: The configuration (`done.*`, and `proposals.directory`, whose files are neither code nor docs).

    Returns:
        One item per `DONE_ITEMS`, each with what was found.
    """
    settings = config.done
    folder = config.proposals.directory.strip("/")
    paths = sorted({item.path for item in changed})
    # A deleted test or page is not one the change brings; deleted code is still an implementation change.
    kept = sorted({item.path for item in changed if item.status != "D"})
    tests = [p for p in kept if path_matches(p, settings.tests)]
    code = [p for p in paths
            if not path_matches(p, settings.tests) and is_code(p, folder) and _in_packages(p, packages)]
    docs = [p for p in kept if path_matches(p, settings.docs) and not (folder and p.startswith(folder + "/"))]
    undocumented = list(dict.fromkeys(str(d.details.get("symbol") or d.location.path) for d in problems
                                      if d.code == PUBLIC_OBJECT_UNDOCUMENTED.code))
    where_docs = ", ".join(settings.docs) or "no glob"
    where_tests = ", ".join(settings.tests) or "no glob"
    found = {
        "implementation": (code, f"{len(code)} code file(s) of the analysed packages changed" if code
                           else "no code file of the analysed packages changed"),
        "tests": (tests, f"{len(tests)} test file(s) added or changed" if tests
                  else f"no test file ({where_tests}) added or changed"),
        "docstrings": (undocumented, f"{len(undocumented)} new or changed public object(s) lack a docstring (A930)"
                       if undocumented else "every new or changed public object has a docstring"),
        "docs": (docs, f"{len(docs)} documentation file(s) changed" if docs
                 else f"no documentation file ({where_docs}) changed"),
    }
    items = []
    for name in DONE_ITEMS:
        listed, summary = found[name]
        ok = not listed if name == "docstrings" else bool(listed)
        items.append(DoneItem(name, ok, tuple(listed), name in settings.require, summary))
    return Done(settings.policy, tuple(items))
