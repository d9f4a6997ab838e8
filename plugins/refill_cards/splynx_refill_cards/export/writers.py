"""Card lines and the CSV file of an export (the PDF grid is in :mod:`.pdf`, imported when a PDF is written)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

CSV_HEADER = ("ID", "Series", "Full code", "Price", "Valid until", "Status", "Customer ID", "Activated at")


@dataclass(frozen=True)
class CardLine:
    """What an export shows of one card."""

    id: int
    series_id: int
    full_code: str
    price: Decimal
    valid_till: date
    status: str
    customer_id: int | None
    activated_at: str


Progress = Callable[[int], None]


def write_csv(path: Path, cards: Iterable[CardLine], progress: Progress) -> int:
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CSV_HEADER)
        for card in cards:
            writer.writerow((card.id, card.series_id, card.full_code, f"{card.price:.2f}",
                             card.valid_till.isoformat(), card.status, card.customer_id or "", card.activated_at))
            count += 1
            if count % 1000 == 0:
                progress(count)
    return count
