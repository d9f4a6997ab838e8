"""Portal: Finance → Payments → Refill card, the customer's "Redeem refill card" form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core.web import current_customer, current_host, host_page

from ..models import Card
from ..redeem import RedeemRefused, redeem
from ..settings import portal_enabled
from . import bp

RECENT = 10


@bp.route("/portal/redeem", methods=["GET", "POST"])
@host_page
def portal_redeem():
    host = current_host()
    customer = current_customer()
    if not portal_enabled(host, host.db.session, customer.partner_id):
        abort(404)
    error = ""
    if request.method == "POST":
        customer_id, actor = customer.id, f"customer:{customer.login}"
        host.db.session.rollback()  # end the request's read snapshot; redeem commits on its own
        try:
            done = redeem(host, request.form.get("code", ""), customer_id, actor=actor, throttle=True)
        except RedeemRefused as exc:  # too many wrong codes: the host's 429 page names the wait
            error = str(exc)
        else:
            flash(f"Refill card {done.full_code} redeemed: {done.amount:.2f} {host.config.currency} "
                  "was added to your account balance.", "success")
            return redirect(url_for(".portal_redeem"))
    recent = host.db.session.execute(select(Card).where(Card.customer_id == customer.id)
                                      .order_by(Card.activated_at.desc()).limit(RECENT)).scalars().all()
    return render_template("refill_cards/portal/redeem.html", error=error, recent=recent,
                           code=request.form.get("code", "") if error else ""), 422 if error else 200
