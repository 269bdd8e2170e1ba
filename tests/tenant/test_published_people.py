"""A published-only tenant that already has its people: adopted by e-mail, never created twice.

Also, through a real server on 127.0.0.1: a token that expires during apply, and lists read in
pages of 100 (206 until the last page).
"""

from __future__ import annotations

import asyncio
import json
import time
import unicodedata
from pathlib import Path
from typing import Any

import httpx
from ruamel.yaml import YAML

from o2s_config.sandbox.embedded import embedded_client
from tests.reliability.conftest import start_server, stop_server
from tests.tenant.conftest import PublishedTenant, grant, seed_people

GRANT = {"client_id": "o2s-config", "client_secret": "s3cret", "username": "admin", "password": "pa55word"}
GRANT_ENV = {
    "O2S_CLIENT_ID": GRANT["client_id"],
    "O2S_CLIENT_SECRET": GRANT["client_secret"],
    "O2S_USERNAME": GRANT["username"],
    "O2S_PASSWORD": GRANT["password"],
}


def organisation(people: list[dict[str, Any]], new: int, path: Path) -> Path:
    """A file naming ``people`` as the tenant has them, under logins of its own, plus ``new`` people."""
    users: dict[str, Any] = {}
    for person in people:
        users[f"p{person['id']}"] = {
            "title": person["civilite"],
            "first_name": " ".join(person["prenoms"]),
            "last_name": person["nom"],
            "email": person["email"],
            "structure": person["agence"],
            "profile": person["profil"],
        }
    for index in range(new):
        users[f"new{index}"] = {
            "title": "Mme",
            "first_name": "Nouvelle",
            "last_name": f"Recrue {index}",
            "email": f"nouvelle.recrue{index}@dubois-patrimoine.fr",
            "structure": "lyon",
            "profile": "Conseiller",
        }
    document = {"version": 1, "users": users}
    with path.open("w", encoding="utf-8") as stream:
        YAML().dump(document, stream)
    return path


def test_thirty_people_25_named_are_adopted_5_new_created_no_duplicate(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    people = seed_people(db, 30)
    file = organisation(people[:25], 5, tmp_path / "organisation.yaml")
    tenant = PublishedTenant(f"sandbox+published:{db}", db, {})
    plan = tenant.plan_json(file)
    assert plan["summary"] | {"manual": 0} == {"create": 5, "adopt": 25, "update": 0, "delete": 0, "manual": 0}
    adopted = {c["key"]: c for c in plan["changes"] if c["action"] == "adopt"}
    assert set(adopted) == {f"p{p['id']}" for p in people[:25]}
    assert all(c["adopts"]["tenant_id"] == int(c["key"][1:]) for c in adopted.values())
    # the 5 people the file leaves out, and the tenant's own admin, are named and left alone
    assert any(w.startswith("6 people of the tenant match no user of the file") for w in plan["warnings"])
    text = tenant.cli("plan", str(file)).stdout
    assert "= user p" in text and "writes the link only" in text and "25 to adopt" in text

    applied = tenant.cli("apply", str(file), "--auto-approve")
    assert applied.exit_code == 0, applied.output + applied.stderr
    users = tenant.full_users()
    emails = [u["ext"]["email"].lower() for u in users]
    assert len(users) == 36 and len(set(emails)) == 36  # 30 people, 5 new, the admin: no one twice
    links = {r["identifiant"] for u in users for r in u["refExternes"] if r["referentiel"] == "o2s-config"}
    assert links == {f"p{p['id']}" for p in people[:25]} | {f"new{i}" for i in range(5)}
    unchanged = {u["id"]: u["ext"] for u in users}
    for person in people[:25]:  # adoption wrote the link and nothing else
        ext = unchanged[person["id"]]
        assert (ext["email"], ext["structure"], ext["profile"]) == (person["email"], person["agence"], person["profil"])
        assert ext["manager_id"] == person["responsableId"]
    assert tenant.cli("plan", str(file), "--detailed-exitcode").exit_code == 0


def test_a_published_tenant_paged_by_100_with_token_expiry_during_apply(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    people = seed_people(db, 130)  # 131 users with the admin: two pages of 100
    file = organisation(people[:120], 3, tmp_path / "organisation.yaml")
    ttl = 2
    options = ["--api", "published", "--token-ttl", str(ttl), "--latency-ms", "25"]
    options += [f"--{name.replace('_', '-')}={value}" for name, value in GRANT.items()]
    server = start_server(db, *options)
    try:
        tenant = PublishedTenant(server.url, db, {**GRANT_ENV, "O2S_AUTH_URL": server.url})
        first = httpx.get(f"{server.url}/utilisateurs", params={"limit": 1000},
                          headers={"Authorization": f"Bearer {grant(server.url, GRANT)}"}, timeout=10)  # fmt: skip
        assert (first.status_code, len(first.json())) == (206, 100)
        early = grant(server.url, GRANT)
        plan = tenant.plan_json(file)
        assert (plan["summary"]["adopt"], plan["summary"]["create"]) == (120, 3)
        started = time.monotonic()
        applied = tenant.cli("apply", str(file), "--auto-approve", "--parallelism", "2")
        elapsed = time.monotonic() - started
        assert applied.exit_code == 0, applied.output + applied.stderr
        assert elapsed > ttl + 1, f"apply took {elapsed:.1f} s: not long enough to outlive a token"
        expired = httpx.get(
            f"{server.url}/utilisateurs/myself", headers={"Authorization": f"Bearer {early}"}, timeout=10
        )
        assert expired.status_code == 401  # the tokens of the apply's start were no longer valid at its end
        done = tenant.cli("plan", str(file), "--detailed-exitcode")
        assert done.exit_code == 0, done.stdout
        assert len(tenant.full_users()) == 134
        assert json.loads(tenant.cli("plan", str(file), "--format", "json").stdout)["summary"]["adopt"] == 0
    finally:
        stop_server(server)


def test_two_people_with_one_users_email_stop_the_plan_naming_both(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    seed_people(db, 0)
    composed, decomposed = "élodie.durand@exemple.fr", unicodedata.normalize("NFD", "Élodie.Durand@exemple.fr")

    async def add(email: str, login: str) -> int:
        async with embedded_client(str(db)) as client:
            body = {"ext": {"login": login, "last_name": "Durand", "email": email, "structure": "siege"}}
            answer = await client.post("/utilisateurs", json=body)
            assert answer.status_code == 201, answer.text  # the tenant tells them apart: not the same bytes
            return int(answer.json()["id"])

    first, second = asyncio.run(add(composed, "ed1")), asyncio.run(add(decomposed, "ed2"))
    file = tmp_path / "organisation.yaml"
    file.write_text(
        "version: 1\nusers:\n  edurand:\n    last_name: Durand\n    email: ÉLODIE.DURAND@exemple.fr\n"
        "    structure: siege\n",
        encoding="utf-8",
    )
    tenant = PublishedTenant(f"sandbox+published:{db}", db, {})
    refused = tenant.cli("plan", str(file))
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr, refused.stdout
    assert f"tenant user {first} " in refused.stderr and f"tenant user {second} " in refused.stderr
    assert "edurand" in refused.stderr
    assert len(tenant.full_users()) == 3  # nothing written
