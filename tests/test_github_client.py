"""The REST client against a local fake of GitHub: behaviour, faults, and requests valid per GitHub's description."""

from __future__ import annotations

import logging
import re

import pytest

from depgate.github.client import ClientSettings, GitHubClient
from depgate.outcome import label_changes
from fakegithub import FakeGitHub, check_against_openapi

TOKEN = "ghs_faketoken0123456789abcdef"  # noqa: S105 - not a secret; must never show up in output
MARKER = "<!-- depgate:sticky -->"


def settings(fake: FakeGitHub, **kw) -> ClientSettings:
    base = {"base_url": fake.base_url, "timeout": 2, "retries": 2, "backoff": 0.0, "max_wait": 0.0,
            "throttle": False}
    base.update(kw)
    return ClientSettings(**base)


@pytest.fixture
def client(fake: FakeGitHub) -> GitHubClient:
    return GitHubClient(fake.repository, TOKEN, settings(fake))


def assert_valid_requests(fake: FakeGitHub) -> None:
    assert fake.requests, "no request was made"
    assert check_against_openapi(fake.requests) == []


# -- reading ---------------------------------------------------------------------------------------------------------


def test_pull_request_is_read_fresh(fake, client):
    fake.add_pull(7, title="feat: new title", body="DEP: none - typo", labels=("dep-not-needed", "bug"))
    info = client.pull_request(7)
    assert info is not None
    assert (info.title, info.body, info.labels) == ("feat: new title", "DEP: none - typo", ("dep-not-needed", "bug"))
    assert fake.requests[0].headers["Authorization"] == f"token {TOKEN}"
    assert_valid_requests(fake)


def test_open_pull_files_follow_pagination(fake):
    client = GitHubClient(fake.repository, TOKEN, settings(fake))
    for n in range(1, 4):
        fake.add_pull(n, files=[(f"src/f{i}.py", "modified") for i in range(5)] + [(f"deps/000{n}-x.md", "added")])
    client = GitHubClient(fake.repository, TOKEN, settings(fake, per_page=2))
    files = client.open_pull_files(re.compile(r"^deps/\d{4}-.*\.md$"))
    assert [(f.number, f.path) for f in files] == [(1, "deps/0001-x.md"), (2, "deps/0002-x.md"), (3, "deps/0003-x.md")]
    # 2 pages of pulls, and 3 pages of files for each pull request.
    assert fake.count("GET", r"/pulls$") == 2
    assert fake.count("GET", r"/pulls/\d+/files$") == 9
    assert_valid_requests(fake)


# -- the sticky comment ----------------------------------------------------------------------------------------------


def test_comment_created_then_unchanged_then_updated(fake, client):
    fake.add_pull(3)
    assert client.upsert_comment(3, f"{MARKER}\nfirst", MARKER) == "created"
    assert client.upsert_comment(3, f"{MARKER}\nfirst", MARKER) == "unchanged"
    assert fake.count("PATCH", r"/issues/comments/") == 0
    assert client.upsert_comment(3, f"{MARKER}\nsecond", MARKER) == "updated"
    bodies = [c["body"] for c in fake.comments_on(3)]
    assert bodies == [f"{MARKER}\nsecond"]
    assert client.problems == []
    assert_valid_requests(fake)


def test_comment_by_a_person_with_the_marker_is_never_touched(fake, client):
    fake.add_pull(3)
    human = fake.add_comment(3, f"{MARKER}\nI pasted your marker", bot=False)
    assert client.upsert_comment(3, f"{MARKER}\nverdict", MARKER) == "created"
    assert fake.comments[human["id"]]["body"] == f"{MARKER}\nI pasted your marker"
    assert client.remove_comment(3, MARKER, how="delete") == "deleted"
    assert [c["id"] for c in fake.comments_on(3)] == [human["id"]]


def test_comment_removed_or_collapsed(fake, client):
    fake.add_pull(3)
    fake.add_comment(3, f"{MARKER}\nold verdict")
    note = f"{MARKER}\n<details><summary>No DEP needed any more</summary></details>"
    assert client.remove_comment(3, MARKER, how="collapse", note=note) == "collapsed"
    assert [c["body"] for c in fake.comments_on(3)] == [note]
    assert client.remove_comment(3, MARKER, how="keep") == "kept"
    assert client.remove_comment(3, MARKER, how="delete") == "deleted"
    assert client.remove_comment(3, MARKER, how="delete") == "absent"
    assert fake.comments_on(3) == []
    assert_valid_requests(fake)


def test_comment_list_is_paginated(fake):
    fake.add_pull(3)
    for i in range(5):
        fake.add_comment(3, f"chatter {i}", bot=False)
    mine = fake.add_comment(3, f"{MARKER}\nold")
    client = GitHubClient(fake.repository, TOKEN, settings(fake, per_page=2))
    assert client.upsert_comment(3, f"{MARKER}\nnew", MARKER) == "updated"
    assert fake.comments[mine["id"]]["body"] == f"{MARKER}\nnew"
    assert fake.count("GET", r"/issues/3/comments$") == 3


# -- labels ----------------------------------------------------------------------------------------------------------


def test_labels_only_depgate_own_are_touched(fake, client):
    fake.add_pull(5, labels=("bug", "dep-required", "help wanted"))
    own = ("dep-required", "dep-satisfied", "dep-review")
    done = client.apply_labels(5, *label_changes({"dep-satisfied"}, own, fake.issue_labels[5]))
    assert done == {"added": ["dep-satisfied"], "removed": ["dep-required"]}
    assert sorted(fake.issue_labels[5]) == ["bug", "dep-satisfied", "help wanted"]
    # Already right: nothing is sent.
    before = len(fake.writes())
    assert client.apply_labels(5, *label_changes({"dep-satisfied"}, own, fake.issue_labels[5])) == {
        "added": [], "removed": []}
    assert len(fake.writes()) == before
    assert_valid_requests(fake)


def test_apply_labels_does_exactly_what_it_is_told(fake, client):
    fake.add_pull(6, labels=("bug", "dep-required"))
    assert client.apply_labels(6, ["dep-satisfied"], ["dep-required"]) == {"added": ["dep-satisfied"],
                                                                           "removed": ["dep-required"]}
    assert sorted(fake.issue_labels[6]) == ["bug", "dep-satisfied"]
    before = len(fake.requests)
    assert client.apply_labels(6, [], []) == {"added": [], "removed": []}
    assert len(fake.requests) == before  # nothing to do: no request at all
    assert_valid_requests(fake)


def test_label_with_spaces_and_slash_is_removed(fake, client):
    fake.add_pull(5, labels=("dep: needs review/now",))
    done = client.apply_labels(5, *label_changes((), ("dep: needs review/now",), fake.issue_labels[5]))
    assert done["removed"] == ["dep: needs review/now"]
    assert fake.issue_labels[5] == []


# -- faults ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502])
def test_server_errors_are_retried_a_bounded_number_of_times(fake, client, status):
    fake.add_pull(9)
    fake.fail("GET", r"/pulls/9$", status)
    assert client.pull_request(9) is None
    assert fake.count("GET", r"/pulls/9$") == 3  # the try and 2 retries, then give up
    (problem,) = client.problems
    assert "read pull request #9" in problem.describe()


def test_a_transient_server_error_is_survived(fake, client):
    fake.add_pull(9, title="fix: ok")
    fake.fail("GET", r"/pulls/9$", 503, times=1)
    info = client.pull_request(9)
    assert info is not None
    assert info.title == "fix: ok"
    assert client.problems == []


def test_rate_limit_403_with_a_long_wait_gives_up_at_once(fake, client):
    fake.add_pull(9)
    fake.fail("GET", r"/pulls/9$", 403, headers={"Retry-After": "600"},
              message="You have exceeded a secondary rate limit")
    assert client.pull_request(9) is None
    assert fake.count("GET", r"/pulls/9$") == 1
    assert "rate limit" in client.problems[0].describe()
    assert not client.problems[0].permission


def test_primary_rate_limit_403_is_reported_not_waited(fake, client):
    fake.add_pull(9)
    fake.fail("GET", r"/pulls/9$", 403, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4102444800"},
              message="API rate limit exceeded for installation ID 1.")
    assert client.pull_request(9) is None
    assert fake.count("GET", r"/pulls/9$") == 1
    assert not client.problems[0].permission


def test_read_only_token_warns_and_skips(fake, client):
    fake.add_pull(4)
    fake.fail("POST", r"/issues/4/comments$", 403, message="Resource not accessible by integration")
    fake.fail("POST", r"/issues/4/labels$", 403, message="Resource not accessible by integration")
    assert client.upsert_comment(4, f"{MARKER}\nx", MARKER) is None
    done = client.apply_labels(4, *label_changes({"dep-required"}, {"dep-required"}, ()))
    assert done == {"added": [], "removed": []}
    assert [p.permission for p in client.problems] == [True, True]
    assert "workflow_run" in client.problems[0].describe()
    assert fake.count("POST", r"/issues/4/comments$") == 1  # a 403 without a rate limit is not retried


def test_not_found(fake, client):
    assert client.pull_request(404) is None
    assert client.problems[0].status == 404
    assert fake.count("GET", r"/pulls/404$") == 1


def test_timeout_is_retried_then_reported(fake):
    fake.add_pull(9)
    fake.fail("GET", r"/pulls/9$", 200, delay=1.3)
    client = GitHubClient(fake.repository, TOKEN, settings(fake, timeout=1, retries=1))
    assert client.pull_request(9) is None
    assert fake.count("GET", r"/pulls/9$") == 2
    assert "in time" in client.problems[0].detail or "kept failing" in client.problems[0].detail


def test_token_never_in_logs_or_problems(fake, caplog):
    caplog.set_level(logging.DEBUG)
    fake.fail("GET", r"/pulls/1$", 500, message=f"echo {TOKEN}")
    client = GitHubClient(fake.repository, TOKEN, settings(fake, retries=1))
    assert client.pull_request(1) is None
    text = caplog.text + " ".join(p.describe() for p in client.problems)
    assert TOKEN not in text


# -- the index pull request ------------------------------------------------------------------------------------------

BASE = "b" * 40
FILES = {"deps/INDEX.md": "new index\n", "deps/index.json": "{}\n"}


def _propose(client, files, *, title="docs: regenerate the DEP index", body="body", base_sha=BASE):
    return client.propose_files(files=files, branch="depgate/index", base="main", base_sha=base_sha, title=title,
                                body=body, message="docs: regenerate the DEP index", labels=("documentation",))


def _main(fake, sha=BASE, files=None, parents=()):
    fake.add_commit(sha, files if files is not None else {"deps/INDEX.md": "old index\n", "README.md": "hi\n"},
                    parents=parents)
    fake.set_branch("main", sha)


def test_index_pull_request_created_updated_and_left_alone(fake, client):
    _main(fake)
    first = _propose(client, FILES)
    assert first["pull_action"] == "created"
    number = first["pull"]
    # One commit on the base, holding both files and the base's other files.
    assert fake.commits[first["commit"]]["parents"] == [BASE]
    assert fake.branch_files("depgate/index") == {**FILES, "README.md": "hi\n"}
    assert fake.count("POST", r"/git/commits$") == 1
    assert fake.pulls[number]["head"]["ref"] == "depgate/index"
    assert fake.issue_labels[number] == ["documentation"]

    # Same files again: no commit, no new pull request, no edit.
    writes = len(fake.writes())
    again = _propose(client, dict(FILES))
    assert again == {"commit": None, "pull": number, "pull_action": "unchanged"}
    assert len(fake.writes()) == writes

    # One file differs: the branch is moved (forced) to one new commit on the base; the same pull request is edited.
    third = _propose(client, {**FILES, "deps/index.json": "{\"v\": 2}\n"}, body="other body")
    assert (third["pull"], third["pull_action"]) == (number, "updated")
    assert fake.commits[third["commit"]]["parents"] == [BASE]
    assert fake.branch_files("depgate/index")["deps/index.json"] == "{\"v\": 2}\n"
    assert fake.pulls[number]["body"] == "other body"
    assert len([p for p in fake.pulls.values() if p["state"] == "open"]) == 1
    assert client.problems == []
    assert_valid_requests(fake)


def test_index_branch_is_rebuilt_when_the_base_moved(fake, client):
    _main(fake)
    first = _propose(client, FILES)
    _main(fake, "c" * 40, {"deps/INDEX.md": "old index\n", "README.md": "changed\n"}, parents=(BASE,))
    moved = _propose(client, FILES, base_sha="c" * 40)
    assert moved["commit"] not in (None, first["commit"])
    assert fake.commits[moved["commit"]]["parents"] == ["c" * 40]
    assert fake.branch_files("depgate/index")["README.md"] == "changed\n"
    assert moved["pull_action"] == "unchanged"
    assert_valid_requests(fake)


def test_a_person_s_commit_on_the_index_branch_is_replaced(fake, client):
    _main(fake)
    _propose(client, FILES)
    fake.add_commit("d" * 40, {**FILES, "deps/INDEX.md": "hand edit\n"}, parents=(fake.refs["depgate/index"],))
    fake.set_branch("depgate/index", "d" * 40)
    result = _propose(client, FILES)
    assert fake.commits[result["commit"]]["parents"] == [BASE]
    assert fake.branch_files("depgate/index")["deps/INDEX.md"] == "new index\n"


def test_index_pull_request_read_only_token(fake, client):
    _main(fake)
    fake.fail("POST", r"/git/trees$", 403, message="Resource not accessible by integration")
    assert _propose(client, FILES) is None
    assert client.problems[0].permission
    assert "depgate/index" not in fake.refs
    assert fake.count("POST", r"/pulls$") == 0


def test_index_pull_request_stops_when_the_branch_cannot_be_read(fake, client):
    _main(fake)
    fake.fail("GET", r"/git/ref/heads/", 502)
    assert _propose(client, FILES) is None
    assert fake.writes() == []


def test_close_pull_comments_then_closes_and_the_branch_goes(fake, client):
    _main(fake)
    number = _propose(client, FILES)["pull"]
    assert client.close_pull(number, "The default branch is current.")
    assert fake.pulls[number]["state"] == "closed"
    assert [c["body"] for c in fake.comments_on(number)] == ["The default branch is current."]
    assert client.delete_branch("depgate/index")
    assert "depgate/index" not in fake.refs
    assert client.delete_branch("depgate/index")  # already gone: nothing to do
    assert client.problems == []
    assert_valid_requests(fake)


def test_request_reviewers_takes_configured_handles(fake, client):
    fake.add_pull(5)
    assert client.request_reviewers(5, ["@mrapplexz", "octocat"], ["@octo-org/maintainers"])
    assert fake.review_requests[5] == {"users": ["mrapplexz", "octocat"], "teams": ["maintainers"]}
    assert client.request_reviewers(5, [], [])  # nobody to ask: no request
    assert fake.count("POST", r"/requested_reviewers$") == 1
    assert_valid_requests(fake)


def test_request_reviewers_failure_is_a_problem(fake, client):
    fake.add_pull(5)
    fake.fail("POST", r"/requested_reviewers$", 422, message="Reviews may only be requested from collaborators.")
    assert client.request_reviewers(5, ["@stranger"]) is False
    assert "@stranger" in client.problems[0].describe()
    assert "collaborators" in client.problems[0].describe()


# -- the token's identity --------------------------------------------------------------------------------------------


def test_the_identity_is_asked_once_per_run(fake, client):
    fake.user = {"login": "depgate-maintainer", "id": 7001, "type": "User", "node_id": "MDQ6VXNlcjcwMDE="}
    assert client.login() == "depgate-maintainer"
    assert client.login() == "depgate-maintainer"
    assert fake.count("GET", r"^/user$") == 1
    assert_valid_requests(fake)


def test_an_installation_tokens_answer_is_kept_and_a_failure_is_not(fake):
    client = GitHubClient(fake.repository, TOKEN, settings(fake, retries=0))
    fake.fail("GET", r"^/user$", 404, times=1)
    assert client.login() is None  # not known: the caller touches no comment
    assert client.login() == ""  # asked again: 403, an installation token (GITHUB_TOKEN)
    assert client.login() == ""
    assert fake.count("GET", r"^/user$") == 2
