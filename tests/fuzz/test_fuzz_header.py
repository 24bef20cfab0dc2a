"""Fuzz target: the DEP header reader (and the index and lint behind it) on arbitrary bytes.

Budget: `DEPGATE_FUZZ_EXAMPLES` examples per test (see `fuzz_support`). Every file of
`corpus/header/` is replayed as a regression test and seeds the mutations.
"""

from __future__ import annotations

import pytest
from fuzz_support import FUZZ, TOKENS, check_header_pipeline, corpus, mutated, seeds
from hypothesis import given
from hypothesis import strategies as st

SEEDS = corpus("header")


@pytest.mark.parametrize("path", SEEDS, ids=[p.name for p in SEEDS])
def test_corpus_replays(path):
    check_header_pipeline(path.read_bytes())


def test_corpus_is_there():
    assert len(SEEDS) >= 10  # the corpus is part of the target; losing it silently would weaken it


@given(st.binary(max_size=2000))
@FUZZ
def test_fuzz_arbitrary_bytes(data):
    check_header_pipeline(data)


@given(mutated(seeds("header")))
@FUZZ
def test_fuzz_mutated_corpus(data):
    check_header_pipeline(data)


@given(st.lists(st.sampled_from([*TOKENS, b"DEP", b"Title", b"Author", b"Status", b"0001", b"x", b"## A"]),
                max_size=60).map(b"".join))
@FUZZ
def test_fuzz_token_soup(data):
    check_header_pipeline(data)
