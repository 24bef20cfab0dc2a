"""Coverage-guided fuzzing of the DEP header reader and the config loader with atheris (libFuzzer).

The hypothesis targets in `tests/fuzz/` run in CI on a fixed budget; this harness is for longer
local runs, guided by coverage. It starts from the same corpus and checks the same properties
(`tests/fuzz/fuzz_support.py`). A crash is written by libFuzzer as `crash-<sha1>` in the current
directory: add it to `tests/fuzz/corpus/<target>/` with the fix, so CI replays it.

Usage (atheris installs from a wheel on Linux x86-64 with CPython 3.11):
    pip install atheris
    python bench/fuzz_atheris.py header -max_total_time=600
    python bench/fuzz_atheris.py config -max_total_time=600 -jobs=2
    python bench/fuzz_atheris.py header /tmp/new-corpus tests/fuzz/corpus/header   # grow /tmp/new-corpus

Extra arguments go to libFuzzer (`-help=1` lists them). Without a corpus folder, the target's
corpus in `tests/fuzz/corpus/` is copied to a temporary folder first (libFuzzer adds the inputs
it finds to its first corpus folder; the seeds in the repository stay as they are).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))

import atheris  # noqa: E402

with atheris.instrument_imports():
    import yaml  # noqa: F401 - instrumented too: its errors are what the config target is about
    from fuzz_support import check_header_pipeline

    import depgate.config
    import depgate.proposals.index
    import depgate.proposals.reader

from depgate.errors import ConfigError  # noqa: E402


def header(data: bytes) -> None:
    """Any bytes as a DEP document: read, typed, indexed and linted without an exception."""
    check_header_pipeline(data)


def config(data: bytes) -> None:
    """Any bytes as `.github/depgate.yml`, then as `pyproject.toml`: a Config or a ConfigError, nothing else."""
    text = data.decode("utf-8", "replace")
    for path in (".github/depgate.yml", "pyproject.toml"):
        try:
            loaded = depgate.config.load_config_from(lambda p, path=path: text if p == path else None)
        except ConfigError:
            continue
        assert 1 <= loaded.proposals.number_width <= 9


TARGETS = {"header": header, "config": config}


def main() -> None:
    """Pick the target from the first argument and hand the rest to libFuzzer."""
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [corpus dirs] [libFuzzer options]")
    name = sys.argv.pop(1)
    if not any(not a.startswith("-") for a in sys.argv[1:]):
        # libFuzzer writes new inputs into its first corpus folder: work on a copy, never on the seeds.
        work = Path(tempfile.mkdtemp(prefix=f"depgate-fuzz-{name}-"))
        for seed in (ROOT / "tests" / "fuzz" / "corpus" / name).iterdir():
            if seed.stat().st_size <= 2048:  # the deep-nesting crashes take seconds each once instrumented
                shutil.copy(seed, work / seed.name)
        print(f"corpus copied to {work}", file=sys.stderr)
        sys.argv.append(str(work))
    sys.setrecursionlimit(2000)
    atheris.Setup(sys.argv, TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
