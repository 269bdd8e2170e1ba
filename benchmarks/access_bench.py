"""Time `access` against `validate` on the same synthetic organisation, each as a whole CLI process.

    python benchmarks/access_bench.py --users 10000 [--repeat 3]

Each command runs as its own process, the way an administrator runs it, one after the other in
the same run (so machine load weighs on all of them alike); each figure is the best of --repeat
runs, in user+system CPU seconds of the child (wall seconds are printed too). Targets: `access`
(text) at most 2x `validate`, the workbook (`--format xlsx`) under 3x. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_organisation

COMMANDS = {
    "validate": ["validate", "{file}"],
    "access_text": ["access", "{file}", "-o", "{out}.txt"],
    "access_json": ["access", "{file}", "--format", "json", "-o", "{out}.json"],
    "access_user": ["access", "{file}", "--user", "u000001"],
    "access_xlsx": ["access", "{file}", "--format", "xlsx", "-o", "{out}.xlsx"],
}


def run_once(arguments: list[str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one CLI process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "o2s_config", *arguments],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(arguments)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs of each command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_organisation(Path(folder), args.users)
        out = str(Path(folder) / "review")
        best: dict[str, tuple[float, float]] = {}
        for _ in range(args.repeat):  # interleaved: each round runs every command once
            for name, template in COMMANDS.items():
                arguments = [part.format(file=path, out=out) for part in template]
                cpu, wall = run_once(arguments)
                if name not in best or cpu < best[name][0]:
                    best[name] = (cpu, wall)
        sizes = {ext: (Path(folder) / f"review.{ext}").stat().st_size for ext in ("txt", "json", "xlsx")}
    validate = best["validate"][0]
    figures: dict[str, object] = {"users": args.users, "repeat": args.repeat}
    for name, (cpu, wall) in best.items():
        figures[f"{name}_cpu_s"] = round(cpu, 2)
        figures[f"{name}_wall_s"] = round(wall, 2)
        if name != "validate":
            figures[f"{name}_vs_validate"] = round(cpu / validate, 2)
    figures["output_bytes"] = sizes
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
