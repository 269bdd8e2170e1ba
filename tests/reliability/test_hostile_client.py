"""A hostile or broken tenant against the client, through real servers on 127.0.0.1.

Lists that lie about their size or never end, an answer dripped a byte at a time, an answer
without end, a certificate nobody signed: each read is complete or refused with a clear error,
never truncated, never a traceback, never a flood of requests.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from o2s_config.backends import paging
from o2s_config.backends.auth import Credentials
from o2s_config.backends.http import O2SClient
from o2s_config.backends.paging import AHEAD
from o2s_config.backends.target import resolve_target
from o2s_config.sandbox import users
from o2s_config.sandbox.app import create_app
from o2s_config.sandbox.people import seed_people
from o2s_config.sandbox.published_only.routes import MAX_PAGE
from tests.engine.scenarios import ADMIN, write
from tests.reliability.cli import run_o2s
from tests.reliability.scripted import (
    EndlessList,
    FixedAnswer,
    PagingLiar,
    raw_server,
    read_request_head,
    served_app,
)

TOKEN = "scripted-token"
PEOPLE = 133  # with pages capped at 50: three pages, the last one short
CAP = 50


def _person(login: str) -> dict[str, Any]:
    return {"last_name": login.title(), "email": f"{login}@exemple.fr", "structure": "siege"}


@pytest.fixture
def tenant_app(tmp_path: Path) -> FastAPI:
    """A sandbox holding its admin and ``PEOPLE`` more users (written in one transaction, before serving)."""
    app = create_app(tmp_path / "tenant.db", token=TOKEN)
    with app.state.store.write() as tx:
        for number in range(PEOPLE):
            users.create(tx, {"login": f"u{number:03d}", **_person(f"u{number:03d}")})
    return app


@pytest.fixture
def firm_file(tmp_path: Path) -> Path:
    """Every user of the tenant but three, with pruning on: a whole read plans exactly three deactivations."""
    people = {f"u{n:03d}": _person(f"u{n:03d}") for n in range(3, PEOPLE)}
    document = {
        "version": 1,
        "structures": {"siege": {"name": "Siège"}},
        "users": {"admin": {**ADMIN, "profile": "Administrateur"}, **people},
        "prune": {"users": True},
    }
    return write(tmp_path, "firm", document)


def _plan_json(url: str, file: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any] | None]:
    result = run_o2s(url, TOKEN, "plan", str(file), "--format", "json")
    return result, json.loads(result.stdout) if result.returncode == 0 else None


@pytest.mark.parametrize("count", ["none", "wrong", "huge", "keep"])
def test_a_list_is_read_whole_whatever_its_count_header_says(tenant_app: FastAPI, firm_file: Path, count: str) -> None:
    liar = PagingLiar(tenant_app, count=count, cap=CAP)
    with served_app(liar) as url:
        result, plan = _plan_json(url, firm_file)
    assert result.returncode == 0, result.stderr
    assert plan is not None and "Traceback" not in result.stderr
    # a truncated read would create the unread users again; a whole one deactivates exactly three
    assert plan["summary"]["create"] == 0
    assert sorted(c["key"] for c in plan["changes"]) == ["u000", "u001", "u002"]
    # a count of 10^9 asks a few pages ahead, never millions: three pages plus what was asked ahead
    assert liar.most_in_flight <= AHEAD
    assert liar.requests <= 2 * (3 + AHEAD)


def test_a_list_that_repeats_its_first_page_is_refused_and_nothing_is_written(
    tenant_app: FastAPI, firm_file: Path
) -> None:
    liar = PagingLiar(tenant_app, count="huge", cap=CAP, ignore_offset=True)
    with tenant_app.state.store.read() as tx:
        revision = tx.revision
    with served_app(liar) as url:
        planned = run_o2s(url, TOKEN, "plan", str(firm_file))
        applied = run_o2s(url, TOKEN, "apply", str(firm_file), "--auto-approve")
    for result in (planned, applied):
        assert result.returncode == 1
        assert "ignores 'offset'" in result.stderr and "Traceback" not in result.stderr
        assert "deactivate" not in result.stdout and "Plan:" not in result.stdout
    with tenant_app.state.store.read() as tx:
        assert tx.revision == revision  # no write reached the tenant
    assert liar.requests <= 2 * (2 + AHEAD)  # two commands, each refused at its second page, not after a flood


def test_a_list_that_never_ends_is_refused_at_its_bound_and_nothing_is_written(
    tenant_app: FastAPI, firm_file: Path
) -> None:
    endless = EndlessList(tenant_app)
    with tenant_app.state.store.read() as tx:
        revision = tx.revision
    with served_app(endless) as url:
        applied = run_o2s(url, TOKEN, "apply", str(firm_file), "--auto-approve")
    assert applied.returncode == 1 and "Traceback" not in applied.stderr
    assert "/utilisateurs did not end after" in applied.stderr
    assert "Plan:" not in applied.stdout and "deactivate" not in applied.stdout
    with tenant_app.state.store.read() as tx:
        assert tx.revision == revision
    # stopped at the item bound, with at most the pages asked ahead on top
    assert endless.requests <= paging.MAX_ITEMS // paging.PAGE_SIZE + 1 + AHEAD


def test_a_list_failing_after_its_first_page_plans_nothing(tenant_app: FastAPI, firm_file: Path) -> None:
    liar = PagingLiar(tenant_app, count="none", cap=CAP, fail_after_first=True)
    with tenant_app.state.store.read() as tx:
        revision = tx.revision
    with served_app(liar) as url:
        applied = run_o2s(url, TOKEN, "apply", str(firm_file), "--auto-approve")
    assert applied.returncode == 1 and "Traceback" not in applied.stderr
    assert "/utilisateurs could not be read whole" in applied.stderr and "500" in applied.stderr
    # the first page alone would have planned 84 creates of people the tenant has, and 3 deactivations
    assert "Plan:" not in applied.stdout and "deactivate" not in applied.stdout
    with tenant_app.state.store.read() as tx:
        assert tx.revision == revision


def test_a_published_only_tenant_is_read_whole_at_its_own_page_size(tmp_path: Path) -> None:
    """Harvest's API as the sandbox serves it: no count header, pages capped at 100, 206 until the last."""
    app = create_app(tmp_path / "published.db", token=TOKEN, api="published")
    seed_people(app.state.store, 250)
    with app.state.store.read() as tx:
        ids = [row["id"] for row in tx.all("SELECT id FROM users ORDER BY id")]
    counter = PagingLiar(app)  # serves every answer as it is; counts the list requests

    async def read_users(url: str) -> list[Any]:
        async with O2SClient(resolve_target(url), Credentials(token=TOKEN)) as client:
            return await client.get_all("/utilisateurs")

    with served_app(counter) as url:
        first = httpx.get(f"{url}/utilisateurs", params={"limit": 1000}, headers={"Authorization": f"Bearer {TOKEN}"})
        counter.requests = 0
        items = asyncio.run(read_users(url))
    # the premise: a partial first page, capped, and nothing announcing the list's length
    assert first.status_code == 206 and len(first.json()) == MAX_PAGE
    assert not {"x-total-count", "content-range"} & set(first.headers)
    assert len(ids) > 2 * MAX_PAGE
    assert [item["id"] for item in items] == ids
    assert counter.requests <= -(-len(ids) // MAX_PAGE) + AHEAD
    assert counter.most_in_flight <= AHEAD


def _nested(depth: int) -> bytes:
    """A manager tree ``depth`` levels deep, as the JSON text a tenant could send (too deep to build as a dict)."""
    tree = '"conseiller"'
    for level in range(depth):
        tree = f'{{"m{level}": [{tree}]}}'
    return f'{{"tree": {tree}, "managers": {{}}}}'.encode()


@pytest.mark.parametrize(
    ("path", "body"),
    [("/ext/v1/hierarchy", _nested(5000)), ("/utilisateurs", b"[" * 100_000 + b"]" * 100_000)],
)
def test_an_answer_nested_too_deeply_is_a_malformed_answer(
    tenant_app: FastAPI, firm_file: Path, path: str, body: bytes
) -> None:
    with served_app(FixedAnswer(tenant_app, path, body)) as url:
        result = run_o2s(url, TOKEN, "plan", str(firm_file))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"answer to {path} is malformed" in result.stderr and "nested too deeply" in result.stderr


async def _drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Headers at once, then the body one byte a second: a read timeout never fires."""
    await read_request_head(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[")
    await writer.drain()
    while True:
        await asyncio.sleep(1.0)
        writer.write(b" ")
        await writer.drain()


def test_a_server_dripping_its_answer_is_cut_at_the_deadline(tmp_path: Path) -> None:
    file = write(tmp_path, "firm", {"version": 1, "structures": {"siege": {"name": "Siège"}}})
    with raw_server(_drip) as port:
        started = time.monotonic()
        result = run_o2s(f"http://127.0.0.1:{port}", TOKEN, "plan", str(file), O2S_DEADLINE="4", timeout=60)
        took = time.monotonic() - started
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "deadline of 4 s" in result.stderr and "O2S_DEADLINE" in result.stderr
    assert took < 30  # before: held until the 100,000 bytes came, one a second


async def _endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A chunked answer that never ends."""
    await read_request_head(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b" " * 65536
    while True:
        writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        await writer.drain()


def test_an_answer_without_end_is_refused_at_the_size_limit(tmp_path: Path) -> None:
    file = write(tmp_path, "firm", {"version": 1, "structures": {"siege": {"name": "Siège"}}})
    with raw_server(_endless) as port:
        result = run_o2s(f"http://127.0.0.1:{port}", TOKEN, "plan", str(file), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "larger than 64 MiB" in result.stderr


@pytest.fixture
def self_signed(tmp_path: Path) -> Iterator[ssl.SSLContext]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    request = ("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1")
    subprocess.run(
        [*request, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    yield context


async def _hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_request_head(reader)
    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    await writer.drain()


def test_a_certificate_failure_says_so_at_once(tmp_path: Path, self_signed: ssl.SSLContext) -> None:
    file = write(tmp_path, "firm", {"version": 1, "structures": {"siege": {"name": "Siège"}}})
    with raw_server(_hello, tls=self_signed) as port:
        started = time.monotonic()
        result = run_o2s(f"https://127.0.0.1:{port}", TOKEN, "plan", str(file), timeout=60)
        took = time.monotonic() - started
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "certificate" in result.stderr and "could not be verified" in result.stderr
    assert "did not answer" not in result.stderr and "attempts" not in result.stderr
    assert took < 20  # not retried: a certificate does not get better by asking again
