"""Rules about where each proposal stands on the default branch (codes `S...`, DEP-0005).

`S100` says the evidence is incomplete, `S1xx` call for a change to a proposal's header (a repair),
`S2xx` are nudges: nothing is wrong in the document, but someone should act. The findings are made by
`depgate.proposals.status` from the branch's history. Codes are stable: never renumber or reuse one.
"""

from __future__ import annotations

from depgate.diagnostics import Severity
from depgate.rules import Rule

_STATUS = "status"

EVIDENCE_INCOMPLETE = Rule(
    "S100", "status-evidence-incomplete", Severity.INFO,
    "The history read must be complete for the absence of evidence to mean anything.",
    "A shallow clone, a history cut at a limit, or code depgate could not read hides commits; a proposal whose "
    "implementation is among them would look unimplemented. depgate says so instead of concluding from what it "
    "cannot see, and leaves out the nudges that rest on an absence.",
    "Fetch the whole history (`actions/checkout` with `fetch-depth: 0`, or `git fetch --unshallow`), raise the "
    "limit, or fix the file the problem names.",
    _STATUS,
    example_bad="actions/checkout with the default fetch-depth: 1",
    example_good="actions/checkout with fetch-depth: 0",
)
DRAFT_NOT_ACCEPTED = Rule(
    "S101", "draft-merged-without-acceptance", Severity.WARNING,
    "A proposal merged to the default branch should record its acceptance (`Status: Accepted`).",
    "Merging a Draft to the default branch is, in practice, the maintainers agreeing to it; leaving it Draft makes "
    "the record say the discussion is still open, and the check warns on every change that cites it. Whether it "
    "was accepted is a person's decision, so the repair is proposed, never written by `--write`.",
    "When the maintainers agreed, set `Status: Accepted` in a pull request that changes only proposals; when they "
    "did not, set `Rejected` or `Withdrawn`.",
    _STATUS,
    example_bad="deps/0008-offload.md merged in #40 with Status: Draft, no implementation since",
    example_good="Status: Accepted (set in #41, a proposals-only pull request)",
)
IMPLEMENTED_NOT_RECORDED = Rule(
    "S102", "implementation-merged-status-stale", Severity.WARNING,
    "A proposal whose implementation merged, citing it, must be `Implemented` and name that change in its "
    "`Implementation` header.",
    "DEP-0001 asks the pull request that merges an implementation to move its proposal to Implemented; when it "
    "is forgotten, the index lists implemented work as open. The evidence is a link a person wrote (the change "
    "cites the proposal, or added it with the code), so `--write` and the scheduled index job apply the repair.",
    "Run `depgate status --write` (or merge the scheduled index pull request): it sets `Status: Implemented` and "
    "adds `Implementation: #123`. For a Draft, confirm that the maintainers agreed to it: the acceptance step was "
    "skipped.",
    _STATUS,
    example_bad="Status: Accepted\n(#35 `feat: add scaled rope (DEP-0005)` merged)",
    example_good="Status: Implemented\nImplementation: #35",
)
IMPLEMENTATION_INFERRED = Rule(
    "S103", "implementation-inferred", Severity.INFO,
    "A proposal whose public symbols were added by a later change that does not cite it may be implemented.",
    "In d9d an implementation often merges without naming its proposal; the public names the proposal describes "
    "appearing on the branch are the only trace. A name match can be wrong, so the repair is proposed for a "
    "person to confirm and is written only with `--include-inferred`.",
    "If the change listed implements the proposal, set `Status: Implemented` and `Implementation: #123` (or run "
    "`depgate status --write --include-inferred`); if it does not, nothing needs to change.",
    _STATUS,
    example_bad="Status: Draft; names `ScaledRope`\n(#35 `feat: add scaled rope` added d9d.model.ScaledRope)",
    example_good="Status: Implemented\nImplementation: #35",
)
SUPERSEDED_NO_SUCCESSOR = Rule(
    "S104", "superseded-without-successor", Severity.WARNING,
    "A Superseded proposal must name an existing successor in `Superseded-By`.",
    "A reader who lands on a superseded proposal needs the one that replaced it; a missing or dangling "
    "`Superseded-By` is a dead end. When another proposal says it `Replaces` this one, depgate names it.",
    "Set `Superseded-By:` to the replacing proposal's number (`0012`), adding that proposal first if needed.",
    _STATUS,
    example_bad="Status: Superseded\n(no Superseded-By; deps/0012-x.md has `Replaces: 0007`)",
    example_good="Status: Superseded\nSuperseded-By: 0012",
)
IMPLEMENTED_EDITED = Rule(
    "S105", "implemented-proposal-edited", Severity.WARNING,
    "An Implemented proposal should not change after it became Implemented; a new design needs a new proposal.",
    "An implemented proposal is the historical record of a decision (DEP-0001); rewriting it afterwards makes the "
    "record say something that was never decided, and its implementation no longer matches it. Recording the "
    "implementation or the status is bookkeeping and does not count.",
    "Revert the edit and write a new proposal for the design change (`depgate new`), which may supersede this "
    "one; a typo fix needs nothing.",
    _STATUS,
    example_bad="deps/0005-x.md: Status: Implemented in #35; its Design section rewritten in #52",
    example_good="deps/0009-y.md added in #52, `Replaces: 0005`",
)
IMPLEMENTATION_LINKS_MISSING = Rule(
    "S106", "implementation-links-missing", Severity.WARNING,
    "An Implemented proposal's `Implementation` header must name the changes that implemented it.",
    "The header keeps the link from the proposal to its code with the document, where readers and the index "
    "find it; the changes that cite the proposal are known, so `--write` adds the missing ones.",
    "Run `depgate status --write` (or merge the scheduled index pull request), or add the references by hand "
    "(`Implementation: #35, #40`).",
    _STATUS,
    example_bad="Status: Implemented\n(#35 `feat: add scaled rope (DEP-0005)` merged; no Implementation header)",
    example_good="Status: Implemented\nImplementation: #35",
)
STALE_DRAFT = Rule(
    "S201", "stale-draft", Severity.INFO,
    "A Draft should move on: no commit touched it for `status.stale-draft-days` days.",
    "A draft nobody touches is either decided in people's heads but not on paper, or abandoned; either way the "
    "record is wrong. The nudge asks its authors to decide.",
    "Accept, reject or withdraw it, or update it if the discussion is still going; set `status.stale-draft-days` "
    "to 0 to turn the nudge off.",
    _STATUS,
    example_bad="Status: Draft, last changed 200 days ago (status.stale-draft-days: 90)",
    example_good="Status: Withdrawn",
)
ACCEPTED_NOT_IMPLEMENTED = Rule(
    "S202", "accepted-not-implemented", Severity.INFO,
    "An Accepted proposal is waiting for its implementation.",
    "Listing what was agreed but not yet built shows the work the project committed to; depgate found no change "
    "that implements it, linked or inferred.",
    "Nothing to fix while the work is planned; when the implementation merges, cite the proposal (`DEP-0008`) in "
    "its title or body. If the plan was dropped, set `Status: Withdrawn`.",
    _STATUS,
    example_bad="Status: Accepted; no change since cites it",
    example_good="Status: Implemented\nImplementation: #35",
)
NUMBER_CLAIMED_TWICE = Rule(
    "S203", "number-claimed-by-several-pulls", Severity.WARNING,
    "A proposal number should be claimed by one open pull request only.",
    "When several open pull requests each add their own `0007-...` document, all but one must renumber before "
    "they merge; saying so early saves a late surprise. The scheduled index job lists them.",
    "All but one of the pull requests renumber their document (`depgate new` picks the next free number).",
    _STATUS,
    example_bad="#41 and #44 both add deps/0007-*.md",
    example_good="#41 adds deps/0007-hooks.md, #44 adds deps/0008-offload.md",
)

#: Every status rule, registered in `depgate.rules.RULE_MODULES`.
RULES: tuple[Rule, ...] = (
    EVIDENCE_INCOMPLETE, DRAFT_NOT_ACCEPTED, IMPLEMENTED_NOT_RECORDED, IMPLEMENTATION_INFERRED,
    SUPERSEDED_NO_SUCCESSOR, IMPLEMENTED_EDITED, IMPLEMENTATION_LINKS_MISSING,
    STALE_DRAFT, ACCEPTED_NOT_IMPLEMENTED, NUMBER_CLAIMED_TWICE,
)
