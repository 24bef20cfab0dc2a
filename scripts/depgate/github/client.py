"""The GitHub REST API, through PyGithub; the only module of depgate that imports it.

Every call is bounded: a fixed number of retries (5xx, secondary rate limits, connection errors), a
cap on how long a rate limit may make us wait, and a per-request timeout. A call that still fails
does not raise: it is recorded as an `ApiProblem` (shown as a warning in the job summary) and the
caller carries on, because a flaky API must never change a pull request's verdict. Once the API is
known to be down (server errors after the retries, a timeout, a rate limit too long to wait for), the
remaining calls of the run are skipped, so one step never waits out the retries of every call in
turn. An answer that is not the JSON GitHub documents (truncated, an HTML error page with status 200)
is a failure of that call, not a crash. The token is never put in a message.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import requests
import urllib3
from github import Auth, Github, GithubException, GithubRetry, UnknownObjectException
from github.GithubException import RateLimitExceededExceedsMaxWait

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from github.Repository import Repository

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_API_URL = "https://api.github.com"

#: Statuses retried besides the 403 rate limits GithubRetry recognises.
_RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class ClientSettings:
    """How patient the client is. Production defaults; tests turn waiting off.

    Attributes:
        base_url: The REST API root (`GITHUB_API_URL` on a runner; GitHub Enterprise differs).
        timeout: Seconds to wait for one response.
        retries: Retries per request after the first try (5xx, rate limits, connection errors).
        backoff: urllib3 backoff factor between retries, in seconds (0 retries at once).
        max_wait: Longest wait a rate limit (`Retry-After` or reset time) may impose; longer gives up.
        throttle: Keep PyGithub's pause between requests (GitHub asks integrations to space writes).
        per_page: Page size for lists.
    """

    base_url: str = DEFAULT_API_URL
    timeout: int = 15
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 30.0
    throttle: bool = True
    per_page: int = 100


@dataclass(frozen=True)
class ApiProblem:
    """A call that failed for good; the step warns and goes on.

    Attributes:
        action: What depgate was doing, as a user reads it ("update the sticky comment").
        detail: Why it failed, without secrets.
        status: The HTTP status, when there was a response.
        permission: Whether the token lacked the right (read-only token, pull request from a fork).
    """

    action: str
    detail: str
    status: int | None = None
    permission: bool = False

    def describe(self) -> str:
        """One sentence for the log and the summary."""
        text = f"could not {self.action}: {self.detail}"
        if self.permission:
            text += (" (the token is read-only here, as for pull requests from forks; run `mode: publish` from a "
                     "`workflow_run` workflow to comment and label, see docs/action.md)")
        return text


@dataclass(frozen=True)
class PullRequestInfo:
    """A pull request as the API shows it now (title edits and label changes included).

    Attributes:
        author: The login of the account that opened it ("" when unknown or deleted).
        requested_users: The logins whose review is requested and not yet given.
        requested_teams: The slugs of the teams whose review is requested and not yet given.
    """

    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    head_sha: str
    base_sha: str
    base_ref: str
    state: str = "open"
    head_repository: str = ""
    author: str = ""
    requested_users: tuple[str, ...] = ()
    requested_teams: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangedPullFile:
    """A file changed by an open pull request."""

    number: int
    path: str
    status: str
    head_sha: str


class _BoundedRetry(GithubRetry):
    """GithubRetry that also caps a `Retry-After` wait (GithubRetry caps only reset-time waits)."""

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        if value is not None and self.max_rate_limit_wait is not None and value > self.max_rate_limit_wait:
            raise RateLimitExceededExceedsMaxWait(response.status, {"message": "rate limited"}, dict(response.headers),
                                                  wait=value)
        return value


def make_retry(settings: ClientSettings) -> urllib3.Retry | None:
    """Build the bounded retry policy for `settings` (None when retries are off)."""
    if settings.retries <= 0:
        return None
    return _BoundedRetry(
        total=settings.retries,
        backoff_factor=settings.backoff,
        status_forcelist=sorted(_RETRY_STATUSES),
        secondary_rate_wait=min(60.0, settings.max_wait),
        max_rate_limit_wait=settings.max_wait,
        respect_retry_after_header=True,
    )


def connect(token: str, settings: ClientSettings) -> Github:
    """Open a PyGithub client with `settings` (lazy: objects are fetched only when read)."""
    return Github(
        base_url=settings.base_url.rstrip("/"),
        auth=Auth.Token(token) if token else None,
        timeout=max(1, int(settings.timeout)),  # PyGithub accepts whole seconds only
        retry=make_retry(settings),
        per_page=settings.per_page,
        seconds_between_requests=0.25 if settings.throttle else None,
        seconds_between_writes=1.0 if settings.throttle else None,
        user_agent="depgate",
        lazy=True,
    )


def _status_detail(exc: BaseException) -> tuple[int | None, str]:
    if isinstance(exc, GithubException):
        message = ""
        if isinstance(exc.data, dict):
            message = str(exc.data.get("message") or "")
        return exc.status, f"HTTP {exc.status}" + (f" {message}" if message else "")
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in str(exc).lower():
        return None, "the API did not answer in time"
    if isinstance(exc, requests.exceptions.RetryError):
        return None, "the API kept failing after the retries (server errors)"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return None, "cannot connect to the API"
    return None, type(exc).__name__


class GitHubClient:
    """depgate's calls to one repository. Failures become `problems`, never exceptions.

    Args:
        repository: `owner/name`.
        token: The token (`GITHUB_TOKEN` or another); kept out of every message.
        settings: Timeouts and retries.
    """

    def __init__(self, repository: str, token: str, settings: ClientSettings | None = None):
        self.settings = settings or ClientSettings()
        self.repository = repository
        self._token = token
        self._github = connect(token, self.settings)
        self._repo: Repository = self._github.get_repo(repository)
        self.problems: list[ApiProblem] = []
        #: Why the API is considered down for the rest of the run (None while it answers).
        self.down: str | None = None
        #: The token's login once `GET /user` answered ("" for an installation token): asked once per run.
        self._login: str | None = None

    # -- plumbing ----------------------------------------------------------------------------------

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def _call(self, action: str, fn: Callable[[], T], *, write: bool = False, missing_ok: bool = False) -> T | None:
        """Run one API operation; on failure record a problem and return None."""
        if self.down is not None:
            self._record(action, None, f"skipped, the API already failed in this run ({self.down})")
            return None
        try:
            return fn()
        except UnknownObjectException:
            if missing_ok:
                return None
            self._record(action, 404, "HTTP 404 not found (or the token cannot see it)", permission=False)
        except RateLimitExceededExceedsMaxWait as exc:
            self._record(action, exc.status, f"rate limited; would have to wait {exc.wait:.0f}s", permission=False,
                         down=True)
        except GithubException as exc:
            status, detail = _status_detail(exc)
            limited = _is_rate_limit(exc)
            denied = status in (401, 403) and not limited
            self._record(action, status, detail, permission=denied and write,
                         down=limited or (status is not None and status >= 500))
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            status, detail = _status_detail(exc)
            self._record(action, status, detail, down=True)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            # PyGithub parses answers lazily and trusts their shape: malformed JSON raises ValueError, a body
            # of the wrong shape (a list for an object, `null` for a field) TypeError or AttributeError.
            log.debug("unreadable answer while trying to %s", action, exc_info=True)
            self._record(action, None, f"the API sent an answer depgate cannot read ({type(exc).__name__})")
        return None

    def _record(self, action: str, status: int | None, detail: str, *, permission: bool = False,
                down: bool = False) -> None:
        problem = ApiProblem(action, self._scrub(detail), status, permission)
        log.warning("%s", problem.describe())
        self.problems.append(problem)
        if down and self.down is None:
            self.down = self._scrub(detail)

    # -- pull requests -----------------------------------------------------------------------------

    def pull_request(self, number: int) -> PullRequestInfo | None:
        """Fetch a pull request fresh (title, body and labels as they are now), or None on failure."""

        def fetch() -> PullRequestInfo:
            pr = self._repo.get_pull(number)
            return PullRequestInfo(
                number=pr.number,
                title=pr.title or "",
                body=pr.body or "",
                labels=tuple(label.name for label in pr.labels),
                head_sha=pr.head.sha,
                base_sha=pr.base.sha,
                base_ref=pr.base.ref,
                state=pr.state,
                head_repository=pr.head.repo.full_name if pr.head.repo is not None else "",
                author=pr.user.login if pr.user is not None else "",
                # Part of the pull request's own answer: no further request.
                requested_users=tuple(user.login for user in pr.requested_reviewers or ()),
                requested_teams=tuple(team.slug for team in pr.requested_teams or ()),
            )

        return self._call(f"read pull request #{number}", fetch)

    def upsert_comment(self, number: int, body: str, marker: str, *, author: str | None = None) -> str | None:
        """Create or edit depgate's one comment on a pull request, found by its hidden marker.

        The comment is left alone when its text is already `body` (no notification, no edit history).
        `author`: only a comment by this login counts as depgate's (None: any bot account's).

        Returns:
            `created`, `updated`, `unchanged`, or None on failure.
        """
        if marker not in body:
            raise ValueError("the comment body must contain its marker")
        found = self._find_comment(number, marker, author)
        if found is False:
            return None
        issue = self._repo.get_issue(number)
        if found is None:
            made = self._call(f"comment on pull request #{number}", lambda: issue.create_comment(body), write=True)
            return "created" if made is not None else None
        if found.body == body:
            return "unchanged"
        done = self._call(f"update the comment on pull request #{number}", lambda: found.edit(body) or True,
                          write=True)
        return "updated" if done else None

    def remove_comment(self, number: int, marker: str, *, how: str = "delete", note: str = "",
                       author: str | None = None) -> str | None:
        """Take depgate's comment away when it no longer applies.

        Args:
            number: The pull request.
            marker: The hidden marker identifying the comment.
            how: `delete` it, `collapse` it (replace it by `note` folded in `<details>`), or `keep` it.
            note: The collapsed text (must contain the marker); used with `collapse`.
            author: Only a comment by this login counts as depgate's (None: any bot account's).

        Returns:
            `deleted`, `collapsed`, `absent`, `kept`, or None on failure.
        """
        if how == "keep":
            return "kept"
        found = self._find_comment(number, marker, author)
        if found is False:
            return None
        if found is None:
            return "absent"
        if how == "collapse":
            if found.body == note:
                return "collapsed"
            done = self._call(f"collapse the comment on pull request #{number}", lambda: found.edit(note) or True,
                              write=True)
            return "collapsed" if done else None
        done = self._call(f"delete the comment on pull request #{number}", lambda: found.delete() or True, write=True)
        return "deleted" if done else None

    def _find_comment(self, number: int, marker: str, author: str | None = None) -> Any:
        """Return depgate's comment, None when there is none, False when the list could not be read.

        Only comments starting with the marker and written by `author` (the token's own login; when
        None, any bot account) count, so neither a person nor another bot that pastes the marker into
        its comment can make depgate edit or delete it.
        """

        def find() -> Any:
            for comment in self._repo.get_issue(number).get_comments():
                user = comment.user
                if not (comment.body or "").startswith(marker) or user is None:
                    continue
                if (user.login == author) if author is not None else (user.type == "Bot"):
                    return comment
            return None

        sentinel = object()
        result = self._call(f"list the comments of pull request #{number}", lambda: find() or sentinel)
        if result is None:
            return False
        return None if result is sentinel else result

    def apply_labels(self, number: int, add: Sequence[str], remove: Sequence[str]) -> dict[str, list[str]]:
        """Add and remove labels on a pull request, as `depgate.outcome` decided.

        Returns:
            `{"added": [...], "removed": [...]}` for what was actually done.
        """
        done: dict[str, list[str]] = {"added": [], "removed": []}
        if not add and not remove:
            return done
        issue = self._repo.get_issue(number)
        names = list(add)
        if names and self._call(f"add labels to pull request #{number}", lambda: _add_labels(issue, names),
                                write=True):
            done["added"] = names
        for name in remove:
            if self._call(f"remove label {name!r} from pull request #{number}",
                          lambda name=name: issue.remove_from_labels(name) or True, write=True, missing_ok=True):
                done["removed"].append(name)
        return done

    def login(self) -> str | None:
        """The token's own login (`GET /user`); `""` for an installation token, which may not read it; None on failure.

        `GITHUB_TOKEN` and GitHub App installation tokens get 403 there; their comments are written by
        `<app slug>[bot]` (`github-actions[bot]` for `GITHUB_TOKEN`), which the caller knows better.
        An answer is kept for the rest of the run (the identity does not change); a failure is not.
        """
        if self._login is not None:
            return self._login

        def fetch() -> str:
            try:
                return self._github.get_user().login
            except GithubException as exc:
                if exc.status in (401, 403) and not _is_rate_limit(exc):
                    return ""
                raise

        self._login = self._call("read the token's identity", fetch)
        return self._login

    # -- open pull requests (for the scheduled index) ---------------------------------------------

    def open_pull_files(self, pattern: re.Pattern[str], limit: int = 200) -> list[ChangedPullFile] | None:
        """List the files matching `pattern` changed by open pull requests (at most `limit` of them)."""

        def fetch() -> list[ChangedPullFile]:
            found: list[ChangedPullFile] = []
            for count, pr in enumerate(self._repo.get_pulls(state="open", sort="created", direction="asc")):
                if count >= limit:
                    break
                found.extend(
                    ChangedPullFile(pr.number, f.filename, f.status, pr.head.sha)
                    for f in pr.get_files()
                    if pattern.search(f.filename)
                )
            return found

        return self._call("list the files of open pull requests", fetch)

    def file_text(self, path: str, ref: str) -> str | None:
        """Read a file's text at a revision through the API, or None."""

        def fetch() -> str | None:
            content = self._repo.get_contents(path, ref=ref)
            if isinstance(content, list):
                return None
            return content.decoded_content.decode("utf-8", "replace")

        return self._call(f"read {path} at {ref[:12]}", fetch)

    # -- review requests ---------------------------------------------------------------------------

    def request_reviewers(self, number: int, users: Sequence[str] = (), teams: Sequence[str] = ()) -> bool:
        """Ask people and teams to review pull request `number` (`POST /pulls/{n}/requested_reviewers`).

        Names may be written as in the configuration: `@login` for a user, `@org/team` or `team` for a
        team (GitHub takes the team's slug only).

        Returns:
            True when the request was made (or there was nobody to ask), False on failure (a problem is recorded;
            GitHub's 422, which refuses the author and people who are not collaborators, says so).
        """
        logins = sorted({name.strip().lstrip("@") for name in users if name.strip().lstrip("@")})
        slugs = sorted({name.strip().lstrip("@").rsplit("/", 1)[-1] for name in teams if name.strip().lstrip("@")})
        if not logins and not slugs:
            return True
        pull = self._repo.get_pull(number)  # lazy: no request until the call below
        who = ", ".join([*(f"@{n}" for n in logins), *(f"team {n}" for n in slugs)])
        done = self._call(f"request a review of pull request #{number} from {who}",
                          lambda: pull.create_review_request(reviewers=logins, team_reviewers=slugs) or True,
                          write=True)
        if not done and self.problems and self.problems[-1].status == 422:
            last = self.problems[-1]
            self.problems[-1] = replace(last, detail=(
                f"{last.detail} (GitHub refuses a review request from the pull request's author, and from anyone who "
                "is not a collaborator or a team without access; check `status.deciders` in the base branch's "
                "configuration)"))
        return bool(done)

    # -- depgate's own pull request (the scheduled index) ----------------------------------------------

    def open_pull_from(self, branch: str, base: str) -> PullRequestInfo | Literal[False] | None:
        """The open pull request from this repository's `branch` into `base`.

        Returns:
            Its info; None when there is none; False when the list could not be read.
        """
        owner = self.repository.split("/", 1)[0]
        pulls = self._call(f"find the pull request from {branch}",
                           lambda: list(self._repo.get_pulls(state="open", head=f"{owner}:{branch}", base=base)))
        if pulls is None:
            return False
        if not pulls:
            return None
        pr = pulls[0]
        return PullRequestInfo(number=pr.number, title=pr.title or "", body=pr.body or "",
                               labels=tuple(label.name for label in pr.labels), head_sha=pr.head.sha,
                               base_sha=pr.base.sha, base_ref=pr.base.ref, state=pr.state)

    def propose_files(self, *, files: Mapping[str, str], branch: str, base: str, base_sha: str, title: str,
                      body: str, message: str, labels: Iterable[str] = (),
                      dropped_note: Callable[[str], str] | None = None,
                      accept_parent: Callable[[str], bool] | None = None) -> dict[str, Any] | None:
        """Put `files` (path -> text) on a fixed branch in one commit on `base_sha`; keep one pull request from it.

        Idempotence: the branch is current when its tip's only parent is `base_sha` (or a commit
        `accept_parent` accepts: an older tip of the base branch that left these files alone, so a base branch
        that merely moved on does not make a new commit each run) and each file's
        blob on the branch is byte for byte the one wanted (compared by git object id, read through the
        contents API). Then nothing is written. Otherwise one commit is made through the Git Data API (a
        tree on the base commit's tree with the files, a commit whose parent is `base_sha`) and the
        branch is created or force-moved to it: the branch belongs to depgate, edits to it are dropped.
        The open pull request from the branch is edited when its title or body differ, else left
        alone; when there is none, one is opened with `labels`. A tip that is not depgate's own commit (its
        message does not end with the last line of `message`: someone pushed to the branch) is dropped all
        the same, and said so in a comment on the pull request (`dropped_note`), since the body stays as is.

        Args:
            files: Repository-relative paths and their full new text (UTF-8).
            branch: The branch depgate owns (`depgate/index`).
            base: The branch the pull request targets.
            base_sha: The commit the new commit goes on (the base branch's tip as checked out).
            title: The pull request's title.
            body: Its description.
            message: The commit message.
            labels: Labels for a pull request this call opens.
            dropped_note: Makes the comment's text from the id of a dropped foreign tip (None: no comment).
            accept_parent: Tells whether a branch built on another commit than `base_sha` may stay as it is.

        Returns:
            `{"commit": sha or None, "pull": number, "pull_action": created|updated|unchanged}`, plus `"dropped"`
            (the foreign tip's id) when one was dropped; None on failure.
        """
        if not files:
            raise ValueError("propose_files needs at least one file")
        result: dict[str, Any] = {"commit": None, "pull": None, "pull_action": None}
        trailer = message.rstrip().rpartition("\n")[2]
        current, foreign = self._branch_holds(branch, base_sha, files, trailer, accept_parent)
        if current is None:
            return None
        if not current:
            commit = self._commit_files(files, branch, base_sha, message)
            if commit is None:
                return None
            result["commit"] = commit
            if foreign:
                result["dropped"] = foreign
        found = self.open_pull_from(branch, base)
        if found is False:
            return None
        if isinstance(found, PullRequestInfo):
            result["pull"] = found.number
            if found.title == title and found.body == body:
                result["pull_action"] = "unchanged"
            else:
                pull = self._repo.get_pull(found.number)
                if not self._call(f"update pull request #{found.number}",
                                  lambda: pull.edit(title=title, body=body) or True, write=True):
                    return None
                result["pull_action"] = "updated"
        else:
            made = self._call(f"open the pull request from {branch}",
                              lambda: self._repo.create_pull(base=base, head=branch, title=title, body=body),
                              write=True)
            if made is None:
                return None
            result["pull"], result["pull_action"] = made.number, "created"
            names = list(labels)
            if names:
                self._call(f"label pull request #{made.number}",
                           lambda: _add_labels(self._repo.get_issue(made.number), names), write=True)
        if foreign and result["commit"] and dropped_note is not None:
            issue = self._repo.get_issue(result["pull"])
            note = dropped_note(foreign)
            self._call(f"comment on pull request #{result['pull']}", lambda: issue.create_comment(note), write=True)
        return result

    def _branch_holds(self, branch: str, base_sha: str, files: Mapping[str, str], trailer: str,
                      accept_parent: Callable[[str], bool] | None = None) -> tuple[bool | None, str | None]:
        """Whether `branch` is one commit on `base_sha` holding exactly `files` (None when that cannot be read),
        and its tip's id when that tip is not depgate's (its message does not end with `trailer`)."""
        repo = self._repo
        before = len(self.problems)
        ref = self._call(f"find branch {branch}", lambda: _loaded_ref(repo, branch), missing_ok=True)
        if ref is None:
            return (None if len(self.problems) > before else False), None
        tip = self._call(f"read the tip of {branch}", lambda: _loaded_commit(repo, ref.object.sha))
        if tip is None:
            return None, None
        foreign = None if tip.message.rstrip().endswith(trailer) else tip.sha
        parents = [p.sha for p in tip.parents]
        if foreign or len(parents) != 1:
            return False, foreign
        if parents[0] != base_sha and not (accept_parent is not None and accept_parent(parents[0])):
            return False, None
        for path, text in sorted(files.items()):
            blob = self._call(f"read {path} on {branch}", lambda path=path: _blob_sha(repo, path, branch),
                              missing_ok=True)
            if len(self.problems) > before:
                return None, None
            if blob != git_blob_id(text.encode("utf-8")):
                return False, None
        return True, None

    def _commit_files(self, files: Mapping[str, str], branch: str, base_sha: str, message: str) -> str | None:
        """Make one commit of `files` on `base_sha` and point `branch` at it; return its id, or None on failure."""
        from github import InputGitTreeElement

        repo = self._repo
        base = self._call(f"read commit {base_sha[:12]}", lambda: _loaded_commit(repo, base_sha))
        if base is None:
            return None
        elements = [InputGitTreeElement(path, "100644", "blob", content=text) for path, text in sorted(files.items())]
        tree = self._call("write the files' tree", lambda: repo.create_git_tree(elements, base.tree), write=True)
        if tree is None:
            return None
        commit = self._call("commit the files", lambda: repo.create_git_commit(message, tree, [base]), write=True)
        if commit is None:
            return None
        before = len(self.problems)
        ref = self._call(f"find branch {branch}", lambda: _loaded_ref(repo, branch), missing_ok=True)
        if len(self.problems) > before:
            return None
        if ref is None:
            moved = self._call(f"create branch {branch}",
                               lambda: repo.create_git_ref(f"refs/heads/{branch}", commit.sha) and True, write=True)
        else:
            moved = self._call(f"move branch {branch}", lambda: ref.edit(commit.sha, force=True) or True, write=True)
        return commit.sha if moved else None

    def close_pull(self, number: int, comment: str) -> bool:
        """Say why in a comment, then close pull request `number`.

        Returns:
            True when it is closed (the comment may have failed: a problem is recorded), False otherwise.
        """
        issue = self._repo.get_issue(number)
        self._call(f"comment on pull request #{number}", lambda: issue.create_comment(comment), write=True)
        pull = self._repo.get_pull(number)
        return bool(self._call(f"close pull request #{number}", lambda: pull.edit(state="closed") or True,
                               write=True))

    def delete_branch(self, branch: str) -> bool:
        """Delete `branch` (depgate's own); True when deleted or already absent."""
        repo = self._repo
        before = len(self.problems)
        ref = self._call(f"find branch {branch}", lambda: _loaded_ref(repo, branch), missing_ok=True)
        if ref is None:
            return len(self.problems) == before
        return bool(self._call(f"delete branch {branch}", lambda: ref.delete() or True, write=True))


def git_blob_id(data: bytes) -> str:
    """The id git gives a blob holding `data` (what the API reports as a file's `sha`)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _add_labels(issue: Any, names: list[str]) -> bool:
    # NOTE: PyGithub's add_to_labels posts a bare list, which GitHub tolerates but its REST description
    # does not document; send the documented `{"labels": [...]}` through PyGithub's own requester.
    issue.requester.requestJsonAndCheck("POST", f"{issue.url}/labels", input={"labels": names})
    return True


def _loaded_ref(repo: Repository, branch: str) -> Any:
    ref = repo.get_git_ref(f"heads/{branch}")
    _ = ref.object.sha  # lazy objects fetch on first read: make a missing branch fail here
    return ref


def _loaded_commit(repo: Repository, sha: str) -> Any:
    commit = repo.get_git_commit(sha)
    _ = commit.tree.sha  # lazy objects fetch on first read: make a missing commit fail here
    return commit


def _blob_sha(repo: Repository, path: str, ref: str) -> str | None:
    content = repo.get_contents(path, ref=ref)
    return None if isinstance(content, list) else content.sha


def _is_rate_limit(exc: GithubException) -> bool:
    message = exc.data.get("message", "") if isinstance(exc.data, dict) else ""
    return "rate limit" in str(message).lower()
