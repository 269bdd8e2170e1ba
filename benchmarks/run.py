"""Measure the whole job on a synthetic organisation of N users; prints one JSON object.

    python benchmarks/run.py --users 10000 --json
    python benchmarks/run.py --users 1000 --target http://127.0.0.1:8765   # a running sandbox server

Against the embedded default a new tenant is made in a temporary folder; against --target the
server should hold a new tenant (its credentials come from O2S_TOKEN etc., as for the CLI).
The figures, in order: a bare ruamel.yaml safe load of the file (C extension: the floor),
validate, plan on the empty tenant, apply of that plan (and its HTTP requests), a no-op plan
(and its HTTP requests), a plan with 1 % of the users changed, and the peak memory. Each stage
runs in a fresh process, as each CLI command does; peak_rss_mb is the largest of them (the
embedded tenant runs in the same process, so its memory is counted too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ruamel.yaml import YAML
from synthetic import organisation_yaml

from o2s_config.backends.auth import credentials_from_env
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.catalog import load_catalog
from o2s_config.validate import validate_file
from o2s_config.workflow import Planned, apply_planned, plan_file


def changed_yaml(text: str, users: int, share: float = 0.01) -> str:
    """The same file with ``share`` of the users' sender names changed."""
    step = max(1, round(1 / share))
    for i in range(1, users, step):
        text = text.replace(f"    sender_name: Prénom{i} Nom{i}\n", f"    sender_name: Prénom{i} Nom{i} (modifié)\n", 1)
    return text


async def timed_plan(target: str, path: Path) -> tuple[float, int, Planned]:
    """Validate and plan ``path`` (what `o2s-config plan` does); seconds, HTTP requests, the plan."""
    started = time.perf_counter()
    validated = validate_file(path, env={})
    async with O2SClient(resolve_target(target), credentials_from_env()) as client:
        planned = await plan_file(client, validated, load_catalog(), target)
        return time.perf_counter() - started, client.requests, planned


async def timed_apply(target: str, planned: Planned, parallelism: int) -> tuple[float, int]:
    started = time.perf_counter()
    async with O2SClient(resolve_target(target), credentials_from_env(), parallelism=parallelism) as client:
        report = await apply_planned(client, planned, parallelism)
        if not report.ok:
            failures = [(c.describe(), str(e)) for c, e in report.failed][:3]
            raise SystemExit(f"apply failed: {failures}")
        return time.perf_counter() - started, client.requests


def best(runs: int, action: Any) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage(name: str, file: Path, target: str, parallelism: int) -> dict[str, Any]:
    """One stage, as one CLI run would do it, in this (fresh) process."""
    if name == "parse":
        text = file.read_text(encoding="utf-8")
        return {"s": best(3, lambda: YAML(typ="safe", pure=False).load(text)), "rss": peak_rss_mb()}
    if name == "validate":
        return {"s": best(3, lambda: validate_file(file, env={})), "rss": peak_rss_mb()}
    seconds, requests, planned = asyncio.run(timed_plan(target, file))
    figures: dict[str, Any] = {"s": seconds, "requests": requests, "changes": len(planned.plan.changes)}
    if name == "apply":
        figures["s"], figures["requests"] = asyncio.run(timed_apply(target, planned, parallelism))
    return {**figures, "rss": peak_rss_mb()}


def run_stage(name: str, file: Path, target: str, parallelism: int) -> dict[str, Any]:
    """``stage`` in a child process: each measured command starts cold, as the CLI does."""
    command = [sys.executable, __file__, "--stage", name, "--file", str(file), "--target", target]
    done = subprocess.run([*command, "--parallelism", str(parallelism)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.splitlines()[-1]))


def measure(users: int, target: str | None, folder: Path, parallelism: int) -> dict[str, Any]:
    """Every figure of the benchmark; the tool's stages each run in a process of their own."""
    text = organisation_yaml(users)
    path = folder / "organisation.yaml"
    path.write_text(text, encoding="utf-8")
    changed = folder / "organisation-1pct.yaml"
    changed.write_text(changed_yaml(text, users), encoding="utf-8")
    target = target or f"sandbox:{folder / 'tenant.db'}"
    figures: dict[str, Any] = {"users": users, "target": "embedded" if target.startswith("sandbox:") else target}
    figures["file_mb"] = round(path.stat().st_size / 1e6, 2)
    figures["yaml_parse_s"] = run_stage("parse", path, target, parallelism)["s"]
    runs = {"validate": run_stage("validate", path, target, parallelism)}
    runs["plan_create"] = run_stage("plan", path, target, parallelism)
    runs["apply_create"] = run_stage("apply", path, target, parallelism)
    runs["plan_noop"] = min((run_stage("plan", path, target, parallelism) for _ in range(3)), key=lambda r: r["s"])
    if runs["plan_noop"]["changes"]:
        raise SystemExit(f"the no-op plan is not empty: {runs['plan_noop']['changes']} changes")
    runs["plan_update"] = run_stage("plan", changed, target, parallelism)
    figures["validate_s"] = runs["validate"]["s"]
    figures["plan_create_s"], figures["plan_create_changes"] = runs["plan_create"]["s"], runs["plan_create"]["changes"]
    figures["apply_create_s"], figures["apply_requests"] = runs["apply_create"]["s"], runs["apply_create"]["requests"]
    figures["plan_noop_s"], figures["plan_noop_requests"] = runs["plan_noop"]["s"], runs["plan_noop"]["requests"]
    figures["plan_update_s"], figures["plan_update_changes"] = runs["plan_update"]["s"], runs["plan_update"]["changes"]
    figures["peak_rss_mb"] = max(run["rss"] for run in runs.values())
    figures["peak_rss_mb_by_stage"] = {name: round(run["rss"], 1) for name, run in runs.items()}
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--target", help="a running sandbox server (http://127.0.0.1:PORT); default: embedded")
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="one line of JSON (the default prints it indented)")
    parser.add_argument("--stage", choices=["parse", "validate", "plan", "apply"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage(args.stage, args.file, args.target, args.parallelism)))
        return
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(args.users, args.target, Path(folder), args.parallelism)
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
