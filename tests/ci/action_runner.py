"""Run the composite action's shell steps as GitHub's runner would: inputs through the step's env, a
GITHUB_OUTPUT and a GITHUB_STEP_SUMMARY file, ``bash --noprofile --norc -eo pipefail``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(?P<scope>inputs|github|steps)\.(?P<name>[\w.-]+)\s*\}\}")


@dataclass
class ActionRun:
    returncode: int
    stdout: str
    stderr: str
    step_outputs: dict[str, str] = field(default_factory=dict)  # what the run step wrote to GITHUB_OUTPUT
    outputs: dict[str, str] = field(default_factory=dict)  # the action's outputs, as action.yml maps them
    summary: str = ""


def load_action() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))
    return loaded


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's ``name=value`` lines (and ``name<<DELIMITER`` blocks); the last value wins."""
    found: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            name, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            found[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            found[name] = value
    return found


def run_action(inputs: dict[str, str], workspace: Path, env: dict[str, str]) -> ActionRun:
    """Every ``run:`` step of action.yml in order (steps that ``uses:`` another action are GitHub's own)."""
    action = load_action()
    values = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values.update(inputs)
    github = {"token": "gh-test-token", "action_path": str(ROOT)}
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    output_file, summary_file = temp / "output.txt", temp / "summary.md"
    output_file.write_text("", encoding="utf-8")
    summary_file.write_text("", encoding="utf-8")
    base = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": os.environ.get("HOME", str(temp)),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_OUTPUT": str(output_file),
        "GITHUB_STEP_SUMMARY": str(summary_file),
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(temp),
        "NO_COLOR": "1",
        "O2S_TARGET": "",
        **env,
    }

    def expand(text: str) -> str:
        def one(match: re.Match[str]) -> str:
            scope, name = match["scope"], match["name"]
            if scope == "inputs":
                return values[name]
            if scope == "github":
                return github[name]
            raise AssertionError(f"the test runner does not evaluate {match[0]} in a run step")

        return EXPRESSION.sub(one, text)

    stdout, stderr, code = "", "", 0
    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue
        assert "if" not in step, "run steps decide in their scripts (the test runner does not evaluate if:)"
        assert step["shell"] == "bash"
        step_env = {**base, **{k: expand(str(v)) for k, v in (step.get("env") or {}).items()}}
        process = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        stdout, stderr, code = stdout + process.stdout, stderr + process.stderr, process.returncode
        if code != 0:
            break
    step_outputs = parse_outputs(output_file.read_text(encoding="utf-8"))
    outputs = {}
    for name, spec in action["outputs"].items():
        match = re.fullmatch(r"\$\{\{ steps\.run\.outputs\.([\w-]+) \}\}", spec["value"])
        assert match, f"output {name} must come from the run step"
        outputs[name] = step_outputs.get(match[1], "")
    return ActionRun(code, stdout, stderr, step_outputs, outputs, summary_file.read_text(encoding="utf-8"))
