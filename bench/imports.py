"""Import benchmark: a deterministic CSV (≈1% invalid phones, ≈1% repeated phones) imported
with `contactbook import` into SQLite and PostgreSQL; prints rows/s and peak RSS.

    python -m bench.imports                 # 1,000,000 rows
    python -m bench.imports --rows 100000   # quicker
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.common import OUT, fresh_postgres, machine, run_measured, table

CONTACTBOOK = [sys.executable, "-m", "contactbook"]


def generate(rows: int) -> Path:
    path = OUT / f"contacts-{rows}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        done = run_measured([sys.executable, "-m", "bench.gen_contacts", str(rows), str(path)])
        if done.returncode:
            raise SystemExit(done.stderr)
    return path


def account(url: str) -> str:
    done = run_measured(
        [*CONTACTBOOK, "accounts", "create", "--name", "Bench", "--database-url", url]
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return str(json.loads(done.stdout)["account_id"])


def import_into(url: str, path: Path, workers: int | None) -> dict[str, object]:
    """Import `path` into a new account at `url`; the figures of that run."""
    account_id = account(url)
    args = [
        *CONTACTBOOK,
        "import",
        str(path),
        "--account-id",
        account_id,
        "--database-url",
        url,
        "--json",
        "--errors",
        str(path) + ".bench-errors.csv",
    ]
    if workers is not None:
        args += ["--workers", str(workers)]
    done = run_measured(args)
    if done.returncode:
        raise SystemExit(done.stderr)
    summary = json.loads(done.stdout)
    return {
        **summary,
        "wall_seconds": round(done.seconds, 2),
        "rows_per_second": round(summary["rows"] / done.seconds),
        "peak_rss_mib": round(done.peak_rss_mib, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workers", type=int, default=None, help="cleaning processes")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    path = generate(args.rows)
    results: dict[str, dict[str, object]] = {}
    pg = fresh_postgres(args.pg_url, "contactbook_bench_import")
    results["PostgreSQL"] = import_into(pg, path, args.workers)
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as directory:
            sqlite = f"sqlite:///{directory}/bench.db"
            results["SQLite"] = import_into(sqlite, path, args.workers)
    rows = [
        [
            name,
            r["rows"],
            r["created"],
            r["updated"],
            r["rejected"],
            r["wall_seconds"],
            f"{r['rows_per_second']:,}",
            r["peak_rss_mib"],
        ]
        for name, r in results.items()
    ]
    print(
        f"Import of {args.rows:,} rows ({path.name}) on {machine()['cpu']}, "
        f"{machine()['cores']} cores"
    )
    print(
        table(
            [
                "database",
                "rows",
                "created",
                "updated",
                "rejected",
                "seconds",
                "rows/s",
                "peak RSS MiB",
            ],
            rows,
        )
    )
    out = OUT / "imports.json"
    out.write_text(
        json.dumps({"machine": machine(), "rows": args.rows, "results": results}, indent=2)
    )
    print(f"(written to {out})")


if __name__ == "__main__":
    main()
