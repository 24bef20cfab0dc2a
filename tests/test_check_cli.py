"""`depgate check` end to end: real git repositories with a d9d-like package, every verdict, link form and format."""

from __future__ import annotations

import json
import re
import subprocess

import cmarkgfm
import pytest

from gitrepo import GitRepo

# A d9d-like package: `__all__` re-exports, an ABC, a Protocol, pydantic configs, a parallelism package.
BASE_FILES = {
    "pyproject.toml": '[project]\nname = "d9d"\nversion = "0.1.0"\n',
    "d9d/__init__.py": '"""d9d."""\n\n__all__: list[str] = []\n',
    "d9d/loop/__init__.py": """\
        from d9d.loop.trainer import Trainer, TrainerConfig

        __all__ = ["Trainer", "TrainerConfig"]
        """,
    "d9d/loop/trainer.py": """\
        from pydantic import BaseModel


        class TrainerConfig(BaseModel):
            steps: int = 10


        class Trainer:
            def __init__(self, config: TrainerConfig) -> None:
                self.config = config

            def fit(self, data: object) -> None:
                for _ in range(self.config.steps):
                    pass

            def fit_legacy(self, data: object) -> None:
                self.fit(data)
        """,
    "d9d/core/__init__.py": """\
        from d9d.core.protocols import Stateful

        __all__ = ["Stateful"]
        """,
    "d9d/core/protocols.py": """\
        from typing import Protocol


        class Stateful(Protocol):
            def state_dict(self) -> dict: ...
        """,
    "d9d/module/__init__.py": "__all__: list[str] = []\n",
    "d9d/module/parallelism/__init__.py": """\
        from d9d.module.parallelism.base import ParallelStrategy

        __all__ = ["ParallelStrategy"]
        """,
    "d9d/module/parallelism/base.py": """\
        import abc


        class ParallelStrategy(abc.ABC):
            @abc.abstractmethod
            def parallelize(self, model: object) -> object: ...
        """,
    "deps/TEMPLATE.md": "---\nDEP: <Leave blank for maintainers>\nTitle: <Short, descriptive title>\n---\n",
}


def dep_text(number: int, title: str, status: str, body: str = "Text.") -> str:
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: @someone\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-02-04\n---\n\n# DEP-{number:04d}: {title}\n\n## Abstract\n\n{body}\n\n## Motivation\n\n"
            "Why.\n\n## Design Proposal\n\nHow.\n\n## Usage\n\nUse.\n\n## Backward Compatibility\n\nFine.\n\n"
            "## Alternatives Considered\n\nNone.\n")


BASE_DEPS = {
    "deps/0001-dep-process.md": dep_text(1, "The DEP Process", "Active"),
    "deps/0002-dep-offload.md": dep_text(2, "Activation Offloading", "Accepted", "Adds `OffloadPolicy`."),
    "deps/0003-dep-ring.md": dep_text(3, "Ring Parallelism", "Draft"),
    "deps/0004-dep-old.md": dep_text(4, "Old Idea", "Rejected"),
}

OFFLOAD = {
    "d9d/loop/offload.py": """\
        import abc


        class OffloadPolicy(abc.ABC):
            @abc.abstractmethod
            def should_offload(self, name: str) -> bool: ...
        """,
    "d9d/loop/__init__.py": """\
        from d9d.loop.offload import OffloadPolicy
        from d9d.loop.trainer import Trainer, TrainerConfig

        __all__ = ["OffloadPolicy", "Trainer", "TrainerConfig"]
        """,
}
ADDITION = {
    "d9d/loop/callbacks.py": "def log_every(n: int) -> None:\n    pass\n",
    "d9d/loop/__init__.py": """\
        from d9d.loop.callbacks import log_every
        from d9d.loop.trainer import Trainer, TrainerConfig

        __all__ = ["Trainer", "TrainerConfig", "log_every"]
        """,
}


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    """A d9d-like repository: `main` with one commit, checked out on a new branch `pr`."""
    git_repo.commit("chore: initial", {**BASE_FILES, **BASE_DEPS})
    git_repo.branch("pr")
    return git_repo


def check_json(run_cli, repo: GitRepo, *args: str):
    result = run_cli("check", "--repo", str(repo.path), "--format", "json", *args)
    assert result.code in (0, 1), result
    return result, json.loads(result.out)


def reason_codes(data) -> list[str]:
    return [r["code"] for r in data["reasons"]]


# -- verdict levels -----------------------------------------------------------------------------------------------

def test_required_without_dep_fails(run_cli, repo):
    repo.commit("feat(loop): offload activations", OFFLOAD)
    result, data = check_json(run_cli, repo)
    assert result.code == 1
    assert data["schema_version"] == 1
    assert data["verdict"] == "required"
    assert data["dep_required"] is True
    assert data["satisfied"] is False
    assert reason_codes(data)[:2] == ["A201", "V101"]
    change = next(c for c in data["changes"] if c["code"] == "A201")
    assert change["symbol"] == "d9d.loop.OffloadPolicy"
    assert change["path"] == "d9d/loop/offload.py"
    assert change["line"] == 4
    assert change["breaking"] is False
    assert change["kind"] == "new-abstraction"
    assert data["title"] == "feat(loop): offload activations"
    assert data["head"]["sha"] == repo.git("rev-parse", "HEAD")
    # The suggestion: DEP-0002's text names OffloadPolicy.
    assert [s["label"] for s in data["suggestions"]] == ["DEP-0002"]


def test_breaking_change_is_required(run_cli, repo):
    trainer = BASE_FILES["d9d/loop/trainer.py"].replace(
        "\n            def fit_legacy(self, data: object) -> None:\n                self.fit(data)\n", "\n")
    repo.commit("feat!: drop fit_legacy", {"d9d/loop/trainer.py": trainer})
    result, data = check_json(run_cli, repo)
    assert result.code == 1
    assert data["verdict"] == "required"
    removal = next(c for c in data["changes"] if c["code"] == "A101")
    assert removal["symbol"] == "d9d.loop.Trainer.fit_legacy"
    assert removal["breaking"] is True
    assert "V106" not in reason_codes(data)  # the title has `!`


def test_new_strategy_is_required(run_cli, repo):
    repo.commit("feat: ring", {"d9d/module/parallelism/ring.py": """\
        from d9d.module.parallelism.base import ParallelStrategy


        class RingParallel(ParallelStrategy):
            def parallelize(self, model: object) -> object:
                return model
        """})
    _, data = check_json(run_cli, repo)
    assert data["verdict"] == "required"
    assert {c["category"] for c in data["changes"]} == {"strategy"}


def test_public_addition_is_review(run_cli, repo):
    repo.commit("feat: log every n steps", ADDITION)
    result, data = check_json(run_cli, repo)
    assert result.code == 0
    assert data["verdict"] == "review"
    assert data["satisfied"] is True
    assert data["dep_required"] is False
    assert {r["code"][:2] for r in data["reasons"]} == {"A3"}
    failing = run_cli("check", "--repo", str(repo.path), "--fail-on", "review")
    assert failing.code == 1


def test_internal_change_is_not_required(run_cli, repo):
    trainer = BASE_FILES["d9d/loop/trainer.py"].replace("pass", "self._tick()")
    repo.commit("fix: tick", {"d9d/loop/trainer.py": trainer})
    result, data = check_json(run_cli, repo)
    assert result.code == 0
    assert data["verdict"] == "not-required"
    assert data["reasons"] == []
    assert data["changes"] == []


def test_only_dep_files_is_a_proposal_without_api_analysis(run_cli, repo):
    repo.commit("docs: propose offload v2", {"deps/0005-dep-offload-v2.md": dep_text(5, "Offload v2", "Draft")})
    result, data = check_json(run_cli, repo)
    assert result.code == 0
    assert data["verdict"] == "proposal"
    assert data["analysis"] == {"packages": [], "modules_analysed": 0}
    assert data["deps"][0]["how"] == ["added"]
    assert data["deps"][0]["status"] == "Draft"


def test_touched_dep_files_are_linted(run_cli, repo):
    bad = dep_text(5, "Offload v2", "Draft").replace("Status: Draft", "Status: Maybe")
    repo.commit("docs: propose", {"deps/0005-dep-offload-v2.md": bad})
    _, data = check_json(run_cli, repo)
    assert data["verdict"] == "proposal"
    assert any(f["path"] == "deps/0005-dep-offload-v2.md" and f["line"] == 5 for f in data["findings"])
    assert all(f["path"] == "deps/0005-dep-offload-v2.md" for f in data["findings"])  # untouched DEPs: not linted


def test_unparsable_file_the_api_depends_on_fails_closed(run_cli, repo):
    repo.commit("wip", {"d9d/loop/trainer.py": "class Trainer(:\n    pass\n"})
    result, data = check_json(run_cli, repo)
    assert (result.code, data["verdict"]) == (1, "required")
    v112 = next(r for r in data["reasons"] if r["code"] == "V112")
    assert v112["path"] == "d9d/loop/trainer.py"
    assert v112["line"] == 1
    assert data["problems"][0]["code"] == "A901"


# -- links --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("how", "source"), [
    ("title", "title"),
    ("body", "body"),
    ("commit", "commit"),
    ("path", "body"),
])
def test_link_forms_satisfy(run_cli, repo, tmp_path, how, source):
    message = "feat(loop): offload activations"
    args: list[str] = []
    if how == "title":
        args = ["--title", "feat(loop): offload activations (DEP-0002)"]
    elif how == "body":
        body = tmp_path / "body.md"
        body.write_text("Implements DEP 2.\n")
        args = ["--body-file", str(body)]
    elif how == "path":
        body = tmp_path / "body.md"
        body.write_text("Design: deps/0002-dep-offload.md\n")
        args = ["--body-file", str(body)]
    else:
        message += "\n\nRefs DEP2"
        empty = tmp_path / "empty.md"
        empty.write_text("")
        args = ["--body-file", str(empty)]
    repo.commit(message, OFFLOAD)
    result, data = check_json(run_cli, repo, *args)
    assert result.code == 0, data["reasons"]
    assert data["satisfied"] is True
    dep = next(d for d in data["deps"] if d["number"] == 2)
    assert dep["how"] == ["referenced"]
    assert dep["satisfies"]
    assert dep["status"] == "Accepted"
    assert dep["links"][0]["source"].startswith(source)


def test_adding_the_dep_in_the_same_change_satisfies(run_cli, repo):
    repo.commit("feat: offload", {**OFFLOAD, "deps/0005-dep-offload-v2.md": dep_text(5, "Offload v2", "Draft")})
    result, data = check_json(run_cli, repo)
    assert result.code == 0
    assert data["satisfied"]
    assert data["deps"][0]["how"] == ["added"]


def test_editing_an_accepted_dep_in_the_same_change_satisfies(run_cli, repo):
    edited = BASE_DEPS["deps/0002-dep-offload.md"].replace("Adds `OffloadPolicy`.", "Adds `OffloadPolicy` (v2).")
    repo.commit("feat: offload", {**OFFLOAD, "deps/0002-dep-offload.md": edited})
    result, data = check_json(run_cli, repo)
    assert result.code == 0
    assert data["satisfied"]
    assert data["deps"][0]["how"] == ["edited"]
    assert data["deps"][0]["label"] == "DEP-0002"


def test_repo_may_be_a_subfolder(run_cli, repo):
    repo.commit("feat: log", ADDITION)
    _, data = check_json(run_cli, GitRepo(repo.path / "d9d" / "loop"))
    assert data["verdict"] == "review"


def test_reference_to_missing_dep_fails(run_cli, repo):
    repo.commit("fix: typo (DEP-0042)", {"README.md": "hello\n"})
    result, data = check_json(run_cli, repo)
    assert result.code == 1
    assert data["verdict"] == "not-required"
    assert reason_codes(data) == ["V102"]


def test_reference_to_rejected_dep_fails(run_cli, repo):
    repo.commit("feat: offload, see DEP-0004", OFFLOAD)
    result, data = check_json(run_cli, repo)
    assert result.code == 1
    assert "V103" in reason_codes(data)


def test_reference_to_draft_dep_warns(run_cli, repo):
    repo.commit("docs: readme (DEP-0003)", {"README.md": "hello\n"})
    result, data = check_json(run_cli, repo)
    assert result.code == 0
    assert reason_codes(data) == ["V104"]


# -- override and conventional commits -----------------------------------------------------------------------------

def test_override_in_body(run_cli, repo, tmp_path):
    repo.commit("feat(loop): offload activations", OFFLOAD)
    body = tmp_path / "body.md"
    body.write_text("Experimental.\n\nDEP: none — experimental, hidden behind a flag\n")
    result, data = check_json(run_cli, repo, "--body-file", str(body))
    assert result.code == 0
    assert data["override"] == {"source": "body", "reason": "experimental, hidden behind a flag", "label": None,
                                "used": True}
    assert data["satisfied"] is False
    assert "V105" in reason_codes(data)
    text = run_cli("check", "--repo", str(repo.path), "--body-file", str(body))
    assert "experimental, hidden behind a flag" in text.out


def test_override_label(run_cli, repo):
    repo.commit("feat(loop): offload activations", OFFLOAD)
    result, data = check_json(run_cli, repo, "--labels", "bug,dep-not-needed", "--labels", "x")
    assert result.code == 0
    assert data["override"]["source"] == "label"


def test_override_from_stdin_body(run_cli, repo, monkeypatch):
    import io

    repo.commit("feat(loop): offload activations", OFFLOAD)
    monkeypatch.setattr("sys.stdin", io.StringIO("DEP: none - a revert\n"))
    result, data = check_json(run_cli, repo, "--body-file", "-")
    assert result.code == 0
    assert data["override"]["reason"] == "a revert"


def test_breaking_without_bang_is_reported(run_cli, repo, tmp_path):
    trainer = BASE_FILES["d9d/loop/trainer.py"].replace(
        "\n            def fit_legacy(self, data: object) -> None:\n                self.fit(data)\n", "\n")
    repo.commit("fix: tidy the trainer", {"d9d/loop/trainer.py": trainer})
    # One commit of history is too little for `auto` to tell (tests/test_conventional_auto.py); say so explicitly.
    config = tmp_path / "depgate.yml"
    config.write_text("verdict:\n  conventional-commits: true\n", encoding="utf-8")
    _, data = check_json(run_cli, repo, "--config", str(config))
    v106 = next(r for r in data["reasons"] if r["code"] == "V106")
    assert v106["path"] == "d9d/loop/trainer.py"
    assert "fix: tidy the trainer" in v106["message"]
    _, data = check_json(run_cli, repo, "--config", str(config), "--title", "fix!: tidy the trainer")
    assert "V106" not in reason_codes(data)
    _, data = check_json(run_cli, repo)
    assert "V106" not in reason_codes(data)  # `auto`, and one subject cannot show a convention


# -- revisions ----------------------------------------------------------------------------------------------------

def test_base_defaults_to_merge_base_with_main(run_cli, repo):
    fork_point = repo.git("rev-parse", "main")
    repo.commit("feat: log", ADDITION)
    repo.checkout("main")
    repo.commit("feat: offload on main", OFFLOAD)  # main moves on: its changes are not the branch's
    repo.checkout("pr")
    _, data = check_json(run_cli, repo)
    assert data["base"] == {"rev": "main", "sha": fork_point}
    assert data["verdict"] == "review"
    assert {c["path"] for c in data["changes"]} == {"d9d/loop/callbacks.py"}
    # An explicit --base is reduced to the merge-base too.
    _, data = check_json(run_cli, repo, "--base", "main", "--head", "pr")
    assert data["base"]["sha"] == fork_point
    assert data["head"]["rev"] == "pr"


def test_worktree_head(run_cli, repo):
    repo.write(OFFLOAD)  # not committed, the new file not even staged
    result, data = check_json(run_cli, repo, "--head", "WORKTREE", "--title", "wip")
    assert result.code == 1
    assert data["head"] == {"rev": "WORKTREE", "sha": None}
    assert data["verdict"] == "required"


def test_bare_repository(run_cli, repo, tmp_path):
    repo.commit("feat(loop): offload activations", OFFLOAD)
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(repo.path), str(bare)], check=True)
    result, data = check_json(run_cli, GitRepo(bare), "--head", "pr")
    assert result.code == 1
    assert data["verdict"] == "required"
    worktree = run_cli("check", "--repo", str(bare), "--head", "WORKTREE")
    assert worktree.code == 2
    assert "bare" in worktree.err


def test_shallow_clone_says_what_to_fetch(run_cli, repo, tmp_path):
    repo.commit("feat(loop): offload activations", OFFLOAD)
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", "pr", f"file://{repo.path}", str(shallow)],
                   check=True)
    result = run_cli("check", "--repo", str(shallow))
    assert result.code == 2
    assert "fetch-depth: 0" in result.err
    assert "Traceback" not in result.err


def test_unknown_revision_is_a_usage_error(run_cli, repo):
    result = run_cli("check", "--repo", str(repo.path), "--base", "nope")
    assert result.code == 2
    assert "nope" in result.err


def test_not_a_repository(run_cli, tmp_path):
    result = run_cli("check", "--repo", str(tmp_path))
    assert result.code == 2
    assert "not a git repository" in result.err


# -- configuration ------------------------------------------------------------------------------------------------

def test_config_comes_from_base_not_head(run_cli, git_repo):
    git_repo.commit("chore: initial", {**BASE_FILES, **BASE_DEPS})
    git_repo.branch("pr")
    # The pull request tries to accept Draft DEPs for itself: ignored, the base has no such setting.
    git_repo.commit("feat: offload (DEP-0003)", {
        **OFFLOAD, ".github/depgate.yml": "verdict:\n  accepted-statuses: [Draft]\n"})
    result, data = check_json(run_cli, git_repo)
    assert result.code == 1
    assert data["config"] == "<defaults>"
    # The same setting on the base is honoured.
    git_repo.checkout("main")
    git_repo.commit("chore: accept drafts", {".github/depgate.yml": "verdict:\n  accepted-statuses: [Draft]\n"})
    git_repo.checkout("pr")
    git_repo.git("rebase", "-q", "main")
    result, data = check_json(run_cli, git_repo)
    assert result.code == 0
    assert data["config"] == ".github/depgate.yml"


def test_config_file_on_disk_overrides(run_cli, repo, tmp_path):
    repo.commit("feat: log", ADDITION)
    config = tmp_path / "depgate.yml"
    config.write_text("verdict:\n  review-on-additions: false\n")
    _, data = check_json(run_cli, repo, "--config", str(config))
    assert data["verdict"] == "not-required"


def test_invalid_base_config_is_a_usage_error(run_cli, git_repo):
    git_repo.commit("chore: initial", {**BASE_FILES, ".github/depgate.yml": "verdict:\n  nope: 1\n"})
    git_repo.branch("pr")
    git_repo.commit("feat: x", ADDITION)
    result = run_cli("check", "--repo", str(git_repo.path))
    assert result.code == 2
    assert "verdict.nope" in result.err


# -- formats ------------------------------------------------------------------------------------------------------

def test_text_format(run_cli, repo):
    repo.commit("feat(loop): offload activations", OFFLOAD)
    result = run_cli("check", "--repo", str(repo.path))
    assert result.code == 1
    first = result.out.splitlines()[0]
    assert first.startswith("[required]")
    assert "no DEP that satisfies it" in first
    assert "d9d/loop/offload.py:4: A201" in result.out
    assert "What to do next:" in result.out
    assert "depgate new" in result.out
    assert "\x1b[" not in result.out


def test_github_format(run_cli, repo):
    repo.commit("feat(loop): offload activations", OFFLOAD)
    result = run_cli("check", "--repo", str(repo.path), "--format", "github")
    lines = result.out.splitlines()
    assert lines[0].startswith("::error title=depgate%3A required::")
    assert "::warning file=d9d/loop/offload.py,line=4,title=depgate%3A A201::" in result.out
    assert "::error file=d9d/loop/offload.py,line=4,title=depgate%3A V101::" in result.out
    assert all(line.startswith("::") for line in lines)


def test_markdown_format_and_links(run_cli, repo):
    trainer = BASE_FILES["d9d/loop/trainer.py"].replace(
        "\n            def fit_legacy(self, data: object) -> None:\n                self.fit(data)\n", "\n")
    repo.commit("feat: offload", {**OFFLOAD, "d9d/loop/trainer.py": trainer})
    head = repo.git("rev-parse", "HEAD")
    base = repo.git("rev-parse", "main")
    result = run_cli("check", "--repo", str(repo.path), "--format", "markdown",
                     "--link-base", "https://github.com/acme/d9d")
    assert result.code == 1
    md = result.out
    assert md.splitlines()[0] == "### ❌ depgate: DEP required — no DEP linked"
    assert f"(https://github.com/acme/d9d/blob/{head}/d9d/loop/offload.py#L4)" in md
    # A removal links to the base commit, where the symbol still exists.
    assert f"(https://github.com/acme/d9d/blob/{base}/d9d/loop/trainer.py#L" in md
    assert "#### Breaking changes (1)" in md
    assert "#### New abstractions (1)" in md
    assert "#### What to do next" in md
    assert "depgate new" in md
    html = cmarkgfm.github_flavored_markdown_to_html(md)
    assert html.count("<table>") == 5  # breaking, abstractions, process, definition of done, suggestions


def test_link_base_must_be_plain_url(run_cli, repo):
    result = run_cli("check", "--repo", str(repo.path), "--format", "markdown", "--link-base", "javascript:alert(1)")
    assert result.code == 2
    assert "--link-base" in result.err


def test_files_outputs_and_custom_template(run_cli, repo, tmp_path):
    repo.commit("feat: log", ADDITION)
    template = tmp_path / "t.j2"
    template.write_text("verdict={{ report.verdict }} title={{ report.title | md_inline }}\n")
    out_json, out_md = tmp_path / "r.json", tmp_path / "r.md"
    result = run_cli("check", "--repo", str(repo.path), "--template", str(template),
                     "--json-file", str(out_json), "--markdown-file", str(out_md), "--format", "markdown")
    assert result.code == 0
    assert result.out == "verdict=review title=feat\\: log\n"
    assert out_md.read_text() == result.out
    assert json.loads(out_json.read_text())["verdict"] == "review"


def test_template_from_base_config(run_cli, git_repo):
    git_repo.commit("chore: initial", {
        **BASE_FILES, ".github/depgate.yml": "verdict:\n  summary-template: .github/summary.md.j2\n",
        ".github/summary.md.j2": "custom {{ report.verdict }}\n"})
    git_repo.branch("pr")
    git_repo.commit("feat: x", {**ADDITION, ".github/summary.md.j2": "hijacked\n"})  # head's copy is ignored
    result = run_cli("check", "--repo", str(git_repo.path), "--format", "markdown")
    assert result.out == "custom review\n"


def test_broken_template_is_a_usage_error(run_cli, repo, tmp_path):
    template = tmp_path / "t.j2"
    template.write_text("{% for %}\n")
    result = run_cli("check", "--repo", str(repo.path), "--format", "markdown", "--template", str(template))
    assert result.code == 2
    assert "syntax error" in result.err


HOSTILE = "feat: x @everyone <img src=x onerror=alert(1)> | a | b ![p](https://evil.example/p.png) [c](javascript:x)"


def test_hostile_pull_request_cannot_inject_markdown(run_cli, repo, tmp_path):
    hostile_dep = dep_text(5, "Pwn @org/team <script>alert(1)</script> | x |", "Draft")
    repo.commit("feat: offload", {**OFFLOAD, "deps/0005-dep-pwn.md": hostile_dep,
                                  "d9d/loop/x|y <img src=z>.py": "X = 1\n"})
    body = tmp_path / "body.md"
    body.write_text("Hi @admin\n\n<img src=https://evil.example/i.png>\n| x | y |\n|---|---|\n"
                    " DEP: none — @admins ![i](x) <img src=y>\n")
    result = run_cli("check", "--repo", str(repo.path), "--format", "markdown", "--title", HOSTILE,
                     "--body-file", str(body), "--link-base", "https://github.com/acme/d9d")
    md = result.out
    html = cmarkgfm.github_flavored_markdown_to_html(md)
    assert "<img" not in html
    assert "<script" not in html
    assert 'href="javascript' not in html
    assert 'href="https://evil' not in html
    # Every @ outside code is broken by a zero-width space, so nobody is mentioned (GitHub does not
    # linkify mentions inside code).
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.DOTALL)
    assert "@" in outside_code
    assert not re.search("@(?!\u200b)", outside_code)
    # Tables stay intact: every body row has as many cells as its header.
    for table in re.findall(r"<table>.*?</table>", html, re.DOTALL):
        header = len(re.findall(r"<th[ >]", table))
        for row in re.findall(r"<tbody>.*?</tbody>", table, re.DOTALL):
            for tr in re.findall(r"<tr>.*?</tr>", row, re.DOTALL):
                assert len(re.findall(r"<td[ >]", tr)) == header
    assert "Pwn" in html  # the DEP title is shown, escaped
    assert "Override (not needed)" in html  # the override's reason is shown, escaped, too


def test_github_annotations_escape_hostile_file_names(run_cli, repo):
    repo.commit("feat: x", {"d9d/loop/a,b::c.py": "class Z:\n    pass\n",
                            "d9d/loop/__init__.py": BASE_FILES["d9d/loop/__init__.py"]})
    hostile = "feat: x\n::error::fake"
    result = run_cli("check", "--repo", str(repo.path), "--format", "github", "--title", hostile)
    for line in result.out.splitlines():
        assert line.startswith("::")
        assert "::error::fake" not in line


# -- the documented contract ---------------------------------------------------------------------------------------

def documented(section: str) -> dict:
    """The first JSON block after a heading of docs/report.md."""
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "report.md").read_text(encoding="utf-8")
    after = text[text.index(f"\n## {section}\n"):]
    return json.loads(after.split("```json\n", 1)[1].split("\n```", 1)[0])


def test_reports_match_the_documented_schema(run_cli, repo, tmp_path):
    import jsonschema

    validator = jsonschema.Draft202012Validator(documented("JSON Schema"))
    validator.check_schema(validator.schema)
    body = tmp_path / "body.md"
    body.write_text("DEP: none — testing\nSee DEP-0042 and DEP-0003.\n")
    repo.commit("feat: offload", {**OFFLOAD, "d9d/loop/broken.py": "def (:\n"})
    reports = [
        check_json(run_cli, repo)[1],
        check_json(run_cli, repo, "--body-file", str(body), "--fail-on", "never")[1],
    ]
    repo.write({"deps/0009-dep-x.md": dep_text(9, "X", "Maybe")})
    reports.append(check_json(run_cli, repo, "--head", "WORKTREE")[1])
    for data in reports:
        validator.validate(data)
    # The reports exercise the optional parts of the schema, so it is not validating empty arrays only.
    assert reports[1]["override"] is not None
    assert reports[1]["problems"]
    assert reports[0]["suggestions"]
    assert reports[2]["head"]["sha"] is None
    assert any(d["problem"] == "V102" for d in reports[1]["deps"])


def test_text_output_drops_terminal_escapes(run_cli, repo):
    status = "Accepted\x1b[2J"  # a hostile status line in a DEP the change adds
    repo.commit("feat: offload", {**OFFLOAD, "deps/0005-dep-x.md": dep_text(5, "X\x1b]0;pwned\x07", status)})
    result = run_cli("check", "--repo", str(repo.path), "--title", "feat: \x1b[31mred\x1b[0m (DEP-0005)")
    # The hostile status is also a lint error (D103), so the added DEP does not satisfy the requirement (V113).
    assert result.code == 1, result
    assert "V113" in result.out
    assert "\x1b" not in result.out
    assert "\x07" not in result.out
    assert "red" in result.out


def test_checking_main_itself_says_there_is_nothing_to_compare(run_cli, repo):
    repo.checkout("main")
    result = run_cli("check", "--repo", str(repo.path))
    assert result.code == 0
    assert "same commit" in result.err
    assert result.out.startswith("[not-required]")


def test_unwritable_report_file_is_a_usage_error(run_cli, repo, tmp_path):
    target = tmp_path / "missing-folder" / "report.json"
    result = run_cli("check", "--repo", str(repo.path), "--json-file", str(target))
    assert result.code == 2
    assert f"{target}: cannot write the JSON report" in result.err
    assert "Traceback" not in result.err
