"""The rights catalogue: every O2S right as data (rights.yaml), and questions about it.

A profile's rights are a two-level map ``{tab: {right_id: value}}`` where a flag's value
is a bool and a scope's value is one of its choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

from ruamel.yaml import YAML

from o2s_config.suggest import closest

RightValue = bool | str
RightsMap = dict[str, dict[str, RightValue]]
ASSUMED = " [assumed]"  # after a label, a choice or a rule the set-up guide does not name

# « Accès au module « Administration » »: whoever holds it administers the firm (lockout rules).
ADMIN_TAB, ADMIN_RIGHT_ID = "administration", "module_access"
ADMIN_RIGHT = f"{ADMIN_TAB}.{ADMIN_RIGHT_ID}"


def grants_admin(rights: RightsMap | None) -> bool:
    """True when ``rights`` tick the Administration module."""
    return rights is not None and rights.get(ADMIN_TAB, {}).get(ADMIN_RIGHT_ID) is True


@dataclass(frozen=True)
class Right:
    """One right of the "Gestion des droits" screen."""

    tab: str
    id: str
    label: str
    kind: Literal["flag", "scope"]
    choices: dict[str, str] = field(default_factory=dict)
    all_value: RightValue = True
    none_value: RightValue = False
    sensitive: bool = False
    assumption: bool = False
    requires: str = ""
    assumed_choices: frozenset[str] = frozenset()
    all_assumption: bool = False

    @property
    def key(self) -> str:
        """The dotted key, ``tab.id``, used in plans and messages."""
        return f"{self.tab}.{self.id}"

    @property
    def marked_label(self) -> str:
        """The French label, followed by `` [assumed]`` when the guide does not name this right."""
        return self.label + (ASSUMED if self.assumption else "")

    @property
    def widest(self) -> RightValue:
        """The widest value: what the built-in Administrateur holds (``absolument tous les droits``)."""
        return list(self.choices)[-1] if self.kind == "scope" else True

    def accepts(self, value: object) -> bool:
        if self.kind == "flag":
            return isinstance(value, bool)
        return isinstance(value, str) and value in self.choices

    def grants(self, rights: RightsMap) -> bool:
        """True when ``rights`` give more than this right's empty value and its prerequisite is granted."""
        value = rights.get(self.tab, {}).get(self.id, self.none_value)
        if value in (False, self.none_value):
            return False
        return not self.requires or bool(_get(rights, self.requires))

    def value_label(self, value: RightValue) -> str:
        """The French wording of a value, as the screen shows it."""
        if self.kind == "flag":
            return "coché" if value else "décoché"
        return self.choices.get(str(value), str(value))

    def marked_value_label(self, value: RightValue) -> str:
        """``value_label``, followed by `` [assumed]`` when the guide does not name that choice."""
        assumed = self.kind == "scope" and str(value) in self.assumed_choices
        return self.value_label(value) + (ASSUMED if assumed else "")


@dataclass(frozen=True)
class Tab:
    id: str
    label: str
    rights: dict[str, Right]


@dataclass(frozen=True)
class Constraint:
    """A rule the O2S screen enforces between rights."""

    id: str
    kind: Literal["forced_off", "requires_any"]
    right: str
    message: str
    when_right: str = ""
    when_equals: RightValue = ""
    any_of: tuple[str, ...] = ()
    assumption: bool = False

    @property
    def marked_message(self) -> str:
        """The message, followed by `` [assumed]`` when the guide does not state this rule."""
        return self.message + (ASSUMED if self.assumption else "")

    def violated_by(self, rights: RightsMap) -> bool:
        """True when a complete rights map breaks this rule."""
        if not _get(rights, self.right):
            return False
        if self.kind == "forced_off":
            return _get(rights, self.when_right) == self.when_equals
        return not any(_get(rights, key) for key in self.any_of)


def _get(rights: RightsMap, dotted: str) -> RightValue | None:
    tab, _, right_id = dotted.partition(".")
    return rights.get(tab, {}).get(right_id)


@dataclass(frozen=True)
class Catalog:
    """All tabs, rights and constraints; the one source of truth about rights."""

    tabs: dict[str, Tab]
    constraints: tuple[Constraint, ...]

    def right(self, tab: str, right_id: str) -> Right | None:
        found = self.tabs.get(tab)
        return found.rights.get(right_id) if found else None

    def by_key(self, dotted: str) -> Right | None:
        tab, _, right_id = dotted.partition(".")
        return self.right(tab, right_id)

    def all_rights(self) -> list[Right]:
        return [r for tab in self.tabs.values() for r in tab.rights.values()]

    def full(self, base: Literal["all", "none"]) -> RightsMap:
        """Every right at its "Appliquer tous les droits" value, or at its empty value."""
        return {
            tab.id: {r.id: (r.all_value if base == "all" else r.none_value) for r in tab.rights.values()}
            for tab in self.tabs.values()
        }

    def administrator(self) -> RightsMap:
        """The built-in Administrateur's rights: every box ticked, every drop-down at its widest choice."""
        return {tab.id: {r.id: r.widest for r in tab.rights.values()} for tab in self.tabs.values()}

    def suggest_tab(self, name: str) -> str | None:
        return closest(name, list(self.tabs))

    def suggest_right(self, tab: str, name: str) -> str | None:
        """The closest right id in ``tab``, or in any tab as ``tab.id`` when it lives elsewhere."""
        if tab in self.tabs:
            hit = closest(name, list(self.tabs[tab].rights))
            if hit:
                return hit
        elsewhere = [r.key for r in self.all_rights() if r.id == name]
        return elsewhere[0] if elsewhere else None

    def violations(self, rights: RightsMap) -> list[Constraint]:
        """The constraints a complete rights map breaks."""
        return [c for c in self.constraints if c.violated_by(rights)]


def _parse(raw: dict[str, object]) -> Catalog:
    tabs: dict[str, Tab] = {}
    for tab_id, tab_raw in raw["tabs"].items():  # type: ignore[attr-defined]
        rights: dict[str, Right] = {}
        for right_id, r in tab_raw["rights"].items():
            kind = r["kind"]
            rights[right_id] = Right(
                tab=tab_id,
                id=right_id,
                label=r["label"],
                kind=kind,
                choices=dict(r.get("choices", {})),
                all_value=r.get("all", True),
                none_value=r.get("none", False),
                sensitive=bool(r.get("sensitive", False)),
                assumption=bool(r.get("assumption", False)),
                requires=str(r.get("requires", "")),
                assumed_choices=frozenset(r.get("assumed_choices", ())),
                all_assumption=bool(r.get("all_assumption", False)),
            )
        tabs[tab_id] = Tab(id=tab_id, label=tab_raw["label"], rights=rights)
    constraints = tuple(
        Constraint(
            id=c["id"],
            kind=c["kind"],
            right=c["right"],
            message=c["message"],
            when_right=c.get("when", {}).get("right", ""),
            when_equals=c.get("when", {}).get("equals", ""),
            any_of=tuple(c.get("any_of", ())),
            assumption=bool(c.get("assumption", False)),
        )
        for c in raw.get("constraints", [])  # type: ignore[attr-defined]
    )
    return Catalog(tabs=tabs, constraints=constraints)


@cache
def load_catalog() -> Catalog:
    """The packaged catalogue (read once per process)."""
    text = resources.files("o2s_config.catalog").joinpath("rights.yaml").read_text(encoding="utf-8")
    return _parse(YAML(typ="safe", pure=True).load(text))
