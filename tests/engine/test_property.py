"""Property: for random (desired, current) pairs, applying the plan of desired leaves an empty plan.

The tenant is the embedded sandbox with its own rules, so every pair also checks that the
plan's order is one the tenant accepts.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.catalog import load_catalog
from o2s_config.model import Organisation
from o2s_config.workflow import apply_planned, plan_organisation

CATALOG = load_catalog()
CODES = [("Cardif", "C-1"), ("Cardif", "C-2"), ("SwissLife", "S-1")]
ADMIN = {
    "last_name": "Administrateur",
    "email": "admin@sandbox.invalid",
    "structure": "siege",
    "profile": "Administrateur",
}


@st.composite
def organisations(draw: st.DrawFn) -> dict[str, Any]:
    structures = ["siege", *draw(st.lists(st.sampled_from(["s1", "s2", "s3"]), unique=True))]
    profiles: dict[str, Any] = {}
    for label in draw(st.lists(st.sampled_from(["P1", "P2"]), unique=True)):
        rights = {
            "administration": {"module_access": False},
            "agenda": {"view_calendars": draw(st.sampled_from(["own", "attached", "group"]))},
        }
        profiles[label] = {
            "from": draw(st.sampled_from(["all", "none"])),
            "valid": draw(st.booleans()),
            "rights": rights,
        }
    users: dict[str, Any] = {"admin": ADMIN}
    logins = draw(st.lists(st.sampled_from(["u1", "u2", "u3", "u4", "u5"]), unique=True))
    for login in logins:
        user = {
            "last_name": login.upper(),
            "first_name": draw(st.sampled_from(["Anne", "Paul"])),
            "email": f"{login}@exemple.fr",
            "structure": draw(st.sampled_from(structures)),
            "active": draw(st.booleans()),
        }
        profile = draw(st.sampled_from([None, "custom", *profiles]))
        if profile == "custom":
            user["custom_profile"] = {"from": "none", "rights": {"contact": {"modify_contacts": draw(st.booleans())}}}
        elif profile:
            user["profile"] = profile
        users[login] = user
    hierarchy: dict[str, list[Any]] = {}
    for index, login in enumerate(logins):
        manager = draw(st.sampled_from([None, *logins[:index]]))
        if manager:
            hierarchy.setdefault(manager, []).append(login)
    codes = [
        {"provider": provider, "code": code, "advisor": draw(st.sampled_from(["admin", *logins]))}
        for provider, code in draw(st.lists(st.sampled_from(CODES), unique=True))
    ]
    return {
        "version": 1,
        "aggregation": {"extranet_codes": codes},
        "structures": {code: {"name": code.upper()} for code in structures},
        "profiles": profiles,
        "users": users,
        "hierarchy": _nest(hierarchy),
        "prune": {name: draw(st.booleans()) for name in ("structures", "profiles", "users", "extranet_codes")},
        "services": {"alerts": {"new_clients": {"enabled": draw(st.booleans())}}},
    }


def _nest(children: dict[str, list[str]]) -> dict[str, Any]:
    """{manager: [advisors]} as the model's tree (a manager with a manager appears under him)."""
    below = {c for kids in children.values() for c in kids}

    def entry(login: str) -> Any:
        return {login: [entry(k) for k in children[login]]} if login in children else login

    return {root: [entry(k) for k in kids] for root, kids in children.items() if root not in below}


def feasible(desired: dict[str, Any], current: dict[str, Any]) -> bool:
    """Users the file leaves unmanaged, or whose profile it does not manage, keep what they have:
    the tenant refuses to delete a structure or profile they hold, so those pairs are not asked."""
    left = [u for login, u in current["users"].items() if login not in desired["users"]]
    if desired["prune"]["structures"] and any(u["structure"] not in desired["structures"] for u in left):
        return False
    kept = left + [
        current["users"][login]
        for login, user in desired["users"].items()
        if login in current["users"] and "profile" not in user and "custom_profile" not in user
    ]
    kept_profiles = (None, *desired["profiles"])
    return not (desired["prune"]["profiles"] and any(u.get("profile") not in kept_profiles for u in kept))


async def converge(database: Path, *documents: dict[str, Any]) -> list[str]:
    """Apply each document in turn; return the ids of the changes still planned after the last."""
    async with O2SClient(resolve_target(f"sandbox:{database}"), None) as client:
        for document in documents:
            planned = await plan_organisation(client, Organisation.model_validate(document), CATALOG, "sandbox")
            assert not planned.plan.lockout_violations
            report = await apply_planned(client, planned, parallelism=4)
            assert report.ok, [(c.describe(), str(e)) for c, e in report.failed]
        final = await plan_organisation(client, Organisation.model_validate(documents[-1]), CATALOG, "sandbox")
        return [c.id for c in final.plan.changes]


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(current=organisations(), desired=organisations())
def test_applying_the_plan_of_desired_leaves_an_empty_plan(current: dict[str, Any], desired: dict[str, Any]) -> None:
    assume(feasible(desired, current))
    with tempfile.TemporaryDirectory() as folder:
        assert asyncio.run(converge(Path(folder) / "tenant.db", current, desired)) == []
