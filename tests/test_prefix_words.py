"""A repository set up with `depgate init --prefix RFC --directory rfcs` is spoken to in its own words.

Real repositories in temporary folders, whole command runs: the override line, the header key of the number,
`init --config-format` and the messages of `new`, `lint` and `index`.
"""

from __future__ import annotations

import json
import re

import pytest

from depgate.config import Config, ProposalsConfig, load_config, parse_config
from gitrepo import GitRepo

DATE = "2026-11-30"
PKG = {"pkg/__init__.py": "def a():\n    pass\n\n\ndef b():\n    pass\n\n\n__all__ = ['a', 'b']\n"}
DROP_B = {"pkg/__init__.py": "def a():\n    pass\n\n\n__all__ = ['a']\n"}


@pytest.fixture
def rfc_repo(git_repo: GitRepo, run_cli) -> GitRepo:
    """A project adopted with `depgate init --prefix RFC --directory rfcs`, committed on main."""
    git_repo.commit("feat: start", PKG)
    result = run_cli("init", "--repo", str(git_repo.path), "--prefix", "RFC", "--directory", "rfcs", "--date", DATE)
    assert result.code == 0, result
    git_repo.commit("docs: adopt the RFC process (RFC-0001)")
    return git_repo


def _check(run_cli, repo: GitRepo, tmp_path, body: str):
    path = tmp_path / "body.md"
    path.write_text(body, encoding="utf-8")
    return run_cli("check", "--repo", str(repo.path), "--base", "main", "--title", "refactor!: drop b",
                   "--body-file", str(path), "--format", "json")


def _breaking_branch(repo: GitRepo) -> None:
    repo.branch("drop")
    repo.commit("refactor!: drop b", DROP_B)


# -- the override line -----------------------------------------------------------------------------------------


def test_an_rfc_repository_takes_its_own_override_line_only(rfc_repo, run_cli, tmp_path):
    assert "override-marker" not in (rfc_repo.path / ".github/depgate.yml").read_text()  # the default follows
    _breaking_branch(rfc_repo)
    assert _check(run_cli, rfc_repo, tmp_path, "Nothing to say.\n").code == 1
    own = _check(run_cli, rfc_repo, tmp_path, "RFC: none — b was never released\n")
    assert own.code == 0, own
    assert "b was never released" in own.out
    # Decided: the repository's own word only; `DEP: none` is just text there.
    other = _check(run_cli, rfc_repo, tmp_path, "DEP: none — b was never released\n")
    assert other.code == 1, other
    assert json.loads(other.out)["verdict"] == "required"


def test_a_configured_marker_wins_over_the_prefix(git_repo, run_cli, tmp_path):
    config = ("proposals:\n  prefix: RFC\n  directory: rfcs\nverdict:\n"
              "  override-marker: '(?m)^skip-design: (?P<reason>.+)$'\n")
    git_repo.commit("feat: start", {**PKG, ".github/depgate.yml": config})
    _breaking_branch(git_repo)
    assert _check(run_cli, git_repo, tmp_path, "skip-design: a typo fix\n").code == 0
    assert _check(run_cli, git_repo, tmp_path, "RFC: none — a typo fix\n").code == 1


@pytest.mark.parametrize(("prefix", "line", "matches"), [
    ("RFC", "RFC: none — reason", True),
    ("RFC", "rfc:none: reason", True),  # case and spacing as loose as the DEP default always was
    ("RFC", "DEP: none — reason", False),
    ("RFC", "RFC: none", False),  # no reason
    ("DEP", "DEP: none — reason", True),
    ("DEP", "RFC: none — reason", False),
])
def test_the_default_marker_follows_the_prefix(prefix, line, matches):
    config = parse_config({"proposals": {"prefix": prefix}}, "test")
    assert bool(config.verdict.override_pattern.search(line)) is matches
    built = Config(proposals=ProposalsConfig(prefix=prefix))  # built in code, not loaded: the same default
    assert built.verdict.override_marker == config.verdict.override_marker


# -- the number's header key -------------------------------------------------------------------------------------


def _doc(key_lines: str, number: int, title: str, status: str = "Accepted") -> str:
    return (f"---\n{key_lines}Title: {title}\nAuthor: @someone\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-02-04\n---\n\n# RFC-{number:04d}: {title}\n\n## Abstract\n\nText.\n\n## Motivation\n\n"
            "Why.\n\n## Design Proposal\n\nHow.\n\n## Usage\n\nUse.\n\n## Backward Compatibility\n\nFine.\n\n"
            "## Alternatives Considered\n\nNone.\n")


def test_init_and_new_write_the_number_under_the_prefix(rfc_repo, run_cli):
    assert (rfc_repo.path / "rfcs/TEMPLATE.md").read_text().startswith("---\nRFC: <Leave blank")
    assert (rfc_repo.path / "rfcs/0001-rfc-process.md").read_text().startswith("---\nRFC: 0001\n")
    created = run_cli("new", "Faster loading", "--repo", str(rfc_repo.path), "--date", DATE)
    assert created.code == 0, created
    text = (rfc_repo.path / "rfcs/0002-faster-loading.md").read_text()
    assert text.startswith("---\nRFC: 0002\nTitle: Faster loading\n")
    assert "DEP" not in text
    assert "created RFC-0002" in created.err


def test_an_old_dep_key_still_gives_the_number_and_both_keys_lint_clean(rfc_repo, run_cli):
    rfc_repo.commit("docs: two RFCs", {"rfcs/0002-old.md": _doc("DEP: 0002\n", 2, "Old"),
                                      "rfcs/0003-both.md": _doc("RFC: 0003\nDEP: 0003\n", 3, "Both")})
    lint = run_cli("lint", "--repo", str(rfc_repo.path))
    assert lint.code == 0, lint
    index = run_cli("index", "--repo", str(rfc_repo.path))
    assert "| [0002](0002-old.md) | Old |" in index.out
    assert "| [0003](0003-both.md) | Both |" in index.out
    assert "has no number" not in index.out + index.err
    new = run_cli("new", "Next", "--repo", str(rfc_repo.path), "--date", DATE)
    assert new.code == 0, new
    assert (rfc_repo.path / "rfcs/0004-next.md").is_file()  # numbers read under both keys are taken


def test_two_number_keys_that_disagree_are_one_clear_finding(rfc_repo, run_cli):
    rfc_repo.commit("docs: RFC-0002", {"rfcs/0002-mixed.md": _doc("RFC: 0002\nDEP: 0007\n", 2, "Mixed")})
    lint = run_cli("lint", "--repo", str(rfc_repo.path), "--format", "json")
    assert lint.code == 1
    found = [(d["code"], d["line"], d["message"]) for d in json.loads(lint.out)["diagnostics"]
             if d["path"] == "rfcs/0002-mixed.md"]
    assert ("D119", 3, "`DEP: 0007` disagrees with `RFC: 0002` on line 2; keep the number on the `RFC` line only"
            ) in found
    assert ("D107", 3, "DEP must equal the file name's number 0002, not `0007`") in found
    assert all(code in ("D119", "D107") for code, _, _ in found), found


def test_the_rfc_key_messages_name_the_key(rfc_repo, run_cli):
    rfc_repo.commit("docs: RFC-0002", {"rfcs/0002-bad.md": _doc("RFC: 2\n", 2, "Bad")})
    lint = run_cli("lint", "--repo", str(rfc_repo.path))
    assert "D116 warning: RFC should be written `0002`, not `2`" in lint.out
    rfc_repo.commit("docs: missing", {"rfcs/0002-bad.md": _doc("", 2, "Bad")})
    lint = run_cli("lint", "--repo", str(rfc_repo.path))
    assert "required header `RFC` is missing" in lint.out
    assert "DEP" not in lint.out


def test_a_linked_rfc_under_its_own_key_satisfies_the_check(rfc_repo, run_cli, tmp_path):
    rfc_repo.commit("docs: RFC-0002", {"rfcs/0002-drop-b.md": _doc("RFC: 0002\n", 2, "Drop b")})
    _breaking_branch(rfc_repo)
    result = _check(run_cli, rfc_repo, tmp_path, "Implements RFC-0002.\n")
    assert result.code == 0, result
    assert json.loads(result.out)["verdict"] == "required"


# -- `init --config-format` ------------------------------------------------------------------------------------


def test_init_names_the_configuration_format_config_format(git_repo, run_cli, capsys):
    git_repo.commit("feat: start", PKG)
    assert run_cli("init", "--help").code == 0
    help_text = capsys.readouterr().out  # argparse prints help on sys.stdout
    assert "--config-format {yml,pyproject}" in help_text
    assert not re.search(r"--config(?!-format)", help_text)
    old = run_cli("init", "--repo", str(git_repo.path), "--config", "pyproject")
    assert old.code == 2
    assert "depgate init has no --config" in old.err
    assert "--config-format pyproject" in old.err
    assert not (git_repo.path / "deps").exists()  # refused before writing anything
    new = run_cli("init", "--repo", str(git_repo.path), "--config-format", "pyproject", "--date", DATE)
    assert new.code == 0, new
    assert load_config(git_repo.path).source == "pyproject.toml [tool.depgate]"


def test_init_refuses_a_prefix_that_is_a_header_name(git_repo, run_cli):
    result = run_cli("init", "--repo", str(git_repo.path), "--prefix", "Status")
    assert result.code == 2
    assert "the prefix must not be the name of a header, not 'Status'" in result.err


# -- messages of new and index -----------------------------------------------------------------------------------


def test_new_without_a_template_speaks_the_prefix(git_repo, run_cli):
    git_repo.commit("docs: config", {".github/depgate.yml": "proposals:\n  prefix: RFC\n  directory: rfcs\n",
                                     "rfcs/0001-a.md": _doc("RFC: 0001\n", 1, "A")})
    result = run_cli("new", "Next", "--repo", str(git_repo.path), "--author", "@me")
    assert result.code == 2
    assert "rfcs/TEMPLATE.md: the RFC template does not exist" in result.err
    assert "DEP" not in result.err


def test_index_warnings_speak_the_prefix(rfc_repo, run_cli):
    rfc_repo.commit("docs: unnumbered", {"rfcs/draft.md": _doc("", 0, "Draft")})
    result = run_cli("index", "--repo", str(rfc_repo.path))
    assert "rfcs/draft.md: has no number (neither the RFC header nor the file name gives one)" in result.err
    assert "DEP" not in result.err
