"""depgate: enforce a design-proposal process on pull requests, statically.

The command line (`depgate`), the GitHub Action, the JSON report schema and the configuration file
are the public surface. The names re-exported here are the Python API.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
