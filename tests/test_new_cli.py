"""`depgate new` on real git repositories."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from depgate.proposals.reader import read_document, to_proposal
from gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = (ROOT / "deps/TEMPLATE.md").read_text(encoding="utf-8")


def dep(number: int, title: str = "Old") -> str:
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: @a\nStatus: Accepted\nType: Feature\n"
            f"Created: 2026-01-01\n---\n\n# DEP-{number:04d}: {title}\n")


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    git_repo.write({"deps/TEMPLATE.md": TEMPLATE, "deps/0001-first.md": dep(1), "deps/0002-second.md": dep(2)},
                   dedent=False)
    git_repo.commit("docs: proposals")
    return git_repo


def created_path(repo: GitRepo, out: str) -> Path:
    path = Path(out.strip())
    return (path if path.is_absolute() else Path.cwd() / path).resolve()


def read(path: Path):
    return to_proposal(read_document(path.name, path.read_bytes()))


def test_creates_the_next_document_from_the_template(repo, run_cli):
    result = run_cli("new", "Activation offloading: a new ABC", "--repo", str(repo.path), "--date", "2026-02-04")
    assert result.code == 0, result
    path = created_path(repo, result.out)
    assert path == (repo.path / "deps/0003-activation-offloading-a-new-abc.md").resolve()
    assert result.out.count("\n") == 1
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\nDEP: 0003\nTitle: Activation offloading: a new ABC\nAuthor: Test Author\n"
                           "Status: Draft\nType: Feature\nCreated: 2026-02-04\n---\n\n"
                           "# DEP-0003: Activation offloading: a new ABC\n\n## Abstract\n")
    # The body's sections and guidance are the template's, for the author to replace.
    template_body = TEMPLATE.split("# DEP-XXXX: <Title>\n", 1)[1]
    assert text.endswith(template_body)
    proposal = read(path)
    assert proposal.ok
    assert proposal.sections == ("Abstract", "Motivation", "Design Proposal", "Usage", "Backward Compatibility",
                                 "Alternatives Considered")
    assert "DEP-0003" in result.err
    assert "depgate index --write" in result.err


def test_default_date_is_today_and_author_flag_wins(repo, run_cli):
    result = run_cli("new", "Hooks", "--repo", str(repo.path), "--author", "Jane Doe @jdoe & @mrapplexz",
                     "--type", "Process")
    assert result.code == 0, result
    proposal = read(created_path(repo, result.out))
    assert proposal.created == dt.date.today()
    assert [str(a) for a in proposal.authors] == ["Jane Doe @jdoe", "@mrapplexz"]
    assert proposal.type == "Process"


def test_author_comes_from_git_config(repo, run_cli):
    repo.git("config", "user.name", "Maksim Afanasyev")
    result = run_cli("new", "Offload", "--repo", str(repo.path))
    assert result.code == 0, result
    assert [str(a) for a in read(created_path(repo, result.out)).authors] == ["Maksim Afanasyev"]


def test_no_author_anywhere_is_a_usage_error(repo, run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home/.config"))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "home/no-gitconfig"))
    repo.git("config", "--unset", "user.name")
    result = run_cli("new", "Offload", "--repo", str(repo.path))
    assert result.code == 2
    assert "git config user.name" in result.err
    assert "--author" in result.err
    assert sorted(p.name for p in (repo.path / "deps").iterdir()) == ["0001-first.md", "0002-second.md",
                                                                      "TEMPLATE.md"]


def test_gaps_are_not_reused_unless_asked(repo, run_cli):
    repo.write({"deps/0002-second.md": None, "deps/0005-fifth.md": dep(5)}, dedent=False)
    first = run_cli("new", "Next one", "--repo", str(repo.path))
    assert created_path(repo, first.out).name == "0006-next-one.md"
    gap = run_cli("new", "Fill the gap", "--repo", str(repo.path), "--reuse-gap")
    assert created_path(repo, gap.out).name == "0002-fill-the-gap.md"
    explicit = run_cli("new", "Explicit", "--repo", str(repo.path), "--number", "4")
    assert created_path(repo, explicit.out).name == "0004-explicit.md"
    assert read(created_path(repo, explicit.out)).number == 4


def test_reuse_gap_without_gap_takes_the_next_number(repo, run_cli):
    result = run_cli("new", "No gap", "--repo", str(repo.path), "--reuse-gap")
    assert created_path(repo, result.out).name == "0003-no-gap.md"
    assert "no gap" in result.err


def test_numbers_of_broken_files_and_header_numbers_are_taken(repo, run_cli):
    repo.write({"deps/0007-broken.md": b"\xff\xfe", "deps/renamed.md": dep(9)}, dedent=False)
    result = run_cli("new", "After", "--repo", str(repo.path))
    assert created_path(repo, result.out).name == "0010-after.md"


@pytest.mark.parametrize("number", ["1", "2"])
def test_taken_number_is_refused(repo, run_cli, number):
    result = run_cli("new", "Clash", "--repo", str(repo.path), "--number", number)
    assert result.code == 2
    assert f"number {number} is already used" in result.err
    assert "next free number is 3" in result.err


def test_existing_file_is_never_overwritten(repo, run_cli, monkeypatch):
    # Simulate a race: another process creates the same file after the numbers were counted.
    import depgate.commands.new as new_command

    monkeypatch.setattr(new_command, "used_numbers", lambda *args: {1})
    (repo.path / "deps/0002-second.md").write_text("precious\n")
    result = run_cli("new", "Second", "--repo", str(repo.path))
    assert result.code == 2
    assert "deps/0002-second.md: the file already exists" in result.err
    assert (repo.path / "deps/0002-second.md").read_text() == "precious\n"
    assert result.out == ""


@pytest.mark.parametrize(("args", "needle"), [
    (["two\nlines"], "one line"),
    (["   "], "must not be empty"),
    (["日本語のみ"], "no letter or digit"),
    (["ok", "--author", "a\nb"], "one line"),
    (["ok", "--type", "Enhancement"], "--type must be one of Feature, Process, Informational"),
    (["ok", "--date", "04/02/2026"], "--date must be a real date"),
    (["ok", "--date", "2026-02-30"], "--date must be a real date"),
    (["ok", "--number", "0"], "--number must be 1 or more"),
])
def test_bad_input_is_a_usage_error(repo, run_cli, args, needle):
    before = sorted(p.name for p in (repo.path / "deps").iterdir())
    result = run_cli("new", *args, "--repo", str(repo.path))
    assert result.code == 2, result
    assert needle in result.err
    assert sorted(p.name for p in (repo.path / "deps").iterdir()) == before


def test_number_and_reuse_gap_are_exclusive(repo, run_cli):
    assert run_cli("new", "x", "--number", "5", "--reuse-gap", "--repo", str(repo.path)).code == 2


def test_missing_template_is_a_clear_error(repo, run_cli):
    (repo.path / "deps/TEMPLATE.md").unlink()
    result = run_cli("new", "Offload", "--repo", str(repo.path))
    assert result.code == 2
    assert "deps/TEMPLATE.md: the DEP template does not exist" in result.err
    assert "run `depgate init`" in result.err
    assert "`proposals.template`" in result.err


def test_a_fresh_repository_is_told_to_run_init_and_then_works(git_repo, run_cli):
    result = run_cli("new", "First", "--repo", str(git_repo.path), "--author", "A")
    assert result.code == 2
    assert "deps: the DEP folder does not exist" in result.err
    assert "run `depgate init`" in result.err
    assert run_cli("init", "--repo", str(git_repo.path)).code == 0
    result = run_cli("new", "First", "--repo", str(git_repo.path), "--author", "A")
    assert result.code == 0, result
    assert created_path(git_repo, result.out).name == "0002-first.md"


def test_template_without_header_is_a_clear_error(repo, run_cli):
    (repo.path / "deps/TEMPLATE.md").write_text("# DEP-XXXX: <Title>\n")
    result = run_cli("new", "Offload", "--repo", str(repo.path))
    assert result.code == 2
    assert "deps/TEMPLATE.md: the template has no front-matter header" in result.err


def test_new_document_shows_up_in_the_index(repo, run_cli):
    run_cli("new", "Scaled RoPE", "--repo", str(repo.path), "--date", "2026-02-04")
    result = run_cli("index", "--repo", str(repo.path))
    assert "| [0003](0003-scaled-rope.md) | Scaled RoPE | Draft | Feature | Test Author | 2026-02-04 |" in result.out
    assert "**DEP-0004**" in result.out


def test_configured_prefix_width_and_folder(git_repo, run_cli):
    git_repo.write({
        ".github/depgate.yml": "proposals:\n  directory: keps\n  template: template.md\n  prefix: KEP\n"
                               "  number-width: 3\n  types: [Design]\n",
        "keps/template.md": TEMPLATE,
    }, dedent=False)
    result = run_cli("new", "First one", "--repo", str(git_repo.path))
    assert result.code == 0, result
    path = created_path(git_repo, result.out)
    assert path.name == "001-first-one.md"
    text = path.read_text()
    assert "\nKEP: 001\n" in text  # the template's `DEP:` line, under the prefix's key
    assert "DEP" not in text
    assert "\nType: Design\n" in text
    assert "\n# KEP-001: First one\n" in text


def test_outside_a_repository_is_exit_2(tmp_path, run_cli):
    result = run_cli("new", "x", "--repo", str(tmp_path))
    assert result.code == 2
    assert "not a git repository" in result.err


def test_path_is_relative_to_the_current_directory(repo, run_cli, monkeypatch):
    monkeypatch.chdir(repo.path)
    result = run_cli("new", "Relative")
    assert result.out == "deps/0003-relative.md\n"


def test_an_entry_name_with_thousands_of_digits_takes_no_number():
    from depgate.proposals.numbering import used_numbers

    assert used_numbers([], ["9" * 5000 + "-x.md", "0003-y.md", "\u0663-arabic.md"]) == {3}
