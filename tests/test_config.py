"""Configuration: where it is read from, which file wins, and strict validation."""

from __future__ import annotations

import pytest

from depgate.config import MAX_CONFIG_BYTES, Config, VerdictConfig, load_config, parse_config
from depgate.errors import ConfigError


def test_defaults_fit_d9d():
    config = Config()
    assert config.proposals.directory == "deps"
    assert config.proposals.required_headers == ["DEP", "Title", "Author", "Status", "Type", "Created"]
    assert "Superseded" in config.proposals.statuses
    assert config.proposals.types == ["Feature", "Process", "Informational"]
    assert config.api.public == "all"


def test_no_file_gives_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config == Config()
    assert config.source == "<defaults>"


def test_yaml_file_is_read(tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/depgate.yml").write_text("proposals:\n  directory: peps\n  number-width: 3\n")
    config = load_config(tmp_path)
    assert config.proposals.directory == "peps"
    assert config.proposals.number_width == 3
    assert config.source == ".github/depgate.yml"


def test_pyproject_table_is_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.depgate.api]\npackages = ["d9d"]\n')
    config = load_config(tmp_path)
    assert config.api.packages == ["d9d"]
    assert config.source == "pyproject.toml [tool.depgate]"


def test_yaml_wins_over_pyproject_and_says_so(tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/depgate.yml").write_text("proposals:\n  directory: from-yaml\n")
    (tmp_path / "pyproject.toml").write_text('[tool.depgate.proposals]\ndirectory = "from-toml"\n')
    config = load_config(tmp_path)
    assert config.proposals.directory == "from-yaml"
    assert len(config.notes) == 1
    assert "ignored" in config.notes[0]


def test_pyproject_without_table_is_not_a_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_config(tmp_path).source == "<defaults>"


def test_explicit_path_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path, "missing.yml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"proposals": {"dirs": "x"}}, "unknown key `proposals.dirs`"),
        ({"proposals": {"directry": "x"}}, "unknown key `proposals.directry`; did you mean `directory`?"),
        ({"nope": {}}, "unknown key `nope`"),
        ({"proposals": {"number-width": "4"}}, "`proposals.number-width` must be an integer"),
        ({"proposals": {"number-width": True}}, "`proposals.number-width` must be an integer"),
        ({"proposals": {"statuses": "Draft"}}, "`proposals.statuses` must be a list of strings"),
        ({"proposals": {"statuses": [1, 2]}}, "`proposals.statuses` must be a list of strings"),
        ({"verdict": {"any-status-when-added": "yes"}}, "`verdict.any-status-when-added` must be true or false"),
        ({"api": {"public": "everything"}}, "`api.public` must be one of all, underscore"),
        ({"lint": {"per-file-ignores": {"a.md": "D101"}}}, "`lint.per-file-ignores.a.md` must be a list"),
        ({"proposals": ["x"]}, "`proposals` must be a table"),
        (["x"], "`the configuration` must be a table"),
    ],
)
def test_invalid_configuration_names_the_key(data, message):
    with pytest.raises(ConfigError) as info:
        parse_config(data, ".github/depgate.yml")
    assert message in info.value.describe()
    assert info.value.path == ".github/depgate.yml"


def test_yaml_syntax_error_has_line(tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/depgate.yml").write_text("proposals:\n  directory: [unclosed\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.line is not None
    assert "not valid YAML" in info.value.message


def test_toml_syntax_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.depgate\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(tmp_path)


def test_empty_yaml_file_gives_defaults(tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/depgate.yml").write_text("# nothing yet\n")
    config = load_config(tmp_path)
    assert config.proposals == Config().proposals


def test_yaml_does_not_construct_python_objects(tmp_path):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/depgate.yml").write_text("proposals: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ConfigError):
        load_config(tmp_path)


# -- anchors and aliases ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("proposals:\n  statuses: &s [Draft]\n  types: *s\n", 2, "YAML anchor `&s` at line 2, column 13"),
        ("proposals:\n  types: *nothing\n", 2, "YAML alias `*nothing` at line 2, column 10"),
        ("base: &b {directory: deps}\nproposals:\n  <<: *b\n", 1, "YAML anchor `&b` at line 1, column 7"),
        ("&root\nproposals: {}\n", 1, "YAML anchor `&root` at line 1, column 1"),
        ("proposals:\n  prefix: &p DEP\n", 2, "YAML anchor `&p` at line 2, column 11"),
    ],
)
def test_yaml_anchors_and_aliases_are_refused(tmp_path, text, line, message):
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/depgate.yml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert info.value.path == ".github/depgate.yml"
    assert info.value.line == line
    assert message in info.value.message
    assert info.value.hint == "write the value out; anchors and aliases are not supported"


def test_ampersand_and_asterisk_inside_values_are_text(tmp_path):
    # The near miss: `&` and `*` in a quoted or plain value are not anchors or aliases.
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github/depgate.yml").write_text(
        "proposals:\n  prefix: 'R&D'\n  statuses: [Draft*, \"*Accepted\", a & b]\napi:\n  internal: ['*._*']\n")
    config = load_config(tmp_path)
    assert config.proposals.prefix == "R&D"
    assert config.proposals.statuses == ["Draft*", "*Accepted", "a & b"]
    assert config.api.internal == ["*._*"]


# -- user values in messages are bounded ----------------------------------------------------------------------------

def _recursive() -> list:
    value: list = []
    value.append(value)
    return value


def _deep(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        ({"proposals": {"directory": ["x"] * 1_000_000}}, "not list ['x', 'x', 'x', 'x', ...]"),
        ({"proposals": {"directory": _deep(5000)}}, "not list [[[[...]]]]"),
        ({"proposals": {"directory": _recursive()}}, "not list [[[[...]]]]"),
        ({"proposals": {"directory": {"k" * 500: 1}}}, "not dict {'kkkkkk"),
        ({"proposals": {"number-width": 10**5000}}, "not <an integer of 16610 bits>"),
        ({"api": {"public": "x" * 10_000}}, "not 'xxxx"),
        ({"proposals": {"y" * 10_000: 1}}, "unknown key `proposals.yyyy"),
        ({"lint": {"per-file-ignores": {"g" * 10_000: [1]}}}, "`lint.per-file-ignores.gggg"),
        ({"lint": {"ignore": ["Q" * 10_000]}}, "names no known rule: 'QQQQ"),
        ({10**5000: 1}, "unknown key `<an integer of 16610 bits>`"),
    ],
)
def test_messages_show_at_most_80_characters_of_a_value(data, shown):
    with pytest.raises(ConfigError) as info:
        parse_config(data, ".github/depgate.yml")
    assert shown in info.value.message
    assert len(info.value.message) <= 200, info.value.message


def test_huge_decimal_integer_in_toml_is_a_config_error(tmp_path):
    # More than 4300 digits: Python's `int` refuses it with a ValueError that tomllib lets through.
    (tmp_path / "pyproject.toml").write_text("[tool.depgate.proposals]\nnumber-width = " + "9" * 4400 + "\n")
    with pytest.raises(ConfigError, match="not valid TOML: a value cannot be read"):
        load_config(tmp_path)


@pytest.mark.parametrize("name", [".github/depgate.yml", "pyproject.toml"])
def test_oversized_file_is_refused_before_parsing(tmp_path, name):
    (tmp_path / ".github").mkdir()
    (tmp_path / name).write_text("#" * (MAX_CONFIG_BYTES + 1))
    with pytest.raises(ConfigError, match="larger than 1024 KiB") as info:
        load_config(tmp_path)
    assert info.value.path == name


# -- syntax checked once, at load -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"verdict": {"override-marker": "(unclosed"}}, "`verdict.override-marker` is not a valid regular expression "
                                                       "(missing ), unterminated subpattern at position 0)"),
        ({"verdict": {"override-marker": "a{2,1}"}}, "`verdict.override-marker` is not a valid regular expression "
                                                    "(min repeat greater than max repeat at position 2)"),
        ({"lint": {"ignore": ["D101", "nope"]}}, "`lint.ignore` names no known rule: 'nope'"),
        ({"lint": {"ignore": [""]}}, "`lint.ignore` names no known rule: ''"),
        ({"lint": {"per-file-ignores": {"deps/old-*.md": ["X1"]}}},
         "`lint.per-file-ignores.deps/old-*.md` names no known rule: 'X1'"),
        ({"lint": {"severity": {"nope": "error"}}}, "`lint.severity.nope` names no known rule"),
        ({"lint": {"severity": {"D101": "loud"}}},
         "`lint.severity.D101` must be one of info, warning, error, not 'loud'"),
    ],
)
def test_values_with_a_syntax_are_checked_at_load(data, message):
    with pytest.raises(ConfigError) as info:
        parse_config(data, ".github/depgate.yml")
    assert message in info.value.message
    assert info.value.path == ".github/depgate.yml"


def test_valid_syntax_loads_and_the_marker_is_compiled_once():
    config = parse_config({"verdict": {"override-marker": r"(?im)^skip:\s*(?P<reason>.+)$"},
                           "lint": {"ignore": ["D2", "missing-header"], "per-file-ignores": {"deps/*.md": ["D"]},
                                    "severity": {"D101": " Warning"}}}, ".github/depgate.yml")
    pattern = config.verdict.override_pattern
    assert pattern is config.verdict.override_pattern
    assert pattern.search("x\nSKIP: tiny\n").group("reason") == "tiny"
    assert Config().verdict.override_pattern.search("DEP: none - typo fix").group("reason") == "typo fix"


def test_marker_built_in_code_is_checked_when_used():
    with pytest.raises(ConfigError, match=r"`verdict\.override-marker` is not a valid regular expression"):
        VerdictConfig(override_marker="[").override_pattern  # noqa: B018 - the property raises


def test_a_bare_off_is_off_for_a_policy_that_offers_it(tmp_path) -> None:
    """YAML 1.1 reads `off` as false; a policy key whose choices include `off` takes it as meant."""
    from depgate.config import load_config

    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "depgate.yml").write_text("done:\n  policy: off\napi:\n  deprecation-policy: off\n")
    config = load_config(tmp_path)
    assert config.done.policy == "off"
    assert config.api.deprecation_policy == "off"


def test_next_to_it_false_is_still_refused_where_off_is_not_a_choice(tmp_path) -> None:
    from depgate.config import load_config
    from depgate.errors import ConfigError

    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "depgate.yml").write_text("api:\n  public: off\n")
    with pytest.raises(ConfigError, match="public"):
        load_config(tmp_path)
