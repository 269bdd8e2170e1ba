"""Control characters in values are shown, never obeyed: a login with ANSI escapes cannot display as ``admin``.

One escaping function (``render.escape``) serves every renderer and every line the CLI prints.
"""

from __future__ import annotations

import json
import re

import pytest

from o2s_config.catalog import load_catalog
from o2s_config.changes import Change, FieldChange
from o2s_config.kinds import EXTRANET_CODE, STRUCTURE, USER
from o2s_config.plan import Plan, build_plan
from o2s_config.render.escape import json_printable, printable, printable_lines
from o2s_config.render.json import render_json
from o2s_config.render.markdown import render_markdown
from o2s_config.render.text import render_text
from tests.engine.factories import org, user

CATALOG = load_catalog()
SPOOF = "\x1b[2K\radmin"  # erase the line, back to its start, write "admin"
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (SPOOF, "\\x1b[2K\\radmin"),
        ("evil\u202enimda", "evil\\u202enimda"),  # right-to-left override
        ("a\x9b31mb", "a\\x9b31mb"),  # the 8-bit CSI
        ("ad\u200bmin", "ad\\u200bmin"),  # zero-width space
        ("line\nbreak\ttab", "line\\nbreak\\ttab"),
        ("Zoë « l'Haÿ » 𝔘𝔫𝔦 🙂", "Zoë « l'Haÿ » 𝔘𝔫𝔦 🙂"),  # ordinary text is left alone
    ],
)
def test_printable_escapes_what_a_terminal_would_obey(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_lines_keeps_its_own_line_breaks_only() -> None:
    assert printable_lines("first\nsecond\x1b[31m") == "first\nsecond\\x1b[31m"


def test_json_printable_keeps_the_same_document() -> None:
    document = json.dumps({"login": "a\x9b\u202eb", "n": ["\u2028"]}, ensure_ascii=False)
    escaped = json_printable(document)
    assert RAW_CONTROL.search(escaped) is None and "\u2028" not in escaped
    assert json.loads(escaped) == json.loads(document)


def spoofing_plan() -> Plan:
    """A second Administrateur whose login tries to pass for ``admin``, and a name hiding a bidi override."""
    desired = {
        "structures": {"paris": {"name": "Paris\u202e"}},
        "users": {
            "admin": user(login="admin", profile="Administrateur"),
            SPOOF: user(login="spoof", profile="Administrateur", first_name="\x1b]0;owned\x07Jean"),
        },
    }
    return build_plan(org(**desired), org(), CATALOG, "sandbox:t.db", identity="admin")


@pytest.mark.parametrize("color", [False, True])
def test_the_text_plan_shows_the_escapes(color: bool) -> None:
    text = render_text(spoofing_plan(), CATALOG, color=color)
    assert "\\x1b[2K\\radmin" in text and "Paris\\u202e" in text
    assert "\\u001b]0;owned\\u0007Jean" in text  # values are JSON text: JSON's escapes
    assert "\r" not in text and "\x07" not in text and "\u202e" not in text
    # with colour on, the only escapes left are the renderer's own styles
    assert re.findall(r"\x1b(?!\[[0-9;]*m)", text) == []


def test_markdown_and_json_plans_hold_no_raw_control_character() -> None:
    plan = spoofing_plan()
    markdown = render_markdown(plan, CATALOG)
    assert RAW_CONTROL.search(markdown) is None and "x1b" in markdown
    document = render_json(plan)
    assert RAW_CONTROL.search(document) is None
    keys = {change["key"] for change in json.loads(document)["changes"]}
    assert SPOOF in keys  # JSON's own escapes: the data is unchanged


def test_list_items_headlines_and_removals_are_escaped_too() -> None:
    """What the register of kinds added to the renderers (list items, kind headlines, the removals line)."""
    hidden, csi = "evil\u202enimda", "a\x9b31m"
    items = (FieldChange("phones", None, hidden, op="add"), FieldChange("phones", csi, None, op="remove"))
    changes = [
        Change("update", USER.name, "jdupont", fields=items),
        Change("create", EXTRANET_CODE.name, EXTRANET_CODE.key_of("prov\u202e", "c\x1b[2K"), fields=()),
        Change("delete", STRUCTURE.name, f"old{SPOOF}"),
    ]
    plan = Plan("sandbox:t.db", changes)
    text = render_text(plan, CATALOG)
    markdown = render_markdown(plan, CATALOG)
    for shown in (text, markdown):
        assert RAW_CONTROL.search(shown) is None
    assert "+ " in text and "evil\\u202enimda" in text and "a\\x9b31m" in text
    assert "c\\x1b[2K (prov\\u202e)" in text
    assert f"Removes (deletes or deactivates): structure old{printable(SPOOF)}" in text
