"""Contention benchmark: one account written by many connections at once (a mixed write load)
on PostgreSQL and SQLite, served by `contactbook serve --workers 2`; req/s, errors by status,
latency, deadlocks in the server log, and `contactbook check` at the end.

    python -m bench.contention                    # PostgreSQL: 20,000 contacts, 32 connections, 20 s
    python -m bench.contention --sqlite           # and SQLite, compared in one table
    python -m bench.contention --quick --sqlite   # 5,000 contacts, 5 s each

Each database is new: it is seeded through `contactbook import` (contacts with lists, custom
fields and tags), then loaded with reads, PATCHes of custom fields on a hot set of contacts
(native, Notificore PUT, HelpCrunch PATCH), creates with lists (a quarter of the requests),
deletes and list attach/detach.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.common import OUT, fresh_postgres, machine, postgres_version, table
from bench.imports import generate
from bench.mixed_load import MIX, NATIVE, Target, drive

CONTACTBOOK = [sys.executable, "-m", "contactbook"]
DEADLOCK = re.compile(r"deadlock detected", re.IGNORECASE)
HOT_CONTACTS = 200
BOX = str.maketrans(dict.fromkeys("│╭╮╰╯─", " "))  # Typer's frame around usage errors


def contactbook(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CONTACTBOOK, *args], capture_output=True, text=True, check=False)


def seed(url: str, rows: int) -> tuple[int, str, dict[str, Any]]:
    """A new account holding the deterministic dataset; (id, API key, import summary)."""
    made = contactbook("accounts", "create", "--name", "Contention", "--database-url", url)
    if made.returncode:
        raise SystemExit(made.stderr)
    account = json.loads(made.stdout)
    path = generate(rows)
    started = time.monotonic()
    done = contactbook(
        "import", str(path), "--account-id", str(account["account_id"]),
        "--database-url", url, "--json", "--errors", f"{path}.contention-errors.csv",
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(done.stderr)
    summary = json.loads(done.stdout)
    summary["wall_seconds"] = round(time.monotonic() - started, 1)
    return int(account["account_id"]), str(account["api_key"]), summary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`contactbook serve --workers N` on a free port, its log in the out folder."""

    def __init__(self, url: str, workers: int, label: str, uploads: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = OUT / f"contention-server-{label}.log"
        self.log = self.log_path.open("w")
        env = {
            **os.environ,
            "CONTACTBOOK_RATE_LIMIT_ENABLED": "false",
            "CONTACTBOOK_IMPORT_DIR": str(uploads),
        }
        self.process = subprocess.Popen(
            [*CONTACTBOOK, "serve", "--port", str(self.port), "--database-url", url,
             "--workers", str(workers), "--no-access-log"],
            stdout=self.log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; see {self.log_path}")
            time.sleep(0.2)
        # Both workers answer before the load starts.
        time.sleep(2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(30)
        self.log.close()

    def deadlocks(self) -> int:
        return sum(1 for line in self.log_path.read_text(errors="replace").splitlines()
                   if DEADLOCK.search(line))  # fmt: skip

    def tracebacks(self) -> int:
        return self.log_path.read_text(errors="replace").count("Traceback (most recent call")


def target_of(server: Server, account_id: int, key: str, rng: random.Random) -> Target:
    """The account as the load sees it: its lists, field ids, contacts to read and write."""
    native = httpx.Client(
        base_url=server.base + NATIVE, headers={"Authorization": f"Bearer {key}"}, timeout=60
    )
    with native:
        lists = native.get("/lists", params={"limit": 1000}).json()["items"]
        fields = {f["key"]: f["id"] for f in native.get("/fields").json()["items"]}
        contacts: list[dict[str, Any]] = []
        cursor = None
        while len(contacts) < 5000:
            params = {"limit": 1000, **({"cursor": cursor} if cursor else {})}
            page = native.get("/contacts", params=params).json()
            contacts += [{"id": c["id"], "phone": c["phone"]} for c in page["items"] if c["phone"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        # A tenth of the sampled phones on the stop list, so list writes move its counter too.
        stopped = [c["phone"] for c in contacts[::10]][:1000]
        native.post("/stoplist", json={"phones": stopped, "channels": ["sms"]}).raise_for_status()
    login = httpx.post(server.base + "/api/auth/login", json={"api_key": key}, timeout=60)
    login.raise_for_status()
    return Target(
        base=server.base,
        account_id=account_id,
        key=key,
        bsg_token=login.json()["bearer"],
        plan_field_id=int(fields["plan"]),
        list_ids=[int(item["id"]) for item in lists],
        readable=[c["id"] for c in contacts],
        hot=rng.sample(contacts, min(HOT_CONTACTS, len(contacts))),
    )


def check(url: str, account_id: int) -> dict[str, Any]:
    """`contactbook check` on the account: clean, what differs, or why it could not say."""
    done = contactbook("check", "--account-id", str(account_id), "--database-url", url)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        said = " ".join(done.stderr.translate(BOX).split())
        return {
            "exit": done.returncode,
            "verdict": f"unavailable: {said.split('Error ')[-1][-80:]}",
        }
    differences = report.get("differences") or []
    clean = done.returncode == 0 and report.get("clean") is True
    verdict = "clean" if clean else f"not clean: {len(differences)} differences"
    return {"exit": done.returncode, "verdict": verdict, "report": report}


def bench_database(
    label: str, url: str, rows: int, args: argparse.Namespace, uploads: Path
) -> dict[str, Any]:
    print(f"{label}: seeding {rows:,} contacts through `contactbook import`…", flush=True)
    account_id, key, seeded = seed(url, rows)
    server = Server(url, args.workers, label, uploads)
    try:
        target = target_of(server, account_id, key, random.Random(11))
        warm = max(1.0, args.seconds / 5)
        print(f"{label}: warm-up {warm:.0f} s, then {args.seconds} s with "
              f"{args.connections} connections…", flush=True)  # fmt: skip
        drive(target, args.connections, warm, seed=1)
        before = server.deadlocks(), server.tracebacks()
        measured = drive(target, args.connections, args.seconds, seed=2)
        deadlocks, tracebacks = server.deadlocks() - before[0], server.tracebacks() - before[1]
    finally:
        server.stop()
    return {
        "database": label,
        "seeded": seeded,
        "figures": measured.figures(),
        "operations": measured.by_operation(),
        "deadlocks_in_log": deadlocks,
        "deadlocks_in_log_with_warm_up": server.deadlocks(),
        "tracebacks_in_log": tracebacks,
        "tracebacks_in_log_with_warm_up": server.tracebacks(),
        "check": check(url, account_id),
        "log": str(server.log_path),
    }


def report(results: list[dict[str, Any]], args: argparse.Namespace, facts: dict[str, Any]) -> None:
    info = facts["machine"]
    print()
    print(
        f"Contention benchmark: {facts['rows']:,} contacts, {args.connections} connections for "
        f"{args.seconds} s, server {args.workers} workers; {info['cpu']}, {info['cores']} cores "
        f"(nproc), {info['memory_mib']:,} MiB, load average at start {facts['load_average']}; "
        f"the load generator shares the cores with the server and the database"
    )
    if facts.get("postgresql"):
        print(f"PostgreSQL {facts['postgresql']}")
    print("mix: " + ", ".join(f"{op} {weight}%" for op, weight in MIX))
    rows = []
    for r in results:
        f = r["figures"]
        by_status = ", ".join(f"{status}: {n}" for status, n in f["statuses"].items())
        rows.append([
            r["database"], f"{f['rps']:,.1f}", f"{f['error_rate']:.1%}", by_status,
            f["p50_ms"], f["p95_ms"], f["p99_ms"], f["max_ms"], r["deadlocks_in_log"],
            r["tracebacks_in_log"], r["check"]["verdict"],
        ])  # fmt: skip
    print(table(["database", "req/s", "errors", "by status", "p50 ms", "p95 ms", "p99 ms",
                 "max ms", "deadlocks in log", "tracebacks in log", "contactbook check"], rows))  # fmt: skip
    rates = {r["database"]: r["figures"]["rps"] for r in results}
    if rates.get("SQLite") and "PostgreSQL" in rates:
        print(f"PostgreSQL / SQLite req/s: {rates['PostgreSQL'] / rates['SQLite']:.2f}x")
    for r in results:
        print(f"\n{r['database']}, by operation:")
        print(table(
            ["operation", "requests", "req/s", "errors", "by status", "p50 ms", "p99 ms"],
            [[op, f["requests"], f["rps"], f["errors"],
              ", ".join(f"{s}: {n}" for s, n in f["statuses"].items()), f["p50_ms"], f["p99_ms"]]
             for op, f in r["operations"].items()],
        ))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server where the benchmark creates its database")  # fmt: skip
    parser.add_argument("--no-postgres", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--sqlite", action="store_true", help="also run on SQLite")
    parser.add_argument("--quick", action="store_true", help="5,000 contacts, 5 s")
    parser.add_argument("--rows", type=int, default=None, help="contacts seeded (20,000)")
    parser.add_argument("--seconds", type=float, default=None, help="measured load (20)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = parser.parse_args()
    rows = args.rows or (5_000 if args.quick else 20_000)
    args.seconds = args.seconds or (5.0 if args.quick else 20.0)
    if args.no_postgres and not args.sqlite:
        raise SystemExit("nothing to run: give --sqlite or drop --no-postgres")
    OUT.mkdir(parents=True, exist_ok=True)
    facts: dict[str, Any] = {
        "machine": machine(),
        "rows": rows,
        "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
    results = []
    with tempfile.TemporaryDirectory() as directory:
        if not args.no_postgres:
            url = fresh_postgres(args.pg_url, "contactbook_bench_contention")
            results.append(bench_database("PostgreSQL", url, rows, args, Path(directory) / "pg"))
            facts["postgresql"] = asyncio.run(postgres_version(url))
        if args.sqlite:
            url = f"sqlite:///{directory}/contention.db"
            results.append(bench_database("SQLite", url, rows, args, Path(directory) / "sqlite"))
    report(results, args, facts)
    out = OUT / ("contention-quick.json" if args.quick else "contention.json")
    out.write_text(json.dumps({**facts, "connections": args.connections,
                               "seconds": args.seconds, "workers": args.workers,
                               "mix": dict(MIX), "results": results}, indent=2))  # fmt: skip
    print(f"(written to {out})")


if __name__ == "__main__":
    main()
