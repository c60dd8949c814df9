"""Import files whose outcome is known before they are imported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Expected:
    """What importing the file must report."""

    rows: int
    created: int
    updated: int
    rejected: int

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "skipped": 0, "rejected": self.rejected}  # fmt: skip


def import_phone(n: int) -> str:
    """The phone of row n (distinct for n below 900,000 from the tests' own +4477009… phones)."""
    return f"+44770{n:07d}"


def write_phones_csv(path: Path, rows: int) -> Expected:
    """`rows` contacts by phone: about 1% bad phones (refused), 2% repeats of an earlier row
    (updates), the rest new."""
    phones: list[str] = []
    created = updated = rejected = 0
    with path.open("w") as out:
        out.write("phone,name\n")
        for n in range(rows):
            if n % 97 == 13:
                out.write(f"not-a-phone-{n},Bad {n}\n")
                rejected += 1
            elif n % 50 == 7 and phones:
                out.write(f"{phones[n % len(phones)]},Repeat {n}\n")
                updated += 1
            else:
                number = import_phone(n)
                phones.append(number)
                out.write(f"{number},Person {n}\n")
                created += 1
    return Expected(rows, created, updated, rejected)
