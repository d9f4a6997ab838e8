"""PDF export of 10,000 refill cards, next to the reference reportlab recipe on the same codes.

The figure is the add-on's export (streamed query, 2 × 7 cards per A4 page, each with a
QR code drawn as one path of rectangles; masks fixed from 1,000 cards). The baseline is
the recipe the project's PDF notes measured (3 × 8 cards per page, segno matrix with
``mask=0`` drawn as rectangles), run here on the same codes without a database.

    .venv/bin/python benchmarks/refill_cards_export_pdf.py [--quantity 10000] [--database-url URL]
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from sqlalchemy import select

from refill_cards_common import arguments, prepare, report, timed
from splynx_refill_cards.export import write_series
from splynx_refill_cards.export.pdf import fonts, qr_runs
from splynx_refill_cards.models import Card
from splynx_refill_cards.series import SeriesInput, generate
from splynx_refill_cards.settings import options


def recipe(path, cards) -> None:
    """The reference layout: 24 cards per page, text and a 20 mm QR code each."""
    regular, bold = fonts()
    cv = canvas.Canvas(str(path), pagesize=A4)
    for i, (code, price, valid) in enumerate(cards):
        k = i % 24
        if i and k == 0:
            cv.showPage()
        r, c = divmod(k, 3)
        x, top = (6 + c * 66) * mm, A4[1] - (10 + r * 34.625) * mm
        cv.setDash(3, 3)
        cv.rect(x, top - 34.625 * mm, 66 * mm, 34.625 * mm)
        cv.setDash()
        cv.setFont(bold, 11)
        cv.drawString(x + 2 * mm, top - 6.5 * mm, "ISP Refill Card")
        cv.setFont(regular, 8)
        cv.drawString(x + 2 * mm, top - 12 * mm, f"Price: {price}")
        cv.drawString(x + 2 * mm, top - 17 * mm, f"Valid till: {valid}")
        cv.setFont(bold, 9)
        cv.drawCentredString(x + 33 * mm, top - 30.5 * mm, code)
        n, runs = qr_runs(code, 0)
        module = 20 / (n + 2) * mm
        qx, qtop = x + 45 * mm + module, top - 2 * mm - module
        path_ = cv.beginPath()
        for ry, rx, length in runs:
            path_.rect(qx + rx * module, qtop - (ry + 1) * module, length * module, module)
        cv.drawPath(path_, stroke=0, fill=1)
    cv.save()


def main() -> None:
    args = arguments(__doc__.splitlines()[0], quantity=10_000)
    host, folder = prepare(args.database_url)
    db = host.db
    data = SeriesInput(args.quantity, "BENCH", Decimal("10.00"), None, date.today() + timedelta(days=365))
    with db.transaction() as session:
        series_id = generate(host, session, data, options(host, session), actor="benchmark").id
        cards = [(c.full_code, f"{c.price} $", c.valid_till.isoformat()) for c in session.execute(
            select(Card).where(Card.series_id == series_id).order_by(Card.id)).scalars()]
    results: dict[str, float] = {}
    with timed(results, "export"):
        write_series(host, series_id, "pdf", folder / "export.pdf")
    with timed(results, "recipe"):
        recipe(folder / "recipe.pdf", cards)
    report(f"Refill cards: PDF export of {args.quantity:,} cards ({db.engine.dialect.name})",
           ("splynx_refill_cards.export.write_series(pdf)", results["export"]),
           ("reference reportlab + segno recipe, same codes", results["recipe"]))
    print(f"  files: {(folder / 'export.pdf').stat().st_size:,} bytes / {(folder / 'recipe.pdf').stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
