"""Finance → Invoices → Charge: the "Charge invoices" dialog, its Charge history and batch pages.

The dialog opens in a modal iframe from the invoices (or proforma invoices) page; its tabs
are Charge | Auto charge filters (:mod:`.charge_auto`) | Charge history. Charging writes a
batch and starts it on the configured runner; the batch page polls its progress as JSON.

Every query runs within :func:`core.web.scope_customers`: an administrator limited to partners
previews and charges their partners' invoices only, sees the batches holding one of those,
and of each batch only those invoices, their counts and sums. Stopping, resuming and deleting
a batch takes one whose invoices are all theirs.

The charging services (:mod:`hostapp.services.charging`) are imported by the first request
that needs them, not when the app is built.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from core.web import current_host, parse_id, requires, scope_customers
from ...models import ChargeBatch
from core.web.tables import paginate
from . import bp
from .charge_forms import KINDS, choices, kind_arg, month_bounds, submitted
from .integrations import actor

if TYPE_CHECKING:
    from ...services.charging import ChargeService

RESULTS_PER_PAGE = 50


def _service() -> ChargeService:
    from ...services.charging import ChargeService

    return ChargeService(current_host())


def _initial_values(kind: str) -> dict:
    """The dialog's first state: the invoices page's period (else this month) or its ticked rows."""
    ids = request.args.get("ids", "")
    values = {"status": "unpaid", "handler": request.args.get("handler", "")}
    if ids:
        values["document_ids"] = ids
        return values
    first, last = month_bounds()
    values["period_from"] = request.args.get("period_from") or first.isoformat()
    values["period_to"] = request.args.get("period_to") or last.isoformat()
    if parse_id(request.args.get("partner")) is not None:
        values["partner_ids"] = [request.args["partner"].strip()]
    return values


def parse_charge_form(kind: str):
    """(filters, handler, params, errors) of the posted Charge form; every bad field gets its message."""
    from ...services.charging import ChargeFilters, FilterError
    from ...services.charging.handlers import find_handler

    errors: dict[str, str] = {}
    filters = handler = params = None
    try:
        filters = ChargeFilters.parse(request.form, target_kind=kind)
    except FilterError as exc:
        errors.update(exc.errors)
    try:
        handler = find_handler(current_host(), request.form.get("handler", ""))
        params = handler.parse_params(request.form, resolver=choices()["resolve"])
    except FilterError as exc:
        errors.update(exc.errors)
    return filters, handler, params, errors


@bp.route("/finance/charge", methods=["GET", "POST"])
@requires("finance.charge")
def charge_dialog():
    from ...services.charging import BatchRequest, NothingToCharge

    kind = kind_arg()
    service = _service()
    handlers = service.handlers()
    values = submitted() if request.method == "POST" else _initial_values(kind)
    if not values.get("handler") and handlers:
        values["handler"] = handlers[0].id
    errors: dict[str, str] = {}
    shown = None
    if request.method == "POST":
        filters, handler, params, errors = parse_charge_form(kind)
        if not errors:
            if request.form.get("action") == "charge":
                try:
                    batch_id = service.charge(BatchRequest(handler.id, filters, params, created_by=actor(),
                                                           scope=scope_customers))
                except NothingToCharge as exc:
                    errors["form"] = str(exc)
                else:
                    flash(f"Charge batch #{batch_id} started.", "success")
                    return redirect(url_for(".charge_batch", batch_id=batch_id, kind=kind))
            shown = service.preview(filters, handler.id, scope=scope_customers)
    return render_template("admin/charge/charge.html", kind=kind, kinds=KINDS, handlers=handlers, values=values,
                           errors=errors, preview=shown, tab="charge", **choices())


@bp.get("/finance/charge/history")
@requires("finance.charge")
def charge_history():
    from ...services.charging.batches import visible_batches

    kind = kind_arg()
    db = current_host().db.session
    page = paginate(db, visible_batches(select(ChargeBatch).where(ChargeBatch.target_kind == kind)
                                        .order_by(ChargeBatch.id.desc()), scope_customers),
                    (ChargeBatch.id, ChargeBatch.handler))
    service = _service()
    summaries = {batch.id: service.summary(batch.id, scope=scope_customers) for batch in page.items}
    return render_template("admin/charge/history.html", kind=kind, kinds=KINDS, page=page, summaries=summaries,
                           tab="history")


def _batch_or_404(batch_id: int, *, whole: bool = False) -> ChargeBatch:
    """The batch if the administrator sees it (``whole``: if every invoice of it is within their partners)."""
    from ...services.charging.batches import visible_batches, whole_batch_within

    session = current_host().db.session
    batch = session.execute(visible_batches(select(ChargeBatch).where(ChargeBatch.id == batch_id),
                                            scope_customers)).scalar_one_or_none()
    if batch is None or (whole and not whole_batch_within(session, batch, scope_customers)):
        abort(404)
    return batch


@bp.get("/finance/charge/batches/<int:batch_id>")
@requires("finance.charge")
def charge_batch(batch_id: int):
    from ...services.charging import ChargeFilters
    from ...services.charging.batches import count_results, results, selection_sums

    batch = _batch_or_404(batch_id)
    only = request.args.get("only", "")
    page_no = max(1, request.args.get("page", 1, type=int))
    with current_host().db.reading() as session:
        rows = results(session, batch_id, limit=RESULTS_PER_PAGE, offset=(page_no - 1) * RESULTS_PER_PAGE,
                       only=only, scope=scope_customers)
        total = count_results(session, batch_id, scope=scope_customers)
        sums = selection_sums(session, batch, scope_customers)
    summary = _service().summary(batch_id, scope=scope_customers)
    filters = ChargeFilters.from_dict({**batch.filters, "target_kind": batch.target_kind})
    return render_template("admin/charge/batch.html", kind=batch.target_kind, kinds=KINDS, batch=batch,
                           summary=summary, sums=sums, rows=rows, filters=filters, only=only, page_no=page_no,
                           pages=max(1, -(-total // RESULTS_PER_PAGE)), tab="history")


@bp.get("/finance/charge/batches/<int:batch_id>.json")
@requires("finance.charge")
def charge_batch_json(batch_id: int):
    _batch_or_404(batch_id)
    summary = _service().summary(batch_id, scope=scope_customers)
    status = {"ready": "succeeded", "error": "failed", "cancelled": "failed"}.get(summary.status, summary.status)
    log = (f"Approved {summary.approved} · Declined {summary.declined} · Unknown {summary.unknown} · "
           f"Skipped {summary.skipped} · In flight {summary.in_flight} · Queued {summary.queued} "
           f"of {summary.items}" + (f"\n{summary.error}" if summary.error else ""))
    return jsonify({"id": summary.id, "status": status, "batch_status": summary.status, "progress": summary.progress,
                    "log": log, "approved": summary.approved, "declined": summary.declined,
                    "unknown": summary.unknown, "skipped": summary.skipped, "items": summary.items,
                    "charged_sum": str(summary.charged_sum), "error": summary.error})


@bp.get("/finance/charge/batches/<int:batch_id>.csv")
@requires("finance.charge")
def charge_batch_csv(batch_id: int):
    from ...services.charging.report import write_csv

    _batch_or_404(batch_id)
    buffer = io.StringIO()
    with current_host().db.reading() as session:
        write_csv(session, batch_id, buffer, scope=scope_customers)
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="charge-batch-{batch_id}.csv"'})


@bp.post("/finance/charge/batches/<int:batch_id>/<action>")
@requires("finance.charge")
def charge_batch_action(batch_id: int, action: str):
    from ...services.charging import BatchBusy, BatchRequest, ChargeFilters, FilterError, NothingToCharge
    from ...services.charging.handlers import find_handler

    batch = _batch_or_404(batch_id, whole=action != "rerun")
    kind, service = batch.target_kind, _service()
    try:
        if action == "delete":
            service.delete(batch_id, actor())
            flash(f"Charge batch #{batch_id} deleted.", "success")
            return redirect(url_for(".charge_history", kind=kind))
        if action == "cancel":
            service.cancel(batch_id, actor())
            flash(f"Charge batch #{batch_id} stops after the invoices being charged now.", "info")
        elif action == "resume":
            resumed = service.resume(batch_id, actor())
            flash(f"Charge batch #{batch_id} " + ("resumed." if resumed else "has nothing left to charge."),
                  "success" if resumed else "info")
        elif action == "rerun":
            filters = ChargeFilters.from_dict({**batch.filters, "target_kind": kind})
            find_handler(service.host, batch.handler)
            new_id = service.charge(BatchRequest(batch.handler, filters, dict(batch.params), created_by=actor(),
                                                 scope=scope_customers))
            flash(f"Charge batch #{new_id} started with the filters of #{batch_id}.", "success")
            return redirect(url_for(".charge_batch", batch_id=new_id, kind=kind))
        else:
            abort(404)
    except (BatchBusy, NothingToCharge) as exc:
        flash(str(exc), "error")
    except FilterError as exc:
        flash("; ".join(exc.errors.values()), "error")
    return redirect(url_for(".charge_batch", batch_id=batch_id, kind=kind))
