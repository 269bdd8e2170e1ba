"""Export writes the files the tenant holds beside the exported file, byte for byte, and never outside its folder.

End to end on the embedded default and on a real server on 127.0.0.1 (the ``tenant`` fixture).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from o2s_config.assets import references, safe_names
from o2s_config.validate import validate_file
from tests.engine.conftest import Tenant

IMAP = {  # every mail password the two examples name (the firm's, and each user's own)
    "O2S_IMAP_PASSWORD": "imap-secret-for-tests",
    "O2S_IMAP_PASSWORD_SROUX": "imap-secret-for-tests",
}


def referenced(file: Path) -> list[str]:
    """The files an organisation file refers to (logos, template bodies, authorisation letters)."""
    return references(validate_file(file, env=IMAP).organisation)


def apply(tenant: Tenant, file: Path) -> None:
    result = tenant.cli("apply", str(file), "--auto-approve", env=IMAP)
    assert result.exit_code == 0, result.output + result.stderr


def tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", ["organisation.yaml", "second-office.yaml"])
def test_each_example_round_trips_through_an_export_in_another_folder(
    tenant: Tenant, example: Path, tmp_path: Path, name: str
) -> None:
    original = example.parent / name
    apply(tenant, original)
    elsewhere = tmp_path / "elsewhere" / "new"  # a new, empty folder outside the examples
    exported = elsewhere / "exported.yaml"
    result = tenant.cli("export", "-o", str(exported))
    assert result.exit_code == 0, result.output + result.stderr

    names = referenced(original)
    assert {"assets/logo-application.png", "templates/bienvenue.txt"} <= set(names)
    assert tree(elsewhere) == {"exported.yaml", *names}
    for reference in names:
        held = tenant.request("GET", f"/ext/v1/files/{reference}")
        assert held.status_code == 200, reference
        assert (elsewhere / reference).read_bytes() == held.content, reference  # byte-identical to the tenant's
        assert held.content == (example.parent / reference).read_bytes(), reference  # which holds what was applied
    assert tree(tmp_path / "elsewhere") == {f"new/{p}" for p in tree(elsewhere)}  # nothing beside the folder

    validated = tenant.cli("validate", str(exported), env=IMAP)
    assert validated.exit_code == 0, validated.output + validated.stderr
    planned = tenant.cli("plan", str(exported), "--detailed-exitcode", env=IMAP)
    assert planned.exit_code == 0, planned.stdout + planned.stderr


def test_a_changed_logo_is_a_change_and_apply_uploads_it(tenant: Tenant, example: Path, tmp_path: Path) -> None:
    apply(tenant, example)
    logo = example.parent / "assets" / "logo-application.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\nanother logo\x00")
    planned = tenant.cli("plan", str(example), "--detailed-exitcode")
    assert planned.exit_code == 2, planned.stdout
    assert "logos.application" in planned.stdout and "other content in the tenant" in planned.stdout
    apply(tenant, example)
    assert tenant.cli("plan", str(example), "--detailed-exitcode").exit_code == 0
    held = tenant.request("GET", "/ext/v1/files/assets/logo-application.png")
    assert held.content == logo.read_bytes()


def test_a_different_file_in_the_way_is_kept_unless_overwrite(tenant: Tenant, example: Path, tmp_path: Path) -> None:
    apply(tenant, example)
    folder = tmp_path / "out"
    (folder / "templates").mkdir(parents=True)
    mine = folder / "templates" / "bienvenue.txt"
    mine.write_text("my own edits\n", encoding="utf-8")
    refused = tenant.cli("export", "-o", str(folder / "org.yaml"))
    assert refused.exit_code == 1
    assert "exists with other content (use --overwrite to replace it)" in refused.stderr
    assert mine.read_text(encoding="utf-8") == "my own edits\n"
    assert tree(folder) == {"templates/bienvenue.txt"}  # nothing written at all
    replaced = tenant.cli("export", "-o", str(folder / "org.yaml"), "--overwrite")
    assert replaced.exit_code == 0, replaced.stderr
    assert mine.read_bytes() == (example.parent / "templates" / "bienvenue.txt").read_bytes()
    again = tenant.cli("export", "-o", str(folder / "org.yaml"))  # same content: no --overwrite needed
    assert (
        again.exit_code == 0
        and f"{len(referenced(example))} file(s) already there with the same content" in again.stderr
    )


def test_export_to_stdout_names_the_files_it_did_not_write(
    tenant: Tenant, example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    apply(tenant, example)
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    result = tenant.cli("export", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("# yaml-language-server:")
    assert (
        f"not written: {len(referenced(example))} file(s)" in result.stderr
        and "assets/logo-application.png" in result.stderr
    )
    assert tree(tmp_path) == before


def test_a_folder_that_leads_outside_is_refused(tenant: Tenant, example: Path, tmp_path: Path) -> None:
    apply(tenant, example)
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "out"
    folder.mkdir()
    os.symlink(outside, folder / "assets")  # the export's assets/ would land outside its folder
    result = tenant.cli("export", "-o", str(folder / "org.yaml"))
    assert result.exit_code == 1
    assert "would be written outside" in result.stderr
    assert not any(outside.iterdir()) and not (folder / "org.yaml").exists()


def test_unsafe_tenant_names_are_written_under_files() -> None:
    chosen = safe_names(["/etc/passwd", "../up.png", "ok/logo.png", "C:\\logos\\a b.png", "up.png", "files/up.png"])
    assert chosen["ok/logo.png"] == "ok/logo.png" and chosen["up.png"] == "up.png"
    assert chosen["/etc/passwd"] == "files/passwd"
    assert chosen["../up.png"] == "files/up.png"
    assert chosen["files/up.png"] == "files/up-2.png"  # two tenant names never share one file
    assert chosen["C:\\logos\\a b.png"] == "files/a_b.png"


def test_authorisation_letters_travel_like_logos(tenant: Tenant, example: Path, tmp_path: Path) -> None:
    letters = [name for name in referenced(example) if name.startswith("letters/")]
    assert letters  # the example's extranet codes carry their signed letters
    apply(tenant, example)
    folder = tmp_path / "exported"
    assert tenant.cli("export", "-o", str(folder / "organisation.yaml")).exit_code == 0
    for name in letters:
        assert (folder / name).read_bytes() == (example.parent / name).read_bytes(), name
    planned = tenant.cli("plan", str(folder / "organisation.yaml"), "--detailed-exitcode", env=IMAP)
    assert planned.exit_code == 0, planned.stdout + planned.stderr
