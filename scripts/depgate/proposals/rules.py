"""Rules about DEP documents (codes `D...`).

`D0xx` are met while reading a file, `D1xx` concern the header, `D2xx` the body, `D3xx` the folder
as a whole. Codes are stable: never renumber or reuse one.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING

from depgate.diagnostics import Severity
from depgate.rules import Rule

if TYPE_CHECKING:
    from collections.abc import Mapping

_DOC = "documents"
#: Appended to the rationale of every structural rule, so the documentation says what it does.
_STRUCTURAL = (" This is a structural rule: while it fires, the rules that read the header and body of the document "
               "are not run (they would only repeat it), and only the first structural finding is shown.")

UNREADABLE = Rule(
    "D001", "unreadable-document", Severity.ERROR,
    "A DEP document must be UTF-8 text.",
    "A file that is binary or not UTF-8 cannot be linted, indexed or linked; silently skipping it would hide a "
    "proposal from the index." + _STRUCTURAL,
    "Save the file as UTF-8 without NUL bytes.", _DOC,
    structural=True,
)
NOT_A_FILE = Rule(
    "D002", "not-a-document", Severity.ERROR,
    "A path named like a DEP must be a regular file, not a folder or a link.",
    "depgate never follows links (they could point outside the repository) and a folder has no header."
    + _STRUCTURAL,
    "Replace the folder or link by the document itself, or rename it so it no longer looks like a DEP.", _DOC,
    structural=True,
)
TOO_LARGE = Rule(
    "D003", "document-too-large", Severity.ERROR,
    "A DEP document must be smaller than the size limit (1 MiB).",
    "Proposals are prose; a huge file is a mistake or an attack, and reading it would slow every check."
    + _STRUCTURAL,
    "Move large material (data, images) out of the document and link to it.", _DOC,
    structural=True,
)
EMPTY = Rule(
    "D004", "empty-document", Severity.ERROR,
    "A DEP document must not be empty.",
    "An empty file claims a number without proposing anything." + _STRUCTURAL,
    "Fill the document from the template (`depgate new`) or delete it.", _DOC,
    structural=True,
)
NO_HEADER = Rule(
    "D005", "missing-front-matter", Severity.ERROR,
    "A DEP document must start with a front-matter header between `---` lines.",
    "The header carries the number, status and authors that the index and the pull-request check rely on."
    + _STRUCTURAL,
    "Add the header from the template as the very first lines of the file.", _DOC,
    example_bad="# DEP-0008: Offload\n", example_good="---\nDEP: 0008\nTitle: Offload\n...\n---\n",
    structural=True,
)
UNCLOSED_HEADER = Rule(
    "D006", "unclosed-front-matter", Severity.ERROR,
    "The front-matter header must end with a `---` line.",
    "Without the closing line the body would be read as header: every line of prose would be a malformed "
    "header line, and a `---` rule further down would be taken for the end of the header. The header is "
    "taken to end where the body visibly starts: at a heading, or at a line that is not `Key: value` after "
    "a blank line." + _STRUCTURAL,
    "Add a line holding only `---` after the last header line, before the title heading.", _DOC,
    example_bad="---\nDEP: 0008\n...\nCreated: 2026-02-04\n\n# DEP-0008: Offload\n",
    example_good="---\nDEP: 0008\n...\nCreated: 2026-02-04\n---\n\n# DEP-0008: Offload\n",
    structural=True,
)
MALFORMED_LINE = Rule(
    "D007", "malformed-header-line", Severity.ERROR,
    "Every header line must have the form `Key: value`.",
    "A line that is not `Key: value` is lost by every reader, so a value the author meant would be ignored, "
    "and the header rules would report the key it should have given as missing. Only the first such line is "
    "reported, with a count of the others." + _STRUCTURAL,
    "Write the line as `Key: value`; continue a long value on an indented line.", _DOC,
    example_bad="Status Draft", example_good="Status: Draft",
    structural=True,
)
BOM = Rule(
    "D008", "byte-order-mark", Severity.WARNING,
    "A DEP document should not start with a byte-order mark.",
    "Some tools then fail to see the `---` of the header.",
    "Save the file as UTF-8 without BOM.", _DOC,
)
CRLF = Rule(
    "D009", "crlf-line-endings", Severity.WARNING,
    "A DEP document should use LF line endings.",
    "Mixed line endings make diffs noisy and some tools misread the header.",
    "Convert the file to LF (`git add --renormalize` with a `.gitattributes` rule, or your editor).", _DOC,
)
TAB_IN_HEADER = Rule(
    "D010", "tab-in-header", Severity.WARNING,
    "Header lines should not contain tab characters.",
    "Tabs render differently everywhere and YAML-based tools reject them in indentation.",
    "Replace tabs with spaces.", _DOC,
)

READER_RULES: tuple[Rule, ...] = (UNREADABLE, NOT_A_FILE, TOO_LARGE, EMPTY, NO_HEADER, UNCLOSED_HEADER,
                                  MALFORMED_LINE, BOM, CRLF, TAB_IN_HEADER)

# -- D1xx: the header ------------------------------------------------------------------------------

_HEADER = "---\nDEP: 0008\nTitle: Activation offloading\nAuthor: Jane Doe @jdoe\nStatus: Draft\nType: Feature\n"

MISSING_HEADER = Rule(
    "D101", "missing-header", Severity.ERROR,
    "Every required header (`DEP`, `Title`, `Author`, `Status`, `Type`, `Created` by default) must be present.",
    "The index, the pull-request check and reviewers read these headers; a missing one leaves a blank in each.",
    "Add the header with its value; the template lists them all.", _DOC,
    example_bad=_HEADER + "---\n", example_good=_HEADER + "Created: 2026-02-04\n---\n",
)
HEADER_ORDER = Rule(
    "D102", "header-order", Severity.WARNING,
    "Required headers must appear in the configured order, before any optional header.",
    "A fixed order lets people scan every proposal the same way and keeps diffs of headers small.",
    "Reorder the header lines to match the template.", _DOC,
    example_bad="---\nTitle: Offload\nDEP: 0008\n...", example_good="---\nDEP: 0008\nTitle: Offload\n...",
)
UNKNOWN_HEADER = Rule(
    "D103", "unknown-header", Severity.ERROR,
    "A header key must be one of the required or optional headers (keys are case-sensitive).",
    "A misspelt key (`status`, `Authors`) is silently ignored by every reader, so the value it carries is lost.",
    "Fix the spelling, or add the key to `proposals.optional-headers` if the project wants it.", _DOC,
    example_bad="status: Draft", example_good="Status: Draft",
)
DUPLICATE_HEADER = Rule(
    "D104", "duplicate-header", Severity.ERROR,
    "A header key must appear only once.",
    "With two values for one key, tools disagree about which one counts.",
    "Keep one line per key; join several authors in one `Author` line with ` & `.", _DOC,
    example_bad="Author: @a\nAuthor: @b", example_good="Author: @a & @b",
)
EMPTY_VALUE = Rule(
    "D105", "empty-header-value", Severity.ERROR,
    "A header must have a value.",
    "An empty value is the same as a missing header, but harder to spot.",
    "Fill in the value, or remove an optional header that does not apply.", _DOC,
    example_bad="Title:", example_good="Title: Activation offloading",
)
INVALID_NUMBER = Rule(
    "D106", "invalid-number", Severity.ERROR,
    "The `DEP` header must be a number made of digits only.",
    "The number identifies the proposal in the index, in links from pull requests and in the file name.",
    "Write the number as digits, zero-padded like the file name (`0008`).", _DOC,
    example_bad="DEP: eight", example_good="DEP: 0008",
)
NUMBER_MISMATCH = Rule(
    "D107", "number-mismatch", Severity.ERROR,
    "The `DEP` header must equal the number in the file name.",
    "When they differ, links by number and links by file lead to different proposals.",
    "Change the header or rename the file (`git mv`) so both carry the same number.", _DOC,
    example_bad="deps/0008-offload.md with `DEP: 0007`", example_good="deps/0008-offload.md with `DEP: 0008`",
)
NUMBER_PLACEHOLDER = Rule(
    "D108", "number-placeholder", Severity.ERROR,
    "The `DEP` header must hold the assigned number, not the template's placeholder.",
    "A document whose number is still the placeholder cannot be indexed or linked.",
    "Run `depgate new` to get the next free number, or ask a maintainer, and write it in the header.", _DOC,
    example_bad="DEP: <Leave blank for maintainers>", example_good="DEP: 0008",
)
INVALID_STATUS = Rule(
    "D109", "invalid-status", Severity.ERROR,
    "The `Status` header must be one of the configured statuses.",
    "The pull-request check decides from the status whether a linked proposal satisfies a requirement.",
    "Use one of `proposals.statuses` (default: Draft, Accepted, Implemented, Active, Rejected, Withdrawn, "
    "Superseded), spelt exactly.", _DOC,
    example_bad="Status: WIP", example_good="Status: Draft",
)
INVALID_TYPE = Rule(
    "D110", "invalid-type", Severity.ERROR,
    "The `Type` header must be one of the configured types.",
    "The type groups proposals in the index and tells reviewers what kind of decision is asked for.",
    "Use one of `proposals.types` (default: Feature, Process, Informational), spelt exactly.", _DOC,
    example_bad="Type: Enhancement", example_good="Type: Feature",
)
INVALID_DATE = Rule(
    "D111", "invalid-date", Severity.ERROR,
    "Date headers (`Created`, `Updated`) must be real dates written `YYYY-MM-DD`.",
    "Other spellings sort wrongly in the index and cannot be compared.",
    "Write the date in ISO form, e.g. `2026-02-04`.", _DOC,
    example_bad="Created: 04/02/2026", example_good="Created: 2026-02-04",
)
FUTURE_DATE = Rule(
    "D112", "future-date", Severity.ERROR,
    "The `Created` date must not be in the future.",
    "A future date is almost always a typo in the year or month. One day ahead is accepted: authors write their "
    "local date, while CI usually runs in UTC.",
    "Write the date the proposal was first written.", _DOC,
    example_bad="Created: 2062-02-04", example_good="Created: 2026-02-04",
)
INVALID_AUTHOR = Rule(
    "D113", "invalid-author", Severity.ERROR,
    "The `Author` header must list authors as `Name @handle`, `@handle` or `Name`, joined with ` & `.",
    "The index and the check show authors and mention their handles; a garbled list shows garbage.",
    "Write each author as `Name @handle` and join several with ` & `.", _DOC,
    example_bad="Author: Jane @jdoe @jane", example_good="Author: Jane Doe @jdoe & @mrapplexz",
)
MISSING_SUPERSEDED_BY = Rule(
    "D114", "missing-superseded-by", Severity.ERROR,
    "A `Superseded` proposal must name its successor in a `Superseded-By` header.",
    "Readers of a superseded proposal need to find the one that replaced it.",
    "Add `Superseded-By: NNNN` with the number of the replacing proposal.", _DOC,
    example_bad="Status: Superseded", example_good="Status: Superseded\n...\nSuperseded-By: 0012",
)
UNEXPECTED_SUPERSEDED_BY = Rule(
    "D115", "unexpected-superseded-by", Severity.WARNING,
    "Only a proposal whose status is `Superseded` should have a `Superseded-By` header.",
    "A successor on a proposal that is still current is contradictory: one of the two headers is stale.",
    "Set `Status: Superseded`, or remove the `Superseded-By` header.", _DOC,
    example_bad="Status: Accepted\nSuperseded-By: 0012", example_good="Status: Superseded\nSuperseded-By: 0012",
)
NUMBER_PADDING = Rule(
    "D116", "number-padding", Severity.WARNING,
    "The `DEP` header should be zero-padded to the configured width, like the file name.",
    "`10` and `0010` mean the same proposal, but a consistent spelling keeps searches and the index uniform.",
    "Pad the number with zeros (`DEP: 0010`).", _DOC,
    example_bad="DEP: 10", example_good="DEP: 0010",
)
HEADER_PLACEHOLDER = Rule(
    "D117", "header-placeholder", Severity.ERROR,
    "A header value must not be a placeholder left over from the template.",
    "A placeholder such as `<Short, descriptive title>` means the field was never filled in.",
    "Replace the placeholder with the real value.", _DOC,
    example_bad="Title: <Short, descriptive title>", example_good="Title: Activation offloading",
)
INVALID_FILENAME = Rule(
    "D118", "invalid-filename", Severity.ERROR,
    "A DEP file name must be `NNNN-<slug>.md`: the zero-padded number, a dash, a lower-case slug.",
    "The number in the file name orders the folder and ties the file to its header; a free-form name breaks both.",
    "Rename the file, e.g. `git mv deps/offload.md deps/0008-offload.md`.", _DOC,
    example_bad="deps/offload.md", example_good="deps/0008-offload.md",
)
NUMBER_KEY_CONFLICT = Rule(
    "D119", "number-key-conflict", Severity.ERROR,
    "A document must not give two different numbers under the prefix's key and the older `DEP` key.",
    "With `prefix: RFC` the number is read from the `RFC` line, and from a `DEP` line only when there is none "
    "(documents written before the prefix was the key). When both are there and disagree, links, the index "
    "and the check could each take a different proposal.",
    "Keep the number on the prefix's line (`RFC: 0008`) and delete the `DEP` line.", _DOC,
    example_bad="---\nRFC: 0008\nDEP: 0007\n...", example_good="---\nRFC: 0008\n...",
)

HEADER_RULES: tuple[Rule, ...] = (
    MISSING_HEADER, HEADER_ORDER, UNKNOWN_HEADER, DUPLICATE_HEADER, EMPTY_VALUE, INVALID_NUMBER, NUMBER_MISMATCH,
    NUMBER_PLACEHOLDER, INVALID_STATUS, INVALID_TYPE, INVALID_DATE, FUTURE_DATE, INVALID_AUTHOR,
    MISSING_SUPERSEDED_BY, UNEXPECTED_SUPERSEDED_BY, NUMBER_PADDING, HEADER_PLACEHOLDER, INVALID_FILENAME,
    NUMBER_KEY_CONFLICT,
)

# -- D2xx: the body --------------------------------------------------------------------------------

MISSING_TITLE_HEADING = Rule(
    "D201", "missing-title-heading", Severity.ERROR,
    "The body's first heading must be `# DEP-NNNN: <Title>`, or `# <Title>` when the template's own title "
    "heading carries no number.",
    "Rendered on GitHub, the first heading is what readers see; the header block is shown as a table at best. "
    "The template says which form the project uses: d9d's template starts its body with `# Title`, so a heading "
    "without the number follows it.",
    "Start the body with `# DEP-0008: Activation offloading`, using the number and title of the header.", _DOC,
    example_bad="## Abstract", example_good="# DEP-0008: Activation offloading\n\n## Abstract",
)
TITLE_HEADING_MISMATCH = Rule(
    "D202", "title-heading-mismatch", Severity.ERROR,
    "The first heading's number and title must match the `DEP` and `Title` headers; the heading may shorten "
    "the title by leaving words out.",
    "A heading that disagrees with the header was usually not updated after a rename or renumbering. A "
    "shortened heading (`The DEP Process` for `The D9D Enhancement Proposal (DEP) Process`, as in d9d's "
    "DEP-0001) keeps the title's words in order and adds none, so it cannot be a stale title.",
    "Make the heading read `# DEP-<number>: <Title>` with the header's values.", _DOC,
    example_bad="Title: Offload\n...\n# DEP-0007: Offloading", example_good="Title: Offload\n...\n# DEP-0008: Offload",
)
TEMPLATE_PLACEHOLDER = Rule(
    "D203", "template-placeholder", Severity.ERROR,
    "The body must not contain placeholders left over from the template.",
    "A placeholder such as `<Describe the problem>` is a section that was never written.",
    "Replace the placeholder with real text, or write why the section does not apply.", _DOC,
    example_bad="## Motivation\n\n<Why is this needed?>",
    example_good="## Motivation\n\nTraining 70B models runs out of GPU memory.",
)

#: The `Type` values whose documents answer fewer of the template's questions, and the sections each needs
#: (those of them the template has). A process or informational DEP decides no API, so it has no design,
#: usage or compatibility to describe. Any other type (Feature, a project's own Standards type, a missing or
#: misspelt one) needs every `##` section of the template.
SECTIONS_BY_TYPE: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "Process": ("Abstract", "Motivation"),
    "Informational": ("Abstract", "Motivation"),
})


def _sections_by_type_text() -> str:
    return "; ".join(f"a DEP of type `{kind}` needs only " + " and ".join(f"`{s}`" for s in sections)
                     for kind, sections in SECTIONS_BY_TYPE.items())


MISSING_SECTION = Rule(
    "D204", "missing-section", Severity.ERROR,
    "Every `##` section of the template that the document's `Type` requires must be present.",
    "The template's sections are the questions every proposal has to answer (motivation, compatibility, "
    "alternatives); a missing one is a question skipped. Not every type faces every question: "
    f"{_sections_by_type_text()} (those of them the template has); every other type, such as `Feature`, "
    "needs every `##` section of the template. Sections are compared without case.",
    "Add the section with its exact heading; if it does not apply, say so in one sentence.", _DOC,
    example_bad="Type: Feature\n...\n## Abstract\n## Motivation",
    example_good="Type: Feature\n...\n## Abstract\n## Motivation\n## Backward Compatibility\n...",
)

BODY_RULES: tuple[Rule, ...] = (MISSING_TITLE_HEADING, TITLE_HEADING_MISMATCH, TEMPLATE_PLACEHOLDER, MISSING_SECTION)

# -- D3xx: the folder ------------------------------------------------------------------------------

DUPLICATE_NUMBER = Rule(
    "D301", "duplicate-number", Severity.ERROR,
    "Each DEP number must be used by exactly one document of the folder.",
    "Two proposals with one number make every link to that number ambiguous; it happens when pull requests "
    "add their own `0007-...` files at the same time.",
    "Renumber the document that was added last (`depgate new` prints the next free number).", _DOC,
    example_bad="deps/0007-hooks.md and deps/0007-offload.md",
    example_good="deps/0007-hooks.md and deps/0008-offload.md",
)
UNKNOWN_SUCCESSOR = Rule(
    "D302", "unknown-successor", Severity.ERROR,
    "`Superseded-By` must name the number of an existing DEP in the folder.",
    "A successor that does not exist leaves readers of the superseded proposal at a dead end.",
    "Write the number of the replacing proposal (`Superseded-By: 0012`), and add that proposal first.", _DOC,
    example_bad="Superseded-By: 0099", example_good="Superseded-By: 0012",
)
MISSING_TEMPLATE = Rule(
    "D303", "missing-template", Severity.WARNING,
    "The DEP folder should contain the template the required sections are read from.",
    "Without the template depgate cannot know which sections a proposal needs, so that check is skipped.",
    "Add the template (`deps/TEMPLATE.md` by default) or point `proposals.template` at it.", _DOC,
)

FOLDER_RULES: tuple[Rule, ...] = (DUPLICATE_NUMBER, UNKNOWN_SUCCESSOR, MISSING_TEMPLATE)

#: Every document rule, registered in `depgate.rules.RULE_MODULES`.
RULES: tuple[Rule, ...] = READER_RULES + HEADER_RULES + BODY_RULES + FOLDER_RULES
