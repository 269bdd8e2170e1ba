"""The loader: YAML -> positioned data, ``${env:VAR}``, YAML 1.2 scalars, ``extends:`` and the limits."""

from __future__ import annotations

import math
import time
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, SecretStr

from o2s_config.cli import main
from o2s_config.errors import InvalidFileError
from o2s_config.kinds import REGISTER
from o2s_config.loader import LoadedFile, load_file
from o2s_config.model import Organisation
from o2s_config.positioned import Loc, PosDict, SecretText, WrittenFloat, WrittenInt, locate
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
    loaded = load("version: 1\npassword: ${env:O2S_PW}\n", env={"O2S_PW": "s3cret"})
    assert loaded.data["password"] == "s3cret"
    assert isinstance(loaded.data["password"], SecretText)
    assert loaded.secrets == {"s3cret"}
    assert loaded.env_references == 1


@pytest.mark.parametrize(
    "written",
    [
        "smtp://${env:O2S_USER}@mail.example.fr",
        "clear${env:O2S_EMPTY}",
        "${env:O2S_USER}${env:O2S_PW}",
        "${env:O2S_PW} ",
    ],
)
def test_text_around_an_env_reference_is_an_error(written: str) -> None:
    # a clear-text password with an empty variable appended used to pass as a secret
    write("org.yaml", f"version: 1\npassword: '{written}'\n")
    assert errors_of("org.yaml", env={"O2S_USER": "bob", "O2S_PW": "s3cret", "O2S_EMPTY": ""}) == [
        "org.yaml:2:11: a ${env:VAR} reference must be the whole value, e.g. 'password: ${env:O2S_SMTP_PASSWORD}' "
        "(text around a secret would be written with it)"
    ]


def test_an_empty_variable_is_an_error() -> None:
    write("org.yaml", "version: 1\npassword: ${env:O2S_EMPTY}\n")
    assert errors_of("org.yaml", env={"O2S_EMPTY": ""}) == ["org.yaml:2:11: environment variable 'O2S_EMPTY' is empty"]


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
    write("org.yaml", "version: 1\na: ${env:O2S_A}\nb: ['${env:O2S_B}']\nc: ${env:O2S_C}\n")
    assert errors_of("org.yaml") == [
        "org.yaml:2:4: environment variable 'O2S_A' is not set",
        "org.yaml:3:5: environment variable 'O2S_B' is not set",
        "org.yaml:4:4: environment variable 'O2S_C' is not set",
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
    # only a password may come from the environment: both are refused where they are written
    assert err.splitlines() == [
        "org.yaml:5:32: profiles.P.rights.agenda.view_calendars: ${env:...} may only give a secret (a password); "
        "write this value in the file",
        "org.yaml:8:41: services.email_server.smtp.port: ${env:...} may only give a secret (a password); "
        "write this value in the file",
        "2 error(s): the file is not valid",
    ]


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


def _secret_paths(annotation: Any, path: str) -> Iterator[str]:
    """Every place under ``annotation`` the model types SecretStr; a collection member is ``*``."""
    if annotation is SecretStr:
        yield path
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            yield from _secret_paths(info.annotation, f"{path}.{info.alias or name}".lstrip("."))
    elif typing.get_origin(annotation) in (dict, list):
        yield from _secret_paths(typing.get_args(annotation)[-1], f"{path}.*")
    else:
        for arg in typing.get_args(annotation):
            yield from _secret_paths(arg, path)


def test_the_fields_taking_env_values_are_the_fields_the_register_masks() -> None:
    # ${env:} is allowed where the model types SecretStr; plans mask what the register declares
    # sensitive: a secret field missing from either list would leak or be refused
    declared = {
        f"{kind.section}{'' if kind.singleton else '.*'}.{field}" for kind in REGISTER for field in kind.sensitive
    }
    assert set(_secret_paths(Organisation, "")) == declared
    assert declared  # the mail-server passwords, at least


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
    # a number written otherwise than Python prints it is a subclass that keeps the text (below)
    assert type(loaded.data["x"]) is type(value) or (
        type(loaded.data["x"]) in (WrittenInt, WrittenFloat) and isinstance(loaded.data["x"], type(value))
    )


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("+33142000000", 33142000000),
        ("1.10", 1.1),
        ("1e5", 100000.0),
        ("0x1F", 31),
        ("0o17", 15),
        ("+1", 1),
        (".inf", math.inf),
        ("-.inf", -math.inf),
    ],
)
def test_a_number_keeps_the_text_it_was_written_with(written: str, value: object) -> None:
    loaded = load(f"version: 1\nx: {written}\n")
    assert loaded.data["x"] == value
    assert str(loaded.data["x"]) == written


@pytest.mark.parametrize("written", ["12", "-3", "1.5", "0.25"])
def test_a_number_written_as_python_prints_it_is_a_plain_number(written: str) -> None:
    assert type(load(f"version: 1\nx: {written}\n").data["x"]) in (int, float)


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


def test_three_thousand_nested_block_lists_fail_fast() -> None:
    # 3,000 levels (4.5 MB of indentation): 10,000 would be 50 MB, beyond the file size limit
    write("deep.yaml", "version: 1\nx:\n" + "".join(" " * i + "-\n" for i in range(3_000)))
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
    assert Limits() == Limits(
        max_depth=64,
        max_alias_nodes=100_000,
        max_bytes=32 * 1024 * 1024,
        max_events=4_000_000,
        max_collections=500_000,
        max_seconds=60.0,
        max_extends=10,
    )


def test_the_limits_apply_to_base_files_too() -> None:
    write("base.yaml", "version: 1\nx: " + "[" * 100 + "]" * 100 + "\n")
    write("org.yaml", "version: 1\nextends: base.yaml\n")
    assert errors_of("org.yaml") == ["base.yaml:2:67: nesting deeper than 64 levels"]


def test_the_loaded_root_is_positioned() -> None:
    loaded = load("# comment\nversion: 1\n")
    assert isinstance(loaded.data, PosDict)
    assert loaded.data.loc() == Loc("org.yaml", 2, 1)


# --- YAML merge keys (<<) ---------------------------------------------------------------------

MERGED = """\
version: 1
defaults: &defaults
  structure: paris
  profile: Conseiller
  email: shared@example.fr
other: &other {profile: Manager, title: Mme}
users:
  jdurand:
    <<: *defaults
    last_name: Durand
    email: julie.durand@example.fr
  mmartin:
    email: m.martin@example.fr
    <<: [*other, *defaults]
"""


def test_a_merge_key_merges_the_mapping_it_names() -> None:
    users = load(MERGED).data["users"]
    assert users["jdurand"] == {
        "last_name": "Durand",
        "email": "julie.durand@example.fr",  # written in the mapping: wins over the merged value
        "structure": "paris",
        "profile": "Conseiller",
    }
    assert "<<" not in users["jdurand"]


def test_with_several_merged_mappings_the_first_listed_wins() -> None:
    mmartin = load(MERGED).data["users"]["mmartin"]
    assert mmartin == {"email": "m.martin@example.fr", "profile": "Manager", "title": "Mme", "structure": "paris"}


def test_merged_entries_keep_the_place_they_were_written_at() -> None:
    data = load(MERGED).data
    assert locate(data, ("users", "jdurand", "structure")) == Loc("org.yaml", 3, 14)
    assert locate(data, ("users", "jdurand", "structure"), key=True) == Loc("org.yaml", 3, 3)
    assert locate(data, ("users", "jdurand", "last_name")) == Loc("org.yaml", 10, 16)
    assert locate(data, ("users", "mmartin", "title")) == Loc("org.yaml", 6, 41)


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    assert load("version: 1\nx: {'<<': 1}\n").data["x"] == {"<<": 1}


def test_a_merge_key_must_name_mappings() -> None:
    write("org.yaml", "version: 1\na: &a [1]\nx:\n  <<: *a\ny:\n  <<: [{k: v}, 3]\n")
    assert errors_of("org.yaml") == [
        "org.yaml:4:7: '<<' (a YAML merge key) takes a mapping or a list of mappings, e.g. '<<: *defaults'",
        "org.yaml:6:7: '<<' (a YAML merge key) takes a mapping or a list of mappings, e.g. '<<: *defaults'",
    ]


def test_two_merge_keys_in_one_mapping_are_a_duplicate() -> None:
    write("org.yaml", "version: 1\na: &a {k: 1}\nx:\n  <<: *a\n  <<: *a\n")
    assert errors_of("org.yaml") == [
        "org.yaml:5:3: duplicate key '<<': merge several mappings with one list, e.g. '<<: [*a, *b]'"
    ]


def test_users_sharing_fields_through_a_merge_key_validate() -> None:
    write(
        "org.yaml",
        "version: 1\nstructures: {paris: {name: Agence Paris}}\nusers:\n"
        "  adubois: &user {last_name: Dubois, email: a.dubois@example.fr, structure: paris, "
        "profile: Administrateur, advisor: false}\n"
        "  jdurand: {<<: *user, last_name: Durand, email: j.durand@example.fr, advisor: true}\n",
    )
    code, _, err = cli("validate", "org.yaml")
    assert code == 0, err
    users = validate_file("org.yaml", env={}).organisation.users or {}
    assert (users["jdurand"].structure, users["jdurand"].profile) == ("paris", "Administrateur")
    assert (users["jdurand"].last_name, users["jdurand"].advisor) == ("Durand", True)


def test_an_error_in_a_merged_value_points_at_the_shared_mapping() -> None:
    write(
        "org.yaml",
        "version: 1\nstructures: {paris: {name: Agence Paris}}\nusers:\n"
        "  adubois: &user {last_name: Dubois, email: a.dubois@example, structure: paris, profile: Administrateur}\n"
        "  jdurand: {<<: *user, last_name: Durand}\n",
    )
    with pytest.raises(InvalidFileError) as caught:
        validate_file("org.yaml", env={})
    printed = [d.format() for d in caught.value.diagnostics]
    assert "org.yaml:4:45: users.adubois.email: 'a.dubois@example' is not a valid e-mail address" in printed
    assert "org.yaml:4:45: users.jdurand.email: 'a.dubois@example' is not a valid e-mail address" in printed


# --- what a key and a value may hold ----------------------------------------------------------


def test_a_zero_width_space_in_a_key_is_an_error_at_its_column() -> None:
    write("org.yaml", "version: 1\nusers:\n  admin\u200b1: {}\n")
    assert errors_of("org.yaml") == [
        "org.yaml:3:8: key 'admin<U+200B>1' holds an invisible character (U+200B ZERO WIDTH SPACE): "
        "two keys that look the same would differ; remove it"
    ]


def test_a_key_is_read_without_its_invisible_characters() -> None:
    write("org.yaml", "version: 1\nusers:\n  admin1: {}\n  admin\u200b1: {}\n")
    assert errors_of("org.yaml")[1:] == ["org.yaml:4:3: duplicate key 'admin1' (first given at line 3)"]


@pytest.mark.parametrize(
    ("written", "column", "name"),
    [
        ('"a\\u202eb"', 5, "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ('"a\\x07b"', 5, "U+0007"),
        ('"\\u2066ab"', 4, "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("a\u00adb", 4, "U+00AD SOFT HYPHEN"),
        ("a\ufeffb", 4, "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ],
)
def test_bidi_marks_and_controls_in_a_key_are_errors(written: str, column: int, name: str) -> None:
    write("org.yaml", f"version: 1\nusers:\n  {written}: {{}}\n")
    (error,) = errors_of("org.yaml")
    assert error.startswith(f"org.yaml:3:{column}: key '")
    assert f"holds an invisible character ({name})" in error


def test_accented_and_non_latin_keys_are_fine() -> None:
    assert list(load("version: 1\nusers:\n  hélène: {}\n  'Zoé': {}\n  Δημήτρης: {}\n").data["users"]) == [
        "hélène",
        "Zoé",
        "Δημήτρης",
    ]


def test_every_format_character_counts_as_invisible() -> None:
    import sys
    import unicodedata

    from o2s_config.keys import INVISIBLE

    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cf", "Cc", "Zl", "Zp") and not INVISIBLE.match(chr(code))
    ]
    assert missed == []


def test_a_control_character_spelt_as_an_escape_in_a_value_is_an_error() -> None:
    write("org.yaml", 'version: 1\nname: "admin\\x1b[31m"\nbody: "line 1\\nline 2\\ttab"\n')
    assert errors_of("org.yaml") == ["org.yaml:2:7: control character U+001B in a value: remove it"]


def test_control_characters_written_as_is_are_errors_at_their_place_not_a_traceback() -> None:
    write("org.yaml", "version: 1\nname: a\x01b\n# c\x7f\nx: \x85ok\n")
    code, out, err = cli("validate", "org.yaml")
    assert code == 1
    assert "Traceback" not in out + err
    assert err.splitlines() == [
        "org.yaml:2:8: control character U+0001 in the file: YAML text may not hold one",
        "org.yaml:3:4: control character U+007F in the file: YAML text may not hold one",
        "2 error(s): the file is not valid",
    ]
