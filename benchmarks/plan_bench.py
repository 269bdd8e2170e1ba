"""Time a no-op ``plan`` of a synthetic organisation against the embedded sandbox; prints one JSON object.

The tenant is first brought to the file by ``apply`` (timed too), then the file is planned
again: the plan must be empty, and the figures are its time and its number of HTTP requests.

python benchmarks/plan_bench.py --users 10000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_organisation

from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.catalog import load_catalog
from o2s_config.validate import validate_file
from o2s_config.workflow import apply_planned, plan_file


async def bring_to_file(target: str, path: Path) -> dict[str, float | int]:
    """Apply the file to a new tenant; the figures of that first apply."""
    validated = validate_file(path, env={})
    started = time.perf_counter()
    async with O2SClient(resolve_target(target), None, parallelism=8) as client:
        planned = await plan_file(client, validated, load_catalog(), target)
        report = await apply_planned(client, planned, parallelism=8)
        if not report.ok:
            raise SystemExit(f"apply failed: {[(c.describe(), str(e)) for c, e in report.failed][:3]}")
        return {
            "apply_changes": len(report.done),
            "apply_s": round(time.perf_counter() - started, 2),
            "apply_requests": client.requests,
        }


async def no_op_plan(target: str, path: Path) -> dict[str, float | int]:
    """Validate and plan the file against the tenant that already matches it."""
    started = time.perf_counter()
    validated = validate_file(path, env={})
    loaded = time.perf_counter()
    async with O2SClient(resolve_target(target), None) as client:
        planned = await plan_file(client, validated, load_catalog(), target)
        requests = client.requests
    finished = time.perf_counter()
    if not planned.plan.empty:
        raise SystemExit(f"the plan is not empty: {[c.id for c in planned.plan.changes][:5]}")
    return {
        "plan_total_s": round(finished - started, 2),
        "plan_validate_s": round(loaded - started, 2),
        "plan_read_and_diff_s": round(finished - loaded, 2),
        "plan_requests": requests,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="no-op plans run; the best is kept")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_organisation(Path(folder), args.users)
        target = f"sandbox:{Path(folder) / 'tenant.db'}"
        result: dict[str, float | int] = {"users": args.users, **asyncio.run(bring_to_file(target, path))}
        runs = [asyncio.run(no_op_plan(target, path)) for _ in range(args.repeat)]
        result.update(min(runs, key=lambda r: r["plan_total_s"]))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
