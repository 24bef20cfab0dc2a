"""A small stateful fake of the GitHub REST API on 127.0.0.1, for PyGithub and for `act` runs.

It serves only the operations depgate uses, shapes its answers from GitHub's real webhook payloads
(`tests/fixtures/github/`), records every request, and checks each recorded request against GitHub's
official REST description (the trimmed `openapi-operations.json`). Faults (5xx, 403 rate limits,
slow answers, 404) are injected per route.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

FIXTURES = Path(__file__).parent / "fixtures" / "github"


def load_fixture(name: str) -> dict[str, Any]:
    """A JSON fixture from `tests/fixtures/github/`."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Recorded:
    """One request the fake received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class Fault:
    """Answer `times` matching requests with `status` (or a slow answer) instead of serving them."""

    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"message": "Server Error"})
    delay: float = 0.0
    raw: str | None = None  # sent as is instead of `body` (malformed JSON, an HTML error page)
    content_type: str = "application/json"
    query: dict[str, str] = field(default_factory=dict)  # only requests with these query values (a page)


_BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot", "node_id": "MDM6Qm90NDE4OTgyODI="}
_HUMAN = {"login": "Codertocat", "id": 21031067, "type": "User", "node_id": "MDQ6VXNlcjIxMDMxMDY3"}


class FakeGitHub:
    """State and routes of the fake API for one repository.

    Args:
        server: A started pytest-httpserver `HTTPServer` (threaded, so a slow answer does not block).
        repository: `owner/name` served.
    """

    def __init__(self, server: HTTPServer, repository: str = "Codertocat/Hello-World"):
        self.server = server
        self.repository = repository
        self.base_url = server.url_for("").rstrip("/")
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.pulls: dict[int, dict[str, Any]] = {}
        self.pull_files: dict[int, list[dict[str, Any]]] = {}
        self.comments: dict[int, dict[str, Any]] = {}
        self.issue_labels: dict[int, list[str]] = {}
        self.refs: dict[str, str] = {}
        #: File texts by (branch or commit id, path), as the contents API serves them.
        self.files: dict[tuple[str, str], str] = {}
        #: The Git Data API's objects: commits (id -> tree, parents, message) and trees (id -> path -> text).
        self.commits: dict[str, dict[str, Any]] = {}
        self.trees: dict[str, dict[str, str]] = {}
        #: Review requests per pull request: {"users": [...], "teams": [...]}.
        self.review_requests: dict[int, dict[str, list[str]]] = {}
        #: The token's account, answered by `GET /user` and author of new comments; None is an installation
        #: token (`GITHUB_TOKEN`): `GET /user` answers 403, as on GitHub, and comments are github-actions[bot]'s.
        self.user: dict[str, Any] | None = None
        self._next_id = 1000
        self._lock = threading.Lock()
        self._template = self._localise(load_fixture("pull_request.opened.json")["pull_request"])
        server.expect_request(re.compile(r"/.*")).respond_with_handler(self._handle)

    # -- setting up state ----------------------------------------------------------------------------

    def _localise(self, data: Any) -> Any:
        text = json.dumps(data).replace("https://api.github.com", self.base_url)
        text = text.replace("Codertocat/Hello-World", self.repository)
        return json.loads(text)

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_pull(self, number: int, *, title: str = "feat: something", body: str = "", labels: tuple[str, ...] = (),
                 head_sha: str = "a" * 40, base_sha: str = "b" * 40, head_ref: str = "feature",
                 head_repo: str | None = None, files: list[tuple[str, str]] = ()) -> dict[str, Any]:
        """Add an open pull request (shaped like the real `pull_request.opened` example)."""
        pr = copy.deepcopy(self._template)
        old_number = pr["number"]
        pr = json.loads(json.dumps(pr).replace(f"/pulls/{old_number}", f"/pulls/{number}")
                        .replace(f"/issues/{old_number}", f"/issues/{number}"))
        pr.update(number=number, title=title, body=body, state="open", id=self._id())
        pr["head"]["sha"], pr["base"]["sha"], pr["head"]["ref"] = head_sha, base_sha, head_ref
        if head_repo:
            pr["head"]["repo"]["full_name"] = head_repo
            pr["head"]["label"] = f"{head_repo.split('/')[0]}:{head_ref}"
        else:
            pr["head"]["label"] = f"{self.repository.split('/')[0]}:{head_ref}"
        self.pulls[number] = pr
        self.issue_labels[number] = list(labels)
        self.pull_files[number] = [
            {"sha": hashlib.sha1(path.encode()).hexdigest(), "filename": path, "status": status,  # noqa: S324
             "additions": 1, "deletions": 0, "changes": 1} for path, status in files
        ]
        return pr

    def add_comment(self, number: int, body: str, *, bot: bool = True) -> dict[str, Any]:
        """Add an issue comment on a pull request."""
        cid = self._id()
        comment = {
            "id": cid, "node_id": f"IC_{cid}", "body": body,
            "url": f"{self.base_url}/repos/{self.repository}/issues/comments/{cid}",
            "html_url": f"https://github.com/{self.repository}/pull/{number}#issuecomment-{cid}",
            "issue_url": f"{self.base_url}/repos/{self.repository}/issues/{number}",
            "user": dict(_BOT if bot else _HUMAN), "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z", "author_association": "NONE", "_issue": number,
        }
        self.comments[cid] = comment
        return comment

    def add_commit(self, sha: str, files: dict[str, str], *, tree: str | None = None, parents: tuple[str, ...] = (),
                   message: str = "commit") -> str:
        """Make the commit `sha` (with tree `tree`, e.g. git's own ids) known to the Git Data API; return `sha`."""
        tree = tree or _object_id("tree", json.dumps(sorted(files.items())))
        self.trees[tree] = dict(files)
        self.commits[sha] = {"tree": tree, "parents": list(parents), "message": message}
        for path, text in files.items():
            self.files[(sha, path)] = text
        return sha

    def add_git_commit(self, repo: Path, rev: str = "HEAD", branch: str | None = None) -> str:
        """Mirror a local repository's commit (its real id, tree id and text files), as if it had been pushed.

        `branch` also points that branch at it. Returns the commit id.
        """

        def git(*args: str) -> str:
            return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout

        sha = git("rev-parse", rev).strip()
        parents = tuple(git("rev-list", "--parents", "-n", "1", sha).split()[1:])
        files = {}
        for entry in git("ls-tree", "-r", "-z", "--name-only", sha).split("\0"):
            if entry:
                data = subprocess.run(["git", "cat-file", "blob", f"{sha}:{entry}"], cwd=repo, capture_output=True,
                                      check=True).stdout
                files[entry] = data.decode("utf-8", "replace")
        self.add_commit(sha, files, tree=git("rev-parse", f"{sha}^{{tree}}").strip(), parents=parents,
                        message=git("log", "-1", "--format=%B", sha))
        if branch:
            self.set_branch(branch, sha)
        return sha

    def set_branch(self, branch: str, sha: str) -> None:
        """Point `branch` at `sha`; the contents API then serves that commit's files (when the fake knows it)."""
        self.refs[branch] = sha
        self._copy_tree(sha, branch)

    def branch_files(self, branch: str) -> dict[str, str]:
        """The files the contents API serves on `branch`."""
        return {path: text for (ref, path), text in self.files.items() if ref == branch}

    def comments_on(self, number: int) -> list[dict[str, Any]]:
        """The comments of a pull request, oldest first."""
        return [c for c in self.comments.values() if c["_issue"] == number]

    def fail(self, method: str, pattern: str, status: int, *, times: int = 1000, headers: dict[str, str] | None = None,
             message: str = "Server Error", delay: float = 0.0, raw: str | None = None,
             content_type: str = "application/json", query: dict[str, str] | None = None) -> None:
        """Inject a fault for matching requests (`raw`: a body sent verbatim, e.g. malformed JSON)."""
        self.faults.append(Fault(method, re.compile(pattern), status, times, headers or {}, {"message": message},
                                 delay, raw, content_type, query or {}))

    def count(self, method: str, pattern: str) -> int:
        """How many requests matched."""
        rx = re.compile(pattern)
        return sum(1 for r in self.requests if r.method == method and rx.search(r.path))

    def writes(self) -> list[Recorded]:
        """Every request that was not a read."""
        return [r for r in self.requests if r.method not in ("GET", "HEAD")]

    # -- serving -------------------------------------------------------------------------------------

    def _json(self, data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(data), status=status, headers=headers or {}, content_type="application/json")

    def _handle(self, request: Request) -> Response:
        body: Any = None
        if request.data:
            try:
                body = json.loads(request.data)
            except ValueError:
                body = request.data.decode("utf-8", "replace")
        path = request.path
        with self._lock:
            self.requests.append(Recorded(request.method, path, dict(request.args), body, dict(request.headers)))
            fault = next((f for f in self.faults if f.times > 0 and f.method == request.method
                          and f.pattern.search(path)
                          and all(request.args.get(k) == v for k, v in f.query.items())), None)
            if fault:
                fault.times -= 1
        if fault:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.raw is not None:
                return Response(fault.raw, status=fault.status, headers=fault.headers, content_type=fault.content_type)
            return self._json(fault.body, fault.status, fault.headers)
        with self._lock:
            return self._route(request.method, path, dict(request.args), body)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Response:
        if path == "/user" and method == "GET":
            if self.user is None:
                return self._json({"message": "Resource not accessible by integration"}, 403)
            return self._json(self.user)
        prefix = f"/repos/{self.repository}"
        if not path.startswith(prefix):
            return self._json({"message": "Not Found"}, 404)
        rest = path[len(prefix):]
        for rx, handler in self._routes():
            m = re.fullmatch(rx, rest)
            if m and handler[0] == method:
                return handler[1](query, body, *m.groups())
        return self._json({"message": "Not Found"}, 404)

    def _routes(self) -> list[tuple[str, tuple[str, Any]]]:
        return [
            (r"/pulls", ("GET", self._list_pulls)),
            (r"/pulls", ("POST", self._create_pull)),
            (r"/pulls/(\d+)", ("GET", self._get_pull)),
            (r"/pulls/(\d+)", ("PATCH", self._edit_pull)),
            (r"/pulls/(\d+)/files", ("GET", self._list_files)),
            (r"/pulls/(\d+)/requested_reviewers", ("POST", self._request_reviewers)),
            (r"/issues/(\d+)/comments", ("GET", self._list_comments)),
            (r"/issues/(\d+)/comments", ("POST", self._create_comment)),
            (r"/issues/comments/(\d+)", ("PATCH", self._edit_comment)),
            (r"/issues/comments/(\d+)", ("DELETE", self._delete_comment)),
            (r"/issues/(\d+)/labels", ("POST", self._add_labels)),
            (r"/issues/(\d+)/labels/(.+)", ("DELETE", self._remove_label)),
            (r"/contents/(.+)", ("GET", self._get_contents)),
            (r"/git/ref/heads/(.+)", ("GET", self._get_ref)),
            (r"/git/refs", ("POST", self._create_ref)),
            (r"/git/refs/heads/(.+)", ("PATCH", self._edit_ref)),
            (r"/git/refs/heads/(.+)", ("DELETE", self._delete_ref)),
            (r"/git/commits/([0-9a-f]{40})", ("GET", self._get_commit)),
            (r"/git/commits", ("POST", self._create_commit)),
            (r"/git/trees", ("POST", self._create_tree)),
        ]

    def _pull_json(self, number: int) -> dict[str, Any]:
        pr = copy.deepcopy(self.pulls[number])
        pr["labels"] = [{"id": i + 1, "name": n, "color": "ededed", "default": False,
                         "url": f"{self.base_url}/repos/{self.repository}/labels/{n}"}
                        for i, n in enumerate(self.issue_labels.get(number, []))]
        return pr

    def _paginate(self, items: list[Any], query: dict[str, str], path: str) -> Response:
        per_page = int(query.get("per_page", 30))
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(items):
            headers["Link"] = f'<{self.base_url}{path}?per_page={per_page}&page={page + 1}>; rel="next"'
        return self._json(chunk, 200, headers)

    def _list_pulls(self, query: dict[str, str], body: Any) -> Response:
        pulls = [self._pull_json(n) for n in sorted(self.pulls) if self.pulls[n]["state"] == query.get("state", "open")]
        if "head" in query:
            pulls = [p for p in pulls if p["head"]["label"] == query["head"]]
        if "base" in query:
            pulls = [p for p in pulls if p["base"]["ref"] == query["base"]]
        return self._paginate(pulls, query, f"/repos/{self.repository}/pulls")

    def _get_pull(self, query: dict[str, str], body: Any, number: str) -> Response:
        if int(number) not in self.pulls:
            return self._json({"message": "Not Found"}, 404)
        return self._json(self._pull_json(int(number)))

    def _create_pull(self, query: dict[str, str], body: Any) -> Response:
        number = max(self.pulls, default=0) + 1
        self.add_pull(number, title=body["title"], body=body.get("body") or "", head_ref=body["head"],
                      head_sha=self.refs.get(body["head"], "c" * 40))
        self.pulls[number]["base"]["ref"] = body["base"]
        return self._json(self._pull_json(number), 201)

    def _edit_pull(self, query: dict[str, str], body: Any, number: str) -> Response:
        pr = self.pulls[int(number)]
        for key in ("title", "body", "state"):
            if key in body:
                pr[key] = body[key]
        return self._json(self._pull_json(int(number)))

    def _list_files(self, query: dict[str, str], body: Any, number: str) -> Response:
        return self._paginate(self.pull_files.get(int(number), []), query,
                              f"/repos/{self.repository}/pulls/{number}/files")

    def _list_comments(self, query: dict[str, str], body: Any, number: str) -> Response:
        items = [{k: v for k, v in c.items() if not k.startswith("_")} for c in self.comments_on(int(number))]
        return self._paginate(items, query, f"/repos/{self.repository}/issues/{number}/comments")

    def _create_comment(self, query: dict[str, str], body: Any, number: str) -> Response:
        comment = self.add_comment(int(number), body["body"], bot=True)
        if self.user is not None:
            comment["user"] = dict(self.user)
        return self._json({k: v for k, v in comment.items() if not k.startswith("_")}, 201)

    def _edit_comment(self, query: dict[str, str], body: Any, cid: str) -> Response:
        comment = self.comments.get(int(cid))
        if comment is None:
            return self._json({"message": "Not Found"}, 404)
        comment["body"] = body["body"]
        return self._json({k: v for k, v in comment.items() if not k.startswith("_")})

    def _delete_comment(self, query: dict[str, str], body: Any, cid: str) -> Response:
        if self.comments.pop(int(cid), None) is None:
            return self._json({"message": "Not Found"}, 404)
        return Response(status=204)

    def _labels_json(self, names: list[str]) -> list[dict[str, Any]]:
        return [{"id": i + 1, "node_id": f"LA_{i}", "name": n, "color": "ededed", "default": False,
                 "description": None, "url": f"{self.base_url}/repos/{self.repository}/labels/{n}"}
                for i, n in enumerate(names)]

    def _add_labels(self, query: dict[str, str], body: Any, number: str) -> Response:
        names = body["labels"] if isinstance(body, dict) else body
        current = self.issue_labels.setdefault(int(number), [])
        current.extend(n for n in names if n not in current)
        return self._json(self._labels_json(current))

    def _remove_label(self, query: dict[str, str], body: Any, number: str, name: str) -> Response:
        current = self.issue_labels.setdefault(int(number), [])
        name = unquote(name)
        if name not in current:
            return self._json({"message": "Label does not exist"}, 404)
        current.remove(name)
        return self._json(self._labels_json(current))

    def _content_json(self, path: str, text: str) -> dict[str, Any]:
        raw = text.encode("utf-8")
        sha = _object_id("blob", text)
        return {"type": "file", "encoding": "base64", "size": len(raw), "name": path.rsplit("/", 1)[-1],
                "path": path, "content": base64.b64encode(raw).decode(), "sha": sha,
                "url": f"{self.base_url}/repos/{self.repository}/contents/{path}"}

    def _get_contents(self, query: dict[str, str], body: Any, path: str) -> Response:
        ref = query.get("ref", "main")
        text = self.files.get((ref, path))
        if text is None:
            return self._json({"message": "Not Found"}, 404)
        return self._json(self._content_json(path, text))

    def _ref_json(self, branch: str) -> dict[str, Any]:
        sha = self.refs[branch]
        return {"ref": f"refs/heads/{branch}", "node_id": "REF_1",
                "url": f"{self.base_url}/repos/{self.repository}/git/refs/heads/{branch}",
                "object": {"sha": sha, "type": "commit",
                           "url": f"{self.base_url}/repos/{self.repository}/git/commits/{sha}"}}

    def _get_ref(self, query: dict[str, str], body: Any, branch: str) -> Response:
        if branch not in self.refs:
            return self._json({"message": "Not Found"}, 404)
        return self._json(self._ref_json(branch))

    def _create_ref(self, query: dict[str, str], body: Any) -> Response:
        branch = body["ref"].removeprefix("refs/heads/")
        if branch in self.refs:
            return self._json({"message": "Reference already exists"}, 422)
        self.refs[branch] = body["sha"]
        self._copy_tree(body["sha"], branch)
        return self._json(self._ref_json(branch), 201)

    def _edit_ref(self, query: dict[str, str], body: Any, branch: str) -> Response:
        if branch not in self.refs:
            return self._json({"message": "Reference does not exist"}, 422)
        old = self.refs[branch]
        if not body.get("force") and not self._descends(body["sha"], old):
            return self._json({"message": "Update is not a fast forward"}, 422)
        self.refs[branch] = body["sha"]
        self._copy_tree(body["sha"], branch)
        return self._json(self._ref_json(branch))

    def _delete_ref(self, query: dict[str, str], body: Any, branch: str) -> Response:
        if self.refs.pop(branch, None) is None:
            return self._json({"message": "Reference does not exist"}, 422)
        for key in [k for k in self.files if k[0] == branch]:
            del self.files[key]
        return Response(status=204)

    def _descends(self, sha: str, ancestor: str) -> bool:
        seen, todo = set(), [sha]
        while todo:
            current = todo.pop()
            if current == ancestor:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(self.commits.get(current, {}).get("parents", []))
        return False

    def _copy_tree(self, sha: str, branch: str) -> None:
        """A branch moved to `sha` holds that commit's files (or those of another branch at `sha`)."""
        for key in [k for k in self.files if k[0] == branch]:
            del self.files[key]
        if sha in self.commits:
            files = self.trees[self.commits[sha]["tree"]]
        else:
            source = next((b for b, s in self.refs.items() if s == sha and b != branch), None)
            files = {path: text for (ref, path), text in self.files.items() if ref == source} if source else {}
        for path, text in files.items():
            self.files[(branch, path)] = text

    def _commit_json(self, sha: str) -> dict[str, Any]:
        commit = self.commits[sha]
        url = f"{self.base_url}/repos/{self.repository}/git"
        person = {"name": "github-actions[bot]", "email": "41898282+github-actions[bot]@users.noreply.github.com",
                  "date": "2026-01-01T00:00:00Z"}
        return {"sha": sha, "node_id": f"C_{sha[:8]}", "url": f"{url}/commits/{sha}",
                "html_url": f"https://github.com/{self.repository}/commit/{sha}", "author": person,
                "committer": person, "message": commit["message"],
                "tree": {"sha": commit["tree"], "url": f"{url}/trees/{commit['tree']}"},
                "parents": [{"sha": p, "url": f"{url}/commits/{p}", "html_url": f"https://github.com/{self.repository}/"
                                                                                     f"commit/{p}"}
                            for p in commit["parents"]],
                "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None,
                                 "verified_at": None}}

    def _get_commit(self, query: dict[str, str], body: Any, sha: str) -> Response:
        if sha not in self.commits:
            return self._json({"message": "Not Found"}, 404)
        return self._json(self._commit_json(sha))

    def _create_commit(self, query: dict[str, str], body: Any) -> Response:
        parents = body.get("parents", [])
        if body["tree"] not in self.trees or any(p not in self.commits for p in parents):
            return self._json({"message": "Tree SHA does not exist" if body["tree"] not in self.trees
                               else "Parent SHA does not exist or is not a commit object"}, 422)
        sha = _object_id("commit", json.dumps([body["tree"], parents, body["message"]]))
        self.commits[sha] = {"tree": body["tree"], "parents": list(parents), "message": body["message"]}
        return self._json(self._commit_json(sha), 201)

    def _create_tree(self, query: dict[str, str], body: Any) -> Response:
        files = {}
        if "base_tree" in body:
            if body["base_tree"] not in self.trees:
                return self._json({"message": "base_tree is not a valid tree oid"}, 422)
            files = dict(self.trees[body["base_tree"]])
        for entry in body["tree"]:
            if entry.get("type") != "blob" or "content" not in entry:
                return self._json({"message": "the fake takes blobs given by content only"}, 422)
            files[entry["path"]] = entry["content"]
        sha = _object_id("tree", json.dumps(sorted(files.items())))
        self.trees[sha] = files
        url = f"{self.base_url}/repos/{self.repository}/git"
        return self._json({"sha": sha, "url": f"{url}/trees/{sha}", "truncated": False, "tree": [
            {"path": path, "mode": "100644", "type": "blob", "size": len(text.encode()),
             "sha": _object_id("blob", text), "url": f"{url}/blobs/{_object_id('blob', text)}"}
            for path, text in sorted(files.items())]}, 201)

    def _request_reviewers(self, query: dict[str, str], body: Any, number: str) -> Response:
        if int(number) not in self.pulls:
            return self._json({"message": "Not Found"}, 404)
        asked = self.review_requests.setdefault(int(number), {"users": [], "teams": []})
        asked["users"] += [u for u in body.get("reviewers", []) if u not in asked["users"]]
        asked["teams"] += [t for t in body.get("team_reviewers", []) if t not in asked["teams"]]
        pr = self._pull_json(int(number))
        pr["requested_reviewers"] = [{**_HUMAN, "login": u} for u in asked["users"]]
        return self._json(pr, 201)


def _object_id(kind: str, text: str) -> str:
    """Git's object id for a blob of `text`; a stand-in id (same hashing) for the fake's trees and commits."""
    raw = text.encode("utf-8")
    return hashlib.sha1(f"{kind} {len(raw)}\0".encode() + raw).hexdigest()  # noqa: S324 - git's object id


# -- checking requests against GitHub's REST description ---------------------------------------------


def _operations() -> list[tuple[str, re.Pattern[str], str, dict[str, Any]]]:
    ops = []
    for key, op in load_fixture("openapi-operations.json")["operations"].items():
        method, template = key.split(" ", 1)
        rx = re.escape(template)
        for name in re.findall(r"\{(\w+)\}", template):
            wide = name in ("path", "ref", "name")
            rx = rx.replace(re.escape("{" + name + "}"), f"(?P<{name}>{'.+' if wide else '[^/]+'})")
        ops.append((method, re.compile(rx), key, op))
    return ops


def check_against_openapi(requests: list[Recorded], api_prefix: str = "") -> list[str]:
    """Return every way the recorded requests differ from GitHub's REST description (empty: all valid).

    A request must match a documented operation (method and path), carry every required parameter,
    use only documented query parameters with valid values, and send a body valid for the operation.
    """
    ops = _operations()
    problems = []
    for req in requests:
        path = req.path[len(api_prefix):] if api_prefix and req.path.startswith(api_prefix) else req.path
        matches = [(key, op, m) for method, rx, key, op in ops if method == req.method and (m := rx.fullmatch(path))]
        # `/git/ref/{ref}` and `/contents/{path}` are wide; prefer the most specific template.
        matches.sort(key=lambda item: -len(item[0]))
        if not matches:
            problems.append(f"{req.method} {path}: no such operation in the REST description")
            continue
        _key, op, _m = matches[0]
        where = f"{req.method} {path} ({op['operationId']})"
        params = {p["name"]: p for p in op["parameters"] if p["in"] == "query"}
        for name, value in req.query.items():
            if name not in params:
                problems.append(f"{where}: undocumented query parameter {name!r}")
                continue
            schema = params[name]["schema"]
            coerced: Any = int(value) if schema.get("type") == "integer" and value.lstrip("-").isdigit() else value
            try:
                jsonschema.validate(coerced, schema)
            except jsonschema.ValidationError as exc:
                problems.append(f"{where}: query {name}={value!r}: {exc.message}")
        for name, p in params.items():
            if p["required"] and name not in req.query:
                problems.append(f"{where}: missing required query parameter {name!r}")
        schema = op["requestBody"]
        if schema is None:
            if req.body not in (None, "", {}):
                problems.append(f"{where}: sends a body the operation does not take")
        elif req.body is None:
            if op["requestBodyRequired"]:
                problems.append(f"{where}: missing the required body")
        else:
            try:
                jsonschema.validate(req.body, schema)
            except jsonschema.ValidationError as exc:
                problems.append(f"{where}: body: {exc.message}")
    return problems


def start_server() -> HTTPServer:
    """Start a threaded local HTTP server (the caller stops it)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server
