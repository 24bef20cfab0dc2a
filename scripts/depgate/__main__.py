"""Run depgate as `python -m depgate`."""

import sys

from depgate.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
