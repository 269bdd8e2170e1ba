"""The register of kinds: every stage knows every kind, and keys round-trip whatever they hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from o2s_config.backends.tenant import READERS
from o2s_config.backends.writes import WRITERS
from o2s_config.diff import COMPARATORS
from o2s_config.kinds import EXTRANET_CODE, KINDS, NAMES, REGISTER, STRUCTURE, Kind
from o2s_config.render.common import HEADLINES
from tests.engine.conftest import Tenant
from tests.engine.scenarios import firm, person, write


def test_every_kind_has_an_entry_in_every_stage() -> None:
    readable = {k.name for k in REGISTER if not k.manual}
    writable = {k.name for k in REGISTER if not (k.manual or k.read_only)}
    assert set(COMPARATORS) == set(NAMES)
    assert set(HEADLINES) == set(NAMES)
    assert set(READERS) == readable, "a kind without a reader must be declared manual"
    assert set(WRITERS) == writable, "a kind without a writer must be declared read-only or manual"


def test_writers_cover_the_actions_each_kind_can_have() -> None:
    for name, writers in WRITERS.items():
        kind = KINDS[name]
        expected = {"create", "update"} if kind.singleton or not kind.prune else {"create", "update", "delete"}
        if kind.removal == "deactivate":
            expected = {"create", "update"}  # a pruned user is deactivated (an update), never deleted
        if name == "hierarchy":
            expected = {"create", "update", "delete"}  # attach, move, detach
        assert set(writers) == expected, name


def test_ranks_follow_the_register_order() -> None:
    assert [k.rank for k in REGISTER] == list(range(len(REGISTER)))
    assert KINDS["structure"].rank < KINDS["user"].rank < KINDS["hierarchy"].rank


parts = st.text(min_size=1)


@given(provider=parts, code=parts)
def test_a_two_part_key_round_trips_any_characters(provider: str, code: str) -> None:
    key = EXTRANET_CODE.key_of(provider, code)
    assert EXTRANET_CODE.parts_of(key) == (provider, code)


@given(code=parts)
def test_a_one_part_key_is_the_key_itself(code: str) -> None:
    assert STRUCTURE.key_of(code) == code and STRUCTURE.parts_of(code) == (code,)


def test_a_key_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(ValueError):
        EXTRANET_CODE.key_of("only-one")
    with pytest.raises(ValueError):
        EXTRANET_CODE.parts_of("a/b/c")


def test_a_provider_holding_a_slash_is_written_as_read(tenant: Tenant, tmp_path: Path) -> None:
    """The key was joined as provider/code and split on the first '/': the plan never converged."""
    codes = [
        {"provider": "Cardif/BNP", "code": "C-1", "advisor": "a"},
        {"provider": "Cardif", "code": "BNP/C-1", "advisor": "a"},
    ]
    file = write(tmp_path, "codes", firm({"a": person("a")}, aggregation={"extranet_codes": codes}))
    applied = tenant.cli("apply", str(file), "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    held = tenant.request("GET", "/ext/v1/extranet-codes").json()
    assert sorted((c["provider"], c["code"]) for c in held) == [("Cardif", "BNP/C-1"), ("Cardif/BNP", "C-1")]
    again = tenant.cli("plan", str(file), "--detailed-exitcode", "--format", "json")
    assert again.exit_code == 0, again.stdout
    assert json.loads(again.stdout)["changes"] == []


def test_the_register_rows_are_complete() -> None:
    for kind in REGISTER:
        assert isinstance(kind, Kind) and kind.title and kind.manual_path and kind.key_parts
        assert not kind.guarded or kind.prune, f"{kind.name}: a guarded collection is one pruning can shrink"
