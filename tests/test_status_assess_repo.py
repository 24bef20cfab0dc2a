"""Where each proposal stands, read from a real repository: git history in, `assess` out.

The pure rules are tested in `test_status_assess.py`; these tests check that what
`depgate.proposals.history` reads from real squash merges, merge commits and edits drives them.
"""

from __future__ import annotations

import datetime as dt

from depgate.config import Config
from depgate.git import Git
from depgate.proposals.evidence import EvidenceKind, Strength
from depgate.proposals.folder import load_folder
from depgate.proposals.history import read_history
from depgate.proposals.status import assess
from depgate.tree import GitTree

CONFIG = Config()
TODAY = dt.date(2026, 4, 1)


def dep(number: str, title: str, status: str, *, extra: str = "", body: str = "Scale the rotary embedding.") -> str:
    """A d9d-like document: `Author: @handle` (not valid YAML) and the standard keys."""
    return (f"---\nDEP: {number}\nTitle: {title}\nAuthor: @mrapplexz\nStatus: {status}\nType: Feature\n"
            f"Created: 2026-01-05\n{extra}---\n\n# DEP-{number}: {title}\n\n## Abstract\n\n{body}\n")


def _report(repo):
    git = Git(repo.path)
    history = read_history(git, "main", CONFIG)
    documents = load_folder(GitTree(git, history.tip), CONFIG.proposals)
    return {p.path: p for p in assess(documents, history, CONFIG, today=TODAY).proposals}


def test_d9d_like_history(git_repo):
    rope, offload, hooks = "deps/0005-dep-scaled-rope.md", "deps/0006-dep-offload.md", "deps/0007-dep-hooks.md"
    git_repo.commit("chore: start", {"d9d/__init__.py": "__all__ = []\n"}, date="2026-01-02")
    git_repo.commit("docs: DEP-0005 scaled rope (#30)", {rope: dep("0005", "Scaled rope", "Draft")}, date="2026-01-05")
    git_repo.commit("docs: DEP-0006 offload (#31)", {offload: dep("0006", "Offload", "Accepted")}, date="2026-01-06")
    # The implementation of DEP-0005 merges without citing it; DEP-0006's cites it in a branch commit.
    added = git_repo.commit("feat: add scaled rope (#35)", {"d9d/rope.py": "class ScaledRope: ...\n"},
                            date="2026-02-01")
    git_repo.branch("offload")
    git_repo.commit("feat: offload strategy\n\nImplements DEP-0006.", {"d9d/offload.py": "class Offload: ...\n"})
    git_repo.checkout("main")
    merge = git_repo.merge("offload", "Merge pull request #40 from someone/offload", date="2026-02-10")
    # DEP-0007 lands with its code, as Implemented, then its design is rewritten.
    git_repo.commit("feat: hooks, DEP-0007 (#41)", {hooks: dep("0007", "Hooks", "Implemented",
                                                               extra="Implementation: #41\n"),
                                                     "d9d/hooks.py": "X = 1\n"}, date="2026-02-11")
    git_repo.commit("docs: record DEP-0007 (#42)", {hooks: dep("0007", "Hooks", "Implemented",
                                                               extra="Implementation: #41\nUpdated: 2026-02-12\n")},
                    date="2026-02-12")
    edit = git_repo.commit("docs: rethink DEP-0007 (#43)", {hooks: dep("0007", "Hooks", "Implemented",
                                                                       extra="Implementation: #41\n",
                                                                       body="A different design.")},
                           date="2026-02-13")

    states = _report(git_repo)

    # Not cited and no inferred evidence given: it still looks unimplemented, so a person decides on acceptance.
    assert [d.code for d in states[rope].findings] == ["S101"]
    assert added not in {e.sha for e in states[rope].evidence}
    (repair,) = states[offload].repairs
    assert (repair.code, repair.status, repair.implementation, repair.strength) == (
        "S102", "Implemented", ("#40",), Strength.LINKED)
    assert [(e.kind, e.sha) for e in states[offload].evidence if e.strength is Strength.LINKED] == [
        (EvidenceKind.REFERENCED, merge)]
    assert states[offload].status_since == "2026-01-06"
    # The bookkeeping commit (#42) is not an edit; the rewrite (#43) is.
    assert [d.code for d in states[hooks].findings] == ["S105"]
    assert [e.sha for e in states[hooks].evidence if e.kind is EvidenceKind.EDITED] == [edit]
    assert [e.kind for e in states[hooks].evidence][:3] == [
        EvidenceKind.ADDED, EvidenceKind.STATUS, EvidenceKind.ADDED_WITH_IMPLEMENTATION]


def test_d9d_uncited_implementation_is_inferred_and_a_cited_one_linked(git_repo):
    from depgate.commands.status import gather_status

    rope, offload = "deps/0005-dep-scaled-rope.md", "deps/0006-dep-offload.md"
    git_repo.commit("chore: start", {"d9d/__init__.py": "__all__ = []\n"}, date="2026-01-02")
    git_repo.commit("docs: DEP-0005 scaled rope (#30)",
                    {rope: dep("0005", "Scaled rope", "Draft", body="Adds `ScaledRope` to `d9d.rope`.")},
                    date="2026-01-05")
    git_repo.commit("docs: DEP-0006 offload (#31)",
                    {offload: dep("0006", "Offload", "Draft", body="Adds `OffloadPolicy`.")}, date="2026-01-06")
    git_repo.commit("feat: add scaled rope (#35)", {  # d9d's case: the implementation does not cite its proposal
        "d9d/rope/__init__.py": "from d9d.rope.scaled import ScaledRope\n\n__all__ = [\"ScaledRope\"]\n",
        "d9d/rope/scaled.py": "class ScaledRope:\n    pass\n"}, date="2026-02-01")
    git_repo.commit("feat: add offload policy (DEP-0006) (#36)", {
        "d9d/offload/__init__.py": "from d9d.offload.policy import OffloadPolicy\n\n__all__ = [\"OffloadPolicy\"]\n",
        "d9d/offload/policy.py": "class OffloadPolicy:\n    pass\n"}, date="2026-02-02")

    report = gather_status(Git(git_repo.path), "main", CONFIG, today=TODAY)
    states = {p.path: p for p in report.proposals}

    assert [d.code for d in states[rope].findings] == ["S103"]  # never S102: nobody linked it
    assert [(r.status, r.implementation, r.strength) for r in states[rope].repairs] == [
        ("Implemented", ("#35",), Strength.INFERRED)]
    assert [d.code for d in states[offload].findings] == ["S102"]
    assert [(r.status, r.implementation, r.automatic) for r in states[offload].repairs] == [
        ("Implemented", ("#36",), True)]
