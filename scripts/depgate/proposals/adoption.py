"""The files `depgate init` writes, rendered in a repository's own words.

Pure functions: checked values in, text out. The templates are `templates/init-*.j2` next to the index
template; they use square-bracket jinja2 delimiters (`[[ value ]]`, `[% if %]`) because the workflows are
full of GitHub's own `${{ }}` expressions. Every value reaching a template is either checked by the caller
to be made of safe characters (prefix, folder, branch, action reference) or quoted as JSON, which YAML
and TOML both read, so no value can add a key, a step or a line.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from depgate.config import Config
from depgate.proposals.folder import index_path, template_path
from depgate.proposals.model import header_keys
from depgate.proposals.numbering import next_number
from depgate.report.escape import md_inline

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from depgate.config import ProposalsConfig

#: The prefix whose labels and override line are the action's and the configuration's defaults.
DEFAULT_PREFIX = "DEP"

#: Where the workflows go, and the file of each (the check's `name:` is `depgate`; publish refers to it).
WORKFLOWS: tuple[tuple[str, str, str], ...] = (
    ("check", ".github/workflows/depgate.yml", "the pull-request check (read-only, fork-safe)"),
    ("publish", ".github/workflows/depgate-publish.yml", "the comment and labels (workflow_run)"),
    ("lint", ".github/workflows/depgate-lint.yml", "the lint of proposals"),
    ("index", ".github/workflows/depgate-index.yml", "the scheduled index"),
)
#: Status and type meanings for the process proposal; a project's own values get `_OTHER_STATUS`.
STATUS_MEANINGS = {
    "Draft": "Open for discussion; nothing is decided yet.",
    "Accepted": "The maintainers agreed; its implementation may merge.",
    "Implemented": "Its implementation has merged.",
    "Active": "A process in force for as long as it is kept current, like this one.",
    "Rejected": "The maintainers declined it; it stays as a record.",
    "Withdrawn": "Its authors dropped it.",
    "Superseded": "A later proposal, named in its `Superseded-By` header, replaced it.",
}
TYPE_MEANINGS = {
    "Feature": "adds or changes public API and answers every section of the template.",
    "Process": "changes how the project works, like this one.",
    "Informational": "records guidance or background and decides no API.",
}
#: The comment on an action reference that is not a commit: zizmor's audit is silenced only with the reason.
_PIN_NOTE = "zizmor: ignore[unpinned-uses] pin to a full commit SHA before merging (depgate's docs/adopting.md)"
_OTHER_STATUS = "A status this project added (see its configuration)."
_SHA = re.compile(r"[0-9a-f]{40}")
_TEMPLATE_DIR = ("templates",)


def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    # NOTE: square-bracket delimiters, because the workflows are full of GitHub's own `${{ }}` expressions.
    # Markdown, YAML and TOML, not HTML, so no HTML escaping: every value is checked or quoted before it gets
    # here. The sandbox, as for depgate's other templates.
    env = SandboxedEnvironment(
        variable_start_string="[[", variable_end_string="]]", block_start_string="[%", block_end_string="%]",
        comment_start_string="[#", comment_end_string="#]", undefined=StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False,
    )
    # A JSON string or list is also a valid YAML flow value and TOML value for the text written here.
    env.filters["q"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


def _render(name: str, **context: Any) -> str:
    source = resources.files("depgate.proposals").joinpath(*_TEMPLATE_DIR, name).read_text(encoding="utf-8")
    return _environment().from_string(source).render(**context)


def _code(value: str) -> str:
    """Show a configured value as inline code; one that cannot be (a backtick, a line break) as escaped text."""
    return f"`{value}`" if value and not re.search(r"[`\x00-\x1f]", value) else md_inline(value)


def _words(values: Iterable[str], last: str = "or") -> str:
    items = [_code(v) for v in values]
    if len(items) < 2:
        return "".join(items) or "none"
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def labels_for(prefix: str) -> dict[str, str] | None:
    """Return the label names in the repository's words (`rfc-required`, `rfc-satisfied`, `rfc-not-needed`).

    Returns:
        The names under the keys `required`, `satisfied` and `not_needed`; None for the default prefix, whose
        labels are the action's and the configuration's defaults.
    """
    if prefix == DEFAULT_PREFIX:
        return None
    low = prefix.lower()
    return {"required": f"{low}-required", "satisfied": f"{low}-satisfied", "not_needed": f"{low}-not-needed"}


def render_config(kind: str, pconf: ProposalsConfig, found: list[str]) -> str:
    """Render a new configuration holding the keys people change, each with a comment.

    Args:
        kind: `yml` for `.github/depgate.yml`, `pyproject` for a `[tool.depgate]` table to append.
        pconf: The proposals settings (prefix and folder already checked).
        found: The packages found under the source roots, named in a comment.

    Returns:
        The text; the caller loads it with depgate's own loader before writing it.
    """
    defaults = Config()
    labels = labels_for(pconf.prefix)
    # NOTE: no `override-marker`: its default follows the prefix (`RFC: none — <reason>`).
    return _render(
        "init-config.toml.j2" if kind == "pyproject" else "init-config.yml.j2",
        prefix=pconf.prefix, directory=pconf.directory, types=list(pconf.types), statuses=list(pconf.statuses),
        public=defaults.api.public, accepted=list(defaults.verdict.accepted_statuses),
        override_labels=[labels["not_needed"]] if labels else list(defaults.verdict.override_labels),
        found=(f"depgate finds these packages today: {', '.join(found)}" if found
               else "depgate finds no package yet under . or src: set `packages` and `source-roots`"),
    )


def render_process(config: Config, *, author: str, created: dt.date, branch: str, taken: set[int]) -> str:
    """Render proposal number 1, of type Process: the process in the repository's prefix, folder and statuses.

    Args:
        config: The configuration the repository will have.
        author: The `Author` header (one line).
        created: The `Created` header.
        branch: The default branch, whose maintainers decide.
        taken: Numbers already in use, for the example of the next proposal.

    Returns:
        The document; it passes `depgate lint` with the template `render_template` writes.
    """
    pconf, verdict = config.proposals, config.verdict
    width, prefix = pconf.number_width, pconf.prefix
    number = f"{1:0{width}d}"
    title = f"The {prefix} Process"
    status = next((s for s in ("Active", *verdict.accepted_statuses) if s in pconf.statuses), pconf.statuses[0]
                  if pconf.statuses else "Active")
    kind = "Process" if "Process" in pconf.types or not pconf.types else pconf.types[0]
    values = {pconf.prefix: number, "Title": title, "Author": author, "Status": status, "Type": kind,
              "Created": created.isoformat()}
    header_names = header_keys(pconf.required_headers, prefix)
    header = [(key, values.get(key, "n/a")) for key in header_names]

    def effect(status: str) -> str:
        if status in verdict.accepted_statuses:
            return " It satisfies a pull request that needs a proposal."
        if status in verdict.error_statuses:
            return " Linking it is an error."
        if status in verdict.warning_statuses:
            return " Linking it is a warning: it does not satisfy the requirement yet."
        return ""

    statuses = [(md_inline(s), STATUS_MEANINGS.get(s, _OTHER_STATUS) + effect(s)) for s in pconf.statuses]
    following = next_number(taken | {1})
    return _render(
        "init-process.md.j2", header=header, prefix=prefix, number=number, title=title,
        directory=pconf.directory, width=width, example_file=f"{7:0{width}d}-short-title.md",
        header_keys=_words(header_names, "and"), number_key=prefix if prefix in header_names else None,
        template_path=template_path(pconf), types=_words(pconf.types),
        known_types=[("An" if k[0] in "AEIOU" else "A", k, TYPE_MEANINGS[k]) for k in pconf.types
                     if k in TYPE_MEANINGS],
        public_rule=("the names each package's `__init__.py` lists in `__all__`" if config.api.public == "all"
                     else "every name that does not start with an underscore"),
        accepted=_words(verdict.accepted_statuses), override_labels=_words(verdict.override_labels),
        branch=branch, draft_status=md_inline("Draft" if "Draft" in pconf.statuses else status),
        statuses=statuses, index_path=index_path(pconf),
        next_file=f"{following:0{width}d}-offload-activations-to-the-host.md",
        next_number=f"{following:0{width}d}",
    )


def render_template(pconf: ProposalsConfig) -> str:
    """Render the template `depgate new` copies: the required headers, then the six `##` sections."""
    draft = "Draft" if "Draft" in pconf.statuses or not pconf.statuses else pconf.statuses[0]
    return _render("init-template.md.j2", headers=list(header_keys(pconf.required_headers, pconf.prefix)),
                   prefix=pconf.prefix,
                   types=list(pconf.types) or ["Feature"], draft_status=draft)


def is_pinned(action: str) -> bool:
    """Tell whether an `owner/repo@ref` action reference is pinned to a full commit."""
    return bool(_SHA.fullmatch(action.rsplit("@", 1)[1]))


def render_workflow(kind: str, pconf: ProposalsConfig, *, action: str, tag: str, branch: str, config_path: str
                    ) -> str:
    """Render one of the four workflows (`check`, `publish`, `lint`, `index`).

    Args:
        kind: The workflow, a key of `WORKFLOWS`.
        pconf: The proposals settings.
        action: The action reference, `owner/repo@ref`; one not pinned to a commit carries a zizmor note to pin it.
        tag: The tag a pinned reference stands for, written as a comment; may be empty.
        branch: The default branch (the push triggers of lint and index).
        config_path: The configuration file, which also triggers the lint.

    Returns:
        The workflow's YAML.
    """
    comment = (tag if is_pinned(action) else _PIN_NOTE) or None
    uses = f"{action} # {comment}" if comment else action
    paths = [f"{pconf.directory}/**"] + ([config_path] if kind == "lint" else [])
    return _render(f"init-workflow-{kind}.yml.j2", prefix=pconf.prefix, directory=pconf.directory, uses=uses,
                   branches=json.dumps([branch]), paths=json.dumps(paths), index_path=index_path(pconf),
                   publish_file=WORKFLOWS[1][1].rsplit("/", 1)[-1], labels=labels_for(pconf.prefix))
