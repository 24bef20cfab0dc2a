"""depgate's configuration: one optional file, validated strictly.

Where it is read from, first match wins:

1. the path given with `--config`;
2. `.github/depgate.yml` (or `.github/depgate.yaml`);
3. the `[tool.depgate]` table of `pyproject.toml`.

When both 2 and 3 exist, the YAML file wins and a warning says the table is ignored. Keys are
kebab-case in both places. Unknown keys and values of the wrong type are errors that name the key.
The defaults fit d9d, so most projects need no file at all.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import reprlib
import sys
import types
import typing
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from depgate.diagnostics import Severity
from depgate.errors import ConfigError
from depgate.rules import all_rules, get_rule, matches_selector

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

YAML_PATHS = (".github/depgate.yml", ".github/depgate.yaml")
PYPROJECT = "pyproject.toml"
#: Largest configuration file read (YAML file or pyproject.toml); a real one is a few kilobytes.
MAX_CONFIG_BYTES = 1024 * 1024
#: Longest rendering of a user's value or key in an error message.
_SHOWN_CHARS = 80


# -- describing user values --------------------------------------------------------------------------------------


def _cut(text: str, limit: int = _SHOWN_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _ShortRepr(reprlib.Repr):
    """`repr` that stops at a few levels and items, so a huge or deep value is never rendered whole."""

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdict = 4
        self.maxstring = self.maxother = self.maxlong = _SHOWN_CHARS

    def repr_int(self, x: int, level: int) -> str:
        # NOTE: `repr` of an integer past 4300 digits raises ValueError; YAML and TOML hex literals have no such limit.
        if x.bit_length() > 128:
            return f"<an integer of {x.bit_length()} bits>"
        return super().repr_int(x, level)


_SHORT_REPR = _ShortRepr()


def _show(value: Any) -> str:
    """Describe a user's value in at most 80 characters, without ever rendering all of it."""
    return _cut(_SHORT_REPR.repr(value))


def _name(key: Any) -> str:
    """Show a user's key (any YAML scalar) in at most 80 characters."""
    return _cut(key) if isinstance(key, str) else _show(key)


# -- values with a syntax, checked once at load ------------------------------------------------------------------


def compile_regex(pattern: str, key: str, source: str | None = None) -> re.Pattern[str]:
    """Compile a regex-valued key.

    Args:
        pattern: The configured regular expression.
        key: The dotted key it came from, for the message.
        source: The configuration file, for the message.

    Returns:
        The compiled pattern.

    Raises:
        ConfigError: the value is not a valid regular expression.
    """
    try:
        with warnings.catch_warnings():  # `re` warns of future meanings (`[[`) on stderr, mid-report
            warnings.simplefilter("ignore")
            return re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        where = f" at position {exc.pos}" if isinstance(exc, re.error) and exc.pos is not None else ""
        problem = exc.msg if isinstance(exc, re.error) else "too complex"
        raise ConfigError(f"`{key}` is not a valid regular expression ({problem}{where}): {_show(pattern)}",
                          path=source, hint="fix the pattern; Python `re` syntax") from None


def _check_regex(value: str, key: str, source: str) -> None:
    compile_regex(value, key, source)


def check_selectors(value: typing.Iterable[str], key: str, source: str) -> None:
    """Check that every rule selector names a rule (a code, a code prefix or a rule name).

    Raises:
        ConfigError: one names no rule; the message shows it, cut to a readable length.
    """
    codes = [rule.code for rule in all_rules()]
    for selector in value:
        if not selector or not any(matches_selector(code, [selector]) for code in codes):
            raise ConfigError(f"`{key}` names no known rule: {_show(selector)}", path=source,
                              hint="use a rule code (`D203`), a code prefix (`D2`) or a rule name; "
                                   "`depgate rules` lists them")


def _check_selector_table(value: dict[str, list[str]], key: str, source: str) -> None:
    for glob, selectors in value.items():
        check_selectors(selectors, f"{key}.{_cut(glob)}", source)


def _check_severities(value: dict[str, str], key: str, source: str) -> None:
    for code, name in value.items():
        try:
            get_rule(code)
        except KeyError:
            raise ConfigError(f"`{key}.{_cut(code)}` names no known rule", path=source,
                              hint="use a rule code such as `D102`; `depgate rules` lists them") from None
        try:
            Severity.parse(name)
        except ValueError:
            names = ", ".join(member.label for member in Severity)
            raise ConfigError(f"`{key}.{_cut(code)}` must be one of {names}, not {_show(name)}",
                              path=source) from None


# -- the schema ---------------------------------------------------------------------------------------------------


def _opt(default: Any, doc: str, *, choices: tuple[str, ...] = (), bounds: tuple[int, int] | None = None,
         check: typing.Callable[[Any, str, str], None] | None = None) -> Any:
    """Declare a configuration field with its documentation.

    Args:
        default: The default value (a list or dict is copied for each instance).
        doc: One sentence for docs/configuration.md.
        choices: The allowed values of a string.
        bounds: The inclusive bounds of an integer.
        check: `check(value, key, source)` raises ConfigError when a value's syntax is wrong; run at load.
    """
    meta = {"doc": doc, "choices": choices, "bounds": bounds, "check": check}
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ProposalsConfig:
    """Where DEP documents live and what their headers may hold (`[proposals]`)."""

    directory: str = _opt("deps", "Folder holding the DEP documents, relative to the repository root.")
    template: str = _opt(
        "TEMPLATE.md",
        "Template file inside `directory`; exempt from lint, source of the required sections.",
    )
    index: str = _opt("INDEX.md", "Generated index file inside `directory`.")
    index_json: str | None = _opt(
        "index.json",
        "Machine-readable index inside `directory`, written and checked with `index` (null: none). Its schema is "
        "docs/index.schema.json.",
    )
    index_template: str | None = _opt(
        None,
        "A jinja2 template replacing the built-in index template (path from the repository root).",
    )
    prefix: str = _opt("DEP", "Document prefix used in headings and references (`DEP-0008`).")
    # NOTE: a DEP header holds at most 9 digits (`parse_number`); 0 or a negative width breaks formatting.
    number_width: int = _opt(4, "Digits in a document number (`0008`).", bounds=(1, 9))
    required_headers: list[str] = _opt(
        ["DEP", "Title", "Author", "Status", "Type", "Created"],
        "Headers every document must have, in this order.",
    )
    optional_headers: list[str] = _opt(
        ["Superseded-By", "Replaces", "Requires", "Discussion", "Updated", "Implementation"],
        "Headers a document may have after the required ones.",
    )
    statuses: list[str] = _opt(
        ["Draft", "Accepted", "Implemented", "Active", "Rejected", "Withdrawn", "Superseded"],
        "Allowed values of `Status`.",
    )
    types: list[str] = _opt(["Feature", "Process", "Informational"], "Allowed values of `Type`.")


@dataclass(frozen=True)
class LintConfig:
    """Which DEP lint findings to report (`[lint]`)."""

    ignore: list[str] = _opt(
        [],
        "Rule codes, code prefixes or names never reported (`D203`, `D2`, `template-placeholder`).",
        check=check_selectors,
    )
    per_file_ignores: dict[str, list[str]] = _opt(
        {}, "Glob (relative to the repository root) to the rules ignored in matching files, for old documents.",
        check=_check_selector_table,
    )
    exclude: list[str] = _opt([], "Globs of documents not linted at all.")
    severity: dict[str, str] = _opt({}, "Rule code to severity (`error`, `warning`, `info`), overriding the default.",
                                    check=_check_severities)


@dataclass(frozen=True)
class ApiConfig:
    """What counts as public API and as a distributed strategy (`[api]`)."""

    packages: list[str] = _opt(
        [],
        "Top-level packages to analyse; empty means every package found under `source-roots`.",
    )
    source_roots: list[str] = _opt([".", "src"], "Folders holding the packages.")
    public: str = _opt(
        "all",
        "Public-surface policy: `all` (what each package's `__init__` lists in `__all__`, d9d's rule) or "
        "`underscore` (every name without a leading underscore).",
        choices=("all", "underscore"),
    )
    internal: list[str] = _opt(["*.internals", "*.internals.*", "*._*"], "Module globs that are never public.")
    exclude: list[str] = _opt(["tests", "tests.*", "test", "test.*", "docs", "docs.*", "examples", "examples.*"],
                              "Module globs never analysed.")
    strategy_bases: list[str] = _opt(
        ["*.ModelParallelStrategy", "*.ParallelStrategy", "*.PipelineSchedule", "*.PipelineProgramBuilder",
         "*.ShardingSpec", "*.ShardingStrategy", "*.ParallelStyle", "torch.distributed.pipelining.schedules.*"],
        "Globs of base classes whose new public subclasses are new distributed strategies (A202).",
    )
    strategy_functions: list[str] = _opt(
        ["*.module.parallelism.api.parallelize_*", "*.module.parallelism.api.*.parallelize_*"],
        "Globs of functions (public path or where defined) that are distributed strategies: a new public one "
        "is a new strategy (A206). A function that only calls existing strategies elsewhere (a model's "
        "parallelize plan) is not.",
    )
    strategy_paths: list[str] = _opt(
        ["*.module.parallelism.*", "*.pipelining.infra.schedule.program.*", "*.core.sharding.*"],
        "Module globs where a new module is a new strategy module (A203) when it defines a strategy "
        "implementation: a subclass of `strategy-bases` or a function matching `strategy-functions`. Being "
        "under one of these paths alone no longer makes a module or class a strategy.",
    )
    major_new_package_classes: int = _opt(
        2,
        "A new public package exporting at least this many new classes is a new public subsystem (A204); "
        "0 turns the rule off.",
        bounds=(0, 1_000_000),
    )
    major_exclude: list[str] = _opt(
        ["*.module.model.*", "*.module.parallelism.model.*", "*.module.block.*", "*.kernel.*"],
        "Package globs where a new package is a leaf addition (a model, a block, a kernel), never a new public "
        "subsystem.",
    )
    extension_hooks: list[str] = _opt(
        ["register_*", "on_*", "*_hook", "*_hooks"],
        "Method-name globs: a new public method with such a name on an existing abstraction (an ABC at the base "
        "revision) is a new extension point (A205).",
    )
    external_members: dict[str, list[str]] = _opt(
        {"*.Stateful": ["load_state_dict", "state_dict"]},
        "What depgate cannot read of base classes outside the analysed packages: base-class glob -> the members it "
        "declares. A Protocol or ABC that re-declares them (or drops that base while declaring them all) keeps its "
        "contract, so no A112 or A113 is reported for them. d9d's default: torch's `Stateful` protocol.",
    )
    contract_dir: str = _opt(
        "api",
        "Folder of the committed API files (`depgate api --write`, DEP-0004), relative to the repository root. "
        "`depgate check` compares them with the code at head (A910) when the folder holds one at the base or the head "
        "revision; `depgate api --output-dir` overrides it for one run.",
    )
    deprecation_policy: str = _opt(
        "advisory",
        "Removal only after deprecation: a public object removed or broken without being deprecated at the base "
        "revision is A920. `advisory` reports it as a warning, `required` makes it an error that fails the check "
        "(an override lets it pass), `off` does not look.",
        choices=("off", "advisory", "required"),
    )
    experimental: list[str] = _opt(
        [],
        "Public-path globs of the experimental tier (`d9d.experimental`, `*.preview.*`): a breaking change to an "
        "object at or under a matching path is reported but makes the verdict `review`, not `required`, and is "
        "never A920. The API file marks the tier.",
    )


@dataclass(frozen=True)
class VerdictConfig:
    """How a pull request's verdict is decided and satisfied (`[verdict]`)."""

    accepted_statuses: list[str] = _opt(
        ["Accepted", "Implemented", "Active"],
        "Statuses of a linked DEP that satisfy a required DEP.",
    )
    any_status_when_added: bool = _opt(
        True,
        "A DEP added by the same change satisfies the requirement whatever its status.",
    )
    error_statuses: list[str] = _opt(
        ["Rejected", "Withdrawn", "Superseded"],
        "Statuses that make a reference an error.",
    )
    warning_statuses: list[str] = _opt(["Draft"], "Statuses that make a reference a warning.")
    override_marker: str | None = _opt(
        None,
        "Regular expression that, found in the pull-request body, records a reasoned override (group `reason`). "
        "Null (the default) follows `proposals.prefix`: a line `RFC: none — <reason>` with `prefix: RFC`, and only "
        "that word; a configured marker wins.",
        check=_check_regex,
    )
    override_labels: list[str] | None = _opt(
        None,
        "Pull-request labels that record an override. Null (the default) follows `proposals.prefix`: "
        "`dep-not-needed`, or `rfc-not-needed` with `prefix: RFC`; a configured list wins (`[]` for none).",
    )
    conventional_commits: bool | str = _opt(
        "auto",
        "Report breaking changes in a change whose title lacks `!` or a `BREAKING CHANGE:` footer (V106): true, "
        "false, or `auto`: only when the base branch uses Conventional Commits (at least half, and at least 3, of "
        "its 20 most recent non-merge commit subjects follow the grammar).",
        choices=("auto",),
    )
    major_on_zero: bool | str = _opt(
        "auto",
        "Under a 0.x version, whether a breaking change's bump is `major` (true: 0.16.0 -> 1.0.0) or `minor` "
        "(false: 0.16.0 -> 0.17.0), as python-semantic-release's `major_on_zero` decides; `auto` reads that setting "
        "from `[tool.semantic_release]` in pyproject.toml at the base revision (semantic-release's default, true, "
        "when it is unset).",
        choices=("auto",),
    )
    review_on_additions: bool = _opt(True, "Public additions alone give the verdict `review` (else `not-required`).")
    summary_template: str | None = _opt(
        None, "A jinja2 template replacing the built-in Markdown report of `depgate check` (path from the repository "
        "root, read from the base revision like the configuration).")

    @functools.cached_property
    def override_pattern(self) -> re.Pattern[str]:
        """`override_marker`, compiled (checked at load; a `VerdictConfig` built in code is checked here).

        Raises:
            ConfigError: the marker is not a valid regular expression.
        """
        marker = override_marker_for("DEP") if self.override_marker is None else self.override_marker
        return compile_regex(marker, "verdict.override-marker")


def override_marker_for(prefix: str) -> str:
    """The default `verdict.override-marker` of a prefix: a body line `RFC: none — <reason>` for `RFC`."""
    return rf"(?im)^\s*{re.escape(prefix)}:\s*none\s*[-—–:]+\s*(?P<reason>\S.*)$"


def _check_done_items(value: list[str], key: str, source: str) -> None:
    # Imported here: the report model costs every command's start-up ~10 ms, and only a configured
    # `done.require` needs it.
    from depgate.report.model import DONE_ITEMS

    for item in value:
        if item not in DONE_ITEMS:
            raise ConfigError(f"`{key}` names {_show(item)}, which is not an item of the checklist", path=source,
                              hint=f"use some of: {', '.join(DONE_ITEMS)}")


@dataclass(frozen=True)
class DoneConfig:
    """DEP-0001's definition of done: the checklist of a change that needs or implements a DEP (`[done]`)."""

    policy: str = _opt(
        "advisory",
        "`advisory` shows the checklist (implementation, tests, docstrings, docs) for a change that needs or links "
        "a DEP and never fails on it; `required` fails the check when an item of `require` is missing; `off` shows "
        "no checklist and does not report A930. d9d's DEP-0001 (a feature is done with its code, tests, docstrings "
        "and docs) reads `policy: required` with the default `require`.",
        choices=("off", "advisory", "required"),
    )
    require: list[str] = _opt(
        ["tests", "docstrings", "docs"],
        "The checklist items that fail the check under `policy: required` (`implementation`, `tests`, `docstrings`, "
        "`docs`).",
        check=_check_done_items,
    )
    tests: list[str] = _opt(
        ["tests/**", "test_*.py", "*_test.py"],
        "Globs of test files (from the repository root; a glob without `/` matches the file name in any folder, "
        "`**` any number of folders).",
    )
    docs: list[str] = _opt(["docs/**"], "Globs of documentation files, matched like `done.tests`.")


#: The conditions a lifecycle transition may carry (`Draft -> Accepted: proposals-only`).
TRANSITION_CONDITIONS = ("proposals-only", "implementation", "successor", "after-implementation")
_TRANSITION = re.compile(r"^\s*(?P<old>[^\s:>-][^:>]*?|\*)\s*->\s*(?P<new>[^\s:*][^:]*?)\s*(?::\s*(?P<cond>\S+)\s*)?$")


def parse_transition(text: str) -> tuple[str, str, str | None]:
    """Read one `status.lifecycle` entry: `Old -> New` or `Old -> New: condition` (`*` for any old status).

    Raises:
        ValueError: the entry does not follow that grammar or names an unknown condition.
    """
    match = _TRANSITION.match(text) if len(text) <= 200 else None
    if match is None:
        raise ValueError("must read `Old -> New` or `Old -> New: condition`")
    cond = match.group("cond")
    if cond is not None and cond not in TRANSITION_CONDITIONS:
        raise ValueError(f"names no known condition ({', '.join(TRANSITION_CONDITIONS)})")
    return match.group("old"), match.group("new"), cond


def _check_lifecycle(value: list[str], key: str, source: str) -> None:
    for item in value:
        try:
            parse_transition(item)
        except ValueError as exc:
            raise ConfigError(f"`{key}` entry {_show(item)} {exc}", path=source,
                              hint="write `Draft -> Accepted: proposals-only`; conditions: "
                                   + ", ".join(TRANSITION_CONDITIONS)) from None


def _check_handles(value: list[str], key: str, source: str) -> None:
    for item in value:
        if not re.fullmatch(r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[A-Za-z0-9_.-]{1,100})?", item):
            raise ConfigError(f"`{key}` entry {_show(item)} is not a GitHub user (`@name`) or team (`@org/team`)",
                              path=source)


@dataclass(frozen=True)
class StatusConfig:
    """The proposals' lifecycle: which status changes are allowed, who decides, and the nudges (`[status]`)."""

    draft: str = _opt("Draft", "The status of a proposal open for discussion.")
    accepted: str = _opt("Accepted", "The status of a proposal maintainers agreed to, not yet implemented.")
    implemented: str = _opt("Implemented", "The status of a proposal whose implementation has merged.")
    superseded: str = _opt("Superseded", "The status of a proposal replaced by another (named in `Superseded-By`).")
    lifecycle: list[str] = _opt(
        ["Draft -> Accepted: proposals-only", "Draft -> Rejected", "Draft -> Withdrawn",
         "Accepted -> Implemented: implementation", "Draft -> Implemented: after-implementation",
         "* -> Superseded: successor"],
        "The status changes a pull request may make, one `Old -> New` or `Old -> New: condition` each (`*`: any "
        "old status). Conditions: `proposals-only` (the pull request changes only proposal documents), "
        "`implementation` (it changes code, or the implementation is already on the default branch), `successor` "
        "(`Superseded-By` names an existing proposal), `after-implementation` (it changes only proposals and the "
        "implementation is already on the default branch: the record catching up, as `depgate status --write` and the "
        "scheduled index job do for a Draft whose acceptance was skipped). A change not listed is reported (V120).",
        check=_check_lifecycle,
    )
    deciders: list[str] = _opt(
        [], "GitHub users (`@name`) or teams (`@org/team`), one of whom must approve a status change; `publish` "
            "requests their review. Empty: no one is named.", check=_check_handles)
    stale_draft_days: int = _opt(90, "A draft no commit touched for this many days is listed as stale (0: never).",
                                 bounds=(0, 36500))
    infer: bool = _opt(True, "Look for implementations that do not cite the proposal: changes that added public "
                             "symbols the proposal names. Such evidence is proposed, never written by `--write`.")


@dataclass(frozen=True)
class Config:
    """The whole configuration. Every section is optional."""

    proposals: ProposalsConfig = field(default_factory=ProposalsConfig, metadata={"doc": "DEP documents."})
    lint: LintConfig = field(default_factory=LintConfig, metadata={"doc": "DEP lint."})
    api: ApiConfig = field(default_factory=ApiConfig, metadata={"doc": "Public API analysis."})
    verdict: VerdictConfig = field(default_factory=VerdictConfig, metadata={"doc": "The pull-request verdict."})
    done: DoneConfig = field(default_factory=DoneConfig, metadata={"doc": "DEP-0001's definition of done."})
    status: StatusConfig = field(default_factory=StatusConfig, metadata={"doc": "The proposals' lifecycle."})
    #: Where the configuration came from (`<defaults>` when no file was found); not a key.
    source: str = field(default="<defaults>", metadata={"internal": True})
    #: Notes about the configuration (e.g. an ignored pyproject table); not a key.
    notes: tuple[str, ...] = field(default=(), metadata={"internal": True})

    def __post_init__(self) -> None:
        # A marker left unset speaks the repository's own prefix; resolved here so every reader sees a string.
        if self.verdict.override_marker is None:
            verdict = dataclasses.replace(self.verdict, override_marker=override_marker_for(self.proposals.prefix))
            object.__setattr__(self, "verdict", verdict)
        if self.verdict.override_labels is None:
            labels = [f"{self.proposals.prefix.lower()}-not-needed"]
            object.__setattr__(self, "verdict", dataclasses.replace(self.verdict, override_labels=labels))


def _key(name: str) -> str:
    return name.replace("_", "-")


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if _is_union(tp) and type(None) not in args:
        return " or ".join(_describe(a) for a in args)
    if type(None) in args:
        (inner,) = [a for a in args if a is not type(None)]
        return _describe(inner) + " or null"
    if tp is str:
        return "a string"
    if tp is int:
        return "an integer"
    if tp is bool:
        return "true or false"
    if origin is list:
        return "a list of strings"
    if origin is dict:
        return "a table"
    return str(tp)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _member_for(value: Any, args: tuple[Any, ...]) -> Any:
    """The member of a union (`bool | str`) whose Python type the value has, else None."""
    for member in args:
        if member is bool and isinstance(value, bool):
            return member
        if member is str and isinstance(value, str):
            return member
        if member is int and isinstance(value, int) and not isinstance(value, bool):
            return member
    return None


def _coerce(value: Any, tp: Any, key: str, source: str, choices: tuple[str, ...]) -> Any:
    """Check one value against its declared type; return it normalised.

    A union other than `X | None` (`bool | str`) takes the member matching the value's type; `choices` then
    constrain the string member only.
    """
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is str and value is False and "off" in choices:
        # YAML 1.1 reads a bare `off` as false; for a policy whose choices include "off" that is what was meant.
        return "off"
    if _is_union(tp) and type(None) not in args:
        member = _member_for(value, args)
        if member is None:
            allowed = f" ({', '.join(choices)})" if choices else ""
            raise ConfigError(f"`{key}` must be {_describe(tp)}{allowed}, not {type(value).__name__} {_show(value)}",
                              path=source, hint="see docs/configuration.md for every key and its type")
        return _coerce(value, member, key, source, choices if member is str else ())
    if type(None) in args:
        if value is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _coerce(value, inner, key, source, choices)
    if tp is bool:
        ok = isinstance(value, bool)
    elif tp is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif tp is str:
        ok = isinstance(value, str)
    elif origin is list:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif origin is dict:
        value_tp = args[1]
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            ok = False
        else:
            return {k: _coerce(v, value_tp, f"{key}.{_cut(k)}", source, ()) for k, v in value.items()}
    else:  # pragma: no cover - a schema mistake, not a user mistake
        raise TypeError(f"unsupported config type {tp!r}")
    if not ok:
        raise ConfigError(
            f"`{key}` must be {_describe(tp)}, not {type(value).__name__} {_show(value)}",
            path=source,
            hint="see docs/configuration.md for every key and its type",
        )
    if choices and value not in choices:
        raise ConfigError(f"`{key}` must be one of {', '.join(choices)}, not {_show(value)}", path=source)
    return list(value) if origin is list else value


def _build(cls: type, data: Any, prefix: str, source: str) -> Any:
    if not isinstance(data, dict):
        what = prefix or "the configuration"
        raise ConfigError(f"`{what}` must be a table of keys, not {type(data).__name__}", path=source)
    hints = typing.get_type_hints(cls)
    fields = {_key(f.name): f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    kwargs: dict[str, Any] = {}
    for raw_key, value in data.items():
        shown = _name(raw_key)
        dotted = f"{prefix}.{shown}" if prefix else shown
        fld = fields.get(raw_key) if isinstance(raw_key, str) else None
        if fld is None:
            known = ", ".join(sorted(fields))
            close = difflib.get_close_matches(shown, list(fields), n=1)
            guess = f"; did you mean `{close[0]}`?" if close else ""
            raise ConfigError(f"unknown key `{dotted}`{guess}", path=source, hint=f"known keys here: {known}")
        tp = hints[fld.name]
        if dataclasses.is_dataclass(tp):
            kwargs[fld.name] = _build(tp, value if value is not None else {}, dotted, source)
        else:
            kwargs[fld.name] = _coerce(value, tp, dotted, source, fld.metadata.get("choices", ()))
            bounds = fld.metadata.get("bounds")
            if bounds is not None and not bounds[0] <= kwargs[fld.name] <= bounds[1]:
                raise ConfigError(f"`{dotted}` must be between {bounds[0]} and {bounds[1]}, not {_show(value)}",
                                  path=source)
            check = fld.metadata.get("check")
            if check is not None and kwargs[fld.name] is not None:
                check(kwargs[fld.name], dotted, source)
    return cls(**kwargs)


def parse_config(data: Any, source: str, notes: tuple[str, ...] = ()) -> Config:
    """Validate already-decoded configuration data.

    Args:
        data: The decoded mapping (from YAML or TOML), or None for an empty file.
        source: The file it came from, for error messages.
        notes: Notes to carry along (shown to the user).

    Returns:
        The configuration.

    Raises:
        ConfigError: an unknown key, a value of the wrong type, or a value whose syntax is wrong (a regular
            expression that does not compile, a lint selector naming no rule).
    """
    config = _build(Config, {} if data is None else data, "", source)
    return dataclasses.replace(config, source=source, notes=notes)


class _AnchorRefused(yaml.YAMLError):
    """An anchor or alias met while composing; raised before any node is built or shared."""

    def __init__(self, event: yaml.Event):
        super().__init__()
        self.sigil = "*" if isinstance(event, yaml.AliasEvent) else "&"
        self.name = str(event.anchor)
        self.mark = event.start_mark


class _PlainLoader(yaml.SafeLoader):
    """The safe loader without anchors and aliases: depgate's configuration has no use for them, and an alias
    that nests others (a "billion laughs" document) describes a value exponentially larger than its file."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _AnchorRefused(event)
        return super().compose_node(parent, index)


def _check_size(text: str, source: str) -> None:
    if len(text) > MAX_CONFIG_BYTES:  # characters, not bytes, but a bound is what matters
        raise ConfigError(f"the configuration file is larger than {MAX_CONFIG_BYTES // 1024} KiB", path=source,
                          hint="a depgate configuration is a few lines; check that this is the right file")


def _load_yaml(text: str, source: str) -> Any:
    _check_size(text, source)
    try:
        return yaml.load(text, Loader=_PlainLoader)  # noqa: S506  # nosec B506 - a SafeLoader subclass, see SECURITY.md
    except _AnchorRefused as exc:
        what = "alias" if exc.sigil == "*" else "anchor"
        raise ConfigError(f"YAML {what} `{exc.sigil}{_cut(exc.name, 40)}` at line {exc.mark.line + 1}, column "
                          f"{exc.mark.column + 1} is not supported", path=source, line=exc.mark.line + 1,
                          hint="write the value out; anchors and aliases are not supported") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"not valid YAML: {_cut(problem)}", path=source, line=line, hint="fix the syntax") from None
    except RecursionError:
        raise ConfigError("not valid YAML: nested too deeply", path=source, hint="flatten the structure") from None
    except Exception as exc:
        # NOTE: PyYAML's value constructors raise plain ValueError, IndexError, KeyError or AttributeError
        # for values such as `2001-13-45`, `!!int` with nothing after it or `!!bool` alone.
        raise ConfigError(f"not valid YAML: a value cannot be read ({type(exc).__name__}: {_cut(str(exc))})",
                          path=source, hint="quote the value, or remove its `!!` tag") from None


def _load_toml_table(text: str, source: str) -> Any:
    _check_size(text, source)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {_cut(str(exc))}", path=source, hint="fix the syntax") from None
    except RecursionError:
        raise ConfigError("not valid TOML: nested too deeply", path=source, hint="flatten the structure") from None
    except ValueError as exc:
        # NOTE: an integer of more than 4300 decimal digits is a ValueError from `int`, not a TOMLDecodeError.
        raise ConfigError(f"not valid TOML: a value cannot be read ({_cut(str(exc))})", path=source,
                          hint="shorten the value") from None
    return doc.get("tool", {}).get("depgate") if isinstance(doc.get("tool"), dict) else None


def load_config_from(read: typing.Callable[[str], str | None], explicit: str | None = None) -> Config:
    """Find and load the configuration through a reader, so it can come from disk or from a git revision.

    Args:
        read: Returns a repository-relative file's text, or None when it does not exist.
        explicit: A path given with `--config`; it must exist.

    Returns:
        The configuration, or the defaults when there is no file.

    Raises:
        ConfigError: the file is unreadable or invalid.
    """
    if explicit is not None:
        text = read(explicit)
        if text is None:
            raise ConfigError("configuration file not found", path=explicit, hint="check the --config path")
        if explicit.endswith(".toml"):
            return parse_config(_load_toml_table(text, explicit), explicit)
        return parse_config(_load_yaml(text, explicit), explicit)
    pyproject_text = read(PYPROJECT)
    pyproject_table = _load_toml_table(pyproject_text, PYPROJECT) if pyproject_text is not None else None
    for path in YAML_PATHS:
        text = read(path)
        if text is not None:
            notes: tuple[str, ...] = ()
            if pyproject_table is not None:
                notes = (f"{PYPROJECT}: [tool.depgate] is ignored because {path} exists (the YAML file wins)",)
            return parse_config(_load_yaml(text, path), path, notes)
    if pyproject_table is not None:
        return parse_config(pyproject_table, f"{PYPROJECT} [tool.depgate]")
    return Config()


def load_config(root: Path, explicit: str | None = None) -> Config:
    """Load the configuration from a directory on disk (see `load_config_from`)."""

    def read(rel: str) -> str | None:
        path = Path(rel) if Path(rel).is_absolute() else root / rel
        if not path.is_file():
            return None
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the configuration: {exc}", path=rel) from None

    return load_config_from(read, explicit)


def iter_options(cls: type = Config, prefix: str = "") -> typing.Iterator[tuple[str, str, Any, str]]:
    """Yield `(dotted key, type description, default, doc)` for every key, for generated docs."""
    hints = typing.get_type_hints(cls)
    for fld in dataclasses.fields(cls):
        if fld.metadata.get("internal"):
            continue
        key = f"{prefix}.{_key(fld.name)}" if prefix else _key(fld.name)
        tp = hints[fld.name]
        if dataclasses.is_dataclass(tp):
            yield from iter_options(tp, key)
            continue
        default = fld.default if fld.default is not dataclasses.MISSING else fld.default_factory()  # type: ignore[misc]
        yield key, _describe(tp), default, fld.metadata.get("doc", "")
