"""The corpus of bad organisation files: each one must fail with exactly the diagnostics it announces.

Every file in ``tests/data/bad/`` starts with header comments:

    # expect: LINE:COL: message                 a diagnostic in this file
    # expect: bases/other.yaml:LINE:COL: msg    a diagnostic in another file (an ``extends:`` base)
    # expect: LINE:COL: warning: message        a warning printed with the errors
    # env: NAME=value                           an environment variable set for the run
    # never-printed: text                       text that must not appear in any output (a secret)

The files are validated from their own folder, so the names printed are the paths relative to it.
Files under ``tests/data/bad/bases/`` are only used as ``extends:`` targets.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from o2s_config.cli import main

BAD = Path(__file__).parent / "data" / "bad"
FILES = sorted(BAD.glob("*.yaml"))
CATEGORIES = (
    "syntax",
    "structure",
    "references",
    "catalogue",
    "hierarchy",
    "duplicates",
    "secrets",
    "limits",
    "files",
    "lockout",
    "policies",
    "extends",
    "mixed",
)

EXPECT = re.compile(r"^(?:(?P<file>[^\s:]+\.yaml):)?(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)$")
DIAGNOSTIC = re.compile(r"^[^\s:]+\.yaml:\d+:\d+: ")
SUMMARY = re.compile(r"^(\d+) error\(s\): the file is not valid$")


@dataclass
class Expectations:
    lines: list[str] = field(default_factory=list)  # FILE:LINE:COL: message, as printed
    env: dict[str, str] = field(default_factory=dict)
    never_printed: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return sum(1 for line in self.lines if ": warning: " not in line)


def read_expectations(path: Path) -> Expectations:
    """The header comments of a bad file (see the module docstring)."""
    found = Expectations()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.startswith("#"):
            break
        text = raw[1:].strip()
        directive, _, value = text.partition(": ")
        if directive == "expect":
            match = EXPECT.match(value)
            assert match, f"{path.name}: malformed expectation {raw!r}"
            file = match["file"] or path.name
            found.lines.append(f"{file}:{match['line']}:{match['col']}: {match['message']}")
        elif directive == "env":
            name, _, env_value = value.partition("=")
            found.env[name] = env_value
        elif directive == "never-printed":
            found.never_printed.append(value)
        else:
            assert not text.startswith(("expect", "env", "never")), f"{path.name}: misspelt directive {raw!r}"
    return found


@pytest.fixture
def in_bad_folder(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from the corpus folder with no O2S_TEST_* variable left over from the environment."""
    monkeypatch.chdir(BAD)
    for name in list(os.environ):
        if name.startswith("O2S_TEST_"):
            monkeypatch.delenv(name)
    return BAD


def check_output(path: Path, expected: Expectations, exit_code: int, stdout: str, stderr: str) -> None:
    everything = stdout + stderr
    assert "Traceback" not in everything
    assert exit_code == 1, everything
    assert stdout == "", "an invalid file prints nothing on stdout"
    lines = stderr.splitlines()
    printed = [line for line in lines if DIAGNOSTIC.match(line)]
    assert sorted(printed) == sorted(expected.lines), f"{path.name} printed:\n" + "\n".join(printed)
    assert len(printed) == len(set(printed)), "a diagnostic is printed twice"
    others = [line for line in lines if not DIAGNOSTIC.match(line)]
    assert len(others) == 1, f"unexpected lines: {others}"
    summary = SUMMARY.match(others[0])
    assert summary, others[0]
    assert int(summary[1]) == expected.error_count
    for secret in expected.never_printed:
        assert secret not in everything


def test_the_corpus_covers_every_category() -> None:
    assert len(FILES) >= 36
    names = [path.name for path in FILES]
    for category in CATEGORIES:
        assert any(name.startswith(category + "-") for name in names), f"no bad file for {category}"
    unknown = [name for name in names if not name.startswith(tuple(c + "-" for c in CATEGORIES))]
    assert not unknown, f"files outside the categories: {unknown}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_expectations_point_into_their_file(path: Path) -> None:
    """Each file announces at least one diagnostic, each at a line and column that exist."""
    expected = read_expectations(path)
    assert expected.lines, f"{path.name} announces no diagnostic"
    for line in expected.lines:
        match = EXPECT.match(line)
        assert match is not None
        target = BAD / match["file"]
        text = target.read_text(encoding="utf-8").splitlines() if target.is_file() else []
        row, col = int(match["line"]), int(match["col"])
        assert 1 <= row <= len(text) + 1, f"{line}: no such line"
        if row <= len(text):
            assert col <= len(text[row - 1]) + 1, f"{line}: no such column"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bad_file_fails_with_exactly_its_diagnostics(
    path: Path, in_bad_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = read_expectations(path)
    for name, value in expected.env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["validate", path.name], catch_exceptions=False)
    check_output(path, expected, result.exit_code, result.stdout, result.stderr)


# A few through a real process: the installed entry point, real stderr, nothing swallowed by the runner.
SUBPROCESS_FILES = [
    "syntax-tab-indentation.yaml",
    "limits-alias-bomb.yaml",
    "limits-too-deep.yaml",
    "extends-error-in-base.yaml",
    "secrets-env-value-in-message.yaml",
]


@pytest.mark.parametrize("name", SUBPROCESS_FILES)
def test_bad_file_in_a_real_process(name: str) -> None:
    path = BAD / name
    expected = read_expectations(path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("O2S_TEST_")}
    env.update(expected.env)
    env["PYTHONWARNINGS"] = "ignore"
    process = subprocess.run(
        [sys.executable, "-m", "o2s_config", "validate", name],
        cwd=BAD,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    check_output(path, expected, process.returncode, process.stdout, process.stderr)


def test_the_printed_name_is_the_path_given_relative_to_the_working_folder(
    in_bad_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD.parent)
    result = CliRunner().invoke(main, ["validate", "bad/extends-error-in-base.yaml"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "bad/extends-error-in-base.yaml:11:16: unknown structure 'marseille'" in result.stderr.splitlines()
    assert (
        "bad/bases/base-with-error.yaml:5:3: missing required key 'name' in structures.lyon"
        in result.stderr.splitlines()
    )
