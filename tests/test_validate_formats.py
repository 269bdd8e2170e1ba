"""``validate --format github|gitlab|json``: every diagnostic of the bad-file corpus, at its file, line and column."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from o2s_config.annotations import FileResult, escape_data, escape_property, github_annotations
from o2s_config.cli import main
from o2s_config.diagnostics import Diagnostic, Severity
from tests.test_bad_files import FILES, Expectations, in_bad_folder, read_expectations

__all__ = ["in_bad_folder"]  # a fixture, used by name

ROOT = Path(__file__).resolve().parent.parent
VALIDATE_SCHEMA = json.loads((ROOT / "schemas" / "validate.schema.json").read_text(encoding="utf-8"))
EXAMPLE = ROOT / "examples" / "organisation.yaml"
COMMAND = re.compile(r"^::(?P<severity>error|warning) (?P<properties>[^:]*)::(?P<message>.*)$")


def unescape_data(text: str) -> str:
    """What GitHub's runner makes of an escaped message."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse_github(stdout: str) -> list[str]:
    """Each workflow command back as the ``FILE:LINE:COL: [warning: ]message`` the text format prints."""
    found = []
    for line in stdout.splitlines():
        match = COMMAND.match(line)
        assert match, f"not a workflow command: {line!r}"
        properties = dict(p.split("=", 1) for p in match["properties"].split(","))
        assert properties["title"] == "o2s-config"
        prefix = "warning: " if match["severity"] == "warning" else ""
        place = f"{unescape_property(properties['file'])}:{properties['line']}:{properties['col']}"
        found.append(f"{place}: {prefix}{unescape_data(match['message'])}")
    return found


def parse_gitlab(stdout: str) -> list[str]:
    issues = json.loads(stdout)
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints), "GitLab merges issues with equal fingerprints"
    found = []
    for issue in issues:
        assert issue["check_name"] == "o2s-config" and issue["type"] == "issue"
        assert issue["severity"] in ("major", "minor")
        begin = issue["location"]["positions"]["begin"]
        prefix = "warning: " if issue["severity"] == "minor" else ""
        found.append(f"{issue['location']['path']}:{begin['line']}:{begin['column']}: {prefix}{issue['description']}")
    return found


def parse_json(stdout: str) -> list[str]:
    document = json.loads(stdout)
    jsonschema.validate(document, VALIDATE_SCHEMA)
    assert document["valid"] is False and document["files"][0]["counts"] is None
    found = []
    for d in document["diagnostics"]:
        prefix = "warning: " if d["severity"] == "warning" else ""
        found.append(f"{d['file']}:{d['line']}:{d['column']}: {prefix}{d['message']}")
    assert document["summary"]["errors"] == sum(1 for d in document["diagnostics"] if d["severity"] == "error")
    return found


PARSERS = {"github": parse_github, "gitlab": parse_gitlab, "json": parse_json}


def run_validate(path: Path, form: str, expected: Expectations, monkeypatch: pytest.MonkeyPatch) -> Result:
    for name, value in expected.env.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(main, ["validate", "--format", form, path.name], catch_exceptions=False)


@pytest.mark.parametrize("form", sorted(PARSERS))
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_diagnostic_of_the_corpus_is_one_annotation_at_its_place(
    path: Path, form: str, in_bad_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = read_expectations(path)
    result = run_validate(path, form, expected, monkeypatch)
    assert result.exit_code == 1, result.output
    found = PARSERS[form](result.stdout)
    assert sorted(found) == sorted(expected.lines)
    for secret in expected.never_printed:
        assert secret not in result.stdout + result.stderr


def test_github_escapes_what_would_end_a_property_or_the_message() -> None:
    diagnostic = Diagnostic("dir,with:odd/org.yaml", 3, 7, "100% wrong\r\nsecond line: a, b")
    [line] = github_annotations([FileResult("x", [diagnostic])]).splitlines()
    assert line == (
        "::error file=dir%2Cwith%3Aodd/org.yaml,line=3,col=7,title=o2s-config::100%25 wrong%0D%0Asecond line: a, b"
    )
    assert escape_property("a%b") == "a%25b" and escape_data("a:b,c") == "a:b,c"


def test_a_message_with_a_newline_stays_one_annotation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    # a key holding a newline is quoted back in the message: it must not start a second command
    (tmp_path / "organisation.yaml").write_text('version: 1\nstructures:\n  "a\\nb": {nom: X}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--format", "github"], catch_exceptions=False)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines and all(COMMAND.match(line) for line in lines)
    # the newline is shown (escaped for GitHub, or named as the invisible character a key may not hold)
    assert any("%0A" in line or "<U+000A>" in line for line in lines), lines


def warned_example(tmp_path: Path) -> None:
    """The example, without its Manager's declared sensitive rights: valid, with one warning (about them)."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    file = tmp_path / "examples" / "organisation.yaml"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    file.write_text("".join(line for line in lines if not line.startswith("    Manager: [administration.subscription")))


def test_valid_files_give_warnings_only_and_exit_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warned_example(tmp_path)
    monkeypatch.chdir(tmp_path / "examples")
    for form in PARSERS:
        result = CliRunner().invoke(main, ["validate", "--format", form, "organisation.yaml"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        if form == "github":
            assert result.stdout.startswith("::warning file=organisation.yaml,line=")
            assert "::error" not in result.stdout
    document = json.loads(
        CliRunner().invoke(main, ["validate", "--format", "json", "organisation.yaml"], catch_exceptions=False).stdout
    )
    jsonschema.validate(document, VALIDATE_SCHEMA)
    assert document["valid"] is True and document["summary"]["errors"] == 0
    declared = YAML(typ="safe").load((tmp_path / "examples" / "organisation.yaml").read_text(encoding="utf-8"))
    assert document["files"][0]["counts"] == {k: len(declared[k]) for k in ("structures", "profiles", "users")}


def test_strict_fails_on_warnings_in_every_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    warned_example(tmp_path)
    monkeypatch.chdir(tmp_path / "examples")
    for form in ("text", *PARSERS):
        result = CliRunner().invoke(main, ["validate", "--strict", "--format", form], catch_exceptions=False)
        assert result.exit_code == 1, form


def test_several_files_in_one_run_each_reported(in_bad_folder: Path) -> None:
    bad = "references-unknown-profile.yaml"
    args = ["validate", "--format", "json", str(EXAMPLE), bad]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [f["valid"] for f in document["files"]] == [True, False]
    assert {d["file"] for d in document["diagnostics"] if d["severity"] == "error"} == {bad}
    assert document["summary"]["files"] == 2


def test_severity_is_kept_per_format() -> None:
    warning = Diagnostic("f.yaml", 1, 2, "careful", Severity.WARNING)
    assert github_annotations([FileResult("f.yaml", [warning])]).startswith("::warning ")
