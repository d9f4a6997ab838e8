"""Admin: the cards of a series (view, edit, delete) and the "Redeem card" modal.

Editing cards (:mod:`..cards`) and the series totals (:mod:`..report`) are imported by the first
request that needs them, not when the host loads the add-on.
"""

from __future__ import annotations

from datetime import date

from flask import flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import String, cast, func, or_, select

from core import models as records
from core.web import admin_customer_or_404, current_host, paginate, requires, scope_partners

from ..models import STATUS_LABELS, Card, status_expression
from ..redeem import RedeemRefused, redeem
from . import bp
from .forms import actor, card_or_404, series_or_404

MIN_SEARCH = 3
MAX_MATCHES = 20


@bp.get("/admin/series/<int:series_id>")
@requires("prepaid.view")
def series_cards(series_id: int):
    """The cards of a series: a window over the series list (View, after Generate) or a page of its own."""
    from ..report import series_totals

    db = current_host().db.session
    series = series_or_404(series_id)
    Customer = records.Customer
    statement = (select(Card).outerjoin(Customer, Customer.id == Card.customer_id)
                 .where(Card.series_id == series.id).order_by(Card.id))
    status = request.args.get("status", "")
    if status in STATUS_LABELS:
        statement = statement.where(status_expression(date.today()) == status)
    page = paginate(db, statement, (Card.full_code, Customer.name, Customer.login, Card.id))
    totals = series_totals(db, series_id=series.id)[0]
    return render_template("refill_cards/admin/cards.html", series=series, page=page, status=status, totals=totals)


@bp.route("/admin/cards/<int:card_id>/edit", methods=["GET", "POST"])
@requires("prepaid.manage")
def card_edit(card_id: int):
    from ..cards import edit_card
    from ..series import InputError

    db = current_host().db.session
    card = card_or_404(card_id)
    errors = {}
    if request.method == "POST":
        try:
            edit_card(current_host(), db, card, request.form, actor=actor())
        except InputError as exc:
            db.rollback()
            errors = exc.errors
            if "card" in errors:
                flash(errors["card"], "error")
                return redirect(url_for(".series_cards", series_id=card.series_id))
            flash("The card was not saved: correct the fields marked in red.", "error")
        else:
            db.commit()
            flash(f"Card {card.full_code} saved.", "success")
            return redirect(url_for(".series_cards", series_id=card.series_id))
    return render_template("refill_cards/admin/card_edit.html", card=card, errors=errors,
                           form=request.form if errors else None), 422 if errors else 200


@bp.post("/admin/cards/<int:card_id>/delete")
@requires("prepaid.manage")
def card_delete(card_id: int):
    from ..cards import delete_card
    from ..series import InputError

    db = current_host().db.session
    card = card_or_404(card_id)
    series_id, code = card.series_id, card.full_code
    try:
        delete_card(current_host(), db, card, actor=actor())
    except InputError as exc:
        db.rollback()
        flash(exc.errors["card"], "error")
    else:
        db.commit()
        flash(f"Card {code} deleted.", "success")
    return redirect(url_for(".series_cards", series_id=series_id))


def find_customers(q: str) -> list:
    """Customers whose id, login, name or email contains ``q`` (at least three characters)."""
    Customer = records.Customer
    q = q.strip()[:64]
    if len(q) < MIN_SEARCH:
        return []
    pattern = f"%{q.lower()}%"
    columns = (cast(Customer.id, String), Customer.login, Customer.name, Customer.email)
    return list(current_host().db.session.execute(
        scope_partners(select(Customer), Customer.partner_id).where(or_(*(func.lower(c).like(pattern) for c in columns)))
        .order_by(Customer.name, Customer.id).limit(MAX_MATCHES)).scalars())


@bp.get("/admin/customers.json")
@requires("prepaid.manage")
def customers_json():
    return jsonify([{"id": c.id, "name": c.name, "login": c.login, "partner": c.partner.name}
                    for c in find_customers(request.args.get("q", ""))])


@bp.route("/admin/cards/<int:card_id>/redeem", methods=["GET", "POST"])
@requires("prepaid.manage")
def card_redeem(card_id: int):
    """The "Redeem card" modal: search a customer (three characters or more), then Redeem."""
    host = current_host()
    card = card_or_404(card_id)
    q = request.values.get("q", "")
    error, done = "", None
    if request.method == "POST":
        customer_id, code = request.form.get("customer_id", ""), card.full_code
        host.db.session.rollback()  # end the request's read snapshot; redeem commits on its own
        try:
            if not customer_id:
                raise RedeemRefused("Choose a customer to redeem the card for.")
            done = redeem(host, code, admin_customer_or_404(customer_id).id, actor=actor())
        except RedeemRefused as exc:
            error = str(exc)
        host.db.session.rollback()  # read the card as redeem left it
        card = card_or_404(card_id)
    return render_template("refill_cards/admin/redeem_modal.html", card=card, q=q, customers=find_customers(q),
                           min_search=MIN_SEARCH, error=error, done=done), 422 if error else 200
