"""The loader: YAML -> positioned data, ``${env:VAR}``, YAML 1.2 scalars, ``extends:`` and the limits."""

from __future__ import annotations

import math
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from o2s_config.cli import main
from o2s_config.errors import InvalidFileError
from o2s_config.loader import LoadedFile, load_file
from o2s_config.positioned import Loc, PosDict, SecretText, locate
from o2s_config.validate import validate_file
from o2s_config.yaml_compose import Limits


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test works in its own folder, so printed names are the bare file names."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load(text: str, env: dict[str, str] | None = None, limits: Limits | None = None) -> LoadedFile:
    return load_file(write("org.yaml", text), env=env or {}, limits=limits)


def errors_of(path: Path | str, env: dict[str, str] | None = None, limits: Limits | None = None) -> list[str]:
    with pytest.raises(InvalidFileError) as caught:
        load_file(path, env=env or {}, limits=limits)
    return [d.format() for d in caught.value.diagnostics]


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# --- ${env:VAR} ------------------------------------------------------------------------------


def test_env_reference_is_replaced_by_the_value_and_marked_secret() -> None:
    text = "version: 1\npassword: ${env:O2S_PW}\nurl: smtp://${env:O2S_USER}@mail.example.fr\n"
    loaded = load(text, env={"O2S_PW": "s3cret", "O2S_USER": "bob"})
    assert loaded.data["password"] == "s3cret"
    assert isinstance(loaded.data["password"], SecretText)
    assert loaded.data["url"] == "smtp://bob@mail.example.fr"
    assert isinstance(loaded.data["url"], SecretText)
    assert loaded.secrets == {"s3cret", "bob"}


def test_text_without_env_reference_is_not_secret() -> None:
    loaded = load("version: 1\nname: Agence Paris\n", env={"O2S_PW": "s3cret"})
    assert not isinstance(loaded.data["name"], SecretText)
    assert loaded.secrets == set()


def test_double_dollar_escapes_an_env_reference() -> None:
    loaded = load("version: 1\nbody: 'Write $${env:HOME} to use a variable'\n", env={"HOME": "/root"})
    assert loaded.data["body"] == "Write ${env:HOME} to use a variable"
    assert not isinstance(loaded.data["body"], SecretText)
    assert loaded.secrets == set()


def test_escape_does_not_need_the_variable_to_exist() -> None:
    loaded = load("version: 1\nbody: $${env:O2S_NOT_SET}\n")
    assert loaded.data["body"] == "${env:O2S_NOT_SET}"


def test_unset_variable_is_an_error_at_its_value() -> None:
    write("org.yaml", "version: 1\nservices:\n  password: ${env:O2S_NOT_SET}\n")
    assert errors_of("org.yaml") == ["org.yaml:3:13: environment variable 'O2S_NOT_SET' is not set"]


def test_every_unset_variable_is_reported() -> None:
    write("org.yaml", "version: 1\na: ${env:O2S_A}-${env:O2S_B}\nb: ${env:O2S_C}\n")
    assert errors_of("org.yaml") == [
        "org.yaml:2:4: environment variable 'O2S_A' is not set",
        "org.yaml:2:4: environment variable 'O2S_B' is not set",
        "org.yaml:3:4: environment variable 'O2S_C' is not set",
    ]


def test_load_file_reads_the_process_environment_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("O2S_TEST_FROM_ENVIRON", "from-environ")
    loaded = load_file(write("org.yaml", "version: 1\nx: ${env:O2S_TEST_FROM_ENVIRON}\n"))
    assert loaded.data["x"] == "from-environ"


def test_a_secret_is_never_printed_even_when_the_value_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("O2S_TEST_SMTP_PORT", "port-s3cret")
    monkeypatch.setenv("O2S_TEST_RIGHT", "right-s3cret")
    write(
        "org.yaml",
        "version: 1\n"
        "profiles:\n"
        "  P:\n"
        "    rights:\n"
        "      agenda: {view_calendars: '${env:O2S_TEST_RIGHT}'}\n"
        "services:\n"
        "  email_server:\n"
        "    smtp: {host: smtp.example.fr, port: '${env:O2S_TEST_SMTP_PORT}'}\n",
    )
    code, out, err = cli("validate", "org.yaml")
    assert code == 1
    assert "s3cret" not in out + err
    assert (
        "org.yaml:5:32: right 'agenda.view_calendars' (Voir les agendas…): expected one of own, attached, group, "
        "got '(sensitive)'" in err.splitlines()
    )


def test_a_valid_secret_password_passes_and_is_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("O2S_TEST_SMTP_PASSWORD", "hunter2-from-env")
    write(
        "org.yaml",
        "version: 1\nservices:\n  email_server:\n"
        "    smtp: {host: smtp.example.fr, port: 587, password: '${env:O2S_TEST_SMTP_PASSWORD}'}\n",
    )
    code, out, err = cli("validate", "org.yaml")
    assert code == 0, err
    assert "hunter2" not in out + err
    result = validate_file("org.yaml")
    password = result.organisation.services.email_server.smtp.password
    assert password is not None
    assert password.get_secret_value() == "hunter2-from-env"
    assert "hunter2" not in repr(result.organisation)


# --- keys and scalars -------------------------------------------------------------------------


def test_mapping_keys_stay_the_text_written() -> None:
    loaded = load("version: 1\nusers:\n  007: {}\n  yes: {}\n  true: {}\n  1e3: {}\n  null: {}\n  0x1F: {}\n")
    assert list(loaded.data["users"]) == ["007", "yes", "true", "1e3", "null", "0x1F"]


def test_login_007_is_a_user_named_007() -> None:
    write(
        "org.yaml", "version: 1\nusers:\n  007:\n    last_name: Bond\n    email: j.bond@example.fr\n    structure: x\n"
    )
    assert list(validate_file("org.yaml").organisation.users or {}) == ["007"]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("Yes", "Yes"),
        ("true", True),
        ("False", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("12", 12),
        ("-3", -3),
        ("012", "012"),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("1_000", "1_000"),
        ("2024-01-31", "2024-01-31"),
        ("'12'", "12"),
        ('"true"', "true"),
        ("!!str 12", "12"),
        ("!!int '12'", 12),
        ("!!float 1", 1.0),
        ("12:30", "12:30"),
    ],
)
def test_scalars_follow_yaml_1_2_core_schema(written: str, value: object) -> None:
    loaded = load(f"version: 1\nx: {written}\n")
    assert loaded.data["x"] == value
    assert type(loaded.data["x"]) is type(value)


def test_special_floats() -> None:
    loaded = load("version: 1\na: .inf\nb: -.inf\nc: .nan\n")
    assert loaded.data["a"] == math.inf
    assert loaded.data["b"] == -math.inf
    assert math.isnan(loaded.data["c"])


def test_a_tag_that_does_not_fit_its_value_is_an_error() -> None:
    write("org.yaml", "version: 1\nx: !!int twelve\ny: !!bool 1\n")
    assert errors_of("org.yaml") == [
        "org.yaml:2:4: unsupported YAML tag 'tag:yaml.org,2002:int' for value 'twelve'",
        "org.yaml:3:4: unsupported YAML tag 'tag:yaml.org,2002:bool' for value '1'",
    ]


def test_positions_of_keys_values_and_items() -> None:
    loaded = load("version: 1\nusers:\n  adubois:\n    email: a@b.fr\nlist:\n  - first\n  - {k: v}\n")
    data = loaded.data
    assert locate(data, ("users", "adubois"), key=True) == Loc("org.yaml", 3, 3)
    assert locate(data, ("users", "adubois", "email")) == Loc("org.yaml", 4, 12)
    assert locate(data, ("list", 0)) == Loc("org.yaml", 6, 5)
    assert locate(data, ("list", 1, "k")) == Loc("org.yaml", 7, 9)
    # a missing key: the deepest place that exists
    assert locate(data, ("users", "adubois", "phone")) == Loc("org.yaml", 4, 5)


def test_anchors_and_aliases_reuse_a_value() -> None:
    loaded = load("version: 1\nbase: &addr {city: Paris}\nother: *addr\n")
    assert loaded.data["other"] == {"city": "Paris"}


def test_duplicate_keys_are_all_reported_with_the_first_line() -> None:
    write("org.yaml", "version: 1\nusers:\n  a: {}\n  b: {}\n  a: {}\nversion: 1\n")
    assert errors_of("org.yaml") == [
        "org.yaml:5:3: duplicate key 'a' (first given at line 3)",
        "org.yaml:6:1: duplicate key 'version' (first given at line 1)",
    ]


def test_keys_written_differently_but_with_the_same_text_are_duplicates() -> None:
    write("org.yaml", "version: 1\nusers:\n  '007': {}\n  007: {}\n")
    assert errors_of("org.yaml") == ["org.yaml:4:3: duplicate key '007' (first given at line 3)"]


# --- what is not an organisation file ---------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "--- # nothing\n...\n"])
def test_empty_files_are_rejected(text: str) -> None:
    write("org.yaml", text)
    assert errors_of("org.yaml") == ["org.yaml:1:1: the file is empty: expected a mapping starting with 'version: 1'"]


def test_missing_file() -> None:
    assert errors_of("absent.yaml") == ["absent.yaml:1:1: file not found"]


def test_missing_file_through_the_cli_uses_the_default_name() -> None:
    code, out, err = cli("validate")
    assert code == 1
    assert err.splitlines()[0] == "organisation.yaml:1:1: file not found"
    assert "Traceback" not in out + err


def test_a_folder_is_not_a_file() -> None:
    Path("folder.yaml").mkdir()
    assert errors_of("folder.yaml") == ["folder.yaml:1:1: is a folder, not a file"]


def test_not_utf8() -> None:
    Path("latin1.yaml").write_bytes("version: 1\nname: Société\n".encode("latin-1"))
    assert errors_of("latin1.yaml") == ["latin1.yaml:1:1: not UTF-8 text (byte 21)"]


# --- extends: ---------------------------------------------------------------------------------

BASE = """\
version: 1
establishment:
  general:
    name: Cabinet Dubois Patrimoine
    email: contact@dubois.example.fr
  intermediation:
    activities: [CIF, COA, IOBSP]
structures:
  paris:
    name: Agence Paris
    address: {city: Paris, postal_code: "75002"}
  lyon: {name: Agence Lyon}
services:
  contact_categories: [Client, Prospect, Notaire]
"""

OVERLAY = """\
version: 1
extends: shared/base.yaml
establishment:
  general:
    name: Cabinet Dubois Lyon
  intermediation:
    activities: [IAS]
structures:
  paris:
    address: {city: Paris 2e}
  marseille: {name: Agence Marseille}
"""


@pytest.fixture
def extended() -> LoadedFile:
    write("shared/base.yaml", BASE)
    return load_file(write("lyon.yaml", OVERLAY), env={})


def test_extends_merges_mappings_key_by_key(extended: LoadedFile) -> None:
    general = extended.data["establishment"]["general"]
    assert general == {"name": "Cabinet Dubois Lyon", "email": "contact@dubois.example.fr"}
    # a mapping inside a mapping is merged too: the base's postal code stays under the overlay's city
    assert extended.data["structures"]["paris"] == {
        "name": "Agence Paris",
        "address": {"city": "Paris 2e", "postal_code": "75002"},
    }
    assert list(extended.data["structures"]) == ["paris", "lyon", "marseille"]
    assert extended.data["services"]["contact_categories"] == ["Client", "Prospect", "Notaire"]


def test_extends_replaces_lists_and_scalars_whole(extended: LoadedFile) -> None:
    assert extended.data["establishment"]["intermediation"]["activities"] == ["IAS"]
    assert extended.data["establishment"]["general"]["name"] == "Cabinet Dubois Lyon"


def test_extends_key_is_consumed_and_both_files_are_listed(extended: LoadedFile) -> None:
    assert "extends" not in extended.data
    assert [p.resolve() for p in extended.files] == [Path("lyon.yaml").resolve(), Path("shared/base.yaml").resolve()]


def test_merged_entries_point_into_the_file_they_came_from(extended: LoadedFile) -> None:
    data = extended.data
    assert locate(data, ("establishment", "general", "name")) == Loc("lyon.yaml", 5, 11)
    assert locate(data, ("establishment", "general", "email")) == Loc("shared/base.yaml", 5, 12)
    assert locate(data, ("structures", "lyon"), key=True) == Loc("shared/base.yaml", 12, 3)
    assert locate(data, ("structures", "marseille"), key=True) == Loc("lyon.yaml", 11, 3)
    assert locate(data, ("structures", "paris", "name")) == Loc("shared/base.yaml", 10, 11)
    assert locate(data, ("establishment", "intermediation", "activities", 0)) == Loc("lyon.yaml", 7, 18)
    assert locate(data, ("services", "contact_categories", 2)) == Loc("shared/base.yaml", 14, 42)


def test_errors_after_a_merge_are_reported_in_the_right_file() -> None:
    write("shared/base.yaml", BASE)
    write(
        "lyon.yaml",
        OVERLAY.replace("  marseille: {name: Agence Marseille}\n", "  marseille: {nmae: Agence Marseille}\n")
        + "users:\n  adubois:\n    last_name: Dubois\n    email: adubois@example\n    structure: lyon\n",
    )
    with pytest.raises(InvalidFileError) as caught:
        validate_file("lyon.yaml", env={})
    assert [d.format() for d in caught.value.diagnostics] == [
        "lyon.yaml:11:3: missing required key 'name' in structures.marseille",
        "lyon.yaml:11:15: unknown key 'nmae' in structures.marseille (did you mean 'name'?)",
        "lyon.yaml:15:12: users.adubois.email: 'adubois@example' is not a valid e-mail address",
    ]


def test_an_error_in_a_value_kept_from_the_base_points_at_the_base() -> None:
    write("shared/base.yaml", BASE.replace("contact@dubois.example.fr", "contact-at-dubois"))
    write("lyon.yaml", OVERLAY)
    with pytest.raises(InvalidFileError) as caught:
        validate_file("lyon.yaml", env={})
    assert [d.format() for d in caught.value.diagnostics] == [
        "shared/base.yaml:5:12: establishment.general.email: 'contact-at-dubois' is not a valid e-mail address"
    ]


def test_extends_chains_across_three_files() -> None:
    write("a.yaml", "version: 1\nstructures:\n  paris: {name: A}\n  lyon: {name: A}\n  nice: {name: A}\n")
    write("b.yaml", "version: 1\nextends: a.yaml\nstructures:\n  lyon: {name: B}\n  nice: {name: B}\n")
    loaded = load_file(write("c.yaml", "version: 1\nextends: b.yaml\nstructures:\n  nice: {name: C}\n"), env={})
    structures = loaded.data["structures"]
    assert {code: s["name"] for code, s in structures.items()} == {"paris": "A", "lyon": "B", "nice": "C"}
    assert locate(loaded.data, ("structures", "paris", "name")).file == "a.yaml"
    assert locate(loaded.data, ("structures", "lyon", "name")).file == "b.yaml"
    assert locate(loaded.data, ("structures", "nice", "name")).file == "c.yaml"


def test_extends_secrets_of_the_base_are_kept() -> None:
    write("base.yaml", "version: 1\nservices:\n  email_server:\n    smtp: {host: h, port: 25, password: '${env:PW}'}\n")
    loaded = load_file(write("org.yaml", "version: 1\nextends: base.yaml\n"), env={"PW": "from-base"})
    assert loaded.secrets == {"from-base"}
    assert isinstance(loaded.data["services"]["email_server"]["smtp"]["password"], SecretText)


def test_extends_a_file_extending_itself() -> None:
    write("org.yaml", "version: 1\nextends: ./org.yaml\n")
    assert errors_of("org.yaml") == ["org.yaml:2:10: 'extends' makes a loop: org.yaml -> org.yaml"]


def test_errors_of_the_base_and_of_the_file_are_reported_together() -> None:
    write("base.yaml", "version: 1\nusers:\n  a: {}\n  a: {}\n")
    write("org.yaml", "version: 1\nextends: base.yaml\nx: ${env:O2S_NOT_SET}\n")
    assert errors_of("org.yaml") == [
        "org.yaml:3:4: environment variable 'O2S_NOT_SET' is not set",
        "base.yaml:4:3: duplicate key 'a' (first given at line 3)",
    ]


# --- limits -----------------------------------------------------------------------------------


def assert_fast_clean_failure(name: str, expected: str, budget_s: float = 1.0) -> None:
    """Through the CLI: exit 1, the one expected line, no traceback, within the budget."""
    start = time.perf_counter()
    code, out, err = cli("validate", name)
    elapsed = time.perf_counter() - start
    assert code == 1
    assert "Traceback" not in out + err
    assert err.splitlines() == [expected, "1 error(s): the file is not valid"]
    assert elapsed < budget_s, f"took {elapsed:.2f} s"


def test_ten_thousand_nested_flow_lists_fail_fast() -> None:
    write("deep.yaml", "version: 1\nx: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert_fast_clean_failure("deep.yaml", "deep.yaml:2:67: nesting deeper than 64 levels")


def test_ten_thousand_nested_block_lists_fail_fast() -> None:
    write("deep.yaml", "version: 1\nx:\n" + "".join(" " * i + "-\n" for i in range(10_000)))
    assert_fast_clean_failure("deep.yaml", "deep.yaml:66:64: nesting deeper than 64 levels")


def test_ten_thousand_nested_mappings_fail_fast() -> None:
    write("deep.yaml", "{a: " * 10_000 + "x" + "}" * 10_000 + "\n")
    assert_fast_clean_failure("deep.yaml", "deep.yaml:1:257: nesting deeper than 64 levels")


def test_nesting_limit_boundary() -> None:
    # the top-level mapping plus 63 lists: 64 levels, accepted
    assert load("version: 1\nx: " + "[" * 63 + "]" * 63 + "\n").data["version"] == 1
    write("org.yaml", "version: 1\nx: " + "[" * 64 + "]" * 64 + "\n")
    assert errors_of("org.yaml") == ["org.yaml:2:67: nesting deeper than 64 levels"]


def test_a_billion_laughs_fails_fast() -> None:
    lines = ["version: 1", "a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    write("bomb.yaml", "\n".join(lines) + "\n")
    # a4 would hold 10^5 strings: the limit is crossed at its eighth alias (column 10 + 7 * 5)
    assert_fast_clean_failure("bomb.yaml", "bomb.yaml:6:45: aliases expand to more than 100000 nodes (alias bomb?)")


def test_alias_limit_counts_the_nodes_each_alias_adds() -> None:
    limits = Limits(max_alias_nodes=10)
    text = "version: 1\na: &a [1, 2, 3]\nb: [*a, *a]\n"  # each alias adds 4 nodes: 8
    assert load(text, limits=limits).data["b"] == [[1, 2, 3], [1, 2, 3]]
    write("org.yaml", text + "c: [*a]\n")  # 12
    assert errors_of("org.yaml", limits=limits) == ["org.yaml:4:5: aliases expand to more than 10 nodes (alias bomb?)"]


def test_file_size_limit() -> None:
    write("big.yaml", "version: 1\n" + "# padding\n" * 20)
    assert errors_of("big.yaml", limits=Limits(max_bytes=100)) == [
        "big.yaml:1:1: file is 211 bytes, more than the 100 allowed"
    ]


def test_default_limits() -> None:
    assert Limits() == Limits(max_depth=64, max_alias_nodes=100_000, max_bytes=64 * 1024 * 1024)


def test_the_limits_apply_to_base_files_too() -> None:
    write("base.yaml", "version: 1\nx: " + "[" * 100 + "]" * 100 + "\n")
    write("org.yaml", "version: 1\nextends: base.yaml\n")
    assert errors_of("org.yaml") == ["base.yaml:2:67: nesting deeper than 64 levels"]


def test_the_loaded_root_is_positioned() -> None:
    loaded = load("# comment\nversion: 1\n")
    assert isinstance(loaded.data, PosDict)
    assert loaded.data.loc() == Loc("org.yaml", 2, 1)
