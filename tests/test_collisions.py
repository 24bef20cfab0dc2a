"""`depgate.proposals.collisions`: numbers several open pull requests claim, read as the rest of depgate reads them."""

from __future__ import annotations

import pytest

from depgate.proposals.collisions import Collision, PullFile, find_collisions, folder_number
from depgate.report.github import collisions_md

BASE = ["deps/0001-dep-process.md", "deps/0002-dep-offload.md", "deps/INDEX.md", "deps/TEMPLATE.md"]


@pytest.mark.parametrize(("path", "number"), [
    ("deps/0008-x.md", 8),
    ("deps/8-x.md", 8),  # the shared reader takes any ASCII digits before the dash
    ("deps/\u0660\u0660\u0660\u0668-x.md", None),  # Arabic-Indic digits are not a number to depgate
    ("deps/\uff10\uff10\uff10\uff18-x.md", None),  # nor are full-width ones
    ("deps/x-0008.md", None),
    ("deps/sub/0008-x.md", None),  # not directly in the folder
    ("other/0008-x.md", None),
    ("deps/1234567890-x.md", None),  # more than nine digits: not a number (int() must never be fed a huge one)
])
def test_folder_number_uses_the_shared_reader(path, number):
    assert folder_number(path, "deps") == number


def test_folder_number_at_the_root_and_with_slashes():
    assert folder_number("0003-x.md", "") == 3
    assert folder_number("deps/0003-x.md", "/deps/") == 3
    assert folder_number("deps/0003-x.md", "") is None


def test_two_pull_requests_claiming_one_number_collide():
    files = [PullFile(21, "deps/0007-dep-hooks.md", "added"), PullFile(22, "deps/0007-dep-offload.md", "added"),
             PullFile(24, "deps/0008-dep-alone.md", "added")]
    assert find_collisions(files, BASE, "deps") == [Collision(7, (21, 22), ())]


def test_a_number_already_merged_collides_with_one_pull_request():
    files = [PullFile(23, "deps/0001-dep-again.md", "added")]
    assert find_collisions(files, BASE, "deps") == [Collision(1, (23,), ("deps/0001-dep-process.md",))]


def test_what_does_not_claim_a_number_never_collides():
    files = [
        PullFile(30, "deps/0002-dep-offload.md", "modified"),  # editing a merged document
        PullFile(31, "deps/0002-dep-offload.md", "removed"),
        PullFile(32, "deps/0002-dep-renamed.md", "renamed"),  # a rename keeps its number
        PullFile(33, "deps/\u0660\u0660\u0660\u0662-dep-x.md", "added"),  # no number to depgate
        PullFile(34, "deps/0002-dep-offload.md", "added"),  # the base moved on and holds this very file
        PullFile(35, "docs/0009-x.md", "added"), PullFile(36, "deps/sub/0009-x.md", "added"),
    ]
    assert find_collisions(files, BASE, "deps") == []


def test_the_same_pull_request_adding_two_files_with_one_number_is_one_claim():
    files = [PullFile(40, "deps/0009-a.md", "added"), PullFile(40, "deps/0009-b.md", "added")]
    assert find_collisions(files, BASE, "deps") == []


def test_collisions_come_sorted_by_number_with_sorted_pull_requests():
    files = [PullFile(n, f"deps/{num:04d}-x{n}.md", "added") for n, num in [(9, 5), (3, 5), (7, 4), (2, 4)]]
    assert find_collisions(files, BASE, "deps") == [Collision(4, (2, 7), ()), Collision(5, (3, 9), ())]


def test_collisions_render_escaped_in_the_repositorys_prefix():
    collisions = [Collision(1, (23,), ("deps/0001-a|b.md",)), Collision(7, (21, 22), ())]
    assert collisions_md(collisions, "RFC") == (
        "#### RFC numbers claimed more than once\n\n"
        "Several open pull requests (or a merged document) use the same number; all but one must renumber "
        "(`depgate new` picks the next free number).\n\n"
        "| Number | Pull requests |\n| --- | --- |\n"
        "| 0001 | #23; already used by `deps/0001-a\u2223b.md` |\n"
        "| 0007 | #21, #22 |\n")
    assert collisions_md([]) == ""
