"""Status changes in pull requests (DEP-0005): `depgate.proposals.lifecycle` and V120-V122 in `depgate check`.

The pure tests build documents from text; the end-to-end ones run `depgate check` on real repositories with
d9d-like proposals (`deps/0005-dep-scaled-rope.md`, squash merges titled `feat: add scaled rope (#35)`).
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from depgate.config import Config, StatusConfig
from depgate.proposals.folder import FolderDocument
from depgate.proposals.lifecycle import Transition, evaluate, pair_documents, successor_of
from depgate.proposals.reader import read_document, to_proposal
from depgate.proposals.status import successor_path
from depgate.report import text as text_report
from depgate.report.load import ReportError, parse_report
from depgate.report.model import FailOn, Report, Revision, Verdict
from gitrepo import GitRepo

ROPE = "deps/0005-dep-scaled-rope.md"
CACHE = "deps/0006-dep-kv-cache.md"


def dep_text(number: int, title: str, status: str, *, extra: str = "", body: str = "Adds `ScaledRope`.") -> str:
    """A d9d-like proposal: `Author: @handle` (not YAML), optional headers after the six standard ones."""
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: @someone\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-02-04\n{extra}---\n\n# DEP-{number:04d}: {title}\n\n## Abstract\n\n{body}\n\n"
            "## Motivation\n\nWhy.\n\n## Design Proposal\n\nHow.\n\n## Usage\n\nUse.\n\n"
            "## Backward Compatibility\n\nFine.\n\n## Alternatives Considered\n\nNone.\n")


def doc(path: str, text: str) -> FolderDocument:
    document = read_document(path, text.encode("utf-8"))
    return FolderDocument(document, to_proposal(document))


class Asked:
    """A stand-in for the history: records which documents it was asked about."""

    def __init__(self, answer: bool):
        self.answer = answer
        self.calls: list[tuple[str, int | None]] = []

    def __call__(self, path: str, number: int | None) -> bool:
        self.calls.append((path, number))
        return self.answer


def judge(old: str, new: str, changed: tuple[str, ...] = (ROPE,), *, extra: str = "",
          lifecycle: list[str] | None = None, on_base: bool = False,
          others: tuple[FolderDocument, ...] = ()) -> tuple[list[Transition], Asked]:
    config = Config(status=StatusConfig(lifecycle=lifecycle) if lifecycle is not None else StatusConfig())
    asked = Asked(on_base)
    base = [doc(ROPE, dep_text(5, "Scaled Rope", old)), *others]
    head = [doc(ROPE, dep_text(5, "Scaled Rope", new, extra=extra)), *others]
    return evaluate(base, head, changed, config, implemented_on_base=asked), asked


# -- evaluate: one pair per condition ------------------------------------------------------------------------------

def test_proposals_only_met_when_only_proposals_change():
    [change], _ = judge("Draft", "Accepted", (ROPE, "deps/INDEX.md"))
    assert (change.allowed, change.condition, change.met, change.ok) == (True, "proposals-only", True, True)
    assert (change.old, change.new, change.label, change.line) == ("Draft", "Accepted", "DEP-0005", 5)


def test_proposals_only_unmet_when_code_changes_too():
    [change], _ = judge("Draft", "Accepted", (ROPE, "d9d/rope.py"))
    assert (change.allowed, change.condition, change.met, change.ok) == (True, "proposals-only", False, False)
    assert "d9d/rope.py" in change.reason


@pytest.mark.parametrize("code", ["d9d/rope.pyi", "d9d/Rope.PY"])
def test_implementation_met_by_code_in_the_pull_request_without_asking_the_history(code):
    # The same definition of code as the history's evidence (`history.is_code_path`): any case of the suffix.
    [change], asked = judge("Accepted", "Implemented", (ROPE, code))
    assert (change.condition, change.met) == ("implementation", True)
    assert asked.calls == []  # the history is read only when the pull request changes no code


def test_implementation_met_when_already_on_the_base_branch():
    [change], asked = judge("Accepted", "Implemented", on_base=True)
    assert (change.condition, change.met) == ("implementation", True)
    assert asked.calls == [(ROPE, 5)]


def test_implementation_unmet_without_code_anywhere():
    # A Python file inside the proposals folder is not an implementation.
    [change], asked = judge("Accepted", "Implemented", (ROPE, "deps/tools/render.py"))
    assert (change.condition, change.met) == ("implementation", False)
    assert asked.calls == [(ROPE, 5)]


@pytest.mark.parametrize("named", ["DEP-0006", "0006", "6", "dep 6", CACHE, "0006-dep-kv-cache.md",
                                   "DEP-0042, DEP-0006"])
def test_successor_met_by_every_way_of_naming_it(named):
    successor = doc(CACHE, dep_text(6, "KV Cache", "Accepted"))
    [change], _ = judge("Accepted", "Superseded", extra=f"Superseded-By: {named}\n", others=(successor,))
    assert (change.condition, change.met) == ("successor", True), change.reason
    # `depgate status` reads the header the same way (one reader), so it raises no S104 where check passes.
    superseded = doc(ROPE, dep_text(5, "Scaled Rope", "Superseded", extra=f"Superseded-By: {named}\n"))
    assert successor_path(superseded, [superseded, successor], Config()) == CACHE


@pytest.mark.parametrize(("extra", "why"), [
    ("", "no `Superseded-By` header"),
    ("Superseded-By: 0009\n", "names no other proposal"),
    ("Superseded-By: 0005\n", "names no other proposal"),  # itself
])
def test_successor_unmet(extra, why):
    [change], _ = judge("Accepted", "Superseded", extra=extra)
    assert (change.condition, change.met) == ("successor", False)
    assert why in change.reason


def test_star_matches_any_old_status():
    successor = doc(CACHE, dep_text(6, "KV Cache", "Accepted"))
    [change], _ = judge("Draft", "Superseded", extra="Superseded-By: 6\n", others=(successor,))
    assert (change.allowed, change.met) == (True, True)


def test_an_entry_without_condition_allows_the_change():
    [change], _ = judge("Draft", "Withdrawn", (ROPE, "d9d/rope.py"))
    assert (change.allowed, change.condition, change.met, change.ok) == (True, None, None, True)


@pytest.mark.parametrize(("old", "new"), [("Draft", "Active"), ("Implemented", "Draft"), ("Draft", "Maybe")])
def test_a_change_not_listed_is_not_allowed(old, new):
    [change], asked = judge(old, new, (ROPE, "d9d/rope.py"))
    assert (change.allowed, change.condition, change.met, change.ok) == (False, None, None, False)
    assert "not listed" in change.reason
    assert asked.calls == []


def test_statuses_compare_without_case_and_an_unchanged_status_is_no_transition():
    assert judge("Draft", "draft")[0] == []
    [change], _ = judge("draft", "Accepted", lifecycle=["Draft -> Accepted"])
    assert change.ok


def test_an_exact_entry_is_reported_before_a_star_entry():
    lifecycle = ["* -> Superseded: successor", "Draft -> Superseded: proposals-only"]
    [change], _ = judge("Draft", "Superseded", lifecycle=lifecycle, changed=(ROPE, "d9d/x.py"))
    assert (change.condition, change.met) == ("proposals-only", False)


def test_rename_pairs_by_number_and_an_added_document_has_no_transition():
    config = Config()
    base = [doc(ROPE, dep_text(5, "Scaled Rope", "Draft"))]
    renamed = doc("deps/0005-dep-rope-scaling.md", dep_text(5, "Rope Scaling", "Accepted"))
    added = doc(CACHE, dep_text(6, "KV Cache", "Accepted"))
    changed = (ROPE, renamed.path, added.path)
    [change] = evaluate(base, [renamed, added], changed, config, implemented_on_base=Asked(False))
    assert (change.path, change.old, change.new, change.ok) == (renamed.path, "Draft", "Accepted", True)
    # Two documents at base with the number and neither at head: which one was renamed is unknown, so none is.
    twins = [doc(ROPE, dep_text(5, "A", "Draft")), doc("deps/0005-dep-other.md", dep_text(5, "B", "Draft"))]
    assert pair_documents(twins, [renamed]) == []


def test_deciders_are_carried_on_every_transition():
    config = Config(status=StatusConfig(deciders=["@mrapplexz", "@d9d-project/maintainers"]))
    [change] = evaluate([doc(ROPE, dep_text(5, "R", "Draft"))], [doc(ROPE, dep_text(5, "R", "Accepted"))], (ROPE,),
                        config, implemented_on_base=Asked(False))
    assert change.deciders == ("@mrapplexz", "@d9d-project/maintainers")
    assert change.as_dict() == {"path": ROPE, "label": "DEP-0005", "from": "Draft", "to": "Accepted", "allowed": True,
                                "condition": "proposals-only", "met": True, "reason": change.reason,
                                "deciders": ["@mrapplexz", "@d9d-project/maintainers"]}


def test_successor_of_ignores_a_header_that_is_not_a_number():
    config = Config()
    rope = doc(ROPE, dep_text(5, "R", "Superseded", extra="Superseded-By: soon\n"))
    assert successor_of(rope, [rope], config) is None


# -- depgate check end to end --------------------------------------------------------------------------------------

PACKAGE = {
    "pyproject.toml": '[project]\nname = "d9d"\nversion = "0.1.0"\n',
    "d9d/__init__.py": '"""d9d."""\n\n__all__: list[str] = []\n',
    "d9d/_rope.py": "def _scale(x):\n    return x\n",
}
CONFIG = '.github/depgate.yml'


@pytest.fixture
def d9d(git_repo: GitRepo) -> GitRepo:
    """`main` with DEP-0005 (Draft) and DEP-0006 (Accepted); checked out on a branch `pr`."""
    git_repo.commit("chore: initial", PACKAGE)
    # The proposals land apart from any code, so no implementation is on `main` until a test merges one.
    git_repo.commit("docs: propose (#2)", {ROPE: dep_text(5, "Scaled Rope", "Draft"),
                                           CACHE: dep_text(6, "KV Cache", "Accepted")})
    git_repo.branch("pr")
    return git_repo


def check(run_cli, repo: GitRepo, *args: str) -> tuple[int, dict]:
    result = run_cli("check", "--repo", str(repo.path), "--base", "main", "--format", "json", *args)
    assert result.code in (0, 1), result
    return result.code, json.loads(result.out)


def codes(data: dict) -> list[str]:
    return [r["code"] for r in data["reasons"] if r["code"].startswith("V12")]


def test_proposals_only_acceptance_passes(run_cli, d9d):
    d9d.commit("docs: accept DEP-0005", {ROPE: dep_text(5, "Scaled Rope", "Accepted")})
    code, data = check(run_cli, d9d)
    assert (code, data["verdict"], data["failed"]) == (0, "proposal", False)
    assert [(t["from"], t["to"], t["allowed"], t["condition"], t["met"]) for t in data["transitions"]] == [
        ("Draft", "Accepted", True, "proposals-only", True)]
    assert codes(data) == []


def test_acceptance_with_code_fails_v121(run_cli, d9d):
    d9d.commit("feat: add scaled rope", {ROPE: dep_text(5, "Scaled Rope", "Accepted"),
                                         "d9d/_rope.py": "def _scale(x):\n    return 2 * x\n"})
    code, data = check(run_cli, d9d)
    assert (code, data["verdict"], data["failed"]) == (1, "not-required", True)
    [v121] = [r for r in data["reasons"] if r["code"] == "V121"]
    assert (v121["path"], v121["line"], v121["severity"]) == (ROPE, 5, "error")
    assert "d9d/_rope.py" in v121["message"]


def test_implemented_with_the_code_passes(run_cli, d9d):
    d9d.commit("feat: add kv cache (DEP-0006)", {CACHE: dep_text(6, "KV Cache", "Implemented"),
                                                 "d9d/_cache.py": "def _grow():\n    pass\n"})
    code, data = check(run_cli, d9d)
    assert (code, data["failed"]) == (0, False)
    assert [(t["label"], t["condition"], t["met"]) for t in data["transitions"]] == [
        ("DEP-0006", "implementation", True)]


def test_implemented_docs_only_without_implementation_fails_v121(run_cli, d9d):
    d9d.commit("docs: mark DEP-0006 implemented", {CACHE: dep_text(6, "KV Cache", "Implemented")})
    code, data = check(run_cli, d9d)
    assert (code, data["verdict"]) == (1, "proposal")
    assert codes(data) == ["V121"]


def _merge_on_main(repo: GitRepo, message: str, files: dict) -> None:
    """Squash-merge a change into `main`, then start the pull request `pr` from it."""
    repo.checkout("main")
    repo.commit(message, files)
    repo.git("checkout", "-q", "-B", "pr", "main")


@pytest.mark.parametrize(("message", "passes"), [
    ("feat: add kv cache (#35)\n\nImplements DEP-0006.", True),  # cited in the squash body
    ("feat: add kv cache (DEP-0006) (#35)", True),  # cited in the title
    ("feat: add kv cache (#35)", False),  # code, but nothing ties it to DEP-0006
])
def test_implemented_docs_only_after_the_implementation_merged(run_cli, d9d, message, passes):
    _merge_on_main(d9d, message, {"d9d/_cache.py": "def _grow():\n    pass\n"})
    d9d.commit("docs: DEP-0006 is implemented", {CACHE: dep_text(6, "KV Cache", "Implemented")})
    code, data = check(run_cli, d9d)
    assert (code == 0, data["transitions"][0]["met"]) == (passes, passes), data["transitions"]
    assert codes(data) == ([] if passes else ["V121"])


def test_implemented_docs_only_when_the_proposal_came_with_its_code(run_cli, d9d):
    adam = "deps/0007-dep-fused-adam.md"
    _merge_on_main(d9d, "feat: fused adam (#36)", {adam: dep_text(7, "Fused Adam", "Accepted"),
                                                   "d9d/_adam.py": "def _step():\n    pass\n"})
    d9d.commit("docs: DEP-0007 is implemented", {adam: dep_text(7, "Fused Adam", "Implemented")})
    code, data = check(run_cli, d9d)
    assert (code, data["transitions"][0]["met"]) == (0, True)


def test_a_change_not_listed_fails_v120_even_with_an_override(run_cli, d9d, tmp_path):
    d9d.commit("docs: done", {ROPE: dep_text(5, "Scaled Rope", "Active")})
    body = tmp_path / "body.md"
    body.write_text("DEP: none — just bookkeeping\n")
    code, data = check(run_cli, d9d, "--body-file", str(body))
    assert (code, data["verdict"], data["failed"]) == (1, "proposal", True)
    [v120] = [r for r in data["reasons"] if r["code"] == "V120"]
    assert (v120["path"], v120["line"]) == (ROPE, 5)
    assert "Draft -> Active is not listed" in v120["message"]
    assert check(run_cli, d9d, "--fail-on", "never")[0] == 0


def test_superseded_without_successor_fails_v121_and_with_one_passes(run_cli, d9d):
    d9d.commit("docs: supersede", {CACHE: dep_text(6, "KV Cache", "Superseded")})
    code, data = check(run_cli, d9d)
    assert (code, codes(data)) == (1, ["V121"])
    assert data["transitions"][0]["condition"] == "successor"
    d9d.commit("docs: supersede by DEP-0005", {CACHE: dep_text(6, "KV Cache", "Superseded",
                                                               extra="Superseded-By: DEP-0005\n")})
    code, data = check(run_cli, d9d)
    assert (code, codes(data), data["transitions"][0]["met"]) == (0, [], True)


def test_a_renamed_proposal_keeps_its_transition(run_cli, d9d):
    renamed = "deps/0005-dep-rope-scaling.md"
    d9d.git("mv", ROPE, renamed)
    d9d.commit("docs: rename and activate", {renamed: dep_text(5, "Scaled Rope", "Active")})
    code, data = check(run_cli, d9d)
    assert code == 1
    assert [(t["path"], t["from"], t["to"]) for t in data["transitions"]] == [
        (renamed, "Draft", "Active")]
    assert codes(data) == ["V120"]


def test_an_added_proposal_is_no_transition_and_the_json_has_no_transitions_key(run_cli, d9d):
    d9d.commit("docs: propose", {"deps/0007-dep-fused-adam.md": dep_text(7, "Fused Adam", "Implemented")})
    code, data = check(run_cli, d9d)
    assert code == 0
    assert "transitions" not in data


def test_deciders_give_v122_in_every_format(run_cli, d9d):
    d9d.git("checkout", "-q", "main")
    d9d.commit("chore: deciders", {CONFIG: 'status:\n  deciders: ["@mrapplexz", "@d9d-project/maintainers"]\n'})
    d9d.git("checkout", "-q", "pr")
    d9d.commit("docs: accept DEP-0005", {ROPE: dep_text(5, "Scaled Rope", "Accepted")})
    code, data = check(run_cli, d9d)
    assert code == 0
    [v122] = [r for r in data["reasons"] if r["code"] == "V122"]
    assert (v122["severity"], v122["path"], v122["line"]) == ("info", ROPE, 5)
    assert "one of @mrapplexz, @d9d-project/maintainers must approve" in v122["message"]
    assert data["transitions"][0]["deciders"] == ["@mrapplexz", "@d9d-project/maintainers"]
    text = run_cli("check", "--repo", str(d9d.path), "--base", "main").out
    assert "Status changes:" in text
    assert "DEP-0005  Draft -> Accepted  allowed" in text
    assert "one of @mrapplexz, @d9d-project/maintainers must approve (V122)" in text
    assert "V122 [info]" not in text  # shown in its section, not repeated among the reasons
    markdown = run_cli("check", "--repo", str(d9d.path), "--base", "main", "--format", "markdown").out
    assert "#### Status changes (1)" in markdown
    assert "| DEP\\-0005 (`deps/0005-dep-scaled-rope.md:5`) | Draft → Accepted | ✅ allowed |" in markdown
    assert "@mrapplexz" not in markdown.replace("\\@mrapplexz", "")  # escaped: never a mention


def test_no_status_change_leaves_the_report_without_transitions(run_cli, d9d):
    d9d.commit("docs: typo", {ROPE: dep_text(5, "Scaled Rope", "Draft", body="Adds `ScaledRope`, fixed.")})
    code, data = check(run_cli, d9d)
    assert (code, "transitions" in data) == (0, False)
    text = run_cli("check", "--repo", str(d9d.path), "--base", "main").out
    assert "Status changes" not in text


# -- the saved report ----------------------------------------------------------------------------------------------

def _saved(run_cli, d9d) -> dict:
    d9d.commit("docs: done", {ROPE: dep_text(5, "Scaled Rope", "Active")})
    return check(run_cli, d9d)[1]


def test_a_saved_report_reads_back_with_its_transitions(run_cli, d9d):
    data = _saved(run_cli, d9d)
    loaded = parse_report(json.dumps(data).encode()).report
    assert [(t.path, t.old, t.new, t.allowed) for t in loaded.transitions] == [(ROPE, "Draft", "Active", False)]
    assert json.loads(json.dumps(loaded.as_dict()))["transitions"] == data["transitions"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("condition", "whenever", r"transitions\[0\]\.condition must be one of"),
    ("allowed", "yes", r"transitions\[0\]\.allowed must be true or false"),
    ("path", "../etc/passwd", r"transitions\[0\]\.path must be a path inside the repository"),
    ("deciders", ["everyone"], r"transitions\[0\]\.deciders\[0\] must be a GitHub user"),
    ("met", True, r"transitions\[0\] must have a null condition and met when the change is not allowed"),
])
def test_a_forged_transition_is_refused(run_cli, d9d, field, value, message):
    data = _saved(run_cli, d9d)
    data["transitions"][0][field] = value
    with pytest.raises(ReportError, match=message):
        parse_report(json.dumps(data).encode())


def test_a_refused_transition_cannot_pass(run_cli, d9d):
    data = _saved(run_cli, d9d)
    with pytest.raises(ReportError, match="failed must be true when the lifecycle refuses a status change"):
        parse_report(json.dumps({**data, "failed": False}).encode())
    allowed = {**data["transitions"][0], "allowed": True, "condition": "implementation", "met": None}
    with pytest.raises(ReportError, match=r"met must be true or false exactly when a condition is given"):
        parse_report(json.dumps({**data, "transitions": [allowed]}).encode())


# -- publish asks the deciders -------------------------------------------------------------------------------------

class Client:
    """The part of `GitHubClient` publish uses to ask for reviews."""

    def __init__(self, fail: bool = False):
        self.problems: list[str] = []
        self.requests: list[tuple[int, list[str], list[str]]] = []
        self.fail = fail

    def request_reviewers(self, number: int, users: list[str], teams: list[str]) -> bool:
        self.requests.append((number, users, teams))
        if self.fail:
            self.problems.append("422: review cannot be requested from the author")
        return not self.fail


def _report(*deciders: str) -> Report:
    change = Transition(ROPE, "DEP-0005", "Draft", "Accepted", True, "proposals-only", True, "allowed", deciders)
    return Report(Verdict.PROPOSAL, False, True, False, FailOn.REQUIRED, Revision("main", None), Revision("pr", None),
                  "docs: accept", transitions=(change,))


def test_publish_requests_the_deciders_review():
    from depgate.github.publish import request_decider_reviews

    client = Client()
    line = request_decider_reviews(client, 35, _report("@mrapplexz", "@d9d-project/maintainers", "@mrapplexz"))
    assert client.requests == [(35, ["mrapplexz"], ["maintainers"])]
    assert line == "requested from @mrapplexz, @d9d-project/maintainers, for the status change(s)"
    failing = Client(fail=True)
    assert "could not be requested" in request_decider_reviews(failing, 35, _report("@mrapplexz"))


def test_publish_requests_nothing_without_deciders_or_transitions():
    from depgate.github.publish import request_decider_reviews

    client = Client()
    assert request_decider_reviews(client, 35, _report()) == ""
    assert request_decider_reviews(client, 35, dataclasses.replace(_report("@a"), transitions=())) == ""
    assert client.requests == []


def test_text_report_marks_each_state():
    refused = Transition(ROPE, "DEP-0005", "Draft", "Implemented", False, None, None, "not listed")
    unmet = dataclasses.replace(refused, allowed=True, condition="implementation", met=False, reason="no code")
    assert text_report.transition_state(refused) == ("not allowed", "V120")
    assert text_report.transition_state(unmet) == ("condition unmet", "V121")
    assert text_report.transition_state(dataclasses.replace(unmet, met=True)) == ("allowed", None)


def test_a_refused_status_change_gets_a_next_step_and_an_allowed_one_none(run_cli, d9d):
    d9d.git("mv", ROPE, "deps/0005-dep-rope-scaling.md")
    d9d.commit("docs: activate", {"deps/0005-dep-rope-scaling.md": dep_text(5, "Scaled Rope", "Active")})
    code, data = check(run_cli, d9d)
    assert code == 1
    assert "fix-status" in data["next_steps"]
    text = run_cli("check", "--repo", str(d9d.path), "--base", "HEAD~1", "--head", "HEAD", "--format", "text").out
    assert "Fix the status change of DEP-0005 (`Draft -> Active`)" in text
    d9d.commit("docs: back to draft", {"deps/0005-dep-rope-scaling.md": dep_text(5, "Scaled Rope", "Draft")})
    d9d.commit("docs: accept", {"deps/0005-dep-rope-scaling.md": dep_text(5, "Scaled Rope", "Accepted")})
    code, data = check(run_cli, d9d)
    assert code == 0
    assert "fix-status" not in data["next_steps"]


def test_the_record_catching_up_on_a_skipped_acceptance_passes_and_code_with_it_does_not(run_cli, d9d):
    # d9d's real case (DEP-0003): a Draft whose implementation merged citing it. A proposals-only pull request
    # moving it to Implemented (what `depgate status --write` and the index job open) passes...
    d9d.git("checkout", "-q", "main")
    d9d.commit("feat: scaled rope (DEP-0005) (#40)", {"d9d/rope.py": "X = 1\n"})
    d9d.git("checkout", "-q", "-b", "record")
    d9d.commit("docs: DEP-0005 is implemented", {ROPE: dep_text(5, "Scaled Rope", "Implemented")})
    code, data = check(run_cli, d9d)
    assert (code, codes(data)) == (0, [])
    assert data["transitions"][0]["condition"] == "after-implementation"
    # ...while the same move with code in the pull request is the acceptance skipped with its code: refused.
    d9d.commit("feat: more rope", {"d9d/rope.py": "X = 2\n"})
    code, data = check(run_cli, d9d)
    assert code == 1
    assert codes(data) == ["V121"]
    assert "Record DEP-0005 as Implemented on its own" in run_cli(
        "check", "--repo", str(d9d.path), "--base", "main", "--format", "text").out
