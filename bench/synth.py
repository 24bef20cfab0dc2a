"""Synthetic d9d-like packages and pull-request-like git histories for the benchmarks.

The package (`package_files`) is `d9d/module/parallelism` (an ABC strategy base) plus *groups* of packages;
each package holds four modules and an `__init__` that re-exports them in `__all__`; each group's `__init__`
re-exports one strategy per package. A module holds a dataclass, a pydantic config with a discriminator and
its `build_*` factory, a `typing.Protocol`, an ABC-derived strategy and an ABC. 1x is 10 groups (314
files, about d9d's size), 10x is 100 groups, 50x is 500 groups (15,504 files).

Repositories are written with one `git fast-import` stream (`FastImport`), far faster than a `git commit`
per change. `build_history` adds about N first-parent commits shaped like merged pull requests: small API
changes, bug fixes, renames and moves, new strategies, formatting and docstring sweeps over hundreds of
files, DEP documents, and non-Python changes (docs, workflows, pyproject).

Nothing here imports depgate: the generator stays usable to compare versions of it.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
from pathlib import Path

PACKAGES_PER_GROUP = 6
MODULES_PER_PACKAGE = 4  # plus the package's __init__: 5 files per package
GROUPS_1X = 10  # 10 groups x 6 packages x 5 files = 300 modules (+ group inits)

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
           "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    """Run git in `repo` and return its stripped output."""
    out = subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, capture_output=True, text=True, check=True)
    return out.stdout.strip()


# ---------------------------------------------------------------------------------------------- the package


def module_source(g: int, p: int, m: int) -> str:
    """One module: a dataclass, a pydantic config and factory, a Protocol, an ABC strategy, an ABC."""
    n = f"G{g}P{p}M{m}"
    return f'''"""Module {n}."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from d9d.module.parallelism.base import ParallelStrategy


@dataclass
class {n}State:
    """Internal state."""

    step: int = 0
    scale: float = 1.0


class {n}Config(BaseModel):
    """How to build the strategy."""

    kind: Literal["{n.lower()}"] = "{n.lower()}"
    bucket_mb: int = Field(default=25, ge=1)
    overlap: bool = True


class {n}Hook(Protocol):
    def __call__(self, step: int, state: {n}State) -> None: ...


class {n}Strategy(ParallelStrategy):
    """A strategy."""

    def __init__(self, mesh, bucket_mb: int = 25, *, overlap: bool = True):
        self.mesh = mesh
        self.bucket_mb = bucket_mb

    def apply(self, model, *, compile: bool = False):
        return model

    def forward(self, x, y=None):
        return x


class {n}Base(abc.ABC):
    @abc.abstractmethod
    def run(self, batch): ...

    def describe(self) -> str:
        return "{n}"


def build_{n.lower()}(name: str, mesh, *, dtype: str = "bf16", seed: int = 0):
    """Build it."""
    return {n}Strategy(mesh)


def _helper_{n.lower()}(x):
    return x
'''


def _package_names(g: int, p: int, m: int) -> list[str]:
    n = f"G{g}P{p}M{m}"
    return [f"{n}Base", f"{n}Config", f"{n}Hook", f"{n}State", f"{n}Strategy", f"build_{n.lower()}"]


def package_init(g: int, p: int) -> str:
    """A package's `__init__`: re-exports every module's public names in `__all__`."""
    lines, names = [], []
    for m in range(MODULES_PER_PACKAGE):
        these = _package_names(g, p, m)
        lines.append(f"from .mod{m} import {', '.join(these)}")
        names += these
    body = "\n".join(lines)
    return f'"""Package {g}.{p}."""\n\n{body}\n\n__all__ = {sorted(names)!r}\n'


def group_init(g: int) -> str:
    """A group's `__init__`: re-exports the first module's strategy of every package, as d9d's aggregators do."""
    lines = [f"from .pkg{p} import G{g}P{p}M0Strategy" for p in range(PACKAGES_PER_GROUP)]
    names = [f"G{g}P{p}M0Strategy" for p in range(PACKAGES_PER_GROUP)]
    return f'"""Group {g}."""\n\n' + "\n".join(lines) + f"\n\n__all__ = {names!r}\n"


def package_files(groups: int) -> dict[str, str]:
    """Every file of the package at a size (`groups` = 10 x the multiple of 1x)."""
    files: dict[str, str] = {
        "d9d/__init__.py": '"""d9d."""\n\nfrom .module.parallelism import ParallelStrategy\n\n'
                           '__all__ = ["ParallelStrategy"]\n',
        "d9d/module/__init__.py": '"""Modules."""\n\n__all__ = []\n',
        "d9d/module/parallelism/__init__.py": '"""Parallelism."""\n\nfrom .base import ParallelStrategy\n\n'
                                              '__all__ = ["ParallelStrategy"]\n',
        "d9d/module/parallelism/base.py": '"""The strategy base."""\n\nimport abc\n\n\n'
                                          "class ParallelStrategy(abc.ABC):\n"
                                          "    @abc.abstractmethod\n    def apply(self, model): ...\n",
    }
    for g in range(groups):
        files[f"d9d/group{g}/__init__.py"] = group_init(g)
        for p in range(PACKAGES_PER_GROUP):
            files[f"d9d/group{g}/pkg{p}/__init__.py"] = package_init(g, p)
            for m in range(MODULES_PER_PACKAGE):
                files[f"d9d/group{g}/pkg{p}/mod{m}.py"] = module_source(g, p, m)
    return files


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write files under root (for benchmarks that commit with plain git)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def small_diff(files: dict[str, str], g: int = 3) -> dict[str, str]:
    """The same small API change at every size: a removed parameter, a changed default, a new ABC, a README edit.

    The change is in group `g` (3 from 1x up; a tiny package for tests has fewer groups). Returns the changed
    files (new texts), to be applied on top of `files`.
    """
    n = f"g{g}p2m1"
    mod_path, init_path = f"d9d/group{g}/pkg2/mod1.py", f"d9d/group{g}/pkg2/__init__.py"
    text = files[mod_path]
    text = text.replace(f'def build_{n}(name: str, mesh, *, dtype: str = "bf16", seed: int = 0):',
                        f'def build_{n}(name: str, *, dtype: str = "fp32", seed: int = 0):')
    text = text.replace(f"return {n.upper()}Strategy(mesh)", f"return {n.upper()}Strategy(None)")
    text += "\n\nclass Offloader(abc.ABC):\n    @abc.abstractmethod\n    def offload(self, t): ...\n"
    init = files[init_path].replace("from .mod1 import", "from .mod1 import Offloader,")
    init = init.replace("__all__ = [", "__all__ = ['Offloader', ")
    return {mod_path: text, init_path: init, "README.md": "docs change too\n"}


# ------------------------------------------------------------------------------- AST-preserving reformatting

_DEF_ONE_LINE = re.compile(r"^(def \w+)\(([^()\n]*)\)(.*):$", re.M)
_DEF_EXPLODED = re.compile(r"^(def \w+)\(\n((?:    [^\n]*,\n)+)\)(.*):$", re.M)
_DOUBLE = re.compile(r'(?<![\w"])"([\w .-]*)"(?!")')
_SINGLE = re.compile(r"(?<![\w'])'([\w .-]*)'(?!')")
STYLE_MARK = "# style: exploded signatures, single quotes\n"


def _explode(match: re.Match[str]) -> str:
    params = [p.strip() for p in match.group(2).split(",") if p.strip()]
    if not params:
        return match.group(0)
    return f"{match.group(1)}(\n" + "".join(f"    {p},\n" for p in params) + f"){match.group(3)}:"


def _collapse(match: re.Match[str]) -> str:
    params = [line.strip().rstrip(",") for line in match.group(2).splitlines()]
    return f"{match.group(1)}({', '.join(params)}){match.group(3)}:"


def reformat(text: str) -> str:
    """Reformat a module without changing its syntax tree, toggling between two styles.

    Style B explodes top-level signatures one parameter a line with a trailing comma, and uses single quotes
    for simple strings, marked by a comment; reformatting a style-B file brings it back to style A. Module
    docstrings (`\"\"\"...\"\"\"` on the first line) are left alone: quotes only change inside one line.
    """
    if text.endswith(STYLE_MARK):
        text = text[: -len(STYLE_MARK)]
        text = _DEF_EXPLODED.sub(_collapse, text)
        return _SINGLE.sub(r'"\1"', text)
    text = _DEF_ONE_LINE.sub(_explode, text)
    text = _DOUBLE.sub(r"'\1'", text)
    return text + STYLE_MARK


_MODULE_DOC = re.compile(r'\A"""([^"\n]*)"""\n')


def redocument(text: str, revision: int) -> str:
    """Rewrite the module docstring (a docstring sweep): the syntax tree but for docstrings is unchanged."""
    match = _MODULE_DOC.match(text)
    if match is None:
        return text
    first = match.group(1).split(" (rev")[0].rstrip(".")
    return f'"""{first} (rev {revision})."""\n' + text[match.end():]


# ------------------------------------------------------------------------------------------------ fast-import


class FastImport:
    """Write commits into a new repository with one `git fast-import` process.

    Files are kept in memory (`files`), so each commit only needs the paths that changed.
    """

    def __init__(self, repo: Path, branch: str = "main"):
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q", "-b", branch)
        self.repo = repo
        self.ref = f"refs/heads/{branch}"
        self.files: dict[str, str] = {}
        self.marks = 0
        self.when = 1_760_000_000
        self._proc = subprocess.Popen(["git", "fast-import", "--quiet", "--done"], cwd=repo, env=GIT_ENV,
                                      stdin=subprocess.PIPE)
        self._out = self._proc.stdin

    def commit(self, message: str, changes: dict[str, str | None]) -> int:
        """Commit the changes (path -> text, or None to delete) on top of the previous commit; return its mark."""
        assert self._out is not None
        self.marks += 1
        self.when += 3600
        msg = message.encode()
        who = f"bench <bench@example.invalid> {self.when} +0000"
        head = [f"commit {self.ref}", f"mark :{self.marks}", f"author {who}", f"committer {who}",
                f"data {len(msg)}"]
        chunks = ["\n".join(head).encode() + b"\n" + msg + b"\n"]
        if self.marks > 1:
            chunks.append(f"from :{self.marks - 1}\n".encode())
        for path, text in sorted(changes.items()):
            if text is None:
                self.files.pop(path, None)
                chunks.append(f"D {path}\n".encode())
            else:
                self.files[path] = text
                data = text.encode()
                chunks.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        chunks.append(b"\n")
        self._out.write(b"".join(chunks))
        return self.marks

    def close(self, checkout: bool = True) -> list[str]:
        """Finish the import (and check the branch out); return the first-parent commit ids, oldest first."""
        assert self._out is not None
        self._out.write(b"done\n")
        self._out.close()
        if self._proc.wait() != 0:
            raise RuntimeError("git fast-import failed")
        if checkout:
            git(self.repo, "reset", "-q", "--hard")
        return git(self.repo, "rev-list", "--first-parent", "--reverse", self.ref).split()


def build_check_repo(root: Path, groups: int) -> dict:
    """A repository with the package (base), the small diff on top (small), then every file reformatted (large).

    Returns `{"base", "small", "large", "modules", "reformatted"}`: check `base..small` for the small diff and
    `small..large` for the large one.
    """
    fi = FastImport(root)
    files = package_files(groups)
    fi.commit("feat: the package", {**files, "README.md": "bench\n"})
    fi.commit("feat: change build_g3p2m1, add Offloader", small_diff(fi.files, min(3, groups - 1)))
    py = {p: reformat(t) for p, t in fi.files.items() if p.endswith(".py")}
    fi.commit("style: reformat every file (exploded signatures, single quotes)", dict(py))
    base, small, large = fi.close()
    return {"base": base, "small": small, "large": large, "modules": len(files), "reformatted": len(py)}


# --------------------------------------------------------------------------------------------------- history

_DEP_TEMPLATE = """---
DEP: {num:04d}
Title: {title}
Author: {author}
Status: {status}
Type: Feature
Created: 2026-{month:02d}-{day:02d}
---

# DEP-{num:04d}: {title}

## Abstract

A new {thing} for d9d, built on the existing strategy base.

## Motivation

Large runs need {thing}s that can be configured per model without forking the trainer.

## Design Proposal

Add an ABC `{cls}` with one abstract method, and a pydantic config with a `build_*` factory.

```python
class {cls}(abc.ABC):
    @abc.abstractmethod
    def apply(self, model): ...
```

## Usage

Pick the implementation in the config; the trainer builds it.

## Backward Compatibility

No existing name changes.

## Alternatives Considered

- A Protocol instead of an ABC: rejected, implementations share code.
"""

_AUTHORS = ["@mrapplexz", "Daniil Sergeev @DaniilSergeev17 & Maksim Afanasyev @mrapplexz", "Ann Lee @annlee"]
_SCOPES = ["parallelism", "pipelining", "trainer", "kernel", "loop", "metrics", "optim", "models"]
_KINDS = [  # (kind, weight)
    ("api", 22), ("bugfix", 20), ("rename", 5), ("move", 4), ("strategy", 7), ("config", 6),
    ("format", 3), ("docstrings", 3), ("dep", 6), ("nonpython", 24),
]


class _History:
    def __init__(self, fi: FastImport, rng: random.Random):
        self.fi = fi
        self.rng = rng
        self.deps = 0
        self.serial = 0
        self.kinds: dict[str, int] = {}

    def modules(self) -> list[str]:
        return sorted(p for p in self.fi.files if p.endswith(".py") and not p.endswith("__init__.py")
                      and "/group" in p)

    def pick_module(self) -> tuple[str, str]:
        """A module holding a `build_*` factory."""
        while True:
            path = self.rng.choice(self.modules())
            text = self.fi.files[path]
            if re.search(r"^def build_\w+\($", text, re.M) is None and "def build_" in text:
                return path, text

    def message(self, kind: str, subject: str, body: str = "") -> str:
        scope = self.rng.choice(_SCOPES)
        dep = ""
        if kind in ("api", "strategy", "rename") and self.deps and self.rng.random() < 0.5:
            dep = f"\n\nImplements DEP-{self.rng.randint(1, self.deps):04d}."
        if kind in ("api", "rename") and self.rng.random() < 0.1:
            dep += "\n\nDEP: none — internal API, nobody imports it yet."
        return f"{kind_type(kind)}({scope}): {subject} (#{self.serial})\n\n{body or subject}.{dep}\n"

    def step(self) -> None:
        self.serial += 1
        kind = self.rng.choices([k for k, _ in _KINDS], weights=[w for _, w in _KINDS])[0]
        changes, subject = getattr(self, f"_{kind}")()
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.fi.commit(self.message(kind, subject), changes)

    # Each returns (changes, subject).

    def _api(self) -> tuple[dict, str]:
        path, text = self.pick_module()
        factory = re.search(r"^def (build_\w+)\((.*)\):$", text, re.M)
        assert factory is not None
        choice = self.rng.random()
        if choice < 0.4:
            new = text.replace(factory.group(0), factory.group(0).replace("):", f", opt{self.serial}: int = 0):"), 1)
            what = f"add opt{self.serial} to {factory.group(1)}"
        elif choice < 0.7:
            new = re.sub(r"seed: int = \d+", f"seed: int = {self.serial}", text, count=1)
            what = f"change the default seed of {factory.group(1)}"
        else:
            new = text.replace("    def forward(self, x, y=None):",
                               f"    def forward(self, x, y=None, *, mask{self.serial}=None):", 1)
            what = "add a mask to forward"
        return {path: new}, what

    def _bugfix(self) -> tuple[dict, str]:
        path, text = self.pick_module()
        new = re.sub(r"(def _helper_\w+\(x\):\n)", rf"\1    x = x  # fix {self.serial}\n", text, count=1)
        if new == text:
            new = text + f"\n\ndef _fix{self.serial}(x):\n    return x\n"
        return {path: new}, "handle an empty batch"

    def _rename(self) -> tuple[dict, str]:
        path, text = self.pick_module()
        old = re.search(r"^def (build_\w+)\(", text, re.M).group(1)  # type: ignore[union-attr]
        new_name = old.replace("build_", "make_", 1)
        init = path.rsplit("/", 1)[0] + "/__init__.py"
        return {path: text.replace(old, new_name), init: self.fi.files[init].replace(old, new_name)}, \
            f"rename {old} to {new_name}"

    def _move(self) -> tuple[dict, str]:
        path, text = self.pick_module()
        folder, name = path.rsplit("/", 1)
        stem = name[:-3]
        new_stem = f"{stem}_impl" if not stem.endswith("_impl") else stem[: -len("_impl")]
        init = f"{folder}/__init__.py"
        return {path: None, f"{folder}/{new_stem}.py": text,
                init: self.fi.files[init].replace(f"from .{stem} import", f"from .{new_stem} import")}, \
            f"move {stem} to {new_stem} (re-export unchanged)"

    def _strategy(self) -> tuple[dict, str]:
        path, _ = self.pick_module()
        folder = path.rsplit("/", 1)[0]
        cls = f"Strategy{self.serial}"
        module = (f'"""The {cls} strategy."""\n\nfrom __future__ import annotations\n\n'
                  "from d9d.module.parallelism.base import ParallelStrategy\n\n\n"
                  f"class {cls}(ParallelStrategy):\n    \"\"\"Shards {self.serial}.\"\"\"\n\n"
                  "    def apply(self, model, *, degree: int = 2):\n        return model\n")
        init = f"{folder}/__init__.py"
        text = self.fi.files[init]
        text = text.replace("\n\n__all__ = [", f"\nfrom .strategy{self.serial} import {cls}\n\n__all__ = ['{cls}', ", 1)
        return {f"{folder}/strategy{self.serial}.py": module, init: text}, f"add the {cls} strategy"

    def _config(self) -> tuple[dict, str]:
        path, text = self.pick_module()
        field = f"    limit{self.serial}: int = 0\n"
        new = text.replace("    overlap: bool = True\n", "    overlap: bool = True\n" + field, 1)
        return {path: new}, "add a limit to the config"

    def _format(self) -> tuple[dict, str]:
        py = sorted(p for p in self.fi.files if p.endswith(".py"))
        chosen = self.rng.sample(py, min(len(py), self.rng.randint(100, 600)))
        return {p: reformat(self.fi.files[p]) for p in chosen}, f"reformat {len(chosen)} files"

    def _docstrings(self) -> tuple[dict, str]:
        py = sorted(p for p in self.fi.files if p.endswith(".py"))
        chosen = self.rng.sample(py, min(len(py), self.rng.randint(100, 400)))
        changes = {p: redocument(self.fi.files[p], self.serial) for p in chosen}
        return {p: t for p, t in changes.items() if t != self.fi.files[p]}, f"rewrite {len(chosen)} docstrings"

    def _dep(self) -> tuple[dict, str]:
        self.deps += 1
        thing = self.rng.choice(["offload policy", "pipeline schedule", "RoPE scaling", "metrics sink", "hook"])
        title = f"{thing.title()} {self.deps}"
        text = _DEP_TEMPLATE.format(num=self.deps, title=title, author=self.rng.choice(_AUTHORS),
                                    status=self.rng.choice(["Draft", "Accepted", "Accepted", "Implemented"]),
                                    month=1 + self.deps % 12, day=1 + self.deps % 28, thing=thing,
                                    cls=f"{thing.title().replace(' ', '')}{self.deps}")
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        return {f"deps/{self.deps:04d}-dep-{slug}.md": text}, f"DEP-{self.deps:04d}: {title}"

    def _nonpython(self) -> tuple[dict, str]:
        choice = self.rng.randrange(3)
        if choice == 0:
            path = f"docs/guide/page{self.rng.randrange(40)}.md"
            old = self.fi.files.get(path, "# Page\n\nText.\n")
            return {path: old + f"\nMore on step {self.serial}.\n"}, f"document step {self.serial}"
        if choice == 1:
            return {".github/workflows/ci.yml": f"name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                    f"    steps:\n      - run: echo {self.serial}\n"}, "bump the CI image"
        return {"pyproject.toml": f'[project]\nname = "d9d"\nversion = "0.{self.serial}.0"\n'}, "release"


def kind_type(kind: str) -> str:
    """The Conventional Commits type a kind of change is usually titled with."""
    return {"api": "feat", "bugfix": "fix", "rename": "refactor", "move": "refactor", "strategy": "feat",
            "config": "feat", "format": "style", "docstrings": "docs", "dep": "docs", "nonpython": "chore"}[kind]


def build_history(root: Path, groups: int, commits: int, seed: int = 0) -> dict:
    """A repository with the package as its first commit, then `commits` commits shaped like merged PRs.

    Returns `{"base", "head", "commits", "kinds", "modules"}`; audit `base..head`.
    """
    fi = FastImport(root)
    files = package_files(groups)
    fi.commit("feat: the package", {**files, "README.md": "# d9d\n", "deps/TEMPLATE.md": "# template\n"})
    history = _History(fi, random.Random(seed))  # noqa: S311 - reproducible, not secret
    for _ in range(commits):
        history.step()
    shas = fi.close(checkout=False)
    return {"base": shas[0], "head": shas[-1], "commits": len(shas) - 1, "kinds": history.kinds,
            "modules": len(files)}
