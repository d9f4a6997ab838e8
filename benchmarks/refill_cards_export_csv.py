"""CSV export of 100,000 refill cards, next to a raw dump of the same rows with the csv module.

The figure is the add-on's export (streamed ORM-core query, derived Expired status, one
CSV row per card). The baseline reads the same columns with a DB-API cursor and writes
them with ``csv.writer.writerows``; both into files in the same temporary folder.

    .venv/bin/python benchmarks/refill_cards_export_csv.py [--quantity 100000] [--database-url URL]
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

from refill_cards_common import arguments, prepare, report, timed
from splynx_refill_cards.export import write_series
from splynx_refill_cards.series import SeriesInput, generate
from splynx_refill_cards.settings import options


def main() -> None:
    args = arguments(__doc__.splitlines()[0], quantity=100_000)
    host, folder = prepare(args.database_url)
    db = host.db
    data = SeriesInput(args.quantity, "BENCH", Decimal("10.00"), None, date.today() + timedelta(days=365))
    with db.transaction() as session:
        series_id = generate(host, session, data, options(host, session), actor="benchmark").id
    results: dict[str, float] = {}
    with timed(results, "export"):
        count = write_series(host, series_id, "csv", folder / "export.csv")
    assert count == args.quantity
    mark = "?" if db.engine.dialect.paramstyle == "qmark" else "%s"
    with timed(results, "raw"), db.engine.connect() as connection, open(folder / "raw.csv", "w", newline="") as out:
        cursor = connection.connection.cursor()
        cursor.execute("SELECT id, series_id, full_code, price, valid_till, status, customer_id, activated_at "
                       f"FROM refill_cards_cards WHERE series_id = {mark} ORDER BY id", (series_id,))
        csv.writer(out).writerows(cursor.fetchall())
    report(f"Refill cards: CSV export of {args.quantity:,} cards ({db.engine.dialect.name})",
           ("splynx_refill_cards.export.write_series(csv)", results["export"]),
           ("raw cursor SELECT + csv.writerows", results["raw"]))


if __name__ == "__main__":
    main()
