"""HTTP benchmark: each target of issue 15 with wrk, beside a bare-FastAPI floor in the same run.

Run: .venv/bin/python bench/bench_http.py [--database-url URL] [--data-dir DIR] [--keep]
         [--records N] [--workers N] [--seconds 10] [--rounds 1] [--only handover]

Loads the demo scenario (`homecoming demo --reset`; --keep reuses a loaded database, and a
--data-dir kept with it the search index's snapshot), with --records N generated records more
imported on top (`extra_records.py`), issues an API token for the demo's registrar, then runs,
with wrk on loopback:

- floor: a bare FastAPI endpoint (`def` returning a small dict), served by uvicorn with the
  same worker count, options and listening sockets (one per worker) as `homecoming serve`,
  running beside it, and measured just before and just after each target (the machine's load
  moves: a ratio needs both sides);
- GET /search?q=<a name from the registry, drawn at random> at 100 and at 10 connections;
- GET /persons/{id}, ids drawn at random, at 100 connections;
- POST /handovers: corrections of stage-1 handovers of the demo agreement, cycling through its
  members (each recorded once first), at 10 connections.

Every line gives requests/s, the ratio to the floor (the mean of the runs around it), p50/p99,
errors (statuses of 400 or more, socket errors and timeouts). Skips cleanly where wrk is
missing (Debian: `apt-get install wrk`). Writes only the bench database and a temporary
directory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from extra_records import add_records
from sqlalchemy import create_engine, text

HOMECOMING = [sys.executable, "-m", "homecoming"]
FLOOR_APP = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/floor")
def floor() -> dict[str, str]:
    return {"status": "ok"}
"""
# The floor's workers get their listening sockets as `homecoming serve`'s do (one per worker
# where the kernel balances them), so the ratio compares the apps, not the socket set-ups.
FLOOR_SERVER = """
import sys

import uvicorn

try:
    from homecoming.cli.workers import run
except ImportError:  # a homecoming from before the per-worker sockets
    run = uvicorn.run

if __name__ == "__main__":
    run(
        "floor_app:app", host="127.0.0.1", port=int(sys.argv[1]), workers=int(sys.argv[2]),
        access_log=False, log_level="warning", timeout_keep_alive=75,
        # As long as `homecoming serve` waits for its workers (WORKER_HEALTHCHECK_SECONDS): on a
        # loaded machine a worker still importing after uvicorn's 5 s is restarted over and over.
        timeout_worker_healthcheck=60,
    )
"""
# Each wrk thread seeds its own random numbers, so the threads draw different requests.
LUA_SEED = """
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  math.randomseed(id * 7919 + os.time())
  position = id * 7919
end
"""
TARGETS = {
    "search": 0.5,
    "person": 0.25,
    "handover": 0.25,
}
P99_AT_10_MS = 50.0
# A server brings the search snapshot up to date before it answers: minutes at 1,000,000 records.
START_WITHIN = 900


@dataclass
class Result:
    label: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def homecoming(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*HOMECOMING, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"homecoming {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def served(command: list[str], env: dict[str, str], base: str, probe: str) -> Iterator[str]:
    """Start a server, wait until `probe` answers 200, stop it afterwards."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + START_WITHIN
        while True:
            if process.poll() is not None:
                sys.exit(f"{' '.join(command)} ended:\n{process.stderr.read()[-3000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(base + probe, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{' '.join(command)} did not answer {probe} in {START_WITHIN} s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def serve_supports_workers(env: dict[str, str]) -> bool:
    return "--workers" in homecoming(env, "serve", "--help")


_DURATION = re.compile(r"([\d.]+)(us|ms|s|m)\b")
_SCALE = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    match = _DURATION.match(value)
    return float(match.group(1)) * _SCALE[match.group(2)] if match else float("nan")


def wrk(
    label: str, base: str, path: str, *, connections: int, seconds: int, script: Path | None
) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, base + path], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    # The latency distribution's lines only (a "67.50%" elsewhere must not match).
    p50 = re.search(r"^\s*50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s*99%\s+(\S+)", output, re.MULTILINE)
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(
        label,
        connections,
        rps,
        _ms(p50.group(1)) if p50 else float("nan"),
        _ms(p99.group(1)) if p99 else float("nan"),
        errors,
    )


def _lua_list(values: list[str]) -> str:
    return "{" + ",".join(json.dumps(v) for v in values) + "}"


def write_scripts(tmp: Path, token: str, names: list[str], persons: list[int], bodies: list[str]):  # type: ignore[no-untyped-def]
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"\n'
    search = tmp / "search.lua"
    search.write_text(
        auth
        + LUA_SEED
        + f"local names = {_lua_list([quote(n) for n in names])}\n"
        + "request = function()\n"
        + '  return wrk.format("GET", "/search?limit=10&q=" .. names[math.random(#names)])\n'
        + "end\n"
    )
    person = tmp / "person.lua"
    person.write_text(
        auth
        + LUA_SEED
        + f"local ids = {{{','.join(str(p) for p in persons)}}}\n"
        + "request = function()\n"
        + '  return wrk.format("GET", "/persons/" .. ids[math.random(#ids)])\n'
        + "end\n"
    )
    handover = tmp / "handover.lua"
    handover.write_text(
        auth
        + 'wrk.headers["Content-Type"] = "application/json"\n'
        + LUA_SEED
        + f"local bodies = {_lua_list(bodies)}\n"
        + "request = function()\n"
        + "  position = position + 1\n"
        + '  return wrk.format("POST", "/handovers", nil, bodies[position % #bodies + 1])\n'
        + "end\n"
    )
    return search, person, handover


def handover_bodies(base: str, headers: dict[str, str]) -> list[str]:
    """Corrections of stage-1 handovers, two per member (delivered, then not delivered)."""
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        found = client.get("/agreements").json()
        if not found:
            return []
        agreement = found[0]["id"]
        members = client.get(f"/stages/{agreement}/1").json()["members"][:200]
        latest = client.get(
            "/handovers", params={"agreement_id": agreement, "stage": 1, "latest": True}
        ).json()
        done = {(r["party"], r["person_id"]) for r in latest}
        bodies = []
        for m in members:
            body = {"agreement_id": agreement, "stage": 1, "party": m["party"]}
            body["person_id"] = m["person_id"]
            if (m["party"], m["person_id"]) not in done:
                client.post("/handovers", json={**body, "outcome": "delivered"}).raise_for_status()
            for outcome in ("not_delivered", "delivered"):
                bodies.append(json.dumps({**body, "outcome": outcome, "correct": True}))
    return bodies


def workload(url: str) -> tuple[list[str], list[int]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        names = [
            r[0]
            for r in connection.execute(
                text("SELECT full_name FROM records WHERE full_name <> '' ORDER BY id LIMIT 5000")
            )
        ]
        persons = [
            r[0] for r in connection.execute(text("SELECT id FROM persons ORDER BY id LIMIT 5000"))
        ]
    engine.dispose()
    return names, persons


def warm_up(base: str, headers: dict[str, str], search: Path, workers: int) -> None:
    """Until every worker has its index (built or loaded on its first search) and warmed it."""
    httpx.get(f"{base}/search?q=warm", headers=headers, timeout=600)
    previous = 0.0
    for _ in range(12):
        rps = wrk("warm-up", base, "/", connections=workers * 4, seconds=5, script=search).rps
        if previous and abs(rps - previous) <= 0.15 * previous:
            return
        previous = rps


def print_results(rows: list[tuple[Result, float]]) -> int:
    """Each target beside the floor measured just before and just after it."""
    print(
        f"\n{'target':<10}{'conns':>6}{'req/s':>8}{'floor':>8}{'× floor':>9}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'errors':>8}  goal"
    )
    errors = 0
    for r, floor in rows:
        ratio = r.rps / floor if floor else float("nan")
        goals = []
        if r.label in TARGETS and (r.connections == 100 or r.label == "handover"):
            goal = TARGETS[r.label]
            goals.append(f"≥ {goal}× {'ok' if ratio >= goal else 'UNMET'}")
        if r.label == "search" and r.connections == 10:
            met = "ok" if r.p99_ms <= P99_AT_10_MS else "UNMET"
            goals.append(f"p99 ≤ {P99_AT_10_MS:.0f} ms {met}")
        goals.append("0 errors" if r.errors == 0 else "ERRORS")
        errors += r.errors
        print(
            f"{r.label:<10}{r.connections:>6}{r.rps:>8,.0f}{floor:>8,.0f}{ratio:>9.2f}"
            f"{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.errors:>8}  {'; '.join(goals)}"
        )
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="default: SQLite in the data dir")
    parser.add_argument("--data-dir", default="", help="default: a temporary directory")
    parser.add_argument("--keep", action="store_true", help="reuse the loaded demo data")
    parser.add_argument(
        "--records", type=int, default=0, help="generated records imported on top of the demo"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=1, help="repeat every target this often")
    parser.add_argument("--no-writes", action="store_true", help="skip POST /handovers")
    parser.add_argument(
        "--only", default="", help="comma-separated targets to run (search, person, handover)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk): HTTP benchmark skipped")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp_name:
        tmp = Path(tmp_name)
        data_dir = Path(args.data_dir) if args.data_dir else tmp / "var"
        env = {
            **os.environ,
            "HOMECOMING_DATA_DIR": str(data_dir),
            "HOMECOMING_LOG_LEVEL": "WARNING",
        }
        if args.database_url:
            env["HOMECOMING_DATABASE_URL"] = args.database_url
        url = args.database_url or f"sqlite:///{data_dir / 'homecoming.sqlite3'}"
        if not args.keep:
            started = time.perf_counter()
            homecoming(env, "demo", "--reset")
            print(f"demo data loaded in {time.perf_counter() - started:.0f} s", flush=True)
            add_records(env, args.records, tmp)
        users = json.loads(homecoming(env, "users", "list", "--json"))
        registrar = next(u["username"] for u in users if u["role"] == "registrar" and u["active"])
        token = homecoming(env, "users", "token", registrar, "--name", "http benchmark").strip()
        (tmp / "floor_app.py").write_text(FLOOR_APP)
        (tmp / "floor_server.py").write_text(FLOOR_SERVER)
        floor_port, port = free_port(), free_port()
        floor_command = [
            sys.executable,
            str(tmp / "floor_server.py"),
            str(floor_port),
            str(args.workers),
        ]
        serve_command = [*HOMECOMING, "serve", "--port", str(port)]
        if serve_supports_workers(env):
            serve_command += ["--workers", str(args.workers)]
        floor_base, base = f"http://127.0.0.1:{floor_port}", f"http://127.0.0.1:{port}"
        seconds = args.seconds
        print(
            f"{args.workers} worker(s), {seconds} s per run, {url.split(':')[0]}; "
            "the floor is measured before and after each target",
            flush=True,
        )
        headers = {"Authorization": f"Bearer {token}"}
        rows: list[tuple[Result, float]] = []
        with (
            served(floor_command, env, floor_base, "/floor"),
            served(serve_command, env, base, "/health"),
        ):
            names, persons = workload(url)
            bodies = [] if args.no_writes else handover_bodies(base, headers)
            search, person, handover = write_scripts(tmp, token, names, persons, bodies)
            warm_up(base, headers, search, args.workers)
            wrk("warm-up", floor_base, "/floor", connections=10, seconds=2, script=None)
            plan = [("search", 100, search), ("search", 10, search), ("person", 100, person)]
            if bodies:
                plan.append(("handover", 10, handover))
            if args.only:
                plan = [step for step in plan if step[0] in args.only.split(",")]

            def floor() -> float:
                return wrk(
                    "floor", floor_base, "/floor", connections=100, seconds=seconds, script=None
                ).rps

            before = floor()
            for _ in range(args.rounds):
                for label, connections, script in plan:
                    result = wrk(
                        label, base, "/", connections=connections, seconds=seconds, script=script
                    )
                    after = floor()
                    rows.append((result, (before + after) / 2))
                    before = after
    return print_results(rows)


if __name__ == "__main__":
    sys.exit(main())
