"""GitHub API fault injection against the local fake: every fault is bounded, warned about, and harmless.

What each test shows: the number of requests stays bounded (counted, never timed), the warning reaches
the job summary, the verdict is the one the analysis made, and the token is never printed (stdout,
logs, summary, outputs). The client-level tests pin down the mechanics; the action-level ones show
the user-visible outcome of the same faults in `mode: check`.
"""

from __future__ import annotations

import json
import logging

import pytest

from actionrepo import workflow_run_event
from depgate.github.client import ClientSettings, GitHubClient
from depgate.outcome import label_changes
from fakegithub import FakeGitHub
from test_github_action import MARK, TOKEN, run_action, setup_pr

MARKER = "<!-- depgate:sticky -->"
_PERMISSION = "Resource not accessible by integration"
_FAR_RESET = "4102444800"  # 2100-01-01: a primary rate limit depgate must not wait for


def make_client(fake: FakeGitHub, **kw) -> GitHubClient:
    values = {"base_url": fake.base_url, "timeout": 2, "retries": 2, "backoff": 0.0, "max_wait": 0.0,
              "throttle": False}
    values.update(kw)
    return GitHubClient(fake.repository, TOKEN, ClientSettings(**values))


def _no_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text


# -- malformed answers -----------------------------------------------------------------------------------------------

MALFORMED = {
    "truncated JSON": '{"number": 9, "title": "feat: x", "head": {"sha"',
    "not JSON": "upstream connect error or disconnect/reset before headers",
    "a list for an object": "[]",
    "an empty object": "{}",
    "an empty body": "",
}


@pytest.mark.parametrize("raw", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_pull_request_is_a_problem_not_a_crash(fake, caplog, raw):
    caplog.set_level(logging.DEBUG)
    fake.add_pull(9)
    fake.fail("GET", r"/pulls/9$", 200, raw=raw)
    client = make_client(fake)
    assert client.pull_request(9) is None
    (problem,) = client.problems
    assert problem.describe().startswith("could not read pull request #9: the API sent an answer depgate cannot read (")
    assert fake.count("GET", r"/pulls/9$") == 1  # a 200 is an answer: not retried
    assert client.down is None  # one bad answer does not stop the other calls
    _no_token(caplog.text, problem.describe())


@pytest.mark.parametrize("raw", ['[{"id": 1, "body": "<!-- depgate', '{"message": "ok"}', "[1, 2]"])
def test_malformed_comment_list_never_leads_to_a_second_comment(fake, raw):
    fake.add_pull(3)
    mine = fake.add_comment(3, f"{MARKER}\nold")
    fake.fail("GET", r"/issues/3/comments$", 200, raw=raw)
    client = make_client(fake)
    assert client.upsert_comment(3, f"{MARKER}\nnew", MARKER) is None
    assert fake.count("POST", r"/comments$") == 0
    assert [c["id"] for c in fake.comments_on(3)] == [mine["id"]]
    assert "list the comments of pull request #3" in client.problems[0].describe()


def test_an_html_error_page_is_a_server_error(fake):
    fake.add_pull(9)
    fake.fail("GET", r"/pulls/9$", 502, raw="<html><body><h1>Unicorn!</h1></body></html>", content_type="text/html")
    client = make_client(fake, retries=2)
    assert client.pull_request(9) is None
    assert fake.count("GET", r"/pulls/9$") == 3
    assert "kept failing" in client.problems[0].detail


# -- an API that is down: one call pays for the retries, the rest are skipped ------------------------------------------


@pytest.mark.parametrize("status", [500, 502])
def test_api_down_costs_one_calls_retries_not_every_calls(fake, status):
    fake.add_pull(9, labels=("dep-required",))
    fake.fail("GET", r".*", status)
    fake.fail("POST", r".*", status)
    fake.fail("DELETE", r".*", status)
    client = make_client(fake, retries=2)
    assert client.pull_request(9) is None
    assert client.upsert_comment(9, f"{MARKER}\nx", MARKER) is None
    assert client.apply_labels(9, *label_changes({"dep-satisfied"}, {"dep-required", "dep-satisfied"},
                                                 {"dep-required"})) == {"added": [], "removed": []}
    assert len(fake.requests) == 3  # the first call's try and 2 retries; nothing after
    assert [p.action for p in client.problems] == [
        "read pull request #9", "list the comments of pull request #9", "add labels to pull request #9",
        "remove label 'dep-required' from pull request #9"]
    assert all("skipped, the API already failed" in p.detail for p in client.problems[1:])


def test_slow_answer_past_the_timeout_is_retried_a_bounded_number_of_times(fake):
    fake.add_pull(9)
    fake.fail("GET", r"/pulls/9$", 200, delay=1.2)  # longer than the 1 s timeout
    client = make_client(fake, timeout=1, retries=1)
    assert client.pull_request(9) is None
    assert fake.count("GET", r"/pulls/9$") == 2
    assert client.down is not None
    # The next call does not wait again.
    assert client.upsert_comment(9, f"{MARKER}\nx", MARKER) is None
    assert fake.count("GET", r"/comments$") == 0
    assert "skipped" in client.problems[-1].detail


# -- the three kinds of 403 --------------------------------------------------------------------------------------------

FORBIDDEN = {
    # (headers, message, requests made, a permission problem, the API counts as down)
    "primary rate limit": ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": _FAR_RESET},
                           "API rate limit exceeded for installation ID 1.", 1, False, True),
    "secondary rate limit, long Retry-After": ({"Retry-After": "600"},
                                               "You have exceeded a secondary rate limit.", 1, False, True),
    "plain permission error": ({}, _PERMISSION, 1, True, False),
}


@pytest.mark.parametrize(("headers", "message", "tries", "permission", "down"), FORBIDDEN.values(),
                         ids=FORBIDDEN.keys())
def test_forbidden_kinds_are_told_apart(fake, headers, message, tries, permission, down):
    fake.add_pull(4)
    fake.fail("POST", r"/issues/4/comments$", 403, headers=headers, message=message)
    client = make_client(fake)
    assert client.upsert_comment(4, f"{MARKER}\nx", MARKER) is None
    assert fake.count("POST", r"/issues/4/comments$") == tries
    (problem,) = client.problems
    assert problem.status == 403
    assert problem.permission is permission
    assert ("workflow_run" in problem.describe()) is permission  # only a permission error points to `publish`
    assert (client.down is not None) is down
    # A permission error on comments says nothing about labels: that call is still made. A rate limit stops all.
    client.apply_labels(4, *label_changes({"dep-required"}, {"dep-required"}, ()))
    assert fake.count("POST", r"/issues/4/labels$") == (0 if down else 1)


def test_secondary_rate_limit_with_a_short_retry_after_is_waited_and_survived(fake):
    fake.add_pull(9, title="fix: ok")
    fake.fail("GET", r"/pulls/9$", 403, times=1, headers={"Retry-After": "0"},
              message="You have exceeded a secondary rate limit.")
    client = make_client(fake, max_wait=5.0)
    info = client.pull_request(9)
    assert info is not None
    assert info.title == "fix: ok"
    assert fake.count("GET", r"/pulls/9$") == 2
    assert client.problems == []


# -- pagination --------------------------------------------------------------------------------------------------------


def test_sticky_comment_on_page_three_is_edited_not_duplicated(fake):
    fake.add_pull(3)
    for i in range(4):
        fake.add_comment(3, f"review {i} {MARKER}", bot=i % 2 == 0)  # bots, people, the marker not at the start
    mine = fake.add_comment(3, f"{MARKER}\nold")
    client = make_client(fake, per_page=2)
    assert client.upsert_comment(3, f"{MARKER}\nnew", MARKER) == "updated"
    assert fake.count("GET", r"/issues/3/comments$") == 3
    assert fake.count("POST", r"/comments$") == 0
    assert [c["body"] for c in fake.comments_on(3) if c["body"].startswith(MARKER)] == [f"{MARKER}\nnew"]
    assert fake.comments[mine["id"]]["body"] == f"{MARKER}\nnew"
    # Once more: found on page 3 again, nothing sent.
    assert client.upsert_comment(3, f"{MARKER}\nnew", MARKER) == "unchanged"
    assert len(fake.comments_on(3)) == 5


def test_a_page_that_fails_midway_never_leads_to_a_second_comment(fake):
    fake.add_pull(3)
    for i in range(4):
        fake.add_comment(3, f"chatter {i}", bot=False)
    fake.add_comment(3, f"{MARKER}\nold")
    # Page 1 is served, page 2 keeps failing: the list is incomplete, so depgate cannot know its comment is absent.
    fake.fail("GET", r"/issues/3/comments$", 502, query={"page": "2"})
    client = make_client(fake, per_page=2, retries=1)
    assert client.upsert_comment(3, f"{MARKER}\nnew", MARKER) is None
    assert fake.count("POST", r"/comments$") == 0
    assert fake.count("PATCH", r"/comments/") == 0
    assert sum(c["body"].startswith(MARKER) for c in fake.comments_on(3)) == 1
    assert fake.count("GET", r"/issues/3/comments$") == 3  # page 1, then page 2 tried twice
    assert "list the comments of pull request #3" in client.problems[0].describe()


# -- what the user sees: `mode: check` under the same faults -----------------------------------------------------------


def _unescaped(markdown: str) -> str:
    return markdown.replace("\\", "")


def _assert_token_never_printed(run, capsys, caplog) -> None:
    first, *rest = run.stdout.splitlines()
    assert first == f"::add-mask::{TOKEN}"  # the runner hides it from here on, should anything slip
    captured = capsys.readouterr()
    _no_token("\n".join(rest), run.summary, json.dumps(run.outputs), captured.out, captured.err, caplog.text)


ACTION_FAULTS = {
    # (method, path, status, fault options, the warning in the summary, the requests made)
    # A malformed pull request is an answer (not retried); the run goes on without it: the token's identity
    # (403 for GITHUB_TOKEN: github-actions[bot]), the comment list, the comment and the labels.
    "malformed JSON": ("GET", r"/pulls/11$", 200, {"raw": '{"number": 11, "title": '},
                       "the API sent an answer depgate cannot read",
                       ["GET /pulls/11", "GET /user", "GET /issues/11/comments", "POST /issues/11/comments",
                        "POST /issues/11/labels"]),
    # The API is down after the pull request read and its one retry: nothing else is asked, not even who the token is.
    "HTML 502 page": ("GET", r".*", 502, {"raw": "<html>Unicorn!</html>", "content_type": "text/html"},
                      "kept failing after the retries", ["GET /pulls/11", "GET /pulls/11"]),
    "slow past the timeout": ("GET", r"/pulls/11$", 200, {"delay": 1.2}, "did not answer in time",
                              ["GET /pulls/11", "GET /pulls/11"]),
    "primary rate limit": ("GET", r".*", 403, {"headers": {"X-RateLimit-Remaining": "0",
                                                           "X-RateLimit-Reset": _FAR_RESET},
                                               "message": "API rate limit exceeded for installation ID 1."},
                           "rate limit", ["GET /pulls/11"]),
}


@pytest.mark.parametrize(("method", "path", "status", "options", "warning", "requests"), ACTION_FAULTS.values(),
                         ids=ACTION_FAULTS.keys())
def test_check_under_api_faults_keeps_the_verdict_and_warns(tmp_path, fake, capsys, caplog, method, path, status,
                                                            options, warning, requests):
    caplog.set_level(logging.DEBUG)
    repo, *_rest, event = setup_pr(tmp_path, fake, "missing")
    fake.fail(method, path, status, **options)
    run = run_action(tmp_path, fake, repo.path, event, api_timeout="1")
    # The verdict is the analysis's, exactly as without the API.
    assert run.code == 1, run
    assert (run.outputs["verdict"], run.outputs["failed"]) == ("required", "true")
    summary = _unescaped(run.summary)
    assert "The GitHub API did not do everything; the verdict above still stands" in summary
    assert warning in summary
    assert "::warning title=depgate%3A GitHub API::" in run.stdout
    # Bounded and counted: each call once, the failing one with at most the one configured retry.
    prefix = f"/repos/{fake.repository}"
    assert [f"{r.method} {r.path.removeprefix(prefix)}" for r in fake.requests] == requests
    _assert_token_never_printed(run, capsys, caplog)


def test_check_when_the_api_is_down_makes_one_calls_worth_of_requests(tmp_path, fake, capsys, caplog):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "missing")
    for method in ("GET", "POST", "PATCH", "DELETE"):
        fake.fail(method, r".*", 500)
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1, run
    assert run.outputs["verdict"] == "required"
    assert len(fake.requests) == 2  # DEPGATE_API_RETRIES=1: the pull request read, tried twice; the rest skipped
    summary = _unescaped(run.summary)
    assert "skipped, the API already failed in this run" in summary
    assert fake.comments_on(number) == []
    _assert_token_never_printed(run, capsys, caplog)


def test_check_finds_its_comment_on_the_third_page(tmp_path, fake, capsys, caplog):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "missing")
    for i in range(230):  # the action asks for 100 per page: the sticky comment is on page 3
        fake.add_comment(number, f"comment {i}", bot=i % 3 == 0)
    mine = fake.add_comment(number, f"{MARK}\nan older verdict")
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1, run
    assert run.outputs["comment"] == "updated"
    assert fake.count("GET", rf"/issues/{number}/comments$") == 3
    assert fake.count("POST", r"/comments$") == 0
    assert [c["id"] for c in fake.comments_on(number) if c["body"].startswith(MARK)] == [mine["id"]]
    assert "DEP required" in fake.comments[mine["id"]]["body"]
    _assert_token_never_printed(run, capsys, caplog)


def test_check_with_a_comment_page_failing_posts_no_duplicate(tmp_path, fake):
    repo, *_rest, number, event = setup_pr(tmp_path, fake, "missing")
    for i in range(150):
        fake.add_comment(number, f"comment {i}", bot=False)
    fake.add_comment(number, f"{MARK}\nan older verdict")
    fake.fail("GET", rf"/issues/{number}/comments$", 502, query={"page": "2"})
    run = run_action(tmp_path, fake, repo.path, event)
    assert run.code == 1, run
    assert run.outputs["verdict"] == "required"
    assert fake.count("POST", r"/comments$") == 0
    assert sum(c["body"].startswith(MARK) for c in fake.comments_on(number)) == 1
    assert f"list the comments of pull request #{number}" in _unescaped(run.summary)


@pytest.mark.parametrize(("fault", "warning"), [
    ({"status": 502}, "kept failing after the retries"),
    ({"status": 200, "raw": "<html>not json</html>"}, "the API sent an answer depgate cannot read"),
], ids=["502", "malformed JSON"])
def test_publish_under_api_faults_writes_nothing_and_warns(tmp_path, fake, capsys, caplog, fault, warning):
    caplog.set_level(logging.DEBUG)
    repo, *_rest, head, number, event = setup_pr(tmp_path, fake, "missing", fork=True)
    checked = run_action(tmp_path / "check", None, repo.path, event)
    fake.fail("GET", r".*", **fault)
    run = run_action(tmp_path / "publish", fake, repo.path, workflow_run_event(99, head, head_repository="forker/x"),
                     mode="publish", report=checked.outputs["report"])
    assert run.code == 0, run  # the check's own step carries the verdict; publish only warns
    assert fake.writes() == []
    assert fake.comments_on(number) == []
    assert len(fake.requests) <= 2  # the pull request read, and its one retry
    assert warning in _unescaped(run.summary)
    _assert_token_never_printed(run, capsys, caplog)
