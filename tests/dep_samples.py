"""Sample DEP documents and a helper that lints a folder written to disk, for the lint tests."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from depgate.config import Config, parse_config
from depgate.proposals.lint import lint_tree
from depgate.tree import DiskTree

#: The date the tests pretend it is.
TODAY = dt.date(2026, 3, 1)

#: A template shaped like d9d's, with placeholders in the header and in the body.
TEMPLATE = textwrap.dedent("""\
    ---
    DEP: <Leave blank for maintainers>
    Title: <Short, descriptive title>
    Author: <Your Name @your-github-handle>
    Status: Draft
    Type: <Feature | Process | Informational>
    Created: <YYYY-MM-DD>
    ---

    # DEP-XXXX: <Title>

    ## Abstract

    <One paragraph: what changes, for whom.>

    ## Motivation

    <!-- Why the current design cannot solve the problem. -->

    ## Design Proposal

    ## Usage

    ## Backward Compatibility

    ## Alternatives Considered
    """)

#: d9d's DEP-0001 header, which must lint clean (note `Author: @handle`, invalid YAML).
PROCESS = textwrap.dedent("""\
    ---
    DEP: 0001
    Title: The D9D Enhancement Proposal (DEP) Process
    Author: @mrapplexz
    Status: Active
    Type: Process
    Created: 2026-02-04
    ---

    # DEP-0001: The D9D Enhancement Proposal (DEP) Process

    ## Abstract

    How proposals are written.

    ## Motivation

    Big changes need a record.

    ## Design Proposal

    A folder of Markdown files.

    ## Usage

    Copy the template.

    ## Backward Compatibility

    Nothing breaks.

    ## Alternatives Considered

    Issues only.
    """)

#: A clean feature DEP. Line numbers used by the tests: 2 DEP, 3 Title, 4 Author, 5 Status, 6 Type,
#: 7 Created, 8 closing `---`, 10 title heading, 12 Abstract, 16 Motivation, 20 Design Proposal,
#: 24 Usage, 30 Backward Compatibility, 34 Alternatives Considered, 36 last text line.
GOOD = textwrap.dedent("""\
    ---
    DEP: 0008
    Title: Activation offloading
    Author: Jane Doe @jdoe & @mrapplexz
    Status: Draft
    Type: Feature
    Created: 2026-02-04
    ---

    # DEP-0008: Activation offloading

    ## Abstract

    Offload activations to host memory.

    ## Motivation

    Large models run out of GPU memory.

    ## Design Proposal

    A new `OffloadStrategy` ABC; see <https://example.org/design> and <details><summary>more</summary></details>.

    ## Usage

    ```python
    strategy: Offload[T] = build_offload(<your config here>)
    ```

    ## Backward Compatibility

    None; <mailto:jdoe@example.org> for questions.

    ## Alternatives Considered

    Recomputation.
    """)

DOC_PATH = "deps/0008-offload.md"

#: Markers for entries that are not regular files.
DIR = object()
LINK = object()


def base_files() -> dict[str, object]:
    """The folder every lint test starts from: template, DEP-0001 and DEP-0008, all clean."""
    return {"deps/TEMPLATE.md": TEMPLATE, "deps/0001-dep-process.md": PROCESS, DOC_PATH: GOOD}


def write_files(root: Path, files: dict[str, object]) -> None:
    """Write files; `DIR` makes a folder, `LINK` a symbolic link to the template, None skips."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            continue
        if content is DIR:
            target.mkdir()
            (target / "README.md").write_text("not a DEP\n", encoding="utf-8")
        elif content is LINK:
            target.symlink_to("TEMPLATE.md")
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            assert isinstance(content, str)
            target.write_bytes(content.encode("utf-8"))


def make_config(data: dict | None = None) -> Config:
    """A configuration from plain data, validated like a file."""
    return parse_config(data or {}, "test-config")


def lint_files(root: Path, files: dict[str, object], *, config: Config | None = None, today: dt.date = TODAY,
               paths: list[str] | None = None):
    """Write `files` under `root` and lint the folder; return the `LintResult`."""
    write_files(root, files)
    return lint_tree(DiskTree(root), config or Config(), today=today, paths=paths)


def findings(root: Path, overrides: dict[str, object], **kwargs) -> list[tuple[str, str, int | None]]:
    """Lint the base folder with `overrides` applied; return `(path, code, line)` of every finding."""
    result = lint_files(root, {**base_files(), **overrides}, **kwargs)
    return [(d.location.path, d.code, d.location.line) for d in result.diagnostics]
