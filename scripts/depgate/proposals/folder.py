"""Find and read the proposal documents of a folder."""

from __future__ import annotations

import contextlib
import gc
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from depgate.proposals.reader import MAX_BYTES, read_from_tree, to_proposal

if TYPE_CHECKING:
    from collections.abc import Iterator

    from depgate.config import ProposalsConfig
    from depgate.proposals.model import Proposal, ProposalDocument
    from depgate.tree import Tree

#: Names in the folder that are never proposals, besides the configured template and index.
NOT_PROPOSALS = frozenset({"README.md", "readme.md", "CONTRIBUTING.md"})
_LOOKS_NUMBERED = re.compile(r"^\d+-")


@dataclass(frozen=True)
class FolderDocument:
    """One candidate document of the folder with its lenient reading and typed view."""

    document: ProposalDocument
    proposal: Proposal

    @property
    def path(self) -> str:
        """Repository-relative path."""
        return self.document.path

    @property
    def number(self) -> int | None:
        """The number it claims: its number header's (`DEP: 0008`), else its file name's (`0008-x.md`)."""
        proposal = self.proposal
        return proposal.number if proposal.number is not None else proposal.filename_number


def is_candidate(name: str, kind: str, config: ProposalsConfig) -> bool:
    """Tell whether a folder entry should be read as a DEP document.

    Markdown files other than the template, the index and README-like files are candidates; so is
    anything (a folder, a link) whose name looks like a numbered DEP, so it can be reported.
    """
    if name in (config.template, config.index) or name in NOT_PROPOSALS:
        return False
    if kind == "file":
        return name.lower().endswith(".md")
    return bool(_LOOKS_NUMBERED.match(name)) or name.lower().endswith(".md")


def candidate_entries(tree: Tree, config: ProposalsConfig) -> list[tuple[str, str]]:
    """List `(path, kind)` of the folder's candidate documents, sorted by path."""
    folder = config.directory.strip("/")
    return [(path, kind) for path, kind in tree.entries(folder)
            if is_candidate(path.rsplit("/", 1)[-1], kind, config)]


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Suspend the cyclic garbage collector while building many small acyclic objects.

    Reading 10,000 documents allocates half a million tuples, strings and dataclasses, and the
    collector walked them again and again as they aged through its generations: a third of the
    time of `depgate index`. Nothing built here holds a cycle. On the way out, what was built is
    moved straight to the oldest generation (`gc.freeze` then `gc.unfreeze`, the documented way
    to do that), so the young collections that follow do not walk it either.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:  # never thaw what someone else froze on purpose
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def load_folder(tree: Tree, config: ProposalsConfig) -> list[FolderDocument]:
    """Read every candidate document of the folder. Never raises for a bad document."""
    out = []
    entries = candidate_entries(tree, config)
    prefetch = getattr(tree, "prefetch", None)  # a `GitTree` reads the whole folder in one go
    if prefetch is not None:
        prefetch([path for path, kind in entries if kind == "file"], MAX_BYTES)
    with no_gc_pauses():
        for path, kind in entries:
            doc = read_from_tree(tree, path, kind)
            out.append(FolderDocument(doc, to_proposal(doc, config.prefix)))
    return out


def template_path(config: ProposalsConfig) -> str:
    """Repository-relative path of the template."""
    return f"{config.directory.strip('/')}/{config.template}"


def index_path(config: ProposalsConfig) -> str:
    """Repository-relative path of the generated index."""
    return f"{config.directory.strip('/')}/{config.index}"
