"""`depgate new`: placeholder until implemented."""

from __future__ import annotations

NAME = "new"
HELP = "(not implemented yet)"
DESCRIPTION = HELP


def add_arguments(parser):
    """Declare the command's options."""


def run(args, console) -> int:
    """Run the command."""
    console.note("depgate new: not implemented yet")
    return 2
