"""The rights catalogue against O2S's set-up guide: what the guide names is exact, the rest is marked assumed.

The guide's facts come from ``tests/data/guide/guide-facts.yaml`` (labels byte for byte, with
their typography). When the article is at hand (``shared/seed/*.txt`` beside the repository or
one of its parents, or ``O2S_SEED_GUIDE``), the fixture itself is checked against it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from o2s_config.catalog import load_catalog
from o2s_config.cli import main
from o2s_config.model.services import SERVICE_PATHS

FACTS_FILE = Path(__file__).parent / "data" / "guide" / "guide-facts.yaml"
FACTS: dict[str, Any] = YAML(typ="safe", pure=True).load(FACTS_FILE.read_text(encoding="utf-8"))
CATALOG = load_catalog()
NBSP = "\u00a0"


def named_rights() -> dict[str, set[str]]:
    return {tab: set(labels) for tab, labels in FACTS["rights"].items()}


def test_every_tab_label_is_the_guides() -> None:
    assert [tab.label for tab in CATALOG.tabs.values()] == FACTS["tabs"]


def test_rights_the_guide_names_are_exact_and_not_assumed() -> None:
    named = named_rights()
    for tab in CATALOG.tabs.values():
        for right in tab.rights.values():
            if right.label in named.get(tab.label, set()):
                assert not right.assumption, f"{right.key} is named by the guide: not an assumption"
    # and every right the guide names is in the catalogue, byte for byte, in its tab
    for tab_label, labels in named.items():
        tab = next(t for t in CATALOG.tabs.values() if t.label == tab_label)
        assert labels <= {r.label for r in tab.rights.values()}, labels - {r.label for r in tab.rights.values()}


def test_rights_the_guide_does_not_name_are_marked_assumed() -> None:
    named = named_rights()
    unnamed = [r for t in CATALOG.tabs.values() for r in t.rights.values() if r.label not in named.get(t.label, set())]
    assert [r.key for r in unnamed if not r.assumption] == []
    # the count: the two Administration screens, the agenda-modify box, two configuration rights,
    # the seven Services tabs, three contact scopes and the five Requêtes options
    assert len(unnamed) == 20


def test_every_services_page_is_one_the_guide_names() -> None:
    # a page is the guide's path to a setting, or the part of it leading to several (« Alertes »)
    guide = FACTS["services_paths"]
    for section, page in SERVICE_PATHS.items():
        assert any(path == page or path.startswith(f"{page} > ") for path in guide), (section, page)


def test_choices_the_guide_names_are_exact_and_the_others_assumed() -> None:
    named: dict[str, list[str]] = FACTS["choices"]
    for right in CATALOG.all_rights():
        if right.kind != "scope":
            continue
        for value, label in right.choices.items():
            assert (value in right.assumed_choices) == (label not in named.get(right.label, [])), (right.key, value)
    for line, labels in named.items():
        right = next(r for r in CATALOG.all_rights() if r.label == line)
        assert set(labels) <= set(right.choices.values())


def test_what_appliquer_tous_les_droits_puts_in_each_drop_down_is_marked_a_guess() -> None:
    for right in CATALOG.all_rights():
        if right.kind == "scope":
            assert right.all_assumption, right.key
            assert right.all_value in right.choices
        else:
            assert right.all_value is True and not right.all_assumption


def test_the_administrateur_holds_the_widest_choice_of_every_drop_down() -> None:
    rights = CATALOG.administrator()
    for right in CATALOG.all_rights():
        held = rights[right.tab][right.id]
        if right.kind == "flag":
            assert held is True
        else:
            # choices are listed narrowest first
            assert held == list(right.choices)[-1]
    assert rights["agenda"]["view_calendars"] == "group"


def test_rules_the_guide_does_not_state_are_marked_assumed() -> None:
    by_id = {c.id: c for c in CATALOG.constraints}
    assert not by_id["modify_calendars_needs_wider_view"].assumption  # the Back-office recipe states it
    assert by_id["services_needs_a_tab"].assumption
    assert by_id["services_needs_a_tab"].marked_message.endswith(" [assumed]")
    assert len(FACTS["rules"]) == sum(1 for c in CATALOG.constraints if not c.assumption)


# --- typography ---------------------------------------------------------------------------------


def all_labels() -> list[str]:
    labels = [tab.label for tab in CATALOG.tabs.values()]
    for right in CATALOG.all_rights():
        labels += [right.label, *right.choices.values()]
    return labels


def test_labels_use_the_screens_apostrophe_and_non_breaking_spaces_inside_guillemets() -> None:
    for label in all_labels():
        assert "'" not in label, label
        assert not re.search(r"« |\s»", label.replace(f"«{NBSP}", "").replace(f"{NBSP}»", "")), label
        for opening in re.finditer("«", label):
            assert label[opening.end()] == NBSP, label
        for closing in re.finditer("»", label):
            assert label[closing.start() - 1] == NBSP, label


def test_labels_the_guide_names_are_byte_identical() -> None:
    catalogue = set(all_labels())
    for labels in FACTS["rights"].values():
        for label in labels:
            assert label in catalogue, label
            assert label.encode() in {c.encode() for c in catalogue}


# --- where labels are printed -------------------------------------------------------------------


def test_the_rights_command_marks_every_assumption() -> None:
    out = CliRunner().invoke(main, ["rights"]).stdout
    assert "configuration.advisor_statuses" in out
    line = next(x for x in out.splitlines() if "configuration.advisor_statuses" in x)
    assert "Gestion des statuts des conseillers [assumed]" in line
    line = next(x for x in out.splitlines() if "administration.import_contacts" in x)
    assert "[assumed]" not in line
    # a choice the guide does not name, and the drop-down value of "Appliquer tous les droits"
    assert "own: Mes clients [assumed] (Appliquer tous les droits [assumed])" in out
    assert "group: Mes clients et ceux du groupe\n" in out


# --- the fixture against the article itself (when it is at hand) ----------------------------------


def guide_path() -> Path | None:
    """The article: ``O2S_SEED_GUIDE``, else the ``shared/seed/*.txt`` next to the repository or an ancestor."""
    named = os.environ.get("O2S_SEED_GUIDE")
    if named:
        return Path(named) if Path(named).is_file() else None
    for folder in Path(__file__).resolve().parents:
        found = sorted((folder / "shared" / "seed").glob("*.txt"))
        if found:
            return found[0]
    return None


def guide_text() -> str:
    path = guide_path()
    if path is None:
        pytest.skip("the set-up guide's text is not at hand (shared/seed/*.txt, or set O2S_SEED_GUIDE)")
    return path.read_text(encoding="utf-8")


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for inner in value.values() for s in strings(inner)]
    if isinstance(value, list):
        return [s for inner in value for s in strings(inner)]
    return [value] if isinstance(value, str) else []


def test_the_fixtures_labels_are_in_the_guide_byte_for_byte() -> None:
    import hashlib

    text = guide_text()
    assert hashlib.sha256(text.encode()).hexdigest() == FACTS["source"]["sha256"]
    for key in ("tabs", "rights", "choices", "recipes", "user_fields", "user_actions", "billed_options"):
        for label in strings(FACTS[key]):
            assert label in text, (key, label)
    flat = " ".join(text.replace(NBSP, " ").split())
    for key in ("services_paths", "administration_paths"):
        for path in FACTS[key]:
            assert path in flat, (key, path)
    for row in FACTS["table"]["blank_cells"]:
        assert row in flat, row


def test_every_catalogue_label_not_marked_assumed_is_in_the_guide_byte_for_byte() -> None:
    text = guide_text()
    for tab in CATALOG.tabs.values():
        assert tab.label in text, tab.label
    for right in CATALOG.all_rights():
        assert right.assumption or right.label in text, right.key
        for value, label in right.choices.items():
            assert value in right.assumed_choices or label in text, (right.key, value)


def test_the_fixtures_blank_cell_counts_are_the_guides() -> None:
    # each blank cell of the table's rows is printed as a non-breaking space and a space
    lines = guide_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Fonctionnalité"))
    rows = " ".join(lines[start + 1 : start + 13]).split("\n")[0]
    for row, blanks in FACTS["table"]["blank_cells"].items():
        found = rows.index(row) + len(row)
        cells = re.match(f"(?: ?{NBSP} ?)*", rows[found:])
        assert cells is not None and cells.group(0).count(NBSP) == blanks, row


def test_the_labels_printed_outside_the_catalogue_are_the_guides_too() -> None:
    from o2s_config.backends.actions import RESET_LABEL
    from o2s_config.billing import BILLED

    assert RESET_LABEL in FACTS["user_actions"]
    assert [option.label for option in BILLED] == FACTS["billed_options"]


def test_a_profiles_rights_are_shown_with_their_assumptions(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "organisation.yaml"
    out = CliRunner().invoke(main, ["rights", "--profile", "Manager", "--file", str(example)]).stdout
    lines = out.splitlines()
    assert "  Accès aux prospects [assumed] = Mes prospects [assumed]  (contact.prospect_access)" in lines
    assert (
        "  Voir les agendas… = Voir mon agenda et ceux des utilisateurs qui me sont rattachés  (agenda.view_calendars)"
    ) in lines
    assert "  [ ] Accès au module «\u00a0Administration\u00a0»  (administration.module_access)" in lines
