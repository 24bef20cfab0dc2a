"""One module per subcommand.

Each module defines `NAME`, `HELP` (one line), `DESCRIPTION` (with an example), `add_arguments(parser)`
and `run(args, console) -> int`. `depgate.cli` registers them from `COMMANDS`, in this order.
"""

COMMANDS: tuple[str, ...] = (
    "depgate.commands.check",
    "depgate.commands.lint",
    "depgate.commands.index",
    "depgate.commands.new",
    "depgate.commands.audit",
    "depgate.commands.demo",
    "depgate.commands.rules",
)
