"""One module per subcommand.

Each module defines `NAME`, `HELP` (one line), `DESCRIPTION` (with an example), `add_arguments(parser)`
and `run(args, console) -> int`. `depgate.cli` registers them from `COMMANDS`, in this order.
"""

COMMANDS: tuple[str, ...] = (
    "depgate.commands.init",
    "depgate.commands.check",
    "depgate.commands.lint",
    "depgate.commands.index",
    "depgate.commands.status",
    "depgate.commands.new",
    "depgate.commands.audit",
    "depgate.commands.demo",
    "depgate.commands.rules",
    "depgate.commands.api",
)

#: Each command's one-line help, so the parser can list every command while importing only the one that runs
#: (`tests/test_cli.py` checks these equal the modules' `HELP`).
SUMMARIES: dict[str, str] = {
    "init": "Set a repository up for depgate: proposals folder, template, process proposal, index, config, workflows.",
    "check": "Classify a change by its public-API impact and check that it links the DEP it needs.",
    "lint": "Check DEP documents: header, sections, placeholders, unique numbers (rules D0xx-D3xx).",
    "index": "Render the DEP index (deps/INDEX.md and deps/index.json); --write updates them, --check fails when "
             "stale.",
    "status": "Show where each proposal stands on the default branch, with evidence; --write applies the linked "
              "repairs.",
    "new": "Create the next DEP document (deps/NNNN-slug.md) from the template and print its path.",
    "audit": (
        "Check every first-parent commit (each merged pull request) of a range; JSON Lines plus a Markdown table."
    ),
    "demo": "Build a sample d9d-like repository with three pull requests and check each one.",
    "rules": "List every rule (code, severity, summary) or explain one; generates docs/rules.md.",
    "api": "Write the public API to api/<package>.api.md; --check fails when it is stale, --diff A..B compares.",
}
