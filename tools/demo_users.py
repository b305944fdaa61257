"""Write a CSV of realistic demo users for `make demo` (the same file on every run).

Usage: demo_users.py OUT.csv [COUNT]. Names are drawn from a fixed seed, so a second
`make demo` imports the same rows and `roster-user users import` skips them all.
"""

from __future__ import annotations

import csv
import random
import sys
import unicodedata
from pathlib import Path

FIRST = [
    "Ada",
    "Alan",
    "Amara",
    "Ana",
    "Arjun",
    "Astrid",
    "Ben",
    "Bjorn",
    "Camille",
    "Chen",
    "Chiara",
    "Dario",
    "Diego",
    "Elif",
    "Emeka",
    "Emma",
    "Farah",
    "Felix",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ivan",
    "Jana",
    "Jonas",
    "Kai",
    "Kenji",
    "Lea",
    "Leila",
    "Liam",
    "Lucia",
    "Mateo",
    "Maya",
    "Mei",
    "Nadia",
    "Noah",
    "Nora",
    "Omar",
    "Oscar",
    "Priya",
    "Rafael",
    "Rosa",
    "Sami",
    "Sara",
    "Sofia",
    "Tariq",
    "Tomas",
    "Yara",
    "Yusuf",
    "Zoe",
]
LAST = [
    "Abe",
    "Alvarez",
    "Andersen",
    "Bauer",
    "Bianchi",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jansen",
    "Kaur",
    "Kowalski",
    "Laine",
    "Lopez",
    "Martin",
    "Moreau",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "Olsen",
    "Park",
    "Petrov",
    "Quinn",
    "Rossi",
    "Santos",
    "Schmidt",
    "Silva",
    "Singh",
    "Suzuki",
    "Tanaka",
    "Torres",
    "Varga",
    "Wagner",
    "Weber",
    "Yilmaz",
]
TEAMS = ("payments", "search", "identity", "growth", "platform", "support", "data")
REGIONS = ("eu", "us", "apac")


def slug(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def rows(count: int) -> list[dict[str, str]]:
    """`count` users with unique ids and emails, a team and a region, a few suspended."""
    pick = random.Random(16)  # noqa: S311 (demo data, not secrets)
    seen: dict[str, int] = {}
    found: list[dict[str, str]] = []
    while len(found) < count:
        first, last = pick.choice(FIRST), pick.choice(LAST)
        base = f"{slug(first)}-{slug(last)}"
        n = seen[base] = seen.get(base, 0) + 1
        suffix = "" if n == 1 else str(n)
        found.append(
            {
                "user_id": f"{base}{'-' + suffix if suffix else ''}",
                "email": f"{slug(first)}.{slug(last)}{suffix}@example.com",
                "display_name": f"{first} {last}",
                "labels": f"team={pick.choice(TEAMS)};region={pick.choice(REGIONS)}",
                "state": "SUSPENDED" if pick.random() < 0.05 else "ACTIVE",
            }
        )
    return found


def main(out: Path, count: int) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as file:
        writer = csv.DictWriter(
            file, fieldnames=["user_id", "email", "display_name", "labels", "state"]
        )
        writer.writeheader()
        writer.writerows(rows(count))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 300)
