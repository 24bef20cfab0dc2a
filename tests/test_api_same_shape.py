"""`same_shape` (the cosmetic-change filter) agrees with the plain reference: `ast.dump` with docstrings as `pass`."""

from __future__ import annotations

import ast
import textwrap

import pytest

from depgate.api.snapshot import same_shape


def _reference(old: str, new: str) -> bool:
    """The definition: the two dumps are equal once every leading docstring is replaced by `pass`."""
    trees = [ast.parse(text) for text in (old, new)]
    for tree in trees:
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                    and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                body[0] = ast.Pass()
    return ast.dump(trees[0]) == ast.dump(trees[1])


BASE = '''\
"""Module."""
import abc
from typing import Protocol

__all__ = ["A", "f"]


class A(abc.ABC):
    """Doc."""

    x: int = 1

    @abc.abstractmethod
    def run(self, batch, *, n: int = 2) -> None: ...


async def f(a, /, b=1.0, *args, c: "str" = u"x", **kw):
    """Doc."""
    g = lambda y: y + 1
    return {**kw, "a": a, 1: b}
'''

VARIANTS = [
    # the same shape
    BASE.replace('"""Doc."""', '"""Other doc,\n\n    on two lines."""'),
    BASE.replace('"""Module."""', "'''Module, reworded.'''"),
    BASE.replace('"A", "f"', "'A', 'f'").replace("(self, batch, *, n: int = 2)", "(\n        self,\n        batch,\n"
                                                  "        *,\n        n: int = 2,\n    )"),
    BASE.replace('"""Module."""\n', '"""Module."""\n# a comment\n\n'),
    BASE.replace('    """Doc."""\n\n    x: int = 1', "    pass\n\n    x: int = 1"),  # a docstring counts as pass
    # different shapes
    BASE.replace('"""Module."""\n', ""),  # a docstring removed: one statement fewer
    BASE.replace("b=1.0", "b=1"),  # float and int constants differ
    BASE.replace("x: int = 1", "x: int = True"),  # 1 == True, but not the same constant
    BASE.replace('u"x"', '"x"'),  # the `u` prefix is kept by the parser
    BASE.replace("n: int = 2", "n: int = 3"),
    BASE.replace("a, /, b", "a, b"),
    BASE.replace("y + 1", "y - 1"),
    BASE.replace("async def f", "def f"),
    BASE.replace('return {**kw, "a": a, 1: b}', 'return {"a": a, **kw, 1: b}'),
    BASE.replace("    @abc.abstractmethod\n", ""),
    BASE.replace('    """Doc."""\n\n    x: int = 1', '    """Doc."""\n    "second string"\n\n    x: int = 1'),
    BASE + "\n\ndef later(): ...\n",
]


@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_same_shape_matches_the_reference(variant: int) -> None:
    new = VARIANTS[variant]
    expected = _reference(BASE, new)
    assert same_shape(BASE.encode(), new.encode()) is expected
    assert same_shape(new.encode(), BASE.encode()) is expected


def test_the_variants_cover_both_answers() -> None:
    answers = [_reference(BASE, v) for v in VARIANTS]
    assert answers.count(True) == 5
    assert answers.count(False) == len(VARIANTS) - 5


def test_docstring_only_files_and_nested_docstrings() -> None:
    old = textwrap.dedent('''\
        class A:
            """A."""

            class B:
                """B."""

                def f(self):
                    """F."""
        ''')
    new = old.replace('"""B."""', '"""Bee."""').replace('"""F."""', "pass")
    assert same_shape(old.encode(), new.encode()) is _reference(old, new) is True
    assert same_shape(b'"""Only a docstring."""\n', b"pass\n") is True
    assert same_shape(b'"""Only a docstring."""\n', b"") is False
