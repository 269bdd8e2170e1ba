"""The register of resource kinds: one row per kind, the facts every stage looks up.

A kind (structure, profile, user...) is named by a string in changes and plans; everything
the tool knows about it that is not code lives in its row here: where it sits in the file,
its title in plans, its natural rank (parents first), how its key is encoded, the tenant
capability that reads and writes it, the O2S screen where an administrator changes it by
hand, whether and how pruning removes it, whether the share threshold guards it, and the
fields holding secrets. Each stage keeps its own functions in a table indexed by kind
(``diff.COMPARATORS``, ``backends.tenant.READERS``, ``backends.writes.WRITERS``,
``render.common.HEADLINES``); ``tests/engine/test_kinds.py`` checks that every kind has an
entry in every stage, or is declared read-only (no writer) or manual (no reader, no writer).

This module is the ground floor: it imports only the model's constants.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from o2s_config.field_map import published_fields
from o2s_config.model.profiles import ADMIN_PROFILE
from o2s_config.model.services import MAIL_SERVERS

Removal = Literal["delete", "deactivate"]
M = TypeVar("M")


@dataclass(frozen=True)
class Kind:
    """Everything known about one kind of resource, as data."""

    name: str  # the resource type in changes and plans
    section: str  # where the kind sits in the organisation file (dotted under ``aggregation``)
    title: str  # the heading of its changes in plans
    key_parts: tuple[str, ...]  # what its natural key is made of, e.g. ("provider", "code")
    capability: str  # the name the tenant's capabilities document gives it
    manual_path: str  # the O2S screen (in French) where an administrator makes the change by hand
    prune: str | None = None  # the ``prune:`` switch that lets the tool remove what the file omits
    removal: Removal = "delete"  # what pruning does to one member
    guarded: bool = False  # the share threshold (``safety.max_delete_share``) applies to its collection
    kept: frozenset[str] = frozenset()  # keys never removed (built into every tenant)
    sensitive: tuple[str, ...] = ()  # field paths holding secrets: never shown, always "(sensitive)"
    singleton: bool = False  # always present in a tenant: updated, never created nor deleted
    read_only: bool = False  # the tool reads it but has no way to write it: changes are manual steps
    manual: bool = False  # no target serves it: neither read nor written, only named in manual steps
    # Which file fields Harvest's published API carries for this kind (``field_map.py``); the
    # rest live only in the O2S screens and become manual steps on a real tenant. None: not described.
    published_fields: frozenset[str] | None = None

    @property
    def rank(self) -> int:
        """The natural rank: parents first (a user needs his structure, a code its advisor)."""
        return NAMES.index(self.name)

    def key_of(self, *parts: str) -> str:
        """The natural key from its parts; multi-part keys are joined by ``/``, each part escaped."""
        if len(parts) != len(self.key_parts):
            raise ValueError(f"a {self.name} key has {len(self.key_parts)} part(s), got {len(parts)}")
        return parts[0] if len(parts) == 1 else "/".join(_escape(part) for part in parts)

    def parts_of(self, key: str) -> tuple[str, ...]:
        """The parts a key was made from (the inverse of ``key_of``, for any character)."""
        if len(self.key_parts) == 1:
            return (key,)
        parts = tuple(_unescape(part) for part in key.split("/"))
        if len(parts) != len(self.key_parts):
            raise ValueError(f"'{key}' is not a {self.name} key ({'/'.join(self.key_parts)})")
        return parts

    def members(self, organisation: Any) -> Any:
        """The kind's section of ``organisation`` (None when the file leaves it out)."""
        node = organisation
        for step in self.section.split("."):
            node = getattr(node, step, None) if node is not None else None
        return node

    def without(self, organisation: M) -> M:
        """``organisation`` with this kind's section left out (no longer managed)."""
        head, _, rest = self.section.partition(".")
        inner = getattr(organisation, head)
        if inner is None:
            return organisation
        replaced = None if not rest else inner.model_copy(update={rest: None})
        copied: M = organisation.model_copy(update={head: replaced})  # type: ignore[attr-defined]
        return copied


_ESCAPED = re.compile(r"%(25|2F)")


def _escape(part: str) -> str:
    return part.replace("%", "%25").replace("/", "%2F")


def _unescape(part: str) -> str:
    return _ESCAPED.sub(lambda match: "%" if match.group(1) == "25" else "/", part)


ADMINISTRATION = "Administration > "

# The rows, parents first: this order is the natural rank.
REGISTER: tuple[Kind, ...] = (
    Kind(
        name="establishment",
        published_fields=published_fields("establishment"),
        section="establishment",
        title="Establishment",
        key_parts=("establishment",),
        capability="establishment",
        manual_path=ADMINISTRATION + "Nom et coordonnées de l'établissement",
        singleton=True,
    ),
    Kind(
        name="structure",
        published_fields=published_fields("structure"),
        section="structures",
        title="Structures",
        key_parts=("code",),
        capability="structure",
        # the guide: O2S proposes the structures, and its support changes them (no screen does)
        manual_path="the O2S support (assistance O2S): O2S proposes the structures and its support changes them",
        prune="structures",
        guarded=True,
    ),
    Kind(
        name="profile",
        published_fields=published_fields("profile"),
        section="profiles",
        title="Profiles",
        key_parts=("label",),
        capability="profile",
        manual_path=ADMINISTRATION + "Gestion des droits",
        prune="profiles",
        guarded=True,
        kept=frozenset({ADMIN_PROFILE}),
    ),
    Kind(
        name="user",
        published_fields=published_fields("user"),
        section="users",
        title="Users",
        key_parts=("login",),
        capability="user",
        manual_path=ADMINISTRATION + "Utilisateurs",
        prune="users",
        removal="deactivate",
        guarded=True,
        sensitive=tuple(f"email_server.{server}.password" for server in MAIL_SERVERS),  # each user's own
    ),
    Kind(
        name="hierarchy",
        published_fields=published_fields("hierarchy"),
        section="hierarchy",
        title="Hierarchy",
        key_parts=("login",),
        capability="hierarchy",
        manual_path=ADMINISTRATION + "Utilisateurs > Hiérarchie",
    ),
    Kind(
        name="extranet_code",
        published_fields=published_fields("extranet_code"),
        section="aggregation.extranet_codes",
        title="Extranet codes",
        key_parts=("provider", "code"),
        capability="extranet_code",
        manual_path=ADMINISTRATION + "Gestion de l’agrégation > Source d’agrégation > Nouvelle demande",
        prune="extranet_codes",
        guarded=True,
    ),
    Kind(
        name="custodian_contact",
        published_fields=published_fields("custodian_contact"),
        section="aggregation.custodian_contacts",
        title="Custodian contacts",
        key_parts=("custodian",),
        capability="custodian_contact",
        manual_path="Agrégation > Dépositaires > Personnaliser les coordonnées",
        manual=True,
    ),
    Kind(
        name="service",
        published_fields=published_fields("service"),
        section="services",
        title="Services",
        key_parts=("section",),
        capability="services",
        manual_path="Services > Modules",
        singleton=True,
        sensitive=tuple(f"email_server.{server}.password" for server in MAIL_SERVERS),
    ),
)

NAMES: tuple[str, ...] = tuple(kind.name for kind in REGISTER)
KINDS: Mapping[str, Kind] = {kind.name: kind for kind in REGISTER}
BY_CAPABILITY: Mapping[str, Kind] = {kind.capability: kind for kind in REGISTER}

ESTABLISHMENT, STRUCTURE, PROFILE, USER, HIERARCHY, EXTRANET_CODE, CUSTODIAN_CONTACT, SERVICE = REGISTER


def kind_of(name: str) -> Kind:
    """The row of a resource type (raises KeyError for a name the register does not know)."""
    return KINDS[name]


def guarded() -> Iterator[Kind]:
    """The kinds whose collections the share threshold protects."""
    return (kind for kind in REGISTER if kind.guarded)
