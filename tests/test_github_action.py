"""The action's entrypoint, in-process, on real git repositories against the local fake of GitHub.

These run `depgate.github.action.run()` with the environment a runner gives a step; `tests/e2e/`
runs the same through `act` and action.yml.
"""

from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
import pytest

from actionrepo import (
    FORK,
    REPOSITORY,
    SCENARIOS,
    build_repo,
    parse_outputs,
    pull_request_event,
    workflow_run_event,
    write_event,
)
from depgate.github import action
from depgate.github.comment import marker
from fakegithub import FakeGitHub, check_against_openapi

TOKEN = "ghs_actiontoken_0123456789abcdef"  # noqa: S105 - a fake; must never be printed
MARK = marker("depgate")


class Run:
    def __init__(self, code: int, stdout: str, summary: str, outputs: dict[str, str]):
        self.code, self.stdout, self.summary, self.outputs = code, stdout, summary, outputs

    def __repr__(self) -> str:
        return (f"Run(code={self.code}, outputs={self.outputs}, summary={self.summary[:600]!r}, "
                f"out={self.stdout[:600]!r})")


def run_action(tmp_path: Path, fake: FakeGitHub | None, repo_path: Path, event: dict, **inputs: str) -> Run:
    runner = tmp_path / "runner"
    runner.mkdir(parents=True, exist_ok=True)
    out_file, summary_file = runner / "output", runner / "summary"
    out_file.write_text(""), summary_file.write_text("")
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_PATH": str(write_event(runner / "event.json", event)),
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_OUTPUT": str(out_file),
        "GITHUB_STEP_SUMMARY": str(summary_file),
        "RUNNER_TEMP": str(runner),
        "GITHUB_WORKSPACE": str(repo_path),
        "DEPGATE_TOKEN": TOKEN if fake else "",
        "DEPGATE_API_RETRIES": "1",
        "DEPGATE_API_BACKOFF": "0",
        "DEPGATE_API_MAX_WAIT": "0",
        "DEPGATE_API_THROTTLE": "false",
    }
    if fake:
        env["GITHUB_API_URL"] = fake.base_url
    env.update({f"DEPGATE_{k.upper()}": v for k, v in inputs.items()})
    stream = io.StringIO()
    code = action.run(env, stream)
    return Run(code, stream.getvalue(), summary_file.read_text(), parse_outputs(out_file.read_text()))


def setup_pr(tmp_path: Path, fake: FakeGitHub, scenario: str, **kw):
    repo, base, head = build_repo(tmp_path / "repo", scenario)
    number = SCENARIOS[scenario]["number"]
    fake.add_pull(number, title=kw.pop("api_title", SCENARIOS[scenario]["title"]), body=kw.pop("api_body", ""),
                  labels=kw.pop("api_labels", ()), head_sha=head, base_sha=base,
                  head_repo=FORK if kw.get("fork") else None)
    event = pull_request_event(scenario, base, head, **kw)
    return repo, base, head, number, event


def assert_requests_valid(fake: FakeGitHub) -> None:
    assert check_against_openapi(fake.requests) == []


# -- check -----------------------------------------------------------------------------------------------------------


def test_check_missing_dep_fails_comments_and_labels(tmp_path, fake):
    repo, base, head, number, event = setup_pr(tmp_path, fake, "missing")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1, run
    assert run.outputs["verdict"] == "required"
    assert (run.outputs["dep-required"], run.outputs["satisfied"], run.outputs["failed"]) == ("true", "false", "true")
    first_line = run.summary.strip().splitlines()[0]
    assert "DEP required" in first_line
    assert "no DEP linked" in first_line
    assert "fit_legacy" in run.summary
    # A removal is linked to its line at the base commit (where it still exists).
    assert re.search(rf"\(https://github\.com/{REPOSITORY}/blob/({base}|{head})/mini/trainer\.py#L\d+\)", run.summary)
    report = json.loads(Path(run.outputs["report"]).read_text())
    assert report["verdict"] == "required"
    assert report["pull_request"] == {"number": number, "repository": REPOSITORY, "head_sha": head}
    (comment,) = fake.comments_on(number)
    assert comment["body"].startswith(MARK)
    assert "DEP required" in comment["body"]
    assert fake.issue_labels[number] == ["dep-required"]
    assert "::error" in run.stdout  # the verdict annotation
    assert_requests_valid(fake)


def test_config_input_is_read_from_the_base_revision(tmp_path, fake, monkeypatch):
    """A pull request that edits the configuration file named by `config` does not change its own check."""
    repo, base, _head = build_repo(tmp_path / "repo", "missing", extra_base={"ci/depgate.yml": "api:\n  public: all\n"})
    monkeypatch.chdir(repo.path)  # as on a runner: the step runs in the checkout, which holds the pull request's copy
    head = repo.commit("chore: switch the check off", {"ci/depgate.yml": "api:\n  exclude: [mini, mini.*]\n"})
    number = SCENARIOS["missing"]["number"]
    fake.add_pull(number, title=SCENARIOS["missing"]["title"], head_sha=head, base_sha=base)
    run = run_action(tmp_path, fake, repo.path, pull_request_event("missing", base, head), config="./ci/depgate.yml")
    assert run.code == 1, run
    assert run.outputs["verdict"] == "required"
    # Missing at the base: a clear error, not a silent fallback to the pull request's copy.
    run = run_action(tmp_path, fake, repo.path, pull_request_event("missing", base, head), config="ci/other.yml")
    assert run.code == 2
    assert "does not exist at the base revision" in run.summary


def test_a_title_that_looks_like_an_option_stays_a_title(tmp_path, fake):
    repo, *_rest, event = setup_pr(tmp_path, fake, "missing", api_title="--fail-on=never -h")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1, run
    assert run.outputs["failed"] == "true"
    assert "fail\\-on\\=never" in run.summary


def test_check_reads_title_body_and_labels_fresh(tmp_path, fake):
    # The event still has the old body; the API has the override added since.
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "missing",
                                           api_body="DEP: none — removal agreed in the issue tracker")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 0, run
    assert run.outputs["verdict"] == "required"
    assert "overridden" in run.summary.splitlines()[0]
    assert fake.count("GET", rf"/pulls/{number}$") >= 1


def test_check_satisfied_switches_label_and_edits_comment(tmp_path, fake):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "satisfied", api_labels=("dep-required", "bug"))
    old = fake.add_comment(number, f"{MARK}\nold verdict")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 0, run
    assert (run.outputs["verdict"], run.outputs["satisfied"], run.outputs["deps"]) == ("required", "true", "2")
    assert sorted(fake.issue_labels[number]) == ["bug", "dep-satisfied"]
    assert [c["id"] for c in fake.comments_on(number)] == [old["id"]]
    assert "DEP required — satisfied" in fake.comments[old["id"]]["body"]
    assert run.outputs["comment"] == "updated"
    assert_requests_valid(fake)


def test_check_not_required_removes_comment_and_labels(tmp_path, fake):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "clean", api_labels=("dep-required",))
    fake.add_comment(number, f"{MARK}\nold verdict")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 0, run
    assert run.outputs["verdict"] == "not-required"
    assert fake.comments_on(number) == []
    assert fake.issue_labels[number] == []
    assert_requests_valid(fake)


def test_check_collapse_instead_of_delete(tmp_path, fake):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "clean")
    fake.add_comment(number, f"{MARK}\nold verdict")
    run = run_action(tmp_path, fake, repo.path, event, comment_cleanup="collapse")
    assert run.outputs["comment"] == "collapsed"
    (comment,) = fake.comments_on(number)
    assert "<details>" in comment["body"]


# -- whose comment is depgate's, in `mode: check` ---------------------------------------------------------------------

OTHER_BOT = {"login": "someones-bot[bot]", "id": 99, "type": "Bot", "node_id": "MDM6Qm90OTk="}


def _comment_by(fake: FakeGitHub, number: int, user: dict, text: str) -> dict:
    comment = fake.add_comment(number, f"{MARK}\n{text}")
    comment["user"] = dict(user)
    return comment


def test_check_edits_only_the_comment_of_the_tokens_own_identity(tmp_path, fake):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "missing")
    other = _comment_by(fake, number, OTHER_BOT, "another bot, quoting depgate's marker")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1, run
    assert run.outputs["comment"] == "created"  # GITHUB_TOKEN writes as github-actions[bot]: the other one is not it
    assert fake.comments[other["id"]]["body"].endswith("quoting depgate's marker")
    (own,) = [c for c in fake.comments_on(number) if c["user"]["login"] == "github-actions[bot]"]
    assert "DEP required" in own["body"]
    assert fake.count("GET", r"^/user$") == 1  # asked once per run
    # The next run finds its own comment among both.
    run = run_action(tmp_path / "again", fake, repo.path, event)
    assert run.outputs["comment"] == "unchanged", run
    assert len(fake.comments_on(number)) == 2
    assert_requests_valid(fake)


def test_check_with_a_personal_token_leaves_github_actions_comment_alone(tmp_path, fake):
    fake.user = {"login": "depgate-maintainer", "id": 7001, "type": "User", "node_id": "MDQ6VXNlcjcwMDE="}
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "clean")
    bot = fake.add_comment(number, f"{MARK}\nwritten with GITHUB_TOKEN, not with this token")
    mine = _comment_by(fake, number, fake.user, "an older verdict of this token")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 0, run
    assert run.outputs["comment"] == "deleted"
    assert [c["id"] for c in fake.comments_on(number)] == [bot["id"]]
    assert mine["id"] not in fake.comments


def test_check_with_an_unknown_identity_touches_no_comment(tmp_path, fake):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "missing", api_labels=("dep-satisfied",))
    old = fake.add_comment(number, f"{MARK}\nold verdict")
    fake.fail("GET", r"^/user$", 404)
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1, run
    assert run.outputs["comment"] == ""
    assert [c["body"] for c in fake.comments_on(number)] == [old["body"]]
    assert fake.count("GET", r"/comments$") == 0
    assert fake.issue_labels[number] == ["dep-required"]  # labels do not depend on the identity
    assert "read the token" in run.summary.replace("\\", "")


def test_check_fork_pull_request_writes_nothing(tmp_path, fake):
    repo, *_rest, _number, event = setup_pr(tmp_path, fake, "missing", fork=True)
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1
    assert fake.writes() == []
    assert "::warning" in run.stdout
    assert "publish" in run.stdout


def test_check_api_down_keeps_the_verdict(tmp_path, fake):
    repo, *_rest, _number, event = setup_pr(tmp_path, fake, "missing")
    fake.fail("GET", r".*", 502)
    fake.fail("POST", r".*", 502)
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1, run
    assert run.outputs["verdict"] == "required"
    assert "The GitHub API did not do everything" in run.summary
    # The read of the pull request (a try and the one retry) finds the API down: nothing else is asked.
    assert [r.path for r in fake.requests] == [f"/repos/{REPOSITORY}/pulls/11"] * 2


def test_check_read_only_token_warns_not_fails(tmp_path, fake):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "clean")
    fake.add_comment(number, f"{MARK}\nold")
    fake.fail("DELETE", r".*", 403, message="Resource not accessible by integration")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 0
    assert "read-only" in run.summary.replace("\\", "")
    assert "::warning" in run.stdout


def test_check_without_token_uses_the_event(tmp_path):
    repo, base, head = build_repo(tmp_path / "repo", "missing")
    event = pull_request_event("missing", base, head, body="DEP: none — agreed")
    run = run_action(tmp_path, None, repo.path, event)
    assert run.code == 0
    assert run.outputs["verdict"] == "required"


def test_token_is_masked_and_never_printed(tmp_path, fake):
    repo, *_rest, event = setup_pr(tmp_path, fake, "missing")
    run = run_action(tmp_path, fake, repo.path, event)
    first, *rest = run.stdout.splitlines()
    assert first == f"::add-mask::{TOKEN}"
    assert TOKEN not in "\n".join(rest) + run.summary + json.dumps(run.outputs)


def test_bad_input_is_a_clear_error(tmp_path):
    repo, base, head = build_repo(tmp_path / "repo", "clean")
    run = run_action(tmp_path, None, repo.path, pull_request_event("clean", base, head), fail_on="sometimes")
    assert run.code == 2
    assert "fail-on" in run.stdout
    assert "::error" in run.stdout


@pytest.mark.parametrize(("name", "value"), [
    ("api_retries", "inf"), ("api_retries", "nan"), ("api_retries", "-1"), ("api_retries", "1e300"),
    ("api_retries", "2.5"), ("api_timeout", "0"), ("api_timeout", "infinity"), ("api_backoff", "-0.5"),
    ("api_max_wait", "NaN"), ("api_max_wait", "1e9"), ("api_backoff", "three"),
])
def test_a_numeric_input_out_of_range_is_a_usage_error_naming_it(tmp_path, name, value):
    repo, base, head = build_repo(tmp_path / "repo", "clean")
    run = run_action(tmp_path, None, repo.path, pull_request_event("clean", base, head), **{name: value})
    assert run.code == 2, run
    (error,) = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert f"input `{name.replace('_', '-')}` must be" in error
    assert re.search(r"from \d+ to \d+", error)
    assert "bug in depgate" not in run.stdout
    assert "verdict" not in run.outputs


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("api_retries", "0", 0), ("api_retries", "10", 10), ("api_timeout", "300", 300), ("api_backoff", "0.25", 0.25),
    ("api_max_wait", "", 30.0),
])
def test_numeric_inputs_in_range_are_read(name, value, expected):
    inputs = action.Inputs.from_env({f"DEPGATE_{name.upper()}": value})
    assert getattr(inputs, name) == expected


# -- hostile text ----------------------------------------------------------------------------------------------------

HOSTILE = "x | y @octo-org/admins ![img](https://evil.example/p.png) <img src=x onerror=alert(1)> \n::error::boom %0A"


class _Balance(HTMLParser):
    """Checks that every element opened is closed, in order."""

    VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr"})

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass  # `<br />`: opens and closes itself

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def _assert_safe_html(markdown: str) -> None:
    # Raw HTML allowed through, as GitHub does before its own sanitizer: nothing hostile may survive as HTML.
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=cmarkgfm.Options.CMARK_OPT_UNSAFE)
    checker = _Balance()
    checker.feed(html)
    checker.close()
    assert (checker.errors, checker.stack) == ([], []), "the HTML is not well-formed"
    assert "<img" not in html
    assert "onerror" not in html or "&lt;img" in html
    assert "evil.example/p.png\"" not in html
    assert not re.search(r"<a [^>]*href=\"https://evil", html)
    # Nobody is mentioned: outside code spans, no `@` is directly followed by a name.
    assert not re.search(r"@[A-Za-z0-9]", re.sub(r"<code>.*?</code>|href=\"[^\"]*\"", "", html, flags=re.S))
    # Tables keep their shape: every row has as many cells as its header.
    for table in re.findall(r"<table>.*?</table>", html, re.S):
        head = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1], re.S):
            assert len(re.findall(r"<td[ >]", row)) == head


def test_hostile_pull_request_text_stays_inert(tmp_path, fake):
    hostile_dep = f"deps/0002-dep-{'x'}.md"
    repo, base, head = build_repo(tmp_path / "repo", "missing")
    repo.commit("docs: a hostile DEP", {hostile_dep: "---\nDEP: 0002\nTitle: " + HOSTILE.replace("\n", " ")
                                        + "\nStatus: Draft\n---\n"})
    head = repo.git("rev-parse", "HEAD")
    number = SCENARIOS["missing"]["number"]
    fake.add_pull(number, title=HOSTILE.replace("\n", " "), body=HOSTILE + " DEP-0002", head_sha=head, base_sha=base)
    event = pull_request_event("missing", base, head)
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code in (0, 1), run
    _assert_safe_html(run.summary)
    (comment,) = fake.comments_on(number)
    _assert_safe_html(comment["body"])
    # No workflow command injected through the text: the only commands are depgate's own.
    # (The hostile text may appear in a command's data, escaped; never as a command or its properties.)
    for line in run.stdout.splitlines():
        if line.startswith("::") and "boom" in line.split("::")[1]:
            pytest.fail(f"injected workflow command: {line}")
    assert "\n::error::boom" not in "\n" + run.stdout


# -- publish ---------------------------------------------------------------------------------------------------------


def test_publish_from_a_fork_report(tmp_path, fake):
    repo, *_rest, head, number, event = setup_pr(tmp_path, fake, "missing", fork=True)
    checked = run_action(tmp_path / "check", None, repo.path, event)
    report = checked.outputs["report"]
    # The fork's run has no associated pull requests: the report's claim is verified against the API.
    run = run_action(tmp_path / "publish", fake, repo.path, workflow_run_event(99, head, head_repository=FORK),
                     mode="publish", report=report)
    assert run.code == 0, run
    (comment,) = fake.comments_on(number)
    assert "DEP required" in comment["body"]
    assert "https://github.com/Codertocat/Hello-World/actions/runs/99" in comment["body"]
    assert fake.issue_labels[number] == ["dep-required"]
    assert_requests_valid(fake)


def test_publish_refuses_a_report_for_another_commit(tmp_path, fake):
    repo, *_rest, head, number, event = setup_pr(tmp_path, fake, "missing")
    checked = run_action(tmp_path / "check", None, repo.path, event)
    fake.pulls[number]["head"]["sha"] = "f" * 40  # pushed again since
    run = run_action(tmp_path / "publish", fake, repo.path, workflow_run_event(99, head), mode="publish",
                     report=checked.outputs["report"])
    assert run.code == 0
    assert fake.writes() == []
    assert "skipped" in run.summary


def test_publish_forged_report_is_escaped(tmp_path, fake):
    """`mode: publish` runs `depgate.github.publish`: a forged report is refused whole, its text never a command."""
    head = "a" * 40
    fake.add_pull(5, head_sha=head)
    forged = {"schema_version": 1, "verdict": "required", "satisfied": False, "headline": HOSTILE,
              "head": {"sha": head}, "pull_request": {"number": 5},
              "deps": [{"label": HOSTILE, "title": HOSTILE, "status": HOSTILE, "satisfies": "yes", "number": 2}],
              "reasons": [{"code": HOSTILE, "message": HOSTILE, "path": HOSTILE, "line": 3}],
              "next_steps": ["write-dep", HOSTILE]}
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    run = run_action(tmp_path, fake, tmp_path, workflow_run_event(7, head), mode="publish", report=str(path))
    assert run.code == 2, run
    assert fake.writes() == []
    assert not [line for line in run.stdout.splitlines() if line.startswith("::") and "boom" in line.split("::")[1]]
    assert len([line for line in run.stdout.splitlines() if line.startswith("::error")]) == 1


def test_publish_refuses_a_report_claiming_another_repositorys_pull_request(tmp_path, fake):
    """A fork pushes the very commit of someone else's pull request and forges a report naming it."""
    repo, *_rest, head, _number, event = setup_pr(tmp_path, fake, "missing")
    checked = run_action(tmp_path / "check", None, repo.path, event)
    run = run_action(tmp_path / "publish", fake, repo.path, workflow_run_event(99, head, head_repository=FORK),
                     mode="publish", report=checked.outputs["report"])
    assert run.code == 0
    assert fake.writes() == []
    assert "skipped" in run.summary


def test_publish_rejects_a_non_report(tmp_path, fake):
    path = tmp_path / "bad.json"
    path.write_text('{"verdict": "fine"}')
    run = run_action(tmp_path, fake, tmp_path, workflow_run_event(7, "a" * 40), mode="publish", report=str(path))
    assert run.code == 2
    assert "schema version" in run.stdout
    assert fake.writes() == []


# -- lint and index --------------------------------------------------------------------------------------------------


def test_lint_mode(tmp_path):
    repo, _base, _head = build_repo(tmp_path / "repo", "clean")
    repo.write({"deps/0003-dep-bad.md": "---\nDEP: 3\n---\n"})
    run = run_action(tmp_path, None, repo.path, {}, mode="lint")
    assert run.code == 1, run
    assert "deps/0003-dep-bad.md" in run.summary
    assert "::error" in run.stdout
    assert int(run.outputs["findings"]) > 0


def test_lint_mode_reads_the_config_input_from_the_repository_root(tmp_path, monkeypatch):
    # The `config` input is a path from the repository root, while the command line takes a relative
    # --config from the current directory: the action must bridge the two wherever the runner stands.
    repo, _base, _head = build_repo(tmp_path / "repo", "clean")
    repo.write({"deps/0003-dep-bad.md": "---\nDEP: 3\n---\n", "lint.yml": "lint:\n  exclude: ['deps/0003-*.md']\n"})
    monkeypatch.chdir(tmp_path)
    run = run_action(tmp_path, None, repo.path, {}, mode="lint", config="lint.yml")
    assert run.code == 0, run
    assert run.outputs["findings"] == "0"


def test_index_mode_opens_one_pull_request_then_closes_it(tmp_path, fake):
    repo, base, _head = build_repo(tmp_path / "repo", "clean")
    repo.checkout("main")
    fake.add_git_commit(repo.path, base, branch="main")
    push = {"repository": {"default_branch": "main", "full_name": REPOSITORY}}
    run = run_action(tmp_path, fake, repo.path, push, mode="index")
    assert run.code == 0, run
    assert run.outputs["changed"] == "true"
    number = int(run.outputs["pull-request"])
    assert fake.pulls[number]["head"]["ref"] == "depgate/index"
    assert "0001" in fake.files[("depgate/index", "deps/INDEX.md")]
    assert_requests_valid(fake)

    # Committed on main by hand: the next run changes nothing, and closes its own pull request with a comment.
    repo.commit("docs: index", {"deps/INDEX.md": (repo.path / "deps/INDEX.md").read_text()})
    again = run_action(tmp_path, fake, repo.path, push, mode="index")
    assert again.outputs["changed"] == "false"
    assert fake.pulls[number]["state"] == "closed"
    assert "depgate/index" not in fake.refs
    assert_requests_valid(fake)


def test_index_mode_reports_number_clashes_in_open_pull_requests(tmp_path, fake):
    repo, base, _head = build_repo(tmp_path / "repo", "clean")
    repo.checkout("main")
    fake.refs["main"] = base
    fake.add_pull(21, files=[("deps/0007-dep-hooks.md", "added")], head_sha="1" * 40)
    fake.add_pull(22, files=[("deps/0007-dep-offload.md", "added")], head_sha="2" * 40)
    fake.add_pull(23, files=[("deps/0001-dep-again.md", "added")], head_sha="3" * 40)
    # Arabic-Indic digits: no number to depgate's reader, so not a claim on 0001 (the old regex read it as 1).
    fake.add_pull(24, files=[("deps/\u0660\u0660\u0660\u0661-dep-digits.md", "added")], head_sha="4" * 40)
    fake.files[("1" * 40, "deps/0007-dep-hooks.md")] = "---\nDEP: 0007\n---\n"
    run = run_action(tmp_path, fake, repo.path, {"repository": {"default_branch": "main"}}, mode="index")
    assert run.code == 0, run
    assert "claimed more than once" in run.summary
    row7 = next(line for line in run.summary.splitlines() if line.startswith("| 0007 |"))
    assert "#21" in row7
    assert "#22" in row7
    row1 = next(line for line in run.summary.splitlines() if line.startswith("| 0001 |"))
    assert "#23" in row1
    assert "#24" not in row1
    assert "0001-dep-process.md" in row1
    assert "DEP lint in open pull requests" in run.summary
    assert "#21" in run.summary


def test_check_outside_a_repository_is_reported_not_a_traceback(tmp_path):
    (tmp_path / "empty").mkdir()
    event = pull_request_event("clean", "b" * 40, "a" * 40)
    run = run_action(tmp_path, None, tmp_path / "empty", event)
    assert run.code == 2
    assert run.summary.startswith("### ⚠️ depgate could not check this change")
    assert "Traceback" not in run.summary
    assert "verdict" not in run.outputs


def test_an_internal_error_is_reported_as_a_bug_not_a_bare_traceback(tmp_path, monkeypatch):
    def broken(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(action, "run_check", broken)
    run = run_action(tmp_path, None, tmp_path, {})
    assert run.code == 2
    assert "::error title=depgate::depgate failed unexpectedly (RuntimeError)" in run.stdout
    assert "::group::" in run.stdout
    assert "::stop-commands::" in run.stdout  # the traceback is printed inert
