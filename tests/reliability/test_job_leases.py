"""An HTTP import job is run by one worker at a time, whatever happens to it: a batch that takes
longer than the stale time is not taken over while its worker still runs it, and a server
killed three times mid-import resumes without writing a row twice. Each ends with exact
counts, each refused row reported once, the job succeeded once, and `contactbook check` clean.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.databases import fresh_database
from tests.support.import_files import Expected, write_phones_csv
from tests.support.observed import Findings, LogWatch, account_totals
from tests.support.served import ServedProcess, new_account

# Hang guards, not speed assertions.
JOB_TIMEOUT = 240.0
POLL = 0.05


@dataclass
class Sighting:
    """The job as one poll saw it."""

    at: float
    state: str
    counts: dict[str, int]
    finished_at: str | None


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    directory = Path(tmp_path_factory.mktemp("leases"))
    with fresh_database(directory) as url:
        yield url, directory


def start_import(native: httpx.Client, path: Path) -> str:
    reply = native.post("/imports", content=path.read_bytes(), headers={"content-type": "text/csv"})
    assert reply.status_code == 202, reply.text
    return f"/imports/{reply.json()['id']}"


def sight(native: httpx.Client, job_url: str) -> Sighting | None:
    """The job now, or None while no server answers."""
    try:
        reply = native.get(job_url)
    except httpx.TransportError:
        return None
    if reply.status_code != 200:
        return None
    body = reply.json()
    return Sighting(time.monotonic(), body["state"], body["counts"], body["finished_at"])


def watch_until(
    native: httpx.Client,
    job_url: str,
    seen: list[Sighting],
    timeout: float,
    done: Callable[[Sighting], bool] = lambda _: False,
) -> Sighting:
    """Poll the job, recording every sighting, until `done(sighting)` or the job ends."""
    deadline = time.monotonic() + timeout
    while True:
        now = sight(native, job_url)
        if now is not None:
            seen.append(now)
            if done(now) or now.state in ("succeeded", "failed"):
                return now
        assert time.monotonic() < deadline, f"job {job_url} still {seen[-1:]} after {timeout} s"
        time.sleep(POLL)


def running_past(rows: int) -> Callable[[Sighting], bool]:
    return lambda sighting: sighting.state == "running" and sighting.counts["rows"] >= rows


def keep_watching(native: httpx.Client, job_url: str, seen: list[Sighting], seconds: float) -> None:
    """Go on polling a finished job: a second runner would change it after the first ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = sight(native, job_url)
        if now is not None:
            seen.append(now)
        time.sleep(POLL * 2)


def judge_states(findings: Findings, seen: list[Sighting], expected: Expected) -> None:
    """The job never fails and succeeds once: after its first `succeeded` it stays so, with
    the same counts and finishing time."""
    history: list[tuple[str, int, int, int]] = []
    for s in seen:
        step = (s.state, s.counts["rows"], s.counts["created"], s.counts["updated"])
        if not history or history[-1] != step:
            history.append(step)
    findings.note(f"(state, rows, created, updated) as polled: {history[:40]}")
    states = [s.state for s in seen]
    compressed = [state for i, state in enumerate(states) if i == 0 or states[i - 1] != state]
    done_at = states.index("succeeded") if "succeeded" in states else len(states)
    findings.expect(
        "failed" not in states and set(states[done_at:]) <= {"succeeded"},
        f"the job's states went {' -> '.join(compressed)}",
    )
    finished = [s for s in seen if s.state == "succeeded"]
    findings.expect(bool(finished), f"the job never succeeded: {seen[-1:]}")
    if finished:
        findings.equal("finished job's counts", finished[-1].counts, expected.counts())
        findings.equal(
            "distinct (finished_at, counts) of the succeeded job",
            len({(s.finished_at, json.dumps(s.counts, sort_keys=True)) for s in finished}),
            1,
        )
    rows = [step[1] for step in history if step[0] == "running"]
    findings.expect(rows == sorted(rows), f"rows done went backwards while running: {rows}")


def judge_rows(findings: Findings, native: httpx.Client, job_url: str, expected: Expected) -> None:
    """No contact written twice (export and account counters); each refused row once."""
    exported = native.get("/contacts/export", params={"format": "ndjson"})
    assert exported.status_code == 200, exported.text
    phones = [json.loads(line)["phone"] for line in exported.text.splitlines() if line.strip()]
    findings.equal("contacts exported", len(phones), expected.created)
    findings.equal("distinct phones exported", len(set(phones)), expected.created)
    findings.equal("account totals", account_totals(native), (expected.created, expected.created))
    errors = native.get(job_url + "/errors")
    findings.equal("errors file status", errors.status_code, 200)
    lines = [row.split(",")[0] for row in errors.text.splitlines()[1:] if row]
    findings.equal("refused rows reported", len(lines), expected.rejected)
    findings.equal("distinct refused rows reported", len(set(lines)), expected.rejected)


def test_a_batch_outlasting_the_stale_time_is_not_taken_from_its_worker(
    database: tuple[str, Path], tmp_path: Path
) -> None:
    url, directory = database
    # Three batches, each many times the stale time.
    expected = write_phones_csv(tmp_path / "big.csv", 30_000)
    stale = 0.5
    env = {"CONTACTBOOK_JOB_STALE_SECONDS": str(stale), "CONTACTBOOK_JOB_BATCH_SIZE": "10000"}
    served = ServedProcess(url, directory, workers=2, env=env)
    log = LogWatch(served.log_path)
    account_id, key = new_account(url, "Stale")
    native = served.client(key)
    findings = Findings()
    seen: list[Sighting] = []
    try:
        job_url = start_import(native, tmp_path / "big.csv")
        watch_until(native, job_url, seen, JOB_TIMEOUT)
        keep_watching(native, job_url, seen, 5.0)
        judge_states(findings, seen, expected)
        judge_rows(findings, native, job_url, expected)
    finally:
        native.close()
        served.stop()
    findings.conclude(url, account_id, log)


def test_three_kills_mid_import_resume_to_exact_counts(
    database: tuple[str, Path], tmp_path: Path
) -> None:
    url, directory = database
    expected = write_phones_csv(tmp_path / "killed.csv", 20_000)
    stale, batch = 5.0, 4000
    env = {"CONTACTBOOK_JOB_STALE_SECONDS": str(stale), "CONTACTBOOK_JOB_BATCH_SIZE": str(batch)}
    served = ServedProcess(url, directory, workers=2, env=env)
    account_id, key = new_account(url, "Killed")
    logs = [LogWatch(served.log_path)]
    native = served.client(key)
    findings = Findings()
    seen: list[Sighting] = []
    kills: list[int] = []
    kill_times: list[float] = []
    ups: list[float] = []
    try:
        job_url = start_import(native, tmp_path / "killed.csv")
        for _ in range(3):
            # Kill once this server has committed a batch of its own: the next is in flight.
            since = seen[-1].counts["rows"] if seen else 0
            now = watch_until(native, job_url, seen, JOB_TIMEOUT, running_past(since + batch))
            if now.state != "running":
                break
            served.kill()
            killed_at = time.monotonic()
            kills.append(now.counts["rows"])
            served = ServedProcess(url, directory, workers=2, env=env)
            ups.append(time.monotonic() - killed_at)
            logs.append(LogWatch(served.log_path))
            native.base_url = httpx.URL(served.url + "/contactbook/v1")
            kill_times.append(killed_at)
        findings.equal("kills made mid-import", len(kills), 3)
        watch_until(native, job_url, seen, JOB_TIMEOUT)
        resumed = [
            next((f"{s.at - at:.1f}" for s in seen if s.at > at and s.counts["rows"] > rows), "-")
            for rows, at in zip(kills, kill_times, strict=True)
        ]
        findings.note(
            f"killed at rows {kills}; new server up after {[f'{u:.1f}' for u in ups]} s; "
            f"job past the kill's rows again after {resumed} s"
        )
        keep_watching(native, job_url, seen, stale + 2)
        judge_states(findings, seen, expected)
        judge_rows(findings, native, job_url, expected)
    finally:
        native.close()
        with contextlib.suppress(Exception):
            served.stop()
    for log in logs[:-1]:
        findings.expect(log.tracebacks() == 0, f"a killed server logged: {log.first_traceback()}")
    findings.conclude(url, account_id, logs[-1])
