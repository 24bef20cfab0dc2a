"""The `depgate` command line.

`main()` parses arguments, sets up logging and dispatches to one function per subcommand (see
`depgate.commands`). Exit codes mean the same for every command:

- 0: clean (nothing that fails the check);
- 1: findings that fail the check (a required DEP is missing, a lint error, a stale index);
- 2: usage or environment error (bad option, not a git repository, unreadable configuration).

Each command's `--help` lists only the codes it can return: its module's `EXIT_CODES` (code -> what it means
for that command); a module that declares none gets `DEFAULT_EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from types import MappingProxyType
from typing import TYPE_CHECKING

from depgate import __version__
from depgate.commands import COMMANDS, SUMMARIES
from depgate.console import Console
from depgate.errors import DepgateError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import ModuleType

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

#: The codes of the program as a whole, and of a command module that declares no `EXIT_CODES`.
DEFAULT_EXIT_CODES: Mapping[int, str] = MappingProxyType({
    EXIT_OK: "clean: nothing that fails the check",
    EXIT_FINDINGS: "findings that fail the check (required DEP missing, lint errors, stale index)",
    EXIT_ERROR: "usage or environment error (bad option, not a git repository, unreadable configuration)",
})
_DEMO_LINE = "Run `depgate demo` to see a full check on a sample repository.\n"


def exit_codes_of(module: ModuleType) -> Mapping[int, str]:
    """The exit codes a command can return: its module's `EXIT_CODES`, else `DEFAULT_EXIT_CODES`.

    Every command can fail with a usage or environment error, so code 2 is added when a module leaves it out.
    """
    declared: Mapping[int, str] | None = getattr(module, "EXIT_CODES", None)
    if not declared:
        return DEFAULT_EXIT_CODES
    return {**declared} if EXIT_ERROR in declared else {**declared, EXIT_ERROR: DEFAULT_EXIT_CODES[EXIT_ERROR]}


def render_exit_codes(codes: Mapping[int, str]) -> str:
    """The `exit codes:` block of a `--help` epilog, one code a line, in numeric order."""
    return "exit codes:\n" + "".join(f"  {code}  {meaning}\n" for code, meaning in sorted(codes.items()))


_EPILOG = render_exit_codes(DEFAULT_EXIT_CODES) + "\n" + _DEMO_LINE


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits 2 already; keep its behaviour but point at --help.
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message}\n  hint: run `{self.prog} --help`\n")


def get_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the argument parser with every subcommand.

    Args:
        command: The subcommand about to run: only its module is imported (and its options declared); the
            others are listed with their one-line help. None declares every subcommand in full.
    """
    parser = _Parser(
        prog="depgate",
        description="Enforce a design-proposal (DEP) process: classify pull requests by their public-API "
        "impact, lint DEP documents, and keep their index current.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"depgate {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeat for debug output)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module_name in COMMANDS:
        name = module_name.rsplit(".", 1)[-1]
        if command is not None and name != command:
            subparsers.add_parser(name, help=SUMMARIES[name], add_help=False)
            continue
        module = importlib.import_module(module_name)
        sub = subparsers.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.DESCRIPTION,
            epilog=render_exit_codes(exit_codes_of(module)),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(args: Sequence[str] | None = None, console: Console | None = None) -> int:
    """Run the command line.

    Args:
        args: Arguments without the program name (default: `sys.argv[1:]`).
        console: Output streams (default: the process's).

    Returns:
        The exit code.
    """
    argv = list(sys.argv[1:] if args is None else args)
    # Import only the command that runs: the first word that is not an option (`-v` is the only global one).
    first = next((arg for arg in argv if not arg.startswith("-")), None)
    parser = get_parser(first if first in SUMMARIES else None)
    opts = parser.parse_args(argv)
    console = console or Console.default()
    level = logging.WARNING - 10 * min(opts.verbose, 2)
    logging.basicConfig(level=level, format="depgate: %(levelname)s: %(message)s", stream=console.err)
    if getattr(opts, "_run", None) is None:
        parser.print_help(console.out)
        return EXIT_ERROR
    try:
        return opts._run(opts, console)
    except DepgateError as exc:
        console.note(f"depgate: error: {exc.describe()}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        console.note("depgate: interrupted")
        return 130
