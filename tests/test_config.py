"""Configuration: where it is read from, which file wins, and strict validation."""

from __future__ import annotations

import pytest

from depgate.config import Config, load_config, parse_config
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
