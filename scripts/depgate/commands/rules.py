"""`depgate rules`: list and explain every rule; generate `docs/rules.md` and `docs/configuration.md`."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TYPE_CHECKING, Any

from depgate.commands._common import CONFIG_PATH_RULE, OutputFormat, add_format_option
from depgate.config import Config, iter_options
from depgate.errors import UsageError
from depgate.rules import all_rules, matches_selector, rules_by_code

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from depgate.console import Console
    from depgate.rules import Rule

NAME = "rules"
HELP = "List every rule (code, severity, summary) or explain one; generates docs/rules.md."
#: The exit codes `depgate rules` can return (rendered in `--help` by `depgate.cli`).
EXIT_CODES = {
    0: "the rules were listed or explained",
    2: "usage error (no rule has that code or name)",
}
DESCRIPTION = """\
List every rule depgate can report, or explain one: what it requires, why, how to fix it, with an
example. CODE may be a code (D101), a code prefix (D1) or a rule name (missing-header).

`--format markdown` prints the rule reference that is committed as docs/rules.md, and
`--config-docs` prints docs/configuration.md (every configuration key with its type, default and
meaning); a test fails when the committed files are stale.

examples:
  depgate rules                                  # the list
  depgate rules D204                             # one rule in full
  depgate rules --format markdown > docs/rules.md
  depgate rules --config-docs > docs/configuration.md
"""

#: The command that regenerates each generated document (quoted in their headers and in the tests).
RULES_DOC_COMMAND = "depgate rules --format markdown > docs/rules.md"
CONFIG_DOC_COMMAND = "depgate rules --config-docs > docs/configuration.md"

#: Documentation titles of the rule categories, in order.
CATEGORY_TITLES: dict[str, str] = {
    "documents": "DEP documents (`D`)",
    "api": "Public API changes (`A`)",
    "verdict": "Pull-request verdict (`V`)",
    "status": "Proposal status (`S`)",
}


#: The `--format`s of `depgate rules`.
RULES_FORMATS = (OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.JSON)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's options."""
    selection = parser.add_argument_group("rule selection")
    selection.add_argument("code", nargs="?", metavar="CODE",
                           help="show only this rule (a code, a code prefix such as D1, or a rule name)")
    output = parser.add_argument_group("output")
    add_format_option(output, RULES_FORMATS, "text for people, markdown for docs/rules.md, json for tools")
    output.add_argument("--config-docs", action="store_true",
                        help="print the configuration reference (docs/configuration.md) instead of the rules")


# -- rendering -------------------------------------------------------------------------------------


def _fence(text: str, info: str = "text") -> str:
    """A fenced code block that no backtick run inside can close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text.rstrip(chr(10))}\n{fence}"


def _prose(text: str) -> str:
    """Rule text as Markdown: code spans kept, a `<` outside them escaped so it is never taken for HTML."""
    parts = re.split(r"(`+[^`]*`+)", text)
    return "".join(part if part.startswith("`") else part.replace("<", "&lt;") for part in parts)


def _anchor(rule: Rule) -> str:
    return rule.url.rsplit("#", 1)[1]


def rule_data(rule: Rule) -> dict[str, Any]:
    """Plain data of a rule, for JSON."""
    return {
        "code": rule.code, "name": rule.name, "severity": rule.severity.label, "category": rule.category,
        "summary": rule.summary, "rationale": rule.rationale, "fix": rule.fix,
        "example_bad": rule.example_bad, "example_good": rule.example_good, "url": rule.url,
    }


def render_rule_text(rule: Rule) -> str:
    """Explain one rule in full, for a terminal."""
    lines = [f"{rule.code} {rule.name} ({rule.severity.label})", "", rule.summary, "",
             f"Why: {rule.rationale}", "", f"How to fix: {rule.fix}"]
    if rule.example_bad:
        lines += ["", "Fires on:", *("    " + line for line in rule.example_bad.rstrip("\n").split("\n"))]
    if rule.example_good:
        lines += ["", "Fixed:", *("    " + line for line in rule.example_good.rstrip("\n").split("\n"))]
    lines += ["", f"Docs: {rule.url}"]
    return "\n".join(lines) + "\n"


def render_rules_text(rules: Sequence[Rule]) -> str:
    """One line per rule: code, severity, name, summary."""
    width = max((len(r.name) for r in rules), default=0)
    return "".join(f"{r.code}  {r.severity.label:<7}  {r.name:<{width}}  {r.summary}\n" for r in rules)


def render_rules_json(rules: Sequence[Rule]) -> str:
    """Every rule as versioned JSON."""
    return json.dumps({"schema_version": 1, "rules": [rule_data(r) for r in rules]},
                      indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _rule_section(rule: Rule) -> list[str]:
    out = [f"### {rule.code} {rule.name}", "", _prose(rule.summary), "",
           f"- Default severity: **{rule.severity.label}**", f"- Name (for `lint.ignore` and friends): `{rule.name}`",
           *([f"- Verdict: {effect}"] if (effect := _verdict_effect(rule)) else []),
           "", f"**Why it matters.** {_prose(rule.rationale)}", "", f"**How to fix.** {_prose(rule.fix)}", ""]
    if rule.example_bad:
        out += ["Fires on:", "", _fence(rule.example_bad), ""]
    if rule.example_good:
        out += ["Passes:", "", _fence(rule.example_good), ""]
    return out


def _verdict_effect(rule: Rule) -> str | None:
    """What a finding of the rule does to a pull request's verdict, from the rule's own record."""
    if rule.fails_closed:
        return "fails closed: depgate cannot vouch for the change, so a DEP (or an override) is required"
    if rule.forces_review:
        return "at least `review`"
    if rule.category == "api":
        from depgate.api.kinds import CATEGORIES, Category

        category = CATEGORIES.get(rule.code)
        if category in (Category.BREAKING, Category.ABSTRACTION, Category.STRATEGY):
            return f"a DEP is required ({category.value})"
        if category is Category.ADDITION:
            return "`review` when `verdict.review-on-additions` is on (the default)"
        return "reported only"
    return None


def render_rules_markdown(rules: Sequence[Rule]) -> str:
    """The rule reference (`docs/rules.md`): an overview table, then one section per rule."""
    out = [
        f"<!-- Generated by `{RULES_DOC_COMMAND}`; do not edit by hand. -->",
        "",
        "# Rules",
        "",
        "Every finding depgate reports carries a stable code. Codes are never renumbered or reused; a rule",
        "that is retired keeps its code forever. The first letter gives the area (`D` DEP documents, `A` public",
        "API changes, `V` the pull-request verdict, `S` where each proposal stands), the first digit the group inside",
        "it.",
        "",
        "Any rule can be switched off or re-graded in the configuration (see [configuration](configuration.md)):",
        "`lint.ignore` and `lint.per-file-ignores` take a code (`D204`), a code prefix (`D2`) or a rule name",
        "(`missing-section`), and `lint.severity` maps a code to `error`, `warning` or `info`.",
        "",
        "| Code | Name | Severity | Requires |",
        "| --- | --- | --- | --- |",
    ]
    for rule in rules:
        summary = _prose(rule.summary).replace("|", "\\|")
        out.append(f"| [{rule.code}](#{_anchor(rule)}) | `{rule.name}` | {rule.severity.label} | {summary} |")
    out.append("")
    categories = list(dict.fromkeys([*CATEGORY_TITLES, *(r.category for r in rules)]))
    for category in categories:
        members = [r for r in rules if r.category == category]
        if not members:
            continue
        out += [f"## {CATEGORY_TITLES.get(category, category.title())}", ""]
        if category == "api":
            from depgate.api.guide import SURFACE_GUIDE

            for block in SURFACE_GUIDE:
                out += [block, ""]
            out += ["### The rules", ""]
        for rule in members:
            out += _rule_section(rule)
    return "\n".join(out).rstrip("\n") + "\n"


def _default_text(value: Any) -> str:
    if value is None:
        return "none"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def render_config_markdown() -> str:
    """The configuration reference (`docs/configuration.md`), generated from `depgate.config`."""
    section_docs = {_key(f.name): f.metadata.get("doc", "") for f in dataclasses.fields(Config)
                    if not f.metadata.get("internal")}
    out = [
        f"<!-- Generated by `{CONFIG_DOC_COMMAND}`; do not edit by hand. -->",
        "",
        "# Configuration",
        "",
        "depgate works without any configuration: the defaults fit d9d. To change them, write one file.",
        "depgate looks for it in this order and uses the first one found:",
        "",
        "1. the file given with `--config FILE` (YAML, or TOML when its name ends in `.toml`);",
        f"   {CONFIG_PATH_RULE} by every command (the action's",
        "   `config` input is a path from the repository root);",
        "2. `.github/depgate.yml` (or `.github/depgate.yaml`);",
        "3. the `[tool.depgate]` table of `pyproject.toml`.",
        "",
        "If both the YAML file and the `pyproject.toml` table exist, the YAML file wins and depgate prints a",
        "note that the table is ignored. Keys are kebab-case in both formats. An unknown key, or a value of the",
        "wrong type, is an error that names the key (exit code 2), so a typo never goes unnoticed.",
        "`depgate check` reads the configuration from the pull request's base revision, never from its head.",
        "",
        "Example `.github/depgate.yml`:",
        "",
        _fence("proposals:\n  directory: deps\nlint:\n  per-file-ignores:\n"
               "    \"deps/000[1-4]-*.md\": [D204]\n", "yaml"),
        "",
        "The same in `pyproject.toml`:",
        "",
        _fence("[tool.depgate.proposals]\ndirectory = \"deps\"\n\n[tool.depgate.lint.per-file-ignores]\n"
               "\"deps/000[1-4]-*.md\" = [\"D204\"]\n", "toml"),
        "",
    ]
    current = None
    for key, type_text, default, doc in iter_options():
        section = key.split(".", 1)[0]
        if section != current:
            current = section
            out += [f"## `{section}`", ""]
            if section_docs.get(section):
                out += [section_docs[section], ""]
        out += [f"### `{key}`", "", doc, "", f"- Type: {type_text}", f"- Default: {_default_text(default)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _key(name: str) -> str:
    return name.replace("_", "-")


# -- command ---------------------------------------------------------------------------------------


def select_rules(selector: str | None) -> list[Rule]:
    """Return the rules matching a code, a code prefix or a name (all rules without a selector).

    Raises:
        UsageError: nothing matches.
    """
    rules = list(all_rules())
    if selector is None:
        return rules
    exact = rules_by_code().get(selector) or rules_by_code().get(selector.upper())
    if exact is not None:
        return [exact]
    chosen = [r for r in rules if matches_selector(r.code, [selector.upper()])]
    if not chosen:
        raise UsageError(f"no rule matches {selector!r}", hint="run `depgate rules` for the list of codes and names")
    return chosen


def run(args: argparse.Namespace, console: Console) -> int:
    """Print the rules (or the configuration reference)."""
    if args.config_docs:
        if args.code:
            raise UsageError("--config-docs takes no CODE")
        console.out.write(render_config_markdown())
        return 0
    rules = select_rules(args.code)
    fmt = OutputFormat(args.format)
    if fmt is OutputFormat.MARKDOWN:
        console.out.write(render_rules_markdown(rules))
    elif fmt is OutputFormat.JSON:
        console.out.write(render_rules_json(rules))
    elif len(rules) == 1 and args.code:
        console.out.write(render_rule_text(rules[0]))
    else:
        console.out.write(render_rules_text(rules))
    return 0
