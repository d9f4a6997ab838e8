"""Config → Main → Email (SMTP settings per partner, Send test email) and Config → Templates.

The mail settings, the mail service (:mod:`hostapp.services.mail.service`, with the SMTP client)
and the renderer are imported by the first request that needs them, not when the app is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from core.mail import TEMPLATE_VARIABLES
from core.web import admin_sees_partner, current_host, parse_id, requires

from ...models import Customer, Invoice, MailTemplateRecord, Partner, Payment, ProformaInvoice
from ...services.audit import record
from ...services.settings_store import DEFAULT_PARTNER, SettingsStore, host_choices
from . import bp
from .integrations import actor
from .module_settings import submitted_settings

if TYPE_CHECKING:
    from ...services.mail.service import Subject

MAX_TEMPLATE = 100_000


def _partner_id() -> int:
    partner_id = parse_id(request.values.get("partner")) or DEFAULT_PARTNER
    if partner_id and current_host().db.session.get(Partner, partner_id) is None:
        abort(404)
    return partner_id


def _partners():
    return current_host().db.session.execute(select(Partner).order_by(Partner.name)).scalars().all()


@bp.route("/config/main/email", methods=["GET", "POST"])
@requires("config.manage")
def mail_settings():
    """The SMTP server, the sender and automatic sending, per partner with the Default partner underneath."""
    from ...services.mail.settings import NAMESPACE, SETTINGS

    host = current_host()
    db = host.db.session
    store = SettingsStore(db, host.box)
    partner_id = _partner_id()
    errors: dict[str, str] = {}
    submitted: dict = {}
    if request.method == "POST" and request.form.get("form") == "reset" and partner_id:
        store.reset_partner(NAMESPACE, partner_id, actor=actor())
        db.commit()
        flash("The partner's e-mail settings are the Default partner's again.", "success")
        return redirect(url_for(".mail_settings", partner=partner_id))
    if request.method == "POST":
        raw = submitted_settings(SETTINGS)
        result = store.validate(NAMESPACE, SETTINGS, raw, partner_id, set(raw) if partner_id else None)
        if result.ok:
            store.save(NAMESPACE, SETTINGS, result.values, actor=actor(), partner_id=partner_id)
            db.commit()
            flash("E-mail settings saved.", "success")
            return redirect(url_for(".mail_settings", partner=partner_id or None))
        errors = result.errors
        submitted = {f.key: raw[f.key] for f in SETTINGS.fields() if not f.is_secret and f.key in raw}
        flash("E-mail settings were not saved: correct the fields marked in red.", "error")
    values = store.values(NAMESPACE, SETTINGS, partner_id or None)
    values.update(submitted)
    return render_template("admin/mail_settings.html", sections=SETTINGS.sections, values=values, errors=errors,
                           partners=_partners(), partner_id=partner_id, resolve=host_choices(db),
                           secrets=store.stored_secrets(NAMESPACE, partner_id),
                           overridden=store.overridden_keys(NAMESPACE, partner_id),
                           test_to=request.form.get("test_to", "")), 422 if errors else 200


@bp.post("/config/main/email/test")
@requires("config.manage")
def mail_test():
    """Send a test e-mail now (past the queue) and show what the server answered."""
    from ...services.mail.service import MailService
    from ...services.mail.smtp import DeliveryFailure

    partner_id = _partner_id()
    address = request.form.get("test_to", "").strip()
    if not _looks_like_address(address):
        flash("Enter the e-mail address to send the test to, such as noc@example.net.", "error")
    else:
        try:
            answer = MailService(current_host()).send_test(address, partner_id or None)
        except DeliveryFailure as exc:
            flash(f"The test e-mail to {address} was not sent. The server answered: {exc.answer}", "error")
        else:
            flash(f"Test e-mail to {address} sent. The server answered: {answer}", "success")
        with current_host().db.transaction() as session:
            record(session, actor(), "mail.test", address, {"partner": partner_id})
    return redirect(url_for(".mail_settings", partner=partner_id or None))


def _looks_like_address(address: str) -> bool:
    local, at, domain = address.partition("@")
    return bool(at and local and "." in domain and len(address) <= 254 and address.isprintable()
                and " " not in address and "\n" not in address)


# -- templates ---------------------------------------------------------------------------


@bp.get("/config/templates")
@requires("config.view")
def mail_templates():
    """Config → Templates: every e-mail template, with whether operators edited it."""
    from ...services.mail.service import MailService

    service = MailService(current_host())
    db = current_host().db.session
    edited = {(row.key, row.partner_id) for row in db.execute(select(MailTemplateRecord)).scalars()}
    return render_template("admin/mail_templates.html", templates=list(service.templates.available().values()),
                           edited=edited)


def _preview_subject(db, key: str, customer: Customer) -> Subject:
    """A real customer's latest document or payment for the template's kind of message."""
    from ...services.mail.service import NotSent, Subject

    if key in ("invoice_new", "proforma_new", "payment_failed"):
        model = ProformaInvoice if key == "proforma_new" else Invoice
        document = db.execute(select(model).where(model.customer_id == customer.id)
                              .order_by(model.id.desc()).limit(1)).scalar_one_or_none()
        if document is None:
            raise NotSent(f"{customer.name} has no {'proforma invoice' if model is ProformaInvoice else 'invoice'} "
                          "to preview with.")
        return Subject(customer, document, reason="Insufficient funds (preview)" if key == "payment_failed" else "")
    wanted = Payment.amount < 0 if key == "refund_made" else Payment.amount > 0
    payment = db.execute(select(Payment).where(Payment.customer_id == customer.id, wanted)
                         .order_by(Payment.id.desc()).limit(1)).scalar_one_or_none()
    if payment is None:
        raise NotSent(f"{customer.name} has no {'refund' if key == 'refund_made' else 'payment'} to preview with.")
    return Subject(customer, payment.invoice or payment.proforma, payment)


def _draft(base):
    """The template as the form holds it (unsaved)."""
    form = {part: request.form.get(part, "")[:MAX_TEMPLATE] for part in ("subject", "html", "text")}
    form["subject"] = form["subject"][:255]
    return form, type(base)(base.key, base.title, form["subject"], form["html"], form["text"], base.description)


@bp.route("/config/templates/<key>", methods=["GET", "POST"])
@requires("config.manage")
def mail_template(key: str):
    """Edit one template (per partner) and save it if it compiles, or reset it to the built-in text."""
    from ...services.mail.render import PART_LABELS, TemplateError, check_syntax
    from ...services.mail.service import MailService

    host = current_host()
    db = host.db.session
    service = MailService(host)
    base = service.templates.available().get(key) or abort(404)
    partner_id = _partner_id()
    stored = service.templates.stored(db, key, partner_id)
    current = service.templates.effective(db, key, partner_id)
    form = {"subject": current.subject, "html": current.html, "text": current.text}
    error = None
    if request.method == "POST" and request.form.get("action") == "reset":
        if stored is not None:
            db.delete(stored)
            record(db, actor(), "mail.template_reset", f"{key}/partner:{partner_id}")
            db.commit()
        flash("The template is the built-in one again." if not partner_id
              else "The partner uses the Default partner's template again.", "success")
        return redirect(url_for(".mail_template", key=key, partner=partner_id or None))
    if request.method == "POST":
        form, draft = _draft(base)
        try:
            check_syntax(draft)
        except TemplateError as exc:
            error = f"Not saved: {exc}"
        else:
            row = stored or MailTemplateRecord(key=key, partner_id=partner_id)
            row.subject, row.html, row.text, row.updated_by = form["subject"], form["html"], form["text"], actor()
            db.add(row)
            record(db, actor(), "mail.template_saved", f"{key}/partner:{partner_id}")
            db.commit()
            flash(f"Template “{base.title}” saved.", "success")
            return redirect(url_for(".mail_template", key=key, partner=partner_id or None))
    return render_template("admin/mail_template.html", template=base, form=form, error=error,
                           partners=_partners(), partner_id=partner_id, customer_id=request.args.get("customer_id", ""),
                           edited=stored is not None, variables=TEMPLATE_VARIABLES, parts=PART_LABELS), \
        422 if error else 200


@bp.post("/config/templates/<key>/preview")
@requires("config.manage")
def mail_template_preview(key: str):
    """The form's (unsaved) template rendered with a real customer's data, for the page's sandboxed frame."""
    from ...services.mail.render import TemplateError
    from ...services.mail.service import MailService, NotSent

    host = current_host()
    db = host.db.session
    service = MailService(host)
    base = service.templates.available().get(key) or abort(404)
    _, draft = _draft(base)
    customer = _preview_customer(db, parse_id(request.form.get("customer_id")), _partner_id())
    preview = error = None
    if customer is None:
        error = "Enter the id of a customer of this partner to preview with."
    else:
        try:
            preview = service.render(db, key, _preview_subject(db, key, customer), template=draft)
        except (TemplateError, NotSent) as exc:
            error = str(exc)
    response = make_response(render_template("admin/mail_preview.html", preview=preview, error=error,
                                             customer=customer), 422 if error else 200)
    response.headers["Content-Security-Policy"] = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                                                   "img-src data:; frame-ancestors 'self'")
    return response


def _preview_customer(db, customer_id: int | None, partner_id: int) -> Customer | None:
    if customer_id is None:
        return None
    customer = db.get(Customer, customer_id)
    if customer is None or (partner_id and customer.partner_id != partner_id) \
            or not admin_sees_partner(customer.partner_id):
        return None
    return customer

