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


# -- d9d's quirks, in our own words ----------------------------------------------------------------------
# The shapes below reproduce what d9d's real `deps/` folder does (headers, heading forms, which sections),
# not its text: the template's title heading is a bare `# Title`; DEP-0001 is a Process DEP whose heading
# shortens its title and which has no design sections; DEP-0004 is a Feature DEP whose heading has no
# number, which skipped three design sections and which has a `---` rule in its body.

#: A template shaped like d9d's: no number in its title heading.
D9D_TEMPLATE = textwrap.dedent("""\
    ---
    DEP: <Leave blank for maintainers>
    Title: <Short, descriptive title>
    Author: <Your Name>
    Status: Draft
    Type: Feature
    Created: <YYYY-MM-DD>
    ---

    # Title

    ## Abstract
    What the proposal changes, in a few sentences.

    ## Motivation
    Why the project needs it.

    ## Design Proposal
    The design itself.

    ## Usage
    How a user calls it.

    ## Backward Compatibility
    What breaks, and how users migrate.

    ## Alternatives Considered
    What else was weighed.
    """)

#: A process DEP like d9d's DEP-0001: only Abstract and Motivation of the template, plus its own sections.
D9D_PROCESS = textwrap.dedent("""\
    ---
    DEP: 0001
    Title: The Sample Enhancement Proposal (DEP) Process
    Author: @maintainer
    Status: Active
    Type: Process
    Created: 2026-02-04
    ---

    # DEP-0001: The DEP Process

    ## Abstract

    How proposals are written, reviewed and accepted.

    ## Motivation

    A wrong design is expensive to undo.

    ## The DEP Lifecycle

    Draft, review, acceptance, implementation.

    ## When is a DEP required?

    Breaking changes and new major public API.
    """)

#: A feature DEP like d9d's DEP-0004. Lines: 10 title heading, 16 Motivation, 20 the `---` rule,
#: 22 "How it works now", 26 Alternatives Considered.
D9D_HARNESS = textwrap.dedent("""\
    ---
    DEP: 0004
    Title: Model Testing Harness
    Author: Jane Doe @jdoe & John Roe @jroe
    Status: Implemented
    Type: Feature
    Created: 2026-02-20
    ---

    # Model Testing Harness

    ## Abstract

    Tests are grouped by task, not by architecture.

    ## Motivation

    Every architecture copied the same test logic.

    ---

    ## How Model Tests Are Written Now

    One test per task, run over a registry of architectures.

    ## Alternatives Considered

    A shared runner class; rejected.
    """)

D9D_HARNESS_PATH = "deps/0004-dep-model-testing-harness.md"
D9D_PROCESS_PATH = "deps/0001-dep-process.md"


def d9d_files() -> dict[str, object]:
    """A folder shaped like d9d's `deps/`: its template, a Process DEP and a Feature DEP with gaps."""
    return {"deps/TEMPLATE.md": D9D_TEMPLATE, D9D_PROCESS_PATH: D9D_PROCESS, D9D_HARNESS_PATH: D9D_HARNESS}
