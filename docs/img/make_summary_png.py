"""Re-make docs/img/summary.png: a real job summary of the action, rendered with GitHub's Markdown engine
(cmarkgfm) into a page styled like GitHub's, then screenshotted with Debian's headless Chromium.

    apt-get install -y chromium fonts-noto-color-emoji
    python docs/img/make_summary_png.py docs/img/summary.png
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2] / "tests")]

import cmarkgfm  # noqa: E402

from actionrepo import BASE, BREAKING, pull_request_event, write_event  # noqa: E402
from depgate.github import action  # noqa: E402
from gitrepo import GitRepo  # noqa: E402

CSS = """
body{margin:0;background:#f6f8fa;font:14px/1.5 -apple-system,"Segoe UI","Noto Sans",Helvetica,Arial,sans-serif;
 color:#1f2328}
.frame{margin:16px;background:#fff;border:1px solid #d1d9e0;border-radius:6px}
.head{padding:12px 16px;border-bottom:1px solid #d1d9e0;font-weight:600;background:#f6f8fa}
.md{padding:8px 24px 16px} h3{font-size:1.25em;margin:16px 0 8px} h4{font-size:1em;margin:20px 0 8px}
table{border-collapse:collapse;margin:8px 0 16px;display:block;overflow:auto}
th,td{border:1px solid #d1d9e0;padding:6px 13px;text-align:left;vertical-align:top}
tr:nth-child(2n){background:#f6f8fa} th{font-weight:600}
code{font:85% ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
 background:rgba(129,139,152,.12);padding:.2em .4em;border-radius:6px}
a{color:#0969da;text-decoration:none} sub{color:#59636e} ul{padding-left:2em}
"""
STRATEGY = {
    "mini/parallel/__init__.py": 'from mini.parallel.base import ParallelStrategy\n\n__all__ = ["ParallelStrategy"]\n',
    "mini/parallel/base.py": "import abc\n\n\nclass ParallelStrategy(abc.ABC):\n"
                             "    @abc.abstractmethod\n    def apply(self, model: object) -> object: ...\n",
}
OFFLOAD = {
    "mini/parallel/__init__.py": "from mini.parallel.base import ParallelStrategy\n"
                                 "from mini.parallel.offload import OffloadStrategy\n\n"
                                 '__all__ = ["OffloadStrategy", "ParallelStrategy"]\n',
    "mini/parallel/offload.py": "from mini.parallel.base import ParallelStrategy\n\n\n"
                                "class OffloadStrategy(ParallelStrategy):\n"
                                "    def apply(self, model: object) -> object:\n        return model\n",
}


def summary_markdown(tmp: Path) -> str:
    """Run the action (check mode, no token) on a pull request that needs a DEP and lacks one."""
    repo = GitRepo.init(tmp / "repo")
    base = repo.commit("chore: start", {**BASE, **STRATEGY})
    repo.branch("offload")
    head = repo.commit("feat: activation offloading", {**BREAKING, **OFFLOAD})
    event = pull_request_event("missing", base, head)
    event["pull_request"]["title"] = "feat: activation offloading, drop Trainer.fit_legacy"
    runner = tmp / "runner"
    runner.mkdir()
    env = {"GITHUB_EVENT_PATH": str(write_event(runner / "event.json", event)), "GITHUB_REPOSITORY": "d9d/d9d",
           "GITHUB_SERVER_URL": "https://github.com", "GITHUB_STEP_SUMMARY": str(runner / "summary.md"),
           "GITHUB_OUTPUT": str(runner / "output"), "RUNNER_TEMP": str(runner), "GITHUB_WORKSPACE": str(repo.path)}
    action.run(env, io.StringIO())
    return (runner / "summary.md").read_text(encoding="utf-8")


def main(out: Path) -> None:
    tmp = Path(tempfile.mkdtemp())
    body = cmarkgfm.github_flavored_markdown_to_html(summary_markdown(tmp), options=cmarkgfm.Options.CMARK_OPT_UNSAFE)
    page = tmp / "summary.html"
    page.write_text(f'<!doctype html><html><head><meta charset="utf-8"><style>{CSS}</style></head><body>'
                    f'<div class="frame"><div class="head">DEP check summary</div><div class="md">{body}</div></div>'
                    "</body></html>", encoding="utf-8")
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tempfile.mkdtemp()}", "--hide-scrollbars", f"--screenshot={out.resolve()}",
                    "--window-size=1100,1000", page.as_uri()], check=True, capture_output=True, timeout=120)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
