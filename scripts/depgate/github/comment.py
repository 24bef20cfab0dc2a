"""The sticky pull-request comment and the labels, rendered from a report.

`publish` renders the comment from a report it computed itself (`depgate.github.publish`); the
report a pull request's run uploads is read strictly by `depgate.report.load` and used only to show
a disagreement. The rendering still treats every string as hostile, because DEP titles, paths and
messages come from the pull request: `sanitize_report` keeps only the typed fields the comment
shows, the template escapes every string, a location is linked only when its path stays inside the
repository, and the body is cut to fit GitHub's size limit, saying what was left out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import jinja2.sandbox

from depgate.errors import UsageError
from depgate.report.escape import md_code, md_inline
from depgate.report.load import is_repo_path

#: Largest report `publish` reads (a real one is far smaller).
MAX_REPORT_BYTES = 20 * 1024 * 1024
#: Rows shown per list in the comment; the job summary has the rest.
MAX_ROWS = 20
#: Longest comment body depgate writes, in characters (GitHub refuses bodies over 65,536).
MAX_COMMENT_CHARS = 60_000
VERDICTS = ("required", "review", "not-required", "proposal")
_SHA = re.compile(r"^[0-9a-f]{7,64}$")


@dataclass(frozen=True)
class Labels:
    """depgate's own label names; an empty name means that label is not used.

    Attributes:
        required: On a pull request that needs a DEP and has none that satisfies it.
        satisfied: On a pull request that needs a DEP and links one that satisfies it.
        review: On a pull request whose verdict is `review`.
    """

    required: str = "dep-required"
    satisfied: str = "dep-satisfied"
    review: str = ""

    @property
    def own(self) -> tuple[str, ...]:
        """Every label depgate manages (adds or removes); no other label is ever touched."""
        return tuple(name for name in (self.required, self.satisfied, self.review) if name)

    def wanted(self, verdict: str, satisfied: bool) -> set[str]:
        """The labels a pull request with this outcome should carry."""
        if verdict == "required":
            name = self.satisfied if satisfied else self.required
        elif verdict == "review":
            name = self.review
        else:
            name = ""
        return {name} if name else set()


def marker(key: str = "depgate") -> str:
    """The hidden first line identifying depgate's comment (`key` tells several configurations apart)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "-", key)[:64] or "depgate"
    return f"<!-- depgate:sticky-comment:{safe} -->"


def _get(data: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any) -> Any:
    value = data.get(key, default)
    return value if isinstance(value, kind) and not (kind is int and isinstance(value, bool)) else default


def _clean_list(items: Any, fields: dict[str, type | tuple[type, ...]]) -> list[dict[str, Any]]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            out.append({key: _get(item, key, kind, None) for key, kind in fields.items()})
    return out


def _sha_of(revision: Any) -> str | None:
    sha = revision.get("sha") if isinstance(revision, dict) else None
    return sha if isinstance(sha, str) and _SHA.match(sha) else None


def _with_rev(items: Any, fields: dict[str, type | tuple[type, ...]]) -> list[dict[str, Any]]:
    """Clean diagnostics and keep which revision their line is at (`base` for removals, else `head`)."""
    cleaned = _clean_list(items, fields)
    for item, raw in zip(cleaned, items if isinstance(items, list) else [], strict=False):
        details = raw.get("details") if isinstance(raw, dict) else None
        rev = details.get("rev") if isinstance(details, dict) else None
        item["rev"] = "base" if rev == "base" else "head"
    return cleaned


def sanitize_report(data: Any) -> dict[str, Any]:
    """Keep only the typed fields the comment and labels use from a (possibly forged) report.

    Raises:
        UsageError: the document is not a depgate report of a known schema version.
    """
    if not isinstance(data, dict) or data.get("schema_version") != 1:
        raise UsageError("not a depgate report of schema version 1", hint="pass the JSON report `check` wrote")
    verdict = data.get("verdict")
    if verdict not in VERDICTS:
        raise UsageError(f"the report's verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
    head_sha, base_sha = _sha_of(data.get("head")), _sha_of(data.get("base"))
    pr = data.get("pull_request") if isinstance(data.get("pull_request"), dict) else {}
    number = _get(pr, "number", int, None)
    text_fields = (str, type(None))
    return {
        "verdict": verdict,
        "dep_required": _get(data, "dep_required", bool, verdict == "required"),
        "satisfied": _get(data, "satisfied", bool, verdict != "required"),
        "failed": _get(data, "failed", bool, False),
        "headline": _get(data, "headline", str, ""),
        "head_sha": head_sha,
        "base_sha": base_sha,
        "pull_request": number if number and number > 0 else None,
        "deps": _clean_list(data.get("deps"), {"label": text_fields, "title": text_fields, "status": text_fields,
                                               "satisfies": bool, "number": (int, type(None))}),
        "reasons": _with_rev(data.get("reasons"), {"code": str, "message": str, "path": text_fields,
                                                   "line": (int, type(None))}),
        "findings": _with_rev(data.get("findings"), {"code": str, "severity": str, "message": str,
                                                     "path": text_fields, "line": (int, type(None))}),
        "override": _clean_list([data.get("override")], {"source": str, "reason": str})[:1],
        "next_steps": [s for s in _get(data, "next_steps", list, []) if isinstance(s, str)][:10],
    }


def load_report(path: str | Path) -> dict[str, Any]:
    """Read and sanitize a saved report leniently (the old `publish`; `depgate.report.load` is the strict reader).

    Raises:
        UsageError: the file is missing, too large, not JSON, or not a report.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_REPORT_BYTES:
            raise UsageError("the report is larger than any real one; refusing it", path=str(path))
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise UsageError("the report file does not exist", path=str(path),
                         hint="download the artifact the check uploaded (actions/download-artifact) first") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the report: {exc}", path=str(path)) from None
    return sanitize_report(data)


_NEXT_STEPS = {
    "write-dep": "write a DEP: `depgate new \"<title>\"`, then add the file under `deps/` to this pull request",
    "link-dep": "or link an accepted DEP by writing its number (e.g. `DEP-0008`) in the title or body",
    "override": "or record why none is needed with a line `DEP: none — <reason>` in the body (or the override label)",
    "accept-dep": "get the linked DEP accepted (its `Status`) before merging",
    "fix-references": "fix the DEP references (missing, closed or ambiguous numbers)",
    "mark-breaking": "mark the breaking change: `feat!: …` in the title, or a `BREAKING CHANGE:` footer",
    "fix-syntax": "fix the files that do not parse, so their API can be checked",
}


def _environment() -> jinja2.Environment:
    env = jinja2.sandbox.SandboxedEnvironment(autoescape=False, keep_trailing_newline=True, trim_blocks=True,
                                              lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["md_inline"] = md_inline
    env.filters["md_code"] = md_code
    return env


def render_comment(report: dict[str, Any], *, key: str = "depgate", run_url: str | None = None,
                   link_base: str | None = None) -> str:
    """Render the sticky comment for a sanitized report (the marker is its first line).

    Args:
        report: From `sanitize_report` / `load_report`.
        key: The marker key.
        run_url: The workflow run with the full job summary (built by depgate, never from the report).
        link_base: `https://github.com/OWNER/REPO` to link DEP and finding locations at the head commit.
    """
    text = resources.files("depgate.report").joinpath("templates", "comment.md.j2").read_text(encoding="utf-8")
    template = _environment().from_string(text)

    def where(item: dict[str, Any]) -> str:
        sha = report.get("base_sha") if item.get("rev") == "base" else report.get("head_sha")
        return location_md(item["path"], item["line"], link_base=link_base, sha=sha)

    rows = [dict(r, where=where(r)) for r in report["reasons"]]
    findings = [dict(f, where=where(f)) for f in report["findings"]]
    deps = report["deps"]

    def attempt(limit: int) -> str:
        body = template.render(
            marker=marker(key),
            report=report,
            reasons=rows[:limit],
            more_reasons=max(0, len(rows) - limit),
            findings=findings[:limit],
            more_findings=max(0, len(findings) - limit),
            deps=deps[:limit],
            more_deps=max(0, len(deps) - limit),
            next_steps=[_NEXT_STEPS[s] for s in report["next_steps"] if s in _NEXT_STEPS],
            run_url=run_url,
        )
        return re.sub(r"\n{3,}", "\n\n", body).strip("\n") + "\n"

    # Fewer rows until the body fits: each cell is already bounded, so 0 rows always does unless the
    # headline alone is huge, which the last resort cuts with a note.
    for limit in (MAX_ROWS, 5, 0):
        body = attempt(limit)
        if len(body) <= MAX_COMMENT_CHARS:
            return body
    where = f"the [job summary]({run_url})" if run_url else "the job summary"
    note = f"\n\n> [!WARNING]\n> This comment was cut to stay under GitHub's size limit; {where} has the rest.\n"
    return body[: MAX_COMMENT_CHARS - len(note)].rsplit("\n", 1)[0] + note


def location_md(path: str | None, line: int | None, *, link_base: str | None, sha: str | None) -> str:
    """Show `path:line` as escaped inline code, linked to that line at commit `sha` when both are known."""
    if not path:
        return "pull request"
    shown = md_code(f"{path}:{line}" if line else path)
    if not (link_base and sha and _SHA.match(sha) and is_repo_path(path)):
        return shown  # a `../` path would build a link that leaves the repository: show it, never link it
    anchor = f"#L{int(line)}" if line else ""
    return f"[{shown}]({link_base}/blob/{sha}/{quote(path, safe='/')}{anchor})"


def render_resolved(key: str = "depgate") -> str:
    """The collapsed comment left when a pull request no longer needs a DEP."""
    return (f"{marker(key)}\n<details><summary>depgate: no DEP required any more</summary>\n\n"
            "An earlier version of this pull request needed a DEP; the current one does not.\n</details>\n")
