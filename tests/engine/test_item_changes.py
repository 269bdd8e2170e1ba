"""A list that gains one item shows that item, not the whole list, in text, markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from o2s_config.catalog import load_catalog
from o2s_config.plan import build_plan
from o2s_config.render.json import render_json
from o2s_config.render.markdown import render_markdown
from o2s_config.render.text import render_text
from tests.engine.conftest import Tenant
from tests.engine.factories import CONSEILLER, org, user

CATALOG = load_catalog()
TEAM = ["jdurand", "mmartin", "pbernard", "crobert", "nrichard", "idupont", "tlefebvre", "lpetit", "egarnier"]


def test_one_activity_and_one_advisor_show_as_items_in_every_format(tenant: Tenant, example: Path) -> None:
    applied = tenant.cli("apply", str(example), "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    text = example.read_text(encoding="utf-8")
    text = text.replace("activities: [CIF, COA, MIA, IOBSP]", "activities: [CIF, COA, MIA, IOBSP, IAS]")
    text = text.replace("    - arousseau\n", "    - arousseau\n    - sblanc\n")
    example.write_text(text, encoding="utf-8")

    shown = {form: tenant.cli("plan", str(example), "--format", form).stdout for form in ("text", "markdown", "json")}
    assert 'intermediation.activities: + "IAS"' in shown["text"]
    assert "+ hierarchy sblanc (joins the team of adubois)" in shown["text"]
    assert '| intermediation.activities |  | + "IAS" |' in shown["markdown"]
    assert "sblanc (joins the team of adubois)" in shown["markdown"]
    changes = {c["id"]: c for c in json.loads(shown["json"])["changes"]}
    assert set(changes) == {"establishment:establishment", "hierarchy:sblanc"}
    assert changes["establishment:establishment"]["fields"] == [
        {"path": "intermediation.activities", "label": None, "op": "add", "before": None, "after": "IAS"}
    ]
    assert changes["hierarchy:sblanc"]["fields"][0] == {
        "path": "manager",
        "label": None,
        "op": "set",
        "before": None,
        "after": "adubois",
    }
    # everything but the Access changes section, which rightly names the team members who now see sblanc
    text_head, text_access = shown["text"].split("\nAccess changes:")
    markdown_head, markdown_access = shown["markdown"].split("### Access changes")
    document = json.loads(shown["json"])
    access = document.pop("access_changes")
    changes_only = {
        "text": text_head + text_access[text_access.index("\nPlan: ") :],
        "markdown": markdown_head + markdown_access[markdown_access.index("\n###") :],
        "json": json.dumps(document, ensure_ascii=False),
    }
    assert "lpetit" in text_access and "lpetit" in markdown_access and access["users"]
    for form, output in changes_only.items():
        assert "COA" not in output and "MIA" not in output, f"{form} repeats the whole list"
        assert not any(login in output for login in TEAM), f"{form} repeats the whole team"


def test_a_list_losing_an_item_shows_the_item_removed() -> None:
    base = {"structures": {"paris": {"name": "Paris"}}, "profiles": {"Conseiller": CONSEILLER}}
    held = {**base, "users": {"a": user(login="a", options={"elearning": ["AMF", "DDA", "LCB-FT"]})}}
    wanted = {**base, "users": {"a": user(login="a", options={"elearning": ["AMF", "LCB-FT"]})}}
    plan = build_plan(org(**wanted), org(**held), CATALOG, "t")
    (change,) = plan.changes
    assert [(f.path, f.op, f.before, f.after) for f in change.fields] == [("options.elearning", "remove", "DDA", None)]
    assert 'options.elearning: - "DDA"' in render_text(plan, CATALOG)
    assert '| options.elearning | - "DDA" |  |' in render_markdown(plan, CATALOG)
    assert "AMF" not in render_json(plan)


def test_a_resource_without_a_difference_never_reaches_deepdiff(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[object] = []
    monkeypatch.setattr("o2s_config.diff.differences", lambda *args: calls.append(args) or [])
    state = org(structures={"paris": {"name": "Paris"}}, users={"a": user(login="a")})
    assert build_plan(state, state, CATALOG, "t").changes == [] and calls == []
