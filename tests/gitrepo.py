"""Build real git repositories in temporary folders for tests."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.invalid",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
}


class GitRepo:
    """A throw-away repository with helpers to write files and commit them.

    Example:
        repo = GitRepo.init(tmp_path / "r")
        repo.write({"pkg/__init__.py": "__all__ = []\\n"})
        base = repo.commit("feat: start")
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    @classmethod
    def init(cls, path: Path, branch: str = "main") -> GitRepo:
        """Create an empty repository with a deterministic identity."""
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "-q", "-b", branch)
        repo.git("config", "user.name", "Test Author")
        repo.git("config", "user.email", "author@example.invalid")
        repo.git("config", "commit.gpgsign", "false")
        return repo

    def git(self, *args: str, date: str | None = None) -> str:
        """Run git in the repository and return its stdout; `date` (ISO) sets the author and committer dates."""
        env = {**os.environ, **_ENV}
        if date is not None:
            stamp = date if "T" in date else f"{date}T00:00:00+00:00"
            env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = stamp
        proc = subprocess.run(["git", *args], cwd=self.path, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout.strip()

    def write(self, files: dict[str, str | bytes | None], *, dedent: bool = True) -> None:
        """Write files (text is dedented); a None value deletes the file."""
        for rel, content in files.items():
            target = self.path / rel
            if content is None:
                if target.exists():
                    target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(textwrap.dedent(content) if dedent else content, encoding="utf-8")

    def commit(self, message: str, files: dict[str, str | bytes | None] | None = None, *,
               date: str | None = None) -> str:
        """Write `files` (if any), stage everything and commit; return the commit id.

        `date` (`2026-03-01` or a full ISO timestamp) dates the commit; the default is 2026-01-01.
        """
        if files:
            self.write(files)
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str, start: str = "HEAD") -> None:
        """Create and switch to a branch."""
        self.git("checkout", "-q", "-b", name, start)

    def checkout(self, rev: str) -> None:
        """Switch to a revision."""
        self.git("checkout", "-q", rev)

    def merge(self, branch: str, message: str, *, date: str | None = None) -> str:
        """Merge `branch` into the current branch with a merge commit (`--no-ff`); return its id."""
        self.git("merge", "-q", "--no-ff", "-m", message, branch, date=date)
        return self.git("rev-parse", "HEAD")
