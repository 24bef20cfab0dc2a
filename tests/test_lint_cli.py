"""`depgate lint` end to end, on real temporary git repositories."""

from __future__ import annotations

import json

import pytest

from dep_samples import DOC_PATH, GOOD, PROCESS, TEMPLATE

BROKEN = GOOD.replace("Status: Draft", "Status: WIP")
WARNING_ONLY = GOOD.replace("DEP: 0008", "DEP: 8")


@pytest.fixture
def repo(git_repo):
    """A committed repository with a clean DEP folder."""
    git_repo.commit("docs: deps", {"deps/TEMPLATE.md": TEMPLATE, "deps/0001-dep-process.md": PROCESS,
                                   DOC_PATH: GOOD, "README.md": "# project\n"})
    return git_repo


def lint(run_cli, repo, *args):
    return run_cli("lint", "--repo", str(repo.path), *args)


def test_clean_folder_exits_zero(run_cli, repo):
    result = lint(run_cli, repo)
    assert (result.code, result.out, result.err) == (0, "No problems found.\n", "")


def test_text_output_shows_the_offending_line(run_cli, repo):
    repo.write({DOC_PATH: BROKEN})
    result = lint(run_cli, repo)
    assert result.code == 1
    assert result.out == (
        "deps/0008-offload.md:5: D109 error: Status must be one of Draft, Accepted, Implemented, Active, Rejected, "
        "Withdrawn, Superseded, not `WIP`\n"
        "   |\n"
        " 5 | Status: WIP\n"
        "   | ^^^^^^^^^^^\n"
        "\n"
        "Found 1 error in 1 file.\n"
    )


def test_json_output(run_cli, repo):
    repo.write({DOC_PATH: BROKEN})
    result = lint(run_cli, repo, "--format", "json")
    assert result.code == 1
    data = json.loads(result.out)
    assert data["schema_version"] == 1
    assert data["command"] == "lint"
    assert [(d["path"], d["line"], d["code"], d["severity"]) for d in data["diagnostics"]] == [
        (DOC_PATH, 5, "D109", "error")]
    assert data["summary"]["total"] == 1


def test_github_output(run_cli, repo):
    repo.write({DOC_PATH: WARNING_ONLY})
    result = lint(run_cli, repo, "--format", "github")
    assert result.code == 0  # a warning does not fail by default
    assert result.out == (
        "::warning file=deps/0008-offload.md,line=2,title=depgate%3A D116::DEP should be written `0008`, not `8`\n")


@pytest.mark.parametrize(("content", "fail_on", "code"), [
    (WARNING_ONLY, "error", 0),
    (WARNING_ONLY, "warning", 1),
    (BROKEN, "never", 0),
    (BROKEN, "warning", 1),
    (GOOD, "warning", 0),
])
def test_fail_on(run_cli, repo, content, fail_on, code):
    repo.write({DOC_PATH: content})
    assert lint(run_cli, repo, "--fail-on", fail_on).code == code


def test_runs_from_a_subdirectory_of_the_repository(run_cli, repo, monkeypatch):
    repo.write({DOC_PATH: BROKEN})
    monkeypatch.chdir(repo.path / "deps")
    result = run_cli("lint")
    assert result.code == 1
    assert "deps/0008-offload.md:5: D109" in result.out


def test_path_arguments_relative_to_cwd(run_cli, repo, monkeypatch):
    repo.write({DOC_PATH: BROKEN, "deps/0001-dep-process.md": PROCESS.replace("Type: Process", "Type: Nope")})
    monkeypatch.chdir(repo.path / "deps")
    result = run_cli("lint", "0008-offload.md", "--format", "json")
    assert [d["path"] for d in json.loads(result.out)["diagnostics"]] == [DOC_PATH]
    result = run_cli("lint", ".", "--format", "json")
    assert sorted(d["path"] for d in json.loads(result.out)["diagnostics"]) == ["deps/0001-dep-process.md", DOC_PATH]


def test_one_file_still_sees_the_whole_folder(run_cli, repo):
    repo.write({"deps/0008-duplicate.md": GOOD})
    result = lint(run_cli, repo, str(repo.path / "deps/0008-duplicate.md"), "--format", "github")
    assert result.code == 1
    assert result.out == (
        "::error file=deps/0008-duplicate.md,line=2,title=depgate%3A D301::DEP-0008 must be unique, but "
        "deps/0008-offload.md uses it too\n")


def test_another_folder_with_its_own_template(run_cli, repo):
    repo.write({"archive/TEMPLATE.md": "---\nDEP: <n>\n---\n\n## Summary\n", "archive/0003-old.md": GOOD.replace(
        "0008", "0003")})
    result = lint(run_cli, repo, str(repo.path / "archive"), "--format", "json")
    found = [(d["path"], d["code"]) for d in json.loads(result.out)["diagnostics"]]
    assert found == [("archive/0003-old.md", "D204")]  # `## Summary` comes from archive/TEMPLATE.md


def test_template_and_non_documents_are_skipped_with_a_note(run_cli, repo):
    result = lint(run_cli, repo, str(repo.path / "deps/TEMPLATE.md"))
    assert result.code == 0
    assert "deps/TEMPLATE.md is not linted" in result.err


def test_symlink_argument_is_reported_not_followed(run_cli, repo):
    (repo.path / "deps/0009-link.md").symlink_to("/etc/passwd")
    result = lint(run_cli, repo, str(repo.path / "deps/0009-link.md"), "--format", "json")
    assert result.code == 1
    (diag,) = json.loads(result.out)["diagnostics"]
    assert (diag["code"], diag["path"]) == ("D002", "deps/0009-link.md")


@pytest.mark.parametrize(("args", "needle"), [
    (["deps/nope.md"], "no such file or folder"),
    (["/"], "outside the repository"),
])
def test_usage_errors_exit_2(run_cli, repo, monkeypatch, args, needle):
    monkeypatch.chdir(repo.path)
    result = run_cli("lint", *args)
    assert result.code == 2
    assert needle in result.err


def test_bad_option_exits_2(run_cli, repo, capsys):
    result = lint(run_cli, repo, "--format", "xml")
    assert result.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_missing_folder_exits_2(run_cli, git_repo):
    git_repo.commit("init", {"README.md": "x\n"})
    result = run_cli("lint", "--repo", str(git_repo.path))
    assert result.code == 2
    assert "deps: the DEP folder does not exist" in result.err


# -- configuration ---------------------------------------------------------------------------------------


def test_per_file_ignores_from_yaml(run_cli, repo):
    repo.write({DOC_PATH: BROKEN, ".github/depgate.yml": """\
        lint:
          per-file-ignores:
            "deps/0008-*.md": [invalid-status]
        """})
    assert lint(run_cli, repo).code == 0


def test_ignore_and_severity_from_pyproject(run_cli, repo):
    repo.write({DOC_PATH: BROKEN.replace("Type: Feature", "Type: Enhancement"), "pyproject.toml": """\
        [tool.depgate.lint]
        ignore = ["D110"]
        severity = { D109 = "warning" }
        """})
    result = lint(run_cli, repo, "--format", "json")
    assert result.code == 0
    assert [(d["code"], d["severity"]) for d in json.loads(result.out)["diagnostics"]] == [("D109", "warning")]


def test_exclude_from_explicit_config_file(run_cli, repo, monkeypatch):
    repo.write({DOC_PATH: BROKEN, "lint.yml": "lint:\n  exclude: ['deps/0008-*.md']\n"})
    monkeypatch.chdir(repo.path)  # a relative --config is taken from the current directory
    assert lint(run_cli, repo, "--config", "lint.yml").code == 0
    assert lint(run_cli, repo).code == 1


def test_custom_folder_and_statuses(run_cli, git_repo):
    git_repo.commit("docs", {
        "proposals/TEMPLATE.md": TEMPLATE,
        "proposals/0008-offload.md": GOOD.replace("Status: Draft", "Status: Proposed"),
        ".github/depgate.yml": "proposals:\n  directory: proposals\n  statuses: [Proposed, Final]\n",
    })
    result = run_cli("lint", "--repo", str(git_repo.path))
    assert (result.code, result.out) == (0, "No problems found.\n")


@pytest.mark.parametrize(("config", "needle"), [
    ("lint:\n  ignroe: [D101]\n", "unknown key `lint.ignroe`"),
    ("lint:\n  ignore: [D999]\n", "`lint.ignore` names no known rule: 'D999'"),
    ("lint:\n  severity: {D101: loud}\n", "`lint.severity.D101`"),
    ("lint: [\n", "not valid YAML"),
])
def test_bad_configuration_exits_2_naming_the_key(run_cli, repo, config, needle):
    repo.write({".github/depgate.yml": config})
    result = lint(run_cli, repo)
    assert result.code == 2
    assert needle in result.err
    assert ".github/depgate.yml" in result.err
    assert "Traceback" not in result.err


# -- outside a git repository ----------------------------------------------------------------------------


def test_repo_option_on_a_plain_folder(run_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "export"
    (folder / "deps").mkdir(parents=True)
    (folder / "deps/TEMPLATE.md").write_text(TEMPLATE, encoding="utf-8")
    (folder / DOC_PATH).write_text(BROKEN, encoding="utf-8")
    result = run_cli("lint", "--repo", str(folder))
    assert result.code == 1
    assert "D109" in result.out


def test_cwd_outside_git_falls_back_with_a_note(run_cli, tmp_path, monkeypatch):
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps/TEMPLATE.md").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / DOC_PATH).write_text(GOOD, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = run_cli("lint")
    assert result.code == 0
    assert "not inside a git repository" in result.err


def test_repo_path_that_does_not_exist(run_cli, tmp_path):
    result = run_cli("lint", "--repo", str(tmp_path / "nope"))
    assert result.code == 2
    assert "not a directory" in result.err


def test_undecodable_file_name_and_fifo_are_reported(run_cli, repo):
    import os

    with open(os.path.join(os.fsencode(repo.path), b"deps", b"0009-\xff.md"), "wb") as handle:
        handle.write(GOOD.replace("0008", "0009").encode())
    os.mkfifo(repo.path / "deps/0010-pipe.md")
    for fmt in ("text", "json", "github"):
        result = lint(run_cli, repo, "--format", fmt)
        assert result.code == 1
        result.out.encode("utf-8")  # writable to a UTF-8 stream
    data = json.loads(lint(run_cli, repo, "--format", "json").out)
    assert [(d["path"], d["code"]) for d in data["diagnostics"]] == [
        ("deps/0009-\ufffd.md", "D118"), ("deps/0010-pipe.md", "D002")]
