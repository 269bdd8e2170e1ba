"""Reading a file safely: every path it names stays in its repository, and reading is bounded.

The repository is the git work tree holding the organisation file, or its folder when there is
none. "Nothing outside is opened" is checked by recording every ``os.open`` of the run, and by
files outside whose content would give a distinctive error if they were read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from o2s_config.cli import main
from o2s_config.errors import InvalidFileError
from o2s_config.loader import load_file
from o2s_config.validate import validate_file
from o2s_config.yaml_compose import Limits

# if any of these were read, its unknown key would show in the errors
DISTINCTIVE = "version: 1\nread_from_outside_the_repository: true\n"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """Every path the run opens (the loader reads files through os.open)."""
    paths: list[Path] = []
    real_open = os.open

    def recording_open(path: os.PathLike[str] | str, flags: int, *args: int, **kwargs: int) -> int:
        paths.append(Path(path).resolve())
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    yield paths


@pytest.fixture
def firm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A firm's folder (no git work tree above it) next to a folder it must not reach."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "base.yaml").write_text(DISTINCTIVE, encoding="utf-8")
    folder = tmp_path / "firm"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def errors_of(path: Path | str, limits: Limits | None = None) -> list[str]:
    with pytest.raises(InvalidFileError) as caught:
        load_file(path, env={}, limits=limits)
    return [d.format() for d in caught.value.diagnostics]


def assert_nothing_outside(opened: list[Path], folder: Path, errors: list[str]) -> None:
    assert all(path == folder or folder in path.parents for path in opened), opened
    assert not any("read_from_outside" in line for line in errors)


# --- extends: ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("../outside/base.yaml", "'../outside/base.yaml' leads outside the organisation file's repository"),
        (
            "sub/../../outside/base.yaml",
            "'sub/../../outside/base.yaml' leads outside the organisation file's repository",
        ),
        (
            "/proc/self/environ",
            "'/proc/self/environ' is an absolute path: write it relative to the organisation file, "
            "inside its repository",
        ),
        (
            "{outside}",
            "'{outside}' is an absolute path: write it relative to the organisation file, inside its repository",
        ),
        ("link.yaml", "'link.yaml' leads outside the organisation file's repository through a symbolic link"),
        (
            "linked/base.yaml",
            "'linked/base.yaml' leads outside the organisation file's repository through a symbolic link",
        ),
    ],
)
def test_extends_outside_the_repository_is_refused_unopened(
    firm: Path, opened: list[Path], reference: str, message: str
) -> None:
    outside = str(firm.parent / "outside" / "base.yaml")
    reference, message = reference.format(outside=outside), message.format(outside=outside)
    (firm / "link.yaml").symlink_to(firm.parent / "outside" / "base.yaml")
    (firm / "linked").symlink_to(firm.parent / "outside")
    Path("org.yaml").write_text(f"version: 1\nextends: '{reference}'\n", encoding="utf-8")
    errors = errors_of("org.yaml")
    assert errors == [f"org.yaml:2:10: {message}"]
    assert_nothing_outside(opened, firm, errors)


def test_the_repository_is_the_git_work_tree_above_the_file(firm: Path, opened: list[Path]) -> None:
    (firm / ".git").write_text("gitdir: /elsewhere\n", encoding="utf-8")  # a linked work tree's .git is a file
    (firm / "common").mkdir()
    (firm / "common" / "base.yaml").write_text("version: 1\nstructures: {paris: {name: Agence Paris}}\n")
    (firm / "offices").mkdir()
    office = firm / "offices" / "lyon.yaml"
    office.write_text("version: 1\nextends: ../common/base.yaml\n", encoding="utf-8")
    assert load_file(office, env={}).data["structures"] == {"paris": {"name": "Agence Paris"}}
    office.write_text("version: 1\nextends: ../../outside/base.yaml\n", encoding="utf-8")
    errors = errors_of(office)
    assert errors == [
        "offices/lyon.yaml:2:10: '../../outside/base.yaml' leads outside the organisation file's repository"
    ]
    assert_nothing_outside(opened, firm, errors)


def test_without_a_git_work_tree_the_repository_is_the_file_folder(firm: Path) -> None:
    (firm / "common").mkdir()
    (firm / "common" / "base.yaml").write_text("version: 1\n", encoding="utf-8")
    (firm / "offices").mkdir()
    (firm / "offices" / "lyon.yaml").write_text("version: 1\nextends: ../common/base.yaml\n", encoding="utf-8")
    assert errors_of("offices/lyon.yaml") == [
        "offices/lyon.yaml:2:10: '../common/base.yaml' leads outside the organisation file's repository"
    ]


def test_a_base_file_cannot_reach_further_than_the_organisation_file(firm: Path, opened: list[Path]) -> None:
    (firm / "base.yaml").write_text("version: 1\nextends: ../outside/base.yaml\n", encoding="utf-8")
    Path("org.yaml").write_text("version: 1\nextends: base.yaml\n", encoding="utf-8")
    errors = errors_of("org.yaml")
    assert errors == ["base.yaml:2:10: '../outside/base.yaml' leads outside the organisation file's repository"]
    assert_nothing_outside(opened, firm, errors)


def test_an_organisation_file_that_is_a_link_out_of_its_repository_is_not_read(firm: Path, opened: list[Path]) -> None:
    Path("org.yaml").symlink_to(firm.parent / "outside" / "base.yaml")
    errors = errors_of("org.yaml")
    assert errors == ["org.yaml:1:1: is a symbolic link to a file outside its repository: it is not read"]
    assert_nothing_outside(opened, firm, errors)


def test_extends_cannot_come_from_the_environment(firm: Path) -> None:
    Path("org.yaml").write_text("version: 1\nextends: ${env:O2S_BASE}\n", encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        load_file("org.yaml", env={"O2S_BASE": "base.yaml"})
    assert [d.format() for d in caught.value.diagnostics] == [
        "org.yaml:2:10: 'extends' must be written in the file, not taken from the environment"
    ]


def test_an_extends_chain_is_limited_in_length(firm: Path) -> None:
    for number in range(1, 500):
        Path(f"f{number}.yaml").write_text(f"version: 1\nextends: f{number + 1}.yaml\n", encoding="utf-8")
    Path("f500.yaml").write_text("version: 1\n", encoding="utf-8")
    assert errors_of("f1.yaml") == ["f10.yaml:2:10: 'extends' chain longer than 10 files"]
    assert load_file("f491.yaml", env={}).data == {"version": 1}  # ten files: accepted


# --- file references (logos, templates, letters) ------------------------------------------------


def logo_file(reference: str) -> str:
    return f"version: 1\nservices:\n  logos:\n    application: '{reference}'\n"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("../outside/base.yaml", "'../outside/base.yaml' leads outside the organisation file's repository"),
        (
            "assets/link.png",
            "'assets/link.png' leads outside the organisation file's repository through a symbolic link",
        ),
        (
            "/etc/passwd",
            "'/etc/passwd' is an absolute path: write it relative to the organisation file, inside its repository",
        ),
    ],
)
def test_file_references_outside_the_repository_are_refused_unopened(
    firm: Path, opened: list[Path], reference: str, message: str
) -> None:
    (firm / "assets").mkdir()
    (firm / "assets" / "link.png").symlink_to(firm.parent / "outside" / "base.yaml")
    Path("org.yaml").write_text(logo_file(reference), encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        validate_file("org.yaml", env={})
    errors = [d.format() for d in caught.value.diagnostics]
    assert errors == [f"org.yaml:4:18: {message}"]
    assert_nothing_outside(opened, firm, errors)


def test_a_file_reference_climbing_inside_the_git_work_tree_is_read_safely_but_not_storable(firm: Path) -> None:
    # the tenant stores the file under the name written, and refuses '..' in it: say so at validate, not at apply
    (firm / ".git").mkdir()
    (firm / "assets").mkdir()
    (firm / "assets" / "logo.png").write_bytes(b"\x89PNG")
    (firm / "offices").mkdir()
    office = firm / "offices" / "lyon.yaml"
    office.write_text(logo_file("../assets/logo.png"), encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        validate_file(office, env={})
    errors = [d.format() for d in caught.value.diagnostics]
    assert errors == [
        "offices/lyon.yaml:4:18: '../assets/logo.png' cannot be a file name in the tenant, which stores the file "
        "under the name written here: write a path from the organisation file's folder down, without '..'"
    ]


# --- what is read, and how much -----------------------------------------------------------------


def test_a_file_whose_size_is_unknown_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    # /proc files say they hold 0 bytes: the limit must hold on what actually comes
    assert errors_of("/proc/self/status", limits=Limits(max_bytes=10)) == [
        "/proc/self/status:1:1: file is more than the 10 bytes allowed"
    ]


def test_a_device_is_refused_without_reading(firm: Path) -> None:
    assert errors_of("/dev/null") == [
        "/dev/null:1:1: is not a regular file (a device, a pipe or a socket): it is not read"
    ]


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(firm: Path) -> None:
    os.mkfifo("org.yaml")
    assert errors_of("org.yaml") == [
        "org.yaml:1:1: is not a regular file (a device, a pipe or a socket): it is not read"
    ]


def many_items(count: int) -> str:
    return "version: 1\nx:\n" + "".join(f"  - {{a: {n}}}\n" for n in range(count))


def test_the_number_of_mappings_and_lists_is_limited(firm: Path) -> None:
    Path("org.yaml").write_text(many_items(200), encoding="utf-8")
    assert errors_of("org.yaml", limits=Limits(max_collections=100)) == [
        "org.yaml:101:5: more than 100 mappings and lists in one file"
    ]


def test_the_number_of_yaml_nodes_is_limited(firm: Path) -> None:
    Path("org.yaml").write_text("version: 1\nx: [" + "1, " * 40_000 + "]\n", encoding="utf-8")
    (error,) = errors_of("org.yaml", limits=Limits(max_events=20_000))
    assert error.startswith("org.yaml:2:")
    assert error.endswith(": more than 20000 YAML nodes in one file")


def test_the_parse_time_is_limited(firm: Path) -> None:
    Path("org.yaml").write_text("version: 1\nx: [" + "1, " * 40_000 + "]\n", encoding="utf-8")
    (error,) = errors_of("org.yaml", limits=Limits(max_seconds=0))
    assert error.startswith("org.yaml:2:")
    assert error.endswith(": reading the file took more than 0 s")


def test_a_special_file_through_the_cli_is_one_line_and_exit_1(firm: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "/dev/zero"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "/dev/zero:1:1: is not a regular file (a device, a pipe or a socket): it is not read",
        "1 error(s): the file is not valid",
    ]
