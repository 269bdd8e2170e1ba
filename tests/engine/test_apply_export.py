"""The apply runner (dependencies, parallelism, stopping on failure) and export's readable form."""

from __future__ import annotations

import asyncio

from o2s_config.apply import run_changes
from o2s_config.backends.tenant import TenantState
from o2s_config.catalog import load_catalog
from o2s_config.changes import Change
from o2s_config.export import organisation_document, rights_spec, tree
from o2s_config.workflow import readable_part
from tests.engine.factories import CONSEILLER, org, users

CATALOG = load_catalog()


def change(key: str, *after: str) -> Change:
    return Change("create", "structure", key, depends_on=tuple(f"structure:{a}" for a in after))


def test_changes_wait_for_what_they_depend_on() -> None:
    started: list[str] = []

    async def execute(c: Change) -> None:
        started.append(c.key)
        await asyncio.sleep(0)

    changes = [change("a"), change("b", "a"), change("c", "b"), change("d")]
    report = asyncio.run(run_changes(changes, execute, parallelism=8))
    assert report.ok and started.index("a") < started.index("b") < started.index("c")


def test_first_failure_stops_new_changes_and_reports_the_rest() -> None:
    async def execute(c: Change) -> None:
        if c.key == "b":
            raise RuntimeError("refused by the tenant")

    changes = [change("a"), change("b"), change("c", "b"), change("d", "a")]
    report = asyncio.run(run_changes(changes, execute, parallelism=1))
    assert [c.key for c in report.done] == ["a"]
    assert [(c.key, str(e)) for c, e in report.failed] == [("b", "refused by the tenant")]
    assert [c.key for c in report.not_started] == ["c", "d"]


def test_at_most_parallelism_changes_run_at_once() -> None:
    running = {"now": 0, "most": 0}

    async def execute(c: Change) -> None:
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(0.001)
        running["now"] -= 1

    asyncio.run(run_changes([change(str(i)) for i in range(20)], execute, parallelism=3))
    assert running["most"] == 3


def test_profiles_export_as_the_smaller_base_plus_differences() -> None:
    almost_all = CATALOG.full("all")
    almost_all["administration"]["module_access"] = False
    assert rights_spec(almost_all, CATALOG) == {"from": "all", "rights": {"administration": {"module_access": False}}}
    almost_none = CATALOG.full("none")
    almost_none["contact"]["modify_contacts"] = True
    assert rights_spec(almost_none, CATALOG) == {"from": "none", "rights": {"contact": {"modify_contacts": True}}}


def test_hierarchy_exports_as_a_sorted_tree() -> None:
    managers = {"b": "a", "c": "a", "d": "c", "y": "x"}
    assert tree(managers) == {"a": ["b", {"c": ["d"]}], "x": ["y"]}


def test_export_orders_collections_and_skips_the_builtin_profile() -> None:
    current = org(
        structures={"z": {"name": "Z"}, "a": {"name": "A"}},
        profiles={"Administrateur": {"from": "all"}, "Conseiller": CONSEILLER},
        users=users("mm", "aa", structure="a"),
    )
    document = organisation_document(current, CATALOG)
    assert list(document) == ["version", "structures", "profiles", "users"]
    assert list(document["structures"]) == ["a", "z"] and list(document["users"]) == ["aa", "mm"]
    assert list(document["profiles"]) == ["Conseiller"]


def test_what_the_target_cannot_read_is_not_compared_and_said_so() -> None:
    desired = org(profiles={"Conseiller": CONSEILLER}, aggregation={"custodian_contacts": {"Cardif": {"phone": "1"}}})
    state = TenantState(organisation=org(), readable={"structure", "user", "profile"})
    trimmed, notes = readable_part(desired, state)
    assert trimmed.profiles is not None and trimmed.aggregation is not None
    assert trimmed.aggregation.custodian_contacts is None
    assert notes == [
        "this target cannot read custodian contacts: they are not compared; "
        "check them by hand in Agrégation > Dépositaires > Personnaliser les coordonnées"
    ]
