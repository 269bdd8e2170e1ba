"""Files the tenant holds: uploaded byte for byte, listed with their SHA-256, names kept inside the tenant."""

from __future__ import annotations

import hashlib

import httpx
import pytest

CONTENT = bytes(range(256)) * 3 + b"\r\n\x00end"  # every byte value, line endings and a NUL: nothing decoded


def test_a_file_comes_back_byte_for_byte_and_is_listed_with_its_hash(api: httpx.Client) -> None:
    put = api.put("/ext/v1/files/files-test/logo é.png", content=CONTENT)
    assert put.status_code == 200, put.text
    digest = hashlib.sha256(CONTENT).hexdigest()
    assert put.json() == {"path": "files-test/logo é.png", "sha256": digest, "size": len(CONTENT)}
    got = api.get("/ext/v1/files/files-test/logo%20%C3%A9.png")
    assert got.status_code == 200 and got.content == CONTENT
    assert got.headers["content-type"] == "application/octet-stream"
    listed = {f["path"]: f for f in api.get("/ext/v1/files").json()}
    assert listed["files-test/logo é.png"]["sha256"] == digest


def test_uploading_again_replaces_the_content_and_moves_the_revision(api: httpx.Client) -> None:
    api.put("/ext/v1/files/files-test/letter.pdf", content=b"first")
    before = api.get("/ext/v1/revision").json()["revision"]
    api.put("/ext/v1/files/files-test/letter.pdf", content=b"second")
    assert api.get("/ext/v1/files/files-test/letter.pdf").content == b"second"
    assert api.get("/ext/v1/revision").json()["revision"] == before + 1


# dots percent-encoded: httpx would otherwise resolve them before sending, and the server would never see them
@pytest.mark.parametrize("name", ["a/%2E%2E/%2E%2E/etc/passwd", "a//b", "%2E/a", "a%5Cb", "a/%00b", "x" * 300])
def test_names_that_could_leave_a_folder_are_refused(api: httpx.Client, name: str) -> None:
    response = api.put(f"/ext/v1/files/{name}", content=b"x")
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "path"
    assert all(not f["path"].endswith("passwd") for f in api.get("/ext/v1/files").json())


def test_an_unknown_file_is_a_404_problem(api: httpx.Client) -> None:
    response = api.get("/ext/v1/files/files-test/absent.png")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


def test_capabilities_announce_files(api: httpx.Client) -> None:
    assert api.get("/ext/v1/capabilities").json()["resources"]["file"] == {"read": True, "write": True}
