"""A catalogue of hostile repositories: `depgate check` must end each in a clear report, never run the
analysed code, never print a traceback, and never read a file outside the repository.

One repository is built per module: `main` is a small d9d-like package with a DEP folder, and every
hostile change is a branch off it (`CASES`). A folder outside the repository holds sentinel files that
the hostile links point to; their token must never show up in any output, and `FileAccessRecorder`
(audit hooks) proves that no file outside the repository was even opened.

A changed Python file that cannot be analysed fails closed when a public name depends on it (A901: a DEP is
required, V112) and is only noted when nothing public imports it (A905: the verdict is unchanged); each case
says which, from what its `pkg/__init__.py` re-exports.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# Imported up front, so the lazy imports of a check do not show in the access records.
import depgate.api
import depgate.api.diff
import depgate.api.snapshot
import depgate.api.surface
import depgate.proposals.lint  # noqa: F401 - see above
from gitrepo import GitRepo
from hostile import FileAccessRecorder

if TYPE_CHECKING:
    from collections.abc import Callable

#: Text that exists only in files outside the repository: seeing it in any output means depgate read them.
TOKEN = "SENTINEL_OUTSIDE_5e1f9a"  # noqa: S105 - not a password

BASE = {
    "pyproject.toml": '[project]\nname = "pkg"\nversion = "0.1.0"\n',
    # Every file goes through the `evil` filter and diff drivers, which `arm` defines once the repository is built.
    ".gitattributes": "* filter=evil diff=evil merge=evil\n",
    ".github/depgate.yml": "verdict:\n  review-on-additions: true\n",
    "pkg/__init__.py": """\
        from pkg.core import Engine, run
        from pkg.Legacy import old_helper

        __all__ = ["Engine", "old_helper", "run"]
        """,
    "pkg/core.py": """\
        class Engine:
            def step(self) -> None:
                pass


        def run(steps: int) -> int:
            return steps
        """,
    "pkg/Legacy.py": "def old_helper() -> None:\n    pass\n",
    "deps/TEMPLATE.md": "---\nDEP: <Leave blank for maintainers>\nTitle: <Short, descriptive title>\n---\n",
    "deps/0001-dep-process.md": (
        "---\nDEP: 0001\nTitle: The DEP Process\nAuthor: @someone\nStatus: Active\nType: Process\n"
        "Created: 2026-02-04\n---\n\n# DEP-0001: The DEP Process\n\n## Abstract\n\nText.\n\n## Motivation\n\n"
        "Why.\n\n## Design Proposal\n\nHow.\n\n## Usage\n\nUse.\n\n## Backward Compatibility\n\nFine.\n\n"
        "## Alternatives Considered\n\nNone.\n"),
}

BASE = {path: textwrap.dedent(text) for path, text in BASE.items()}
INIT_HEAD = "from pkg.core import Engine, run\nfrom pkg.Legacy import old_helper\n"


def init_exporting(*extra: tuple[str, str]) -> str:
    """`pkg/__init__.py` re-exporting the base names plus `(module, name)` pairs."""
    lines = [INIT_HEAD, *(f"from {module} import {name}\n" for module, name in extra)]
    names = sorted(["Engine", "old_helper", "run", *(name for _, name in extra)])
    return "".join(lines) + f"\n__all__ = {names!r}\n"


@dataclass
class World:
    """The hostile repository, the folder outside it, and the head commit of every case."""

    repo: GitRepo
    outside: Path
    marker: Path
    heads: dict[str, str] = field(default_factory=dict)
    bases: dict[str, str] = field(default_factory=dict)


# -- building the cases ---------------------------------------------------------------------------------------------

def _outside(root: Path) -> Path:
    """A folder outside the repository, with sentinel files that hostile links point to."""
    root.mkdir()
    (root / "secret.py").write_text(f'{TOKEN} = "{TOKEN}"\n__all__ = ["{TOKEN}"]\n')
    dep = BASE["deps/0001-dep-process.md"].replace("The DEP Process", TOKEN).replace("0001", "0042")
    (root / "secret.md").write_text(dep)
    (root / "deps").mkdir()
    (root / "deps" / "0001-dep-process.md").write_text(dep)
    (root / "config.yml").write_text(f"verdict:\n  override-labels: [{TOKEN}]\n")
    return root


def _side_effects(world: World) -> dict[str, str | bytes]:
    payload = (f"import os, sys\nopen({str(world.marker)!r}, 'w').write('ran')\nos.system('touch {world.marker}')\n"
               "sys.exit(77)\n")
    return {
        "pkg/evil.py": payload + "\n\ndef exploit() -> None:\n    pass\n",
        "pkg/__init__.py": payload + init_exporting(("pkg.evil", "exploit")),
        "pkg/__main__.py": payload,
        "setup.py": payload,
        "conftest.py": payload,
        "sitecustomize.py": payload,
        "pkg/evil.pth": f"import os; open({str(world.marker)!r}, 'w').write('pth')\n",
    }


def _symlinks_out(world: World) -> None:
    pkg = world.repo.path / "pkg"
    os.symlink(world.outside / "secret.py", pkg / "secret.py")
    os.symlink(os.path.relpath(world.outside / "secret.py", pkg), pkg / "relative.py")
    os.symlink("/etc/passwd", pkg / "passwd.py")
    os.symlink(world.outside, pkg / "outside_pkg")
    world.repo.write({"pkg/core.py": BASE["pkg/core.py"] + "\n\ndef walk() -> None:\n    pass\n"})


def _reexport_link(world: World) -> None:
    os.symlink(world.outside / "secret.py", world.repo.path / "pkg" / "secret.py")
    world.repo.write({"pkg/__init__.py": init_exporting(("pkg.secret", TOKEN))})


def _init_is_link(world: World) -> None:
    init = world.repo.path / "pkg" / "__init__.py"
    init.unlink()
    os.symlink("/etc/passwd", init)


def _submodules(world: World) -> None:
    sub_path = world.outside.parent / "subrepo"
    if not sub_path.exists():
        GitRepo.init(sub_path).commit("sub", {"plugin.py": "def plugin() -> None:\n    pass\n"})
    for where in ("pkg/plugins", "pkg/vendored.py", "deps/0002-dep-sub.md"):
        # `--force`: a second case reuses the submodule's git folder kept by the first.
        world.repo.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "--force", str(sub_path), where)
    world.repo.write({"pkg/core.py": BASE["pkg/core.py"] + "\n\ndef walk() -> None:\n    pass\n"})


def _reexport_submodule(world: World) -> None:
    _submodules(world)
    world.repo.write({"pkg/__init__.py": init_exporting(("pkg.plugins.plugin", "plugin"))})


def _non_utf8(world: World) -> None:
    root = os.fsencode(world.repo.path)
    with open(os.path.join(root, b"pkg", b"caf\xe9.py"), "wb") as handle:
        handle.write(b"def cafe() -> None:\n    pass\n")
    with open(os.path.join(root, b"deps", b"0003-dep-caf\xe9.md"), "wb") as handle:
        handle.write(BASE["deps/0001-dep-process.md"].replace("0001", "0003").encode())
    world.repo.write({
        # Declared, so CPython reads it (PEP 263) and so does depgate: `pkg.NAME` is a new public name.
        "pkg/latin.py": b"# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n",
        # Not declared and not UTF-8: it cannot be analysed, and nothing imports it (A905).
        "pkg/undeclared.py": b"WORD = 'caf\xe9'\n",
        "deps/0004-dep-latin.md": BASE["deps/0001-dep-process.md"].replace("0001", "0004").replace(
            "Text.", "Caf\xe9.").encode("latin-1"),
        "pkg/__init__.py": init_exporting(("pkg.latin", "NAME")),
    })


def _case_rename(world: World) -> None:
    world.repo.git("mv", "pkg/Legacy.py", "pkg/legacy.py")
    world.repo.git("mv", "deps/0001-dep-process.md", "deps/0001-DEP-Process.md")
    world.repo.write({"pkg/__init__.py": BASE["pkg/__init__.py"].replace("pkg.Legacy", "pkg.legacy")})


def _deps_entries(world: World) -> None:
    deps = world.repo.path / "deps"
    os.symlink(world.outside / "secret.md", deps / "0005-dep-link.md")
    os.symlink("0001-dep-process.md", deps / "0006-dep-inside-link.md")
    (deps / "TEMPLATE.md").unlink()
    os.symlink(world.outside / "secret.md", deps / "TEMPLATE.md")  # the lint reads the template's sections
    world.repo.write({"deps/0007-dep-folder.md/README.md": "a folder named like a DEP\n",
                      "pkg/core.py": BASE["pkg/core.py"] + "\n\ndef walk() -> None:\n    pass\n"})


def _deps_is_link(world: World) -> None:
    world.repo.git("rm", "-r", "-q", "deps")
    os.symlink(world.outside / "deps", world.repo.path / "deps")


def _huge_python(world: World) -> None:
    line = b"VALUE_0000 = 'x' * 40  # padding padding padding\n"
    world.repo.write({"pkg/huge.py": line * (20 * 1024 * 1024 // len(line) + 1),
                      "pkg/__init__.py": init_exporting(("pkg.huge", "VALUE_0000"))})


DEPTH = 100_000
HUGE_ALL = 10_000
LONG = 100_000
#: Continuation lines of one DEP header (just under the 1 MiB document limit).
FOLDED = 140_000


def _deep(world: World) -> None:
    world.repo.write({
        "pkg/deep_parens.py": "X = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
        "pkg/deep_unary.py": "X = " + "-" * DEPTH + "1\n",
        "pkg/deep_binop.py": "X = " + " + ".join(["1"] * DEPTH) + "\n",
        "pkg/deep_attr.py": "import os\nX = os" + ".path" * DEPTH + "\n",
        "pkg/deep_default.py": "def f(a=" + " + ".join(["1"] * DEPTH) + ") -> None:\n    pass\n",
        "pkg/deep_indent.py": "".join(" " * i + f"def f{i}():\n" for i in range(150)) + " " * 150 + "pass\n",
        "pkg/deep_call.py": "X = " + "f(" * 1000 + ")" * 1000 + "\n",
        "pkg/__init__.py": init_exporting(("pkg.deep_binop", "X"), ("pkg.deep_default", "f")),
    })


def _odd_names(world: World) -> None:
    world.repo.write({
        "pkg/new\nline.py": "def odd() -> None:\n    pass\n",
        "pkg/-dash.py": "def dash() -> None:\n    pass\n",
        "--help.py": "print('hi')\n",
        "pkg/foo.py/__init__.py": "def inside() -> None:\n    pass\n",
        "pkg/foo.py/bar.py": "def bar() -> None:\n    pass\n",
        "deps/0008-dep-new\nline.md": BASE["deps/0001-dep-process.md"].replace("0001", "0008"),
        "deps/-0009-dep-dash.md": BASE["deps/0001-dep-process.md"].replace("0001", "0009"),
        "pkg/core.py": BASE["pkg/core.py"] + "\n\ndef walk() -> None:\n    pass\n",
    })


def _dynamic_all(world: World) -> None:
    world.repo.write({
        "pkg/__init__.py": INIT_HEAD + "\n__all__ = [n for n in dir() if not n.startswith('_')]\n",
        "pkg/sub/__init__.py": """\
            from pkg.sub import a
            from pkg.sub.a import *

            __all__ = ["a"]
            __all__ += a.__all__
            """,
        "pkg/sub/a.py": '__all__ = ["alpha", "beta"]\n\n\ndef alpha() -> None:\n    pass\n\n\nbeta = 2\n',
    })


def _huge_all(world: World) -> None:
    # NOTE: one chained assignment defines every name; 20,000 separate statements are `test_many_statements`.
    names = [f"name_{i:05d}" for i in range(HUGE_ALL)]
    world.repo.write({"pkg/big/__init__.py": " = ".join(names) + " = 0\n" + f"__all__ = {names!r}\n"})


def _reexport_cycle(world: World) -> None:
    world.repo.write({
        "pkg/a.py": "from pkg.b import Thing\n",
        "pkg/b.py": "from pkg.a import Thing\n",
        "pkg/__init__.py": init_exporting(("pkg.a", "Thing")),
    })


def _reexport_missing(world: World) -> None:
    world.repo.write({"pkg/__init__.py": init_exporting(("pkg.missing", "Thing"))})


def _cycles(world: World) -> None:
    world.repo.write({
        "pkg/cls.py": "class A(B):\n    pass\n\n\nclass B(A):\n    pass\n\n\nclass C(C):\n    pass\n",
        "pkg/loop/__init__.py": "from pkg.loop import *\nfrom pkg.loop.inner import *\n\n__all__ = inner.__all__\n",
        "pkg/loop/inner.py": "from pkg.loop import *\n\n__all__ = __all__\n",
        "pkg/__init__.py": init_exporting(("pkg.cls", "A"), ("pkg.cls", "B"), ("pkg.cls", "C")),
    })


def _huge_dep(world: World) -> None:
    header = BASE["deps/0001-dep-process.md"].replace("0001", "0010").encode()
    world.repo.write({"deps/0010-dep-huge.md": header + b"Padding line of a huge proposal.\n" * 640_000})


def _folded_dep(world: World) -> None:
    header = BASE["deps/0001-dep-process.md"].replace("0001", "0011")
    header = header.replace("Title: The DEP Process\n", "Title: Folded\n" + " more\n" * FOLDED)
    world.repo.write({"deps/0011-dep-folded.md": header})


def _rewriting_codec(world: World) -> None:
    # For CPython, `\u000a` here is a newline: the "comment" would define `Y`. The API depends on the file (A901).
    world.repo.write({"pkg/escape.py": b"# coding: unicode_escape\nX = 1\n# \\u000aY = 2\n",
                      "pkg/__init__.py": init_exporting(("pkg.escape", "X"))})


def _nul_bytes(world: World) -> None:
    world.repo.write({"pkg/binary.py": b"X = 1\n\0\0\0\n", "pkg/__init__.py": init_exporting(("pkg.binary", "X"))})


def _head_config(world: World) -> None:
    world.repo.write({
        ".github/depgate.yml": "api:\n  exclude: ['*']\n  packages: [nothing]\nverdict:\n"
                               "  override-labels: [please]\n  review-on-additions: false\n",
        "pkg/core.py": BASE["pkg/core.py"].replace("    def step(self) -> None:\n        pass\n", "    pass\n"),
    })


#: name -> what the head commit does on top of `main` (a dict of files, or a function of the world).
CASES: dict[str, Callable[[World], object] | Callable[[World], dict]] = {
    "side-effects": _side_effects,
    "syntax-error": lambda w: {"pkg/core.py": BASE["pkg/core.py"] + "\n\ndef broken(:\n    pass\n"},
    "huge-python": _huge_python,
    "deep-nesting": _deep,
    "symlinks-out": _symlinks_out,
    "init-is-link": _init_is_link,
    "submodules": _submodules,
    "non-utf8": _non_utf8,
    "rewriting-codec": _rewriting_codec,
    "case-rename": _case_rename,
    "deps-entries": _deps_entries,
    "deps-is-link": _deps_is_link,
    "deps-is-file": lambda w: (w.repo.git("rm", "-r", "-q", "deps"), w.repo.write({"deps": "not a folder\n"})),
    "odd-names": _odd_names,
    "dynamic-all": _dynamic_all,
    "huge-all": _huge_all,
    "cycles": _cycles,
    "huge-dep": _huge_dep,
    "nul-bytes": _nul_bytes,
    "folded-dep": _folded_dep,
    "head-config": _head_config,
    # A re-export that leads nowhere, four ways (`test_reexport_of_a_name_found_nowhere` and
    # `test_reexport_of_a_linked_module_fails_closed`).
    "reexport-missing": _reexport_missing,
    "reexport-link": _reexport_link,
    "reexport-submodule": _reexport_submodule,
    "reexport-cycle": _reexport_cycle,
    "star-missing": lambda w: {"pkg/__init__.py": INIT_HEAD + "from pkg.extra import *\n\n__all__ = ['nowhere']\n",
                               "pkg/extra.py": "def extra() -> None:\n    pass\n"},
    "control-names": lambda w: {"pkg/__init__.py": INIT_HEAD + "\n__all__ = ['ok\\n::error file=x.py::pwned', "
                                                   "'\\x1b]0;pwned\\x07', 'Engine', 'old_helper', 'run']\n"},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Build the repository once: `main`, one branch per case, a base with a broken configuration, an orphan."""
    top = tmp_path_factory.mktemp("hostile")
    outside = _outside(top / "outside")
    repo = GitRepo.init(top / "repo")
    w = World(repo, outside, outside / "marker-ran")
    main = repo.commit("chore: initial", BASE)
    for name, build in CASES.items():
        _reset(repo, main)
        repo.branch(name)
        files = build(w)
        repo.commit(f"feat: hostile case {name}", files if isinstance(files, dict) else None)
        w.heads[name] = repo.git("rev-parse", "HEAD")
        w.bases[name] = main
    # A base whose configuration is malformed, or a link out of the repository.
    for name, config in (("bad-config", "verdict: [unclosed\n"), ("linked-config", None)):
        _reset(repo, main)
        repo.branch(f"{name}-base")
        if config is None:
            (repo.path / ".github" / "depgate.yml").unlink()
            os.symlink(outside / "config.yml", repo.path / ".github" / "depgate.yml")
        else:
            repo.write({".github/depgate.yml": config})
        w.bases[name] = repo.commit("chore: configuration")
        w.heads[name] = repo.commit("feat: more", {"pkg/core.py": BASE["pkg/core.py"] + "\nX = 1\n"})
    # A commit message built to make backtracking regular expressions explode: runs of blanks after `DEP`,
    # and a hundred thousand blank lines before a `DEP: none` lookalike (the body defaults to the message).
    _reset(repo, main)
    repo.branch("long-message")
    message = top / "message.txt"
    message.write_text(f"fix: tidy DEP{' ' * LONG}x\n\n" + "\n" * LONG + " \xa0\n" * LONG + f"DEP{' ' * LONG}:none\n")
    repo.write({"pkg/core.py": BASE["pkg/core.py"] + "\nX = 1\n"})
    repo.git("add", "-A")
    repo.git("commit", "-q", "--cleanup=verbatim", "-F", str(message))
    w.bases["long-message"], w.heads["long-message"] = main, repo.git("rev-parse", "HEAD")
    # An unrelated history: an orphan branch sharing no commit with `main`.
    repo.git("checkout", "-q", "--orphan", "unrelated")
    repo.git("rm", "-r", "-q", "--cached", ".")
    w.bases["unrelated"] = main
    w.heads["unrelated"] = repo.commit("feat: unrelated", {"other.py": "X = 1\n"})
    _reset(repo, main)
    arm(repo.path, w.marker)
    return w


def arm(repo: Path, marker: Path) -> None:
    """Give a repository's own configuration commands that leave `marker` if git ever runs them for depgate."""
    run = f"touch {marker}; cat"
    for key, value in (("filter.evil.clean", run), ("filter.evil.smudge", run), ("filter.evil.process", run),
                       ("diff.evil.textconv", run), ("diff.evil.command", run), ("merge.evil.driver", run),
                       ("core.fsmonitor", f"touch {marker}; echo"), ("core.pager", run), ("core.hooksPath", "hooks"),
                       ("diff.external", run), ("core.sshCommand", run), ("core.editor", run)):
        subprocess.run(["git", "config", key, value], cwd=repo, check=True)
    hooks = repo / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in ("post-checkout", "post-index-change", "reference-transaction", "fsmonitor-watchman"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}\n")
        (hooks / hook).chmod(0o755)


def _reset(repo: GitRepo, rev: str) -> None:
    # NOTE: submodule folders and odd entries survive a plain checkout; start every case from a clean `main`.
    repo.git("checkout", "-q", "-f", rev)
    repo.git("clean", "-q", "-ffdx")


# -- running the check ------------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    code: int
    out: str
    err: str
    data: dict | None
    access: FileAccessRecorder

    def codes(self, key: str) -> list[str]:
        assert self.data is not None
        return [d["code"] for d in self.data[key]]

    def problem(self, code: str, path: str) -> dict:
        assert self.data is not None
        found = [p for p in self.data["problems"] + self.data["findings"] if p["code"] == code and p["path"] == path]
        assert found, f"no {code} for {path!r} in {self.data['problems'] + self.data['findings']}"
        return found[0]


_outcomes: dict[tuple[str, str, tuple[str, ...]], Outcome] = {}


def check(run_cli, world: World, case: str, *extra: str) -> Outcome:
    """Run `depgate check --format json` on a case in-process, recording every file it opens (once per case)."""
    key = (str(world.repo.path), case, extra)
    if key not in _outcomes:
        _outcomes[key] = _check(run_cli, world, case, *extra)
    return _outcomes[key]


def _check(run_cli, world: World, case: str, *extra: str) -> Outcome:
    with FileAccessRecorder(world.repo.path) as access:
        result = run_cli("check", "--repo", str(world.repo.path), "--base", world.bases[case],
                         "--head", world.heads[case], "--format", "json", *extra)
    data = json.loads(result.out) if result.code in (0, 1) else None
    outcome = Outcome(result.code, result.out, result.err, data, access)
    assert_clean(outcome, world)
    return outcome


def assert_clean(outcome: Outcome, world: World) -> None:
    """What every case must satisfy: a verdict or a clear error, nothing run, nothing read outside."""
    assert outcome.code in (0, 1, 2), outcome
    assert "Traceback" not in outcome.err
    if outcome.code == 2:
        assert outcome.err.startswith("depgate: error: "), outcome.err
        assert outcome.out == ""
    else:
        assert outcome.data is not None
        assert outcome.data["verdict"] in ("required", "review", "not-required", "proposal")
    assert TOKEN not in outcome.out + outcome.err
    assert "root:x:0:0" not in outcome.out + outcome.err
    assert not world.marker.exists(), "the analysed code ran"
    # NOTE: this includes CPython's own reads: on a syntax error it opens the file name given to `compile`,
    # relative to the working directory, to quote the line (the reason depgate compiles under os.devnull).
    outcome.access.assert_stayed_inside()


def run_subprocess(world: World, case: str, *extra: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run depgate as a separate process (its real stdout and stderr encodings, `sys.exit` paths)."""
    env = {**os.environ, "PYTHONIOENCODING": "", "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "depgate", "check", "--repo", str(world.repo.path), "--base", world.bases[case],
         "--head", world.heads[case], "--format", "json", *extra],
        capture_output=True, text=True, errors="replace", env=env, timeout=timeout, check=False,
    )


# -- the cases ------------------------------------------------------------------------------------------------------


def symbols(outcome: Outcome) -> set[str]:
    assert outcome.data is not None
    return {c["symbol"] for c in outcome.data["changes"]}


def unanalysable(outcome: Outcome) -> list[tuple[str, str, int | None]]:
    """`(code, path, line)` of every changed file that cannot be analysed (A901 or A905), in report order."""
    assert outcome.data is not None
    return [(p["code"], p["path"], p["line"]) for p in outcome.data["problems"] if p["code"] in ("A901", "A905")]


def assert_fails_closed(outcome: Outcome, *files: tuple[str, int | None]) -> None:
    """The public API depends on `files`, which cannot be analysed: each is A901 and a DEP is required.

    The reasons are exactly one V112 per file and V101 (no DEP is linked) naming the first; exit code 1.
    """
    assert outcome.code == 1, outcome
    assert outcome.data["verdict"] == "required"
    assert [(path, line) for code, path, line in unanalysable(outcome) if code == "A901"] == list(files)
    reasons = [(r["code"], r["path"], r["line"]) for r in outcome.data["reasons"]]
    assert reasons == [("V112", path, line) for path, line in files] + [("V101", *files[0])]
    assert all(r["details"]["problem"] == "A901" for r in outcome.data["reasons"] if r["code"] == "V112")


def test_import_side_effects_never_run(run_cli, world):
    outcome = check(run_cli, world, "side-effects")
    assert outcome.code == 0
    assert outcome.data["verdict"] == "review"
    # evil.py was read (statically): its public function is reported as an addition.
    assert symbols(outcome) == {"pkg.exploit"}
    proc = run_subprocess(world, "side-effects")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "review"
    assert not world.marker.exists()


def test_syntax_error_is_a_problem_not_a_removal(run_cli, world):
    # `pkg/__init__.py` re-exports Engine and run from the broken `pkg/core.py`: the API depends on it.
    outcome = check(run_cli, world, "syntax-error")
    text = BASE["pkg/core.py"] + "\n\ndef broken(:\n    pass\n"
    line = text.splitlines().index("def broken(:") + 1
    assert "does not parse" in outcome.problem("A901", "pkg/core.py")["message"]
    assert_fails_closed(outcome, ("pkg/core.py", line))
    assert outcome.data["changes"] == []  # Engine and run are unknown, not removed


def test_twenty_megabyte_python_file(run_cli, world):
    # `pkg/__init__.py` re-exports `VALUE_0000` from the huge file.
    outcome = check(run_cli, world, "huge-python")
    assert "larger than" in outcome.problem("A901", "pkg/huge.py")["message"]
    assert_fails_closed(outcome, ("pkg/huge.py", None))
    assert outcome.data["changes"] == []


#: The deep-nesting files, and whether the head's `pkg/__init__.py` re-exports a name from each (see `_deep`).
DEEP = {"attr": False, "binop": True, "call": False, "default": True, "indent": False, "parens": False,
        "unary": False}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_a_parse_problem(run_cli, world, name):
    outcome = check(run_cli, world, "deep-nesting")
    code = "A901" if DEEP[name] else "A905"
    assert outcome.problem(code, f"pkg/deep_{name}.py")["message"].startswith("the file does not parse")
    # Only the two files the API depends on decide the verdict; the five nothing imports are noted.
    assert [(code, path) for code, path, _ in unanalysable(outcome)] == [
        ("A901" if DEEP[n] else "A905", f"pkg/deep_{n}.py") for n in sorted(DEEP)]
    assert_fails_closed(outcome, ("pkg/deep_binop.py", None), ("pkg/deep_default.py", None))
    assert outcome.data["changes"] == []


def test_deep_unary_nesting_message_says_why(run_cli, world):
    outcome = check(run_cli, world, "deep-nesting")
    message = outcome.problem("A905", "pkg/deep_unary.py")["message"]
    assert not message.rstrip().endswith(":"), message


def test_symlinks_out_of_the_repository_are_not_followed(run_cli, world):
    outcome = check(run_cli, world, "symlinks-out")
    assert outcome.code == 0
    assert {f["path"] for f in outcome.data["files"]} >= {"pkg/secret.py", "pkg/relative.py", "pkg/passwd.py"}


def test_python_symlinks_nothing_imports_are_only_noted(run_cli, world):
    # Nothing imports the three links (`pkg/__init__.py` is unchanged): they cannot change the API (A905), and
    # the verdict is the one the rest of the change gives (`walk` is not exported: nothing public changed).
    outcome = check(run_cli, world, "symlinks-out")
    assert "symbolic link" in outcome.problem("A905", "pkg/secret.py")["message"]
    assert unanalysable(outcome) == [("A905", "pkg/passwd.py", None), ("A905", "pkg/relative.py", None),
                                     ("A905", "pkg/secret.py", None)]
    assert (outcome.code, outcome.data["verdict"], outcome.data["reasons"]) == (0, "not-required", [])


def test_init_that_is_a_symlink_fails_closed(run_cli, world):
    # The package's own `__init__.py`, a public module, replaced by a link.
    outcome = check(run_cli, world, "init-is-link")
    assert "symbolic link" in outcome.problem("A901", "pkg/__init__.py")["message"]
    assert_fails_closed(outcome, ("pkg/__init__.py", None))
    assert outcome.data["changes"] == []


def test_reexport_of_a_linked_module_fails_closed(run_cli, world):
    # `pkg/__init__.py` re-exports a name from `pkg/secret.py`, a link out of the repository.
    outcome = check(run_cli, world, "reexport-link")
    assert "symbolic link" in outcome.problem("A901", "pkg/secret.py")["message"]
    assert_fails_closed(outcome, ("pkg/secret.py", None))
    assert outcome.data["changes"] == []


@pytest.mark.parametrize(("case", "name", "target"), [("reexport-missing", "pkg.Thing", "pkg.missing.Thing"),
                                                      ("reexport-submodule", "pkg.plugin", "pkg.plugins.plugin.plugin"),
                                                      ("reexport-cycle", "pkg.Thing", "pkg.a.Thing")])
def test_reexport_of_a_name_found_nowhere(run_cli, world, case, name, target):
    # A name new at head whose re-export leads nowhere (no such module, a submodule, a cycle): A902, and the
    # verdict is at least review (V107). It was not public at base, so nothing is removed.
    outcome = check(run_cli, world, case)
    problems = [(p["code"], p["path"], p["line"], p["message"]) for p in outcome.data["problems"]]
    assert problems == [("A902", "pkg/__init__.py", 3, f"{name} re-exports {target}, which cannot be found")]
    assert [(r["code"], r["path"], r["line"]) for r in outcome.data["reasons"]] == [("V107", "pkg/__init__.py", 3)]
    assert (outcome.code, outcome.data["verdict"], outcome.data["changes"]) == (0, "review", [])


@pytest.mark.parametrize("case", ["reexport-link", "reexport-submodule", "reexport-cycle"])
def test_reexport_cases_read_nothing_outside(run_cli, world, case):
    # The run once ended in an exception here (fixed); what it read before then still counted.
    with FileAccessRecorder(world.repo.path) as access:
        try:
            result = run_cli("check", "--repo", str(world.repo.path), "--base", world.bases[case],
                             "--head", world.heads[case], "--format", "json")
        except Exception:  # an exception is a failure of its own; what was read before it still counts
            result = None
    access.assert_stayed_inside()
    assert result is None or TOKEN not in result.out + result.err
    assert not world.marker.exists()


def test_star_import_and_a_name_defined_nowhere(run_cli, world):
    outcome = check(run_cli, world, "star-missing")
    assert "pkg.nowhere" in outcome.problem("A902", "pkg/__init__.py")["message"]


def test_control_characters_in_public_names(run_cli, world):
    outcome = check(run_cli, world, "control-names")
    assert outcome.code == 0
    messages = [p["message"] for p in outcome.data["problems"] if p["code"] == "A902"]
    assert any("pwned" in m for m in messages)
    for fmt in ("text", "markdown"):
        result = run_cli("check", "--repo", str(world.repo.path), "--base", world.bases["control-names"],
                         "--head", world.heads["control-names"], "--format", fmt)
        assert "\x1b]" not in result.out
        assert "\n::error" not in result.out


def test_control_characters_in_github_annotations(run_cli, world):
    result = run_cli("check", "--repo", str(world.repo.path), "--base", world.bases["control-names"],
                     "--head", world.heads["control-names"], "--format", "github")
    assert "pwned" in result.out
    assert "\n::error" not in result.out
    assert "\x1b" not in result.out


def test_submodules(run_cli, world):
    outcome = check(run_cli, world, "submodules")
    finding = outcome.problem("D002", "deps/0002-dep-sub.md")
    assert "deps/0002-dep-sub.md" in finding["message"]
    assert outcome.data["verdict"] == "not-required"


def test_non_utf8_names_and_contents(run_cli, world):
    outcome = check(run_cli, world, "non-utf8")
    # The coding line is honoured, as CPython does: `pkg.NAME` is read from the latin-1 file.
    assert [(c["code"], c["symbol"], c["path"]) for c in outcome.data["changes"]] == [("A304", "pkg.NAME",
                                                                                       "pkg/latin.py")]
    # The file with no declaration cannot be decoded; nothing imports it, so it is only noted.
    assert "not valid UTF-8 and declares no other encoding" in outcome.problem("A905", "pkg/undeclared.py")["message"]
    assert unanalysable(outcome) == [("A905", "pkg/undeclared.py", None)]
    text = BASE["deps/0001-dep-process.md"].replace("0001", "0004").replace("Text.", "Caf\xe9.")
    assert outcome.problem("D001", "deps/0004-dep-latin.md")["line"] == text.splitlines().index("Caf\xe9.") + 1
    assert "pkg/caf\ufffd.py" in {f["path"] for f in outcome.data["files"]}  # a name that is not UTF-8, readable
    # `review` for the new name (review-on-additions), not for the undecodable file.
    assert (outcome.code, outcome.data["verdict"], outcome.codes("reasons")) == (0, "review", ["A304"])
    # As a process, under a UTF-8 locale: the output is valid UTF-8 JSON, whatever the file names.
    proc = run_subprocess(world, "non-utf8")
    assert proc.returncode == 0, proc.stderr
    assert "\ufffd" not in proc.stdout.replace("caf\ufffd", "")  # nothing else was undecodable
    assert json.loads(proc.stdout)["verdict"] == "review"


def test_source_encoding_that_rewrites_the_text_fails_closed(run_cli, world):
    outcome = check(run_cli, world, "rewriting-codec")
    assert "'unicode_escape', which rewrites the text" in outcome.problem("A901", "pkg/escape.py")["message"]
    assert_fails_closed(outcome, ("pkg/escape.py", 1))
    assert outcome.data["changes"] == []


def test_case_only_renames(run_cli, world):
    outcome = check(run_cli, world, "case-rename")
    assert outcome.data["verdict"] == "not-required"
    assert not outcome.data["changes"]  # pkg.old_helper is still exported
    renamed = {(f["old_path"], f["path"]) for f in outcome.data["files"] if f["status"] == "R"}
    assert ("pkg/Legacy.py", "pkg/legacy.py") in renamed
    assert ("deps/0001-dep-process.md", "deps/0001-DEP-Process.md") in renamed
    assert "lower-case" in outcome.problem("D118", "deps/0001-DEP-Process.md")["message"]


def test_deps_entries_that_are_links_or_folders(run_cli, world):
    outcome = check(run_cli, world, "deps-entries")
    for path, what in (("deps/0005-dep-link.md", "symbolic link"), ("deps/0006-dep-inside-link.md", "symbolic link"),
                       ("deps/0007-dep-folder.md", "folder")):
        assert what in outcome.problem("D002", path)["message"]


def test_deps_folder_that_is_a_link_out(run_cli, world):
    outcome = check(run_cli, world, "deps-is-link")
    assert "symbolic link" in outcome.problem("D002", "deps")["message"]
    assert outcome.data["deps"] == []  # the DEPs outside were not read


def test_deps_folder_that_is_a_file(run_cli, world):
    outcome = check(run_cli, world, "deps-is-file")
    assert "is a file, not a folder" in outcome.problem("D002", "deps")["message"]


def test_odd_file_names(run_cli, world):
    outcome = check(run_cli, world, "odd-names")
    assert outcome.code == 0
    assert outcome.data["verdict"] == "not-required"
    paths = {f["path"] for f in outcome.data["files"]}
    assert {"pkg/new\nline.py", "pkg/-dash.py", "--help.py", "pkg/foo.py/bar.py"} <= paths
    added = {d["path"]: d for d in outcome.data["deps"]}
    # A DEP whose name holds a newline is still read: its header gives its number and status.
    assert added["deps/0008-dep-new\nline.md"]["status"] == "Active"
    assert added["deps/-0009-dep-dash.md"]["number"] == 9
    outcome.problem("D118", "deps/-0009-dep-dash.md")


def test_dynamic_and_composed_all(run_cli, world):
    outcome = check(run_cli, world, "dynamic-all")
    problem = outcome.problem("A903", "pkg/__init__.py")
    assert problem["line"] == 4
    assert {"pkg.sub.alpha", "pkg.sub.beta"} <= symbols(outcome)  # `__all__ += a.__all__` was followed
    assert outcome.data["verdict"] == "review"


def test_huge_all(run_cli, world):
    outcome = check(run_cli, world, "huge-all")
    assert outcome.data["verdict"] == "review"
    assert len([s for s in symbols(outcome) if s.startswith("pkg.big.name_")]) == HUGE_ALL


def test_base_class_and_star_import_cycles(run_cli, world):
    outcome = check(run_cli, world, "cycles")
    assert {"pkg.A", "pkg.B", "pkg.C"} <= symbols(outcome)
    # New names only (the cycles are no error to report): review, for the additions.
    assert (outcome.code, outcome.data["verdict"]) == (0, "review")


def test_twenty_megabyte_dep(run_cli, world):
    outcome = check(run_cli, world, "huge-dep")
    finding = outcome.problem("D003", "deps/0010-dep-huge.md")
    assert finding["line"] == 1
    assert "not read" in finding["message"]
    assert outcome.data["verdict"] == "proposal"


def test_twenty_megabyte_dep_is_never_loaded(run_cli, world, monkeypatch):
    from depgate.git import Git

    sizes: list[int] = []
    real_run = Git.run

    def run(self, *args, **kwargs):
        out = real_run(self, *args, **kwargs)
        sizes.append(len(out))
        return out

    monkeypatch.setattr(Git, "run", run)
    result = run_cli("check", "--repo", str(world.repo.path), "--base", world.bases["huge-dep"],
                     "--head", world.heads["huge-dep"], "--format", "json")
    assert "D003" in result.out
    assert max(sizes) < 1024 * 1024  # the document is 20 MB: git never handed it over


def test_long_commit_message_does_not_hang(world):
    # A process with a timeout: the regular expressions this guards against would run for hours, not fail.
    proc = run_subprocess(world, "long-message", timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["verdict"] == "not-required"
    assert data["override"] is None
    assert data["deps"] == []


def test_dep_header_of_a_hundred_thousand_continuation_lines(run_cli, world):
    outcome = check(run_cli, world, "folded-dep")
    (dep,) = [d for d in outcome.data["deps"] if d["number"] == 11]
    assert dep["title"] == "Folded" + " more" * FOLDED


@given(st.lists(st.text(alphabet="\"' \t\u00a0ab:K", max_size=6), max_size=8))
@settings(max_examples=300, deadline=None)
def test_continuation_lines_fold_as_if_joined_line_by_line(lines):
    from depgate.proposals.reader import _unquote, parse_header_lines

    lines = ["K: " + (lines[0] if lines else ""), *(f" {line}" for line in lines[1:])]
    value = None
    for raw in lines:  # the plain definition: join each line to the value, strip, unquote
        if raw.startswith("K: "):
            value = _unquote(raw[3:].strip())
        elif raw.strip():
            value = _unquote(f"{value} {raw.strip()}".strip())
    fields, _ = parse_header_lines(lines, 1)
    assert fields[0].value == value


def test_nul_bytes_in_python(run_cli, world):
    # `pkg/__init__.py` re-exports `X` from the file.
    outcome = check(run_cli, world, "nul-bytes")
    assert "null bytes" in outcome.problem("A901", "pkg/binary.py")["message"]
    assert_fails_closed(outcome, ("pkg/binary.py", None))
    assert outcome.data["changes"] == []


def test_head_configuration_cannot_switch_the_check_off(run_cli, world):
    outcome = check(run_cli, world, "head-config")
    assert outcome.code == 1
    assert outcome.data["verdict"] == "required"
    assert "pkg.Engine.step" in symbols(outcome)
    assert outcome.data["config"] == ".github/depgate.yml"
    failing = check(run_cli, world, "head-config", "--labels", "please")
    assert failing.code == 1  # the override label the head configured is not one


def test_malformed_base_configuration(run_cli, world):
    outcome = check(run_cli, world, "bad-config")
    assert outcome.code == 2
    assert outcome.err.startswith("depgate: error: .github/depgate.yml:2: ")


def test_base_configuration_that_is_a_link_out(run_cli, world):
    outcome = check(run_cli, world, "linked-config")
    assert outcome.code == 2
    assert ".github/depgate.yml" in outcome.err


def test_unrelated_history(run_cli, world):
    outcome = check(run_cli, world, "unrelated")
    assert outcome.code == 2
    assert "no merge base" in outcome.err
    assert "share no history" in outcome.err


def test_no_traceback_as_a_process(world):
    for case in ("deep-nesting", "bad-config"):
        proc = run_subprocess(world, case)
        assert proc.returncode in (0, 1, 2), proc.stderr
        assert "Traceback" not in proc.stderr
        assert TOKEN not in proc.stdout + proc.stderr


# -- shallow clones, the work tree, a module griffe visits in quadratic time ------------------------------------------

@pytest.fixture(scope="module")
def shallow(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A `--depth 1` clone of every branch of the hostile repository (what actions/checkout gives by default)."""
    path = tmp_path_factory.mktemp("shallow") / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{world.repo.path}", str(path)],
                   check=True, capture_output=True)
    return path


@pytest.mark.parametrize("args", [
    (),  # the default base: the merge-base with the default branch cannot be computed
    ("--base", "origin/main", "--head", "origin/syntax-error"),  # both tips present, their history is not
    ("--base", "main~1"),  # a revision the clone does not have
], ids=["default-base", "no-merge-base", "unknown-base"])
def test_shallow_clone_says_what_to_fetch(run_cli, shallow, args):
    with FileAccessRecorder(shallow) as access:
        result = run_cli("check", "--repo", str(shallow), "--format", "json", *args)
    assert result.code == 2, result
    assert result.out == ""
    assert result.err.startswith("depgate: error: ")
    assert "shallow clone" in result.err
    assert "fetch-depth: 0" in result.err
    access.assert_stayed_inside()


def test_work_tree_links_and_fifos(run_cli, world, tmp_path):
    """`--head WORKTREE` reads files from disk: links out and FIFOs must be neither followed nor opened."""
    wt = tmp_path / "wt"
    subprocess.run(["git", "clone", "-q", str(world.repo.path), str(wt)], check=True, capture_output=True)
    os.symlink(world.outside / "secret.py", wt / "pkg" / "secret.py")
    os.symlink(world.outside, wt / "pkg" / "outside_pkg")
    os.symlink(world.outside / "secret.md", wt / "deps" / "0005-dep-link.md")
    os.symlink(world.outside / "deps", wt / "deps" / "0007-dep-dir")
    os.mkfifo(wt / "deps" / "0006-dep-fifo.md")
    os.mkfifo(wt / "pkg" / "fifo.py")
    (wt / "pkg" / "__init__.py").write_text(init_exporting(("pkg.core", "walk")))
    (wt / "pkg" / "core.py").write_text(BASE["pkg/core.py"] + "\n\ndef walk() -> None:\n    pass\n")
    # Comparing the work tree is where git would run a filter's `clean` command or the fsmonitor hook.
    arm(wt, world.marker)
    subprocess.run(["touch", str(wt / "deps" / "0001-dep-process.md")], check=True)  # stat-dirty, content same
    args = ["check", "--repo", str(wt), "--base", "main", "--head", "WORKTREE", "--format", "json"]
    # A process first, with a timeout: opening a FIFO for reading would block for ever.
    proc = subprocess.run([sys.executable, "-m", "depgate", *args], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert TOKEN not in proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    findings = {(f["code"], f["path"]) for f in data["findings"]}
    # The FIFOs are not part of the change as git sees it (git skips them): they are only never opened.
    assert {("D002", "deps/0005-dep-link.md"), ("D002", "deps/0007-dep-dir")} <= findings
    # The same run in-process, to record what it opens.
    with FileAccessRecorder(wt) as access:
        result = run_cli(*args)
    assert result.code == proc.returncode
    assert json.loads(result.out)["findings"] == data["findings"]
    access.assert_stayed_inside()
    assert not world.marker.exists(), "git ran a command from the repository's configuration"


def test_work_tree_package_that_is_a_link_out(run_cli, world, tmp_path):
    """The package folder itself replaced by a link to a copy outside that defines more names: none is read."""
    wt, copy = tmp_path / "wt", tmp_path / "elsewhere" / "pkg"
    subprocess.run(["git", "clone", "-q", str(world.repo.path), str(wt)], check=True, capture_output=True)
    shutil.copytree(wt / "pkg", copy)
    (copy / "__init__.py").write_text(init_exporting(("pkg.core", TOKEN)))
    (copy / "core.py").write_text(BASE["pkg/core.py"] + f"\n{TOKEN} = 1\n")
    shutil.rmtree(wt / "pkg")
    os.symlink(copy, wt / "pkg")
    with FileAccessRecorder(wt) as access:
        result = run_cli("check", "--repo", str(wt), "--base", "main", "--head", "WORKTREE", "--format", "json")
    assert TOKEN not in result.out + result.err
    access.assert_stayed_inside()
    outcome = Outcome(result.code, result.out, result.err, json.loads(result.out), access)
    # The package's files cannot be read: unknown, not removed. `pkg/__init__.py`, the public module, fails closed.
    # NOTE: `core.py` and `Legacy.py` are only noted (A905): with `__init__.py` unreadable, no public name at head
    # is known to depend on them. The verdict does not rest on them.
    assert unanalysable(outcome) == [("A905", "pkg/Legacy.py", None), ("A901", "pkg/__init__.py", None),
                                     ("A905", "pkg/core.py", None)]
    assert "cannot be read" in outcome.problem("A901", "pkg/__init__.py")["message"]
    assert_fails_closed(outcome, ("pkg/__init__.py", None))
    assert outcome.data["changes"] == []


#: Top-level statements of `test_many_statements`: griffe's visitor looks for each assignment's docstring by
#: walking all its siblings, so the cost grows with the square of this (20,000 took 70 s).
MANY = 40_000


def test_many_statements_do_not_hang(git_repo):
    git_repo.commit("chore: initial", {"pkg/__init__.py": "__all__ = []\n"})
    git_repo.branch("pr")
    git_repo.commit("feat: many", {"pkg/many.py": "".join(f"n{i} = {i}\n" for i in range(MANY))})
    # NOTE: the timeout only guards against a hang; a fixed analysis takes a few seconds.
    proc = subprocess.run([sys.executable, "-m", "depgate", "check", "--repo", str(git_repo.path), "--base", "main",
                           "--format", "json"], capture_output=True, text=True, timeout=6, check=False)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    # Over the statement limit, and nothing imports the module (`__all__` is empty): noted, the verdict unchanged.
    assert [(p["code"], p["path"]) for p in data["problems"]] == [("A905", "pkg/many.py")]
    assert data["verdict"] == "not-required"


def test_modules_in_the_working_directory_are_not_imported(world, tmp_path):
    """The action runs `python -I -m depgate` in the checkout, where a pull request can add `yaml.py` or `depgate/`."""
    cwd = tmp_path / "checkout"
    payload = f"open({str(world.marker)!r}, 'w').write('shadowed')\n"
    for name in ("yaml.py", "griffe.py", "jinja2.py", "frontmatter.py", "depgate/__init__.py", "sitecustomize.py"):
        (cwd / name).parent.mkdir(parents=True, exist_ok=True)
        (cwd / name).write_text(payload)
    # Without -I the shadowing works (so this test can fail): the working directory comes first on sys.path.
    subprocess.run([sys.executable, "-c", "import yaml"], cwd=cwd, check=True)
    assert world.marker.exists()
    world.marker.unlink()
    proc = subprocess.run([sys.executable, "-I", "-m", "depgate", "check", "--repo", str(world.repo.path), "--base",
                           world.bases["side-effects"], "--head", world.heads["side-effects"], "--format", "json"],
                          cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "review"
    assert not world.marker.exists()


@pytest.mark.parametrize("name", ["new\nline.md", "two words.md", "caf\udce9.md", "*.md", ":(glob)x.md", "-x.md"])
def test_read_many_takes_any_file_name(git_repo, name):
    from depgate.git import Git

    raw = os.fsencode(name)
    (git_repo.path / "d").mkdir()
    (git_repo.path / "d" / "other.md").write_text("other\n")
    with open(os.path.join(os.fsencode(git_repo.path), b"d", raw), "wb") as handle:
        handle.write(b"wanted\n")
    sha = git_repo.commit("docs: odd name")
    wanted = f"d/{name}"
    found = Git(git_repo.path).read_many(sha, ["d/other.md", wanted, "d/missing file.md", "d", "d/other.md"])
    assert found == {"d/other.md": b"other\n", wanted: b"wanted\n", "d/missing file.md": None, "d": None}


def test_the_recorder_sees_reads_outside(world):
    """`FileAccessRecorder` itself: every way of reading a file outside shows, so the checks above can fail."""
    secret = world.outside / "secret.py"
    with FileAccessRecorder(world.repo.path) as access:
        secret.read_bytes()
        with open(secret, encoding="utf-8") as handle:
            handle.read()
        os.close(os.open(secret, os.O_RDONLY))
        os.listdir(world.outside)
        subprocess.run(["cat", str(secret)], capture_output=True, check=True)
        (world.repo.path / "pyproject.toml").read_bytes()  # inside: allowed
    assert [path for _, path in access.outside()] == [str(secret)] * 3 + [str(world.outside)]
    assert [argv for _, argv, _ in access.foreign_processes()] == [["cat", str(secret)]]
    with pytest.raises(AssertionError, match="read outside the repository"):
        access.assert_stayed_inside()
