"""The rule registry: every check depgate can report, with a stable code.

Each area declares its rules as data (a tuple of `Rule`) in its own module; `all_rules()` collects
them from the explicit list in `RULE_MODULES`. A test fails when a module declares rules that are not
registered here, or when two rules share a code, so the generated docs cannot drift from the code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from depgate.diagnostics import Diagnostic, Location, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

DOCS_URL = "https://github.com/depgate/depgate/blob/main/docs/rules.md"

#: Modules that declare a module-level `RULES` tuple, in documentation order.
RULE_MODULES: tuple[str, ...] = (
    "depgate.proposals.rules",
    "depgate.api.kinds",
    "depgate.api.contract_check",
    "depgate.verdict_rules",
    "depgate.proposals.status_rules",
)


@dataclass(frozen=True)
class Rule:
    """Metadata of one check.

    Attributes:
        code: Stable code (`D101`); never reused once published.
        name: Stable kebab-case id (`missing-header`).
        severity: Default severity; configuration may change it per rule.
        summary: One line, phrased as what the rule requires.
        rationale: Why the rule exists.
        fix: How to fix or phase it in.
        category: Documentation group (`documents`, `api`, `verdict`).
        example_bad: A short input that fires the rule.
        example_good: The same input, fixed.
        fails_closed: A finding means depgate cannot vouch for the change, so a DEP is required (or an
            override): what depgate cannot see never lowers a verdict.
        forces_review: A finding makes the verdict at least `review`.
        at_base: The finding is located at the base revision (the thing it names no longer exists at head).
        fails_check: A finding at severity error fails the check whatever the verdict and the linked DEPs (only an
            override lets it pass); below error it is advisory. A policy key sets the severity
            (`api.deprecation-policy` for A920).
        structural: The finding means a document's structure cannot be trusted, so the rules that read that
            structure are not run on it and only its first structural finding is reported.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    fix: str
    category: str
    example_bad: str = ""
    example_good: str = ""
    fails_closed: bool = False
    forces_review: bool = False
    at_base: bool = False
    structural: bool = False
    fails_check: bool = False

    @property
    def url(self) -> str:
        """Link to the rule's documentation section."""
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"

    def diagnostic(self, message: str, location: Location, **extra: Any) -> Diagnostic:
        """Make a finding of this rule at its default severity."""
        return Diagnostic(code=self.code, severity=self.severity, message=message, location=location, **extra)


@cache
def all_rules() -> tuple[Rule, ...]:
    """Return every registered rule, in documentation order."""
    rules: list[Rule] = []
    for module_name in RULE_MODULES:
        module = importlib.import_module(module_name)
        rules.extend(module.RULES)
    return tuple(rules)


@cache
def rules_by_code() -> dict[str, Rule]:
    """Map each code (and each kebab-case name) to its rule."""
    table: dict[str, Rule] = {}
    for rule in all_rules():
        table[rule.code] = rule
        table[rule.name] = rule
    return table


def get_rule(code_or_name: str) -> Rule:
    """Look a rule up by code or name.

    Raises:
        KeyError: no rule has that code or name.
    """
    return rules_by_code()[code_or_name]


def matches_selector(code: str, selectors: Iterable[str]) -> bool:
    """Tell whether a rule code is selected by any of `selectors`.

    A selector is a full code (`D101`), a code prefix (`D1`, `D`), or a rule name (`missing-header`).
    """
    rule = rules_by_code().get(code)
    return any(code.startswith(selector) or (rule is not None and selector == rule.name) for selector in selectors)
