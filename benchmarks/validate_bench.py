"""Time `validate` on a synthetic organisation; prints one JSON object.

python benchmarks/validate_bench.py --users 10000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ruamel.yaml import YAML
from synthetic import write_organisation

from o2s_config.validate import validate_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_organisation(Path(folder), args.users)
        text = path.read_text(encoding="utf-8")
        parse = _best(args.repeat, lambda: YAML(typ="safe", pure=False).load(text))
        validate = _best(args.repeat, lambda: validate_file(path, env={}))
        result = validate_file(path, env={})
        assert result.organisation.users is not None and len(result.organisation.users) == args.users
        print(
            json.dumps(
                {
                    "users": args.users,
                    "file_mb": round(path.stat().st_size / 1e6, 2),
                    "yaml_parse_s": round(parse, 3),
                    "validate_s": round(validate, 3),
                    "warnings": len(result.warnings),
                }
            )
        )


def _best(repeat: int, action: object) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


if __name__ == "__main__":
    main()
