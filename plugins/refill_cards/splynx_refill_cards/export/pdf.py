"""The printable PDF of an export: A4 pages of cards with a QR code of each card's code.

reportlab and segno come with this module, which ``write_series`` imports only when it writes a
PDF: the host starts without them.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .writers import CardLine, Progress

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

#: the grid: 2 cards per row, 7 rows per A4 page
COLUMNS, ROWS = 2, 7
MARGIN_X, MARGIN_Y = 10 * mm, 10 * mm
CARD_W = (A4[0] - 2 * MARGIN_X) / COLUMNS
CARD_H = (A4[1] - 2 * MARGIN_Y) / ROWS
QR_SIZE = 25 * mm
PAD = 4 * mm
#: above this many cards the QR mask is fixed: a valid, decodable code at half the cost
FIXED_MASK_FROM = 1_000


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """DejaVu Sans (any script) when installed, else the PDF base font Helvetica."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("DejaVu", str(regular)))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(bold)))
    return "DejaVu", "DejaVu-Bold"


def qr_runs(text: str, mask: int | None) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR matrix of ``text`` as horizontal runs of dark modules: ``(row, first column, length)``."""
    matrix = segno.make(text, error="m", micro=False, mask=mask).matrix
    runs = []
    for y, row in enumerate(matrix):
        x, width = 0, len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                runs.append((y, start, x - start))
            else:
                x += 1
    return len(matrix), runs


def _fit(text: str, font: str, size: float, width: float) -> float:
    """The largest font size up to ``size`` at which ``text`` fits ``width``."""
    needed = pdfmetrics.stringWidth(text, font, size)
    return size if needed <= width else max(5.0, size * width / needed)


def _draw_card(cv: canvas.Canvas, card: CardLine, x: float, top: float, *, title: str, currency: str,
               mask: int | None) -> None:
    regular, bold = fonts()
    cv.setStrokeGray(0.6)
    cv.setLineWidth(0.5)
    cv.setDash(3, 3)
    cv.rect(x, top - CARD_H, CARD_W, CARD_H)
    cv.setDash()
    text_x = x + PAD
    cv.setFont(bold, 12)
    cv.drawString(text_x, top - 8 * mm, title)
    cv.setFont(regular, 9)
    for n, line in enumerate((f"ID: {card.id}", f"Price: {card.price:.2f} {currency}",
                              f"Valid until {card.valid_till.isoformat()}", f"Serie: {card.series_id}")):
        cv.drawString(text_x, top - (14 + 4.6 * n) * mm, line)
    code_width = CARD_W - 2 * PAD
    size = _fit(card.full_code, bold, 12, code_width)
    cv.setFont(bold, size)
    cv.drawString(text_x, top - CARD_H + 5 * mm, card.full_code)
    modules, runs = qr_runs(card.full_code, mask)
    module = QR_SIZE / (modules + 2)
    # one filled path in module units (y down from the QR's top-left corner): integer operands
    # keep the page stream small and skip reportlab's float formatting of ~170 rectangles per card
    cv.saveState()
    cv.setFillGray(0)
    cv.transform(module, 0, 0, -module, x + CARD_W - PAD - QR_SIZE + module, top - 3 * mm - module)
    cv.addLiteral(" ".join(f"{column} {row} {length} 1 re" for row, column, length in runs) + " f")
    cv.restoreState()


def write_pdf(path: Path, cards: Iterable[CardLine], progress: Progress, *, total: int, title: str,
              currency: str) -> int:
    """A4 pages of 2 × 7 cards with dashed cut lines."""
    cv = canvas.Canvas(str(path), pagesize=A4)
    cv.setTitle(f"{title}s")
    mask = 0 if total >= FIXED_MASK_FROM else None
    per_page = COLUMNS * ROWS
    count = 0
    for count, card in enumerate(cards, start=1):
        slot = (count - 1) % per_page
        if slot == 0 and count > 1:
            cv.showPage()
        row, column = divmod(slot, COLUMNS)
        _draw_card(cv, card, MARGIN_X + column * CARD_W, A4[1] - MARGIN_Y - row * CARD_H,
                   title=title, currency=currency, mask=mask)
        if count % 100 == 0:
            progress(count)
    cv.save()
    return count
