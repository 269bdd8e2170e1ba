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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import SecretStr, ValidationError

from o2s_config.backends.answers import answer, document, objects, optional, required, unfit
from o2s_config.backends.batch import Coalescer
from o2s_config.backends.http import O2SClient
from o2s_config.backends.published import PublishedTenant, linked_login, people_of, read_published
from o2s_config.errors import TargetError
from o2s_config.kinds import (
    BY_CAPABILITY,
    ESTABLISHMENT,
    EXTRANET_CODE,
    HIERARCHY,
    KINDS,
    PROFILE,
    SERVICE,
    STRUCTURE,
    USER,
)
from o2s_config.model import Organisation
from o2s_config.model.services import MAIL_SERVERS, EmailServer

EXT = "/ext/v1"
FILES = f"{EXT}/files"
FILE_CAPABILITY = "file"  # the files a tenant holds are not a kind: named by the resources that refer to them
USER_EXTRA = ("login", "manager", "manager_id", "etag")
Sections = dict[str, Any]  # the organisation file's sections as read, before the model sees them


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
    files: dict[str, str] | None = None  # file name -> SHA-256 of its content; None when the target cannot list
    # a tenant publishing Harvest's API only (no capabilities document): its people as published,
    # placed under the file's logins once ``identity.py`` has linked them
    published: PublishedTenant | None = None
    manager_links: Coalescer = field(default_factory=Coalescer)  # hierarchy writes of this run, batched

    def remember(self, resource: str, key: str, tenant_id: int, etag: str | None) -> None:
        """Record the tenant id (and ETag, when the target gives one) of a resource read."""
        self.ids.setdefault(resource, {})[key] = tenant_id
        if etag:
            self.etags.setdefault(resource, {})[key] = etag


@dataclass(frozen=True)
class Reader:
    """How one kind is read: its endpoint, whether it is paged, whether a published API serves it."""

    path: str
    paged: bool
    published: bool  # served without the extension endpoints (what Harvest publishes)
    parse: Callable[[Any, TenantState, str], Any]  # (answer, state, endpoint) -> the kind's section


async def read_tenant(client: O2SClient) -> TenantState:
    """Everything the target lets us read, in a few concurrent requests."""
    capabilities_path = f"{EXT}/capabilities"
    capabilities = await answer(capabilities_path, client.get(capabilities_path, missing_ok=True))
    readable, writable = _capabilities(capabilities, capabilities_path)
    state = TenantState(organisation=Organisation(version=1), readable=readable, writable=writable)
    if capabilities is None:
        state.published = PublishedTenant()
    identity = "/utilisateurs/myself"
    reads: dict[str, Awaitable[Any]] = {"identity": answer(identity, client.get(identity, missing_ok=True))}
    for name, reader in READERS.items():
        if reader.published or name in readable:
            fetch = client.get_all(reader.path) if reader.paged else client.get(reader.path, missing_ok=True)
            reads[name] = answer(reader.path, fetch)
    if _lists_files(capabilities, capabilities_path):
        reads[FILE_CAPABILITY] = answer(FILES, client.get(FILES, missing_ok=True))
    answers = dict(zip(reads, await asyncio.gather(*reads.values()), strict=True))
    # gather's future and tasks hold every answer until this step of the task ends (the loop's
    # wake-up handle keeps them): one yield lets them go, so each answer goes once parsed
    # (10,000 users' JSON is ~35 MB at the read's peak)
    await asyncio.sleep(0)
    state.identity = _identity(answers.pop("identity"), identity)
    if FILE_CAPABILITY in answers:
        state.files = _files(answers.pop(FILE_CAPABILITY), FILES)
    state.organisation = tenant_model(_sections(answers, state))
    if state.published is not None:
        state.published = await read_published(client, state.published.people)
    return state


def _sections(answers: dict[str, Any], state: TenantState) -> Sections:
    sections: Sections = {"version": 1}
    for name in list(answers):
        found = READERS[name].parse(answers.pop(name), state, READERS[name].path)
        if found is not None:
            _place(sections, KINDS[name].section, found)
    return sections


def tenant_model(sections: Sections) -> Organisation:
    """The tenant's sections as the model; a state the model refuses names the endpoint it came from."""
    try:
        return Organisation.model_validate(sections)
    except ValidationError as error:
        raise unfit(error, {KINDS[name].section.split(".")[0]: r.path for name, r in READERS.items()}) from None


def _place(sections: Sections, section: str, value: Any) -> None:
    head, _, rest = section.partition(".")
    if rest:
        sections.setdefault(head, {})[rest] = value
    else:
        sections[head] = value


def _capabilities(body: Any, endpoint: str) -> tuple[set[str], set[str]]:
    """What the target reads and writes; a target without the document serves the published kinds only."""
    published = {name for name, reader in READERS.items() if reader.published}
    if body is None:
        return set(published), set(published)
    resources = optional(document(body, endpoint), "resources", dict, endpoint, "") or {}
    readable: set[str] = set()
    writable: set[str] = set()
    for capability, allowed in resources.items():
        kind = BY_CAPABILITY.get(capability)
        if kind is None:
            continue
        allowed = document(allowed, endpoint)
        if optional(allowed, "read", bool, endpoint, f"resources.{capability}"):
            readable.add(kind.name)
        if optional(allowed, "write", bool, endpoint, f"resources.{capability}"):
            writable.add(kind.name)
    return readable, writable


def _lists_files(body: Any, endpoint: str) -> bool:
    """Whether the capabilities document says the target lists the files it holds."""
    resources = optional(document(body, endpoint), "resources", dict, endpoint, "") or {}
    allowed = document(resources.get(FILE_CAPABILITY), endpoint)
    return bool(optional(allowed, "read", bool, endpoint, f"resources.{FILE_CAPABILITY}"))


def _files(body: Any, endpoint: str) -> dict[str, str]:
    """File name -> SHA-256 of the content, as the tenant lists them."""
    found: dict[str, str] = {}
    for index, item in enumerate(objects(body or [], endpoint)):
        where = f"[{index}]"
        found[required(item, "path", str, endpoint, where)] = required(item, "sha256", str, endpoint, where)
    return found


def _identity(body: Any, endpoint: str) -> str | None:
    if body is None:
        return None
    me = document(body, endpoint)
    ext = optional(me, "ext", dict, endpoint, "") or {}
    # a published-only tenant shows no login: the identity is known by the reference o2s-config wrote
    return optional(ext, "login", str, endpoint, "ext") or linked_login(optional(me, "refExternes", list, endpoint, ""))


def _structures(body: Any, state: TenantState, endpoint: str) -> Sections:
    found: Sections = {}
    for index, item in enumerate(objects(body, endpoint)):
        where = f"[{index}]"
        code = required(item, "code", str, endpoint, where)
        etag = optional(optional(item, "ext", dict, endpoint, where) or {}, "etag", str, endpoint, f"{where}.ext")
        state.remember(STRUCTURE.name, code, required(item, "id", int, endpoint, where), etag)
        address = optional(item, "adresse", dict, endpoint, where)
        found[code] = {"name": required(item, "nom", str, endpoint, where), **({"address": address} if address else {})}
    return found


def _users(body: Any, state: TenantState, endpoint: str) -> Sections | None:
    if state.published is not None and not _show_logins(body):
        state.published.people = people_of(body, endpoint)
        return None  # placed under the file's logins once linked (identity.py)
    state.published = None  # users shown with their login are matched by it
    found: Sections = {}
    for index, item in enumerate(objects(body, endpoint)):
        login, tenant_id, etag, ext = _user_entry(item, index, endpoint)
        state.remember(USER.name, login, tenant_id, etag)
        # a compact copy without the tenant's own fields and the nulls: the sections of 10,000 users
        # stay alive while the model reads them (the ext objects with their nulls: 9 MB more at the peak)
        user = found[login] = {k: v for k, v in ext.items() if v is not None and k not in USER_EXTRA}
        if "email_server" in user:
            servers = optional(user, "email_server", dict, endpoint, f"[{index}].ext")
            user["email_server"] = _strip_servers(servers or {}, f"users.{login}", state, endpoint)
    return found


def _user_entry(item: dict[str, Any], index: int, endpoint: str) -> tuple[str, int, str | None, dict[str, Any]]:
    """(login, tenant id, ETag, ``ext`` object) of a listed user; a wrong shape is an error naming where.

    Checked at once when well formed (10,000 users a plan); the field-by-field reading names the fault.
    """
    ext, tenant_id = item.get("ext"), item.get("id")
    if type(ext) is dict and type(tenant_id) is int:
        login, etag = ext.get("login"), ext.get("etag")
        if type(login) is str and login and (etag is None or type(etag) is str):
            return login, tenant_id, etag, ext
    where = f"[{index}]"
    ext = optional(item, "ext", dict, endpoint, where) or {}
    login = optional(ext, "login", str, endpoint, f"{where}.ext")
    if not login:
        # skipping him would make him look missing: the plan would create him again
        raise TargetError(
            "this tenant serves o2s-config's extension endpoints but shows a user without his login: "
            "o2s-config stops here rather than take him for a new user"
        )
    etag = optional(ext, "etag", str, endpoint, f"{where}.ext")
    return login, required(item, "id", int, endpoint, where), etag, ext


def _show_logins(body: Any) -> bool:
    """Whether a users answer carries the extension's logins (``ext.login``), as the full sandbox's does."""
    items = body if isinstance(body, list) else []
    return any(
        isinstance(item, dict) and isinstance(item.get("ext"), dict) and "login" in item["ext"] for item in items
    )


def _profiles(body: Any, state: TenantState, endpoint: str) -> Sections:
    found: Sections = {}
    for index, item in enumerate(objects(body or [], endpoint)):
        where = f"[{index}]"
        label = required(item, "label", str, endpoint, where)
        etag = optional(item, "etag", str, endpoint, where)
        state.remember(PROFILE.name, label, required(item, "id", int, endpoint, where), etag)
        rights = optional(item, "rights", dict, endpoint, where) or {}
        found[label] = {"from": "none", "valid": item.get("valid"), "rights": rights}
    return found


def _hierarchy(body: Any, state: TenantState, endpoint: str) -> Any:
    return document(body, endpoint).get("tree") or {}


def _establishment(body: Any, state: TenantState, endpoint: str) -> Any:
    if body is None:
        return None  # never set yet
    state.documents[ESTABLISHMENT.name] = document(body, endpoint)
    return body


def _services(body: Any, state: TenantState, endpoint: str) -> Sections:
    """Services without the stored password fingerprints (kept aside: the model has no room for them)."""
    services = document(body, endpoint)
    _strip_servers(optional(services, "email_server", dict, endpoint, "") or {}, "", state, endpoint)
    state.documents[SERVICE.name] = services
    return services


def _strip_servers(servers: dict[str, Any], owner: str, state: TenantState, endpoint: str) -> dict[str, Any]:
    """A mail server pair without its fingerprints, kept aside as ``[owner.]email_server.smtp``."""
    for name in MAIL_SERVERS:
        server = servers.get(name)
        if isinstance(server, dict) and "password_fingerprint" in server:
            where = f"{owner}.email_server.{name}" if owner else f"email_server.{name}"
            state.secret_fingerprints[where] = required(server, "password_fingerprint", str, endpoint, where)
            del server["password_fingerprint"]
    return servers


def _codes(body: Any, state: TenantState, endpoint: str) -> list[dict[str, Any]]:
    codes = []
    for index, item in enumerate(objects(body or [], endpoint)):
        where = f"[{index}]"
        provider = required(item, "provider", str, endpoint, where)
        code = required(item, "code", str, endpoint, where)
        key = EXTRANET_CODE.key_of(provider, code)
        etag = optional(item, "etag", str, endpoint, where)
        state.remember(EXTRANET_CODE.name, key, required(item, "id", int, endpoint, where), etag)
        fields = ("provider", "code", "advisor", "authorisation_letter", "status")
        codes.append({k: item[k] for k in fields if item.get(k)})
    return codes


# One reader per kind the tool can read; custodian contacts are manual (no target serves them).
READERS: Mapping[str, Reader] = {
    ESTABLISHMENT.name: Reader(f"{EXT}/establishment", paged=False, published=False, parse=_establishment),
    STRUCTURE.name: Reader("/agences", paged=True, published=True, parse=_structures),
    PROFILE.name: Reader(f"{EXT}/profiles", paged=False, published=False, parse=_profiles),
    USER.name: Reader("/utilisateurs", paged=True, published=True, parse=_users),
    HIERARCHY.name: Reader(f"{EXT}/hierarchy", paged=False, published=False, parse=_hierarchy),
    EXTRANET_CODE.name: Reader(f"{EXT}/extranet-codes", paged=False, published=False, parse=_codes),
    SERVICE.name: Reader(f"{EXT}/services", paged=False, published=False, parse=_services),
}


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
