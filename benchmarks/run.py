"""Measure the whole job on a synthetic organisation of N users; prints one JSON object.

    python benchmarks/run.py --users 10000 --json
    python benchmarks/run.py --users 1000 --target http://127.0.0.1:8765   # a running sandbox server

Against the embedded default a new tenant is made in a temporary folder; against --target the
server should hold a new tenant (its credentials come from O2S_TOKEN etc., as for the CLI).
The figures, in order: a bare ruamel.yaml safe load of the file (C extension: the floor),
validate, plan on the empty tenant, apply of that plan (and its HTTP requests), a no-op plan
(and its HTTP requests), a plan with 1 % of the users changed, and the peak memory of the process
(the embedded tenant runs in the same process, so its memory is counted too).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
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


def measure(users: int, target: str | None, folder: Path, parallelism: int) -> dict[str, Any]:
    text = organisation_yaml(users)
    path = folder / "organisation.yaml"
    path.write_text(text, encoding="utf-8")
    changed = folder / "organisation-1pct.yaml"
    changed.write_text(changed_yaml(text, users), encoding="utf-8")
    target = target or f"sandbox:{folder / 'tenant.db'}"
    figures: dict[str, Any] = {"users": users, "target": "embedded" if target.startswith("sandbox:") else target}
    figures["file_mb"] = round(path.stat().st_size / 1e6, 2)
    figures["yaml_parse_s"] = best(3, lambda: YAML(typ="safe", pure=False).load(text))
    figures["validate_s"] = best(3, lambda: validate_file(path, env={}))
    seconds, _, planned = asyncio.run(timed_plan(target, path))
    figures["plan_create_s"] = seconds
    figures["plan_create_changes"] = len(planned.plan.changes)
    figures["apply_create_s"], figures["apply_requests"] = asyncio.run(timed_apply(target, planned, parallelism))
    noop = [asyncio.run(timed_plan(target, path)) for _ in range(3)]
    seconds, requests, planned = min(noop, key=lambda run: run[0])
    if not planned.plan.empty:
        raise SystemExit(f"the no-op plan is not empty: {[c.id for c in planned.plan.changes][:5]}")
    figures["plan_noop_s"], figures["plan_noop_requests"] = seconds, requests
    seconds, _, planned = asyncio.run(timed_plan(target, changed))
    figures["plan_update_s"] = seconds
    figures["plan_update_changes"] = len(planned.plan.changes)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--target", help="a running sandbox server (http://127.0.0.1:PORT); default: embedded")
    parser.add_argument("--parallelism", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="one line of JSON (the default prints it indented)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(args.users, args.target, Path(folder), args.parallelism)
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
