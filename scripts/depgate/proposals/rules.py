"""Rules about DEP documents (codes `D...`).

`D0xx` are met while reading a file, `D1xx` concern the header, `D2xx` the body, `D3xx` the folder
as a whole. Codes are stable: never renumber or reuse one.
"""

from __future__ import annotations

from depgate.diagnostics import Severity
from depgate.rules import Rule

_DOC = "documents"

UNREADABLE = Rule(
    "D001", "unreadable-document", Severity.ERROR,
    "A DEP document must be UTF-8 text.",
    "A file that is binary or not UTF-8 cannot be linted, indexed or linked; silently skipping it would hide a "
    "proposal from the index.",
    "Save the file as UTF-8 without NUL bytes.", _DOC,
)
NOT_A_FILE = Rule(
    "D002", "not-a-document", Severity.ERROR,
    "A path named like a DEP must be a regular file, not a folder or a link.",
    "depgate never follows links (they could point outside the repository) and a folder has no header.",
    "Replace the folder or link by the document itself, or rename it so it no longer looks like a DEP.", _DOC,
)
TOO_LARGE = Rule(
    "D003", "document-too-large", Severity.ERROR,
    "A DEP document must be smaller than the size limit (1 MiB).",
    "Proposals are prose; a huge file is a mistake or an attack, and reading it would slow every check.",
    "Move large material (data, images) out of the document and link to it.", _DOC,
)
EMPTY = Rule(
    "D004", "empty-document", Severity.ERROR,
    "A DEP document must not be empty.",
    "An empty file claims a number without proposing anything.",
    "Fill the document from the template (`depgate new`) or delete it.", _DOC,
)
NO_HEADER = Rule(
    "D005", "missing-front-matter", Severity.ERROR,
    "A DEP document must start with a front-matter header between `---` lines.",
    "The header carries the number, status and authors that the index and the pull-request check rely on.",
    "Add the header from the template as the very first lines of the file.", _DOC,
    example_bad="# DEP-0008: Offload\n", example_good="---\nDEP: 0008\nTitle: Offload\n...\n---\n",
)
UNCLOSED_HEADER = Rule(
    "D006", "unclosed-front-matter", Severity.ERROR,
    "The front-matter header must end with a `---` line.",
    "Without the closing line the whole document would be read as header.",
    "Add a line holding only `---` after the last header.", _DOC,
)
MALFORMED_LINE = Rule(
    "D007", "malformed-header-line", Severity.ERROR,
    "Every header line must have the form `Key: value`.",
    "A line that is not `Key: value` is lost by every reader, so a value the author meant would be ignored.",
    "Write the line as `Key: value`; continue a long value on an indented line.", _DOC,
    example_bad="Status Draft", example_good="Status: Draft",
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

#: Every document rule, registered in `depgate.rules.RULE_MODULES`.
RULES: tuple[Rule, ...] = READER_RULES
