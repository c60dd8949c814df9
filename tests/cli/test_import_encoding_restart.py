"""An import job of a cp1251 file, with undecodable bytes at batch boundaries, killed mid-run:
the resumed job decodes the file as the first run did, lands on the same rows, and ends with
exact counts and each refused row reported once."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from tests.support.databases import fresh_database
from tests.support.jobs import wait_for_job
from tests.support.served import ServedProcess, cli, new_account

ROWS = 20_000
BATCH = 200
# The last row of a batch, the first of the next, and some in between; 0x98 is undefined in
# cp1251.
BAD = {n for k in range(1, ROWS // BATCH) for n in (k * BATCH, k * BATCH + 1)} | {
    n for n in range(1, ROWS + 1) if n % 97 == 13
}


def cp1251_file(path: Path) -> None:
    lines = ["phone,name,Місто".encode("cp1251")]
    for n in range(1, ROWS + 1):
        name = f"Ірина {n}".encode("cp1251") + (b"\x98" if n in BAD else b"")
        lines.append(f"+44770{n:07d},".encode() + name + ",Київ".encode("cp1251"))
    path.write_bytes(b"\n".join(lines) + b"\n")


def test_a_killed_cp1251_import_resumes_on_the_same_rows(tmp_path: Path) -> None:
    cp1251_file(tmp_path / "people.csv")
    env = {"CONTACTBOOK_JOB_BATCH_SIZE": str(BATCH), "CONTACTBOOK_JOB_STALE_SECONDS": "2"}
    with fresh_database(tmp_path) as url:
        account_id, key = new_account(url, "Resumed")
        server = ServedProcess(url, tmp_path, env=env)
        client = server.client(key)
        try:
            job = client.post("/imports", params={"encoding": "cp1251"},
                              content=(tmp_path / "people.csv").read_bytes(),
                              headers={"content-type": "text/csv"}).json()  # fmt: skip
            deadline = time.monotonic() + 60
            while True:
                state = client.get(f"/imports/{job['id']}").json()
                if state["state"] == "running" and state["counts"]["rows"] >= 1000:
                    break
                assert state["state"] != "succeeded", "finished before it could be interrupted"
                assert time.monotonic() < deadline
                time.sleep(0.02)
            server.kill()
            server = ServedProcess(url, tmp_path, env=env)
            client.base_url = server.client(key).base_url  # the same key; a new port
            done = wait_for_job(client, f"/imports/{job['id']}", timeout=300)
            errors = client.get(f"/imports/{job['id']}/errors").text
        finally:
            server.stop()
            client.close()
        assert done["state"] == "succeeded", done
        assert done["options"]["encoding"] == "cp1251"
        assert done["counts"] == {"rows": ROWS, "created": ROWS - len(BAD), "updated": 0,
                                  "skipped": 0, "rejected": len(BAD)}  # fmt: skip
        refused = list(csv.reader(io.StringIO(errors)))[1:]
        assert sorted(int(row[0]) for row in refused) == sorted(n + 1 for n in BAD)
        assert {row[1] for row in refused} == {"name"}
        exported = cli("export", "--account-id", str(account_id), "--database-url", url)
        rows = list(csv.DictReader(io.StringIO(exported.stdout)))
        assert len(rows) == ROWS - len(BAD)  # no row written twice
        names = {row["phone"]: row["name"] for row in rows}
        assert names[f"+44770{ROWS:07d}"] == f"Ірина {ROWS}"  # decoded as cp1251 after the resume
