"""Load benchmark: 100 concurrent API clients against the demo data on PostgreSQL, on loopback.

Run: .venv/bin/python bench/bench_load.py [--clients 100] [--seconds 60]
         [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/homecoming_bench] [--keep]
         [--records N] [--data-dir DIR]

Creates the bench database if it is missing and loads the demo scenario into it
(`homecoming demo --reset`; --keep reuses what is there, and a --data-dir kept with it the
search index's snapshot), with --records N generated records more imported on top
(`extra_records.py`), issues an API token for the demo's
registrar (`homecoming users token`), starts `homecoming serve` on a free loopback port, then
runs the clients for the given time, each sending one request after another:

- search: GET /search?q=<a name from the registry, in whichever alphabet it was written>
- person: GET /persons/{id}
- judgement: POST /judgements on a pair of records nobody has judged yet (disjoint pairs, so
  no conflict is expected), "same" or "not_same"
- handover: POST /handovers for a stage-1 member of the demo agreement not yet recorded (when
  the demo has an agreement; each person once)

Prints requests, errors, p50 and p99 per kind and the throughput; exits 1 on any error (a
status of 400 or more, a timeout, a dropped connection). Writes only the bench database and
a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from extra_records import add_records
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/homecoming_bench"
HOMECOMING = [sys.executable, "-m", "homecoming"]
MIX = {"search": 0.45, "person": 0.35, "judgement": 0.12, "handover": 0.08}


@dataclass
class Workload:
    """What the clients draw from: names, person ids, undecided pairs, pending handovers."""

    names: list[str]
    person_ids: list[int]
    pairs: list[tuple[int, int]]
    handovers: list[dict[str, Any]]
    rng: random.Random = field(default_factory=lambda: random.Random(7))


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


# -- setting up ---------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        ).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def homecoming(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*HOMECOMING, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"homecoming {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def registrar_token(env: dict[str, str]) -> str:
    users = json.loads(homecoming(env, "users", "list", "--json"))
    registrar = next(u["username"] for u in users if u["role"] == "registrar" and u["active"])
    return homecoming(env, "users", "token", registrar, "--name", "load benchmark").strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(env: dict[str, str], port: int) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [*HOMECOMING, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 900  # the search snapshot first: minutes at 1M records
        while time.monotonic() < deadline:
            if process.poll() is not None:
                sys.exit(f"homecoming serve ended:\n{process.stderr.read()[-3000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def workload(url: str, base: str, headers: dict[str, str]) -> Workload:
    engine = create_engine(url)
    with engine.connect() as connection:
        names = [
            r[0]
            for r in connection.execute(
                text("SELECT full_name FROM records WHERE full_name <> '' ORDER BY id LIMIT 5000")
            )
        ]
        person_ids = [
            r[0] for r in connection.execute(text("SELECT id FROM persons ORDER BY id LIMIT 20000"))
        ]
        judged = "SELECT record_a_id FROM judgements UNION SELECT record_b_id FROM judgements"
        free = [
            r[0]
            for r in connection.execute(
                text(f"SELECT id FROM records WHERE id NOT IN ({judged}) ORDER BY id LIMIT 20000")
            )
        ]
    engine.dispose()
    pairs = list(zip(free[0::2], free[1::2], strict=False))
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        handovers = pending_handovers(client)
    return Workload(names, person_ids, pairs, handovers)


def pending_handovers(client: httpx.Client) -> list[dict[str, Any]]:
    """Stage 1 members of the newest agreement whose handover is not recorded yet."""
    found = client.get("/agreements")
    if found.status_code != 200 or not found.json():
        return []
    agreement = found.json()[0]["id"]
    stage = client.get(f"/stages/{agreement}/1")
    recorded = client.get(
        "/handovers", params={"agreement_id": agreement, "stage": 1, "latest": True}
    )
    if stage.status_code != 200 or recorded.status_code != 200:
        return []
    done = {(r["party"], r["person_id"]) for r in recorded.json()}
    return [
        {
            "agreement_id": agreement,
            "stage": 1,
            "party": m["party"],
            "person_id": m["person_id"],
            "outcome": "delivered",
        }
        for m in stage.json()["members"]
        if (m["party"], m["person_id"]) not in done
    ]


# -- the clients ------------------------------------------------------------------------------


def next_request(work: Workload) -> tuple[str, str, str, dict[str, Any] | None]:
    """(kind, method, path, json body) for the next request."""
    kinds = [k for k in MIX if k != "handover" or work.handovers]
    kinds = [k for k in kinds if k != "judgement" or work.pairs]
    kind = work.rng.choices(kinds, weights=[MIX[k] for k in kinds])[0]
    if kind == "search":
        name = work.rng.choice(work.names)
        return kind, "GET", f"/search?q={quote(name)}&limit=10", None
    if kind == "person":
        return kind, "GET", f"/persons/{work.rng.choice(work.person_ids)}", None
    if kind == "judgement":
        a, b = work.pairs.pop()
        decision = "same" if work.rng.random() < 0.3 else "not_same"
        body = {"record_a": a, "record_b": b, "decision": decision, "reason": "load benchmark"}
        return kind, "POST", "/judgements", body
    return kind, "POST", "/handovers", work.handovers.pop()


async def client_loop(
    client: httpx.AsyncClient, work: Workload, tally: Tally, deadline: float
) -> None:
    while time.monotonic() < deadline:
        kind, method, path, body = next_request(work)
        started = time.perf_counter()
        try:
            response = await client.request(method, path, json=body)
            if response.status_code >= 400:
                tally.errors[kind].append(f"{response.status_code} {path}: {response.text[:200]}")
        except httpx.HTTPError as error:
            tally.errors[kind].append(f"{type(error).__name__} {path}: {error}")
        tally.latencies[kind].append(time.perf_counter() - started)


async def run_clients(
    base: str, headers: dict[str, str], work: Workload, clients: int, seconds: float
) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, timeout=60, limits=limits
    ) as client:
        started = time.perf_counter()
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(client_loop(client, work, tally, deadline) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return tally, elapsed


def report(tally: Tally, elapsed: float, clients: int) -> int:
    total = sum(len(v) for v in tally.latencies.values())
    errors = sum(len(v) for v in tally.errors.values())
    print(f"\n{clients} clients for {elapsed:.0f} s: {total:,} requests, {total / elapsed:.0f}/s")
    print(f"{'kind':<12}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind in MIX:
        times = sorted(tally.latencies.get(kind, []))
        if not times:
            continue
        p50 = statistics.median(times) * 1000
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
        print(
            f"{kind:<12}{len(times):>10,}{len(tally.errors.get(kind, [])):>8}"
            f"{p50:>9.0f}{p99:>9.0f}{times[-1] * 1000:>9.0f}"
        )
    for kind, found in tally.errors.items():
        for line in found[:5]:
            print(f"  {kind} error: {line}")
    print(f"errors: {errors}")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="reuse the loaded demo data")
    parser.add_argument(
        "--records", type=int, default=0, help="generated records imported on top of the demo"
    )
    parser.add_argument("--data-dir", default="", help="default: a temporary directory")
    parser.add_argument("--no-writes", action="store_true", help="only searches and persons")
    args = parser.parse_args()
    ensure_database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        env = {
            **os.environ,
            "HOMECOMING_DATABASE_URL": args.database_url,
            "HOMECOMING_DATA_DIR": args.data_dir or str(Path(tmp) / "var"),
            "HOMECOMING_LOG_LEVEL": "WARNING",
        }
        if not args.keep:
            started = time.perf_counter()
            homecoming(env, "demo", "--reset")
            print(f"demo data loaded in {time.perf_counter() - started:.0f} s", flush=True)
            add_records(env, args.records, Path(tmp))
        headers = {"Authorization": f"Bearer {registrar_token(env)}"}
        with server(env, free_port()) as base:
            work = workload(args.database_url, base, headers)
            if args.no_writes:
                work.pairs, work.handovers = [], []
            print(
                f"workload: {len(work.names):,} names, {len(work.person_ids):,} persons,"
                f" {len(work.pairs):,} undecided pairs, {len(work.handovers):,} pending handovers",
                flush=True,
            )
            httpx.get(f"{base}/search?q=warm", headers=headers, timeout=300)  # build the index
            tally, elapsed = asyncio.run(
                run_clients(base, headers, work, args.clients, args.seconds)
            )
    return report(tally, elapsed, args.clients)


if __name__ == "__main__":
    sys.exit(main())
