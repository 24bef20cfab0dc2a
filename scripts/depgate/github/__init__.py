"""GitHub glue: the Actions runtime (`runtime`), the REST API (`client`, the only PyGithub user) and the
action's entrypoint (`action`, run as `python -m depgate.github.action`).

Nothing outside this package talks to GitHub; everything inside it only translates between GitHub and
the same functions the command line uses.
"""
