"""The JSON report: `Report.as_dict()` as one object (schema in `docs/report.md`, versioned)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from depgate.report.model import Report


def render(report: Report) -> str:
    """Render the report as one JSON object followed by a newline.

    Keys keep the schema's order and non-ASCII text is kept as is, so the same report always gives
    byte-identical output.
    """
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"

