"""Budget, corpus and checks shared by the fuzz targets.

The targets are hypothesis tests with a fixed budget: `DEPGATE_FUZZ_EXAMPLES` examples per target
(120 by default, which keeps the whole suite fast; raise it for a longer local run, e.g.
`DEPGATE_FUZZ_EXAMPLES=20000 pytest tests/fuzz`). Interesting inputs live in `corpus/` as files:
each is replayed as a plain regression test and seeds the mutation strategies. A crash found by a
run goes there too, with its fix.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

CORPUS = Path(__file__).parent / "corpus"

#: Examples per fuzz target; CI uses the default.
EXAMPLES = int(os.environ.get("DEPGATE_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


def corpus(kind: str) -> list[Path]:
    """The corpus files of one target (`header` or `config`), sorted by name."""
    return sorted(p for p in (CORPUS / kind).iterdir() if p.is_file() and not p.name.startswith("."))


def seeds(kind: str, suffix: str = "") -> list[bytes]:
    """Corpus files small enough to mutate (the deep-nesting crashes take a second each to parse)."""
    return [p.read_bytes() for p in corpus(kind) if p.name.endswith(suffix) and p.stat().st_size <= 2048]


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    """A seed with a few random byte-level edits: insert, delete, replace, duplicate a slice."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "token"]))
        at = draw(st.integers(0, len(data)))
        if op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif op == "replace" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 64)))
            data[at:at] = data[at:end]
        elif op == "token":
            data[at:at] = draw(st.sampled_from(TOKENS))
    return bytes(data)


#: Byte strings that mean something to a reader: delimiters, line endings, YAML and TOML syntax.
TOKENS = [b"---", b"\n", b"\r\n", b"\r", b"\t", b"\xef\xbb\xbf", b"\x00", b"\xff", b"#", b"```", b"~~~", b": ",
          b"  ", b"@", b" & ", b"<", b">", b"|", b"'", b'"', b"[", b"]", b"{", b"}", b"&a ", b"*a", b"!!", b"- ",
          b"? ", b"[tool.depgate]", b"=", b"0x", b"2001-13-45", b"1e999", b"~", b"null", b"\\u0000", b"\xed\xa0\x80"]


# -- the header pipeline: read, type, index, lint -----------------------------------------------------------

TEMPLATE = b"""---
DEP: <Leave blank for maintainers>
Title: <Short, descriptive title>
Author: <Your Name @your-github-handle>
Status: Draft
Type: <Feature | Process | Informational>
Created: <YYYY-MM-DD>
---

# DEP-XXXX: <Title>

## Abstract

## Motivation
"""


class MemoryTree:
    """A `Tree` over a dict of bytes (every entry a regular file)."""

    label = "memory"

    def __init__(self, files: dict[str, bytes]):
        self.files = files

    def entries(self, folder: str) -> list[tuple[str, str]]:
        return sorted((p, "file") for p in self.files if p.rpartition("/")[0] == folder.strip("/"))

    def size(self, path: str) -> int | None:
        return len(self.files[path]) if path in self.files else None

    def read(self, path: str) -> bytes | None:
        return self.files.get(path)


def check_header_pipeline(data: bytes, path: str = "deps/0007-fuzz.md") -> None:
    """Run one document through everything that reads DEP headers; only assertions may fail.

    The reader must not raise and must report well-formed problems on lines of the file; the typed
    proposal, the index and lint must accept whatever the reader returned.
    """
    import datetime as dt
    import re

    from depgate.config import Config
    from depgate.proposals.index import build_context, render_region
    from depgate.proposals.lint import lint_tree
    from depgate.proposals.reader import read_document, to_proposal

    doc = read_document(path, data)
    lines = len(re.split(rb"\r\n|\r|\n", data))
    for problem in doc.problems:
        assert re.fullmatch(r"D[0-9]{3}", problem.code), problem
        assert problem.message.strip(), problem
        assert problem.location.line is None or 1 <= problem.location.line <= lines, (problem, lines)
    for fld in doc.fields:
        assert 2 <= fld.line <= lines, fld
    for heading in doc.headings:
        assert 1 <= heading.line <= lines, heading
    proposal = to_proposal(doc)
    proposal.details()
    config = Config()
    region = render_region(build_context([proposal], config.proposals, index_path="deps/INDEX.md"))
    region.encode("utf-8")
    result = lint_tree(MemoryTree({path: data, "deps/TEMPLATE.md": TEMPLATE}), config, today=dt.date(2026, 3, 1))
    for diag in result.diagnostics:
        assert diag.message.strip(), diag
        if diag.location.path == path and diag.location.line is not None:
            # NOTE: lint may point one line past the end, where a missing heading would go (D201 on a
            # file that ends with the closing `---`); the reader's own problems never do (checked above).
            assert 1 <= diag.location.line <= lines + 1, (diag, lines)
