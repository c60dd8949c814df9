"""The README's shell examples, run in order as a new user runs them: one shell, against a
`contactbook serve` process, with only the API key and the address filled in. Every `curl`
must succeed (`--fail-with-body`), so an example that reuses a name, hard-codes an id or sends
a body the API refuses fails here."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.served import ServedProcess, new_account

README = Path(__file__).resolve().parent.parent / "README.md"
SHELL_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.DOTALL | re.MULTILINE)
KEY_LINE = re.compile(r"^KEY=cbk_1_….*$", re.MULTILINE)
PRELUDE = """set -euo pipefail
curl() { command curl --fail-with-body --silent --show-error --max-time 30 "$@"; }
"""


def curl_examples() -> str:
    """Every shell block of the README that calls the API, in the order a reader meets them."""
    blocks = [block for block in SHELL_BLOCK.findall(README.read_text()) if "curl " in block]
    return "\n".join(blocks)


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[ServedProcess]:
    process = ServedProcess(database_url, tmp_path)
    yield process
    process.stop()


def test_the_examples_are_a_script_with_one_key_to_fill_in() -> None:
    script = curl_examples()
    assert len(KEY_LINE.findall(script)) == 1
    assert script.count("http://127.0.0.1:8080") == 1, "one BASE the later examples reuse"
    # Ids come from earlier answers, never from a fresh database's numbering.
    assert not re.search(r"/(contacts|lists|customers)/1\b", script)


def test_the_readme_curl_examples_run_in_order(served: ServedProcess, database_url: str) -> None:
    account_id, api_key = new_account(database_url, name="README reader")
    script = KEY_LINE.sub(f"KEY={api_key}", curl_examples())
    script = script.replace("http://127.0.0.1:8080", served.url)

    done = subprocess.run(
        ["bash", "-c", PRELUDE + script], capture_output=True, text=True, timeout=300, check=False
    )

    assert done.returncode == 0, f"{done.stderr}\n--- stdout:\n{done.stdout[-4000:]}"
    assert done.stdout.rstrip().endswith("}"), "every example printed its answer"
    assert "204\n" in done.stdout, "the native example deleted its contact"
    with served.client(api_key) as native:
        people = native.get("/contacts", params={"limit": 100}).json()["items"]
        by_name = {person["name"]: person for person in people}
        assert "Ada" not in by_name  # deleted by the native example
        assert by_name["Grace"]["tags"] == ["vip"]
        assert by_name["Grace"]["custom_fields"] == {"plan": "silver"}
        assert by_name["John Doe"]["city"] == "London"
        assert by_name["John Doe"]["custom_fields"] == {"tier": "gold"}
        phones = {person["phone"] for person in people}
        assert "+380501234567" in phones  # written through Notificore
        assert native.get("/account").json()["id"] == account_id
    assert httpx.get(served.url + "/healthz").status_code == 200
