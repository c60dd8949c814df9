"""Generate a deterministic contacts CSV for import benchmarks.

About 1% of rows carry an invalid phone and about 1% repeat an earlier row's phone, so the
import's rejection and dedupe paths do real work. Same arguments, same bytes.

    python bench/gen_contacts.py 1000000 bench/out/contacts-1m.csv
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from pathlib import Path

COUNTRIES = [  # (calling code, national mobile prefixes, national length after the prefix)
    ("380", ["50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98", "99"], 7),
    ("44", ["7400", "7500", "7700", "7800", "7900"], 6),
    ("49", ["151", "152", "157", "160", "170", "171", "176"], 8),
    ("33", ["6", "7"], 8),
    ("1", ["212", "310", "415", "617", "718"], 7),
]
FIRST = [
    "Ada",
    "Bob",
    "Carol",
    "Dmytro",
    "Eve",
    "Farid",
    "Grace",
    "Hanna",
    "Ivan",
    "Julia",
    "Kateryna",
    "Liam",
    "Maria",
    "Nazar",
    "Olena",
    "Petro",
    "Quinn",
    "Roman",
    "Sofia",
    "Taras",
]
LAST = [
    "Shevchenko",
    "Smith",
    "Kovalenko",
    "Müller",
    "Dubois",
    "Bondarenko",
    "Lovelace",
    "Hopper",
    "Tkachenko",
    "Melnyk",
    "Garcia",
    "Rossi",
    "Novak",
    "Kim",
    "Nguyen",
]
CITIES = ["Kyiv", "Lviv", "London", "Berlin", "Paris", "New York", "Odesa", "Kharkiv"]
PLANS = ["free", "basic", "pro", "gold"]
TAGS = ["vip", "lead", "newsletter", "partner", "churn-risk", "beta"]
COLUMNS = [
    "phone",
    "email",
    "name",
    "external_id",
    "company",
    "city",
    "country_code",
    "tags",
    "lists",
    "plan",
    "seats",
    "signup_date",
    "score",
    "referral",
]
LISTS = [f"List {n:02d}" for n in range(1, 51)]


def phone(rng: random.Random, serial: int) -> str:
    code, prefixes, length = COUNTRIES[serial % len(COUNTRIES)]
    prefix = prefixes[rng.randrange(len(prefixes))]
    number = str(rng.randrange(10 ** (length - 1), 10**length))
    return f"+{code}{prefix}{number}"


def rows(count: int, seed: int) -> Iterator[list[str]]:
    rng = random.Random(seed)
    seen: list[str] = []
    for serial in range(count):
        roll = rng.random()
        if roll < 0.01:
            number = "call me maybe"  # refused: not a phone number
        elif roll < 0.02 and seen:
            number = seen[rng.randrange(len(seen))]  # repeats an earlier row
        else:
            number = phone(rng, serial)
            if len(seen) < 50_000:
                seen.append(number)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        yield [
            number,
            f"{first.lower()}.{last.lower()}.{serial}@example.com",
            f"{first} {last}",
            f"user-{serial}",
            f"Company {serial % 5000}",
            rng.choice(CITIES),
            rng.choice(["UA", "GB", "DE", "FR", "US"]),
            ";".join(rng.sample(TAGS, rng.randrange(0, 3))),
            ";".join(rng.sample(LISTS, rng.randrange(1, 3))),
            rng.choice(PLANS),
            str(rng.randrange(1, 500)),
            f"20{rng.randrange(15, 25)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            f"{rng.random() * 100:.2f}",
            rng.choice(["", "", "ads", "friend", "search"]),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    args.path.parent.mkdir(parents=True, exist_ok=True)
    with args.path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(rows(args.count, args.seed))


if __name__ == "__main__":
    main()
