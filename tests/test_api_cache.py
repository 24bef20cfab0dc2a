"""The on-disk summary cache: same answers warm and cold, nothing trusted that it did not write, never fatal."""

from __future__ import annotations

import json

import pytest

from depgate.api import analyze, cache, source
from depgate.api.cache import SummaryCache, open_cache
from depgate.config import ApiConfig
from depgate.git import Git
from gitrepo import GitRepo

FILES = {
    "pkg/__init__.py": "from .core import keep, gone\n\n__all__ = ['keep', 'gone']\n",
    "pkg/core.py": "from .base import Base\n\n\nclass keep(Base): ...\n\n\ndef gone(a): ...\n",
    "pkg/base.py": "class Base:\n    def run(self, x): ...\n",
}


def _run(repo: GitRepo, base: str, head: str) -> list[tuple[str, str]]:
    cache._OPEN.clear()  # a new process, as far as the cache can tell
    git = Git(repo.path)
    diff = analyze(git, base, head, git.changed_files(base, head), ApiConfig())
    return [(c.code, c.symbol) for c in diff.changes]


@pytest.fixture
def pair(git_repo: GitRepo) -> tuple[GitRepo, str, str]:
    base = git_repo.commit("base", FILES)
    head = git_repo.commit("head", {"pkg/core.py": "from .base import Base\n\n\nclass keep(Base): ...\n",
                                    "pkg/base.py": "class Base:\n    def run(self): ...\n"})
    return git_repo, base, head


def test_warm_run_gives_the_cold_answer_without_parsing(pair, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, base, head = pair
    cold = _run(repo, base, head)
    assert cold == [("A101", "pkg.gone")]
    path = repo.path / ".git" / "depgate" / "summaries.jsonl"
    assert path.is_file()
    calls: list[int] = []
    real = source._parse
    monkeypatch.setattr(source, "_parse", lambda data: calls.append(1) or real(data))
    assert _run(repo, base, head) == cold
    assert calls == []  # every summary came from the cache


def test_cache_is_off_on_request(pair, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, base, head = pair
    monkeypatch.setenv("DEPGATE_CACHE", "off")
    _run(repo, base, head)
    assert not (repo.path / ".git" / "depgate").exists()


@pytest.mark.parametrize("content", [
    b"not json",
    b"[]",
    json.dumps({"format": 999}).encode() + b"\nE " + b"0" * 40 + b" {}\n",
    b"{" * 100_000,
])
def test_damaged_or_foreign_cache_is_ignored_and_replaced(pair, content: bytes) -> None:
    repo, base, head = pair
    expected = _run(repo, base, head)
    path = repo.path / ".git" / "depgate" / "summaries.jsonl"
    path.write_bytes(content)
    assert _run(repo, base, head) == expected
    assert json.loads(path.read_bytes().split(b"\n")[0])["format"] == cache.FORMAT


def test_a_forged_entry_is_not_trusted(pair) -> None:
    # A line of the wrong shape is dropped on its own, when a check asks for it; the rest of the file is kept.
    repo, base, head = pair
    expected = _run(repo, base, head)
    path = repo.path / ".git" / "depgate" / "summaries.jsonl"
    stamp, *lines = path.read_bytes().rstrip(b"\n").split(b"\n")
    entries = [line for line in lines if line.startswith(b"E ")]
    forged = [line[:43] + b'{"problem":null,"imports":[["x",1,2]],"bindings":{}}' for line in entries[:2]]
    rest = [line for line in lines if line not in entries[:2]]
    path.write_bytes(b"\n".join([stamp, *forged, *rest, b"E zz {}", b"S " + b"1" * 80 + b" maybe"]) + b"\n")
    loaded = SummaryCache(path)
    assert [loaded.entries.get(bytes.fromhex(line[2:42].decode())) for line in forged] == [None, None]
    assert all(loaded.entries.get(bytes.fromhex(line[2:42].decode())) is not None for line in entries[2:])
    assert len(loaded.shapes) == sum(1 for line in lines if line.startswith(b"S "))
    assert _run(repo, base, head) == expected


def test_unwritable_cache_folder_is_not_fatal(pair) -> None:
    repo, base, head = pair
    (repo.path / ".git" / "depgate").write_text("a file where the folder should be")
    assert _run(repo, base, head)  # the answer, without a cache


def test_one_cache_per_repository_per_process(pair) -> None:
    repo, *_ = pair
    cache._OPEN.clear()
    git_dir = Git(repo.path).git_dir()
    assert open_cache(git_dir) is open_cache(git_dir)
    assert open_cache(None).path is None


def test_formatting_verdict_is_kept_for_the_pair(git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    base = git_repo.commit("base", FILES)
    head = git_repo.commit("style", {"pkg/core.py": "from .base import Base\n\n\nclass keep(Base):\n    ...\n\n\n"
                                                    "def gone(a):  # kept\n    ...\n"})
    assert _run(git_repo, base, head) == []
    calls: list[int] = []
    real = source._compile
    monkeypatch.setattr(source, "_compile", lambda text: calls.append(1) or real(text))
    assert _run(git_repo, base, head) == []
    assert calls == []  # neither version was parsed again to learn that only the formatting changed
