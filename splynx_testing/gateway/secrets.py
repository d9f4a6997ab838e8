"""No card data at rest or in logs: capture every log line, dump every table, look for numbers.

:func:`assert_no_secrets` fails if a card number, CVV or bank account number appears in any
table or any captured log line (tracebacks included); :func:`captured_logs` collects the lines.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import MetaData

from hostapp.db import Database

from .checks import check_decline
from .harness import GatewayHarness


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log line of every logger (DEBUG and up) while the block runs, tracebacks included."""
    collector = _Collector()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    try:
        yield collector.lines
    finally:
        root.removeHandler(collector)
        root.setLevel(previous)


def dump_tables(db: Database) -> str:
    """Every row of every table as text (what an attacker with the database would read)."""
    meta = MetaData()
    meta.reflect(bind=db.engine)
    parts = []
    with db.engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(table.select()):
                parts.append(f"{table.name}: " + " | ".join(str(v) for v in row))
    return "\n".join(parts)


def assert_no_secrets(db: Database, log_lines: list[str], *, numbers: list[str], codes: list[str]) -> None:
    """Fail if a card/account number (anywhere) or a CVV (as a value of its own) is stored or logged.

    A CVV is looked for where a value stands alone (``<CVV>123</CVV>``, ``"cvv": "123"``,
    ``cvv=123``), not inside a longer run of letters and digits: three digits turn up by chance
    in random tokens (an encrypted setting, a key), which are not a leak.
    """
    haystacks = {"database": dump_tables(db), "logs": "\n".join(log_lines)}
    for where, text in haystacks.items():
        digits_only = re.sub(r"[\s-]", "", text)
        for number in numbers:
            assert number not in text and number not in digits_only, f"a card/account number is in the {where}"
        for code in codes:
            found = re.search(rf"(?<![0-9A-Za-z]){re.escape(code)}(?![0-9A-Za-z])", text)
            assert not found, f"a CVV is in the {where}: ...{text[max(found.start() - 60, 0):found.end() + 60]}..."




def check_no_card_data(h: GatewayHarness) -> None:
    """Saved and typed cards, approved, declined and faulted payments, a refund: no number or CVV kept."""
    with captured_logs() as lines:
        customer = h.customer_with_account()
        paid = h.pay(customer, h.invoice(customer, h.approving_amount))
        h.faults.arm("garbage", only=h.charge_kind)
        h.pay_typed(customer, h.invoice(customer, h.approving_amount))
        h.faults.arm("timeout_after_charge", only=h.charge_kind)
        h.pay_typed(customer, h.invoice(customer, h.approving_amount))
        check_decline(h)
        with h.app.app_context():
            h.host.payments.refund(gateway=h.gateway, payment_id=paid.payment_id, amount=h.approving_amount,
                                   initiated_by="admin:test")
    assert_no_secrets(h.host.db, lines, numbers=[*h.card_numbers, h.typed_card.number],
                      codes=[*h.card_codes, h.typed_card.cvv])
