"""The sticky comment: rendered from a typed report, in the repository's own words.

The comment is rendered from a `Report` depgate computed (check) or recomputed (publish), never from
an uploaded file. These run the action's `check` mode on real repositories against the fake GitHub
and read the comment it wrote.
"""

from __future__ import annotations

import re

import cmarkgfm

from actionrepo import pull_request_event
from depgate.github.comment import marker, render_resolved
from gitrepo import GitRepo
from test_github_action import MARK, run_action

# An explicit marker, so the test does not lean on the default one (which follows the prefix too).
RFC_CONFIG = ("proposals:\n  prefix: RFC\n  directory: rfcs\n"
              "verdict:\n  override-marker: '(?im)^\\s*RFC:\\s*none\\s*[-—–:]+\\s*(?P<reason>\\S.*)$'\n"
              "  override-labels: [rfc-not-needed]\n")
INIT = "from .core import Base\n__all__ = ['Base']\n"
CORE = "class Base:\n    pass\n"
# A new abstract base class in the public API: a change that requires a proposal.
POLICY = {"pkg/__init__.py": "from .core import Base\nfrom .policy import Policy\n__all__ = ['Base', 'Policy']\n",
          "pkg/policy.py": "import abc\n\n\nclass Policy(abc.ABC):\n    @abc.abstractmethod\n    def run(self): ...\n"}
NUMBER = 21


def rfc(number: int, status: str, title: str) -> str:
    return (f"---\nDEP: {number:04d}\nTitle: {title}\nAuthor: @someone\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-02-04\n---\n\n# RFC-{number:04d}: {title}\n\n## Abstract\n\nText.\n\n## Motivation\n\n"
            "Why.\n\n## Design Proposal\n\nHow.\n\n## Usage\n\nUse.\n\n## Backward Compatibility\n\nFine.\n\n"
            "## Alternatives Considered\n\nNone.\n")


def _rfc_pull(tmp_path, fake):
    """A repository that calls its proposals RFCs in `rfcs/`, and a pull request adding an abstract class."""
    repo = GitRepo.init(tmp_path / "repo")
    base = repo.commit("initial", {".github/depgate.yml": RFC_CONFIG, "pkg/__init__.py": INIT, "pkg/core.py": CORE,
                                   "rfcs/TEMPLATE.md": "---\nDEP: <n>\n---\n",
                                   "rfcs/0003-plugins.md": rfc(3, "Accepted", "Plugins")})
    repo.branch("pr")
    head = repo.commit("feat: a policy", POLICY)
    fake.add_pull(NUMBER, title="feat: a policy", head_sha=head, base_sha=base)
    return repo, base, head


def _event(base: str, head: str, title: str) -> dict:
    event = pull_request_event("missing", base, head)
    event["number"] = event["pull_request"]["number"] = NUMBER
    event["pull_request"]["title"] = title
    return event


def _only_comment(fake) -> str:
    (comment,) = fake.comments_on(NUMBER)
    assert comment["body"].startswith(MARK + "\n")
    return comment["body"]


def _without_reasons(body: str) -> str:
    """The comment without its "Why" table, whose messages are the verdict's (`depgate.verdict`), not the comment's."""
    return re.sub(r"<details><summary>Why \(\d+\)</summary>.*?</details>", "", body, flags=re.DOTALL)


def _assert_own_words(body: str) -> None:
    assert "DEP" not in body, body
    assert "deps/" not in body, body


def test_an_rfc_repository_gets_a_comment_in_its_own_words(tmp_path, fake):
    repo, base, head = _rfc_pull(tmp_path, fake)
    run = run_action(tmp_path, fake, repo.path, _event(base, head, "feat: a policy"))
    assert run.code == 1, run
    body = _only_comment(fake)
    assert "### ❌ depgate: RFC required — no RFC linked\n" in body
    # The next steps come from the shared partial: the repository's folder, next number and a real example.
    steps = body.split("**What to do next:**", 1)[1]
    assert "**Write an RFC**" in steps
    assert "`rfcs/0004-<slug>.md`" in steps
    assert "`RFC-0003`" in steps
    assert "`RFC: none — <reason>`" in steps
    assert "<summary>Why (2)</summary>" in body
    _assert_own_words(_without_reasons(body))
    html = cmarkgfm.github_flavored_markdown_to_html(steps)
    assert html.count("<li>") == 3

    # The pull request now links the accepted RFC (its title, read fresh from the API): the same comment, edited.
    fake.pulls[NUMBER]["title"] = "feat: a policy (RFC-0003)"
    run = run_action(tmp_path / "again", fake, repo.path, _event(base, head, "feat: a policy"))
    assert run.code == 0, run
    assert run.outputs["comment"] == "updated"
    body = _only_comment(fake)
    assert "### ✅ depgate: RFC required — satisfied\n" in body
    assert "| RFC | Title | Status | Satisfies |" in body
    assert re.search(r"^\| RFC\\?-0003 \| Plugins \| Accepted \| yes \|$", body, re.MULTILINE)
    assert "What to do next" not in body
    _assert_own_words(body)


def test_the_reasons_in_an_rfc_repository_say_rfc(tmp_path, fake):
    repo, base, head = _rfc_pull(tmp_path, fake)
    assert run_action(tmp_path, fake, repo.path, _event(base, head, "feat: a policy")).code == 1
    _assert_own_words(_only_comment(fake))


def test_the_resolved_note_uses_the_repositorys_prefix(tmp_path, fake):
    repo, base, head = _rfc_pull(tmp_path, fake)
    assert run_action(tmp_path, fake, repo.path, _event(base, head, "feat: a policy")).code == 1
    # The policy is dropped again: no RFC is needed any more, and the comment is folded away.
    head = repo.commit("revert: no policy after all", {"pkg/__init__.py": INIT, "pkg/policy.py": None})
    fake.pulls[NUMBER]["head"]["sha"] = head
    run = run_action(tmp_path / "again", fake, repo.path, _event(base, head, "feat: a policy"),
                     comment_cleanup="collapse")
    assert run.code == 0, run
    assert run.outputs["comment"] == "collapsed"
    body = _only_comment(fake)
    assert body == render_resolved("depgate", "RFC")
    assert "no RFC required any more" in body
    _assert_own_words(body)


def test_the_default_repository_still_says_dep(tmp_path, fake):
    """The near miss: with no configuration, the same words come from the defaults."""
    note = render_resolved("k")
    assert note.startswith(marker("k") + "\n")
    assert "no DEP required any more" in note
    assert "<details>" in note


def test_marker_key_is_sanitised():
    assert marker("depgate") == "<!-- depgate:sticky-comment:depgate -->"
    assert marker("a --> <b>") == "<!-- depgate:sticky-comment:a------b- -->"
