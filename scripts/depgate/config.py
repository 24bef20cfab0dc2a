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
import sys
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from depgate.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

YAML_PATHS = (".github/depgate.yml", ".github/depgate.yaml")
PYPROJECT = "pyproject.toml"


def _opt(default: Any, doc: str, *, choices: tuple[str, ...] = (), bounds: tuple[int, int] | None = None) -> Any:
    """Declare a configuration field with its documentation (and allowed values, or an integer's bounds)."""
    meta = {"doc": doc, "choices": choices, "bounds": bounds}
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
        ["Superseded-By", "Replaces", "Requires", "Discussion", "Updated"],
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
    )
    per_file_ignores: dict[str, list[str]] = _opt(
        {}, "Glob (relative to the repository root) to the rules ignored in matching files, for old documents."
    )
    exclude: list[str] = _opt([], "Globs of documents not linted at all.")
    severity: dict[str, str] = _opt({}, "Rule code to severity (`error`, `warning`, `info`), overriding the default.")


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
         "*.ShardingSpec", "*.ShardingStrategy", "torch.distributed.pipelining.schedules.*"],
        "Globs of base classes whose new public subclasses are new distributed strategies.",
    )
    strategy_paths: list[str] = _opt(
        ["*.module.parallelism.*", "*.pipelining.infra.schedule.program.*", "*.core.sharding.*"],
        "Module globs under which a new public module or class is a new distributed strategy.",
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
    override_marker: str = _opt(
        r"(?im)^\s*DEP:\s*none\s*[-—–:]+\s*(?P<reason>\S.*)$",
        "Regular expression that, found in the pull-request body, records a reasoned override (group `reason`).",
    )
    override_labels: list[str] = _opt(["dep-not-needed"], "Pull-request labels that record an override.")
    conventional_commits: bool = _opt(
        True,
        "Report breaking changes in a change whose title lacks `!` or a `BREAKING CHANGE:` footer.",
    )
    review_on_additions: bool = _opt(True, "Public additions alone give the verdict `review` (else `not-required`).")
    summary_template: str | None = _opt(
        None, "A jinja2 template replacing the built-in Markdown report of `depgate check` (path from the repository "
        "root, read from the base revision like the configuration).")


@dataclass(frozen=True)
class Config:
    """The whole configuration. Every section is optional."""

    proposals: ProposalsConfig = field(default_factory=ProposalsConfig, metadata={"doc": "DEP documents."})
    lint: LintConfig = field(default_factory=LintConfig, metadata={"doc": "DEP lint."})
    api: ApiConfig = field(default_factory=ApiConfig, metadata={"doc": "Public API analysis."})
    verdict: VerdictConfig = field(default_factory=VerdictConfig, metadata={"doc": "The pull-request verdict."})
    #: Where the configuration came from (`<defaults>` when no file was found); not a key.
    source: str = field(default="<defaults>", metadata={"internal": True})
    #: Notes about the configuration (e.g. an ignored pyproject table); not a key.
    notes: tuple[str, ...] = field(default=(), metadata={"internal": True})


def _key(name: str) -> str:
    return name.replace("_", "-")


def _describe(tp: Any) -> str:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
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


def _coerce(value: Any, tp: Any, key: str, source: str, choices: tuple[str, ...]) -> Any:
    """Check one value against its declared type; return it normalised."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
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
            return {k: _coerce(v, value_tp, f"{key}.{k}", source, ()) for k, v in value.items()}
    else:  # pragma: no cover - a schema mistake, not a user mistake
        raise TypeError(f"unsupported config type {tp!r}")
    if not ok:
        shown = repr(value)
        shown = shown if len(shown) <= 80 else shown[:79] + "…"  # a whole YAML document can be the value
        raise ConfigError(
            f"`{key}` must be {_describe(tp)}, not {type(value).__name__} {shown}",
            path=source,
            hint="see docs/configuration.md for every key and its type",
        )
    if choices and value not in choices:
        raise ConfigError(f"`{key}` must be one of {', '.join(choices)}, not {value!r}", path=source)
    return list(value) if origin is list else value


def _build(cls: type, data: Any, prefix: str, source: str) -> Any:
    if not isinstance(data, dict):
        what = prefix or "the configuration"
        raise ConfigError(f"`{what}` must be a table of keys, not {type(data).__name__}", path=source)
    hints = typing.get_type_hints(cls)
    fields = {_key(f.name): f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    kwargs: dict[str, Any] = {}
    for raw_key, value in data.items():
        dotted = f"{prefix}.{raw_key}" if prefix else str(raw_key)
        fld = fields.get(str(raw_key))
        if fld is None:
            known = ", ".join(sorted(fields))
            close = difflib.get_close_matches(str(raw_key), list(fields), n=1)
            guess = f"; did you mean `{close[0]}`?" if close else ""
            raise ConfigError(f"unknown key `{dotted}`{guess}", path=source, hint=f"known keys here: {known}")
        tp = hints[fld.name]
        if dataclasses.is_dataclass(tp):
            kwargs[fld.name] = _build(tp, value if value is not None else {}, dotted, source)
        else:
            kwargs[fld.name] = _coerce(value, tp, dotted, source, fld.metadata.get("choices", ()))
            bounds = fld.metadata.get("bounds")
            if bounds is not None and not bounds[0] <= kwargs[fld.name] <= bounds[1]:
                raise ConfigError(f"`{dotted}` must be between {bounds[0]} and {bounds[1]}, not {value!r}",
                                  path=source)
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
        ConfigError: an unknown key or a value of the wrong type.
    """
    config = _build(Config, {} if data is None else data, "", source)
    return dataclasses.replace(config, source=source, notes=notes)


def _load_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"not valid YAML: {problem}", path=source, line=line, hint="fix the syntax") from None
    except RecursionError:
        raise ConfigError("not valid YAML: nested too deeply", path=source, hint="flatten the structure") from None
    except Exception as exc:
        # NOTE: PyYAML's value constructors raise plain ValueError, IndexError, KeyError or AttributeError
        # for values such as `2001-13-45`, `!!int` with nothing after it or `!!bool` alone.
        raise ConfigError(f"not valid YAML: a value cannot be read ({type(exc).__name__}: {exc})", path=source,
                          hint="quote the value, or remove its `!!` tag") from None


def _load_toml_table(text: str, source: str) -> Any:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=source, hint="fix the syntax") from None
    except RecursionError:
        raise ConfigError("not valid TOML: nested too deeply", path=source, hint="flatten the structure") from None
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
