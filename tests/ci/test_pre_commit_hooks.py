"""The pre-commit hooks: pre-commit's own checks of the manifest, the hooks' entries run as pre-commit runs
them, and (slow) a real ``pre-commit try-repo`` that installs this repository as pre-commit would."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from identify.identify import tags_from_filename
from pre_commit.clientlib import load_manifest

from o2s_config.schema import schema_text

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
BAD = ROOT / "tests" / "data" / "bad" / "references-unknown-profile.yaml"
HOOKS = {hook["id"]: hook for hook in load_manifest(str(MANIFEST))}  # pre-commit's own validation


def user_repository(folder: Path) -> Path:
    """A firm's repository: a valid organisation file, a bad one, a current schema and a stale one."""
    shutil.copytree(ROOT / "examples", folder)
    shutil.copy(BAD, folder / "organisation-bad.yaml")
    (folder / "schemas").mkdir()
    (folder / "schemas" / "organisation.schema.json").write_text(schema_text(), encoding="utf-8")
    (folder / "old").mkdir()
    (folder / "old" / "organisation.schema.json").write_text('{"title": "an older schema"}\n', encoding="utf-8")
    return folder


def selected(hook: dict[str, object], names: list[str]) -> list[str]:
    """The files pre-commit hands the hook: ``files`` matched, ``exclude`` not, every ``types`` tag present."""
    files = re.compile(str(hook["files"]))
    exclude = re.compile(str(hook["exclude"]))
    kinds = set(hook["types"])  # type: ignore[call-overload]
    return [n for n in names if files.search(n) and not exclude.search(n) and kinds <= tags_from_filename(n)]


def run_hook(hook_id: str, folder: Path, names: list[str]) -> subprocess.CompletedProcess[str]:
    hook = HOOKS[hook_id]
    files = selected(hook, names)
    assert files == names, f"{hook_id} would not be given {sorted(set(names) - set(files))}"
    command = [*shlex.split(hook["entry"]), *hook["args"], *files]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False, timeout=120)


def test_the_manifest_is_valid_for_pre_commit() -> None:
    assert set(HOOKS) == {"o2s-config-validate", "o2s-config-schema"}
    assert all(hook["language"] == "python" and hook["pass_filenames"] for hook in HOOKS.values())


def test_validate_hook_passes_a_good_file_and_fails_a_bad_one(tmp_path: Path) -> None:
    folder = user_repository(tmp_path / "repo")
    assert run_hook("o2s-config-validate", folder, ["organisation.yaml"]).returncode == 0
    failed = run_hook("o2s-config-validate", folder, ["organisation.yaml", "organisation-bad.yaml"])
    assert failed.returncode == 1
    assert "organisation-bad.yaml:" in failed.stderr and "unknown profile" in failed.stderr


def test_validate_hook_is_not_given_other_yaml(tmp_path: Path) -> None:
    assert selected(HOOKS["o2s-config-validate"], ["docker-compose.yaml", "ci/organisation.yml"]) == [
        "ci/organisation.yml"
    ]


def test_schema_hook_passes_a_current_schema_and_fails_a_stale_one(tmp_path: Path) -> None:
    folder = user_repository(tmp_path / "repo")
    assert run_hook("o2s-config-schema", folder, ["schemas/organisation.schema.json"]).returncode == 0
    stale = run_hook("o2s-config-schema", folder, ["old/organisation.schema.json"])
    assert stale.returncode == 1
    assert "run o2s-config schema -o old/organisation.schema.json" in stale.stderr


@pytest.mark.slow
def test_pre_commit_try_repo_installs_and_runs_both_hooks(tmp_path: Path) -> None:
    """pre-commit itself: it clones this repository, installs it in a fresh virtualenv and runs the hooks."""
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    folder = user_repository(tmp_path / "repo")
    git = ["git", "-c", "user.email=ci@example.invalid", "-c", "user.name=ci"]
    subprocess.run([*git, "init", "-q"], cwd=folder, check=True)
    subprocess.run([*git, "add", "-A"], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-qm", "firm"], cwd=folder, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    pre_commit = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT)]

    def run(hook: str, *files: str) -> subprocess.CompletedProcess[str]:
        command = [*pre_commit, hook, "--files", *files]
        return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=900, check=False)

    good = run("o2s-config-validate", "organisation.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = run("o2s-config-validate", "organisation-bad.yaml")
    assert bad.returncode == 1 and "unknown profile" in bad.stdout
    assert run("o2s-config-schema", "schemas/organisation.schema.json").returncode == 0
    assert run("o2s-config-schema", "old/organisation.schema.json").returncode == 1
