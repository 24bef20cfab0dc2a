"""Fuzz target: the configuration loader on arbitrary YAML and TOML text and decoded structures.

Whatever the file holds, `load_config_from` returns a valid `Config` or raises `ConfigError` with a
message of bounded length; nothing else escapes (no traceback for a user's typo). A `Config` it
returns is valid all the way down: every value has its declared type, its regular expressions are
compiled, and the index and lint accept it without a `ConfigError` (selectors are checked at load).

Budget: `DEPGATE_FUZZ_EXAMPLES` examples per test (see `fuzz_support`). Every file of
`corpus/config/` is replayed as a regression test (`*.yml` as `.github/depgate.yml`, `*.toml` as
`pyproject.toml`) and seeds the mutations.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import typing

import pytest
import yaml
from fuzz_support import FUZZ, TEMPLATE, MemoryTree, corpus, mutated, seeds
from hypothesis import given
from hypothesis import strategies as st

from depgate.config import Config, iter_options, load_config_from, parse_config
from depgate.errors import ConfigError
from depgate.proposals.index import build_context, render_region
from depgate.proposals.lint import lint_tree
from depgate.proposals.model import Author, Proposal

SEEDS = corpus("config")
KEYS = sorted({key for key, *_ in iter_options()})
#: Every key of the schema and its section, so generated structures hit real keys most of the time.
WORDS = sorted({part for key in KEYS for part in key.split(".")} | {"tool", "depgate", "unknown", "DEP", ""})


#: Longest message a configuration error may have: user values and keys are cut to 80 characters each.
MAX_MESSAGE = 300


def _reader(files: dict[str, str]):
    return lambda path: files.get(path)


def _said(exc: ConfigError) -> None:
    """Any ConfigError is fine, but it must say something, and briefly."""
    assert exc.describe().strip()
    assert len(exc.message) <= MAX_MESSAGE, exc.message[:1000]


def _load(text: str, kind: str) -> Config | None:
    """Load `text` as the YAML file or the pyproject table; None when it is a `ConfigError`."""
    path = ".github/depgate.yml" if kind == "yml" else "pyproject.toml"
    try:
        return load_config_from(_reader({path: text}))
    except ConfigError as exc:
        _said(exc)
        return None


def _check_types(obj: object) -> None:
    """Every field of a loaded configuration has its declared type."""
    hints = typing.get_type_hints(type(obj))
    for fld in dataclasses.fields(obj):
        value, tp = getattr(obj, fld.name), hints[fld.name]
        if dataclasses.is_dataclass(tp):
            _check_types(value)
            continue
        if fld.metadata.get("internal"):
            continue
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if args and type(None) not in args and origin is not list and origin is not dict:
            # A union such as `bool | str`: the value has one member's type; choices constrain the string only.
            assert type(value) in args, (fld.name, value, tp)
            if isinstance(value, str) and fld.metadata.get("choices"):
                assert value in fld.metadata["choices"]
            continue
        if type(None) in args:
            if value is None:
                continue
            tp = next(a for a in args if a is not type(None))
            origin = typing.get_origin(tp)
        if origin is list:
            assert isinstance(value, list), (fld.name, value)
            assert all(isinstance(v, str) for v in value), (fld.name, value)
        elif origin is dict:
            assert isinstance(value, dict), (fld.name, value)
            assert all(isinstance(k, str) for k in value), (fld.name, value)
        else:
            assert type(value) is tp, (fld.name, value, tp)
        choices = fld.metadata.get("choices")
        if choices:
            assert value in choices


_PROPOSALS = [
    Proposal(path="deps/0001-a.md", number=1, title="A | b", authors=(Author("Jane", "jdoe"),), status="Draft",
             type="Feature", created=dt.date(2026, 2, 4)),
    Proposal(path="deps/x.md", number=None, title=None, authors=(), status="Odd", type=None, created=None,
             problems=("unreadable",)),
]
_DOC = (b"---\nDEP: 0001\nTitle: A\nAuthor: @a\nStatus: Draft\nType: Feature\nCreated: 2026-02-04\n---\n\n"
        b"# DEP-0001: A\n\n## Abstract\n")


def check_config(config: Config | None) -> None:
    """A configuration that loaded is valid and usable by the index and by lint."""
    if config is None:
        return
    assert isinstance(config, Config)
    _check_types(config)
    assert 1 <= config.proposals.number_width <= 9
    assert config.verdict.override_pattern.pattern == config.verdict.override_marker
    region = render_region(build_context(_PROPOSALS, config.proposals, index_path="deps/INDEX.md"))
    region.encode("utf-8", "surrogatepass")
    folder = config.proposals.directory.strip("/")
    files = {f"{folder}/0001-a.md": _DOC, f"{folder}/{config.proposals.template}": TEMPLATE}
    lint_tree(MemoryTree(files), config, today=dt.date(2026, 3, 1))  # `[lint]` was checked at load


# -- replay ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_corpus_replays(path):
    check_config(_load(path.read_bytes().decode("utf-8", "replace"), path.suffix.lstrip(".")))


def test_corpus_is_there():
    assert len([p for p in SEEDS if p.suffix == ".yml"]) >= 5
    assert len([p for p in SEEDS if p.suffix == ".toml"]) >= 3


# -- text ----------------------------------------------------------------------------------------------------


@given(st.text(max_size=400), st.sampled_from(["yml", "toml"]))
@FUZZ
def test_fuzz_arbitrary_text(text, kind):
    check_config(_load(text, kind))


@given(mutated(seeds("config", ".yml")))
@FUZZ
def test_fuzz_mutated_yaml(data):
    check_config(_load(data.decode("utf-8", "replace"), "yml"))


@given(mutated(seeds("config", ".toml")))
@FUZZ
def test_fuzz_mutated_toml(data):
    check_config(_load(data.decode("utf-8", "replace"), "toml"))


# -- decoded structures ----------------------------------------------------------------------------------------

_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=20),
                    st.sampled_from(WORDS), st.integers(-3, 12), st.dates())
_STRUCTURE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(WORDS), st.text(max_size=8), st.integers()),
                                            inner, max_size=5)),
    max_leaves=25,
)


@st.composite
def _schema_shaped(draw) -> dict:
    """A mapping whose keys are mostly real `section.key` names, with values of any type."""
    data: dict = {}
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=6)):
        section, _, name = key.partition(".")
        data.setdefault(section, {})[name] = draw(_STRUCTURE)
    if draw(st.booleans()):
        data[draw(st.sampled_from(WORDS))] = draw(_STRUCTURE)
    return data


@given(st.one_of(_schema_shaped(), _STRUCTURE))
@FUZZ
def test_fuzz_decoded_structures(data):
    try:
        config = parse_config(data, "fuzz")
    except ConfigError as exc:
        _said(exc)
        return
    check_config(config)


@given(_schema_shaped())
@FUZZ
def test_fuzz_structures_through_yaml(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    check_config(_load(text, "yml"))


def _toml_value(value: object) -> str | None:
    """A TOML literal for simple values, None for what TOML cannot hold (null, mixed nesting)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON string escapes are valid TOML basic-string escapes
    if isinstance(value, list):
        items = [_toml_value(v) for v in value]
        return None if None in items else "[" + ", ".join(items) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        items = [(json.dumps(str(k)), _toml_value(v)) for k, v in value.items()]
        return None if any(v is None for _, v in items) else "{" + ", ".join(f"{k} = {v}" for k, v in items) + "}"
    return None


@given(_schema_shaped())
@FUZZ
def test_fuzz_structures_through_toml(data):
    lines = ["[project]", 'name = "x"']
    for section, values in data.items():
        if not isinstance(values, dict):
            continue
        lines.append(f"[tool.depgate.{json.dumps(str(section))}]")
        for key, value in values.items():
            literal = _toml_value(value)
            if literal is not None:
                lines.append(f"{json.dumps(str(key))} = {literal}")
    check_config(_load("\n".join(lines) + "\n", "toml"))


# -- anchors, regular expressions, lint selectors ---------------------------------------------------------------


def _load_yaml_data(data: object) -> Config | ConfigError:
    """Dump `data` as the YAML file and load it; the error instead of raising it."""
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        return load_config_from(_reader({".github/depgate.yml": text}))
    except ConfigError as exc:
        _said(exc)
        return exc


_SHARED = st.one_of(st.lists(st.text(max_size=6), min_size=1, max_size=3),
                    st.dictionaries(st.text(max_size=6), st.text(max_size=6), min_size=1, max_size=3))


@given(_schema_shaped(), _SHARED, st.lists(st.sampled_from(KEYS), min_size=2, max_size=4, unique=True))
@FUZZ
def test_fuzz_anchors_are_refused_wherever_they_are(data, shared, keys):
    # The same object under two keys makes the dumper write an anchor and an alias.
    for key in keys:
        section, _, name = key.partition(".")
        if not isinstance(data.get(section), dict):
            data[section] = {}
        data[section][name] = shared
    assert "&id" in yaml.safe_dump(data, allow_unicode=True)
    result = _load_yaml_data(data)
    assert isinstance(result, ConfigError)
    assert "anchors and aliases are not supported" in result.hint
    assert result.line is not None


_REGEX_ATOMS = st.sampled_from(["(", ")", "(?P<reason>", "(?im)", "(?", "[", "]", "^", "$", "\\", "\\s", "*", "+",
                                "?", "{2,1}", "{1,3}", "|", ".", "DEP", ":", "none", "(?<=a)", "(?<!a+)", "\\1"])


@given(st.lists(_REGEX_ATOMS, max_size=12).map("".join), st.text(max_size=200))
@FUZZ
def test_fuzz_override_marker_is_compiled_at_load_or_refused(marker, body):
    result = _load_yaml_data({"verdict": {"override-marker": marker}})
    if isinstance(result, ConfigError):
        assert "`verdict.override-marker`" in result.message
        assert result.path == ".github/depgate.yml"
        return
    check_config(result)
    result.verdict.override_pattern.search(body)  # a loaded marker never fails when it is used


_SELECTOR = st.one_of(st.sampled_from(WORDS), st.text(max_size=5), st.from_regex(r"[DAV][0-9]{0,3}", fullmatch=True))
_SEVERITY = st.sampled_from(["error", "Warning ", "info", "fatal", ""])


@given(st.lists(_SELECTOR, max_size=4), st.dictionaries(_SELECTOR, _SEVERITY, max_size=2))
@FUZZ
def test_fuzz_lint_selectors_are_checked_at_load(selectors, severity):
    result = _load_yaml_data({"lint": {"ignore": selectors, "per-file-ignores": {"deps/*.md": list(selectors)},
                                       "severity": severity}})
    if isinstance(result, ConfigError):
        assert result.message.startswith(("`lint.ignore`", "`lint.per-file-ignores.deps/*.md`", "`lint.severity.")), \
            result.message
        return
    check_config(result)
