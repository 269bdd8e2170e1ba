"""Create or update the one plan comment of a GitHub pull request or a GitLab merge request.

The comment carries a hidden marker naming the organisation file; the next run finds it by that
marker and edits it, so a pull request gets one plan comment that stays current, not one per push.
Run as ``python -m o2s_config.ci_comment github|gitlab BODY_FILE [--key FILE]``; everything else
comes from the CI's own environment variables (see docs/ci.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

PER_PAGE = 100
MAX_PAGES = 50  # 5,000 comments: a pull request with more is not one we should be scanning
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class CommentError(Exception):
    """The comment could not be posted (missing context, or the forge refused)."""


def marker(key: str) -> str:
    """The hidden line that identifies this tool's comment for ``key`` (the organisation file)."""
    return f"<!-- o2s-config plan: {key.replace('--', '- -')} -->"


@dataclass
class Thread:
    """Where comments go: list, edit and add, on one forge."""

    list_url: str
    create_url: str
    item_url: str  # with {id}
    update_method: str
    headers: dict[str, str]


def github_thread(env: Mapping[str, str]) -> Thread:
    """The pull request of the running GitHub Actions job (from its event file)."""
    token = env.get("GITHUB_TOKEN") or ""
    event_path = env.get("GITHUB_EVENT_PATH") or ""
    repository = env.get("GITHUB_REPOSITORY") or ""
    if not token or not event_path or not repository:
        raise CommentError("GITHUB_TOKEN, GITHUB_EVENT_PATH and GITHUB_REPOSITORY must be set")
    try:
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommentError(f"cannot read the event file {event_path}: {error}") from None
    number = (event.get("pull_request") or {}).get("number")
    if not isinstance(number, int):
        raise CommentError("this run is not for a pull request: there is no comment to write")
    api = (env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
    issue = f"{api}/repos/{repository}/issues"
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    }
    return Thread(
        f"{issue}/{number}/comments", f"{issue}/{number}/comments", f"{issue}/comments/{{id}}", "PATCH", headers
    )


def gitlab_thread(env: Mapping[str, str]) -> Thread:
    """The merge request of the running GitLab CI job (a token able to write notes: O2S_GITLAB_TOKEN)."""
    token = env.get("O2S_GITLAB_TOKEN") or ""
    api = (env.get("CI_API_V4_URL") or "").rstrip("/")
    project = env.get("CI_PROJECT_ID") or ""
    iid = env.get("CI_MERGE_REQUEST_IID") or ""
    if not iid:
        raise CommentError("this job is not for a merge request: there is no note to write")
    if not token or not api or not project:
        raise CommentError("O2S_GITLAB_TOKEN, CI_API_V4_URL and CI_PROJECT_ID must be set")
    notes = f"{api}/projects/{project}/merge_requests/{iid}/notes"
    return Thread(notes, notes, f"{notes}/{{id}}", "PUT", {"PRIVATE-TOKEN": token})


THREADS = {"github": github_thread, "gitlab": gitlab_thread}


def _pages(client: httpx.Client, thread: Thread) -> Iterator[dict[str, Any]]:
    for page in range(1, MAX_PAGES + 1):
        response = client.get(thread.list_url, params={"per_page": PER_PAGE, "page": page})
        _check(response)
        items = response.json()
        if not isinstance(items, list):
            raise CommentError(f"unexpected answer from {thread.list_url}")
        yield from (item for item in items if isinstance(item, dict))
        if len(items) < PER_PAGE:
            return


def _check(response: httpx.Response) -> None:
    if response.status_code >= 400:
        hint = " (a pull request from a fork gets a read-only token)" if response.status_code in (401, 403) else ""
        raise CommentError(f"{response.request.method} {response.request.url.path}: {response.status_code}{hint}")


def upsert(thread: Thread, key: str, body: str, transport: httpx.BaseTransport | None = None) -> tuple[str, Any]:
    """Edit the comment holding ``key``'s marker, or add one; ("updated" | "created", the comment's id)."""
    text = f"{marker(key)}\n{body}"
    with httpx.Client(headers=thread.headers, timeout=TIMEOUT, transport=transport) as client:
        try:
            found = next((c for c in _pages(client, thread) if marker(key) in str(c.get("body") or "")), None)
            if found is not None:
                response = client.request(
                    thread.update_method, thread.item_url.format(id=found["id"]), json={"body": text}
                )
                _check(response)
                return "updated", found["id"]
            response = client.post(thread.create_url, json={"body": text})
            _check(response)
            return "created", response.json().get("id")
        except httpx.HTTPError as error:
            raise CommentError(f"the forge did not answer: {type(error).__name__}") from None


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """The command line: 0 when the comment is written, 1 with a message otherwise."""
    parser = argparse.ArgumentParser(prog="python -m o2s_config.ci_comment", description=__doc__)
    parser.add_argument("forge", choices=sorted(THREADS))
    parser.add_argument("body_file", type=Path, help="the Markdown to post (a plan from plan --format markdown)")
    parser.add_argument("--key", default="organisation.yaml", help="what the comment is about (one per key)")
    options = parser.parse_args(argv)
    try:
        body = options.body_file.read_text(encoding="utf-8")
        outcome, ident = upsert(THREADS[options.forge](env if env is not None else os.environ), options.key, body)
    except (CommentError, OSError) as error:
        print(f"o2s-config: the plan comment was not written: {error}", file=sys.stderr)
        return 1
    print(f"o2s-config: plan comment {outcome} ({ident})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
