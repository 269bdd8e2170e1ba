"""Reading a tenant into the same Organisation model as the file, plus a side map of tenant ids.

All collections are read in large pages, concurrently: a plan costs a handful of requests
whatever the number of users. Targets without the extension endpoints (a real O2S tenant
publishes users, structures and profile names only) are read as far as they allow; what
cannot be read is left unmanaged and what cannot be written becomes a manual step.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr

from o2s_config.backends.http import O2SClient
from o2s_config.errors import TargetError
from o2s_config.model import Organisation
from o2s_config.model.services import EmailServer

EXT = "/ext/v1"
# capability name in the tenant -> resource type in plans
CAPABILITY_RESOURCES = {
    "establishment": "establishment",
    "structure": "structure",
    "profile": "profile",
    "user": "user",
    "hierarchy": "hierarchy",
    "services": "service",
    "extranet_code": "extranet_code",
    "custodian_contact": "custodian_contact",
}
PUBLISHED_ONLY = {"structure", "user"}
USER_EXTRA = ("login", "manager", "manager_id", "etag")
MAIL_SERVERS = ("smtp", "imap")


@dataclass
class TenantState:
    """What a tenant holds, as the model sees it, and what apply needs to reach it."""

    organisation: Organisation
    identity: str | None = None  # login of the user the credentials act for
    writable: set[str] = field(default_factory=set)
    readable: set[str] = field(default_factory=set)
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # resource -> natural key -> tenant id
    documents: dict[str, Any] = field(default_factory=dict)  # establishment and services as the tenant holds them
    secret_fingerprints: dict[str, str] = field(default_factory=dict)  # "email_server.smtp" -> stored fingerprint
    # resource -> natural key -> ETag as read: updates and deletes send it as If-Match, so a
    # change made by someone else since the plan was read is refused instead of overwritten
    etags: dict[str, dict[str, str]] = field(default_factory=dict)
    written: set[tuple[str, str]] = field(default_factory=set)  # (resource, key) this run already changed

    def remember(self, resource: str, key: str, tenant_id: int, etag: str | None) -> None:
        """Record the tenant id (and ETag, when the target gives one) of a resource read."""
        self.ids.setdefault(resource, {})[key] = tenant_id
        if etag:
            self.etags.setdefault(resource, {})[key] = etag


async def read_tenant(client: O2SClient) -> TenantState:
    """Everything the target lets us read, in a few concurrent requests."""
    capabilities = await client.get(f"{EXT}/capabilities", missing_ok=True)
    readable, writable = _capabilities(capabilities)
    state = TenantState(organisation=Organisation(version=1), readable=readable, writable=writable)
    reads = {
        "identity": client.get("/utilisateurs/myself", missing_ok=True),
        "structures": client.get_all("/agences"),
        "users": client.get_all("/utilisateurs"),
    }
    optional = {
        "profiles": ("profile", f"{EXT}/profiles"),
        "hierarchy": ("hierarchy", f"{EXT}/hierarchy"),
        "establishment": ("establishment", f"{EXT}/establishment"),
        "services": ("service", f"{EXT}/services"),
        "extranet_codes": ("extranet_code", f"{EXT}/extranet-codes"),
    }
    for name, (resource, path) in optional.items():
        if resource in readable:
            reads[name] = client.get(path, missing_ok=True)
    answers = dict(zip(reads, await asyncio.gather(*reads.values()), strict=True))
    _fill(state, answers)
    return state


def _capabilities(document: Any) -> tuple[set[str], set[str]]:
    if not isinstance(document, dict):
        return set(PUBLISHED_ONLY), set(PUBLISHED_ONLY)
    resources = document.get("resources", {})
    readable = {CAPABILITY_RESOURCES[n] for n, c in resources.items() if n in CAPABILITY_RESOURCES and c.get("read")}
    writable = {CAPABILITY_RESOURCES[n] for n, c in resources.items() if n in CAPABILITY_RESOURCES and c.get("write")}
    return readable, writable


def _fill(state: TenantState, answers: dict[str, Any]) -> None:
    identity = answers.get("identity")
    if isinstance(identity, dict):
        state.identity = (identity.get("ext") or {}).get("login")
    sections: dict[str, Any] = {"version": 1}
    sections["structures"] = _structures(answers["structures"], state)
    sections["users"] = _users(answers["users"], state)
    if "profiles" in answers:
        sections["profiles"] = _profiles(answers["profiles"] or [], state)
    if "hierarchy" in answers:
        sections["hierarchy"] = (answers["hierarchy"] or {}).get("tree") or {}
    if "establishment" in answers and answers["establishment"] is not None:
        state.documents["establishment"] = answers["establishment"]
        sections["establishment"] = answers["establishment"]
    if "services" in answers:
        services = _strip_fingerprints(answers["services"] or {}, state)
        state.documents["services"] = services
        sections["services"] = services
    if "extranet_codes" in answers:
        sections["aggregation"] = {"extranet_codes": _codes(answers["extranet_codes"] or [], state)}
    state.organisation = Organisation.model_validate(sections)


def _structures(items: list[dict[str, Any]], state: TenantState) -> dict[str, Any]:
    found = {}
    for item in items:
        state.remember("structure", item["code"], item["id"], (item.get("ext") or {}).get("etag"))
        found[item["code"]] = {"name": item["nom"], **({"address": item["adresse"]} if item.get("adresse") else {})}
    return found


def _users(items: list[dict[str, Any]], state: TenantState) -> dict[str, Any]:
    found = {}
    for item in items:
        ext = item.get("ext") or {}
        login = ext.get("login")
        if not login:
            # skipping him would make him look missing: the plan would create him again
            raise TargetError(
                "this tenant shows its users without their login (Harvest's published API only): "
                "o2s-config cannot match them to a file's users yet, so it stops here rather than "
                "take every user for a new one"
            )
        state.remember("user", login, item["id"], ext.get("etag"))
        found[login] = {k: v for k, v in ext.items() if k not in USER_EXTRA and v is not None}
        if isinstance(found[login].get("email_server"), dict):
            found[login]["email_server"] = _strip_servers(found[login]["email_server"], f"users.{login}", state)
    return found


def _profiles(items: list[dict[str, Any]], state: TenantState) -> dict[str, Any]:
    found = {}
    for item in items:
        state.remember("profile", item["label"], item["id"], item.get("etag"))
        found[item["label"]] = {"from": "none", "valid": item.get("valid"), "rights": item.get("rights") or {}}
    return found


def _codes(items: list[dict[str, Any]], state: TenantState) -> list[dict[str, Any]]:
    codes = []
    for item in items:
        state.remember("extranet_code", f"{item['provider']}/{item['code']}", item["id"], item.get("etag"))
        fields = ("provider", "code", "advisor", "authorisation_letter", "status")
        codes.append({k: item[k] for k in fields if item.get(k)})
    return codes


def _strip_fingerprints(services: dict[str, Any], state: TenantState) -> dict[str, Any]:
    """Services without the stored password fingerprints (kept aside: the model has no room for them)."""
    if isinstance(services.get("email_server"), dict):
        _strip_servers(services["email_server"], "", state)
    return services


def _strip_servers(servers: dict[str, Any], owner: str, state: TenantState) -> dict[str, Any]:
    """A mail server pair without its fingerprints, kept aside as ``[owner.]email_server.smtp``."""
    for name in MAIL_SERVERS:
        server = servers.get(name)
        if isinstance(server, dict) and "password_fingerprint" in server:
            where = f"{owner}.email_server.{name}" if owner else f"email_server.{name}"
            state.secret_fingerprints[where] = server.pop("password_fingerprint")
    return servers


def password_matches(fingerprint: str, password: str) -> bool:
    """Whether ``password`` is the one a stored ``hmac-sha256$salt$digest`` fingerprint was made from."""
    scheme, _, rest = fingerprint.partition("$")
    salt, _, digest = rest.partition("$")
    if scheme != "hmac-sha256" or not salt or not digest:
        return False
    try:
        key = bytes.fromhex(salt)
    except ValueError:
        return False
    computed = hmac.new(key, password.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(computed, digest)


STORED_SECRET = SecretStr("\x00stored secret\x00")  # a password the tenant holds that differs from the file's


def settle_secrets(state: TenantState, desired: Organisation | None) -> Organisation:
    """The tenant's state with each stored password shown as the file's when their fingerprints match.

    Passwords are write-only: only this comparison tells whether the file changes them. The
    firm-wide (old) mail server and each user's own are settled alike.
    """
    current = state.organisation
    if not state.secret_fingerprints:
        return current
    if current.services is not None and current.services.email_server is not None:
        wanted = desired.services.email_server if desired and desired.services else None
        settled = _settle_servers(current.services.email_server, wanted, "", state)
        current = current.model_copy(update={"services": current.services.model_copy(update={"email_server": settled})})
    users = dict(current.users or {})
    wanted_users = (desired.users if desired else None) or {}
    for login, user in users.items():
        if user.email_server is not None:
            wanted = wanted_users[login].email_server if login in wanted_users else None
            settled = _settle_servers(user.email_server, wanted, f"users.{login}", state)
            users[login] = user.model_copy(update={"email_server": settled})
    return current.model_copy(update={"users": users}) if current.users is not None else current


def _settle_servers(servers: EmailServer, wanted: EmailServer | None, owner: str, state: TenantState) -> EmailServer:
    update: dict[str, Any] = {}
    for name in MAIL_SERVERS:
        where = f"{owner}.email_server.{name}" if owner else f"email_server.{name}"
        fingerprint = state.secret_fingerprints.get(where)
        server = getattr(servers, name)
        if fingerprint is None or server is None:
            continue
        want = getattr(wanted, name, None) if wanted else None
        password = want.password.get_secret_value() if want is not None and want.password else None
        same = password is not None and password_matches(fingerprint, password)
        update[name] = server.model_copy(
            update={"password": SecretStr(password) if same and password else STORED_SECRET}
        )
    return servers.model_copy(update=update)
