"""The command line as a whole: help, version, exit codes."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys

import pytest

from depgate.commands import COMMANDS

NAMES = [importlib.import_module(m).NAME for m in COMMANDS]


def test_top_level_help_lists_every_command_and_exit_codes(run_cli):
    result = run_cli("--help")
    assert result.code == 0


def test_help_text(capsys):
    from depgate.cli import get_parser

    text = get_parser().format_help()
    for name in NAMES:
        assert re.search(rf"^\s+{name}\s+\S", text, re.M), name
    assert "exit codes:" in text


@pytest.mark.parametrize("name", NAMES)
def test_every_command_has_help_with_an_example(name):
    from depgate.cli import get_parser

    parser = get_parser()
    sub = parser._subparsers._group_actions[0].choices[name]
    description = importlib.import_module(next(m for m in COMMANDS if m.endswith("." + name))).DESCRIPTION
    assert re.search(rf"^\s+(\$ )?depgate {name}\b", description, re.M), "the description shows an example"
    for action in sub._actions:
        if action.dest != "help":
            assert action.help, f"option {action.option_strings or action.dest} of `{name}` has no help"


def test_version(run_cli):
    from depgate import __version__

    proc = subprocess.run([sys.executable, "-m", "depgate", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"depgate {__version__}"


def test_unknown_option_is_exit_2():
    proc = subprocess.run([sys.executable, "-m", "depgate", "lint", "--no-such-option"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2
    assert "--help" in proc.stderr


def test_no_command_prints_help_and_exit_2(run_cli):
    result = run_cli()
    assert result.code == 2
    assert "usage: depgate" in result.out


def test_environment_error_is_exit_2_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "depgate", "check", "--repo", str(tmp_path)], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "not a git repository" in proc.stderr


def test_listed_summaries_are_the_commands_own_help() -> None:
    from depgate.commands import SUMMARIES

    assert {importlib.import_module(m).NAME: importlib.import_module(m).HELP for m in COMMANDS} == SUMMARIES


def test_running_one_command_imports_no_other(tmp_path) -> None:
    code = ("import sys\nfrom depgate.cli import main\nmain(['rules', 'A101'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('depgate.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert out.strip().splitlines()[-1] == "['depgate.commands._common', 'depgate.commands.rules']"
