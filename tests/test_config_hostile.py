"""Hostile configuration files, end to end: `depgate check` and `depgate lint` exit 2 with a short, clear message.

Each case is a real file in a real repository: committed on the base branch for `check` (which reads the
configuration from the base revision) and present in the work tree for `lint`.
"""

from __future__ import annotations

import pytest

from dep_samples import PROCESS, TEMPLATE

#: The longest stderr a configuration error may print: the message, the file and line, and the hint.
# The bound is on the whole error: a value is cut to 80 characters; the rest is depgate's own words, including the
# note that a configuration read from the base is fixed by merging first (`base_config_error`).
MAX_ERR = 520
YAML = ".github/depgate.yml"


def alias_bomb(levels: int = 9) -> str:
    """A "billion laughs" document: 400-odd bytes whose last anchor stands for 9**9 strings."""
    items = ["&a0 [lol,lol,lol,lol,lol,lol,lol,lol,lol]"]
    items += [f"&a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "proposals:\n  directory: [" + ", ".join(items) + "]\n"


def test_the_bomb_is_small():
    # The point of the case: the file is tiny, what it describes is not.
    assert len(alias_bomb().encode()) < 500


#: (file, text, what stderr must say), each case one kind of hostile or mistaken file.
CASES = [
    pytest.param(YAML, alias_bomb(), [f"{YAML}:2: YAML anchor `&a0` at line 2, column 15 is not supported",
                                      "hint: write the value out; anchors and aliases are not supported"],
                 id="alias-bomb"),
    pytest.param(YAML, "proposals:\n  statuses: &s [Draft, Accepted]\n  types: *s\n",
                 [f"{YAML}:2: YAML anchor `&s` at line 2, column 13", "anchors and aliases are not supported"],
                 id="anchor-reused"),
    pytest.param(YAML, "proposals:\n  statuses: [Draft]\n  types: *undefined\n",
                 [f"{YAML}:3: YAML alias `*undefined` at line 3, column 10", "anchors and aliases are not supported"],
                 id="alias-to-nothing"),
    pytest.param(YAML, "proposals:\n  <<: &d {directory: deps}\n", [f"{YAML}:2: YAML anchor `&d`"], id="merge-key"),
    pytest.param(YAML, "proposals:\n  statuses: &a [*a]\n", [f"{YAML}:2: YAML anchor `&a`"], id="recursive-alias"),
    pytest.param(YAML, "verdict:\n  override-marker: '(?im)^DEP: none (?P<reason>.*'\n",
                 [f"{YAML}: `verdict.override-marker` is not a valid regular expression (missing ), unterminated "
                  "subpattern at position 16)"], id="regex-unclosed"),
    pytest.param(YAML, "verdict:\n  override-marker: '(?P<reason>x)(?P<reason>y)'\n",
                 [f"{YAML}: `verdict.override-marker` is not a valid regular expression (redefinition of group name"],
                 id="regex-duplicate-group"),
    pytest.param(YAML, "lint:\n  ignore: [D1, D999]\n", [f"{YAML}: `lint.ignore` names no known rule: 'D999'"],
                 id="lint-ignore"),
    pytest.param(YAML, "lint:\n  per-file-ignores:\n    'deps/0001-*.md': [missing-headr]\n",
                 ["`lint.per-file-ignores.deps/0001-*.md` names no known rule: 'missing-headr'"],
                 id="per-file-ignores"),
    pytest.param(YAML, "lint:\n  severity:\n    D101: fatal\n",
                 [f"{YAML}: `lint.severity.D101` must be one of info, warning, error, not 'fatal'"], id="severity"),
    pytest.param(YAML, "lint:\n  severity:\n    Z9: error\n", ["`lint.severity.Z9` names no known rule"],
                 id="severity-rule"),
    pytest.param(YAML, "proposals:\n  number-width: 0x" + "f" * 2000 + "\n",
                 ["`proposals.number-width` must be between 1 and 9, not <an integer of 8000 bits>"],
                 id="huge-hex-int"),
    pytest.param(YAML, "proposals:\n  ? " + "k" * 50_000 + "\n  : 1\n", ["unknown key `proposals.kkkk", "k…`"],
                 id="huge-key"),
    pytest.param(YAML, "proposals:\n  directory: [" + "x, " * 100_000 + "]\n",
                 ["`proposals.directory` must be a string, not list ['x', 'x', 'x', 'x', ...]"], id="huge-list"),
    pytest.param(YAML, "proposals:\n  directory: " + "[" * 3000 + "]" * 3000 + "\n",
                 [f"{YAML}: not valid YAML: nested too deeply"], id="deep-yaml"),
    pytest.param(YAML, "# padding\n" * 120_000, [f"{YAML}: the configuration file is larger than 1024 KiB"],
                 id="huge-file"),
    pytest.param("pyproject.toml", "[tool.depgate.proposals]\ndirectory = " + "[" * 3000 + "]" * 3000 + "\n",
                 ["pyproject.toml: not valid TOML: nested too deeply"], id="deep-toml"),
    pytest.param("pyproject.toml", "[tool.depgate.proposals]\nnumber-width = " + "1" * 5000 + "\n",
                 ["pyproject.toml: not valid TOML: a value cannot be read (Exceeds the limit"], id="huge-int-toml"),
    pytest.param("pyproject.toml", "[tool.depgate.api]\npackages = [" + "[1], " * 100_000 + "]\n",
                 ["`api.packages` must be a list of strings, not list [[1], [1], [1], [1], ...]"],
                 id="huge-array-toml"),
    pytest.param("pyproject.toml", "[tool.depgate.api]\npublic = '" + "p" * 100_000 + "'\n",
                 ["`api.public` must be one of all, underscore, not 'pppp", "ppp'"], id="huge-string-toml"),
    pytest.param("pyproject.toml", "[tool.depgate.verdict]\noverride-marker = '[DEP'\n",
                 ["pyproject.toml [tool.depgate]: `verdict.override-marker` is not a valid regular expression"],
                 id="regex-toml"),
]


def _assert_clear(result, said: list[str]) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err
    for text in said:
        assert text in result.err, result.err
    assert len(result.err) <= MAX_ERR, result.err


@pytest.mark.parametrize(("path", "text", "said"), CASES)
def test_check_refuses_the_base_configuration(run_cli, git_repo, path, text, said):
    git_repo.commit("chore: initial", {"pkg/__init__.py": "__all__ = []\n", path: text})
    git_repo.branch("pr")
    git_repo.commit("feat: add", {"pkg/__init__.py": "__all__ = ['f']\n\ndef f() -> None:\n    pass\n"})
    _assert_clear(run_cli("check", "--repo", str(git_repo.path)), said)


@pytest.mark.parametrize(("path", "text", "said"), CASES)
def test_lint_refuses_the_configuration(run_cli, git_repo, path, text, said):
    git_repo.commit("docs: deps", {"deps/TEMPLATE.md": TEMPLATE, "deps/0001-dep-process.md": PROCESS, path: text})
    _assert_clear(run_cli("lint", "--repo", str(git_repo.path)), said)


def test_a_valid_marker_and_selectors_still_work(run_cli, git_repo, tmp_path):
    # The near miss: the same keys, valid, are loaded and used (lint passes, the marker overrides in check).
    config = ("verdict:\n  override-marker: '(?im)^skip-dep:\\s*(?P<reason>\\S.*)$'\n"
              "lint:\n  ignore: [D2, missing-header]\n  severity:\n    D101: warning\n")
    git_repo.commit("docs: deps", {"deps/TEMPLATE.md": TEMPLATE, "deps/0001-dep-process.md": PROCESS, YAML: config,
                                   "pkg/__init__.py": "__all__ = ['f']\n\ndef f() -> None:\n    pass\n"})
    assert run_cli("lint", "--repo", str(git_repo.path)).code == 0
    git_repo.branch("pr")
    git_repo.commit("feat!: drop f", {"pkg/__init__.py": "__all__ = []\n"})
    plain = run_cli("check", "--repo", str(git_repo.path))
    body = tmp_path / "body.txt"
    body.write_text("Cleanup.\n\nskip-dep: the package was never used\n", encoding="utf-8")
    overridden = run_cli("check", "--repo", str(git_repo.path), "--body-file", str(body))
    assert (plain.code, overridden.code) == (1, 0), (plain, overridden)
    assert "the package was never used" in overridden.out
