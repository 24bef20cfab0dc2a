"""The GitHub Actions runtime: the event payload, step outputs, the job summary and workflow commands.

Everything here writes to the files and streams the runner gives a step (`GITHUB_OUTPUT`,
`GITHUB_STEP_SUMMARY`, stdout for workflow commands). Untrusted text (anything from a pull request)
is made safe on the way out: outputs use a random heredoc delimiter that the value cannot contain,
workflow-command data is escaped, the summary is cut to GitHub's size limit with a note rather than
rejected, and a secret is masked before anything could print it.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from depgate.errors import UsageError
from depgate.report import github as github_report

if TYPE_CHECKING:
    from collections.abc import Mapping


#: GitHub rejects a step summary larger than this many bytes (and then shows nothing at all).
SUMMARY_LIMIT = 1024 * 1024

#: Room kept free below the limit for the truncation note and whatever other steps append.
_SUMMARY_MARGIN = 4 * 1024

_TRUNCATION_NOTE = (
    "\n\n> [!WARNING]\n"
    "> This summary was cut to stay under GitHub's 1 MiB limit ({dropped} bytes left out). "
    "The full result is in the JSON report (the `report` output of the step).\n"
)


# -- the event -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PullRequestEvent:
    """What depgate needs from a pull-request event payload.

    Attributes:
        number: The pull request's number.
        title: Its title, as the payload has it (possibly stale; see `client.GitHubClient.pull_request`).
        body: Its body (empty string when none).
        labels: Its label names.
        base_sha: The commit the pull request is compared against.
        head_sha: The pull request's head commit.
        base_ref: The target branch name.
        repository: The base repository, `owner/name`.
        head_repository: The head repository, `owner/name` (differs from `repository` for a fork).
    """

    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    base_sha: str
    head_sha: str
    base_ref: str = ""
    repository: str = ""
    head_repository: str = ""

    @property
    def from_fork(self) -> bool:
        """Whether the head branch lives in another repository (its token is then read-only).

        A head repository GitHub no longer knows (a deleted fork) counts as a fork.
        """
        return self.head_repository != self.repository


@dataclass(frozen=True)
class WorkflowRunEvent:
    """What `publish` needs from a `workflow_run` event: which run produced the report, for which commit.

    Attributes:
        run_id: The id of the workflow run that made the report.
        head_sha: The commit that run checked.
        conclusion: `success`, `failure`...
        pull_numbers: Pull requests GitHub associated with the run (empty for pull requests from forks).
        repository: The repository, `owner/name`.
        head_repository: Where the head commit lives, `owner/name`.
    """

    run_id: int
    head_sha: str
    conclusion: str
    pull_numbers: tuple[int, ...] = field(default=())
    repository: str = ""
    head_repository: str = ""


def load_event(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """Read the event payload (`GITHUB_EVENT_PATH`); an absent path gives an empty payload.

    Raises:
        UsageError: the file exists but is not a JSON object.
    """
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the event payload: {exc}", path=str(path)) from None
    if not isinstance(data, dict):
        raise UsageError("the event payload is not a JSON object", path=str(path))
    return data


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _full_name(repo: Any) -> str:
    return _str(repo.get("full_name")) if isinstance(repo, dict) else ""


def pull_request_from_event(event: Mapping[str, Any]) -> PullRequestEvent | None:
    """Extract the pull request of a `pull_request` or `pull_request_target` event, else None."""
    pr = event.get("pull_request")
    if not isinstance(pr, dict) or not isinstance(pr.get("number"), int):
        return None
    base = pr.get("base") if isinstance(pr.get("base"), dict) else {}
    head = pr.get("head") if isinstance(pr.get("head"), dict) else {}
    labels = tuple(_str(lb.get("name")) for lb in pr.get("labels") or () if isinstance(lb, dict) and lb.get("name"))
    return PullRequestEvent(
        number=pr["number"],
        title=_str(pr.get("title")),
        body=_str(pr.get("body")),
        labels=labels,
        base_sha=_str(base.get("sha")),
        head_sha=_str(head.get("sha")),
        base_ref=_str(base.get("ref")),
        repository=_full_name(base.get("repo")) or _full_name(event.get("repository")),
        head_repository=_full_name(head.get("repo")),
    )


def workflow_run_from_event(event: Mapping[str, Any]) -> WorkflowRunEvent | None:
    """Extract the triggering run of a `workflow_run` event, else None."""
    run = event.get("workflow_run")
    if not isinstance(run, dict) or not isinstance(run.get("id"), int):
        return None
    numbers = tuple(
        p["number"] for p in run.get("pull_requests") or () if isinstance(p, dict) and isinstance(p.get("number"), int)
    )
    return WorkflowRunEvent(
        run_id=run["id"],
        head_sha=_str(run.get("head_sha")),
        conclusion=_str(run.get("conclusion")),
        pull_numbers=numbers,
        repository=_full_name(run.get("repository")) or _full_name(event.get("repository")),
        head_repository=_full_name(run.get("head_repository")),
    )


# -- outputs ---------------------------------------------------------------------------------------


def _delimiter(value: str) -> str:
    """A heredoc delimiter that does not occur in the value (so the value cannot end it early)."""
    while True:
        candidate = f"depgate_{secrets.token_hex(16)}"
        if candidate not in value:
            return candidate


def format_output(name: str, value: str) -> str:
    """Format one `GITHUB_OUTPUT` entry; multi-line values use a random delimiter.

    Raises:
        ValueError: the name is empty or holds a newline or `=`... it comes from depgate, never a user.
    """
    if not name or any(c in name for c in "\r\n=<"):
        raise ValueError(f"bad output name {name!r}")
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    delimiter = _delimiter(value)
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def set_outputs(outputs: Mapping[str, str], path: str | os.PathLike[str] | None = None) -> None:
    """Append step outputs to `path` (None: `GITHUB_OUTPUT`); an empty path does nothing."""
    target = os.environ.get("GITHUB_OUTPUT") if path is None else path
    if not target:
        return
    text = "".join(format_output(name, str(value)) for name, value in outputs.items())
    with open(target, "a", encoding="utf-8", newline="") as handle:
        handle.write(text)


# -- the job summary -------------------------------------------------------------------------------


def _cut_utf8(data: bytes, limit: int) -> bytes:
    """Cut bytes to at most `limit` without splitting a UTF-8 character, preferably at a line end."""
    cut = data[:limit]
    newline = cut.rfind(b"\n")
    if newline > limit // 2:
        cut = cut[: newline + 1]
    return cut.decode("utf-8", "ignore").encode("utf-8")


def _close_open_blocks(text: str) -> str:
    """Close a code fence or `<details>` the cut left open, so the note renders as Markdown."""
    fences = sum(1 for line in text.splitlines() if line.lstrip().startswith("```"))
    if fences % 2:
        text += "\n```\n"
    opened = text.count("<details>") - text.count("</details>")
    text += "\n</details>\n" * max(opened, 0)
    return text


def fit_summary(markdown: str, limit: int = SUMMARY_LIMIT) -> str:
    """Return the summary unchanged when it fits, else cut it with a note saying so.

    The result, encoded as UTF-8, is always at most `limit - 4 KiB` bytes; it never fails.
    """
    data = markdown.encode("utf-8")
    budget = limit - _SUMMARY_MARGIN
    if len(data) <= budget:
        return markdown
    note_room = len(_TRUNCATION_NOTE) + 64
    kept = _cut_utf8(data, budget - note_room)
    text = _close_open_blocks(kept.decode("utf-8"))
    # Closing blocks may add a few bytes; cut again (rare) so the bound always holds.
    if len(text.encode("utf-8")) > budget - len(_TRUNCATION_NOTE) - 32:
        text = _cut_utf8(text.encode("utf-8"), budget - note_room - 64).decode("utf-8")
    return text + _TRUNCATION_NOTE.format(dropped=len(data) - len(text.encode("utf-8")))


def write_summary(markdown: str, path: str | os.PathLike[str] | None = None) -> str:
    """Append Markdown to the job summary at `path` (None: `GITHUB_STEP_SUMMARY`), cut to fit if needed.

    The limit is per step, so what this step already wrote counts too. Returns what was written.
    """
    target = os.environ.get("GITHUB_STEP_SUMMARY") if path is None else path
    if not target:
        return ""
    try:
        used = os.path.getsize(target)
    except OSError:
        used = 0
    text = fit_summary(markdown, max(SUMMARY_LIMIT - used, _SUMMARY_MARGIN * 4))
    with open(target, "a", encoding="utf-8", newline="") as handle:
        handle.write(text if text.endswith("\n") else text + "\n")
    return text


# -- workflow commands -----------------------------------------------------------------------------

_SEVERITY_OF = {name: severity for severity, name in github_report.LEVELS.items()}


@dataclass
class Commands:
    """Workflow commands written to a stream (stdout on a runner; a buffer in tests).

    Attributes:
        stream: Where commands go.
    """

    stream: TextIO = field(default_factory=lambda: sys.stdout)

    def _emit(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def mask(self, secret: str) -> None:
        """Ask the runner to hide a secret in every later log line (each line of it, if several)."""
        for line in github_report.mask(secret):
            self._emit(line)

    def annotate(self, level: str, message: str, *, file: str = "", line: int | None = None, title: str = "") -> None:
        """Write an `error`, `warning` or `notice` annotation (formatted by `depgate.report.github`).

        Args:
            level: `error`, `warning` or `notice`.
            message: The text.
            file: A path at head ("" for none), and `line` in it.
            line: A 1-based line.
            title: The title, as `depgate.report.github.title` makes it (default: `depgate`).
        """
        severity = _SEVERITY_OF.get(level)
        if severity is None:
            raise ValueError(f"unknown annotation level {level!r}")
        self._emit(github_report.annotation(severity, message, file=file, line=line, full_title=title or None))

    def write(self, commands: str) -> None:
        """Write commands already formatted by `depgate.report.github` (one per line)."""
        if commands:
            self.stream.write(commands if commands.endswith("\n") else commands + "\n")
            self.stream.flush()

    def warning(self, message: str, *, title: str = "") -> None:
        """Write a warning annotation."""
        self.annotate("warning", message, title=title)

    def group_start(self, title: str) -> None:
        """Open a foldable log group."""
        self._emit(github_report.command("group", title))

    def group_end(self) -> None:
        """Close the log group."""
        self._emit(github_report.command("endgroup"))

    def untrusted(self, text: str) -> None:
        """Print text that may hold `::command::` lines without the runner acting on them.

        Everything is written between `::stop-commands::TOKEN` and `::TOKEN::`, with a random token
        the text cannot know.
        """
        token = secrets.token_hex(16)
        while token in text:  # pragma: no cover - 128 random bits
            token = secrets.token_hex(16)
        self._emit(github_report.command("stop-commands", token))
        self.stream.write(text if text.endswith("\n") or not text else text + "\n")
        self._emit(github_report.command(token))

