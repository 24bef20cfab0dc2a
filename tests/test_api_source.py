"""`depgate.api.source`: module files read as CPython reads them, bounded before parsing, once per content."""

from __future__ import annotations

import pytest

from depgate.api import source
from depgate.api.source import ParseProblem, Sources


def test_utf8_with_and_without_bom_and_cookie() -> None:
    for data in (b"x = 1\n", b"\xef\xbb\xbfx = 1\n", b"# -*- coding: utf-8 -*-\nx = 1\n"):
        assert isinstance(Sources().check("m.py", data), str)


def test_plain_8bit_cookie_is_decoded_as_declared() -> None:
    # In latin-1, \xe9 is a letter; read as UTF-8 it would be an error.
    text = Sources().check("m.py", b"# coding: latin-1\nname = '\xe9'\n")
    assert isinstance(text, str)
    assert "\u00e9" in text


@pytest.mark.parametrize("codec", ["unicode_escape", "raw_unicode_escape", "utf-7", "rot13", "idna"])
def test_cookie_of_a_codec_that_rewrites_text_is_refused(codec: str) -> None:
    problem = Sources().check("pkg/m.py", f"# coding: {codec}\nx = 1\n".encode())
    assert isinstance(problem, ParseProblem)
    assert (problem.path, problem.line) == ("pkg/m.py", 1)
    assert "encoding" in problem.message


def test_unknown_codec_is_refused_with_its_line() -> None:
    problem = Sources().check("m.py", b"#!/usr/bin/env python\n# coding: no-such-codec\nx = 1\n")
    assert isinstance(problem, ParseProblem)
    assert "encoding declaration" in problem.message


def test_not_utf8_says_so() -> None:
    problem = Sources().check("m.py", b"x = 1\n# \xff\xfe\n")
    assert isinstance(problem, ParseProblem)
    assert "not valid UTF-8" in problem.message


def test_million_statements_are_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(source, "_compile", lambda text: calls.append(text) or (None, "parsed"))
    problem = Sources().check("big.py", b"a;" * 1_000_000)
    assert isinstance(problem, ParseProblem)
    assert "lines and statements" in problem.message
    assert calls == []  # the parser never ran


def test_just_under_the_statement_bound_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Near miss of the case above: a long but ordinary file is analysed.
    monkeypatch.setattr(source, "MAX_BODY_STATEMENTS", source.MAX_SEPARATORS)
    data = b"".join(b"x%d = %d\n" % (i, i) for i in range(source.MAX_SEPARATORS - 10))
    assert isinstance(Sources().check("long.py", data), str)


def test_identical_contents_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    real = source._compile
    calls: list[int] = []
    monkeypatch.setattr(source, "_compile", lambda text: calls.append(1) or real(text))
    sources = Sources()
    for path in ("a.py", "b.py", "c.py"):
        assert isinstance(sources.check(path, b"def f(): ...\n"), str)
    assert sources.tree(b"def f(): ...\n") is not None  # a comparison parses again, but keeps nothing new
    assert len(calls) == 2


def test_imports_and_bindings_skip_function_bodies() -> None:
    parsed = Sources().parsed(b"""\
import os
import a.b
import a.c as ac
from .core import keep as kept, gone
from . import sub
from ..up import *
try:
    from .fast import impl
except ImportError:
    from .slow import impl
class Thing(Base, metaclass=Meta):
    from .inner import helper
def f():
    from .lazy import never
X = Thing
del os
""")
    assert (1, "lazy", "never") not in parsed.imports  # a function body runs later, it re-exports nothing
    assert (1, "inner", "helper") in parsed.imports  # a class body runs with the module
    b = parsed.bindings
    assert b["kept"].source == (1, "core", "keep")
    assert b["ac"].source == (0, "a.c", "")
    assert b["a"].source == (0, "a", "")
    assert b["sub"].source == (1, "", "sub")
    assert b["impl"].kind == "dynamic"  # imported from two places: followed by neither
    assert (b["Thing"].kind, b["Thing"].uses) == ("class", frozenset({"Base", "Meta"}))
    assert (b["X"].kind, b["X"].uses) == ("assign", frozenset({"Thing"}))
    assert b["os"].kind == "dynamic"
    assert b["f"].kind == "def"
    assert (2, "up", "*") in parsed.imports
