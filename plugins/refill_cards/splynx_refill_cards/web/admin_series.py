"""Admin: Series list, Generate, Edit and Delete a series, Export and download, Statistics.

Generating and editing series (:mod:`..series`), exports (:mod:`..export`) and statistics
(:mod:`..report`) are imported by the first request that needs them, not when the host loads
the add-on.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import func, select

from core.web import admin_partner_ids, admin_sees_partner, current_host, host_page, paginate, parse_id, requires, scope_partners

from ..models import Card, Export, Series
from ..settings import options
from . import bp
from .forms import actor, get_or_404, partner_options, series_or_404


def _latest_exports(series_ids: list[int]) -> dict[int, Export]:
    if not series_ids:
        return {}
    rows = current_host().db.session.execute(
        select(Export).where(Export.series_id.in_(series_ids), Export.status == "ready").order_by(Export.id))
    return {export.series_id: export for export in rows.scalars()}


@bp.get("/admin/series")
@host_page
@requires("prepaid.view")
def series_list():
    """Finance → Refill cards → Series; ``?new=<serie>`` (after Generate) opens that series' cards in a window."""
    db = current_host().db.session
    cards = select(Card.series_id, func.count(Card.id).label("cards")).group_by(Card.series_id).subquery()
    statement = (select(Series, func.coalesce(cards.c.cards, 0)).outerjoin(cards, cards.c.series_id == Series.id)
                 .order_by(Series.id.desc()))
    page = paginate(db, scope_partners(statement, Series.partner_id), (Series.id, Series.prefix), scalars=False)
    exports = _latest_exports([series.id for series, _ in page.items])
    return render_template("refill_cards/admin/series.html", page=page, exports=exports,
                           new_series=parse_id(request.args.get("new", "")))


@bp.route("/admin/generate", methods=["GET", "POST"])
@host_page
@requires("prepaid.manage")
def generate_page():
    """Finance → Refill cards → Generate (a page, or a window over the series); then the new series' cards pop up."""
    from ..series import InputError, generate, parse_generate

    host = current_host()
    errors, form = {}, request.form
    if request.method == "POST":
        with host.db.transaction() as session:
            try:
                data = parse_generate(session, form)
                if not admin_sees_partner(data.partner_id):
                    raise InputError({"partner_id": "Choose one of your partners."})
                series = generate(host, session, data, options(host, session), actor=actor())
            except InputError as exc:
                errors = exc.errors
            else:
                series_id = series.id
        if not errors:
            flash(f"Series {series_id} generated: {data.quantity:,} cards of {data.price} each.", "success")
            return redirect(url_for(".series_list", new=series_id))
        flash("No cards were generated: correct the fields marked in red.", "error")
    return render_template("refill_cards/admin/generate.html", errors=errors, form=form,
                           partners=partner_options()), 422 if errors else 200


@bp.route("/admin/series/<int:series_id>/edit", methods=["GET", "POST"])
@requires("prepaid.manage")
def series_edit(series_id: int):
    """The "Edit series" window (a page of its own without JavaScript); saved, the series list shows."""
    from ..series import InputError, edit

    db = current_host().db.session
    series = series_or_404(series_id)
    errors = {}
    if request.method == "POST":
        try:
            edit(current_host(), db, series, request.form, actor=actor())
            if not admin_sees_partner(series.partner_id):
                raise InputError({"partner_id": "Choose one of your partners."})
        except InputError as exc:
            db.rollback()
            errors = exc.errors
            flash("The series was not saved: correct the fields marked in red.", "error")
        else:
            db.commit()
            flash(f"Series {series.id} saved; its unused cards follow the new price and date.", "success")
            return redirect(url_for(".series_list"))
    return render_template("refill_cards/admin/series_edit.html", series=series, errors=errors,
                           form=request.form if errors else None, partners=partner_options()), \
        422 if errors else 200


@bp.post("/admin/series/<int:series_id>/delete")
@requires("prepaid.manage")
def series_delete(series_id: int):
    from ..export import export_dir
    from ..series import InputError, delete_series

    host = current_host()
    series_or_404(series_id)
    host.db.session.rollback()
    with host.db.transaction() as session:
        try:
            files = delete_series(host, session, session.get(Series, series_id), actor=actor())
        except InputError as exc:
            flash(exc.errors["series"], "error")
            return redirect(request.referrer or url_for(".series_list"))
    folder = export_dir(host.config.instance_path)
    for name in files:
        (folder / name).unlink(missing_ok=True)
    flash(f"Series {series_id} and its cards were deleted.", "success")
    return redirect(url_for(".series_list"))


@bp.route("/admin/series/<int:series_id>/export", methods=["GET", "POST"])
@requires("prepaid.manage")
def series_export(series_id: int):
    """The "Export refill card series" modal: choose PDF or CSV; a job writes the series' active cards."""
    from ..export import FORMATS, count_for_sale, start_export

    series = series_or_404(series_id)
    error = ""
    for_sale = count_for_sale(current_host().db.session, series.id, date.today())
    if request.method == "POST":
        fmt = request.form.get("format", "")
        if fmt not in FORMATS:
            error = "Choose PDF or CSV."
        elif not for_sale:
            error = f"Series {series.id} has no active cards left to export."
        else:
            current_host().db.session.rollback()
            export = start_export(current_host(), series, fmt, actor=actor())
            return redirect(url_for(".export_status", export_id=export.id))
    exports = current_host().db.session.execute(
        select(Export).where(Export.series_id == series.id).order_by(Export.id.desc()).limit(10)).scalars().all()
    return render_template("refill_cards/admin/export_modal.html", series=series, exports=exports,
                           formats=FORMATS, error=error, for_sale=for_sale), 422 if error else 200


@bp.get("/admin/exports/<int:export_id>")
@requires("prepaid.view")
def export_status(export_id: int):
    from ..export import FORMATS

    export = get_or_404(Export, export_id)
    series_or_404(export.series_id)
    return render_template("refill_cards/admin/export_status.html", export=export, formats=FORMATS)


@bp.get("/admin/exports/<int:export_id>/download")
@requires("prepaid.manage")
def export_download(export_id: int):
    from ..export import export_dir

    export = get_or_404(Export, export_id)
    series_or_404(export.series_id)
    path = export_dir(current_host().config.instance_path) / Path(export.file_name).name
    if export.status != "ready" or not path.exists():
        abort(404)
    mimetype = "application/pdf" if export.format == "pdf" else "text/csv"
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=export.file_name)


def _date_arg(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/admin/report")
@host_page
@requires("prepaid.view")
def report():
    from ..report import series_totals

    db = current_host().db.session
    partner = request.args.get("partner", "")
    rows = series_totals(db, start=_date_arg("from"), end=_date_arg("to"), partner_id=parse_id(partner),
                         partners=admin_partner_ids())
    return render_template("refill_cards/admin/report.html", rows=rows, partners=partner_options(),
                           partner=partner, start=request.args.get("from", ""), end=request.args.get("to", ""))
