"""o2s-config next to octoDNS, each a whole process, side by side in one run; prints one JSON object.

    pip install -e '.[bench]'        # octoDNS 1.22.0, used by this script only
    python benchmarks/octodns_bench.py [--users 10000] [--big 50000] [--repeat 3] [--baseline DIR]

octoDNS's side: a no-op plan (``octodns-sync`` without ``--doit``) from a YamlProvider to a
YamlProvider holding the same zone of ``--users`` names, each an A record with two values and
a TXT record. o2s-config's side: the synthetic organisation (``synthetic.py``) of as many users,
its first ``apply`` to a new embedded sandbox tenant, then a no-op ``plan`` and a ``validate``
of the same file; and the no-op plan of ``--big`` users for its memory.

Each figure is one child process, timed by the wall clock, its peak memory (RSS) read from the
kernel's account of that child. The commands run in rounds (each round runs every command once),
so the machine's load weighs on all alike; each figure is the median of ``--repeat`` rounds, with
its spread (min, max). A ratio is taken within each round (both sides ran seconds apart) and
reported as the median of the rounds with its spread.

``--baseline DIR`` is a source tree of another commit of o2s-config (``git archive COMMIT | tar
-x -C DIR``, best with its own ``DIR/.venv``: ``python3 -m venv DIR/.venv && DIR/.venv/bin/pip
install -e DIR``, so it runs with that commit's dependencies): its first apply is timed in the
same rounds, so "today's time" and the new one come from the same machine at the same load.
Without it, the first apply has no ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import organisation_yaml

OCTODNS_CONFIG = """---
providers:
  source:
    class: octodns.provider.yaml.YamlProvider
    directory: ./source
  target:
    class: octodns.provider.yaml.YamlProvider
    directory: ./target
zones:
  example.com.:
    sources:
    - source
    targets:
    - target
"""

# (figure, numerator, denominator, target: the ratio must be at most this)
RATIOS = [
    ("plan_noop_vs_octodns", "o2s_plan_noop_s", "octodns_plan_noop_s", 1 / 6),
    ("plan_noop_rss_vs_octodns", "o2s_plan_noop_rss_mb", "octodns_plan_noop_rss_mb", 1.0),
    ("plan_noop_vs_validate", "o2s_plan_noop_s", "o2s_validate_s", 1.5),
    ("apply_first_vs_baseline", "o2s_apply_first_s", "baseline_apply_first_s", 2 / 3),
]
BIG_RSS_LIMIT_MB = 600


def zone_yaml(names: int) -> str:
    """A zone of ``names`` names, each an A record with two values and a TXT record (keys in order)."""
    out = ["---"]
    for i in range(names):
        a, b, c = i // 65536, (i // 256) % 256, i % 256
        out.append(
            f"host{i:06d}:\n- type: A\n  values:\n  - 10.{a}.{b}.{c}\n  - 10.{100 + a}.{b}.{c}\n"
            f"- type: TXT\n  value: owner=team{i % 50} host={i}"
        )
    return "\n".join(out) + "\n"


def write_octodns(folder: Path, names: int) -> Path:
    """The octoDNS configuration and its two identical zone files; returns the configuration's path."""
    zone = zone_yaml(names)
    for side in ("source", "target"):
        (folder / side).mkdir(parents=True)
        (folder / side / "example.com.yaml").write_text(zone, encoding="utf-8")
    config = folder / "config.yaml"
    config.write_text(OCTODNS_CONFIG, encoding="utf-8")
    return config


def run(
    command: list[str], folder: Path, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)
) -> dict[str, Any]:
    """One child process: wall seconds, its peak RSS in MB, and what it printed."""
    out, err = folder / "child.out", folder / "child.err"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=folder, stdout=stdout, stderr=stderr, env=env or os.environ.copy())
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}:\n{err.read_text()[-3000:]}")
    printed = out.read_text(encoding="utf-8") + err.read_text(encoding="utf-8")
    return {"s": seconds, "rss_mb": usage.ru_maxrss / 1024, "printed": printed}


def o2s(source: Path | None) -> tuple[list[str], dict[str, str]]:
    """How to start o2s-config: this checkout's, or the one in the source tree ``source``.

    A source tree with its own ``.venv`` runs in it, with the dependencies of its commit;
    otherwise in this interpreter, the tree first on the path.
    """
    env = os.environ.copy()
    env["NO_COLOR"] = "1"
    if source is None:
        return [sys.executable, "-m", "o2s_config"], env
    env["PYTHONPATH"] = str(source.resolve())
    own = source / ".venv" / "bin" / "python"
    return [str(own) if own.exists() else sys.executable, "-m", "o2s_config"], env


def check_source(source: Path, folder: Path) -> None:
    """Refuse a baseline that would silently import this checkout instead."""
    command, env = o2s(source)
    found = run([command[0], "-c", "import o2s_config; print(o2s_config.__file__)"], folder, env)["printed"]
    if not Path(found.strip()).resolve().is_relative_to(source.resolve()):
        raise SystemExit(f"--baseline {source}: o2s_config is imported from {found.strip()}")


def compile_bytecode(source: Path | None, folder: Path) -> None:
    """Compile the o2s_config tree a child imports, as installing a package does.

    octoDNS and every dependency come installed with their bytecode; an editable checkout
    gets it only when the interpreter may write it. Where ``PYTHONDONTWRITEBYTECODE`` is set (as
    on this project's machines), each run would otherwise compile every module changed since
    the tree's bytecode was last written (0.1-0.2 s of a plan), a cost no installed o2s-config pays.
    """
    command, env = o2s(source)
    tree = Path(__file__).resolve().parent.parent if source is None else source.resolve()
    run([command[0], "-m", "compileall", "-q", str(tree / "o2s_config")], folder, env)


def apply_first(source: Path | None, file: Path, db: Path, folder: Path) -> dict[str, Any]:
    """The first apply of ``file`` to a new tenant in ``db``."""
    command, env = o2s(source)
    db.unlink(missing_ok=True)
    return run([*command, "apply", str(file), "--target", f"sandbox:{db}", "--auto-approve"], folder, env)


def plan_noop(file: Path, db: Path, folder: Path) -> dict[str, Any]:
    """A plan that must find nothing to do (``--detailed-exitcode``: 2 would mean changes)."""
    command, env = o2s(None)
    return run([*command, "plan", str(file), "--target", f"sandbox:{db}", "--detailed-exitcode"], folder, env)


def octodns_plan(config: Path, folder: Path) -> dict[str, Any]:
    """octoDNS's no-op plan: octodns-sync without --doit."""
    sync = Path(sys.executable).with_name("octodns-sync")
    done = run([str(sync), "--config-file", str(config)], folder)
    if "No changes were planned" not in done["printed"]:  # octoDNS logs it (stderr)
        raise SystemExit(f"octoDNS planned changes:\n{done['printed'][-2000:]}")
    return done


def spread(values: list[float], digits: int = 2) -> dict[str, Any]:
    """Median, min and max of ``values``, and the values themselves."""
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "runs": [round(v, digits) for v in values],
    }


def rounds(repeat: int, commands: dict[str, Callable[[], dict[str, Any]]]) -> dict[str, list[float]]:
    """Every command once per round, ``repeat`` rounds; seconds and peak RSS of each run."""
    found: dict[str, list[float]] = {}
    for number in range(repeat):
        for name, command in commands.items():
            done = command()
            found.setdefault(f"{name}_s", []).append(done["s"])
            found.setdefault(f"{name}_rss_mb", []).append(done["rss_mb"])
            print(f"round {number + 1}: {name} {done['s']:.2f} s {done['rss_mb']:.0f} MB", file=sys.stderr)
    return found


def measure(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    file = folder / "organisation.yaml"
    file.write_text(organisation_yaml(args.users), encoding="utf-8")
    config = write_octodns(folder / "dns", args.users)
    db = folder / "tenant.db"
    if args.baseline:
        check_source(args.baseline, folder)
    for source in (None, args.baseline) if args.baseline else (None,):
        compile_bytecode(source, folder)
    first: dict[str, Callable[[], dict[str, Any]]] = {"o2s_apply_first": lambda: apply_first(None, file, db, folder)}
    if args.baseline:
        first["baseline_apply_first"] = lambda: apply_first(args.baseline, file, folder / "baseline.db", folder)
    runs = rounds(args.apply_repeat, first)  # leaves ``db`` holding the file: the no-op plans' tenant
    runs |= rounds(
        args.repeat,
        {
            "octodns_plan_noop": lambda: octodns_plan(config, folder / "dns"),
            "o2s_plan_noop": lambda: plan_noop(file, db, folder),
            "o2s_validate": lambda: run([*o2s(None)[0], "validate", str(file)], folder, o2s(None)[1]),
        },
    )
    figures: dict[str, Any] = {"users": args.users, "repeat": args.repeat, "apply_repeat": args.apply_repeat}
    figures["file_mb"] = round(file.stat().st_size / 1e6, 2)
    figures["zone_mb"] = round((folder / "dns" / "source" / "example.com.yaml").stat().st_size / 1e6, 2)
    if args.big:
        big = folder / "organisation-big.yaml"
        big.write_text(organisation_yaml(args.big), encoding="utf-8")
        big_db = folder / "big.db"
        if args.big_tenant:  # a tenant already holding the --big file (a copy: this run changes nothing in it)
            for suffix in ("", "-wal"):  # SQLite's write-ahead log, when it was not merged back yet
                if Path(f"{args.big_tenant}{suffix}").exists():
                    shutil.copyfile(f"{args.big_tenant}{suffix}", f"{big_db}{suffix}")
        else:
            runs |= rounds(1, {"big_apply_first": lambda: apply_first(None, big, big_db, folder)})
        runs |= rounds(args.big_repeat, {"big_plan_noop": lambda: plan_noop(big, big_db, folder)})
        figures["big_users"] = args.big
    figures["figures"] = {name: spread(values) for name, values in runs.items()}
    figures["ratios"] = ratios(runs)
    if args.big:
        peak = max(runs["big_plan_noop_rss_mb"])
        met = peak < BIG_RSS_LIMIT_MB
        figures["big_plan_noop_peak_rss_mb"] = {"value": round(peak), "target": BIG_RSS_LIMIT_MB, "met": met}
    return figures


def ratios(runs: dict[str, list[float]]) -> dict[str, Any]:
    """Each ratio round by round (median and spread), against its target."""
    found: dict[str, Any] = {}
    for name, top, bottom, target in RATIOS:
        if top not in runs or bottom not in runs:
            continue
        values = [a / b for a, b in zip(runs[top], runs[bottom], strict=True)]
        found[name] = {**spread(values, 3), "target": round(target, 3), "met": statistics.median(values) <= target}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10_000, help="users in the organisation, names in the zone")
    parser.add_argument("--big", type=int, default=50_000, help="users of the memory figure (0: skip it)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the no-op plans and validate")
    parser.add_argument("--big-repeat", type=int, default=1, help="rounds of the no-op plan of --big users")
    parser.add_argument("--apply-repeat", type=int, default=3, help="rounds of the first apply")
    parser.add_argument("--big-tenant", type=Path, help="a sandbox database already holding the --big file")
    parser.add_argument("--baseline", type=Path, help="a source tree of the commit to compare the first apply with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(measure(args, Path(folder)), indent=2))


if __name__ == "__main__":
    main()
