"""Docs that name paths are checked, so they cannot drift from the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
PATH = re.compile(r"`((?:src|tests|docs|bench)/[\w./<>-]+)`")


def test_every_path_named_in_the_docs_exists() -> None:
    missing = []
    for doc in DOCS:
        for match in PATH.finditer(doc.read_text()):
            named = match.group(1)
            if "<" in named:
                named = named.split("<")[0]
            if not (ROOT / named).exists():
                missing.append(f"{doc.name}: {named}")
    assert missing == []


def test_readme_has_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    for marker in ("run-command", "test-command"):
        block = text.split(f"<!-- {marker} -->")[1].split(f"<!-- /{marker} -->")[0]
        commands = [line for line in block.splitlines() if line and not line.startswith("```")]
        assert len(commands) == 1, marker
