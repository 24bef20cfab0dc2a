"""Rules of the pull-request verdict (codes `V1xx`): DEP links, overrides, conventional commits.

The API findings that make a DEP necessary have their own codes (`A1xx`-`A3xx`, `A9xx`, in
`depgate.api.kinds`); the rules here say whether the change is linked to a DEP that satisfies the
requirement, and what else the pull request should fix. Codes are stable: never renumber or reuse one.
"""

from __future__ import annotations

from depgate.diagnostics import Severity
from depgate.rules import Rule

_VERDICT = "verdict"

NOT_LINKED = Rule(
    "V101", "dep-required-not-linked", Severity.ERROR,
    "A change that breaks the public API, or adds an abstraction or a distributed strategy, must link a DEP.",
    "These changes shape d9d for years; the DEP process asks that they are proposed, discussed and accepted "
    "before (or with) the code, so reviewers and users can find why the API looks the way it does.",
    "Write a DEP (`depgate new`) and add it to the pull request, or reference an accepted one in the title or "
    "body (`DEP-0008`), or record why none is needed with the override marker (`DEP: none — <reason>`).",
    _VERDICT,
    example_bad="title: feat: add OffloadStrategy ABC\nbody: (nothing)",
    example_good="title: feat: add OffloadStrategy ABC (DEP-0008)",
)
MISSING_DEP = Rule(
    "V102", "dep-reference-missing", Severity.ERROR,
    "A DEP referenced by the pull request must exist at its head.",
    "A reference to a number that has no document is usually a typo or a proposal that was never merged; "
    "it would satisfy the check without any proposal behind it.",
    "Fix the number, or add the DEP document to the pull request.",
    _VERDICT,
    example_bad="body: Implements DEP-0042 (no deps/0042-*.md exists)",
    example_good="body: Implements DEP-0008",
)
CLOSED_DEP = Rule(
    "V103", "dep-reference-closed", Severity.ERROR,
    "A referenced DEP must not be Rejected, Withdrawn or Superseded.",
    "Implementing a proposal that was turned down, or one replaced by another, contradicts the record the "
    "process keeps.",
    "Reference the DEP that superseded it, or reopen the discussion in a new DEP.",
    _VERDICT,
    example_bad="body: Implements DEP-0003 (Status: Rejected)",
    example_good="body: Implements DEP-0009 (Status: Accepted)",
)
DRAFT_DEP = Rule(
    "V104", "dep-reference-draft", Severity.WARNING,
    "A referenced DEP should be accepted before its implementation merges.",
    "A Draft DEP is still under discussion; merging its implementation decides the discussion. d9d has also "
    "seen DEPs left Draft after their code merged, which leaves the record wrong.",
    "Get the DEP accepted in a pull request of its own (its `Status` set to an accepted one), then reference it; or, "
    "when the change really needs no DEP, record why with the override marker.",
    _VERDICT,
    example_bad="body: Implements DEP-0008 (Status: Draft)",
    example_good="body: Implements DEP-0008 (Status: Accepted)",
)
OVERRIDE_USED = Rule(
    "V105", "dep-override-used", Severity.WARNING,
    "An override of the DEP requirement is recorded, with its reason.",
    "Some changes that look DEP-worthy are not (a rename of an unreleased API, a revert); the override lets them "
    "through and leaves a record that reviewers see.",
    "Nothing to fix when the reason holds; otherwise remove the marker or label and link a DEP.",
    _VERDICT,
    example_bad="body: DEP: none",
    example_good="body: DEP: none — reverts #123, which shipped no release",
)
BREAKING_NOT_MARKED = Rule(
    "V106", "breaking-change-not-marked", Severity.WARNING,
    "A breaking change must be marked as such in its Conventional Commit title (`feat!:`) or footer "
    "(`BREAKING CHANGE:`).",
    "semantic-release derives the version from the title; a breaking change titled `fix:` or `feat:` ships as "
    "a patch or minor release and breaks users who trusted the version number.",
    "Add `!` after the type (`feat!: ...`) or a `BREAKING CHANGE: <what breaks>` footer to the body. The rule "
    "runs only where Conventional Commits are used: `verdict.conventional-commits` is `auto` by default (at least "
    "half, and at least 3, of the base branch's 20 latest non-merge commit subjects follow the grammar); set it "
    "to true or false to decide.",
    _VERDICT,
    example_bad="feat: remove Trainer.fit_legacy",
    example_good="feat!: remove Trainer.fit_legacy",
)
UNPARSABLE_FILE = Rule(
    "V107", "unparsable-file-review", Severity.WARNING,
    "A changed file that lists a public name that cannot be found statically makes the verdict at least `review`.",
    "depgate cannot see the API of a name it cannot find; treating it as absent would report a new name as "
    "missing, and ignoring it could hide a change. (A name that was public at base and cannot be found at head "
    "is reported as removed instead, and a file that cannot be analysed fails closed: V112.)",
    "Define or import the name plainly in the module that lists it; a human reviewer judges it meanwhile.",
    _VERDICT,
    example_bad="__all__ = ['Loader']  # Loader is made by setattr()",
    example_good="from .loader import Loader\n\n__all__ = ['Loader']",
)
SUGGESTED_DEP = Rule(
    "V108", "dep-suggested", Severity.INFO,
    "When no DEP is linked, DEPs whose text names the changed symbols are suggested.",
    "In d9d a DEP often lands first in a docs-only pull request and its implementation follows without "
    "mentioning the number; the suggestion makes the link easy to add.",
    "If the suggested DEP is the one this change implements, reference it in the body (`DEP-0008`).",
    _VERDICT,
)
NOT_ACCEPTED = Rule(
    "V109", "linked-dep-not-accepted", Severity.WARNING,
    "A DEP linked to a change that requires one must have a status the configuration accepts.",
    "Only an accepted proposal (by default Accepted, Implemented or Active, or one added by the same change) "
    "records a decision; a linked DEP with another status does not satisfy the requirement.",
    "Update the DEP's `Status`, or link the DEP that was accepted.",
    _VERDICT,
)
OVERRIDE_NO_REASON = Rule(
    "V110", "dep-override-without-reason", Severity.WARNING,
    "An override marker must give a reason.",
    "An override without a reason leaves no record of why the process was skipped, so it is not honoured.",
    "Write the reason after the marker: `DEP: none — <reason>`.",
    _VERDICT,
    example_bad="DEP: none",
    example_good="DEP: none — only renames a private helper re-exported by mistake yesterday",
)
AMBIGUOUS_DEP = Rule(
    "V111", "dep-reference-ambiguous", Severity.WARNING,
    "A referenced DEP number must name exactly one document.",
    "Numbers collide when several pull requests each add their own `0007-...` file; a reference to such a number "
    "cannot tell which proposal it means.",
    "Renumber one of the documents (`depgate new` picks a free number), then reference the right one.",
    _VERDICT,
)

CANNOT_VOUCH = Rule(
    "V112", "unanalysable-file-fails-closed", Severity.ERROR,
    "A change touching a file that the public API depends on and that depgate cannot analyse needs a DEP (or an "
    "override), like a breaking change.",
    "What depgate cannot see never lowers a verdict. A file that does not parse, is a symbolic link, declares an "
    "encoding that rewrites its text, or is too large or too deep for the analysis may hide any change to the "
    "names that depend on it; calling it `review` would let a hidden break merge. The gate fails closed and says "
    "which file and why.",
    "Make the file analysable (the reason names what is wrong), or, when the change really needs no DEP, record "
    "why with the override marker (`DEP: none — <reason>`) or label.",
    _VERDICT,
    example_bad="# d9d/core.py, re-exported by d9d/__init__.py\ndef build(model:\n",
    example_good="def build(model):\n",
)

LINT_ERRORS_DEP = Rule(
    "V113", "linked-dep-has-lint-errors", Severity.WARNING,
    "A DEP that the change adds or edits, and that has DEP lint errors, does not satisfy a requirement.",
    "A proposal with a broken header or missing sections is not yet a record anyone can rely on: its number, "
    "status or design may not read as intended. Counting it would let a placeholder file satisfy the gate. "
    "(The check still fails through V101; this finding says which errors to fix.)",
    "Fix the lint errors it lists (each names the file, line and code; `depgate lint` shows the same), push, and "
    "the DEP satisfies the requirement again.",
    _VERDICT,
    example_bad="deps/0012-offload.md added with `Status: Drafty` (D103)",
    example_good="deps/0012-offload.md added with `Status: Draft`",
)

FEATURE_NOT_MARKED = Rule(
    "V114", "new-api-not-marked-feature", Severity.WARNING,
    "A change that adds public API should have a `feat:` Conventional Commit title, not `fix:`, `perf:`, "
    "`refactor:` or another type.",
    "semantic-release derives the version from the title: new API titled `fix:` or `perf:` ships as a patch "
    "release, and under `refactor:`, `chore:` or `docs:` it ships in no release until an unrelated one; either "
    "way the changelog does not list it as a feature, and a user who needs it cannot tell from the version which "
    "release has it.",
    "Title the change `feat: ...` (or `feat!: ...` when it also breaks something). Like V106 the rule runs only "
    "where Conventional Commits are used (`verdict.conventional-commits`); a title without a type is left alone.",
    _VERDICT,
    example_bad="fix(loop): add Trainer.fit_resumable",
    example_good="feat(loop): add Trainer.fit_resumable",
)

TRANSITION_NOT_ALLOWED = Rule(
    "V120", "status-transition-not-allowed", Severity.ERROR,
    "A pull request may change a proposal's `Status` only as `status.lifecycle` lists.",
    "The status is the record of a decision: a Draft that jumps to Implemented skips its acceptance, and an "
    "Implemented proposal moved back to Draft rewrites history. Listing the allowed changes makes the process "
    "something the check can hold, not only a convention. The override marker (`DEP: none — <reason>`) and the "
    "override labels do not waive it: they say a change needs no DEP, not that a proposal's record may move "
    "outside the lifecycle; only `fail-on: never` keeps the check green.",
    "Make the change the lifecycle allows (for d9d: Draft -> Accepted in a pull request of its own, then "
    "Accepted -> Implemented with the implementation), or, when the project's process really allows it, add the "
    "change to `status.lifecycle` in the base branch's configuration.",
    _VERDICT, example_bad="Status: Draft -> Status: Implemented", example_good="Status: Draft -> Status: Accepted",
    fails_check=True,
)
TRANSITION_CONDITION_UNMET = Rule(
    "V121", "status-transition-condition-unmet", Severity.ERROR,
    "A status change whose `status.lifecycle` entry has a condition must meet it.",
    "The condition carries the process: an acceptance is decided in a pull request about the proposal alone "
    "(`proposals-only`), a proposal is Implemented only with or after its implementation (`implementation`), "
    "and a Superseded one names its successor (`successor`); otherwise the record says something that did not "
    "happen. Like V120 it is not waived by the override marker or labels, which answer whether a DEP is needed, "
    "not whether the record is true.",
    "Move the status change into a pull request of its own (`proposals-only`), make it with the implementation or "
    "after it merged (`implementation`), or add `Superseded-By: NNNN` naming an existing proposal (`successor`).",
    _VERDICT,
    example_bad="feat: add ScaledRope\n(d9d/rope.py and deps/0005-dep-scaled-rope.md: Draft -> Accepted)",
    example_good="docs: accept DEP-0005\n(deps/0005-dep-scaled-rope.md only: Draft -> Accepted)",
    fails_check=True,
)
TRANSITION_NEEDS_DECIDER = Rule(
    "V122", "status-transition-needs-decider", Severity.INFO,
    "A status change must be approved by one of `status.deciders`.",
    "Who may accept a proposal is part of the process; naming the deciders tells the author whose approval to wait "
    "for, and `publish` requests their review.",
    "Nothing to change in the pull request: one of the named deciders reviews and approves it.",
    _VERDICT,
)

#: Every verdict rule, registered in `depgate.rules.RULE_MODULES`.
RULES: tuple[Rule, ...] = (
    NOT_LINKED, MISSING_DEP, CLOSED_DEP, DRAFT_DEP, OVERRIDE_USED, BREAKING_NOT_MARKED, UNPARSABLE_FILE,
    SUGGESTED_DEP, NOT_ACCEPTED, OVERRIDE_NO_REASON, AMBIGUOUS_DEP, CANNOT_VOUCH, LINT_ERRORS_DEP,
    FEATURE_NOT_MARKED, TRANSITION_NOT_ALLOWED, TRANSITION_CONDITION_UNMET, TRANSITION_NEEDS_DECIDER,
)
