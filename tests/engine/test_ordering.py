"""Ordering: each hard case the tenant would refuse in the wrong order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from o2s_config import ordering
from o2s_config.catalog import load_catalog
from o2s_config.changes import Change
from o2s_config.diff import diff
from o2s_config.ordering import OrderingCycleError, order
from tests.engine.factories import CONSEILLER, org, user, users

CATALOG = load_catalog()
PARIS = {"paris": {"name": "Agence Paris"}}
PROFILES = {"Conseiller": CONSEILLER}


def planned(desired: dict, current: dict) -> list[str]:
    return [c.id for c in order(diff(org(**desired), org(**current), CATALOG).changes)]


def before(sequence: list[str], first: str, second: str) -> bool:
    return sequence.index(first) < sequence.index(second)


def test_swapping_manager_and_advisor_detaches_first() -> None:
    common = {"structures": PARIS, "profiles": PROFILES, "users": users("a", "b")}
    sequence = planned({**common, "hierarchy": {"b": ["a"]}}, {**common, "hierarchy": {"a": ["b"]}})
    assert sequence == ["hierarchy:b", "hierarchy:a"]


def test_attaching_waits_for_the_moving_boss_above_an_unmoved_manager() -> None:
    common = {"structures": PARIS, "profiles": PROFILES, "users": users("x", "m", "p", "r")}
    before_tree = {"x": [{"p": ["m"]}], "r": []}
    after_tree = {"r": [{"p": [{"m": ["x"]}]}]}
    sequence = planned({**common, "hierarchy": after_tree}, {**common, "hierarchy": before_tree})
    assert sequence == ["hierarchy:p", "hierarchy:x"]


def test_users_move_off_a_profile_before_it_is_deleted() -> None:
    profiles = {"Conseiller": CONSEILLER, "Old": CONSEILLER}
    current = {"structures": PARIS, "profiles": profiles, "users": users("a", profile="Old")}
    desired = {"structures": PARIS, "profiles": PROFILES, "users": users("a"), "prune": {"profiles": True}}
    assert before(planned(desired, current), "user:a", "profile:Old")


def test_users_move_off_a_structure_before_it_is_deleted() -> None:
    both = {**PARIS, "lyon": {"name": "Lyon"}}
    current = {"structures": both, "profiles": PROFILES, "users": users("a", structure="lyon")}
    desired = {"structures": PARIS, "profiles": PROFILES, "users": users("a"), "prune": {"structures": True}}
    assert before(planned(desired, current), "user:a", "structure:lyon")


def test_advisors_are_reattached_before_their_manager_is_deactivated() -> None:
    current = {"structures": PARIS, "profiles": PROFILES, "users": users("m", "n", "x"), "hierarchy": {"m": ["x"]}}
    desired = {
        "structures": PARIS,
        "profiles": PROFILES,
        "users": {**users("n", "x"), "m": user(login="m", active=False)},
        "hierarchy": {"n": ["x"]},
    }
    assert before(planned(desired, current), "hierarchy:x", "user:m")


def test_rights_change_precedes_the_users_new_profile() -> None:
    profiles = {"Conseiller": CONSEILLER, "Junior": {"from": "none", "valid": False}}
    current = {"structures": PARIS, "profiles": profiles, "users": users("a")}
    desired_profiles = {
        "Conseiller": CONSEILLER,
        "Junior": {"from": "none", "valid": True, "rights": {"contact": {"modify_contacts": True}}},
    }
    desired = {"structures": PARIS, "profiles": desired_profiles, "users": users("a", profile="Junior")}
    assert before(planned(desired, current), "profile:Junior", "user:a")


def test_creates_are_parent_first() -> None:
    desired = {"structures": PARIS, "profiles": PROFILES, "users": users("a", "b"), "hierarchy": {"a": ["b"]}}
    sequence = planned(desired, {})
    assert before(sequence, "structure:paris", "user:a") and before(sequence, "user:b", "hierarchy:b")


def test_order_is_stable() -> None:
    desired = {"structures": PARIS, "profiles": PROFILES, "users": users(*"hgfedcba")}
    assert planned(desired, {}) == planned(desired, {})


def test_a_cycle_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def profile_waits_for_user(ix: ordering._Index) -> Iterator[ordering.Edge]:
        yield "profile:R", "user:c"

    monkeypatch.setattr(ordering, "RULES", (*ordering.RULES, profile_waits_for_user))
    user_c = Change("update", "user", "c", payload={"profile": "R"})
    profile_r = Change("update", "profile", "R", payload={"rights": {}})
    with pytest.raises(OrderingCycleError) as caught:
        order([user_c, profile_r])
    assert caught.value.cycle == ["profile:R", "user:c", "profile:R"]
