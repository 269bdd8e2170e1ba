"""Billed options: one list, defaults counted as they take effect, the same count in validate and plan."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from o2s_config.billing import BILLED, PlanCoverage, coverage_after
from o2s_config.catalog import load_catalog
from o2s_config.cli import main
from o2s_config.diff import diff
from o2s_config.plan import build_plan
from o2s_config.render.json import render_json
from o2s_config.render.markdown import render_markdown
from o2s_config.render.text import render_text
from o2s_config.validate import validate_file
from tests.engine.conftest import Tenant
from tests.engine.factories import org, user

CATALOG = load_catalog()
COUNT = re.compile(r"\(esignature\) covers (\d+) active user")


def counts(desired: dict, current: dict) -> dict[str, tuple[int, int]]:
    return {c.option.key: (c.before, c.after) for c in PlanCoverage.of(org(**desired), org(**current)).counts()}


def test_the_one_list_is_the_guides_abonnement_page() -> None:
    facts = (Path(__file__).parents[1] / "data" / "guide" / "guide-facts.yaml").read_text(encoding="utf-8")
    for option in BILLED:
        assert f"  - {option.label}\n" in facts, option.label
    # the one default the guide states is e-signature's; the others are marked as our reading
    assert [o.key for o in BILLED if not o.default_assumed] == ["esignature"]


def test_a_default_bills_a_new_user_but_the_tenants_value_stays_for_an_existing_one() -> None:
    current = {"users": {"old": user(login="old", esignature=False)}}
    desired = {"users": {"old": user(login="old"), "new": user(login="new")}}
    assert coverage_after(org(**desired), org(**current))["esignature"] == ("new",)
    assert counts(desired, current)["esignature"] == (0, 1)


def test_the_files_value_wins_then_the_tenants_then_the_default_for_options_and_for_active() -> None:
    current = {
        "users": {
            "asleep": user(login="asleep", active=False, esignature=True),
            "woken": user(login="woken", active=False, esignature=True),
            "stopped": user(login="stopped", active=True, esignature=True),
            "nested": user(login="nested", options={"patritheque": True}),
        }
    }
    desired = {
        "users": {
            "asleep": user(login="asleep"),  # leaves active out: the tenant's inactive stays, nothing billed
            "woken": user(login="woken", active=True),  # the file's active over the tenant's
            "stopped": user(login="stopped", active=False),
            "nested": user(login="nested", options={"moneypitch": True}),  # patritheque left out: the tenant's
        }
    }
    after = coverage_after(org(**desired), org(**current))
    assert after["esignature"] == ("woken", "nested")  # nested: O2S's default, on
    assert after["options.patritheque"] == ("nested",)
    assert after["options.moneypitch"] == ("nested",)
    assert after["options.o2s_access"] == ("woken", "nested")


def test_users_the_file_does_not_list_keep_their_options_unless_pruned() -> None:
    current = {"users": {"kept": user(login="kept", esignature=True), "gone": user(login="gone", esignature=True)}}
    desired = {"users": {"kept": user(login="kept")}}
    assert counts(desired, current)["esignature"] == (2, 2)
    assert counts({**desired, "prune": {"users": True}}, current)["esignature"] == (2, 1)
    # a plan that bills nobody new warns of nothing: the summary still counts
    assert PlanCoverage.of(org(**desired), org(**current)).warnings() == []
    # once it bills someone new, the warning names only the file's users (not "gone")
    desired = {"users": {"kept": user(login="kept"), "new": user(login="new")}}
    assert PlanCoverage.of(org(**desired), org(**current)).warnings() == [
        "billed option « utiliser la signature électronique » (esignature) covers 2 active user(s) of this file "
        "once applied: kept, new (on by default: write 'esignature: false' where it is not wanted)"
    ]


def test_every_format_shows_each_billed_options_users_now_and_once_applied() -> None:
    desired = org(users={"a": user(login="a", options={"patritheque": True}), "b": user(login="b", active=False)})
    plan = build_plan(desired, org(), CATALOG, "sandbox:t.db")
    text = render_text(plan, CATALOG)
    assert "« disposer d’un accès à la Patrithèque » 1 (now 0)" in text
    assert "« utiliser la signature électronique » 1 (now 0)" in text
    assert "« accéder à des modules de e-learning » 0;" in text
    markdown = render_markdown(plan, CATALOG)
    assert "| disposer d’un accès à la Patrithèque (`options.patritheque`) | 0 | 1 |" in markdown
    billed = {b["option"]: b for b in json.loads(render_json(plan))["billed"]}
    assert billed["options.patritheque"] == {
        "option": "options.patritheque",
        "label": "disposer d’un accès à la Patrithèque",
        "before": 0,
        "after": 1,
    }
    assert [b["option"] for b in json.loads(render_json(plan))["billed"]] == [o.key for o in BILLED]


def test_validate_and_plan_warn_about_the_examples_e_signature_users_with_the_same_count(
    server: Tenant, example: Path
) -> None:
    # the example declares e-signature intended; without that declaration both must warn alike
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("  billed_options: [esignature]", "  billed_options: []"), encoding="utf-8")
    validated = CliRunner().invoke(main, ["validate", str(example)])
    assert validated.exit_code == 0, validated.stderr
    (in_validate,) = COUNT.findall(validated.stderr)
    planned = server.cli("plan", str(example), "--format", "json")
    document = json.loads(planned.stdout)
    (in_plan,) = (m for w in document["warnings"] for m in COUNT.findall(w))
    # counted from the file itself: active users whose e-signature is not switched off (O2S's default is on)
    raw = YAML(typ="safe").load(example.read_text(encoding="utf-8"))["users"]
    expected = [u for u, fields in raw.items() if fields.get("esignature") is not False and fields.get("active", True)]
    assert in_validate == in_plan == str(len(expected)) == "9"
    # the summary counts the whole tenant: the sandbox's own administrator has it too
    billed = {b["option"]: b for b in document["billed"]}
    assert (billed["esignature"]["before"], billed["esignature"]["after"]) == (1, len(expected) + 1)


def test_validate_and_plan_name_the_same_billed_options(tmp_path: Path) -> None:
    # issue: the two kept their own lists; validate said nothing of options.o2s_access while plan warned
    file = tmp_path / "org.yaml"
    file.write_text(
        "version: 1\nusers:\n  jdurand:\n    last_name: Durand\n    email: j@exemple.fr\n    structure: paris\n"
        "    options: {o2s_access: true, patritheque: true}\n    moneypitch_grant: unlimited\n",
        encoding="utf-8",
    )
    result = validate_file(file, env={})
    plan = build_plan(result.organisation, org(), CATALOG, "sandbox:t.db")

    def named(messages: list[str]) -> set[str]:
        return {key for m in messages for key in re.findall(r"\b(esignature|options\.\w+|moneypitch_grant)\b", m)}

    in_validate = named([d.message for d in result.warnings])
    assert in_validate == named(plan.warnings) == {"options.patritheque", "esignature"}


BILLED_VALUES: dict[str, list[Any]] = {
    "active": [True, False],
    "esignature": [True, False],
    "options": [{"o2s_access": True}, {"patritheque": True, "elearning": ["DDA"]}, {"moneypitch": False}],
}


@st.composite
def tenants_and_files(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A tenant's users with billed values, and a file listing most of them, often unchanged."""
    held: dict[str, Any] = {}
    for login in draw(st.lists(st.sampled_from(["u1", "u2", "u3", "u4"]), unique=True)):
        fields = {name: draw(st.sampled_from([None, *values])) for name, values in BILLED_VALUES.items()}
        held[login] = user(login=login, **{name: value for name, value in fields.items() if value is not None})
    wanted = {login: u for login, u in held.items() if draw(st.integers(0, 4))}  # most users listed
    for login in list(wanted):
        if not draw(st.integers(0, 3)):  # now and then one billed value written differently
            name = draw(st.sampled_from(list(BILLED_VALUES)))
            wanted[login] = {**wanted[login], name: draw(st.sampled_from(BILLED_VALUES[name]))}
    if draw(st.booleans()):
        wanted["new"] = user(login="new", esignature=draw(st.booleans()))
    return {"users": held}, {"users": wanted, "prune": {"users": draw(st.booleans())}}


@settings(max_examples=200, derandomize=True, deadline=None)
@given(pair=tenants_and_files())
def test_a_plan_counts_and_warns_as_the_full_count_does(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """A plan that changes no user counts the tenant once; every plan's figures are the full count's."""
    current, desired = org(**pair[0]), org(**pair[1])
    plan = build_plan(desired, current, CATALOG, "t")
    full = PlanCoverage.of(desired, diff(desired, current, CATALOG, frozenset()).seen)
    assert plan.billed == full.counts()
    assert [w for w in plan.warnings if w.startswith("billed option")] == full.warnings()
