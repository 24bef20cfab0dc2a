"""`mode: publish`: comment and label a pull request with a verdict depgate computes itself.

In the fork-safe pattern this runs in a privileged `workflow_run` job, on the report artifact of the
pull request's own, unprivileged run. A fork controls that artifact, so nothing in it is obeyed:

- the pull request is the one GitHub associates with the run, or, for a fork (GitHub lists none), the
  one the report names, and only once the API confirms it is at the run's head commit and comes from
  the run's head repository; outside `workflow_run` the API must confirm it is at the report's head;
- the verdict is recomputed: the pull request's commits are fetched as git objects (never checked
  out, never run), the configuration is read at the base commit GitHub reports, and the same library
  call as `depgate check` decides. The report is a hint; when it disagrees, that is reported;
- the comment is only looked for among the token's own comments, and is bounded in size.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from depgate import outcome as outcomes
from depgate.errors import DepgateError, GitError, UsageError
from depgate.github.action import carry_out, config_from_base, problems_summary, report_file, warn_problems
from depgate.github.runtime import pull_request_from_event, workflow_run_from_event
from depgate.report import github as github_report
from depgate.report.escape import md_code, md_inline
from depgate.report.load import load_report

if TYPE_CHECKING:
    from depgate.git import Git
    from depgate.github.action import Context
    from depgate.github.client import GitHubClient, PullRequestInfo
    from depgate.report.model import Report

#: Local namespace of the refs publish fetches (never a branch, never checked out).
REF_PREFIX = "refs/depgate"
#: The title of publish's own annotations (`depgate: publish`), from the one workflow-command writer.
TITLE = github_report.title("publish")
_BRANCH = re.compile(r"^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,250}$")


class Skip(Exception):
    """Publishing is refused for a stated reason; nothing is written."""


# -- which pull request, at which commit -----------------------------------------------------------


def _target(ctx: Context, claim_number: int | None, claim_head: str) -> tuple[int | None, str, str | None, str]:
    """Return (number, the head commit it must be at, the run's url, the head repository it must come from)."""
    run = workflow_run_from_event(ctx.event)
    if run is not None:
        # GitHub lists the pull requests of same-repository runs; for forks the list is empty and the
        # report's claim is used, but only once the API confirms that pull request is at this commit.
        number = run.pull_numbers[0] if run.pull_numbers else claim_number
        return number, run.head_sha, ctx.run_url(run.run_id), run.head_repository
    event = pull_request_from_event(ctx.event)
    if event is not None:
        return event.number, event.head_sha, ctx.run_url(), ""
    # Dispatch, schedule, push: nothing but the report names the pull request; its head must match the API's.
    if claim_number is not None and not claim_head:
        raise Skip(f"outside `workflow_run` the report must name the head commit of pull request #{claim_number}, "
                   "to be checked against the API, and it names none")
    return claim_number, claim_head, ctx.run_url(), ""


def _verify(number: int, info: PullRequestInfo, head_sha: str, head_repository: str) -> None:
    if info.state != "open":
        raise Skip(f"pull request #{number} is {md_inline(info.state, max_length=20)}, not open")
    if not head_sha or info.head_sha != head_sha:
        raise Skip(f"pull request #{number} is at {info.head_sha[:12]}, not at the checked commit {head_sha[:12]} "
                   "(a newer push, or a report that names the wrong pull request)")
    if head_repository and info.head_repository != head_repository:
        raise Skip(f"pull request #{number} comes from {info.head_repository or 'a deleted repository'}, but the "
                   f"checked run from {head_repository} (a report that names someone else's pull request)")


# -- recomputing the verdict -----------------------------------------------------------------------


def fetch_pull_request(git: Git, number: int, info: PullRequestInfo, remote: str = "origin") -> None:
    """Fetch the pull request's head and base commits as objects into `refs/depgate/`, unless already present.

    Nothing is checked out: the objects are read by `git cat-file`, parsed, never run.

    Raises:
        GitError: the commits are missing and cannot be fetched.
    """
    wanted = [(info.head_sha, f"+refs/pull/{number}/head:{REF_PREFIX}/pr-{number}")]
    if _BRANCH.match(info.base_ref):
        wanted.append((info.base_sha, f"+refs/heads/{info.base_ref}:{REF_PREFIX}/base-{number}"))
    for sha, refspec in wanted:
        if _has_commit(git, sha):
            continue
        try:
            git.run("fetch", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head", "--quiet",
                    "--end-of-options", remote, refspec)
        except GitError as exc:
            raise GitError(f"cannot fetch pull request #{number} from `{remote}`: {exc.message}", path=git.repo,
                           hint="check out this repository with actions/checkout (fetch-depth: 0) in a job with "
                           "contents: read") from None
        if not _has_commit(git, sha):
            raise GitError(f"after fetching pull request #{number}, commit {sha[:12]} is still missing (pushed "
                           "again meanwhile?)", path=git.repo, hint="re-run the publish workflow")


def _has_commit(git: Git, sha: str) -> bool:
    try:
        git.run("cat-file", "-e", "--end-of-options", f"{sha}^{{commit}}")
    except GitError:
        return False
    return True


def recompute(ctx: Context, number: int, info: PullRequestInfo) -> Report:
    """Compute the pull request's report from its commits, with the configuration of its base.

    The base is the commit GitHub reports for the pull request's base (its branch's tip), as `check`
    uses; the title, body and labels are the API's, as they are now.

    Raises:
        DepgateError: the commits cannot be fetched or read, or the configuration is invalid.
    """
    from depgate.commands.check import build_report, load_check_config, open_repository, resolve_range, trusted_sha
    from depgate.report.model import FailOn

    git = open_repository(ctx.inputs.repo_path)
    fetch_pull_request(git, number, info)
    base, head = resolve_range(git, info.base_sha, info.head_sha)
    with tempfile.TemporaryDirectory(prefix="depgate-publish-") as folder:
        explicit = config_from_base(git, ctx.inputs.config, trusted_sha(base), Path(folder))
        config = load_check_config(git, trusted_sha(base), explicit)
    return build_report(git, base, head, config=config, title=info.title, body=info.body, labels=info.labels,
                        fail_on=FailOn(ctx.inputs.fail_on))


def disagreements(hint: Report, actual: Report) -> list[str]:
    """What the uploaded report claims that the recomputed one does not (empty: they agree)."""
    out = []
    if hint.head.sha != actual.head.sha:
        out.append(f"head commit {(hint.head.sha or 'none')[:12]}, recomputed at {(actual.head.sha or '')[:12]}")
    if hint.verdict is not actual.verdict:
        out.append(f"verdict `{hint.verdict.value}`, recomputed `{actual.verdict.value}`")
    if hint.satisfied != actual.satisfied:
        out.append(f"satisfied {str(hint.satisfied).lower()}, recomputed {str(actual.satisfied).lower()}")
    if hint.failed != actual.failed:
        out.append(f"failed {str(hint.failed).lower()}, recomputed {str(actual.failed).lower()}")
    return out


# -- reviews of status changes ----------------------------------------------------------------------


def request_decider_reviews(client: GitHubClient, number: int, report: Report,
                            info: PullRequestInfo | None = None) -> str:
    """Request the deciders' review when the pull request changes a proposal's status; say what happened.

    With `info` (the pull request as the API shows it), nobody whose review is already requested is asked again (a
    second publish run makes no request and sends no notification), and the author is never asked: GitHub refuses
    an author's review (422), so that is recorded as a problem saying another decider must approve.

    Returns:
        One line for the summary (empty when the report has no status change or no deciders are configured).
    """
    from depgate.github.client import ApiProblem

    # handle as configured -> (is a team, the name GitHub takes: a login or a team's slug)
    wanted = {h: ("/" in h, h.removeprefix("@").rsplit("/", 1)[-1])
              for change in report.transitions for h in change.deciders}
    if not wanted:
        return ""
    notes = []
    if info is not None:
        author = info.author.casefold()
        if author and any(not team and name.casefold() == author for team, name in wanted.values()):
            wanted = {h: v for h, v in wanted.items() if v[0] or v[1].casefold() != author}
            others = "another decider" if wanted else "a decider other than the author (see `status.deciders`)"
            client.problems.append(ApiProblem(
                f"request a review of pull request #{number} from @{info.author}",
                f"@{info.author} opened the pull request, and GitHub does not let an author review or approve their "
                f"own pull request; {others} must approve the status change"))
            notes.append(f"not from @{info.author}, who opened it")
        asked = {(False, u.casefold()) for u in info.requested_users} | {(True, t.casefold())
                                                                           for t in info.requested_teams}
        already = [h for h, (team, name) in wanted.items() if (team, name.casefold()) in asked]
        if already:
            notes.append(f"already requested from {', '.join(already)}")
            wanted = {h: v for h, v in wanted.items() if h not in already}
    note = f" ({'; '.join(notes)})" if notes else ""
    if not wanted:
        return f"no new request{note}"
    users = [name for team, name in wanted.values() if not team]
    teams = [name for team, name in wanted.values() if team]
    who = ", ".join(wanted)
    if not client.request_reviewers(number, users, teams):  # the client records why
        return f"could not be requested from {who} (see the problems below){note}"
    return f"requested from {who}, for the status change(s){note}"


# -- the mode --------------------------------------------------------------------------------------


def run_publish(ctx: Context) -> int:
    """Comment and label a pull request with a recomputed verdict; the saved report is only a hint.

    What happens on the pull request is decided by `depgate.outcome.decide` on the recomputed report and
    carried out by the action's `carry_out`, exactly as in `mode: check`.

    Returns:
        0 when published or deliberately skipped (the summary says why), 2 when the report or the
        repository cannot be read.
    """
    loaded = load_report(report_file(ctx))
    client = ctx.client()
    if client is None:
        raise UsageError("`mode: publish` needs a token (`token: ${{ github.token }}` with pull-requests: write)")
    claim = loaded.pull_request
    claim_head = (claim.head_sha if claim else "") or loaded.report.head.sha or ""
    try:
        number, head_sha, run_url, head_repository = _target(ctx, claim.number if claim else None, claim_head)
        if not number:
            ctx.summary("### depgate publish: nothing to do\n\nThe report names no pull request.\n")
            return 0
        info = client.pull_request(number)
        if info is None:
            ctx.problems.extend(client.problems)
            ctx.summary(f"### depgate publish: skipped\n{problems_summary(ctx)}")
            warn_problems(ctx)
            return 0
        _verify(number, info, head_sha, head_repository)
    except Skip as why:
        msg = f"{why}; nothing published"
        ctx.commands.warning(msg, title=TITLE)
        ctx.summary(f"### depgate publish: skipped\n\n{md_inline(msg, max_length=400)}\n")
        return 0
    try:
        report = recompute(ctx, number, info)
    except DepgateError as exc:
        # Never fall back to the uploaded verdict: without a recomputed one, nothing is published.
        raise type(exc)(f"cannot recompute the verdict of pull request #{number}, so nothing is published: "
                        f"{exc.message}", path=exc.path, line=exc.line, hint=exc.hint) from None
    differ = disagreements(loaded.report, report)
    if differ:
        ctx.commands.warning("the uploaded report disagrees with the verdict recomputed from the commits ("
                             + "; ".join(differ) + "); the recomputed verdict is published", title=TITLE)
    outcome = outcomes.decide(report, ctx.inputs.settings)
    done = carry_out(ctx, client, outcome, report, number, info.labels, run_url)
    reviews = request_decider_reviews(client, number, report, info)
    ctx.problems.extend(client.problems)
    lines = [f"### depgate publish: pull request #{number}", "",
             f"- verdict (recomputed at {md_code((report.head.sha or '')[:12])}): {md_code(report.verdict.value)}",
             f"- comment: {md_inline(done['comment'] or 'not changed')}",
             f"- labels: {md_inline(json.dumps(done['labels']) if done['labels'] else 'not changed')}"]
    if reviews:
        lines.append(f"- reviews: {md_inline(reviews)}")
    if differ:
        lines += ["", "> [!WARNING]", "> The uploaded report disagrees with the commits; it was not used:"]
        lines += [f"> - {md_inline(d, max_length=200)}" for d in differ]
    ctx.summary("\n".join(lines) + "\n" + problems_summary(ctx))
    warn_problems(ctx)
    ctx.outputs({"verdict": report.verdict.value, "dep-required": str(report.dep_required).lower(),
                 "satisfied": str(report.satisfied).lower(),
                 "deps": ",".join(str(d.number) for d in report.deps if d.number is not None),
                 "report": str(report_file(ctx)), "comment": str(done["comment"] or ""),
                 "agrees": str(not differ).lower()})
    return 0
