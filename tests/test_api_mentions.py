"""Names a proposal mentions, the public surface at a commit, and the changes that implemented a proposal uncited.

The text side is unit-tested with tables (and hostile input); the surface and the inferred evidence run on real
repositories built commit by commit, with the history read by `depgate.proposals.history.read_history`.
"""

from __future__ import annotations

import json

import pytest

from depgate.api import mentions as M
from depgate.api.mentions import contract_paths, inferred_implementations, mentioned_names, named_symbols, public_paths
from depgate.config import ApiConfig, Config
from depgate.diagnostics import Severity
from depgate.git import Git
from depgate.proposals.evidence import EvidenceKind, Strength
from depgate.proposals.folder import load_folder
from depgate.proposals.history import read_history
from depgate.tree import GitTree
from depgate.verdict import _search_names

# -- mentioned_names ---------------------------------------------------------------------------------------------

NAME_CASES = [
    # (markdown, names expected); each case says why
    ("Use `OffloadStrategy` here.", {"OffloadStrategy"}),  # a code span
    ("An OffloadStrategy in prose.", {"OffloadStrategy"}),  # a CamelCase word in prose
    ("We offload the Trainer to the CPU.", set()),  # prose words that are not CamelCase: never
    ("Call `offload()` then `Trainer.offload`.", {"offload", "Trainer", "Trainer.offload"}),
    ("`self.offload` is a method.", {"self"}),  # `Class.member` only when the first part is capitalised
    ("`pkg.offload.OffloadStrategy`", set()),  # the check's pattern never starts after a dot; `pkg` is too short
    ("`Trainer.offload.later`", {"Trainer", "Trainer.offload"}),  # the first two parts of a longer name
    ("`Foo.run` and `Run` and `_Hidden` and `_private_fn`", {"Foo.run"}),  # under 4 characters or underscored
    ("`2fast` `x1y2z3`", {"x1y2z3"}),  # an identifier does not start with a digit
    ("DEPs and APIs and FSDP and Draft", {"DEPs", "APIs"}),  # CamelCase needs a lower-case letter and a 2nd capital
    ("```python\nstrategy = OffloadStrategy(level=2)\n```\n", {"strategy", "OffloadStrategy", "level"}),
    ("~~~\nplain_words here\n~~~\n", {"plain_words", "here"}),  # a tilde fence
    ("```\nunclosed_fence runs on\n\nto_the_end\n", {"unclosed_fence", "runs", "to_the_end"}),
    ("````\n```\nstill_code\n````\nafter_fence\n", {"still_code"}),  # a shorter run does not close a fence
    ("``code with ` inside`` and `second`", {"code", "with", "inside", "second"}),  # spans of two backticks
    ("a `stray backtick\n\nthen prose_words and `closed`", {"closed"}),  # a span does not cross a blank line
    ("```inline``` is `nothing` a fence", {"inline", "nothing"}),  # a backtick in the info string: code spans
    ("OffloadStrategy.apply in prose", {"OffloadStrategy", "OffloadStrategy.apply"}),
]


@pytest.mark.parametrize(("text", "expected"), NAME_CASES)
def test_mentioned_names(text, expected):
    assert mentioned_names(text) == frozenset(expected)


def test_mentioned_names_of_a_d9d_like_proposal():
    text = ("---\nDEP: 0005\nTitle: Offloading\nAuthor: @mrapplexz\nStatus: Draft\nType: Feature\n"
            "Created: 2026-01-01\n---\n\n# Offloading\n\nAdd an OffloadStrategy (`pkg.offload`) so the\n"
            "`Trainer.offload` hook can move state.\n\n```python\ntrainer.offload(OffloadStrategy())\n```\n")
    assert mentioned_names(text) == {"OffloadStrategy", "Trainer", "Trainer.offload", "trainer"}


HOSTILE = [
    ("one megabyte of prose without a space", "a" * 1_000_000, set()),  # not CamelCase
    ("one megabyte of code without a space", "`" + "a" * 1_000_000 + "`", {"a" * 1_000_000}),
    ("one megabyte of one dotted name", "`" + "Ab." * 333_333 + "`", {"Ab.Ab"}),
    ("100,000 backticks around one-letter code", "`x " * 100_000, set()),  # spans of `x `: too short
    ("runs of every length, none closed", "".join("`" * k + " word " for k in range(1, 448)), set()),
    ("100,000 backticks pairing up", "`name` " * 50_000, {"name"}),
    ("100,000 fence lines", "```\n" * 100_000, set()),
    ("a megabyte of dots", "." * 1_000_000, set()),
    ("a megabyte of CamelCase", "AbCd" * 250_000, {"AbCd" * 250_000}),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_mentioned_names_on_hostile_input(text, expected):
    # NOTE: a backtracking pattern or a quadratic span search would not finish on these; the answers are checked.
    assert mentioned_names(text) == frozenset(expected)


# -- named_symbols -----------------------------------------------------------------------------------------------

PATHS = ["pkg", "pkg.offload", "pkg.offload.OffloadStrategy", "pkg.offload.OffloadStrategy.apply", "pkg.Trainer",
         "pkg.Trainer.offload", "pkg.Trainer.fit", "pkg.core._Base", "pkg.run", "pkg.Trainer.Inner.deep_step"]


@pytest.mark.parametrize(("text", "expected"), [
    ("`OffloadStrategy`", ["pkg.offload.OffloadStrategy"]),
    ("`offload`", ["pkg.offload"]),  # a bare name names a module-level object, never a class member
    ("`apply` `fit` `offload`", ["pkg.offload"]),  # ...so common member names (`model`, `kind`) are not evidence
    ("`Trainer.offload`", ["pkg.Trainer", "pkg.Trainer.offload"]),  # `Trainer` too: the first part is a name
    ("`OffloadStrategy.apply`", ["pkg.offload.OffloadStrategy", "pkg.offload.OffloadStrategy.apply"]),
    ("`Inner.deep_step`", ["pkg.Trainer.Inner.deep_step"]),  # a nested class's member by `Class.member`
    ("`run` `_Base` `apply`", []),  # `run` is short, `_Base` underscored, `apply` a bare member name
    ("`Trainer.fit`", ["pkg.Trainer", "pkg.Trainer.fit"]),  # the member named with its class still counts
    ("the trainer should offload", []),  # lower-case prose names nothing
    ("", []),
])
def test_named_symbols(text, expected):
    assert named_symbols(text, PATHS) == tuple(expected)


@pytest.mark.parametrize("path", PATHS)
def test_named_symbols_matches_what_the_check_searches(path):
    # The check suggests a DEP when its text holds one of `_search_names` of a changed symbol; a text naming exactly
    # those names must name the path here, and a text naming anything else must not.
    # A class member counts only as `Class.member` (`_member_names`): a bare member name is too common.
    searched = M._member_names(path)
    assert searched <= set(_search_names([M._Symbol(path)]))
    text = " ".join(f"`{name}`" for name in searched)
    assert (path in named_symbols(text, [path])) == bool(searched)
    assert named_symbols("`unrelated_name` `Other.thing`", [path]) == ()


# -- contract_paths and public_paths -----------------------------------------------------------------------------

PACKAGE = {
    "pkg/__init__.py": "from pkg.core import Trainer\n__all__ = ['Trainer', 'offload', 'LIMIT']\nLIMIT = 3\n",
    "pkg/core.py": '''
        import dataclasses
        from typing import overload

        # A string that reads like an entry must not become one.
        @dataclasses.dataclass(frozen=True, repr=") class pkg.Fake")
        class Trainer:
            """Runs."""
            steps: int = 0

            class Inner:
                def deep(self) -> None: ...

            @property
            def ready(self) -> bool:
                return True

            @overload
            def pick(self, x: int) -> int: ...
            @overload
            def pick(self, x: str) -> str: ...
            def pick(self, x): return x

            def fit(self, a_very_long_parameter_name: int, another_long_parameter_name: str = "x", *rest: int,
                    **more: str) -> None:
                pass

            def _private(self) -> None: ...
    ''',
    "pkg/offload/__init__.py": "__all__ = ['OffloadStrategy']\nclass OffloadStrategy:\n    def apply(self): ...\n",
}
PACKAGE_PATHS = {"pkg", "pkg.LIMIT", "pkg.Trainer", "pkg.Trainer.Inner", "pkg.Trainer.Inner.deep", "pkg.Trainer.fit",
                 "pkg.Trainer.pick", "pkg.Trainer.ready", "pkg.Trainer.steps", "pkg.offload",
                 "pkg.offload.OffloadStrategy", "pkg.offload.OffloadStrategy.apply"}


def test_public_paths_lists_objects_and_members(git_repo):
    sha = git_repo.commit("feat: start", PACKAGE)
    assert public_paths(Git(git_repo.path), sha, ApiConfig()) == PACKAGE_PATHS


def test_public_paths_fails_closed_on_a_file_the_surface_needs(git_repo):
    sha = git_repo.commit("feat: start", {**PACKAGE, "pkg/offload/__init__.py": "class OffloadStrategy(:\n"})
    assert public_paths(Git(git_repo.path), sha, ApiConfig()) is None


def test_public_paths_of_a_tree_without_packages(git_repo):
    sha = git_repo.commit("docs: readme", {"README.md": "hello\n"})
    assert public_paths(Git(git_repo.path), sha, ApiConfig()) == frozenset()


def test_contract_paths_without_a_listing():
    assert contract_paths("# Public API of `pkg`\n\nno fence here\n") == set()


def test_contract_paths_skips_parameter_lines_and_tags():
    text = ("# Public API of `pkg`\n\n````text\nclass pkg.A  [deprecated: decorator]\n    def run(\n"
            "            self,\n            attribute: int,\n        ) -> None  [experimental]\n"
            "    @abstractmethod @property size: int\n\nexternal pkg.T = torch.Tensor\n\nunresolved pkg.gone\n"
            "````\nclass pkg.After\n")
    assert contract_paths(text) == {"pkg.A", "pkg.A.run", "pkg.A.size", "pkg.T", "pkg.gone"}


# -- inferred_implementations ------------------------------------------------------------------------------------

DOC = "deps/0005-dep-offload.md"
PROPOSAL = """\
---
DEP: 0005
Title: Offloading
Author: @mrapplexz
Status: Draft
Type: Feature
Created: 2026-02-01
---

# Offloading

An `OffloadStrategy` decides what moves to the CPU; an OffloadPolicy says when.
"""
BASE = {
    "pkg/__init__.py": "from pkg.core import Trainer\n__all__ = ['Trainer']\n",
    "pkg/core.py": "class Trainer:\n    def fit(self) -> None: ...\n",
}
OFFLOAD = {
    "pkg/offload/__init__.py": "from pkg.offload.impl import OffloadStrategy\n__all__ = ['OffloadStrategy']\n",
    "pkg/offload/impl.py": "class OffloadStrategy:\n    '''Moves state.'''\n",
    "pkg/__init__.py": "from pkg.core import Trainer\n__all__ = ['Trainer', 'offload']\n",
}


def _scan(repo, *, only=None, config=None):
    config = config or Config()
    git = Git(repo.path)
    history = read_history(git, "HEAD", config)
    documents = load_folder(GitTree(git, history.tip), config.proposals)
    return history, inferred_implementations(git, history, documents, config, only=only)


@pytest.fixture
def offload_repo(git_repo, monkeypatch, tmp_path):
    """Code before the proposal, the proposal, its uncited implementation, then a comment naming it."""
    monkeypatch.setenv("DEPGATE_CACHE", "off")
    git_repo.commit("feat: start (#1)", BASE, date="2026-01-01")
    # Adds a name the proposal will mention, before the proposal exists: not its implementation.
    git_repo.commit("feat: offload policy (#3)", {"pkg/policy.py": "class OffloadPolicy: ...\n",
                                                   "pkg/__init__.py": "from pkg.core import Trainer\n"
                                                                      "from pkg.policy import OffloadPolicy\n"
                                                                      "__all__ = ['Trainer', 'OffloadPolicy']\n"},
                    date="2026-01-15")
    git_repo.commit("docs: propose offloading (#5)", {DOC: PROPOSAL}, date="2026-02-01")
    git_repo.commit("feat: add offloading (#7)", {**OFFLOAD, "pkg/__init__.py":
                                                  "from pkg.core import Trainer\nfrom pkg.policy import OffloadPolicy\n"
                                                  "__all__ = ['Trainer', 'OffloadPolicy', 'offload']\n"},
                    date="2026-02-10")
    # Names the class in a comment only: `git log -G` finds it, the surface does not change.
    git_repo.commit("chore: explain (#8)", {"pkg/core.py": "# OffloadStrategy lives in pkg.offload\n"
                                                          "class Trainer:\n    def fit(self) -> None: ...\n"},
                    date="2026-02-20")
    return git_repo


def test_an_uncited_implementation_is_inferred(offload_repo):
    history, (found, problems) = _scan(offload_repo)
    feat = next(c for c in history.commits if c.subject == "feat: add offloading (#7)")
    assert problems == []
    assert list(found) == [DOC]
    [evidence] = found[DOC]
    assert (evidence.kind, evidence.strength) == (EvidenceKind.INFERRED, Strength.INFERRED)
    assert (evidence.sha, evidence.date, evidence.subject, evidence.pull) == (feat.sha, "2026-02-10",
                                                                              feat.subject, 7)
    assert evidence.symbols == ("pkg.offload.OffloadStrategy",)


def test_only_limits_the_documents(offload_repo):
    assert _scan(offload_repo, only=["deps/0009-other.md"])[1] == ({}, [])
    assert list(_scan(offload_repo, only=[DOC])[1][0]) == [DOC]


def test_a_proposal_naming_nothing_public_has_no_evidence(offload_repo):
    offload_repo.commit("docs: reword (#9)", {DOC: PROPOSAL.replace("`OffloadStrategy`", "strategy")
                                              .replace("OffloadPolicy", "policy")})
    assert _scan(offload_repo)[1] == ({}, [])


def test_a_merge_commit_implementation_is_found(git_repo, monkeypatch):
    monkeypatch.setenv("DEPGATE_CACHE", "off")
    git_repo.commit("feat: start (#1)", BASE, date="2026-01-01")
    git_repo.commit("docs: propose offloading (#5)", {DOC: PROPOSAL}, date="2026-02-01")
    git_repo.branch("offload")
    git_repo.commit("add the strategy", OFFLOAD, date="2026-02-05")
    git_repo.checkout("main")
    git_repo.commit("docs: unrelated", {"README.md": "hi\n"}, date="2026-02-06")
    merge = git_repo.merge("offload", "Merge pull request #12 from someone/offload", date="2026-02-07")
    found, problems = _scan(git_repo)[1]
    assert problems == []
    assert [(e.sha, e.pull, e.symbols) for e in found[DOC]] == [(merge, 12, ("pkg.offload.OffloadStrategy",))]


def test_an_unreadable_surface_is_reported_not_taken_as_no_evidence(offload_repo):
    broken = offload_repo.commit("feat: trainer offload (#10)", {
        "pkg/offload/impl.py": "class OffloadStrategy(:\n"}, date="2026-03-01")
    fixed = offload_repo.commit("fix: syntax (#11)", {
        "pkg/offload/impl.py": "class OffloadStrategy:\n    '''Moves state.'''\n"}, date="2026-03-02")
    found, problems = _scan(offload_repo)[1]
    assert [e.pull for e in found[DOC]] == [7]
    assert [(d.code, d.severity, d.details["sha"], d.details["unread"]) for d in problems] == [
        ("S100", Severity.INFO, broken, broken), ("S100", Severity.INFO, fixed, broken)]
    assert broken[:12] in problems[0].message
    assert "feat: trainer offload (#10)" in problems[0].message
    assert problems[0].location.path == "pkg/offload/impl.py"
    assert f"parent {broken[:12]}" in problems[1].message


def test_an_unreadable_tip_is_reported(offload_repo):
    tip = offload_repo.commit("feat: break (#12)", {"pkg/offload/impl.py": "class OffloadStrategy(:\n"})
    found, problems = _scan(offload_repo)[1]
    assert found == {}
    assert [(d.code, d.details["sha"]) for d in problems] == [("S100", tip)]
    assert f"at the tip, commit {tip[:12]} (feat: break (#12))" in problems[0].message
    assert problems[0].location.path == "pkg/offload/impl.py"


def test_the_cache_keeps_what_commits_added(offload_repo, monkeypatch):
    monkeypatch.delenv("DEPGATE_CACHE")
    first = _scan(offload_repo)[1]
    kept = offload_repo.path / ".git" / "depgate" / "mentions.json"
    data = json.loads(kept.read_text())
    assert {tuple(v) for v in data["added"].values()} >= {("pkg.offload", "pkg.offload.OffloadStrategy")}
    read: list[str] = []
    real = M._surface
    monkeypatch.setattr(M, "_surface", lambda git, rev, config: read.append(rev) or real(git, rev, config))
    history, second = _scan(offload_repo)
    assert second == first
    # Only the tip and the surface before the proposal was added (what was public already is not sought): every
    # candidate's additions came from the cache.
    before = {history.commit(v[0].sha).parent for v in history.versions.values()}
    assert read[0] == history.tip
    assert set(read[1:]) <= before


@pytest.mark.parametrize("content", [b"not json", b"[]", b'{"format": 1, "stamp": "other", "added": {}}',
                                     b'{"format": 1, "stamp": "%s", "added": {"x": [1]}}'])
def test_a_damaged_cache_is_ignored(offload_repo, monkeypatch, content):
    monkeypatch.delenv("DEPGATE_CACHE")
    expected = _scan(offload_repo)[1]
    kept = offload_repo.path / ".git" / "depgate" / "mentions.json"
    stamp = json.loads(kept.read_text())["stamp"]
    kept.write_bytes(content.replace(b"%s", stamp.encode()))
    assert _scan(offload_repo)[1] == expected
