"""`mode: publish` recomputes the verdict from the pull request's commits; the uploaded report is only a hint.

Real git repositories: a bare "origin" holding `main` and `refs/pull/N/head` (as GitHub does), and the
privileged job's checkout of `main` only, which must fetch the pull request's commits as objects. The
fake GitHub answers for the pull request and records every write.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

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
from depgate.github import action, publish
from depgate.github.comment import marker
from fakegithub import _BOT, FakeGitHub, check_against_openapi
from gitrepo import GitRepo

TOKEN = "ghs_publishtoken_0123456789abcdef"  # noqa: S105 - a fake
MARK = marker("depgate")
PAT_USER = {"login": "depgate-maintainer", "id": 7001, "type": "User", "node_id": "MDQ6VXNlcjcwMDE="}


@pytest.fixture
def gh(fake):
    return fake  # `GET /user` answers 403, as for `GITHUB_TOKEN`, unless a test sets `fake.user`


def assert_requests_valid(fake: FakeGitHub) -> None:
    assert check_against_openapi(fake.requests) == []


class Setup:
    """A pull request pushed to a bare origin as `refs/pull/N/head`, and the publish job's checkout of main."""

    def __init__(self, tmp_path: Path, scenario: str):
        self.tmp = tmp_path
        self.author, self.base, self.head = build_repo(tmp_path / "author", scenario)
        self.number = SCENARIOS[scenario]["number"]
        origin = tmp_path / "origin.git"
        GitRepo(tmp_path).git("init", "-q", "--bare", "-b", "main", str(origin))
        self.author.git("push", "-q", str(origin), "main", f"HEAD:refs/pull/{self.number}/head")
        GitRepo(tmp_path).git("clone", "-q", "--no-local", "--single-branch", "--branch", "main", str(origin),
                              "checkout")
        self.checkout = GitRepo(tmp_path / "checkout")

    def report(self) -> dict:
        """The report the pull request's own (unprivileged) run made, with the additive `pull_request` key."""
        from depgate.commands.check import build_report, load_check_config, open_repository, resolve_range
        from depgate.report.model import FailOn

        git = open_repository(str(self.author.path))
        base, head = resolve_range(git, self.base, self.head)
        report = build_report(git, base, head, config=load_check_config(git, self.base, None),
                              fail_on=FailOn.REQUIRED)
        data = report.as_dict()
        data["pull_request"] = {"number": self.number, "repository": REPOSITORY, "head_sha": self.head}
        return data

    def write(self, data: dict, name: str = "report.json") -> Path:
        path = self.tmp / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path


class Run:
    def __init__(self, code: int, stdout: str, summary: str, outputs: dict[str, str]):
        self.code, self.stdout, self.summary, self.outputs = code, stdout, summary, outputs

    def __repr__(self) -> str:
        return (f"Run(code={self.code}, outputs={self.outputs}, summary={self.summary[:800]!r}, "
                f"out={self.stdout[:800]!r})")


def run_publish(monkeypatch, tmp_path: Path, fake: FakeGitHub, workspace: Path, event: dict, report: Path,
                **inputs: str) -> Run:
    """Run the action's entrypoint in `publish` mode, dispatched to `depgate.github.publish.run_publish`."""
    monkeypatch.setattr(action, "run_publish", publish.run_publish, raising=False)
    runner = tmp_path / "runner"
    runner.mkdir(parents=True, exist_ok=True)
    out_file, summary_file = runner / "output", runner / "summary"
    out_file.write_text(""), summary_file.write_text("")
    env = {
        "GITHUB_ACTIONS": "true", "GITHUB_EVENT_PATH": str(write_event(runner / "event.json", event)),
        "GITHUB_REPOSITORY": REPOSITORY, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_RUN_ID": "4242",
        "GITHUB_OUTPUT": str(out_file), "GITHUB_STEP_SUMMARY": str(summary_file), "RUNNER_TEMP": str(runner),
        "GITHUB_WORKSPACE": str(workspace), "GITHUB_API_URL": fake.base_url, "DEPGATE_TOKEN": TOKEN,
        "DEPGATE_API_RETRIES": "0", "DEPGATE_API_BACKOFF": "0", "DEPGATE_API_MAX_WAIT": "0",
        "DEPGATE_API_THROTTLE": "false", "DEPGATE_MODE": "publish", "DEPGATE_REPORT": str(report),
    }
    env.update({f"DEPGATE_{k.upper()}": v for k, v in inputs.items()})
    stream = io.StringIO()
    code = action.run(env, stream)
    return Run(code, stream.getvalue(), summary_file.read_text(), parse_outputs(out_file.read_text()))


def fork_run(pr: Setup) -> dict:
    """The `workflow_run` event of the fork's check run on the pull request's head (GitHub lists no pull request)."""
    return workflow_run_event(99, pr.head, head_repository=FORK)


def forge_satisfied(data: dict) -> dict:
    """What a fork's run can upload: the same report, claiming a satisfied requirement and a passing check."""
    return {**data, "satisfied": True, "failed": False, "next_steps": [],
            "headline": "A DEP is required, and DEP-0002 (Accepted) satisfies it."}


# -- the forged verdict ------------------------------------------------------------------------------------------


def test_forged_satisfied_report_on_a_fork_ends_with_dep_required_and_a_red_comment(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, title=SCENARIOS["missing"]["title"], head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    forged = pr.write(forge_satisfied(pr.report()))
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, fork_run(pr),
                      forged)
    assert run.code == 0, run
    assert gh.issue_labels[pr.number] == ["dep-required"]
    (comment,) = gh.comments_on(pr.number)
    assert "❌ depgate: DEP required — no DEP linked" in comment["body"]
    assert "DEP-0002 (Accepted) satisfies it" not in comment["body"]
    assert run.outputs["satisfied"] == "false"
    assert run.outputs["agrees"] == "false"
    assert "disagrees" in run.stdout
    assert "satisfied true, recomputed false" in run.summary
    # Objects only: the pull request's commit was fetched into refs/depgate/, nothing was checked out.
    assert pr.checkout.git("rev-parse", f"refs/depgate/pr-{pr.number}") == pr.head
    assert pr.checkout.git("rev-parse", "HEAD") == pr.base
    assert pr.checkout.git("status", "--porcelain") == ""
    assert_requests_valid(gh)


def test_forged_not_required_report_still_gets_the_required_label(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    data = pr.report()
    data.update(verdict="not-required", dep_required=False, satisfied=True, failed=False, reasons=[], changes=[],
                next_steps=[])
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, fork_run(pr),
                      pr.write(data))
    assert run.code == 0, run
    assert gh.issue_labels[pr.number] == ["dep-required"]
    assert run.outputs["verdict"] == "required"
    assert "verdict `not-required`, recomputed `required`" in run.stdout


def test_an_honest_report_agrees_and_a_satisfied_pull_request_gets_a_green_comment(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "satisfied")
    gh.add_pull(pr.number, title=SCENARIOS["satisfied"]["title"], head_sha=pr.head, base_sha=pr.base,
                head_repo=FORK)
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, fork_run(pr),
                      pr.write(pr.report()))
    assert run.code == 0, run
    assert run.outputs["agrees"] == "true"
    assert "disagrees" not in run.stdout
    assert gh.issue_labels[pr.number] == ["dep-satisfied"]
    (comment,) = gh.comments_on(pr.number)
    assert "✅ depgate: DEP required — satisfied" in comment["body"]


@pytest.mark.parametrize("inputs", [{}, {"label_review": "dep-review", "comment_cleanup": "collapse"},
                                    {"comment": "false"}, {"labels": "false"}], ids=["defaults", "review-label",
                                                                                     "no-comment", "no-labels"])
def test_publish_does_what_check_does_on_the_same_pull_request(tmp_path, gh, monkeypatch, inputs):
    """One way through: the same outcome (`depgate.outcome.decide`) carried out by the same code, in both modes."""
    from test_github_action import run_action

    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, title=SCENARIOS["missing"]["title"], head_sha=pr.head, base_sha=pr.base,
                labels=("bug", "dep-satisfied"))
    event = pull_request_event("missing", pr.base, pr.head)
    checked = run_action(tmp_path / "check", gh, pr.author.path, event, **inputs)
    assert checked.code == 1, checked
    after_check = (sorted(gh.issue_labels[pr.number]), [c["body"] for c in gh.comments_on(pr.number)])
    # Undo what check did, then publish from the same-repository run (GitHub lists its pull request).
    gh.issue_labels[pr.number] = ["bug", "dep-satisfied"]
    for comment in gh.comments_on(pr.number):
        del gh.comments[comment["id"]]
    run = run_publish(monkeypatch, tmp_path / "publish", gh, pr.checkout.path,
                      workflow_run_event(4242, pr.head, pull_numbers=(pr.number,)), pr.write(pr.report()), **inputs)
    assert run.code == 0, run
    assert run.outputs["agrees"] == "true"
    assert (sorted(gh.issue_labels[pr.number]), [c["body"] for c in gh.comments_on(pr.number)]) == after_check
    assert run.outputs["comment"] == checked.outputs["comment"]


def test_the_title_comes_from_the_api_not_the_report(tmp_path, gh, monkeypatch):
    """The DEP reference lives in the pull request's title on GitHub; a report cannot add or remove it."""
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, title="fix: drop Trainer.fit_legacy", body="DEP: none — covered by the 2.0 plan",
                head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, fork_run(pr),
                      pr.write(pr.report()))
    assert run.code == 0, run
    (comment,) = gh.comments_on(pr.number)
    assert "Override from the body" in comment["body"]
    assert run.outputs["agrees"] == "false"  # the report was made without the body's override


def test_a_base_configuration_in_the_pull_request_is_not_used(tmp_path, gh, monkeypatch):
    """The pull request adds a configuration that would make its change fine; publish reads the base's."""
    pr = Setup(tmp_path, "missing")
    pr.author.commit("chore: relax", {"depgate.yml": "verdict:\n  override-labels: [anything]\napi:\n  packages: []\n"})
    head = pr.author.git("rev-parse", "HEAD")
    pr.author.git("push", "-q", "-f", str(tmp_path / "origin.git"), f"HEAD:refs/pull/{pr.number}/head")
    gh.add_pull(pr.number, head_sha=head, base_sha=pr.base, head_repo=FORK)
    data = pr.report()
    data["head"]["sha"] = data["pull_request"]["head_sha"] = head
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, workflow_run_event(99, head, head_repository=FORK),
                      pr.write(forge_satisfied(data)))
    assert run.code == 0, run
    assert run.outputs["verdict"] == "required"
    assert run.outputs["satisfied"] == "false"


def test_commits_that_cannot_be_fetched_publish_nothing(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "missing")
    origin = str(tmp_path / "origin.git")
    GitRepo(tmp_path).git("--git-dir", origin, "update-ref", "-d", f"refs/pull/{pr.number}/head")
    gh.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, fork_run(pr),
                      pr.write(forge_satisfied(pr.report())))
    assert run.code == 2, run
    assert "cannot recompute the verdict of pull request #11" in run.stdout
    assert "Traceback" not in run.stdout
    assert gh.writes() == []


# -- events other than workflow_run ------------------------------------------------------------------------------


@pytest.mark.parametrize("event", [{}, {"schedule": "17 4 * * *"}, {"inputs": {}, "ref": "refs/heads/main"}])
def test_outside_workflow_run_a_report_for_another_head_writes_nothing(tmp_path, gh, monkeypatch, event):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, head_sha="f" * 40, base_sha=pr.base)  # the pull request moved on (or is another one)
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, event, pr.write(pr.report()))
    assert run.code == 0, run
    assert gh.writes() == []
    assert "skipped" in run.summary
    assert "not at the checked commit" in run.summary


def test_outside_workflow_run_a_report_without_a_head_writes_nothing(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base)
    data = pr.report()
    data["pull_request"]["head_sha"] = ""
    data["head"]["sha"] = None
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, {}, pr.write(data))
    assert run.code == 0, run
    assert gh.writes() == []
    assert "names none" in run.summary


def test_outside_workflow_run_a_verified_head_is_published_with_the_recomputed_verdict(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base)
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, {}, pr.write(forge_satisfied(pr.report())))
    assert run.code == 0, run
    assert gh.issue_labels[pr.number] == ["dep-required"]
    assert "https://github.com/Codertocat/Hello-World/actions/runs/4242" in gh.comments_on(pr.number)[0]["body"]


# -- whose comment is depgate's ----------------------------------------------------------------------------------


def _other_bot_comment(fake: FakeGitHub, number: int) -> dict:
    comment = fake.add_comment(number, f"{MARK}\nI am another bot, quoting depgate's marker.")
    comment["user"] = {"login": "someones-bot[bot]", "id": 99, "type": "Bot", "node_id": "MDM6Qm90OTk="}
    return comment


def test_github_token_edits_only_github_actions_bots_comment(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    other = _other_bot_comment(gh, pr.number)
    event = fork_run(pr)
    first = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, event, pr.write(pr.report()))
    assert first.outputs["comment"] == "created", first
    assert gh.comments[other["id"]]["body"].endswith("quoting depgate's marker.")
    own = [c for c in gh.comments_on(pr.number) if c["user"]["login"] == _BOT["login"]]
    assert len(own) == 1
    second = run_publish(monkeypatch, tmp_path / "2", gh, pr.checkout.path, event, pr.write(pr.report()))
    assert second.outputs["comment"] == "unchanged", second
    assert len(gh.comments_on(pr.number)) == 2


def test_an_app_slug_names_the_installation_tokens_bot(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    other = _other_bot_comment(gh, pr.number)
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, fork_run(pr),
                      pr.write(pr.report()), app_slug="someones-bot")
    assert run.outputs["comment"] == "updated", run  # that app's comment is now depgate's own
    assert gh.comments[other["id"]]["body"].startswith(MARK)
    assert "DEP required" in gh.comments[other["id"]]["body"]


def test_a_personal_token_edits_only_its_own_users_comment(tmp_path, fake, monkeypatch):
    fake.user = PAT_USER
    pr = Setup(tmp_path, "missing")
    fake.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    actions_bot = fake.add_comment(pr.number, f"{MARK}\nwritten by github-actions, not by this token")
    event = fork_run(pr)
    first = run_publish(monkeypatch, tmp_path, fake, pr.checkout.path, event, pr.write(pr.report()))
    assert first.outputs["comment"] == "created", first
    assert fake.comments[actions_bot["id"]]["body"].endswith("not by this token")
    mine = [c for c in fake.comments_on(pr.number) if c["user"]["login"] == PAT_USER["login"]]
    assert len(mine) == 1
    fake.pulls[pr.number]["title"] = "fix: drop Trainer.fit_legacy (DEP-0001)"  # now links the process DEP
    second = run_publish(monkeypatch, tmp_path / "2", fake, pr.checkout.path, event, pr.write(pr.report()))
    assert second.outputs["comment"] == "updated", second
    assert len(fake.comments_on(pr.number)) == 2
    assert fake.count("GET", r"^/user$") == 2
    assert_requests_valid(fake)


def test_an_unknown_identity_touches_no_comment(tmp_path, fake, monkeypatch):
    fake.fail("GET", r"^/user$", 500)
    pr = Setup(tmp_path, "missing")
    fake.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    run = run_publish(monkeypatch, tmp_path, fake, pr.checkout.path,
                      fork_run(pr), pr.write(pr.report()))
    assert run.code == 0, run
    assert fake.comments_on(pr.number) == []
    assert fake.writes() == []  # a 5xx also marks the API down for the run: the labels wait for the next one
    assert "identity" in run.summary


# -- a hostile report file ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "message"), [
    (b'{"x": ' + b"[" * 1000 + b"]" * 1000 + b"}", "deeper than"),
    ("verdict", "verdict must be one of"),
    (b" " * (4 * 1024 * 1024 + 1), "refusing to read it"),
])
def test_a_hostile_report_is_one_short_error_and_no_write(tmp_path, gh, monkeypatch, raw, message):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    if raw == "verdict":  # a 3 MB verdict: quoted by a short prefix, never echoed whole
        raw = json.dumps({**pr.report(), "verdict": "v" * 3_000_000}).encode()
    path = tmp_path / "hostile.json"
    path.write_bytes(raw)
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, fork_run(pr), path)
    assert run.code == 2, run
    assert message in run.stdout
    assert str(path) in run.stdout
    assert "Traceback" not in run.stdout
    assert max(len(line) for line in run.stdout.splitlines()) < 1000
    assert gh.writes() == []


def test_a_lone_surrogate_in_a_reported_path_is_one_short_error(tmp_path, gh, monkeypatch):
    pr = Setup(tmp_path, "missing")
    gh.add_pull(pr.number, head_sha=pr.head, base_sha=pr.base, head_repo=FORK)
    raw = json.dumps(pr.report()).replace('"path": "mini/trainer.py"', '"path": "mini/\\udc80.py"', 1)
    path = tmp_path / "surrogate.json"
    path.write_text(raw, encoding="utf-8")
    run = run_publish(monkeypatch, tmp_path, gh, pr.checkout.path, fork_run(pr), path)
    assert run.code == 2, run
    assert "lone surrogate" in run.stdout
    assert "Traceback" not in run.stdout
    assert gh.writes() == []
