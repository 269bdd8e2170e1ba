"""The GitHub Action's shell steps, run as the runner runs them, against the embedded sandbox and a fake GitHub API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from o2s_config.ci_comment import marker
from tests.ci.action_runner import ActionRun, run_action
from tests.ci.conftest import ROOT, tenant_target
from tests.ci.fake_forge import Forge

BAD = ROOT / "tests" / "data" / "bad" / "references-unknown-profile.yaml"


def github_env(forge: Forge, tmp_path: Path) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 12}}), encoding="utf-8")
    return {
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "firm/organisation",
        "GITHUB_API_URL": forge.url,
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_RUN_ID": "99",
    }


def act(workspace: Path, forge: Forge, **inputs: str) -> ActionRun:
    values = {"install": "none", "target": tenant_target(workspace), **inputs}
    return run_action(values, workspace, github_env(forge, workspace.parent))


def saved_summary(workspace: Path) -> dict[str, int]:
    summary: dict[str, int] = json.loads((workspace / "o2s-plan.json").read_text(encoding="utf-8"))["summary"]
    return summary


def test_plan_comments_once_then_apply_then_plan_shows_no_change(workspace: Path, forge: Forge) -> None:
    planned = act(workspace, forge, command="plan", comment="true")
    assert planned.returncode == 0, planned.stderr
    counts = saved_summary(workspace)
    assert counts["create"] > 0
    assert planned.outputs["exit-code"] == "2" and planned.outputs["has-changes"] == "true"
    assert {k: int(planned.outputs[k]) for k in counts} == counts
    assert planned.outputs["plan"] == "o2s-plan.json" and (workspace / planned.outputs["markdown"]).is_file()
    assert planned.summary.startswith("## o2s-config plan for `sandbox:")
    [comment] = forge.comments.values()
    assert comment["body"].startswith(marker("organisation.yaml"))
    assert planned.summary in comment["body"]

    again = act(workspace, forge, command="plan", comment="true")
    assert again.returncode == 0 and len(forge.comments) == 1  # edited, not repeated
    assert [m for m, _, _ in forge.requests if m != "GET"] == ["POST", "PATCH"]

    applied = act(workspace, forge, command="apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert applied.outputs["exit-code"] == "0"
    assert "## o2s-config: applied `o2s-plan.json`" in applied.summary and "Apply complete" in applied.summary

    after = act(workspace, forge, command="plan", comment="true")
    assert after.returncode == 0
    assert after.outputs["has-changes"] == "false" and after.outputs["exit-code"] == "0"
    assert after.outputs["create"] == "0"
    assert "No changes" in next(iter(forge.comments.values()))["body"]


def test_a_stale_saved_plan_is_refused_and_fails_the_step(workspace: Path, forge: Forge) -> None:
    assert act(workspace, forge, command="plan").returncode == 0
    target = tenant_target(workspace)
    changed = subprocess.run(
        [sys.executable, "-m", "o2s_config", "apply", "organisation.yaml", "--target", target, "--auto-approve"],
        cwd=workspace,
        env={**os.environ, "O2S_TARGET": "", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert changed.returncode == 0, changed.stderr  # someone applied in between
    refused = act(workspace, forge, command="apply")
    assert refused.returncode == 1
    assert refused.outputs["exit-code"] == "1"
    assert "the tenant changed since this plan was saved" in refused.stdout
    assert "## o2s-config: apply failed" in refused.summary


def test_validate_annotates_the_bad_lines_and_fails(workspace: Path, forge: Forge) -> None:
    shutil.copy(BAD, workspace / "organisation.yaml")
    result = act(workspace, forge, command="validate")
    assert result.returncode == 1
    assert result.outputs["exit-code"] == "1"
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert annotations and all("file=organisation.yaml,line=" in line for line in annotations)
    assert "`organisation.yaml` is not valid" in result.summary
    assert forge.requests == []


def test_plan_of_an_invalid_file_stops_at_validation(workspace: Path, forge: Forge) -> None:
    shutil.copy(BAD, workspace / "organisation.yaml")
    result = act(workspace, forge, command="plan", comment="true")
    assert result.returncode == 1
    assert "::error file=organisation.yaml" in result.stdout
    assert not (workspace / "o2s-plan.json").exists() and forge.comments == {}
    assert not (workspace.parent / "tenant.db").exists()  # the tenant was never reached


def test_apply_without_a_saved_plan_says_so(workspace: Path, forge: Forge) -> None:
    result = act(workspace, forge, command="apply")
    assert result.returncode == 1 and "no saved plan at o2s-plan.json" in result.stdout


def test_an_unknown_command_fails(workspace: Path, forge: Forge) -> None:
    result = act(workspace, forge, command="destroy")
    assert result.returncode == 1 and "command must be validate, plan or apply" in result.stdout


def test_the_scripts_use_o2s_configs_own_python(workspace: Path, forge: Forge, tmp_path: Path) -> None:
    """o2s-config installed elsewhere (pipx, a prepared image): the python3 on PATH is not the one that has it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "o2s-config").symlink_to(Path(sys.executable).parent / "o2s-config")
    (bin_dir / "python3").write_text("#!/bin/sh\necho 'not the python o2s-config is installed in' >&2\nexit 1\n")
    (bin_dir / "python3").chmod(0o755)
    target = tenant_target(workspace)
    env = {**github_env(forge, workspace.parent), "PATH": os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])}
    result = run_action({"install": "none", "target": target, "command": "plan", "comment": "true"}, workspace, env)
    assert result.returncode == 0, result.stderr
    assert "not the python" not in result.stderr
    assert len(forge.comments) == 1 and result.outputs["has-changes"] == "true"
