"""A tenant's answers are read at the boundary: a malformed one is a typed error, never a traceback."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2s_config.backends.auth import Credentials
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.backends.tenant import TenantState, read_tenant
from o2s_config.cli import main
from o2s_config.errors import MalformedAnswerError, SandboxDatabaseError, TargetError

TARGET = resolve_target("https://o2s.example")
Body = Any  # a JSON value, or bytes sent as they are (not JSON)


def agence(index: int) -> dict[str, Any]:
    return {"id": index, "code": f"s{index}", "nom": f"Agence {index}", "adresse": None, "ext": {"etag": f'"{index}"'}}


def utilisateur(index: int) -> dict[str, Any]:
    ext = {"login": f"u{index}", "last_name": "Nom", "email": f"u{index}@exemple.fr", "structure": "s1", "etag": '"1"'}
    return {"id": index, "statut": "ACTIVE", "agenceIds": [1], "ext": ext}


PUBLISHED: dict[str, Body] = {
    "/agences": [agence(1), agence(2)],
    "/utilisateurs": [utilisateur(1), utilisateur(2)],
    "/utilisateurs/myself": {"id": 1, "ext": {"login": "u1"}},
}


def serve(answers: dict[str, Body]) -> Callable[[httpx.Request], httpx.Response]:
    """A published-only tenant (no capabilities document) giving ``answers``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path not in answers:
            return httpx.Response(404, json={"title": "Not Found", "status": 404})
        body = answers[request.url.path]
        if isinstance(body, bytes):
            return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})
        return httpx.Response(200, json=body)

    return handler


def read(answers: dict[str, Body]) -> TenantState:
    async def work() -> TenantState:
        transport = httpx.MockTransport(serve(answers))
        async with O2SClient(TARGET, Credentials(token="t"), transport=transport) as client:
            return await read_tenant(client)

    return asyncio.run(work())


def test_a_well_formed_published_tenant_is_read() -> None:
    state = read(PUBLISHED)
    assert state.organisation.structures is not None and set(state.organisation.structures) == {"s1", "s2"}
    assert state.identity == "u1" and state.ids["user"] == {"u1": 1, "u2": 2}


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("/agences", [{"id": 1, "nom": "Sans code"}], "[0].code"),
        ("/agences", [{"id": "1", "code": "s1", "nom": "Paris"}], "[0].id"),
        ("/agences", {"items": []}, "(body)"),  # a page that is an object, not a list
        ("/utilisateurs", [{"id": 3, "ext": {"login": 7}}], "[0].ext.login"),
        # each check of a well-formed user, failing alone, still names its field
        ("/utilisateurs", [utilisateur(1), {**utilisateur(2), "id": "2"}], "[1].id"),
        ("/utilisateurs", [utilisateur(1), {**utilisateur(2), "ext": ["u2"]}], "[1].ext"),
        ("/utilisateurs", [{**utilisateur(1), "ext": {**utilisateur(1)["ext"], "etag": 1}}], "[0].ext.etag"),
        (
            "/utilisateurs",
            [{**utilisateur(1), "ext": {**utilisateur(1)["ext"], "email_server": []}}],
            "[0].ext.email_server",
        ),
        ("/utilisateurs", b"<html>maintenance</html>", "(body)"),
        ("/utilisateurs/myself", ["u1"], "(body)"),
    ],
)
def test_a_malformed_answer_names_its_endpoint_and_field(endpoint: str, body: Body, field: str) -> None:
    with pytest.raises(MalformedAnswerError) as caught:
        read({**PUBLISHED, endpoint: body})
    assert (caught.value.endpoint, caught.value.field) == (endpoint, field)


def test_a_tenant_state_the_model_refuses_names_the_endpoint() -> None:
    bad = utilisateur(3)
    bad["ext"]["email"] = "not-an-address"
    with pytest.raises(MalformedAnswerError) as caught:
        read({**PUBLISHED, "/utilisateurs": [bad]})
    assert caught.value.endpoint == "/utilisateurs" and caught.value.field == "users.u3.email"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def malformed(draw: st.DrawFn, shape: Any) -> Any:
    """``shape`` with one place broken: a field dropped, a value of another type, or the whole body."""
    if isinstance(shape, dict) and shape and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(shape)))
        broken = dict(shape)
        if draw(st.booleans()):
            del broken[key]
        else:
            broken[key] = draw(malformed(shape[key]))
        return broken
    if isinstance(shape, list) and shape and draw(st.booleans()):
        index = draw(st.integers(0, len(shape) - 1))
        return [*shape[:index], draw(malformed(shape[index])), *shape[index + 1 :]]
    return draw(json_values | st.just(b"{not json"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(endpoint=st.sampled_from(sorted(PUBLISHED)), data=st.data())
def test_malformed_published_answers_never_escape_as_a_traceback(endpoint: str, data: st.DataObject) -> None:
    body = data.draw(malformed(PUBLISHED[endpoint]))
    try:
        state = read({**PUBLISHED, endpoint: body})
    except TargetError:
        return  # a typed error: the CLI prints it and exits 1
    assert isinstance(state, TenantState)


def test_the_cli_reports_a_malformed_answer_without_a_traceback(tmp_path: Path) -> None:
    """Through the real client code and a real process boundary (click), the user sees one line."""
    file = tmp_path / "organisation.yaml"
    file.write_text(json.dumps({"version": 1, "structures": {"s1": {"name": "Agence 1"}}}), encoding="utf-8")

    def broken(request: httpx.Request) -> httpx.Response:
        return serve({**PUBLISHED, "/agences": [{"id": 1, "nom": "Sans code"}]})(request)

    original = O2SClient.__init__

    def scripted(self: O2SClient, *args: Any, **options: Any) -> None:
        options["transport"] = httpx.MockTransport(broken)
        original(self, *args, **options)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(O2SClient, "__init__", scripted)
        result = CliRunner().invoke(
            main, ["plan", str(file), "--target", "https://o2s.example"], env={"O2S_TOKEN": "t", "NO_COLOR": "1"}
        )
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "the tenant's answer to /agences is malformed: [0].code: missing" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_an_old_sandbox_database_says_what_to_do(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '0')")
    file = tmp_path / "organisation.yaml"
    file.write_text('{"version": 1}', encoding="utf-8")
    result = CliRunner().invoke(main, ["plan", str(file), "--target", f"sandbox:{database}"], env={"O2S_TARGET": ""})
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "made by an older version of o2s-config (schema version 0" in result.stderr
    assert "move it aside (or delete it)" in result.stderr


def test_the_sandbox_database_error_is_a_target_error() -> None:
    assert issubclass(SandboxDatabaseError, TargetError)
