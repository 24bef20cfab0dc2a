"""`depgate init` on real git repositories: what it writes, what it keeps, and that the result works."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from depgate.config import load_config
from gitrepo import GitRepo

DATE = "2026-11-30"
SHA_ACTION = "my-org/depgate@3f2c1e0d9b8a7c6e5f4d3c2b1a0f9e8d7c6b5a49"
WORKFLOWS = ("depgate.yml", "depgate-publish.yml", "depgate-lint.yml", "depgate-index.yml")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the work tree (outside .git) with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".git" not in p.relative_to(root).parts[:1]}


def init(run_cli, repo: GitRepo, *args: str):
    return run_cli("init", "--repo", str(repo.path), "--date", DATE, *args)


@pytest.fixture
def project(git_repo: GitRepo) -> GitRepo:
    """A small project with one package and a first commit, not yet using depgate."""
    git_repo.commit("feat: start", {"src/mypkg/__init__.py": "from .core import run\n\n__all__ = ['run']\n",
                                    "src/mypkg/core.py": "def run(x):\n    return x\n"})
    return git_repo


def test_fresh_repository_works_end_to_end(project, run_cli):
    result = init(run_cli, project)
    assert result.code == 0, result
    written = snapshot(project.path)
    for rel in (".github/depgate.yml", "deps/TEMPLATE.md", "deps/0001-dep-process.md", "deps/INDEX.md",
                "deps/index.json", *(f".github/workflows/{name}" for name in WORKFLOWS)):
        assert rel in written, rel
        assert re.search(rf"^  created\s+{re.escape(rel)}\s", result.out, re.M), rel
    config = load_config(project.path)
    assert config.source == ".github/depgate.yml"
    assert (config.proposals.prefix, config.proposals.directory) == ("DEP", "deps")
    assert "mypkg (src/)" in written[".github/depgate.yml"].decode()

    assert run_cli("lint", "--repo", str(project.path)).code == 0
    assert run_cli("index", "--check", "--repo", str(project.path)).code == 0
    project.commit("docs: adopt the DEP process (DEP-0001)")

    new = run_cli("new", "x", "--repo", str(project.path), "--date", DATE)
    assert new.code == 0, new
    assert (project.path / "deps/0002-x.md").is_file()
    assert run_cli("index", "--write", "--repo", str(project.path)).code == 0
    assert run_cli("lint", "--repo", str(project.path)).code == 1  # the new document still holds placeholders
    (project.path / "deps/0002-x.md").unlink()
    assert run_cli("index", "--write", "--repo", str(project.path)).code == 0
    assert run_cli("index", "--check", "--repo", str(project.path)).code == 0

    # A pull request that only adds a public function: a review, not a failure.
    project.branch("feature")
    project.commit("feat: add stop", {"src/mypkg/core.py": "def run(x):\n    return x\n\n\ndef stop():\n    pass\n",
                                      "src/mypkg/__init__.py": "from .core import run, stop\n\n"
                                                               "__all__ = ['run', 'stop']\n"})
    check = run_cli("check", "--repo", str(project.path), "--base", "main")
    assert check.code == 0, check
    # A removal still needs a proposal: init did not switch the gate off.
    project.commit("refactor: drop run", {"src/mypkg/__init__.py": "from .core import stop\n\n__all__ = ['stop']\n"})
    assert run_cli("check", "--repo", str(project.path), "--base", "main").code == 1


def test_next_steps_are_numbered_and_in_the_repository_words(project, run_cli):
    result = init(run_cli, project, "--prefix", "RFC", "--directory", "rfcs")
    steps = result.out.split("next steps:\n", 1)[1].splitlines()
    assert [line.split(".", 1)[0].strip() for line in steps] == [str(i) for i in range(1, len(steps) + 1)]
    assert any('write your first RFC: depgate new "<title>"' in line and "rfcs/" in line for line in steps)
    assert any("pin the action" in line and "depgate/depgate@v1" in line for line in steps)
    assert any("git add .github/depgate.yml .github/workflows rfcs" in line for line in steps)


def test_init_twice_changes_nothing(project, run_cli):
    assert init(run_cli, project).code == 0
    before = snapshot(project.path)
    again = init(run_cli, project)
    assert again.code == 0, again
    assert snapshot(project.path) == before
    states = re.findall(r"^  (\w+)\s+\S", again.out.split("\n\n", 1)[0], re.M)
    assert states
    assert set(states) == {"kept"}
    assert "pin the action" not in again.out  # no workflow was written this time


def test_same_input_gives_the_same_bytes(tmp_path, run_cli):
    trees = []
    for name in ("one", "two"):
        repo = GitRepo.init(tmp_path / name)
        assert init(run_cli, repo, "--prefix", "KEP", "--branch", "trunk").code == 0
        trees.append(snapshot(repo.path))
    assert trees[0] == trees[1]


def test_existing_configuration_and_template_are_kept(git_repo, run_cli):
    config = "# ours\nproposals:\n  directory: keps\n  prefix: KEP\n  number-width: 3\n"
    template = "---\nDEP: <n>\nTitle: <t>\nAuthor: <a>\nStatus: Draft\nType: <Feature>\nCreated: <d>\n---\n\n" \
               "# KEP-XXX: <Title>\n\n## Summary\n\n<What.>\n\n## Motivation\n\n<Why.>\n"
    git_repo.commit("docs: ours", {".github/depgate.yml": config, "keps/TEMPLATE.md": template})
    result = init(run_cli, git_repo)
    assert result.code == 0, result
    assert (git_repo.path / ".github/depgate.yml").read_text() == config
    assert (git_repo.path / "keps/TEMPLATE.md").read_text() == template
    assert re.search(r"^  kept\s+\.github/depgate\.yml\s", result.out, re.M)
    assert re.search(r"^  kept\s+keps/TEMPLATE\.md\s", result.out, re.M)
    process = (git_repo.path / "keps/001-kep-process.md").read_text()
    assert process.startswith("---\nKEP: 001\nTitle: The KEP Process\n")  # the number under the prefix's key
    assert "\n# KEP-001: The KEP Process\n" in process
    assert not (git_repo.path / "deps").exists()
    assert run_cli("index", "--check", "--repo", str(git_repo.path)).code == 0


def test_partly_adopted_repository_gets_only_what_is_missing(git_repo, run_cli):
    ours = ("---\nDEP: 0001\nTitle: Our rules\nAuthor: @a\nStatus: Active\nType: Process\nCreated: 2026-01-01\n"
            "---\n\n# DEP-0001: Our rules\n\n## Abstract\n\nRules.\n\n## Motivation\n\nWhy.\n")
    git_repo.commit("docs: ours", {"deps/0001-our-rules.md": ours, ".github/workflows/depgate.yml": "name: x\n"})
    result = init(run_cli, git_repo)
    assert result.code == 0, result
    assert (git_repo.path / "deps/0001-our-rules.md").read_text() == ours
    assert (git_repo.path / ".github/workflows/depgate.yml").read_text() == "name: x\n"
    assert not (git_repo.path / "deps/0001-dep-process.md").exists()
    assert re.search(r"^  kept\s+deps/0001-our-rules\.md\s", result.out, re.M)
    assert (git_repo.path / ".github/workflows/depgate-publish.yml").is_file()
    index = (git_repo.path / "deps/INDEX.md").read_text()
    assert "[0001](0001-our-rules.md) | Our rules" in index
    assert run_cli("index", "--check", "--repo", str(git_repo.path)).code == 0


def test_a_kept_index_that_is_stale_gets_a_next_step(git_repo, run_cli):
    git_repo.commit("docs: index", {"deps/INDEX.md": "# Index\n\n<!-- depgate:index:begin -->\n"
                                                     "<!-- depgate:index:end -->\n"})
    result = init(run_cli, git_repo)
    assert result.code == 0, result
    assert "regenerate the index, which is out of date: depgate index --write" in result.out
    assert run_cli("index", "--write", "--repo", str(git_repo.path)).code == 0
    assert run_cli("index", "--check", "--repo", str(git_repo.path)).code == 0


@pytest.mark.parametrize("where", ["yml", "pyproject"])
def test_prefix_and_folder_are_spoken_everywhere(git_repo, run_cli, where):
    result = init(run_cli, git_repo, "--prefix", "RFC", "--directory", "rfcs", "--config-format", where)
    assert result.code == 0, result
    files = snapshot(git_repo.path)
    config = load_config(git_repo.path)
    assert (config.proposals.prefix, config.proposals.directory) == ("RFC", "rfcs")
    assert config.verdict.override_labels == ["rfc-not-needed"]
    assert config.source == (".github/depgate.yml" if where == "yml" else "pyproject.toml [tool.depgate]")
    assert {"rfcs/TEMPLATE.md", "rfcs/0001-rfc-process.md", "rfcs/INDEX.md"} <= set(files)
    assert not (git_repo.path / "deps").exists()
    for rel, data in files.items():
        text = data.decode()
        assert "deps/" not in text, rel
        assert not re.search(r"\bDEP\b|\bdep-", text), rel  # the number's header key is the prefix too
    assert files["rfcs/0001-rfc-process.md"].decode().startswith("---\nRFC: 0001\n")
    assert files["rfcs/TEMPLATE.md"].decode().startswith("---\nRFC: <Leave blank")
    assert "\n# RFC-0001: The RFC Process\n" in files["rfcs/0001-rfc-process.md"].decode()
    assert "RFC: none — " in files["rfcs/0001-rfc-process.md"].decode()
    assert "label-required: rfc-required" in files[".github/workflows/depgate-publish.yml"].decode()
    assert '"rfcs/**"' in files[".github/workflows/depgate-index.yml"].decode()
    out = result.out
    assert "RFC proposals in rfcs/" in out
    assert "DEP" not in out

    assert run_cli("lint", "--repo", str(git_repo.path)).code == 0
    assert run_cli("index", "--check", "--repo", str(git_repo.path)).code == 0
    created = run_cli("new", "Faster loading", "--repo", str(git_repo.path), "--date", DATE)
    assert created.code == 0, created
    assert "\n# RFC-0002: Faster loading\n" in (git_repo.path / "rfcs/0002-faster-loading.md").read_text()


def test_the_override_line_speaks_the_prefix(git_repo, run_cli, tmp_path):
    git_repo.commit("feat: start", {"pkg/__init__.py": "def a():\n    pass\n\n\n__all__ = ['a']\n"})
    assert init(run_cli, git_repo, "--prefix", "RFC", "--directory", "rfcs").code == 0
    git_repo.commit("docs: adopt")
    git_repo.branch("drop")
    git_repo.commit("refactor: drop a", {"pkg/__init__.py": "__all__ = []\n"})
    body = tmp_path / "body.md"
    body.write_text("RFC: none — never released\n")
    args = ("check", "--repo", str(git_repo.path), "--base", "main", "--title", "refactor!: drop a")
    assert run_cli(*args).code == 1
    assert run_cli(*args, "--body-file", str(body)).code == 0


def test_pyproject_is_extended_not_replaced(git_repo, run_cli):
    original = '[project]\nname = "mypkg"\nversion = "1.0"'  # no final newline
    git_repo.commit("build: pyproject", {"pyproject.toml": original})
    result = init(run_cli, git_repo, "--config-format", "pyproject")
    assert result.code == 0, result
    text = (git_repo.path / "pyproject.toml").read_text()
    assert text.startswith(original + "\n")
    assert re.search(r"^  updated\s+pyproject\.toml\s", result.out, re.M)
    assert not (git_repo.path / ".github/depgate.yml").exists()
    assert load_config(git_repo.path).source == "pyproject.toml [tool.depgate]"
    assert init(run_cli, git_repo, "--config-format", "pyproject").code == 0
    assert (git_repo.path / "pyproject.toml").read_text() == text


def test_dry_run_writes_nothing_and_lists_everything(project, run_cli):
    before = snapshot(project.path)
    result = init(run_cli, project, "--dry-run")
    assert result.code == 0, result
    assert snapshot(project.path) == before
    assert "dry run: nothing written" in result.out
    assert len(re.findall(r"^  would be created\s", result.out, re.M)) == 9
    as_json = json.loads(init(run_cli, project, "--dry-run", "--format", "json").out)
    assert as_json["version"] == 1
    assert as_json["dry_run"] is True
    assert {f["state"] for f in as_json["files"]} == {"would-be-created"}
    assert [f["path"] for f in as_json["files"]][:5] == [".github/depgate.yml", "deps/TEMPLATE.md",
                                                         "deps/0001-dep-process.md", "deps/INDEX.md",
                                                         "deps/index.json"]
    assert snapshot(project.path) == before


@pytest.mark.parametrize(("record", "expected"), [
    ({"url": "https://github.com/my-org/depgate", "vcs_info": {"vcs": "git", "commit_id": "a" * 40,
                                                               "requested_revision": "v1.2.0"}},
     f"my-org/depgate@{'a' * 40} # v1.2.0"),
    ({"url": "ssh://git@github.com/my-org/depgate.git", "vcs_info": {"vcs": "git", "commit_id": "b" * 40}},
     f"my-org/depgate@{'b' * 40}"),
    ({"url": "file:///work/depgate", "vcs_info": {"vcs": "git", "commit_id": "a" * 40}}, None),
    ({"url": "https://github.com/my-org/depgate", "vcs_info": {"vcs": "git", "commit_id": "v1"}}, None),
    ({"url": "https://github.com/my-org/depgate\n", "vcs_info": {"vcs": "git", "commit_id": "a" * 40}}, None),
    ({"url": "file:///work/depgate", "dir_info": {"editable": True}}, None),
    ([], None),
])
def test_the_default_action_is_the_commit_pip_installed(record, expected):
    from depgate.commands.init import action_from_direct_url

    assert action_from_direct_url(json.dumps(record)) == expected


def test_an_action_with_its_tag_keeps_the_tag_as_a_comment(project, run_cli):
    assert init(run_cli, project, "--action", f"{SHA_ACTION} # v1.2.0").code == 0
    text = (project.path / ".github/workflows/depgate.yml").read_text()
    assert f"uses: {SHA_ACTION} # v1.2.0\n" in text


def test_json_after_writing(project, run_cli):
    result = init(run_cli, project, "--format", "json", "--action", SHA_ACTION)
    data = json.loads(result.out)
    assert data["action"] == SHA_ACTION
    assert {f["state"] for f in data["files"]} == {"created"}
    assert not any("pin the action" in step for step in data["next_steps"])


@pytest.mark.parametrize("directory", ["../x", "/tmp/elsewhere", "a/../../b", ".git/deps", "a//b", "my deps",
                                       "C:/deps", "./", "deps\nname: x"])
def test_hostile_folders_are_refused(project, run_cli, directory):
    before = snapshot(project.path)
    result = init(run_cli, project, "--directory", directory)
    assert result.code == 2, result
    assert "error:" in result.err
    assert "Traceback" not in result.err
    assert "proposals folder" in result.err
    assert snapshot(project.path) == before


@pytest.mark.parametrize(("option", "value"), [
    ("--prefix", "R-F-C"), ("--prefix", ""), ("--prefix", "RFC\n"), ("--prefix", "X" * 17),
    ("--action", "./"), ("--action", "docker://alpine"), ("--action", "owner/repo"),
    ("--action", "owner/repo@v1\nrun: evil"), ("--action", "owner/../repo@v1"),
    ("--branch", "main\nx"), ("--branch", "../main"), ("--date", "2026-02-30"),
])
def test_bad_option_values_are_refused(project, run_cli, option, value):
    before = snapshot(project.path)
    result = init(run_cli, project, f"{option}={value}")
    assert result.code == 2, result
    assert "Traceback" not in result.err
    assert snapshot(project.path) == before


def test_a_linked_folder_is_not_written_through(project, run_cli, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, project.path / "deps")
    result = init(run_cli, project)
    assert result.code == 2, result
    assert "deps: this folder is a symbolic link" in result.err
    assert list(outside.iterdir()) == []
    assert not (project.path / ".github").exists()


def test_a_file_where_the_folder_goes_is_refused(project, run_cli):
    (project.path / "deps").write_text("not a folder\n")
    result = init(run_cli, project)
    assert result.code == 2, result
    assert "deps: this path must be a folder but is a file" in result.err


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_folder_is_refused_before_anything_is_written(project, run_cli):
    (project.path / ".github").mkdir()
    (project.path / ".github").chmod(0o500)
    try:
        result = init(run_cli, project)
    finally:
        (project.path / ".github").chmod(0o700)
    assert result.code == 2, result
    assert "cannot be written; nothing was written" in result.err
    assert not (project.path / "deps").exists()


def test_an_invalid_existing_configuration_names_file_and_line(project, run_cli):
    project.write({".github/depgate.yml": "proposals:\n  prefix: RFC\n  directory: [rfcs\n"})
    result = init(run_cli, project)
    assert result.code == 2, result
    assert re.search(r"\.github/depgate\.yml:\d+: not valid YAML", result.err), result.err
    assert not (project.path / "deps").exists()
    assert not (project.path / "rfcs").exists()


def test_an_unsafe_folder_in_the_existing_configuration_is_refused(project, run_cli):
    project.write({".github/depgate.yml": "proposals:\n  directory: ../elsewhere\n"})
    result = init(run_cli, project)
    assert result.code == 2, result
    assert ".github/depgate.yml: the proposals folder must stay inside the repository" in result.err


def test_options_that_disagree_with_the_configuration_are_refused(project, run_cli):
    project.write({".github/depgate.yml": "proposals:\n  prefix: KEP\n"})
    result = init(run_cli, project, "--prefix", "RFC")
    assert result.code == 2, result
    assert ".github/depgate.yml: --prefix RFC disagrees with the configuration, which says 'KEP'" in result.err
    assert "`proposals.prefix: RFC`" in result.err
    assert init(run_cli, project, "--prefix", "KEP").code == 0


def test_outside_a_repository_is_exit_2(tmp_path, run_cli):
    result = run_cli("init", "--repo", str(tmp_path))
    assert result.code == 2
    assert "not a git repository" in result.err
    assert list(tmp_path.iterdir()) == []


# -- the workflows pass the same static checks as depgate's own ---------------------------------------------------


def _tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        pytest.skip(f"{name} is not installed (it comes with the test extras)")
    return found


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture(scope="module", params=["placeholder", "pinned"])
def workflows(request, tmp_path_factory) -> Path:
    """A repository after `init --prefix RFC --directory docs/rfcs`, with the placeholder or a pinned action."""
    import io

    from depgate.cli import main
    from depgate.console import Console

    repo = GitRepo.init(tmp_path_factory.mktemp("wf") / "repo")
    extra = [] if request.param == "placeholder" else ["--action", SHA_ACTION]
    code = main(["init", "--repo", str(repo.path), "--date", DATE, "--prefix", "RFC", "--directory", "docs/rfcs",
                 *extra], Console(out=io.StringIO(), err=io.StringIO()))
    assert code == 0
    return repo.path


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_generated_workflows_pass_zizmor(workflows, persona):
    proc = _run(_tool("zizmor"), "--offline", "--no-progress", "--persona", persona, ".", cwd=workflows)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings to report" in proc.stdout + proc.stderr


def test_generated_workflows_pass_actionlint_and_the_schema(workflows):
    files = [str(workflows / ".github/workflows" / name) for name in WORKFLOWS]
    proc = _run(_tool("actionlint"), "-no-color", *files, cwd=workflows)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files, cwd=workflows)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_generated_workflows_are_fork_safe(workflows):
    docs = {name: yaml.safe_load((workflows / ".github/workflows" / name).read_text()) for name in WORKFLOWS}
    for name, doc in docs.items():
        triggers = doc[True]  # YAML 1.1 reads the key `on` as true
        assert "pull_request_target" not in triggers, name
        assert doc["permissions"] == {}, name
        for job in doc["jobs"].values():
            assert all("run" not in step for step in job["steps"]), name  # nothing of a pull request is executed
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, name
    check = docs["depgate.yml"]
    assert set(check[True]) == {"pull_request"}
    assert set(check["jobs"]["check"]["permissions"].values()) == {"read"}
    publish = docs["depgate-publish.yml"]
    assert set(publish[True]) == {"workflow_run"}
    assert publish[True]["workflow_run"]["workflows"] == [check["name"]]
    assert docs["depgate-lint.yml"]["jobs"]["lint"]["permissions"] == {"contents": "read"}
    assert "schedule" in docs["depgate-index.yml"][True]
    assert docs["depgate-index.yml"][True]["push"]["paths"] == ["docs/rfcs/**"]


def test_a_pinned_action_needs_no_ignore_comment(workflows):
    text = (workflows / ".github/workflows/depgate.yml").read_text()
    uses = [line.strip() for line in text.splitlines() if "depgate@" in line]
    assert uses
    for line in uses:
        if SHA_ACTION in line:
            assert line == f"uses: {SHA_ACTION}"
        else:
            assert "depgate/depgate@v1 # zizmor: ignore[unpinned-uses] pin to a full commit SHA" in line


# -- docs/adopting.md stays true ------------------------------------------------------------------------------------

ADOPTING = (Path(__file__).resolve().parents[1] / "docs" / "adopting.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("line", [line.split("#", 1)[0].split() for block in re.findall(r"```sh\n(.*?)```",
                                                                                          ADOPTING, re.S)
                                  for line in block.splitlines() if line.startswith("depgate init")])
def test_every_init_command_of_the_guide_runs(git_repo, run_cli, line):
    result = run_cli(*line[1:], "--repo", str(git_repo.path), "--dry-run")
    assert result.code == 0, result


def test_the_guide_lists_every_file_init_writes(git_repo, run_cli):
    data = json.loads(run_cli("init", "--repo", str(git_repo.path), "--format", "json", "--dry-run").out)
    table = re.findall(r"^\| `([^`]+)`", ADOPTING, re.M)
    assert [f["path"] for f in data["files"]] == table
