"""The plan comment: one per pull request and file, found again by its hidden marker and edited, not repeated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from o2s_config.ci_comment import main, marker
from tests.ci.fake_forge import Forge


def github_env(forge: Forge, tmp_path: Path, number: int | None = 7) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": number}} if number else {"push": {}}), encoding="utf-8")
    return {
        "GITHUB_TOKEN": "gh-token",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "firm/organisation",
        "GITHUB_API_URL": forge.url,
    }


def gitlab_env(forge: Forge) -> dict[str, str]:
    return {
        "O2S_GITLAB_TOKEN": "gl-token",
        "CI_API_V4_URL": f"{forge.url}/api/v4",
        "CI_PROJECT_ID": "42",
        "CI_MERGE_REQUEST_IID": "3",
    }


def body(tmp_path: Path, text: str) -> str:
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_github_creates_one_comment_then_edits_it(forge: Forge, tmp_path: Path) -> None:
    forge.add("a reviewer's own comment")
    env = github_env(forge, tmp_path)
    assert main(["github", body(tmp_path, "plan one"), "--key", "organisation.yaml"], env) == 0
    assert main(["github", body(tmp_path, "plan two"), "--key", "organisation.yaml"], env) == 0
    ours = [c for c in forge.comments.values() if marker("organisation.yaml") in c["body"]]
    assert len(ours) == 1 and ours[0]["body"].endswith("plan two")
    assert forge.comments[1]["body"] == "a reviewer's own comment"
    writes = [(m, p) for m, p, _ in forge.requests if m != "GET"]
    assert writes == [
        ("POST", "/repos/firm/organisation/issues/7/comments"),
        ("PATCH", f"/repos/firm/organisation/issues/comments/{ours[0]['id']}"),
    ]
    assert all(h["Authorization"] == "Bearer gh-token" for _, _, h in forge.requests)


def test_each_file_has_its_own_comment(forge: Forge, tmp_path: Path) -> None:
    env = github_env(forge, tmp_path)
    main(["github", body(tmp_path, "a"), "--key", "paris.yaml"], env)
    main(["github", body(tmp_path, "b"), "--key", "lyon.yaml"], env)
    assert len(forge.comments) == 2


def test_the_marker_is_found_past_the_first_page(forge: Forge, tmp_path: Path) -> None:
    for n in range(150):
        forge.add(f"chatter {n}")
    env = github_env(forge, tmp_path)
    main(["github", body(tmp_path, "first"), "--key", "organisation.yaml"], env)
    main(["github", body(tmp_path, "second"), "--key", "organisation.yaml"], env)
    assert len(forge.comments) == 151


def test_gitlab_creates_one_note_then_edits_it(forge: Forge, tmp_path: Path) -> None:
    env = gitlab_env(forge)
    assert main(["gitlab", body(tmp_path, "plan one")], env) == 0
    assert main(["gitlab", body(tmp_path, "plan two")], env) == 0
    assert [c["body"].splitlines()[-1] for c in forge.comments.values()] == ["plan two"]
    writes = [(m, p) for m, p, _ in forge.requests if m != "GET"]
    assert writes == [
        ("POST", "/api/v4/projects/42/merge_requests/3/notes"),
        ("PUT", "/api/v4/projects/42/merge_requests/3/notes/1"),
    ]
    assert all(h["PRIVATE-TOKEN"] == "gl-token" for _, _, h in forge.requests)


def test_a_read_only_token_is_a_clear_message_not_a_traceback(
    forge: Forge, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forge.refuse_writes = True
    assert main(["github", body(tmp_path, "plan")], github_env(forge, tmp_path)) == 1
    err = capsys.readouterr().err
    assert "403 (a pull request from a fork gets a read-only token)" in err and "Traceback" not in err


def test_not_a_pull_request_writes_nothing(forge: Forge, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["github", body(tmp_path, "plan")], github_env(forge, tmp_path, number=None)) == 1
    assert "not for a pull request" in capsys.readouterr().err
    assert forge.requests == []
