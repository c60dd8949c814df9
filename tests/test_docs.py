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


SECTION_REF = re.compile(r"(docs/[\w./-]+\.md)`? §(\d+(?:\.\d+)*)")
# The design the code was first written against lives outside the repository; references to
# it cannot be followed, so none may remain.
OUTSIDE_REF = re.compile("DESIGN" + r" §\d+(?:\.\d+)*")
HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s", re.MULTILINE)


def referring_files() -> list[Path]:
    code = [*sorted((ROOT / "src").rglob("*.py")), *sorted((ROOT / "tests").rglob("*.py"))]
    return [*code, *DOCS]


def broken_section_references(files: list[Path]) -> list[str]:
    """Each `docs/<file>.md §N[.M]` reference whose file has no heading numbered N[.M], and
    each reference to the outside design."""
    headings: dict[str, set[str] | None] = {}
    broken = []
    for source in files:
        text = source.read_text()
        where = source.relative_to(ROOT) if source.is_relative_to(ROOT) else source.name
        for match in OUTSIDE_REF.finditer(text):
            broken.append(f"{where}: {match.group(0)} (not in the repository)")
        for match in SECTION_REF.finditer(text):
            doc, number = match.groups()
            if doc not in headings:
                target = ROOT / doc
                headings[doc] = (
                    set(HEADING.findall(target.read_text())) if target.exists() else None
                )
            found = headings[doc]
            if found is None or number not in found:
                broken.append(f"{where}: {doc} §{number}")
    return broken


def test_every_section_reference_names_a_heading() -> None:
    assert broken_section_references(referring_files()) == []


def test_a_reference_to_a_missing_section_is_reported(tmp_path: Path) -> None:
    # Spelled in pieces, so this file itself holds no broken reference.
    known, missing, nowhere = (
        ("docs/design.md", "3.5"),
        ("docs/design.md", "99.1"),
        ("docs/gone.md", "1"),
    )
    outside = "DESIGN" + " §3.5"
    refs = [f"{doc} §{number}" for doc, number in (known, missing, nowhere)]
    source = tmp_path / "module.py"
    quoted = "`docs/design.md`" + " §98"  # the form the docs use for a path in backticks
    source.write_text(f'"""See {refs[0]}, {refs[1]} and {outside}."""\n# {refs[2]}, {quoted}\n')
    assert broken_section_references([source]) == [
        f"module.py: {outside} (not in the repository)",
        f"module.py: {refs[1]}",
        f"module.py: {refs[2]}",
        "module.py: docs/design.md" + " §98",
    ]
