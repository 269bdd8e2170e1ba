"""The GitLab CI template's job scripts, run as a GitLab runner runs them (one bash, ``set -eo pipefail``),
against the embedded sandbox and a fake GitLab API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from o2s_config.ci_comment import marker
from tests.ci.conftest import ROOT, tenant_target
from tests.ci.fake_forge import Forge
from tests.test_bad_files import read_expectations

TEMPLATE = ROOT / "ci" / "gitlab" / "o2s-config.gitlab-ci.yml"
BAD = ROOT / "tests" / "data" / "bad" / "mixed-several-errors.yaml"


def run_job(name: str, workspace: Path, forge: Forge, **variables: str) -> subprocess.CompletedProcess[str]:
    """The job's ``script`` (its before_script installs o2s-config: here it is installed already)."""
    template: dict[str, Any] = YAML(typ="safe").load(TEMPLATE.read_text(encoding="utf-8"))
    job = template[name]
    assert job["extends"] == ".o2s-config"
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(workspace.parent),
        **{k: str(v) for k, v in template["variables"].items()},
        **{k: str(v) for k, v in template[".o2s-config"]["variables"].items()},
        "O2S_TARGET": tenant_target(workspace),
        "CI_API_V4_URL": f"{forge.url}/api/v4",
        "CI_PROJECT_ID": "5",
        "CI_JOB_URL": "https://gitlab.example/firm/organisation/-/jobs/77",
        **variables,
    }
    script = "set -eo pipefail\n" + "\n".join(job["script"]) + "\n"
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_validate_reports_every_error_as_code_quality(workspace: Path, forge: Forge) -> None:
    shutil.copy(BAD, workspace / "organisation.yaml")
    result = run_job("o2s-validate", workspace, forge)
    assert result.returncode == 1
    issues = json.loads((workspace / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    found = sorted(
        f"{i['location']['path']}:{i['location']['positions']['begin']['line']}:"
        f"{i['location']['positions']['begin']['column']}: {i['description']}"
        for i in issues
    )
    expected = sorted(line.replace(BAD.name, "organisation.yaml", 1) for line in read_expectations(BAD).lines)
    assert found == expected
    assert "error(s): the file is not valid" in result.stderr  # the log says it in words too


def test_plan_notes_the_merge_request_once_then_manual_apply(workspace: Path, forge: Forge) -> None:
    mr = {"CI_MERGE_REQUEST_IID": "8", "O2S_GITLAB_TOKEN": "gl-token", "O2S_TOKEN": "unused-by-the-sandbox"}
    planned = run_job("o2s-plan", workspace, forge, **mr)
    assert planned.returncode == 0, planned.stderr
    assert (workspace / "o2s-plan.env").read_text() == "O2S_HAS_CHANGES=true\n"
    assert json.loads((workspace / "o2s-plan.json").read_text())["summary"]["create"] > 0
    [note] = forge.comments.values()
    assert note["body"].startswith(marker("organisation.yaml") + "\n## o2s-config plan for ")
    assert run_job("o2s-plan", workspace, forge, **mr).returncode == 0
    assert len(forge.comments) == 1  # edited, not repeated

    applied = run_job("o2s-apply", workspace, forge)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete" in applied.stdout

    after = run_job("o2s-plan", workspace, forge, **mr)
    assert after.returncode == 0
    assert (workspace / "o2s-plan.env").read_text() == "O2S_HAS_CHANGES=false\n"
    assert "No changes" in next(iter(forge.comments.values()))["body"]


def test_apply_refuses_a_plan_the_tenant_moved_past(workspace: Path, forge: Forge) -> None:
    assert run_job("o2s-plan", workspace, forge).returncode == 0
    assert run_job("o2s-apply", workspace, forge).returncode == 0
    refused = run_job("o2s-apply", workspace, forge)  # the same plan again: the tenant changed since
    assert refused.returncode == 1
    assert "the tenant changed since this plan was saved" in refused.stderr


def test_plan_without_a_merge_request_writes_no_note(workspace: Path, forge: Forge) -> None:
    assert run_job("o2s-plan", workspace, forge).returncode == 0
    assert forge.requests == []


def test_the_apply_job_is_manual_and_on_the_default_branch_only() -> None:
    template = YAML(typ="safe").load(TEMPLATE.read_text(encoding="utf-8"))
    assert template["o2s-apply"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "when": "manual"}]
    assert template["o2s-apply"]["needs"] == ["o2s-plan"]
