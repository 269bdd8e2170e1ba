"""Time the sandbox over real HTTP on 127.0.0.1; prints one JSON object.

    python benchmarks/sandbox_bench.py [--users 10000] [--writes 1000] [--page 1000]

The tenant is first filled directly through the store (users - writes of them), then a
``o2s-config sandbox serve`` process is started; the script times ``writes`` users created
one by one with POST /utilisateurs, then reading every user through the paged listing.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import httpx

from o2s_config.sandbox import users
from o2s_config.sandbox.process import served
from o2s_config.sandbox.seed import seed_tenant
from o2s_config.sandbox.store import Store

TOKEN = "bench-token"


def fill(db: Path, count: int) -> None:
    """``count`` users written straight into the store, in one transaction."""
    store = Store(db)
    seed_tenant(store)
    with store.write() as tx:
        for index in range(count):
            users.create(tx, _user(f"pre{index}"))
    store.close()


def _user(login: str) -> dict[str, object]:
    return {
        "login": login,
        "last_name": "Martin",
        "first_name": "Paul",
        "email": f"{login}@exemple.fr",
        "structure": "siege",
        "profile": "Administrateur",
        "advisor_id": login.upper(),
    }


def write_one_by_one(client: httpx.Client, count: int) -> float:
    started = time.perf_counter()
    for index in range(count):
        response = client.post("/utilisateurs", json={"ext": _user(f"bench{index}")})
        assert response.status_code == 201, response.text
    return time.perf_counter() - started


def list_all(client: httpx.Client, page: int) -> tuple[float, int, int]:
    """Seconds to read every user, the users read, the requests made."""
    started = time.perf_counter()
    seen, requests, status = 0, 0, 206
    while status == 206:
        response = client.get("/utilisateurs", params={"limit": page, "offset": seen})
        status, requests = response.status_code, requests + 1
        seen += len(response.json())
    return time.perf_counter() - started, seen, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000, help="users in the tenant when it is listed")
    parser.add_argument("--writes", type=int, default=1_000, help="users created one by one over HTTP")
    parser.add_argument("--page", type=int, default=1_000, help="page size of the listing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        fill(db, args.users - args.writes - 1)  # the seeded admin counts too
        with (
            served(db, TOKEN) as url,
            httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60) as client,
        ):
            write_s = write_one_by_one(client, args.writes)
            list_s, listed, requests = list_all(client, args.page)
    print(
        json.dumps(
            {
                "users_listed": listed,
                "list_requests": requests,
                "page_size": args.page,
                "list_all_users_s": round(list_s, 3),
                "writes": args.writes,
                "write_one_by_one_s": round(write_s, 3),
                "write_ms_per_user": round(write_s * 1000 / args.writes, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
