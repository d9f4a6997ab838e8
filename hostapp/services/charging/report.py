"""The downloadable log of a charge batch: one CSV row per selected invoice.

Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) are prefixed with
an apostrophe: customer names are typed by people.
"""

from __future__ import annotations

import csv
from typing import TextIO

from sqlalchemy.orm import Session

from .batches import results
from .filters import CustomerScope, every_customer

COLUMNS = (("target_id", "Invoice ID"), ("number", "Invoice number"), ("customer_id", "Customer ID"),
           ("customer", "Customer"), ("amount", "Amount"), ("result", "Result"), ("message", "Message"),
           ("reference", "Gateway reference"), ("attempt_key", "Attempt key"), ("log", "Log"))
PAGE = 2000


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(session: Session, batch_id: int, stream: TextIO, *, scope: CustomerScope = every_customer) -> None:
    """Write the header and every item of the batch within ``scope``, in selection order."""
    writer = csv.writer(stream)
    writer.writerow([title for _, title in COLUMNS])
    offset = 0
    while True:
        rows = results(session, batch_id, limit=PAGE, offset=offset, scope=scope)
        for row in rows:
            writer.writerow([_cell(row[key]) for key, _ in COLUMNS])
        if len(rows) < PAGE:
            return
        offset += PAGE
