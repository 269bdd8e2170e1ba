"""The acknowledgement file: steps recorded per target, hidden while their value holds, never silently dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from o2s_config import acks
from o2s_config.manual_steps import ManualStep

TARGET = "https://cabinet.o2s.example"


def step(path: str, value: object, implied: bool = False) -> ManualStep:
    return ManualStep("profile", "Manager", path, "Administration > Gestion des droits", path, "cocher", value,
                      implied=implied)  # fmt: skip


def test_a_recorded_step_is_hidden_until_its_value_changes(tmp_path: Path) -> None:
    path = acks.ack_path(tmp_path / "organisation.yaml")
    assert path.name == "organisation.ack.yaml"
    recorded = acks.load(path)
    assert not recorded.exists
    recorded.record(TARGET, [step("rights.a", True), step("rights.b", "own")], "alice", "2026-01-01T00:00:00Z")
    acks.save(recorded)
    again = acks.load(path)
    assert again.warnings == []
    pending, done, _ = again.split(TARGET, [step("rights.a", True), step("rights.b", "group"), step("rights.c", True)])
    assert [s.path for s in done] == ["rights.a"]
    assert [s.path for s in pending] == ["rights.b", "rights.c"]  # b's value changed; c was never confirmed
    # another tenant has its own record
    assert acks.load(path).split("sandbox+published:r.db", [step("rights.a", True)])[1] == []
    assert "by: alice" in path.read_text(encoding="utf-8")


def test_an_implied_step_shows_only_once_the_file_moves_it_from_what_was_recorded(tmp_path: Path) -> None:
    recorded = acks.Acknowledgements(tmp_path / "organisation.ack.yaml")
    pending, done, implied = recorded.split(TARGET, [step("rights.a", True, implied=True)])
    assert (pending, done, [s.path for s in implied]) == ([], [], ["rights.a"])  # the screen's base gives it
    recorded.record(TARGET, [step("rights.a", False)], "alice", "2026-01-01T00:00:00Z")  # once set by hand
    pending, done, implied = recorded.split(TARGET, [step("rights.a", True, implied=True)])
    assert ([s.path for s in pending], done, implied) == (["rights.a"], [], [])  # back to the base: a step


def test_a_hand_edited_file_is_reported_and_every_step_shown(tmp_path: Path) -> None:
    path = tmp_path / "organisation.ack.yaml"
    recorded = acks.Acknowledgements(path)
    recorded.record(TARGET, [step("rights.a", True)], "alice", "2026-01-01T00:00:00Z")
    acks.save(recorded)
    path.write_text(path.read_text(encoding="utf-8").replace("by: alice", "by: mallory"), encoding="utf-8")
    edited = acks.load(path)
    assert edited.warnings and "edited by hand" in edited.warnings[0]
    pending, done, _ = edited.split(TARGET, [step("rights.a", True)])
    assert (len(pending), done) == (1, [])


@pytest.mark.parametrize("text", ["{not: yaml: at all", "version: 7\n", "version: 1\ntargets: [1, 2]\n",
                                  "version: 1\ntargets: {t: {s: {by: x}}}\n"])  # fmt: skip
def test_an_unreadable_file_is_an_error_naming_it(tmp_path: Path, text: str) -> None:
    path = tmp_path / "organisation.ack.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(acks.AckFileError) as raised:
        acks.load(path)
    assert str(path) in str(raised.value)
