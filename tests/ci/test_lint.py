"""The CI kit passes the linters CI systems' own users run: actionlint, shellcheck and the published schemas."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
WORKFLOW = ROOT / "docs" / "examples" / "github-workflow.yml"
PUBLISHED = "your-org/o2s-config@v1"


def tool(name: str) -> str:
    found = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    assert found, f"{name} is missing: pip install -e '.[test]'"
    return found


def actionlint(folder: Path) -> subprocess.CompletedProcess[str]:
    """actionlint on a repository's workflows, with shellcheck on their run: scripts."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [tool("actionlint"), "-oneline", "-no-color", "-shellcheck", tool("shellcheck")]
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False, timeout=120)


def repository_using_the_action(tmp_path: Path, workflow: str) -> Path:
    """A repository holding this action at its root and a workflow using it as ``./``, as actionlint reads it."""
    folder = tmp_path / "repo"
    (folder / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "action.yml", folder / "action.yml")
    (folder / ".github" / "workflows" / "o2s-config.yml").write_text(workflow, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    return folder


def test_the_example_workflow_passes_actionlint_against_this_action(tmp_path: Path) -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert PUBLISHED in text
    # with the action at ./, actionlint also checks every input the workflow gives against action.yml
    result = actionlint(repository_using_the_action(tmp_path, text.replace(PUBLISHED, "./")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_would_catch_a_wrong_input(tmp_path: Path) -> None:
    text = WORKFLOW.read_text(encoding="utf-8").replace(PUBLISHED, "./")
    text = text.replace("command: validate", "command: validate\n          comment-on-pr: true", 1)
    result = actionlint(repository_using_the_action(tmp_path, text))
    assert result.returncode == 1 and 'input "comment-on-pr" is not defined' in result.stdout


def action_as_workflow() -> str:
    """action.yml's steps as a reusable workflow's job (inputs alike), for actionlint to check them:
    expressions, the actions they use and, through shellcheck, their scripts."""
    action: dict[str, Any] = YAML(typ="safe").load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs = {
        name: {"type": "string", "required": False, "default": str(spec.get("default", ""))}
        for name, spec in action["inputs"].items()
        if "${{" not in str(spec.get("default", ""))
    }
    inputs["github-token"] = {"type": "string", "required": False}
    workflow = {
        "name": "action",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    yaml = YAML()
    yaml.default_flow_style = False
    buffer = StringIO()
    yaml.dump(workflow, buffer)
    return buffer.getvalue()


def test_the_action_steps_pass_actionlint(tmp_path: Path) -> None:
    result = actionlint(repository_using_the_action(tmp_path, action_as_workflow()))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_scripts_pass_shellcheck() -> None:
    scripts = sorted(str(p) for p in (ROOT / "ci").rglob("*.sh"))
    assert len(scripts) == 2
    result = subprocess.run([tool("shellcheck"), *scripts], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_files_match_the_published_schemas_of_github_and_gitlab() -> None:
    checks = [
        ("vendor.github-actions", ROOT / "action.yml"),
        ("vendor.github-workflows", WORKFLOW),
        ("vendor.gitlab-ci", ROOT / "ci" / "gitlab" / "o2s-config.gitlab-ci.yml"),
    ]
    for schema, path in checks:
        command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{path.name}: {result.stdout}{result.stderr}"


def test_docs_show_the_example_workflow_as_it_is_tested() -> None:
    docs = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert f"```yaml\n{WORKFLOW.read_text(encoding='utf-8')}```" in docs


def test_readme_has_a_short_use_it_in_ci_section_linking_the_ci_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Use it in CI\n", 1)[1].split("\n## ", 1)[0]
    assert "](docs/ci.md)" in section and (ROOT / "docs" / "ci.md").is_file()
    assert len(section.strip().splitlines()) <= 15  # a pointer, not a second copy of docs/ci.md
