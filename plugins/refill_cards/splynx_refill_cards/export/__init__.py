"""Exporting a series as CSV or PDF: a persisted background job writes the file, then it downloads.

An export holds the cards still for sale, as the documents have it ("export cards ... for
further printing out and sale to customers"): the series' *Active* cards. Used, disabled and
expired cards are left out (:func:`for_sale`).

:func:`start_export` records the export and submits ``splynx_refill_cards.export:run_export``
to the host's job runner; the handler streams the cards into a file in the host's instance
folder, reporting progress, and marks the export ready. The CLI writes a file directly
with :func:`write_series`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.host import Host

from ..models import ACTIVE, Card, Export, Series
from ..settings import options
from .writers import CardLine, write_csv

FORMATS = {"pdf": "PDF", "csv": "CSV"}
HANDLER = "splynx_refill_cards.export:run_export"


def export_dir(instance_path: Path) -> Path:
    path = Path(instance_path) / "refill-cards" / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def for_sale(series_id: int, today: date):
    """The condition of an export's cards: of the series, Active (not used, not disabled, not past their date)."""
    return (Card.series_id == series_id) & (Card.status == ACTIVE) & (Card.valid_till >= today)


def count_for_sale(session: Session, series_id: int, today: date) -> int:
    """How many cards an export of the series holds."""
    return session.execute(select(func.count()).where(for_sale(series_id, today))).scalar_one()


def card_lines(session: Session, series_id: int, today: date) -> Iterator[CardLine]:
    """The series' cards for sale in id order, streamed in chunks (Core rows: no ORM loading per row)."""
    rows = session.connection().execute(
        select(Card.id, Card.series_id, Card.full_code, Card.price, Card.valid_till, Card.status, Card.customer_id,
               Card.activated_at).where(for_sale(series_id, today)).order_by(Card.id)
        .execution_options(yield_per=2000))
    for card_id, serie, code, price, valid_till, status, customer_id, activated_at in rows:
        yield CardLine(card_id, serie, code, price, valid_till, status, customer_id,
                       activated_at.strftime("%Y-%m-%d %H:%M:%S") if activated_at else "")


def write_series(host: Host, series_id: int, fmt: str, path: Path, *,
                 progress=lambda done, total: None) -> int:
    """Write the cards for sale of one series to ``path`` in ``fmt`` (``csv`` or ``pdf``); returns their number."""
    today = date.today()
    with host.db.reading() as session:
        total = count_for_sale(session, series_id, today)
        title = options(host, session).card_title
        lines = card_lines(session, series_id, today)
        report = lambda done: progress(done, total)  # noqa: E731 - bind the total once
        if fmt == "csv":
            return write_csv(path, lines, report)
        from .pdf import write_pdf  # reportlab and segno load with the first PDF, not at start-up

        return write_pdf(path, lines, report, total=total, title=title, currency=host.config.currency)


def start_export(host: Host, series: Series, fmt: str, *, actor: str) -> Export:
    """Record an export and queue its job; the caller's session must not hold write locks."""
    if fmt not in FORMATS:
        raise ValueError("Choose PDF or CSV.")
    with host.db.transaction() as session:
        cards = count_for_sale(session, series.id, date.today())
        export = Export(series_id=series.id, format=fmt, cards=cards, created_by=actor)
        session.add(export)
        session.flush()
        export.file_name = f"refill-cards-{series.id}-{export.id}.{fmt}"
    job_id = host.jobs.submit(HANDLER, f"Export refill card series {series.id} ({FORMATS[fmt]})",
                              {"export_id": export.id, "folder": str(export_dir(host.config.instance_path))},
                              created_by=actor, kind="refill_cards.export")
    with host.db.transaction() as session:
        session.get(Export, export.id).job_id = job_id
    export.job_id = job_id
    return export


def run_export(ctx) -> dict:
    """Job handler: write the export's file, reporting progress; mark the export ready or failed."""
    host = ctx.host
    db = host.db
    export_id = ctx.params["export_id"]
    with db.transaction() as session:
        export = session.get(Export, export_id)
        series_id, fmt, file_name = export.series_id, export.format, export.file_name
    path = Path(ctx.params["folder"]) / file_name
    ctx.log(f"Writing {FORMATS[fmt]} of series {series_id} to {file_name}")

    def progress(done: int, total: int) -> None:
        ctx.progress(100 * done / max(total, 1) * 0.99)

    try:
        count = write_series(host, series_id, fmt, path, progress=progress)
    except Exception:
        with db.transaction() as session:
            session.get(Export, export_id).status = "failed"
        path.unlink(missing_ok=True)
        raise
    with db.transaction() as session:
        export = session.get(Export, export_id)
        export.status, export.cards = "ready", count
    ctx.log(f"{count} cards written ({path.stat().st_size:,} bytes)")
    return {"export_id": export_id, "cards": count, "file": file_name}
