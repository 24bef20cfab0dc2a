"""The renderers of the check report, snapshotted whole (text, Markdown, annotations) on one rich report.

A change in any renderer shows up here as a diff to review; update the snapshot when it is intended.
"""
# ruff: noqa: E501 - snapshots hold whole output lines, which are as long as the renderers make them.

from __future__ import annotations

import json
import re

import cmarkgfm

from depgate.bump import ProjectVersion
from depgate.diagnostics import Diagnostic, Location, Severity
from depgate.git import ChangedFile
from depgate.report import github, markdown, text
from depgate.report import json as json_report
from depgate.verdict import decide
from test_verdict import abstraction, addition, dep, facts, removed


def rich_report():
    """Required, not satisfied: a Draft DEP referenced, an accepted one suggested, a lint finding, no `!`."""
    lint = Diagnostic("D103", Severity.ERROR, "Status must be one of Draft, Accepted", Location("deps/0003-dep-ring.md", 5))
    return decide(facts(
        changed=[ChangedFile("M", "d9d/loop/trainer.py"), ChangedFile("A", "d9d/offload/policy.py"),
                 ChangedFile("M", "deps/0003-dep-ring.md")],
        changes=[removed(), abstraction(), addition()],
        deps=[dep(3, "Draft", title="Ring", slug="ring"),
              dep(5, "Accepted", title="Offload | policies", body="Adds OffloadPolicy.", slug="offload")],
        title="feat: offload <b>now</b>", body="Relates to DEP-0003.", findings=[lint],
        recent_subjects=("feat: a", "fix(loop): b", "docs: c", "Release 1.0"),
        version=ProjectVersion("0.16.0", "pyproject.toml", major_on_zero=False),
    ))


TEXT = r'''[required] A DEP is required, and no DEP that satisfies it is linked.
  feat: offload <b>now</b>
  base aaaaaaaaaaaa (main) -> head bbbbbbbbbbbb (HEAD); 3 file(s) changed, 3 API change(s)
  bump: minor (a breaking change; a minor release under 0.x, as major_on_zero is false): 0.16.0 -> 0.17.0, version from pyproject.toml
  the check fails (fail-on: required)

Breaking changes:
  d9d/loop/trainer.py:40 (base): A101 [error] public method `d9d.loop.Trainer.fit_legacy` was removed

New abstractions:
  d9d/offload/policy.py:7: A201 [warning] `d9d.offload.OffloadPolicy` is a new public ABC

DEP links and process:
  d9d/loop/trainer.py:40 (base): V101 [error] 2 change(s) require a DEP (first: A101 d9d.loop.Trainer.fit_legacy at d9d/loop/trainer.py:40); linked but not satisfying: DEP-0003
  deps/0003-dep-ring.md:5: V104 [warning] DEP-0003 (Ring) is referenced (referenced as `DEP-0003` in the body) but its status is still Draft
  d9d/loop/trainer.py:40 (base): V106 [warning] 1 breaking change(s) (first: A101 d9d.loop.Trainer.fit_legacy at d9d/loop/trainer.py:40) but the title 'feat: offload <b>now</b>' has no `!` and no `BREAKING CHANGE:` footer; this repository uses Conventional Commits (3 of the base branch's last 4 commit subjects do), and semantic-release would ship it as a minor or patch release

DEPs involved:
  DEP-0003  Draft  Ring  [deps/0003-dep-ring.md]  linked: edited (diff), referenced (body); does not satisfy

Definition of done (advisory):
  [ok] implementation: 2 code file(s) of the analysed packages changed: d9d/loop/trainer.py, d9d/offload/policy.py
  [missing] tests (required): no test file (tests/**, test_*.py, *_test.py) added or changed
  [ok] docstrings (required): every new or changed public object has a docstring
  [missing] docs (required): no documentation file (docs/**) changed

Suggested DEPs (their text names changed symbols):
  DEP-0005  Accepted  Offload | policies  [deps/0005-dep-offload.md:14] mentions OffloadPolicy

DEP lint findings:
  deps/0003-dep-ring.md:5: D103 [error] Status must be one of Draft, Accepted

What to do next:
  - Accept DEP-0003 (`deps/0003-dep-ring.md`): it is linked but its status is Draft, which does not satisfy the requirement. Set its `Status: Accepted` in a pull request of its own, so the decision is reviewed apart from the code, merge it, then re-run this check; or, if this change should go in without it, record why with the override below.
  - Or record why none is needed: add a line `DEP: none — <reason>` to the body (or the label `dep-not-needed`); it is recorded and shown here.
  - Mark the breaking change: `feat!: …` in the title, or a `BREAKING CHANGE:` footer.
'''

MARKDOWN = r'''### ❌ depgate: DEP required — no DEP linked

A DEP is required, and no DEP that satisfies it is linked\. **The check fails** (fail-on: required).

**Change:** feat\: offload \<b\>now\</b\>\
**Compared:** `aaaaaaaaaaaa` (main) … `bbbbbbbbbbbb` (HEAD): 3 file(s) changed, 3 public-API change(s).\
**Bump:** minor \(a breaking change; a minor release under 0\.x, as major\_on\_zero is false\)\: 0\.16\.0 \-\> 0\.17\.0, version from pyproject\.toml.

#### Breaking changes (1)

| Code | Symbol | Where | What |
| --- | --- | --- | --- |
| `A101` | `d9d.loop.Trainer.fit_legacy` | [`d9d/loop/trainer.py:40`](https://github.com/acme/d9d/blob/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/d9d/loop/trainer.py#L40) (base) | public method \`d9d\.loop\.Trainer\.fit\_legacy\` was removed |

#### New abstractions (1)

| Code | Symbol | Where | What |
| --- | --- | --- | --- |
| `A201` | `d9d.offload.OffloadPolicy` | [`d9d/offload/policy.py:7`](https://github.com/acme/d9d/blob/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/d9d/offload/policy.py#L7) | \`d9d\.offload\.OffloadPolicy\` is a new public ABC |

#### DEP links and process (3)

| Code | Symbol | Where | What |
| --- | --- | --- | --- |
| `V101` | `d9d.loop.Trainer.fit_legacy` | [`d9d/loop/trainer.py:40`](https://github.com/acme/d9d/blob/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/d9d/loop/trainer.py#L40) (base) | 2 change\(s\) require a DEP \(first\: A101 d9d\.loop\.Trainer\.fit\_legacy at d9d/loop/trainer\.py\:40\); linked but not satisfying\: DEP\-0003 |
| `V104` |  | [`deps/0003-dep-ring.md:5`](https://github.com/acme/d9d/blob/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/deps/0003-dep-ring.md#L5) | DEP\-0003 \(Ring\) is referenced \(referenced as \`DEP\-0003\` in the body\) but its status is still Draft |
| `V106` | `d9d.loop.Trainer.fit_legacy` | [`d9d/loop/trainer.py:40`](https://github.com/acme/d9d/blob/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/d9d/loop/trainer.py#L40) (base) | 1 breaking change\(s\) \(first\: A101 d9d\.loop\.Trainer\.fit\_legacy at d9d/loop/trainer\.py\:40\) but the title \'feat\: offload \<b\>now\</b\>\' has no \`\!\` and no \`BREAKING CHANGE\:\` footer; this repository uses Conventional Commits \(3 of the base branch\'s last 4 commit subjects do\), and semantic\-release would shi… |

#### DEPs involved

| DEP | Title | Status | Linked by | Satisfies |
| --- | --- | --- | --- | --- |
| DEP\-0003 ([`deps/0003-dep-ring.md`](https://github.com/acme/d9d/blob/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/deps/0003-dep-ring.md)) | Ring | Draft | edited (diff), referenced (body) | no |

#### Definition of done (advisory)

| | Item | Found |
| --- | --- | --- |
| ✅ | implementation | 2 code file\(s\) of the analysed packages changed: `d9d/loop/trainer.py`, `d9d/offload/policy.py` |
| ⚠️ | tests (required) | no test file \(tests/\*\*, test\_\*\.py, \*\_test\.py\) added or changed |
| ✅ | docstrings (required) | every new or changed public object has a docstring |
| ⚠️ | docs (required) | no documentation file \(docs/\*\*\) changed |

#### Possibly related DEPs

Their text names symbols this change touches; reference one if this change implements it.

| DEP | Title | Status | Mentions |
| --- | --- | --- | --- |
| DEP\-0005 ([`deps/0005-dep-offload.md:14`](https://github.com/acme/d9d/blob/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/deps/0005-dep-offload.md#L14)) | Offload \| policies | Accepted | `OffloadPolicy` |

#### DEP lint findings (1)

| Code | Severity | Where | What |
| --- | --- | --- | --- |
| `D103` | error | [`deps/0003-dep-ring.md:5`](https://github.com/acme/d9d/blob/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/deps/0003-dep-ring.md#L5) | Status must be one of Draft, Accepted |

#### What to do next

- **Accept DEP\-0003** \(`deps/0003-dep-ring.md`\)\: it is linked but its status is Draft, which does not satisfy the requirement\. Set its `Status: Accepted` in a pull request of its own, so the decision is reviewed apart from the code, merge it, then re\-run this check; or, if this change should go in without it, record why with the override below\.
- **Or record why none is needed**\: add a line `DEP: none — <reason>` to the body \(or the label `dep-not-needed`\); it is recorded and shown here\.
- **Mark the breaking change**\: `feat!: …` in the title, or a `BREAKING CHANGE:` footer\.

<sub>depgate 0\.1\.0 · report schema 1 · configuration: \<defaults\></sub>
'''

GITHUB = r'''::error title=depgate%3A required::A DEP is required, and no DEP that satisfies it is linked.
::error title=depgate%3A A101::public method `d9d.loop.Trainer.fit_legacy` was removed
::warning file=d9d/offload/policy.py,line=7,title=depgate%3A A201::`d9d.offload.OffloadPolicy` is a new public ABC
::error title=depgate%3A V101::2 change(s) require a DEP (first: A101 d9d.loop.Trainer.fit_legacy at d9d/loop/trainer.py:40); linked but not satisfying: DEP-0003
::warning file=deps/0003-dep-ring.md,line=5,title=depgate%3A V104::DEP-0003 (Ring) is referenced (referenced as `DEP-0003` in the body) but its status is still Draft
::notice file=deps/0005-dep-offload.md,line=14,title=depgate%3A V108::DEP-0005 (Offload | policies, Accepted) mentions OffloadPolicy; reference it if this change implements it
::warning title=depgate%3A V106::1 breaking change(s) (first: A101 d9d.loop.Trainer.fit_legacy at d9d/loop/trainer.py:40) but the title 'feat: offload <b>now</b>' has no `!` and no `BREAKING CHANGE:` footer; this repository uses Conventional Commits (3 of the base branch's last 4 commit subjects do), and semantic-release would ship it as a minor or patch release
::error file=deps/0003-dep-ring.md,line=5,title=depgate%3A D103::Status must be one of Draft, Accepted
'''


def test_text_snapshot():
    assert text.render(rich_report()) == TEXT


def test_text_colour_wraps_the_same_text():
    coloured = text.render(rich_report(), color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == TEXT


def test_markdown_snapshot():
    assert markdown.render(rich_report(), link_base="https://github.com/acme/d9d") == MARKDOWN


def test_markdown_renders_to_intact_tables():
    html = cmarkgfm.github_flavored_markdown_to_html(MARKDOWN)
    assert html.count("<table>") == 7
    assert "<b>" not in html
    assert "Offload | policies" in html  # the escaped pipe stays inside its cell


def test_markdown_without_link_base_has_no_links():
    assert "](" not in markdown.render(rich_report())


def test_github_snapshot():
    assert github.render(rich_report()) == GITHUB


def test_json_is_stable_and_round_trips():
    report = rich_report()
    first, second = json_report.render(report), json_report.render(rich_report())
    assert first == second
    assert json.loads(first) == report.as_dict()
