"""The closure's quick test (`surface._Spelling`): a text is skipped only when it certainly cannot import a module.

A wrong False would hide a public name that changed, so each form of import is checked to pass, and near misses
(the name inside a longer word) to be skipped.
"""

from __future__ import annotations

import pytest

from depgate.api.surface import _Spelling, _spells

MODULES = {"pkg.group.mod", "pkg.other"}


@pytest.mark.parametrize("text", [
    b"from pkg.group.mod import X\n",
    b"from .mod import X\n",  # importer pkg.group.user: the last component only is spelled, and `group` is shared
    b"from.mod import X",  # no space, at the very end of the text
    b"import pkg.group.mod as z\n",
    b"from pkg.group import (\n    mod,\n)\n",
    b"x = 1; from ..other import y\n",
    b"from . import thing\n",  # from pkg.other.sub, a bare relative import reaches its package `pkg.other`
])
def test_imports_pass(text: bytes) -> None:
    spelling = _Spelling(MODULES)
    importer = "pkg.other.sub" if text.startswith(b"from . ") else "pkg.group.user"
    assert spelling.could_import(importer, text)


@pytest.mark.parametrize("text", [
    b"from pkg.group.model import X\n",  # `mod` only inside `model`
    b"import pkg.groupie.mod_x\n",
    b"# nothing here\n",
    b"from . import thing\n",  # from pkg.group.user: `pkg.group` is its package, but no module of the set
])
def test_near_misses_are_skipped(text: bytes) -> None:
    assert not _Spelling({"pkg.group.mod", "pkg.other"}).could_import("pkg.group.user", text)


def test_non_ascii_module_and_coding_line_always_pass() -> None:
    assert _Spelling({"pkg.módulo"}).could_import("pkg.a", b"nothing\n")
    assert _Spelling(MODULES).could_import("pkg.a", b"# -*- coding: latin-1 -*-\nnothing\n")


@pytest.mark.parametrize(("text", "word", "found"), [
    (b"rope", b"rope", True), (b"property", b"rope", False), (b"a.rope(", b"rope", True),
    (b"ropes rope_x _rope", b"rope", False), (b"ropes rope", b"rope", True), (b"9rope", b"rope", False),
])
def test_whole_words(text: bytes, word: bytes, found: bool) -> None:
    assert _spells(text, word) is found
