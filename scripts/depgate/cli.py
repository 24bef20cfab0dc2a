"""The `depgate` command line.

`main()` parses arguments, sets up logging and dispatches to one function per subcommand (see
`depgate.commands`). Exit codes, the same for every command:

- 0: clean (nothing that fails the check);
- 1: findings that fail the check (a required DEP is missing, a lint error, a stale index);
- 2: usage or environment error (bad option, not a git repository, unreadable configuration).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import TYPE_CHECKING

from depgate import __version__
from depgate.commands import COMMANDS, SUMMARIES
from depgate.console import Console
from depgate.errors import DepgateError

if TYPE_CHECKING:
    from collections.abc import Sequence

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

_EPILOG = """\
exit codes:
  0  clean: nothing that fails the check
  1  findings that fail the check (required DEP missing, lint errors, stale index)
  2  usage or environment error (bad option, not a git repository, unreadable configuration)

Run `depgate demo` to see a full check on a sample repository.
"""


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
            epilog=_EPILOG,
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
