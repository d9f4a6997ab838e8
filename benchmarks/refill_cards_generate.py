"""Generate 100,000 refill cards, next to a raw bulk insert of the same rows in the same database.

The figure is the add-on's ``generate`` (CSPRNG codes, series id, row building, chunked
Core insert, audit entry, commit). The baseline deletes those cards again and inserts the
very same rows with the DB-API's ``executemany`` in one transaction, so both runs write into
an empty table. Best of ``--repeat`` runs each.

    .venv/bin/python benchmarks/refill_cards_generate.py [--quantity 100000] [--repeat 3] [--database-url URL]
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, select

from refill_cards_common import arguments, prepare, report
from splynx_refill_cards.models import Card, Series
from splynx_refill_cards.series import SeriesInput, card_rows, generate
from splynx_refill_cards.settings import options


def raw_insert(db, rows: list[dict]) -> float:
    columns = list(rows[0])
    mark = "?" if db.engine.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO refill_cards_cards ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    native = db.engine.dialect.name != "sqlite"  # sqlite3 binds neither Decimal nor date: store their text
    values = [tuple(v if native or isinstance(v, (int, str)) else str(v) for v in (row[c] for c in columns))
              for row in rows]
    start = time.perf_counter()
    with db.write_engine.begin() as connection:
        connection.exec_driver_sql(sql, values)
    return time.perf_counter() - start


def main() -> None:
    args = arguments(__doc__.splitlines()[0], quantity=100_000, repeat=3)
    host, _ = prepare(args.database_url)
    db = host.db
    data = SeriesInput(args.quantity, "BENCH", Decimal("10.00"), None, date.today() + timedelta(days=365))
    generated, raw = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        with db.transaction() as session:
            series = generate(host, session, data, options(host, session), actor="benchmark")
        generated.append(time.perf_counter() - start)
        with db.transaction() as session:
            parts = [c.rsplit("-", 1)[1] for c in session.execute(
                select(Card.full_code).where(Card.series_id == series.id)).scalars()]
            session.execute(delete(Card).where(Card.series_id == series.id))
            rows = card_rows(session.get(Series, series.id), parts)
        raw.append(raw_insert(db, rows))
        with db.transaction() as session:
            session.execute(delete(Card).where(Card.series_id == series.id))
    report(f"Refill cards: generate {args.quantity:,} cards ({db.engine.dialect.name}, best of {args.repeat})",
           ("splynx_refill_cards.series.generate", min(generated)),
           ("raw executemany INSERT of the same rows", min(raw)))


if __name__ == "__main__":
    main()
