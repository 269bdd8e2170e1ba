"""Each field the set-up guide names and the model gained goes through apply, export and plan with no change.

One real sandbox server for the module; each test manages its own users or Services section,
applies it, plans it again (no change), exports the tenant next to the file and plans the
exported file (no change). Run in one folder, so the files a section names travel along.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from o2s_config.cli import main
from tests.engine.conftest import Tenant, served

# every mail password any test sets: an exported file names them all
ENV = {"O2S_SMTP_PASSWORD_MAILER": "smtp-secret-1", "O2S_IMAP_PASSWORD_MAILER": "imap-secret-2"}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Tenant, Path]]:
    folder = tmp_path_factory.mktemp("fields")
    for name in ("guide.docx", "lettre-GP-9.pdf"):
        (folder / name).write_bytes(b"placeholder")
    for tenant in served(folder):
        yield tenant, folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text("version: 1\n" + text, encoding="utf-8")
    return path


def user(login: str, *lines: str) -> str:
    extra = "".join(f"    {line}\n" for line in lines)
    return f"  {login}:\n    last_name: {login.title()}\n    email: {login}@exemple.fr\n{extra}"


def round_trip(shared: tuple[Tenant, Path], name: str, text: str) -> dict:
    """Apply, re-plan, export, plan the export; the exported document."""
    tenant, folder = shared
    file = write(folder, name, text)
    applied = tenant.cli("apply", str(file), "--auto-approve", env=ENV)
    assert applied.exit_code == 0, applied.output + applied.stderr
    again = tenant.cli("plan", str(file), "--detailed-exitcode", env=ENV)
    assert again.exit_code == 0, again.stdout
    exported = folder / f"{name}-exported.yaml"
    assert tenant.cli("export", "-o", str(exported)).exit_code == 0
    replanned = tenant.cli("plan", str(exported), "--detailed-exitcode", env=ENV)
    assert replanned.exit_code == 0, replanned.stdout + replanned.stderr
    document: dict = YAML(typ="safe").load(exported.read_text(encoding="utf-8"))
    return document


def test_an_inactive_user_without_login(shared: tuple[Tenant, Path]) -> None:
    # (with an active user of his own: a file whose only user is inactive locks the firm out)
    text = "users:\n" + user("keeper") + user("mleroy", "has_login: false", "active: false")
    document = round_trip(shared, "no-login", text)
    assert document["users"]["mleroy"]["has_login"] is False


def test_an_active_user_without_login_under_sso(shared: tuple[Tenant, Path]) -> None:
    text = "sign_in: sso\nusers:\n" + user("sso1", "has_login: false")
    document = round_trip(shared, "sso", text)
    assert document["users"]["sso1"]["has_login"] is False
    assert document["sign_in"] == "sso"  # the tenant's active users without login: the firm uses SSO
    tenant, _ = shared
    outbox = tenant.request("GET", "/ext/v1/outbox", params={"limit": 1000}).json()
    assert not [e for e in outbox if e["login"] == "sso1"], "no activation e-mail without a login"


def test_a_user_without_structure_in_a_firm_with_one(shared: tuple[Tenant, Path]) -> None:
    document = round_trip(shared, "no-structure", "users:\n" + user("onesite"))
    assert document["users"]["onesite"]["structure"] == "siege"


def test_each_users_own_mail_server(shared: tuple[Tenant, Path]) -> None:
    text = "users:\n" + user(
        "mailer",
        "email_server:",
        "  smtp: {host: smtp.exemple.fr, port: 587, security: starttls, password: '${env:O2S_SMTP_PASSWORD_MAILER}'}",
        "  imap: {host: imap.exemple.fr, port: 993, username: mailer, password: '${env:O2S_IMAP_PASSWORD_MAILER}'}",
    )
    document = round_trip(shared, "mail", text)
    servers = document["users"]["mailer"]["email_server"]
    assert servers["smtp"]["password"] == "${env:O2S_SMTP_PASSWORD_MAILER}"
    assert servers["imap"] == {
        "host": "imap.exemple.fr",
        "port": 993,
        "username": "mailer",
        "password": "${env:O2S_IMAP_PASSWORD_MAILER}",
    }
    tenant, folder = shared
    # the tenant keeps a fingerprint, never the password; a new password is a (sensitive) change
    assert "smtp-secret-1" not in json.dumps(tenant.users())
    changed = tenant.cli(
        "plan", str(folder / "mail.yaml"), "--format", "json", env={**ENV, "O2S_SMTP_PASSWORD_MAILER": "new"}
    )
    (change,) = json.loads(changed.stdout)["changes"]
    assert change["fields"] == [
        {
            "path": "email_server.smtp.password",
            "label": None,
            "op": "set",
            "before": "(sensitive)",
            "after": "(sensitive)",
        }
    ]


SERVICES = {
    "commercial_operations": (
        "commercial_operations:\n"
        "    Bilan retraite 2025:\n"
        "      description: Campagne retraite\n"
        "      start: 2025-01-06\n"
        "      end: 2025-06-30\n"
        "      objectives: {opsuser: 25}\n",
        {"Bilan retraite 2025": {"description": "Campagne retraite", "start": "2025-01-06", "end": "2025-06-30"}},
    ),
    "received_commissions": (
        "products:\n    SCPI-X: {name: SCPI X}\n"
        "  received_commissions:\n    SCPI-X: {rates: {versement: 3, arbitrage: 0.5}}\n",
        {"SCPI-X": {"rates": {"versement": 3.0, "arbitrage": 0.5}}},
    ),
    "document_templates": (
        "document_templates:\n    Entrée en relation: {applies_to: client, documents: [Pièce d'identité, RIB]}\n",
        {"Entrée en relation": {"applies_to": "client", "documents": ["Pièce d'identité", "RIB"]}},
    ),
    "word_templates": (
        "word_templates:\n    Lettre de mission: {file: guide.docx, description: Modèle public}\n",
        {"Lettre de mission": {"file": "guide.docx", "description": "Modèle public"}},
    ),
    "esignature": (
        "esignature: {default_provider: Yousign, reminder_days: 3, send_copy: true}\n",
        {"default_provider": "Yousign", "reminder_days": 3, "send_copy": True},
    ),
    "moneypitch": (
        "moneypitch: {import_accounts: true, refresh_days: 7}\n",
        {"import_accounts": True, "refresh_days": 7},
    ),
}


@pytest.mark.parametrize("section", list(SERVICES))
def test_a_services_section(shared: tuple[Tenant, Path], section: str) -> None:
    text, expected = SERVICES[section]
    users = "users:\n" + user("opsuser") if section == "commercial_operations" else ""
    document = round_trip(shared, section, users + "services:\n  " + text)
    found = document["services"][section]
    for key, value in expected.items():
        if isinstance(value, dict) and isinstance(found[key], dict):
            assert {k: found[key][k] for k in value} == value
        else:
            assert found[key] == value
    if section == "commercial_operations":
        assert found["Bilan retraite 2025"]["objectives"] == {"opsuser": 25.0}


def test_an_extranet_code_request_with_its_letter(shared: tuple[Tenant, Path]) -> None:
    text = (
        "users:\n"
        + user("coder")
        + (
            "aggregation:\n  extranet_codes:\n"
            "    - {provider: Generali Patrimoine, code: GP-9, advisor: coder, authorisation_letter: lettre-GP-9.pdf}\n"
        )
    )
    document = round_trip(shared, "code", text)
    (code,) = [c for c in document["aggregation"]["extranet_codes"] if c["code"] == "GP-9"]
    # a request the tenant has not processed yet
    assert code == {
        "provider": "Generali Patrimoine",
        "code": "GP-9",
        "advisor": "coder",
        "authorisation_letter": "lettre-GP-9.pdf",
        "status": "requested",
    }


def test_a_code_o2s_finds_erroneous_is_read_exported_and_never_changed(shared: tuple[Tenant, Path]) -> None:
    tenant, folder = shared
    text = (
        "users:\n"
        + user("wrongcode")
        + ("aggregation:\n  extranet_codes:\n    - {provider: SwissLife, code: SL-BAD, advisor: wrongcode}\n")
    )
    round_trip(shared, "bad-code", text)
    (held,) = [c for c in tenant.request("GET", "/ext/v1/extranet-codes").json() if c["code"] == "SL-BAD"]
    # O2S's verdict, played by hand on the sandbox
    verdict = {k: held[k] for k in ("provider", "code", "advisor")} | {"status": "not_operational"}
    assert tenant.request("PUT", f"/ext/v1/extranet-codes/{held['id']}", json=verdict).status_code == 204
    assert tenant.cli("plan", str(folder / "bad-code.yaml"), "--detailed-exitcode").exit_code == 0
    exported = folder / "bad-code-exported.yaml"
    assert tenant.cli("export", "-o", str(exported)).exit_code == 0
    assert tenant.cli("plan", str(exported), "--detailed-exitcode", env=ENV).exit_code == 0
    checked = CliRunner().invoke(main, ["validate", str(exported)], env=ENV)
    assert checked.exit_code == 0
    assert (
        "warning: extranet code 'SL-BAD' of 'SwissLife' is « non opérationnel » in O2S: correct the code"
        in checked.stderr
    )
