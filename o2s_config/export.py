"""Export: a tenant's state written as a readable organisation file.

Each profile is written as the smaller of ``from: all`` / ``from: none`` plus its differences,
the hierarchy as a tree, every collection in a stable order, the schema line on top. Tenant
ids never appear; stored passwords become ``${env:...}`` references to set before applying.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, Literal

from ruamel.yaml import YAML

from o2s_config.canonical import plain
from o2s_config.catalog import Catalog, RightsMap
from o2s_config.model import ADMIN_PROFILE, Organisation
from o2s_config.model.hierarchy import manager_map, tree_of
from o2s_config.model.services import MAIL_SERVERS, password_variable

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/organisation.schema.json"


def rights_spec(rights: RightsMap, catalog: Catalog) -> dict[str, Any]:
    """``{from, rights}``: whichever of ``all`` / ``none`` needs fewer differences to give ``rights``."""
    best: dict[str, Any] = {}
    bases: tuple[Literal["none", "all"], ...] = ("none", "all")
    for base in bases:
        start = catalog.full(base)
        differences: dict[str, dict[str, Any]] = {}
        for tab, values in rights.items():
            for right, value in values.items():
                if start.get(tab, {}).get(right) != value:
                    differences.setdefault(tab, {})[right] = value
        size = sum(len(v) for v in differences.values())
        if not best or size < best["size"]:
            best = {"size": size, "from": base, "rights": differences}
    return {"from": best["from"], **({"rights": best["rights"]} if best["rights"] else {})}


def tree(managers: Mapping[str, str]) -> dict[str, Any]:
    """The hierarchy as O2S shows it, from login -> manager; roots and advisors sorted by login."""
    found = tree_of(dict(sorted(managers.items())))
    return {root: found[root] for root in sorted(found)}


def organisation_document(current: Organisation, catalog: Catalog) -> dict[str, Any]:
    """The organisation file's content for a tenant's state."""
    document: dict[str, Any] = {"version": 1}
    if any(u.has_login is False and u.active is not False for u in (current.users or {}).values()):
        document["sign_in"] = "sso"  # active users without login: the firm can only sign in through SSO
    if current.establishment is not None:
        document["establishment"] = plain(current.establishment)
    if current.structures is not None:
        document["structures"] = {code: plain(s) for code, s in sorted(current.structures.items())}
    if current.profiles is not None:
        document["profiles"] = {
            label: {"valid": p.valid if p.valid is not None else True, **rights_spec(p.rights, catalog)}
            for label, p in sorted(current.profiles.items())
            if label != ADMIN_PROFILE
        }
    if current.users is not None:
        document["users"] = {login: _user(login, plain(u), catalog) for login, u in sorted(current.users.items())}
    if current.hierarchy is not None:
        document["hierarchy"] = tree(manager_map(current.hierarchy))
    if current.aggregation is not None and current.aggregation.extranet_codes is not None:
        codes = sorted(current.aggregation.extranet_codes, key=lambda c: (c.provider, c.code))
        document["aggregation"] = {"extranet_codes": [plain(c) for c in codes]}
    if current.services is not None:
        document["services"] = _services(current)
    return document


def _user(login: str, user: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    custom = user.get("custom_profile")
    if isinstance(custom, dict):
        user["custom_profile"] = rights_spec(custom.get("rights", {}), catalog)
    _password_references(user, login)
    return user


def _services(current: Organisation) -> dict[str, Any]:
    services: dict[str, Any] = plain(current.services)
    _password_references(services)
    return services


def _password_references(holder: dict[str, Any], login: str | None = None) -> None:
    """Stored mail passwords (write-only in the tenant) written as ``${env:...}`` references to set."""
    for name in MAIL_SERVERS:
        server = (holder.get("email_server") or {}).get(name)
        if isinstance(server, dict) and "password" in server:
            server["password"] = "${env:" + password_variable(name, login) + "}"


def render_yaml(document: dict[str, Any]) -> str:
    """The document as YAML, keys in the order given, the schema line on top."""
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.representer.sort_base_mapping_type_on_output = False  # the model's order reads best
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return f"{SCHEMA_LINE}\n{buffer.getvalue()}"


def export_text(current: Organisation, catalog: Catalog) -> str:
    """The organisation file for ``current``."""
    return render_yaml(organisation_document(current, catalog))
