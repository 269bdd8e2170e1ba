"""Semantic validation rules that the corpus of bad files does not show on its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from o2s_config.cli import main
from o2s_config.diagnostics import Severity
from o2s_config.errors import InvalidFileError
from o2s_config.validate import validate_file

EXAMPLE = Path(__file__).parent.parent / "examples" / "organisation.yaml"


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(text: str, name: str = "org.yaml") -> str:
    Path(name).write_text(text, encoding="utf-8")
    return name


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def user(login: str, extra: str = "") -> str:
    """A minimal user entry, with ``extra`` lines (already indented by four spaces)."""
    return f"  {login}:\n    last_name: {login}\n    email: {login}@example.fr\n    structure: paris\n{extra}"


# e-signature is billed and on by default: switched off here so that only the warning a test is about shows
ADMIN = user("vgirard", "    profile: Administrateur\n    esignature: false\n")

# A profile built from "all" that unticks only the Administration module and the subscription space:
# it still grants the Services module and "editions for others", both sensitive.
WITH_WARNING = (
    "version: 1\n"
    "profiles:\n"
    "  Conseiller:\n"
    "    from: all\n"
    "    rights:\n"
    "      administration: {module_access: false, subscription_access: false}\n"
    "users:\n" + ADMIN
)
SERVICES_WARNING = (
    "org.yaml:3:3: warning: 'Conseiller' grants sensitive rights: « Accès au module « Services » », "
    "« Gestion du paramétrage des éditions pour les autres utilisateurs »"
)


# --- warnings and --strict ---------------------------------------------------------------------


def test_warnings_do_not_fail_validate() -> None:
    code, out, err = cli("validate", write(WITH_WARNING))
    assert code == 0
    assert err.splitlines() == [SERVICES_WARNING]
    assert out == "org.yaml: valid (0 structures, 1 profiles, 1 users), 1 warning(s)\n"


def test_warnings_fail_validate_with_strict() -> None:
    code, _, err = cli("validate", "--strict", write(WITH_WARNING))
    assert code == 1
    assert err.splitlines() == [SERVICES_WARNING, "warnings are errors with --strict"]


def test_strict_passes_a_file_without_warnings() -> None:
    code, out, err = cli("validate", "--strict", write("version: 1\nusers:\n" + ADMIN))
    assert (code, err) == (0, "")
    assert out == "org.yaml: valid (0 structures, 0 profiles, 1 users), 0 warning(s)\n"


def test_errors_fail_with_or_without_strict() -> None:
    name = write("version: 1\nprofiles: {}\nusers:\n" + user("a", "    profile: Absent\n"))
    for args in (["validate", name], ["validate", "--strict", name]):
        code, out, err = cli(*args)
        assert code == 1
        assert out == ""
        assert err.splitlines() == ["org.yaml:8:14: unknown profile 'Absent'", "1 error(s): the file is not valid"]


def test_the_example_is_valid() -> None:
    code, out, err = cli("validate", str(EXAMPLE))
    assert code == 0, err
    assert all(": warning: " in line for line in err.splitlines())
    assert "valid (" in out


# --- sensitive rights --------------------------------------------------------------------------


def warnings_of(text: str) -> list[str]:
    return [d.format() for d in validate_file(write(text), env={}).warnings]


def test_sensitive_warning_names_only_effective_rights() -> None:
    # without the Administration module, "Gestion des profils" and "Gestion des utilisateurs"
    # (screens inside that module) are ticked but give nothing: they are not named
    assert warnings_of(WITH_WARNING) == [SERVICES_WARNING]


def test_a_right_without_its_module_is_not_sensitive() -> None:
    text = (
        "version: 1\nprofiles:\n  Assistant:\n    rights:\n"
        "      configuration: {editions_for_others: true}\n"
        "      administration: {manage_users: true, manage_profiles: true}\n"
    )
    assert warnings_of(text) == []


def test_a_right_with_its_module_is_sensitive() -> None:
    text = (
        "version: 1\nprofiles:\n  Assistant:\n    rights:\n"
        "      configuration: {services_access: true, services_editions_tab: true, editions_for_others: true}\n"
    )
    assert warnings_of(text) == [
        "org.yaml:3:3: warning: 'Assistant' grants sensitive rights: « Accès au module « Services » », "
        "« Gestion du paramétrage des éditions pour les autres utilisateurs »"
    ]


def test_a_profile_copied_from_administrateur_names_every_sensitive_right() -> None:
    text = "version: 1\nprofiles:\n  Direction:\n    from: Administrateur\n"
    assert warnings_of(text) == [
        "org.yaml:3:3: warning: 'Direction' grants sensitive rights: « Accès au module « Administration » », "
        "« Accès à l’espace Abonnement », « Gestion des profils [assumed] », « Gestion des utilisateurs [assumed] », "
        "« Accès au module « Services » », « Gestion du paramétrage des éditions pour les autres utilisateurs »"
    ]


def test_the_administrateur_profile_itself_gives_no_warning() -> None:
    text = "version: 1\nprofiles:\n  Administrateur: {from: all}\nusers:\n" + ADMIN
    assert warnings_of(text) == []


def test_a_custom_profile_with_sensitive_rights_is_warned_about() -> None:
    text = (
        "version: 1\nusers:\n"
        + ADMIN
        + user(
            "jdurand",
            "    esignature: false\n    custom_profile:\n      from: none\n      rights:\n"
            "        administration: {subscription_access: true}\n",
        )
    )
    assert warnings_of(text) == [
        "org.yaml:14:5: warning: the custom profile of 'jdurand' grants sensitive rights: "
        "« Accès à l’espace Abonnement »"
    ]


# --- billed options ----------------------------------------------------------------------------


def test_billed_option_warning_counts_users_and_names_the_first_five() -> None:
    users = [user(f"u{i}", "    esignature: true\n") for i in range(1, 8)]
    users.append(user("u8", "    esignature: false\n"))
    users.append(
        user("u9", "    esignature: false\n    options: {patritheque: true, elearning: [], moneypitch: false}\n")
    )
    users.append(user("u10", "    esignature: false\n    options: {patritheque: true, elearning: [Assurance vie]}\n"))
    text = "version: 1\nusers:\n" + ADMIN + "".join(users)
    # u1's esignature is on line 13; u9's options on line 54, u10's on line 60
    assert warnings_of(text) == [
        "org.yaml:13:5: warning: billed option « utiliser la signature électronique » (esignature) covers "
        "7 active user(s) of this file once applied: u1, u2, u3, u4, u5 and 2 more "
        "(on by default: write 'esignature: false' where it is not wanted)",
        "org.yaml:54:15: warning: billed option « disposer d’un accès à la Patrithèque » (options.patritheque) covers "
        "2 active user(s) of this file once applied: u9, u10",
        "org.yaml:60:34: warning: billed option « accéder à des modules de e-learning » (options.elearning) covers "
        "1 active user(s) of this file once applied: u10",
    ]


def test_a_billed_default_counts_as_it_takes_effect() -> None:
    # e-signature is on by default in O2S: a user the file leaves without it is billed for it
    # (this test said the opposite before billed defaults were counted)
    assert warnings_of("version: 1\nusers:\n" + ADMIN + user("jdurand")) == [
        "org.yaml:9:3: warning: billed option « utiliser la signature électronique » (esignature) covers "
        "1 active user(s) of this file once applied: jdurand "
        "(on by default: write 'esignature: false' where it is not wanted)"
    ]


def test_inactive_users_and_options_switched_off_are_not_billed() -> None:
    users = user("jdurand", "    active: false\n    options: {patritheque: true}\n") + user(
        "mmartin", "    esignature: false\n    options: {moneypitch: false, elearning: []}\n"
    )
    assert warnings_of("version: 1\nusers:\n" + ADMIN + users) == []


def test_o2s_access_is_counted_but_not_warned_about_alike_in_validate_and_plan() -> None:
    # the bug: validate said nothing of options.o2s_access, plan warned. One list now: both count
    # it (the subscription itself: every user who signs in) and neither warns about it.
    from o2s_config.billing import PlanCoverage, coverage_after
    from o2s_config.model import Organisation

    text = "version: 1\nusers:\n" + ADMIN + user("jdurand", "    esignature: false\n    options: {o2s_access: true}\n")
    result = validate_file(write(text), env={})
    desired, empty = result.organisation, Organisation(version=1)
    assert [d.message for d in result.warnings] == PlanCoverage.of(desired, empty).warnings() == []
    assert coverage_after(desired, empty)["options.o2s_access"] == ("vgirard", "jdurand")
    assert {c.option.key: c.after for c in PlanCoverage.of(desired, empty).counts()}["options.o2s_access"] == 2


# --- lockout -----------------------------------------------------------------------------------


def test_a_user_whose_rights_the_file_does_not_give_keeps_the_firm_open() -> None:
    text = "version: 1\nusers:\n" + user("jdurand", "    esignature: false\n")  # no profile: the tenant's stays
    assert validate_file(write(text), env={}).warnings == []


def test_a_profile_keeping_the_administration_module_keeps_the_firm_open() -> None:
    text = (
        "version: 1\nprofiles:\n  Direction:\n    from: none\n    rights:\n"
        "      administration: {module_access: true}\n"
        "users:\n" + user("vgirard", "    profile: Direction\n")
    )
    result = validate_file(write(text), env={})
    assert result.rights["Direction"]["administration"]["module_access"] is True


def test_inactive_administrators_do_not_count() -> None:
    text = "version: 1\nusers:\n" + user("vgirard", "    profile: Administrateur\n    active: false\n")
    with pytest.raises(InvalidFileError) as caught:
        validate_file(write(text), env={})
    assert [d.message for d in caught.value.diagnostics] == [
        "no active user keeps « Accès au module « Administration » »: the firm would be locked out of administration"
    ]


# --- all errors, in file order -----------------------------------------------------------------


def test_every_error_is_reported_sorted_by_line_then_warnings() -> None:
    # the hierarchy comes first in this file, the profiles last: the report follows the file,
    # not the order the checks run in; the warning (line 9) comes after every error
    text = (
        "version: 1\n"  # 1
        "hierarchy:\n"  # 2
        "  vgirard: [ghost]\n"  # 3
        "users:\n"  # 4
        "  vgirard:\n"  # 5
        "    last_name: Girard\n"  # 6
        "    email: v.girard@example.fr\n"  # 7
        "    structure: paris\n"  # 8
        "    custom_profile: {from: all}\n"  # 9
        "    esignature: true\n"  # 10
        "  jdurand:\n"  # 11
        "    last_name: Durand\n"  # 12
        "    email: V.Girard@example.fr\n"  # 13
        "    structure: paris\n"  # 14
        "    profile: Conseiler\n"  # 15
        "profiles:\n"  # 16
        "  Conseiller:\n"  # 17
        "    from: Conseiller\n"  # 18
    )
    with pytest.raises(InvalidFileError) as caught:
        validate_file(write(text), env={})
    diagnostics = caught.value.diagnostics
    assert [d.format() for d in diagnostics] == [
        "org.yaml:3:13: 'ghost' in the hierarchy is not a user of this file",
        "org.yaml:13:12: email 'V.Girard@example.fr' is already used by user 'vgirard'",
        "org.yaml:15:14: unknown profile 'Conseiler' (did you mean 'Conseiller'?)",
        "org.yaml:18:11: profiles copy each other in a loop: Conseiller -> Conseiller",
        "org.yaml:9:5: warning: the custom profile of 'vgirard' grants sensitive rights: "
        "« Accès au module « Administration » », « Accès à l’espace Abonnement », "
        "« Gestion des profils [assumed] », « Gestion des utilisateurs [assumed] », "
        "« Accès au module « Services » », « Gestion du paramétrage des éditions pour les autres utilisateurs »",
    ]
    assert [d.severity for d in diagnostics] == [Severity.ERROR] * 4 + [Severity.WARNING]
    code, _, err = cli("validate", "org.yaml")
    assert code == 1
    assert err.splitlines() == [d.format() for d in diagnostics] + ["4 error(s): the file is not valid"]


def test_an_invalid_entry_does_not_hide_the_errors_of_the_others() -> None:
    text = (
        "version: 1\nstructures:\n  paris: {name: Agence Paris}\n  lyon: {}\nusers:\n"
        + user("adubois", "    title: Autre\n")
        + user("jdurand").replace("structure: paris", "structure: nice")
    )
    with pytest.raises(InvalidFileError) as caught:
        validate_file(write(text), env={})
    assert [d.format() for d in caught.value.diagnostics] == [
        "org.yaml:4:3: missing required key 'name' in structures.lyon",
        "org.yaml:6:3: users.adubois: title 'Autre' needs 'title_other'",
        "org.yaml:14:16: unknown structure 'nice'",
    ]


def test_an_unknown_key_without_a_close_match_gets_no_suggestion() -> None:
    with pytest.raises(InvalidFileError) as caught:
        validate_file(write("version: 1\nusers:\n" + user("a", "    zzz: 1\n")), env={})
    assert [d.format() for d in caught.value.diagnostics] == ["org.yaml:7:5: unknown key 'zzz' in users.a"]


def test_a_value_from_the_environment_outside_a_secret_field_is_refused_unprinted() -> None:
    text = "version: 1\nusers:\n" + user("a").replace("a@example.fr", "${env:MAIL}")
    with pytest.raises(InvalidFileError) as caught:
        validate_file(write(text), env={"MAIL": "not-a-mail"})
    # only a password may come from the environment (this once read "'***' is not a valid e-mail address")
    assert [d.format() for d in caught.value.diagnostics] == [
        "org.yaml:5:12: users.a.email: ${env:...} may only give a secret (a password); write this value in the file"
    ]


def test_references_to_a_section_the_file_leaves_out_are_not_checked() -> None:
    # no 'profiles' nor 'structures' section: they are not managed, the tenant's own are used
    text = "version: 1\nusers:\n" + user("a", "    profile: Conseiller\n")
    assert validate_file(write(text), env={}).organisation.users["a"].profile == "Conseiller"  # type: ignore[index]


# --- numbers kept as written, limits of the fields (model/limits.py) ----------------------------

ESTABLISHMENT = """\
version: 1
establishment:
  general:
    name: {name}
    email: contact@example.fr
    phone: {phone}
    address: {{postal_code: {postal_code}}}
  legal: {{siren: {siren}, rcs: {rcs}, share_capital: {capital}}}
  intermediation: {{orias: {orias}}}
"""


def establishment(**values: str) -> str:
    defaults = {
        "name": "Cabinet",
        "phone": "+33142000000",
        "postal_code": "01000",
        "siren": "012345678",
        "rcs": "1.10",
        "capital": "1e5",
        "orias": "07001234",
    }
    return ESTABLISHMENT.format(**{**defaults, **values})


def test_numbers_keep_the_text_written_where_the_model_means_text() -> None:
    org = validate_file(write(establishment(name="1e5")), env={}).organisation
    assert org.establishment is not None
    general, legal = org.establishment.general, org.establishment.legal
    assert general.phone == "+33142000000"  # was "33142000000"
    assert general.name == "1e5"  # was "100000.0"
    assert general.address is not None and general.address.postal_code == "01000"
    assert legal is not None and (legal.siren, legal.rcs) == ("012345678", "1.10")  # rcs was "1.1"
    assert legal.share_capital == 100_000.0  # a number where the model means a number
    assert org.establishment.intermediation is not None and org.establishment.intermediation.orias == "07001234"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"capital": ".inf"}, "org.yaml:8:55: establishment.legal.share_capital: input should be a finite number"),
        ({"capital": ".nan"}, "org.yaml:8:55: establishment.legal.share_capital: input should be a finite number"),
        (
            {"capital": "1e13"},
            "org.yaml:8:55: establishment.legal.share_capital: input should be less than or equal to 1000000000000",
        ),
        (
            {"phone": "'" + "1" * 31 + "'"},
            "org.yaml:6:12: establishment.general.phone: string should have at most 30 characters",
        ),
        (
            {"postal_code": "'" + "9" * 17 + "'"},
            "org.yaml:7:28: establishment.general.address.postal_code: string should have at most 16 characters",
        ),
    ],
)
def test_values_beyond_the_limits_are_errors_at_validate(values: dict[str, str], expected: str) -> None:
    with pytest.raises(InvalidFileError) as caught:
        validate_file(write(establishment(**values)), env={})
    assert [d.format() for d in caught.value.diagnostics] == [expected]


def test_a_one_megabyte_string_is_an_error_at_validate() -> None:
    code, out, err = cli("validate", write(establishment(name="x" * 1_000_000)))
    assert code == 1
    assert err.splitlines() == [
        "org.yaml:4:11: establishment.general.name: string should have at most 255 characters",
        "1 error(s): the file is not valid",
    ]
    assert "xxxxxxxx" not in out + err  # the value is not echoed


def test_numbers_in_the_editions_settings_stay_numbers_and_are_bounded() -> None:
    text = "version: 1\nservices:\n  editions:\n    settings: {margin: +5, ratio: 1.10, label: '1.10', big: 1e10}\n"
    with pytest.raises(InvalidFileError) as caught:
        validate_file(write(text), env={})
    (error,) = [d.format() for d in caught.value.diagnostics]
    assert error.startswith("org.yaml:4:61: services.editions.settings.big: ")
    assert "less than or equal to 1000000000" in error
    settings = validate_file(write(text.replace(", big: 1e10", "")), env={}).organisation.services
    assert settings is not None and settings.editions is not None
    assert settings.editions.settings == {"margin": 5, "ratio": 1.1, "label": "1.10"}


# --- structures ----------------------------------------------------------------------------------


def test_a_user_needs_no_structure_when_the_firm_has_one() -> None:
    one = "version: 1\nstructures:\n  paris: {name: Paris}\nusers:\n" + ADMIN.replace("    structure: paris\n", "")
    assert validate_file(write(one), env={}).organisation.users["vgirard"].structure is None  # type: ignore[index]
    # nor when the file does not manage structures: the tenant decides
    validate_file(write("version: 1\nusers:\n" + ADMIN.replace("    structure: paris\n", "")), env={})


def test_a_user_needs_a_structure_when_the_firm_has_several() -> None:
    several = "version: 1\nstructures:\n  paris: {name: Paris}\n  lyon: {name: Lyon}\nusers:\n"
    with pytest.raises(InvalidFileError) as caught:
        validate_file(write(several + ADMIN.replace("    structure: paris\n", "")), env={})
    assert [d.format() for d in caught.value.diagnostics] == [
        "org.yaml:6:3: 'structure' is required: the firm has several structures (lyon, paris)"
    ]
