"""Extension endpoints: capabilities, establishment, Services (write-only secrets), extranet codes, options."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sandbox_harness import Server, assert_problem, new_user, unique

from o2s_config.sandbox.settings import matches

GENERAL = {"name": "Cabinet Exemple", "email": "contact@exemple.fr", "phone": "01 02 03 04 05"}
ESTABLISHMENT: dict[str, object] = {
    "general": GENERAL,
    "legal": {"legal_form": "SAS", "siren": "123456789", "share_capital": 50000.0},
    "intermediation": {"orias": "12345678", "activities": ["CIF", "COA"], "cif_association": "CNCGP"},
}


def test_capabilities(api: httpx.Client) -> None:
    body = api.get("/ext/v1/capabilities").json()
    assert body["extension_prefix"] == "/ext/v1" and body["max_page_size"] == 1000
    for name in (
        "establishment",
        "structure",
        "profile",
        "user",
        "hierarchy",
        "services",
        "extranet_code",
        "billed_options",
    ):
        assert body["resources"][name] == {"read": True, "write": True}
    assert body["resources"]["outbox"] == {"read": True, "write": False}


def test_establishment(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    assert_problem(api.get("/ext/v1/establishment"), 404, "not-found")
    assert api.put("/ext/v1/establishment", json=ESTABLISHMENT).status_code == 204
    assert api.get("/ext/v1/establishment").json() == ESTABLISHMENT
    # the set-up guide says nothing of O2S support for the raison sociale: the tenant takes a new one
    renamed = {**ESTABLISHMENT, "general": {**GENERAL, "name": "Autre nom"}}
    assert api.put("/ext/v1/establishment", json=renamed).status_code == 204
    assert api.get("/ext/v1/establishment").json()["general"]["name"] == "Autre nom"
    bad = {"general": {"name": "Cabinet Exemple", "email": "nope"}}
    assert_problem(api.put("/ext/v1/establishment", json=bad), 422, "validation", "general.email")
    assert_problem(
        api.put("/ext/v1/establishment", json={"general": {"email": "a@b.fr"}}), 422, "validation", "general.name"
    )


def test_services_secrets_are_write_only(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    assert api.get("/ext/v1/services").json() == {}
    services = {
        "contact_categories": ["Client", "Prospect"],
        "email_server": {
            "smtp": {
                "host": "smtp.exemple.fr",
                "port": 587,
                "username": "crm",
                "password": "s3cret",
                "security": "starttls",
            }
        },
    }
    assert api.put("/ext/v1/services", json=services).status_code == 204
    read = api.get("/ext/v1/services")
    assert "s3cret" not in read.text
    smtp = read.json()["email_server"]["smtp"]
    assert "password" not in smtp and smtp["host"] == "smtp.exemple.fr"
    assert matches("s3cret", smtp["password_fingerprint"]) and not matches("other", smtp["password_fingerprint"])
    # a server sent again without its password keeps the stored fingerprint
    without = {"email_server": {"smtp": {"host": "smtp2.exemple.fr", "port": 587}}}
    assert api.patch("/ext/v1/services", json=without).status_code == 204
    after = api.get("/ext/v1/services").json()
    assert after["email_server"]["smtp"]["password_fingerprint"] == smtp["password_fingerprint"]
    assert after["contact_categories"] == ["Client", "Prospect"]  # PATCH keeps other sections
    cleared = {"email_server": {"smtp": {"host": "h", "port": 25, "password": ""}}}
    api.put("/ext/v1/services", json=cleared)
    final = api.get("/ext/v1/services").json()
    assert "password_fingerprint" not in final["email_server"]["smtp"] and "contact_categories" not in final
    assert_problem(
        api.put("/ext/v1/services", json={"email_server": {"smtp": {"host": "h", "port": 0}}}),
        422,
        "validation",
        "email_server.smtp.port",
    )


def test_extranet_codes(api: httpx.Client) -> None:
    advisor = new_user(api).json()["ext"]["login"]
    code = {"provider": "Generali", "code": unique("AP"), "advisor": advisor}
    created = api.post("/ext/v1/extranet-codes", json=code)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["provider"], body["code"], body["advisor"]) == (code["provider"], code["code"], advisor)
    assert_problem(api.post("/ext/v1/extranet-codes", json=code), 409, "conflict", "code")
    assert_problem(
        api.post("/ext/v1/extranet-codes", json={**code, "code": unique(), "advisor": "ghost"}),
        422,
        "validation",
        "advisor",
    )
    url = f"/ext/v1/extranet-codes/{body['id']}"
    assert api.put(url, json={**code, "authorisation_letter": "lettre.pdf"}).status_code == 204
    assert api.get(url).json()["authorisation_letter"] == "lettre.pdf"
    assert body["id"] in [c["id"] for c in api.get("/ext/v1/extranet-codes").json()]
    assert api.delete(url).status_code == 204
    assert_problem(api.get(url), 404, "not-found")


def test_codes_go_with_their_advisor(api: httpx.Client) -> None:
    user = new_user(api).json()
    code = api.post(
        "/ext/v1/extranet-codes", json={"provider": "Cardif", "code": unique(), "advisor": user["ext"]["login"]}
    ).json()
    assert api.delete(f"/utilisateurs/{user['id']}").status_code == 204
    assert_problem(api.get(f"/ext/v1/extranet-codes/{code['id']}"), 404, "not-found")


def test_billed_options(api: httpx.Client) -> None:
    user = new_user(api).json()
    url = f"/ext/v1/users/{user['id']}/options"
    assert api.get(url).json() == user["ext"]["options"]
    assert api.put(url, json={"patritheque": True, "elearning": ["DDA 2026"]}).status_code == 204
    expected = {"o2s_access": True, "patritheque": True, "elearning": ["DDA 2026"], "moneypitch": False}
    assert api.get(url).json() == expected
    assert api.get(f"/utilisateurs/{user['id']}").json()["ext"]["options"] == expected
    assert_problem(api.put(url, json={"patritheque": "maybe"}), 422, "validation", "patritheque")
    assert_problem(api.get("/ext/v1/users/999999999/options"), 404, "not-found")


def test_an_extranet_code_is_a_request_until_o2s_decides(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    body = {"provider": "Cardif", "code": "C-1", "advisor": "admin", "authorisation_letter": "lettre.pdf"}
    created = api.post("/ext/v1/extranet-codes", json=body).json()
    assert (created["status"], created["authorisation_letter"]) == ("requested", "lettre.pdf")
    path = f"/ext/v1/extranet-codes/{created['id']}"
    # O2S's verdict (a rehearsal plays it); a client writing the code again keeps it
    assert api.put(path, json={**body, "status": "not_operational"}).status_code == 204
    assert api.put(path, json=body).status_code == 204
    assert api.get(path).json()["status"] == "not_operational"
    # a corrected code is a new request
    assert api.put(path, json={**body, "code": "C-2"}).status_code == 204
    assert api.get(path).json()["status"] == "requested"
