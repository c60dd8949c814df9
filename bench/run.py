"""API benchmark on PostgreSQL: load a deterministic dataset through the import path, serve it,
drive every hot endpoint with wrk over loopback, and print one table (also written as JSON).

    python -m bench.run            # 1,000,000 contacts
    python -m bench.run --quick    # 100,000 contacts, shorter runs

Every figure is also a ratio to the floor: the same server stack answering the list page's
bytes from memory. Growth compares the same calls on a 10,000-contact account.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import orjson
from sqlalchemy import text

from bench.common import OUT, ROOT, fresh_postgres, machine, postgres_version, run_measured, table
from contactbook.domain.context import RequestContext
from contactbook.domain.fields import FieldInput, FieldType
from contactbook.domain.stoplist import Channel
from contactbook.services import accounts, fields, stoplist
from contactbook.storage.migrate import migrate
from contactbook.storage.uow import Database

CONTACTBOOK = [sys.executable, "-m", "contactbook"]
FIELDS = [
    ("plan", FieldType.TEXT),
    ("seats", FieldType.NUMBER),
    ("signup_date", FieldType.DATE),
    ("score", FieldType.NUMBER),
    ("referral", FieldType.TEXT),
]
SEED_PUT = ROOT / "tests" / "fixtures" / "notificore" / "update-contact.request.json"


@dataclass
class Account:
    id: int
    key: str
    rows: int
    token: str = ""
    field_ids: dict[str, int] = field(default_factory=dict)
    list_ids: list[int] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Scenario:
    name: str
    lines: list[str]
    headers: dict[str, str]
    target: str = ""


# --- loading --------------------------------------------------------------------------------


def dataset(rows: int) -> Path:
    path = OUT / f"contacts-{rows}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        done = run_measured([sys.executable, "-m", "bench.gen_contacts", str(rows), str(path)])
        if done.returncode:
            raise SystemExit(done.stderr)
    return path


async def make_account(url: str, name: str, rows: int) -> Account:
    db = Database(url, pool_size=2)
    try:
        async with db.unit() as uow:
            made = await accounts.create_account(uow, name)
        ctx = RequestContext(account_id=made.account.id)
        account = Account(made.account.id, made.key.secret, rows)
        async with db.unit(ctx) as uow:
            for key, kind in FIELDS:
                definition = await fields.create_field(uow, ctx, FieldInput(key, kind, key=key))
                account.field_ids[key] = definition.id
        return account
    finally:
        await db.dispose()


def load(url: str, account: Account) -> dict[str, Any]:
    """Import the account's dataset with `contactbook import` (the path users take)."""
    path = dataset(account.rows)
    done = run_measured(
        [
            *CONTACTBOOK,
            "import",
            str(path),
            "--account-id",
            str(account.id),
            "--database-url",
            url,
            "--json",
            "--errors",
            str(path) + ".bench-errors.csv",
        ]
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    summary = json.loads(done.stdout)
    return {
        **summary,
        "rows_per_second": round(summary["rows"] / done.seconds),
        "peak_rss_mib": round(done.peak_rss_mib, 1),
        "wall_seconds": round(done.seconds, 1),
    }


async def finish_dataset(url: str, account: Account) -> None:
    """Stop-list 10% of the phones, pick samples for the request mixes, refresh statistics."""
    db = Database(url, pool_size=2)
    ctx = RequestContext(account_id=account.id)
    try:
        async with db.unit(ctx, write=False) as uow:
            rows = (
                await uow.conn.execute(
                    text(
                        "SELECT id, phone, email, external_id FROM contacts "
                        "WHERE account_id = :a AND phone IS NOT NULL ORDER BY id"
                    ),
                    {"a": account.id},
                )
            ).all()
            lists = (
                await uow.conn.execute(
                    text("SELECT id FROM lists WHERE account_id = :a ORDER BY id"),
                    {"a": account.id},
                )
            ).all()
        account.list_ids = [row[0] for row in lists]
        phones = [row[1] for row in rows[::10]]
        for start in range(0, len(phones), 1000):
            async with db.unit(ctx) as uow:
                await stoplist.stop_phones(
                    uow, ctx, phones[start : start + 1000], frozenset({Channel.SMS})
                )
        rng = random.Random(7)
        picks = rng.sample(rows, min(2000, len(rows)))
        account.sample = [
            {"id": r[0], "phone": r[1], "email": r[2], "external_id": r[3]} for r in picks
        ]
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("VACUUM ANALYZE")
            # Write the load's dirty pages out now, not in the middle of a measurement (the
            # checkpoint that follows a million-row load stalled reads for hundreds of ms).
            await conn.exec_driver_sql("CHECKPOINT")
    finally:
        await db.dispose()


# --- serving ------------------------------------------------------------------------------


class Server:
    def __init__(self, url: str, workers: int, floor: Path, *, cache: bool = True) -> None:
        self.port = 18080
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "CONTACTBOOK_DATABASE_URL": url,
            "CONTACTBOOK_BENCH_FLOOR": str(floor),
            "CONTACTBOOK_RATE_LIMIT_ENABLED": "false",
            "CONTACTBOOK_JOBS_ENABLED": "false",
            "CONTACTBOOK_RESPONSE_CACHE_MIB": "64" if cache else "0",
            "PYTHONPATH": str(ROOT),
        }
        self.log = (OUT / "server.log").open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.server:create_bench_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--no-access-log",
                "--log-level",
                "warning",
                "--no-server-header",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the benchmark server did not start; see bench/out/server.log")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def login(server: Server, account: Account) -> None:
    reply = httpx.post(server.base + "/api/auth/login", json={"api_key": account.key})
    account.token = reply.json()["bearer"]


# --- scenarios ----------------------------------------------------------------------------


def scenarios(account: Account, growth: bool = False) -> list[Scenario]:
    """The request mixes: each line is METHOD, path and body, cycled through by wrk."""
    native = {"Authorization": f"Bearer {account.key}"}
    bsg = {"Authorization": f"Bearer {account.token}"}
    chatwoot = {"api_access_token": account.key}
    json_type = {"Content-Type": "application/json"}
    sample = account.sample
    deep = max(0, int(account.rows * 0.9))

    def get(path: str) -> str:
        return f"GET\t{path}"

    result = [
        Scenario(
            "notificore list, page of 30",
            [get("/api/contacts?page[limit]=30")],
            bsg,
            ">= 50% of floor",
        ),
        Scenario(
            "notificore list, deep page",
            [get(f"/api/contacts?page[limit]=30&page[offset]={deep}")],
            bsg,
            "<= 1.5x first page",
        ),
        Scenario(
            "notificore list, one group",
            [get(f"/api/contacts?page[limit]=30&groups[]={account.list_ids[0]}")],
            bsg,
        ),
        Scenario(
            "get by id",
            [get(f"/contactbook/v1/contacts/{s['id']}") for s in sample],
            native,
            "p99 <= 5 ms",
        ),
        Scenario(
            "lookup by phone",
            [
                get(f"/contactbook/v1/contacts/lookup?phone={quote(s['phone'], safe='')}")
                for s in sample
            ],
            native,
            "p99 <= 5 ms",
        ),
        Scenario(
            "lookup by email",
            [
                get(f"/contactbook/v1/contacts/lookup?email={quote(s['email'], safe='')}")
                for s in sample
            ],
            native,
            "p99 <= 5 ms",
        ),
        Scenario(
            "lookup by external id",
            [
                get(
                    f"/contactbook/v1/contacts/lookup?external_id={quote(s['external_id'], safe='')}"
                )
                for s in sample
            ],
            native,
            "p99 <= 5 ms",
        ),
    ]
    if growth:
        return result
    words = [
        "shev",
        "lovel",
        "ada.",
        "grace",
        "kim",
        "novak",
        "hopper",
        ".123@",
        "4477009",
        "user-99",
    ]
    result += [
        Scenario(
            "chatwoot search ?q=",
            [
                get(f"/api/v1/accounts/{account.id}/contacts/search?q={quote(w, safe='')}")
                for w in words
            ],
            chatwoot,
            "p95 <= 100 ms",
        ),
        Scenario(
            "chatwoot filter, custom attribute",
            [
                f"POST\t/api/v1/accounts/{account.id}/contacts/filter\t"
                + orjson.dumps(
                    {
                        "payload": [
                            {
                                "attribute_key": "plan",
                                "filter_operator": "equal_to",
                                "values": [plan],
                                "query_operator": None,
                            }
                        ]
                    }
                ).decode()
                for plan in ("gold", "pro", "basic")
            ],
            {**chatwoot, **json_type},
            "p95 <= 200 ms",
        ),
        Scenario(
            "helpcrunch search ~",
            [
                "POST\t/v1/customers/search\t"
                + orjson.dumps(
                    {
                        "filter": [{"field": "customers.name", "operator": "~", "value": w}],
                        "limit": 30,
                    }
                ).decode()
                for w in ("shev", "grace", "novak", "lovel")
            ],
            {**native, **json_type},
            "p95 <= 100 ms",
        ),
        Scenario(
            "native cursor page of 1000", [get("/contactbook/v1/contacts?limit=1000")], native
        ),
        Scenario(
            "notificore PUT seed body",
            [
                "PUT\t/api/contacts/{id}\t".format(id=s["id"])
                + orjson.dumps(
                    {
                        "phone": int(s["phone"][1:]),
                        "groups": [account.list_ids[0]],
                        "fields": [{"id": account.field_ids["plan"], "value": "gold"}],
                    }
                ).decode()
                for s in sample[:500]
            ],
            {**bsg, **json_type},
        ),
        Scenario(
            "helpcrunch PATCH",
            [
                "PATCH\t/v1/customers/{id}\t".format(id=s["id"])
                + orjson.dumps(
                    {"name": f"Renamed {n}", "customData": [{"property": "plan", "value": "pro"}]}
                ).decode()
                for n, s in enumerate(sample[500:1000])
            ],
            {**native, **json_type},
        ),
        Scenario("floor: same bytes, no work", [get("/bench/floor")], {}),
    ]
    return result


def run_wrk(server: Server, scenario: Scenario, seconds: int, connections: int) -> dict[str, Any]:
    lines_file = OUT / "requests.txt"
    lines_file.write_text("\n".join(scenario.lines) + "\n")
    args = [
        "wrk",
        f"-t{min(2, connections)}",  # wrk needs a connection per thread
        f"-c{connections}",
        f"-d{seconds}s",
        # A slow reply is a latency to report, not an error: wrk's default gives up after 2 s.
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(ROOT / "bench" / "wrk_report.lua"),
    ]
    for name, value in scenario.headers.items():
        args += ["-H", f"{name}: {value}"]
    args += [server.base, "--", str(lines_file)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["rps"] = round(report["requests"] / report["seconds"], 1)
    return report


def measure(
    server: Server,
    scenario: Scenario,
    seconds: int,
    args: argparse.Namespace,
    *,
    solo: bool = False,
) -> dict[str, Any]:
    """Throughput with many connections; latency under light load (a few connections), where
    it says how long a call takes rather than how long the queue is. `solo` adds the latency
    of one caller at a time: the call's own service time, with no other call sharing the
    cores (what separates a slow call from a saturated machine)."""
    # Warm up first: the processes' statement caches, the offset checkpoints a deep page
    # builds in the background, the pages the call reads.
    run_wrk(server, scenario, max(1, seconds // 5), args.connections)
    busy = run_wrk(server, scenario, seconds, args.connections)
    light = run_wrk(server, scenario, seconds, args.light_connections)
    alone = run_wrk(server, scenario, seconds, 1) if solo else None
    return {
        "rps": busy["rps"],
        "errors": busy["errors"] + light["errors"],
        "p50_ms": light["p50_ms"],
        "p95_ms": light["p95_ms"],
        "p99_ms": light["p99_ms"],
        "solo_p95_ms": alone["p95_ms"] if alone else None,
        "solo_p99_ms": alone["p99_ms"] if alone else None,
        "busy": busy,
        "light": light,
        "solo": alone,
        "target": scenario.target,
    }


def check_responses(server: Server, scenario: Scenario) -> None:
    """A benchmark of errors measures nothing: every mix must answer 2xx first."""
    with httpx.Client(base_url=server.base, headers=scenario.headers, timeout=60) as client:
        for line in scenario.lines[:3]:
            method, path, *body = line.split("\t")
            reply = client.request(method, path, content=body[0] if body else None)
            if reply.status_code >= 300:
                raise SystemExit(
                    f"{scenario.name}: {method} {path} -> {reply.status_code} {reply.text[:300]}"
                )


# --- the run ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 contacts, 2 s a measurement")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=int, default=None, help="wrk duration per call")
    parser.add_argument("--connections", type=int, default=32, help="for throughput")
    parser.add_argument("--light-connections", type=int, default=4, help="for latency")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    rows = args.rows or (100_000 if args.quick else 1_000_000)
    seconds = args.seconds or (2 if args.quick else 10)
    started = time.monotonic()
    url = fresh_postgres(args.pg_url, "contactbook_bench")
    asyncio.run(migrate(url))
    big = asyncio.run(make_account(url, "Big", rows))
    small = asyncio.run(make_account(url, "Small", 10_000))
    print(f"loading {rows:,} contacts through `contactbook import`…", flush=True)
    loaded = load(url, big)
    load(url, small)
    asyncio.run(finish_dataset(url, big))
    asyncio.run(finish_dataset(url, small))
    floor_file = OUT / "floor.json"
    floor_file.write_bytes(b"{}")
    server = Server(url, args.workers, floor_file)
    results: dict[str, Any] = {}
    try:
        for account in (big, small):
            login(server, account)
        page = httpx.get(
            server.base + "/api/contacts?page[limit]=30",
            headers={"Authorization": f"Bearer {big.token}"},
        )
        # The floor answers exactly these bytes (each process reads the file on first use).
        floor_file.write_bytes(page.content)
        for scenario in scenarios(big):
            check_responses(server, scenario)
            print(f"  {scenario.name}…", flush=True)
            results[scenario.name] = measure(server, scenario, seconds, args)
        server.stop()
        # The same reads with the response cache off: what rendering from the database costs.
        server = Server(url, args.workers, floor_file, cache=False)
        for scenario in scenarios(big):
            if not scenario.lines[0].startswith(("PUT", "PATCH")) and not scenario.name.startswith(
                "floor"
            ):
                print(f"  {scenario.name} (no cache)…", flush=True)
                results[scenario.name]["uncached"] = measure(
                    server, scenario, seconds, args, solo=True
                )
        # Growth compares database work, so it is measured with the cache off too.
        growth: dict[str, Any] = {}
        for scenario in scenarios(small, growth=True):
            check_responses(server, scenario)
            print(f"  {scenario.name} (10k account, no cache)…", flush=True)
            growth[scenario.name] = measure(server, scenario, seconds, args)
    finally:
        server.stop()
    report(rows, loaded, results, growth, url, time.monotonic() - started, args)


def report(
    rows: int,
    loaded: dict[str, Any],
    results: dict[str, Any],
    growth: dict[str, Any],
    url: str,
    elapsed: float,
    args: argparse.Namespace,
) -> None:
    """Two tables: every call rendered from the database (the response cache off), then the
    same calls repeated while the data is unchanged (served by the validated cache)."""
    floor = results["floor: same bytes, no work"]["rps"]
    first = results["notificore list, page of 30"]["uncached"]
    cold_rows, warm_rows = [], []
    for name, r in results.items():
        small = growth.get(name)
        cold = r.get("uncached") or r  # writes and the floor run once, with the cache on
        cold_rows.append(
            [
                name,
                f"{cold['rps']:,.0f}",
                f"{cold['rps'] / floor:.1%}",
                f"{cold['p50_ms']:.2f}",
                f"{cold['p95_ms']:.2f}",
                f"{cold['p99_ms']:.2f}",
                f"{cold['solo_p95_ms']:.2f} / {cold['solo_p99_ms']:.2f}"
                if cold.get("solo_p95_ms")
                else "",
                f"{cold['p50_ms'] / small['p50_ms']:.2f}x" if small else "",
                f"{cold['p50_ms'] / first['p50_ms']:.2f}x" if "deep" in name else "",
                r["target"],
                cold["errors"],
            ]
        )
        if "uncached" in r:
            warm_rows.append(
                [
                    name,
                    f"{r['rps']:,.0f}",
                    f"{r['rps'] / floor:.1%}",
                    f"{r['p50_ms']:.2f}",
                    f"{r['p95_ms']:.2f}",
                    f"{r['p99_ms']:.2f}",
                    r["errors"],
                ]
            )
    info = machine()
    pg = asyncio.run(postgres_version(url))
    print()
    print(
        f"Contactbook benchmark: {rows:,} contacts on PostgreSQL {pg}; {info['cpu']}, "
        f"{info['cores']} cores, {info['memory_mib']:,} MiB; server {args.workers} workers; "
        f"req/s with {args.connections} connections, latency with {args.light_connections}"
    )
    print(
        f"import: {loaded['rows']:,} rows in {loaded['wall_seconds']} s = "
        f"{loaded['rows_per_second']:,} rows/s, peak RSS {loaded['peak_rss_mib']} MiB"
    )
    print("\nEvery call rendered from the database (response cache off):")
    print(
        table(
            ["call", "req/s", "of floor", "p50 ms", "p95 ms", "p99 ms", "1 caller p95 / p99",
             "1M/10k p50", "deep/first", "target", "errors"],
            cold_rows,
        )
    )  # fmt: skip
    print("\nThe same reads repeated while the account's data is unchanged (validated cache):")
    print(table(["call", "req/s", "of floor", "p50 ms", "p95 ms", "p99 ms", "errors"], warm_rows))
    out = OUT / ("results-quick.json" if args.quick else "results.json")
    out.write_text(
        json.dumps(
            {
                "machine": info,
                "postgresql": pg,
                "rows": rows,
                "workers": args.workers,
                "connections": args.connections,
                "light_connections": args.light_connections,
                "import": loaded,
                "results": results,
                "growth_10k": growth,
                "seconds": round(elapsed),
            },
            indent=2,
        )
    )
    print(f"(written to {out}; the run took {elapsed / 60:.1f} min)")


if __name__ == "__main__":
    main()
