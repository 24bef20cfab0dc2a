"""Read a saved JSON report back into the typed `Report`, strictly, as untrusted input.

The report `publish` downloads was written by a pull request's own run, so a fork controls every
byte of it. It is read in bounded steps: the file's size before anything is parsed, the nesting
depth before `json` recurses, then every field against schema version 1 (`docs/report.md`, "JSON
Schema"), by hand so that no schema library is needed at run time. An error names the field
(`reasons[3].path`) and quotes at most a short prefix of the bad value, so a 5 MB verdict cannot
become a 5 MB log line. Paths must be repository-relative (no `..`, no leading `/`), because the
comment turns them into links into the repository.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from depgate.api.contract_check import MAX_DIFF_CHARS, ContractDiff
from depgate.api.kinds import ApiChange, Category
from depgate.bump import ProjectVersion
from depgate.bump import release as release_of
from depgate.config import TRANSITION_CONDITIONS
from depgate.diagnostics import Diagnostic, Location, Severity
from depgate.errors import UsageError
from depgate.proposals.lifecycle import Transition
from depgate.report.model import (
    DONE_ITEMS,
    SCHEMA_VERSION,
    Bump,
    ChangedPath,
    DepInfo,
    DepLink,
    Done,
    DoneItem,
    FailOn,
    LinkKind,
    Naming,
    Override,
    Release,
    Report,
    Revision,
    Suggestion,
    Verdict,
)
from depgate.report.model import NEXT_STEPS as NEXT_STEP_KEYWORDS

#: Largest report read (a real one, even for a large pull request, is a few hundred kilobytes).
MAX_REPORT_BYTES = 4 * 1024 * 1024
#: Deepest nesting of arrays and objects accepted (a real report nests 5 levels).
MAX_DEPTH = 32
#: Longest string accepted in any field, in characters.
MAX_TEXT = 64 * 1024
#: Characters of a bad value quoted in an error message.
QUOTE_CHARS = 40

NEXT_STEPS = frozenset(NEXT_STEP_KEYWORDS)
FILE_STATUSES = frozenset({"A", "M", "D", "R", "C", "T", "U", "X"})
_SHA = re.compile(r"^[0-9a-f]{40,64}$")
_DIAGNOSTIC_CODE = re.compile(r"^[ADV][0-9]{3}$")
_CHANGE_CODE = re.compile(r"^A[0-9]{3}$")
_PROBLEM_CODE = re.compile(r"^V[0-9]{3}$")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_HANDLE = re.compile(r"^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]{1,100})?$")
_RELEASE_VERSION = re.compile(r"^(?:0|[1-9][0-9]{0,8})\.(?:0|[1-9][0-9]{0,8})\.(?:0|[1-9][0-9]{0,8})$")
_HINT = "pass the JSON report `depgate check` wrote (`--json-file`), unmodified"


class ReportError(UsageError):
    """A saved report is not a well-formed depgate report of a known schema version."""


@dataclass(frozen=True)
class PullRequestClaim:
    """The pull request a report says it is about (the action's additive `pull_request` key): a claim to verify.

    Attributes:
        number: The pull request's number.
        repository: The base repository, `owner/name`, as claimed.
        head_sha: The head commit, as claimed.
    """

    number: int
    repository: str
    head_sha: str


@dataclass(frozen=True)
class LoadedReport:
    """A saved report, typed.

    Attributes:
        report: The report.
        pull_request: The pull request it claims to be about, when it names one.
    """

    report: Report
    pull_request: PullRequestClaim | None = None


def quote_prefix(value: Any, limit: int = QUOTE_CHARS) -> str:
    """Show a bad value for an error message: at most `limit` characters of it, `…` when cut."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    text = value if isinstance(value, str) else json.dumps(value)
    shown = _SURROGATE.sub("\ufffd", text[:limit])  # a lone surrogate cannot be printed: show its place
    return (repr(shown) if isinstance(value, str) else shown) + ("…" if len(text) > limit else "")


def is_repo_path(path: str) -> bool:
    """Tell whether `path` is a plain repository-relative path: no `..`/`.`/empty segment, no leading `/`, no `\\`."""
    if not path or path.startswith("/") or "\\" in path or _CONTROL.search(path):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


class _Reader:
    """Typed accessors that fail with the field's place in the document."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, where: str, message: str) -> ReportError:
        return ReportError(f"the report's {where} {message}", path=self.source, hint=_HINT)

    def obj(self, value: Any, where: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, f"must be an object, not {quote_prefix(value)}")
        missing = [key for key in required if key not in value]
        if missing:
            raise self.fail(where, f"lacks the required field(s) {', '.join(missing)}")
        return value

    def array(self, value: Any, where: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, f"must be an array, not {quote_prefix(value)}")
        return value

    def text(self, value: Any, where: str, *, null: bool = False) -> Any:
        if value is None and null:
            return None
        if not isinstance(value, str):
            raise self.fail(where, f"must be a string{' or null' if null else ''}, not {quote_prefix(value)}")
        if _SURROGATE.search(value):
            raise self.fail(where, f"holds a lone surrogate (not valid Unicode text): {quote_prefix(value)}")
        if len(value) > MAX_TEXT:
            raise self.fail(where, f"is longer than {MAX_TEXT} characters: {quote_prefix(value)}")
        return value

    def integer(self, value: Any, where: str, *, null: bool = False, minimum: int | None = None) -> Any:
        if value is None and null:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or (minimum is not None and value < minimum):
            floor = f" of at least {minimum}" if minimum is not None else ""
            raise self.fail(where, f"must be an integer{floor}{' or null' if null else ''}, not {quote_prefix(value)}")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, f"must be true or false, not {quote_prefix(value)}")
        return value

    def choice(self, value: Any, where: str, allowed: Any) -> str:
        allowed = sorted(allowed)
        if not isinstance(value, str) or value not in allowed:
            raise self.fail(where, f"must be one of {', '.join(allowed)}, not {quote_prefix(value)}")
        return value

    def pattern(self, value: Any, where: str, rx: re.Pattern[str], what: str, *, null: bool = False) -> Any:
        value = self.text(value, where, null=null)
        if value is not None and not rx.match(value):
            raise self.fail(where, f"must be {what}, not {quote_prefix(value)}")
        return value

    def path(self, value: Any, where: str, *, null: bool = False, empty: bool = False) -> Any:
        value = self.text(value, where, null=null)
        if value is None or (empty and value == ""):
            return value
        if not is_repo_path(value):
            raise self.fail(where, "must be a path inside the repository (relative, no `..`), "
                            f"not {quote_prefix(value)}")
        return value


def _check_depth(data: bytes, source: str) -> None:
    """Refuse nesting deeper than `MAX_DEPTH` before `json` recurses into it (strings are skipped first)."""
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub(b'""', data)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > MAX_DEPTH:
            raise ReportError(f"the report nests arrays and objects deeper than {MAX_DEPTH} levels", path=source,
                              hint=_HINT)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            # Two `verdict`s: parsers disagree on which wins, so a forged report could read differently to each.
            raise ValueError(f"the key {quote_prefix(key)} appears twice in one object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_report(data: bytes, source: str = "<report>") -> LoadedReport:
    """Parse the bytes of a saved report strictly into a typed `Report`.

    Args:
        data: The file's bytes.
        source: How to name the file in errors.

    Raises:
        ReportError: too large, not UTF-8, not JSON, too deep, or any field outside schema version 1.
    """
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(f"the report is larger than {MAX_REPORT_BYTES} bytes; refusing to read it", path=source,
                          hint=_HINT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportError(f"the report is not UTF-8 text (byte {exc.start})", path=source, hint=_HINT) from None
    _check_depth(data, source)
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ReportError(f"the report is not JSON: {exc.msg}", path=source, line=exc.lineno, hint=_HINT) from None
    except (ValueError, RecursionError) as exc:
        raise ReportError(f"the report is not valid JSON: {str(exc)[:200]}", path=source, hint=_HINT) from None
    return _build(_Reader(source), document)


def load_report(path: str | Path) -> LoadedReport:
    """Read a saved report from disk, bounded in size before anything is parsed.

    Raises:
        ReportError: the file is missing, unreadable, too large, or not a report (see `parse_report`).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_REPORT_BYTES + 1)  # one byte more tells "too large" without reading it all
    except FileNotFoundError:
        raise ReportError("the report file does not exist", path=str(path),
                          hint="download the artifact the check uploaded (actions/download-artifact) first") from None
    except OSError as exc:
        raise ReportError(f"cannot read the report: {exc.strerror or type(exc).__name__}", path=str(path)) from None
    return parse_report(data, str(path))


_TOP = ("schema_version", "tool", "verdict", "dep_required", "satisfied", "failed", "fail_on", "headline", "base",
        "head", "title", "deps", "changes", "counts", "reasons", "findings", "problems", "suggestions", "override",
        "next_steps", "files", "analysis", "config")


def _build(r: _Reader, document: Any) -> LoadedReport:
    top = r.obj(document, "top level", ())
    if top.get("schema_version") != SCHEMA_VERSION or isinstance(top.get("schema_version"), bool):
        raise ReportError(f"not a depgate report of schema version {SCHEMA_VERSION} (its schema_version is "
                          f"{quote_prefix(top.get('schema_version'))})", path=r.source, hint=_HINT)
    r.obj(top, "top level", _TOP)
    tool = r.obj(top["tool"], "tool", ("name", "version"))
    r.choice(tool["name"], "tool.name", {"depgate"})
    verdict = Verdict(r.choice(top["verdict"], "verdict", {v.value for v in Verdict}))
    dep_required = r.boolean(top["dep_required"], "dep_required")
    if dep_required != (verdict is Verdict.REQUIRED):
        expected = str(verdict is Verdict.REQUIRED).lower()
        raise r.fail("dep_required", f"must be {expected} for the verdict {verdict.value}")
    r.text(top["headline"], "headline")
    r.obj(top["counts"], "counts", ("breaking", "abstraction", "strategy", "addition"))
    analysis = r.obj(top["analysis"], "analysis", ("packages", "modules_analysed"))
    next_steps = tuple(r.choice(step, f"next_steps[{i}]", NEXT_STEPS)
                       for i, step in enumerate(r.array(top["next_steps"], "next_steps")))
    report = Report(
        verdict=verdict,
        dep_required=dep_required,
        satisfied=r.boolean(top["satisfied"], "satisfied"),
        failed=r.boolean(top["failed"], "failed"),
        fail_on=FailOn(r.choice(top["fail_on"], "fail_on", {f.value for f in FailOn})),
        base=_revision(r, top["base"], "base"),
        head=_revision(r, top["head"], "head"),
        title=r.text(top["title"], "title"),
        deps=tuple(_dep(r, d, f"deps[{i}]") for i, d in enumerate(r.array(top["deps"], "deps"))),
        changes=tuple(_change(r, c, f"changes[{i}]") for i, c in enumerate(r.array(top["changes"], "changes"))),
        reasons=_diagnostics(r, top["reasons"], "reasons"),
        findings=_diagnostics(r, top["findings"], "findings"),
        problems=_diagnostics(r, top["problems"], "problems"),
        suggestions=tuple(_suggestion(r, s, f"suggestions[{i}]")
                          for i, s in enumerate(r.array(top["suggestions"], "suggestions"))),
        override=None if top["override"] is None else _override(r, top["override"], "override"),
        files=tuple(_file(r, f, f"files[{i}]") for i, f in enumerate(r.array(top["files"], "files"))),
        packages=tuple(r.text(p, f"analysis.packages[{i}]")
                       for i, p in enumerate(r.array(analysis["packages"], "analysis.packages"))),
        modules_analysed=r.integer(analysis["modules_analysed"], "analysis.modules_analysed", minimum=0),
        next_steps=next_steps,
        config_source=r.text(top["config"], "config"),
        tool_version=r.text(tool["version"], "tool.version"),
        naming=_naming(r, top["proposals"]) if top.get("proposals") is not None else Naming(),
        contract=_contract(r, top["contract"]) if top.get("contract") is not None else None,
        done=_done(r, top),
        transitions=_transitions(r, top),
        **_bump(r, top),
    )
    claim = None
    if top.get("pull_request") is not None:
        pr = r.obj(top["pull_request"], "pull_request", ("number",))
        claim = PullRequestClaim(
            number=r.integer(pr["number"], "pull_request.number", minimum=1),
            repository=r.text(pr.get("repository", ""), "pull_request.repository"),
            head_sha=r.pattern(pr.get("head_sha", ""), "pull_request.head_sha", re.compile(r"^(?:[0-9a-f]{40,64})?$"),
                               "a full commit id"))
    return LoadedReport(report, claim)


def _revision(r: _Reader, value: Any, where: str) -> Revision:
    rev = r.obj(value, where, ("rev", "sha"))
    return Revision(r.text(rev["rev"], f"{where}.rev"),
                    r.pattern(rev["sha"], f"{where}.sha", _SHA, "a full commit id", null=True))


def _dep(r: _Reader, value: Any, where: str) -> DepInfo:
    d = r.obj(value, where, ("number", "label", "title", "status", "path", "exists", "how", "links", "satisfies",
                             "problem"))
    for i, kind in enumerate(r.array(d["how"], f"{where}.how")):
        r.choice(kind, f"{where}.how[{i}]", {k.value for k in LinkKind})
    links = []
    for i, item in enumerate(r.array(d["links"], f"{where}.links")):
        link = r.obj(item, f"{where}.links[{i}]", ("kind", "source", "text"))
        links.append(DepLink(LinkKind(r.choice(link["kind"], f"{where}.links[{i}].kind", {k.value for k in LinkKind})),
                             r.text(link["source"], f"{where}.links[{i}].source"),
                             r.text(link["text"], f"{where}.links[{i}].text", null=True)))
    return DepInfo(
        number=r.integer(d["number"], f"{where}.number", null=True, minimum=0),
        label=r.text(d["label"], f"{where}.label", null=True),
        title=r.text(d["title"], f"{where}.title", null=True),
        status=r.text(d["status"], f"{where}.status", null=True),
        path=r.path(d["path"], f"{where}.path", null=True),
        exists=r.boolean(d["exists"], f"{where}.exists"),
        links=tuple(links),
        satisfies=r.boolean(d["satisfies"], f"{where}.satisfies"),
        problem=r.pattern(d["problem"], f"{where}.problem", _PROBLEM_CODE, "a V-code such as V102", null=True),
    )


def _change(r: _Reader, value: Any, where: str) -> ApiChange:
    c = r.obj(value, where, ("code", "kind", "category", "symbol", "path", "line", "breaking", "message", "old", "new"))
    r.boolean(c["breaking"], f"{where}.breaking")
    also = tuple(r.text(a, f"{where}.also[{i}]") for i, a in enumerate(r.array(c.get("also", []), f"{where}.also")))
    return ApiChange(
        code=r.pattern(c["code"], f"{where}.code", _CHANGE_CODE, "an A-code such as A101"),
        kind=r.text(c["kind"], f"{where}.kind"),
        category=Category(r.choice(c["category"], f"{where}.category", {k.value for k in Category})),
        symbol=r.text(c["symbol"], f"{where}.symbol"),
        path=r.path(c["path"], f"{where}.path"),
        line=r.integer(c["line"], f"{where}.line", null=True, minimum=1),
        message=r.text(c["message"], f"{where}.message"),
        old=r.text(c["old"], f"{where}.old", null=True),
        new=r.text(c["new"], f"{where}.new", null=True),
        also=also,
    )


def _diagnostics(r: _Reader, value: Any, where: str) -> tuple[Diagnostic, ...]:
    out = []
    for i, item in enumerate(r.array(value, where)):
        at = f"{where}[{i}]"
        d = r.obj(item, at, ("code", "severity", "message", "path", "line"))
        severity = r.choice(d["severity"], f"{at}.severity", {s.label for s in Severity})
        location = Location(r.path(d["path"], f"{at}.path", empty=True),
                            r.integer(d["line"], f"{at}.line", null=True, minimum=1),
                            r.integer(d["column"], f"{at}.column", minimum=1) if "column" in d else None)
        details = r.obj(d.get("details", {}), f"{at}.details")
        rev = details.get("rev")
        if rev is not None:
            r.choice(rev, f"{at}.details.rev", {"base", "head"})
        out.append(Diagnostic(
            code=r.pattern(d["code"], f"{at}.code", _DIAGNOSTIC_CODE, "a rule code such as A101 or D201"),
            severity=Severity.parse(severity), message=r.text(d["message"], f"{at}.message"), location=location,
            old=r.text(d["old"], f"{at}.old") if "old" in d else None,
            new=r.text(d["new"], f"{at}.new") if "new" in d else None,
            details=dict(details)))
    return tuple(out)


def _suggestion(r: _Reader, value: Any, where: str) -> Suggestion:
    s = r.obj(value, where, ("number", "label", "title", "status", "path", "symbols", "line"))
    return Suggestion(
        number=r.integer(s["number"], f"{where}.number", null=True, minimum=0),
        label=r.text(s["label"], f"{where}.label", null=True),
        title=r.text(s["title"], f"{where}.title", null=True),
        status=r.text(s["status"], f"{where}.status", null=True),
        path=r.path(s["path"], f"{where}.path"),
        symbols=tuple(r.text(x, f"{where}.symbols[{i}]") for i, x in enumerate(r.array(s["symbols"],
                                                                                       f"{where}.symbols"))),
        line=r.integer(s["line"], f"{where}.line", null=True, minimum=1),
    )


def _override(r: _Reader, value: Any, where: str) -> Override:
    o = r.obj(value, where, ("source", "reason", "label", "used"))
    return Override(source=r.choice(o["source"], f"{where}.source", {"body", "label"}),
                    reason=r.text(o["reason"], f"{where}.reason"),
                    label=r.text(o["label"], f"{where}.label", null=True),
                    used=r.boolean(o["used"], f"{where}.used"))


def _file(r: _Reader, value: Any, where: str) -> ChangedPath:
    f = r.obj(value, where, ("status", "path", "old_path"))
    return ChangedPath(status=r.choice(f["status"], f"{where}.status", FILE_STATUSES),
                       path=r.path(f["path"], f"{where}.path"),
                       old_path=r.path(f["old_path"], f"{where}.old_path", null=True))


def _naming(r: _Reader, value: Any) -> Naming:
    """The optional `proposals` object (added within schema version 1; an older report lacks it)."""
    n = r.obj(value, "proposals", ("prefix", "directory", "number_width", "next_number", "example", "override_line",
                                   "override_pattern", "override_labels", "accepted_statuses"))
    return Naming(
        prefix=r.text(n["prefix"], "proposals.prefix"),
        directory=r.path(n["directory"], "proposals.directory") if n["directory"] != "." else ".",
        number_width=_width(r, n["number_width"]),
        next_number=r.integer(n["next_number"], "proposals.next_number", minimum=1),
        example=r.text(n["example"], "proposals.example", null=True),
        override_line=r.text(n["override_line"], "proposals.override_line", null=True),
        override_pattern=r.text(n["override_pattern"], "proposals.override_pattern"),
        override_labels=tuple(r.text(x, f"proposals.override_labels[{i}]")
                              for i, x in enumerate(r.array(n["override_labels"], "proposals.override_labels"))),
        accepted_statuses=tuple(r.text(x, f"proposals.accepted_statuses[{i}]")
                                for i, x in enumerate(r.array(n["accepted_statuses"], "proposals.accepted_statuses"))),
    )


def _contract(r: _Reader, value: Any) -> ContractDiff:
    """The optional `contract` object (DEP-0004, added within schema version 1); its `fence` is recomputed."""
    c = r.obj(value, "contract", ("directory", "files", "stale", "diff", "omitted"))
    diff = r.text(c["diff"], "contract.diff")
    if len(diff) > MAX_DIFF_CHARS:
        raise r.fail("contract.diff", f"must be at most {MAX_DIFF_CHARS} characters, not {len(diff)}")
    return ContractDiff(
        directory=r.path(c["directory"], "contract.directory", empty=True),
        files=tuple(r.path(p, f"contract.files[{i}]") for i, p in enumerate(r.array(c["files"], "contract.files"))),
        stale=tuple(r.path(p, f"contract.stale[{i}]") for i, p in enumerate(r.array(c["stale"], "contract.stale"))),
        diff=diff, omitted=r.integer(c["omitted"], "contract.omitted", minimum=0))


_BUMPS = frozenset(b.value for b in Bump)


def _bump(r: _Reader, top: dict[str, Any]) -> dict[str, Any]:
    """The optional `bump` and `release` (added within schema version 1; an older report lacks both).

    They must agree with each other and with the verdict, so a forged report cannot show a `none` bump for a
    breaking change it also lists.
    """
    if "bump" not in top:
        if top.get("release") is not None:
            raise r.fail("release", "is given without `bump`")
        return {}
    bump = Bump(r.choice(top["bump"], "bump", _BUMPS))
    verdict = top["verdict"]
    if verdict == "proposal" and bump is not Bump.NONE:
        raise r.fail("bump", f"must be none for the verdict proposal, not {quote_prefix(bump.value)}")
    release = None
    impact = bump
    if top.get("release") is not None:
        rel = r.obj(top["release"], "release", ("version", "source", "impact", "next_version", "major_on_zero"))
        version = r.pattern(rel["version"], "release.version", _RELEASE_VERSION, "a version such as 0.16.0")
        impact = Bump(r.choice(rel["impact"], "release.impact", _BUMPS))
        release = Release(version=version, source=r.text(rel["source"], "release.source"), impact=impact,
                          next_version=r.pattern(rel["next_version"], "release.next_version", _RELEASE_VERSION,
                                                 "a version such as 0.17.0", null=True),
                          major_on_zero=r.boolean(rel["major_on_zero"], "release.major_on_zero"))
        expected, computed = release_of(impact, ProjectVersion(version, release.source), release.major_on_zero)
        if computed is None or (expected, computed.next_version) != (bump, release.next_version):
            raise r.fail("bump", f"and release.next_version must follow from release.impact {impact.value}, "
                         f"release.version {version} and release.major_on_zero")
    categories = {c.get("category") for c in r.array(top["changes"], "changes") if isinstance(c, dict)}
    floor = Bump.MAJOR if "breaking" in categories else Bump.MINOR if categories else Bump.NONE
    if impact.rank() < floor.rank():
        raise r.fail("bump", f"must be at least {floor.value} for the API changes the report lists, not "
                     f"{quote_prefix(impact.value)}")
    return {"bump": bump, "release": release}


#: Policies a report's checklist can carry (`off` gives no checklist).
_DONE_POLICIES = frozenset({"advisory", "required"})


def _done(r: _Reader, top: dict[str, Any]) -> Done | None:
    """The optional `done` checklist (added within schema version 1; an older report lacks it, null means none).

    One item of each name in order, and `failed` must follow from the policy and the items: a forged report cannot
    claim a passing checklist that its own items fail, nor a failing one the check did not fail on.
    """
    if top.get("done") is None:
        return None
    d = r.obj(top["done"], "done", ("policy", "failed", "items"))
    policy = r.choice(d["policy"], "done.policy", _DONE_POLICIES)
    items = []
    for i, value in enumerate(r.array(d["items"], "done.items")):
        at = f"done.items[{i}]"
        item = r.obj(value, at, ("item", "ok", "found", "required", "summary"))
        name = r.choice(item["item"], f"{at}.item", DONE_ITEMS)
        found = tuple(r.text(x, f"{at}.found[{j}]") for j, x in enumerate(r.array(item["found"], f"{at}.found")))
        ok = r.boolean(item["ok"], f"{at}.ok")
        if ok != (not found if name == "docstrings" else bool(found)):
            raise r.fail(f"{at}.ok", f"must be {str(not ok).lower()} for what `found` lists")
        items.append(DoneItem(name, ok, found, r.boolean(item["required"], f"{at}.required"),
                              r.text(item["summary"], f"{at}.summary")))
    names = tuple(item.item for item in items)
    if names != DONE_ITEMS:
        raise r.fail("done.items", f"must list {', '.join(DONE_ITEMS)} once each, in that order, not "
                     f"{quote_prefix(', '.join(names))}")
    done = Done(policy, tuple(items))
    if r.boolean(d["failed"], "done.failed") != done.failed:
        raise r.fail("done.failed", f"must be {str(done.failed).lower()} for its policy and items")
    if done.failed and top.get("fail_on") != FailOn.NEVER.value and top.get("failed") is not True:
        raise r.fail("failed", "must be true when the definition of done fails the check")
    return done


_TRANSITION_KEYS = ("path", "label", "from", "to", "allowed", "condition", "met", "reason", "deciders")


def _transitions(r: _Reader, top: dict[str, Any]) -> tuple[Transition, ...]:
    """The optional `transitions` (DEP-0005, added within schema version 1; absent when the change moves no status).

    `condition` and `met` must agree with `allowed` (a change no entry lists has neither; a condition is met or not),
    and a change the lifecycle refuses must have failed the check: a forged report cannot show a refused status
    change as passing.
    """
    if "transitions" not in top:
        return ()
    out = []
    for i, value in enumerate(r.array(top["transitions"], "transitions")):
        at = f"transitions[{i}]"
        t = r.obj(value, at, _TRANSITION_KEYS)
        allowed = r.boolean(t["allowed"], f"{at}.allowed")
        condition = None if t["condition"] is None else r.choice(t["condition"], f"{at}.condition",
                                                                 TRANSITION_CONDITIONS)
        met = None if t["met"] is None else r.boolean(t["met"], f"{at}.met")
        if not allowed and (condition, met) != (None, None):
            raise r.fail(at, "must have a null condition and met when the change is not allowed")
        if (condition is None) != (met is None):
            raise r.fail(f"{at}.met", "must be true or false exactly when a condition is given")
        deciders = tuple(r.pattern(x, f"{at}.deciders[{j}]", _HANDLE, "a GitHub user (@name) or team (@org/team)")
                         for j, x in enumerate(r.array(t["deciders"], f"{at}.deciders")))
        out.append(Transition(path=r.path(t["path"], f"{at}.path"), label=r.text(t["label"], f"{at}.label", null=True),
                              old=r.text(t["from"], f"{at}.from"), new=r.text(t["to"], f"{at}.to"), allowed=allowed,
                              condition=condition, met=met, reason=r.text(t["reason"], f"{at}.reason"),
                              deciders=deciders))
    if any(not t.ok for t in out) and top.get("fail_on") != FailOn.NEVER.value and top.get("failed") is not True:
        raise r.fail("failed", "must be true when the lifecycle refuses a status change")
    return tuple(out)


def _width(r: _Reader, value: Any) -> int:
    # Bounded like `proposals.number-width`: a forged width of a billion would make every label a gigabyte.
    width = r.integer(value, "proposals.number_width", minimum=1)
    if width > 9:
        raise r.fail("proposals.number_width", f"must be at most 9, not {quote_prefix(value)}")
    return width
