"""`deps/index.json` (DEP-0005): the data, its stable text, what makes it stale, its schema, and `depgate index`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from depgate.commands.index import expected_index_files
from depgate.config import Config, ProposalsConfig, load_config
from depgate.git import Git
from depgate.proposals.evidence import Commit, DocVersion, History
from depgate.proposals.folder import load_folder
from depgate.proposals.index_json import (
    INDEX_SCHEMA_VERSION,
    PROPOSAL_KEYS,
    TOP_KEYS,
    build_index_data,
    dumps_index,
    history_commit,
    index_stale,
)
from depgate.tree import DiskTree
from gitrepo import GitRepo

ROOT = Path(__file__).resolve().parents[1]
DOCS_SCHEMA = ROOT / "docs/index.schema.json"
FROZEN_V1 = ROOT / "tests/fixtures/index-schema/v1.schema.json"


def dep(number: int, title: str, status: str = "Draft", author: str = "@jdoe", extra: str = "") -> str:
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: {author}\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-02-04\n{extra}---\n\n# DEP-{number:04d}: {title}\n\n## Abstract\n\nUse `ScaledRope`.\n")


FILES = {
    "deps/TEMPLATE.md": "---\nDEP: <Leave blank for maintainers>\n---\n",
    "deps/0001-dep-process.md": dep(1, "The DEP Process", "Active", "Jane Doe @jdoe"),
    "deps/0005-dep-scaled-rope.md": dep(5, "Scaled RoPE", "Implemented", "@mrapplexz & Ann Lee",
                                        "Implementation: #35, #40\n"),
    "deps/0003-dep-offload.md": dep(3, "Offload", "Superseded", extra="Superseded-By: DEP-0005\n"),
    "pkg/__init__.py": "__all__ = []\n",
}


@pytest.fixture
def repo(git_repo: GitRepo) -> GitRepo:
    git_repo.write(FILES, dedent=False)
    git_repo.commit("docs: proposals (#1)", date="2026-02-04")
    return git_repo


def json_text(repo: GitRepo) -> str:
    return (repo.path / "deps/index.json").read_bytes().decode("utf-8")


def json_file(repo: GitRepo, config: Config | None = None):
    files = expected_index_files(repo.path, config or load_config(repo.path), git=Git(repo.path))
    assert [f.rel for f in files] == ["deps/INDEX.md", "deps/index.json"]
    return files[1]


def documents(root: Path, config: Config | None = None):
    return load_folder(DiskTree(root), (config or Config()).proposals)


def hand_history(*versions: tuple[str, str, str, str | None], commits: tuple[Commit, ...] = (),
                 shallow: bool = False) -> History:
    """A `History` with one document's versions `(sha, path, change, status)`; commits dated by their sha."""
    by_path: dict[str, list[DocVersion]] = {}
    for sha, path, change, status in versions:
        by_path.setdefault(path, []).append(DocVersion(sha, path, change, status, body_changed=change == "A"))
    if not commits:
        commits = tuple(Commit(sha, None, f"2026-0{i + 1}-01", f"docs: {sha}", (), None, (path,))
                        for i, (sha, path, _, _) in enumerate(versions))
    return History("main", commits[-1].sha if commits else "", commits,
                   {path: tuple(v) for path, v in by_path.items()}, shallow=shallow)


# -- the data --------------------------------------------------------------------------------------------------------


def test_data_of_a_folder_field_by_field(repo):
    data = build_index_data(documents(repo.path), Config(), history=None,
                            symbols={"deps/0005-dep-scaled-rope.md": ["pkg.ScaledRope", "pkg.A"]}, version="9.9")
    assert list(data) == list(TOP_KEYS)
    assert (data["schema_version"], data["generator"], data["prefix"], data["history_commit"]) == (
        1, {"name": "depgate", "version": "9.9"}, "DEP", None)
    assert [p["path"] for p in data["proposals"]] == [
        "deps/0001-dep-process.md", "deps/0003-dep-offload.md", "deps/0005-dep-scaled-rope.md"]
    rope = data["proposals"][2]
    assert list(rope) == list(PROPOSAL_KEYS)
    assert rope == {
        "number": 5, "label": "DEP-0005", "title": "Scaled RoPE", "status": "Implemented", "type": "Feature",
        "authors": ["@mrapplexz", "Ann Lee"], "created": "2026-02-04", "path": "deps/0005-dep-scaled-rope.md",
        "superseded_by": None, "implementation": ["#35", "#40"], "status_since": None,
        "symbols": ["pkg.A", "pkg.ScaledRope"],
    }
    offload = data["proposals"][1]
    assert (offload["superseded_by"], offload["implementation"], offload["symbols"]) == (5, [], [])


def test_unreadable_fields_are_null_not_guessed(tmp_path):
    (tmp_path / "deps").mkdir()
    (tmp_path / "deps/0007-odd.md").write_text(
        "---\nDEP: seven\nTitle:\nAuthor: @a @b\nStatus: Draft\nCreated: 2026-02-30\nSuperseded-By: soon\n---\n")
    (tmp_path / "deps/idea.md").write_bytes(b"\xff\xfe not utf-8")
    data = build_index_data(documents(tmp_path), Config(), history=None, symbols={}, version="1")
    odd, idea = data["proposals"]
    # The number falls back to the file name, as in INDEX.md; everything else that cannot be read is null.
    assert (odd["number"], odd["title"], odd["authors"], odd["type"], odd["created"], odd["superseded_by"]) == (
        7, None, None, None, None, None)
    assert idea == {**dict.fromkeys(PROPOSAL_KEYS), "path": "deps/idea.md", "implementation": [], "symbols": []}


def test_prefix_and_width_come_from_the_configuration(tmp_path):
    (tmp_path / "rfcs").mkdir()
    (tmp_path / "rfcs/012-x.md").write_text("---\nRFC: 012\nTitle: X\nStatus: Draft\nSuperseded-By: RFC-003\n---\n")
    config = Config(proposals=ProposalsConfig(directory="rfcs", prefix="RFC", number_width=3))
    data = build_index_data(documents(tmp_path, config), config, history=None, symbols={}, version="1")
    assert data["prefix"] == "RFC"
    assert (data["proposals"][0]["label"], data["proposals"][0]["superseded_by"]) == ("RFC-012", 3)


# -- history fields from a hand-built history ------------------------------------------------------------------------


def since(history: History, path: str, status: str) -> str | None:
    """The `status_since` index.json gives a document of `path` whose status in the work tree is `status`."""
    doc = documents_of({path: dep(5, "X", status)})[0]
    return build_index_data([doc], Config(), history=history, symbols={}, version="1")["proposals"][0]["status_since"]


def documents_of(files: dict[str, str]):
    from depgate.proposals.folder import FolderDocument
    from depgate.proposals.reader import read_document, to_proposal

    out = []
    for path, text in files.items():
        doc = read_document(path, text.encode())
        out.append(FolderDocument(doc, to_proposal(doc)))
    return out


def test_status_since_is_the_first_commit_of_the_current_status_run():
    path = "deps/0005-x.md"
    history = hand_history(("a1", path, "A", "Draft"), ("b2", path, "M", "Accepted"),
                           ("c3", path, "M", "Accepted"), ("d4", path, "M", "Implemented"),
                           ("e5", path, "M", "Implemented"))
    assert since(history, path, "Implemented") == "2026-04-01"
    assert since(history, path, "Accepted") is None  # the work tree says otherwise than the tip
    assert since(history, "deps/0009-new.md", "Draft") is None  # not committed
    history = hand_history(("a1", path, "A", "Draft"), ("b2", path, "M", "Draft"))
    assert since(history, path, "Draft") == "2026-01-01"


def test_status_since_is_unknown_when_the_history_was_cut_before_it():
    path = "deps/0005-x.md"
    assert since(hand_history(("b2", path, "M", "Accepted"), shallow=True), path, "Accepted") is None
    assert since(hand_history(("b2", path, "M", "Accepted")), path, "Accepted") == "2026-01-01"
    # A status change seen inside the cut history is still known.
    cut = hand_history(("b2", path, "M", "Draft"), ("c3", path, "M", "Accepted"), shallow=True)
    assert since(cut, path, "Accepted") == "2026-02-01"


def test_history_commit_is_the_newest_that_changed_a_proposal():
    def commit(sha: str, *changed: str) -> Commit:
        return Commit(sha, None, "2026-01-01", sha, (), None, changed)

    commits = (commit("a" * 40, "deps/0001-x.md"), commit("b" * 40, "deps/0002-y.md", "pkg/a.py"),
               commit("c" * 40, "deps/INDEX.md", "deps/TEMPLATE.md", "deps/index.json"),
               commit("d" * 40, "pkg/b.py", "deps/sub/0003-z.md"))
    history = History("main", "d" * 40, commits, {})
    assert history_commit(history, ProposalsConfig()) == "b" * 40
    assert history_commit(History("main", "d" * 40, commits[2:], {}), ProposalsConfig()) is None
    assert history_commit(None, ProposalsConfig()) is None


# -- stable text -------------------------------------------------------------------------------------------------------


def test_dumps_fixes_key_order_indent_and_the_final_newline():
    text = dumps_index({"proposals": [{"symbols": [], "zeta": 1, "number": 2}], "prefix": "DEP",
                        "schema_version": 1, "extra": "é"})
    assert text == ('{\n  "schema_version": 1,\n  "prefix": "DEP",\n  "proposals": [\n    {\n      "number": 2,\n'
                    '      "symbols": [],\n      "zeta": 1\n    }\n  ],\n  "extra": "é"\n}\n')


def test_output_is_byte_identical_across_runs_and_listing_order(tmp_path, run_cli):
    outputs = []
    for name, items in (("one", list(FILES.items())), ("two", list(reversed(FILES.items())))):
        repo = GitRepo.init(tmp_path / name)
        for rel, content in items:
            repo.write({rel: content}, dedent=False)
        repo.commit("docs: proposals", date="2026-02-04")
        first, second = (run_cli("index", "--json", "--repo", str(repo.path)).out for _ in range(2))
        assert first == second
        outputs.append(first)
    assert outputs[0].encode() == outputs[1].encode()
    assert json.loads(outputs[0])["proposals"][0]["label"] == "DEP-0001"


# -- staleness ---------------------------------------------------------------------------------------------------------


def test_only_document_fields_make_it_stale(repo):
    expected = build_index_data(documents(repo.path), Config(), history=None, symbols={}, version="1.0")
    text = dumps_index(expected)
    assert not index_stale(text, expected)
    drifted = json.loads(text)
    drifted["generator"]["version"] = "0.0.1"
    drifted["history_commit"] = "f" * 40
    drifted["proposals"][0]["status_since"] = "2020-01-01"
    drifted["proposals"][0]["symbols"] = ["pkg.Other"]
    assert not index_stale(json.dumps(drifted), expected)  # only history and code fields differ
    for key, value in (("title", "Renamed"), ("status", "Accepted"), ("authors", ["@other"]),
                       ("implementation", ["#1"]), ("number", True), ("number", 1.0), ("unknown_key", 1)):
        changed = json.loads(text)
        changed["proposals"][0][key] = value
        assert index_stale(json.dumps(changed), expected), key


@pytest.mark.parametrize("current", [
    None, "", "{", "[]", "null", '{"schema_version": 2}', '{"schema_version": true}', '{"schema_version": "1"}',
    "[" * 100_000,
])
def test_missing_unparsable_or_other_versions_are_stale(current):
    expected = build_index_data([], Config(), history=None, symbols={}, version="1")
    assert index_stale(current, expected)


def test_a_later_generator_adding_fields_is_stale_here_so_the_file_says_what_this_version_writes():
    expected = build_index_data([], Config(), history=None, symbols={}, version="1")
    assert index_stale(dumps_index({**expected, "new_field": 1}), expected)


# -- `depgate index` on real repositories ------------------------------------------------------------------------------


def test_write_then_check_is_clean_and_a_second_write_changes_nothing(repo, run_cli):
    assert run_cli("index", "--check", "--repo", str(repo.path)).code == 1
    written = run_cli("index", "--write", "--repo", str(repo.path))
    assert written.code == 0, written
    assert "wrote deps/index.json" in written.err
    assert json_text(repo) == run_cli("index", "--json", "--repo", str(repo.path)).out
    check = run_cli("index", "--check", "--repo", str(repo.path))
    assert (check.code, check.out) == (0, ""), check
    assert "deps/index.json is up to date" in check.err
    path = repo.path / "deps/index.json"
    os.utime(path, (1_000_000, 1_000_000))
    again = run_cli("index", "--write", "--repo", str(repo.path))
    assert again.code == 0
    assert path.stat().st_mtime == 1_000_000


def test_editing_a_title_makes_it_stale(repo, run_cli):
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    repo.write({"deps/0003-dep-offload.md": dep(3, "Offload to CPU", "Superseded",
                                                extra="Superseded-By: DEP-0005\n")}, dedent=False)
    assert json_file(repo).stale
    result = run_cli("index", "--check", "--repo", str(repo.path))
    assert result.code == 1
    assert '--- a/deps/index.json\n+++ b/deps/index.json\n' in result.out
    assert '+      "title": "Offload to CPU",' in result.out
    assert "deps/index.json is stale" in result.err


def test_a_header_only_index_json_shows_is_checked_too(repo, run_cli):
    # `Implementation` is not in INDEX.md: only index.json goes stale.
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    repo.write({"deps/0001-dep-process.md": dep(1, "The DEP Process", "Active", "Jane Doe @jdoe",
                                                "Implementation: #7\n")}, dedent=False)
    markdown, data = expected_index_files(repo.path, load_config(repo.path), git=Git(repo.path))
    assert (markdown.stale, data.stale) == (False, True)
    result = run_cli("index", "--check", "--repo", str(repo.path))
    assert result.code == 1
    assert "deps/INDEX.md is up to date" in result.err
    assert '+        "#7"' in result.out
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    assert json.loads(json_text(repo))["proposals"][0]["implementation"] == ["#7"]


def test_a_new_commit_that_changes_only_history_fields_does_not_make_it_stale(repo, run_cli):
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    repo.commit("docs: regenerate the index (#2)", date="2026-03-01")
    written = json_text(repo)
    # A squash merge that edits a proposal's body and the code: the newest proposal commit moves, nothing else.
    repo.commit("feat: add scaled rope (#35)", {
        "deps/0005-dep-scaled-rope.md": dep(5, "Scaled RoPE", "Implemented", "@mrapplexz & Ann Lee",
                                            "Implementation: #35, #40\n") + "\nMore text.\n",
        "pkg/__init__.py": "__all__ = ['ScaledRope']\n\nclass ScaledRope:\n    pass\n",
    }, date="2026-04-01")
    item = json_file(repo)
    assert not item.stale
    assert item.expected == item.current == written  # left alone: no churn
    assert run_cli("index", "--check", "--repo", str(repo.path)).code == 0


def test_a_stale_file_is_rewritten_whole_with_its_hand_edits_gone(repo, run_cli):
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    data = json.loads(json_text(repo))
    data["proposals"][0]["title"] = "Edited by hand"
    data["generator"]["version"] = "0.0.0-old"
    (repo.path / "deps/index.json").write_text(json.dumps(data), encoding="utf-8")
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    assert json_text(repo) == run_cli("index", "--json", "--repo", str(repo.path)).out
    assert "0.0.0-old" not in json_text(repo)


def test_a_json_index_that_is_not_utf8_is_rewritten(repo, run_cli):
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    good = json_text(repo)
    (repo.path / "deps/index.json").write_bytes(good.encode().replace(b"Offload", b"Off\xffload"))
    check = run_cli("index", "--check", "--repo", str(repo.path))
    assert check.code == 1, check
    assert "Traceback" not in check.err
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    assert json_text(repo) == good


HOSTILE_TITLE = "[x](javascript:alert(1)) <img src=x onerror=alert(1)> | **b** \x1b[31m\x07 \u202e end"


def test_hostile_values_stay_data_and_the_file_stays_valid(git_repo, run_cli):
    git_repo.write({
        "deps/0002-hostile.md": dep(2, HOSTILE_TITLE, author="<script>x</script> @evil"),
        "deps/0003-quote.md": dep(3, 'a "quoted" \\ title'),
    }, dedent=False)
    (git_repo.path / os.fsdecode(b"deps/0004-caf\xe9.md")).write_text(dep(4, "Latin-1 name"))
    git_repo.commit("docs: hostile")
    assert run_cli("index", "--write", "--repo", str(git_repo.path)).code == 0
    raw = (git_repo.path / "deps/index.json").read_bytes()
    text = raw.decode("utf-8")  # valid UTF-8 despite the file name
    assert not any(ord(c) < 0x20 and c != "\n" for c in text)  # control characters are escaped
    proposals = json.loads(text)["proposals"]
    assert proposals[0]["title"] == HOSTILE_TITLE  # kept exactly: escaping is the consumer's job
    assert proposals[0]["authors"] == ["<script>x</script> @evil"]  # data, as written
    assert proposals[1]["title"] == 'a "quoted" \\ title'
    assert proposals[2]["path"] == "deps/0004-caf\ufffd.md"
    assert run_cli("index", "--check", "--repo", str(git_repo.path)).code == 0
    jsonschema.validate(json.loads(text), json.loads(DOCS_SCHEMA.read_text(encoding="utf-8")))


def test_index_json_null_writes_none(repo, run_cli):
    repo.write({".github/depgate.yml": "proposals:\n  index-json: null\n"}, dedent=False)
    config = load_config(repo.path)
    assert [f.rel for f in expected_index_files(repo.path, config, git=Git(repo.path))] == ["deps/INDEX.md"]
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    assert not (repo.path / "deps/index.json").exists()
    check = run_cli("index", "--check", "--repo", str(repo.path))
    assert check.code == 0
    assert "index.json" not in check.err


def test_a_repository_that_commits_only_index_md_is_told_what_to_do(repo, run_cli):
    assert run_cli("index", "--write", "--repo", str(repo.path)).code == 0
    (repo.path / "deps/index.json").unlink()
    check = run_cli("index", "--check", "--repo", str(repo.path))
    assert check.code == 1
    assert check.out.startswith("--- /dev/null\n+++ b/deps/index.json\n")
    assert "`proposals.index-json: null`" in check.err


def test_history_and_code_fields_come_from_the_repository(git_repo, run_cli):
    path = "deps/0005-dep-scaled-rope.md"  # its text names `ScaledRope`
    git_repo.commit("docs: add scaled rope (#1)", {path: dep(5, "Scaled RoPE"), "pkg/__init__.py": "__all__ = []\n"},
                    date="2026-02-04")
    accepted = git_repo.commit("docs: accept scaled rope (#2)", {path: dep(5, "Scaled RoPE", "Accepted")},
                               date="2026-03-04")
    git_repo.commit("feat: add scaled rope (#35)", {
        "pkg/__init__.py": "__all__ = ['ScaledRope']\n\n\nclass ScaledRope:\n    pass\n"}, date="2026-04-04")
    data = json.loads(run_cli("index", "--json", "--repo", str(git_repo.path)).out)
    assert data["history_commit"] == accepted  # the code change touched no proposal
    rope = data["proposals"][0]
    assert (rope["status_since"], rope["symbols"]) == ("2026-03-04", ["pkg.ScaledRope"])
    # A status changed in the work tree but not committed has no known date yet.
    git_repo.write({path: dep(5, "Scaled RoPE", "Implemented")}, dedent=False)
    data = json.loads(run_cli("index", "--json", "--repo", str(git_repo.path)).out)
    assert data["proposals"][0]["status_since"] is None


def test_a_plain_folder_without_git(tmp_path):
    for rel, content in FILES.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(content, encoding="utf-8")
    markdown, data = expected_index_files(tmp_path, Config(), git=None)
    assert (markdown.current, data.current, markdown.stale, data.stale) == (None, None, True, True)
    parsed = json.loads(data.expected)
    assert parsed["history_commit"] is None
    assert {p["status_since"] for p in parsed["proposals"]} == {None}
    assert [p["symbols"] for p in parsed["proposals"]] == [[], [], []]
    (tmp_path / "deps/index.json").write_text(data.expected, encoding="utf-8")
    assert not expected_index_files(tmp_path, Config(), git=None)[1].stale


def test_before_the_first_commit_the_history_fields_are_null(git_repo, run_cli):
    git_repo.write(FILES, dedent=False)
    result = run_cli("index", "--json", "--repo", str(git_repo.path))
    assert result.code == 0, result
    assert json.loads(result.out)["history_commit"] is None


@pytest.mark.parametrize(("value", "needle"), [
    ("../escape.json", "`proposals.index-json` must name a file inside the proposals folder"),
    ("../../escape.json", "`proposals.index-json` must name a file inside the proposals folder"),
    ("INDEX.md", "must name a JSON file other than the index and the template"),
    ("notes.md", "must name a JSON file other than the index and the template"),
    ("README.MD", "must name a JSON file other than the index and the template"),
])
def test_bad_index_json_paths_are_refused(repo, run_cli, value, needle):
    repo.write({".github/depgate.yml": f"proposals:\n  index-json: {value}\n"}, dedent=False)
    result = run_cli("index", "--write", "--repo", str(repo.path))
    assert result.code == 2, result
    assert needle in result.err
    assert not (repo.path / "escape.json").exists()
    assert not (repo.path.parent / "escape.json").exists()


def test_index_json_symlink_is_refused(repo, run_cli, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    (repo.path / "deps/index.json").symlink_to(target)
    result = run_cli("index", "--write", "--repo", str(repo.path))
    assert result.code == 2
    assert "deps/index.json: index.json is a symbolic link" in result.err
    assert target.read_text() == "{}"


def test_json_is_a_print_mode(repo, run_cli):
    assert run_cli("index", "--json", "--write", "--repo", str(repo.path)).code == 2
    assert not (repo.path / "deps/index.json").exists()


# -- the schema --------------------------------------------------------------------------------------------------------


def _schemas() -> list[dict]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in (FROZEN_V1, DOCS_SCHEMA)]


def test_schemas_are_valid_2020_12_schemas():
    for schema in _schemas():
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


def test_todays_output_can_be_read_by_v1_consumers(repo, run_cli):
    commits = (Commit("a" * 40, None, "2026-02-04", "docs: x (#1)", (), 1, ("deps/0001-dep-process.md",)),)
    history = History("main", "a" * 40, commits, {
        "deps/0001-dep-process.md": (DocVersion("a" * 40, "deps/0001-dep-process.md", "A", "Active", True),)})
    data = build_index_data(documents(repo.path), Config(), history=history,
                            symbols={"deps/0005-dep-scaled-rope.md": ["pkg.ScaledRope"]}, version="1.2.3")
    assert data["history_commit"] == "a" * 40
    assert data["proposals"][0]["status_since"] == "2026-02-04"
    cli = json.loads(run_cli("index", "--json", "--repo", str(repo.path)).out)
    for schema in _schemas():
        validator = jsonschema.Draft202012Validator(schema)
        for instance in (json.loads(dumps_index(data)), cli):
            assert not list(validator.iter_errors(instance))
    # The schema is not vacuous: a wrong type is caught.
    bad = json.loads(dumps_index(data))
    bad["proposals"][0]["number"] = "one"
    assert list(jsonschema.Draft202012Validator(_schemas()[0]).iter_errors(bad))


def _required(schema: dict, node: dict, where: str = "") -> dict[str, object]:
    """Every required property of every object in the schema, by its location, with its declared type."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    found: dict[str, object] = {}
    for name in node.get("required", []):
        prop = node["properties"][name]
        found[f"{where}/{name}"] = prop.get("type", prop.get("const"))
    for name, prop in node.get("properties", {}).items():
        found.update(_required(schema, prop, f"{where}/{name}"))
    if "items" in node:
        found.update(_required(schema, node["items"], f"{where}[]"))
    return found


def test_the_docs_schema_keeps_every_field_v1_requires():
    frozen, docs = _schemas()
    frozen_required, docs_required = _required(frozen, frozen), _required(docs, docs)
    assert "/proposals[]/status_since" in frozen_required
    assert {k: docs_required.get(k) for k in frozen_required} == frozen_required
    assert docs["properties"]["schema_version"]["const"] == INDEX_SCHEMA_VERSION
