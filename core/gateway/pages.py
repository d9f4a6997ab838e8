"""What every payment gateway add-on's pages share: quoting and paying one document or a top-up.

A gateway add-on builds one :class:`GatewayPages` (its id, URL prefix, account types, settings
loader and how to read typed payment details) and its views stay small:

* :func:`document` finds the invoice or proforma named by ``item_id`` (id or number);
* :meth:`GatewayPages.quote` works out amount, due, service fee and total to pay;
* :meth:`GatewayPages.submit` handles a pay form: a saved account, or details typed for this
  payment (optionally kept: "save this card for future payments");
* :meth:`GatewayPages.refill` handles a balance top-up form, and :meth:`GatewayPages.refill_page`
  is the whole top-up page: a signed one-time intent key in the form (the same key is the same
  payment attempt, so double clicks, parallel posts and refreshes charge once) and
  post-redirect-get to the result;
* :meth:`GatewayPages.trusted` and :meth:`GatewayPages.direct_links` verify and issue signed
  direct payment links (only a signed link may use saved credentials);
* :meth:`GatewayPages.unpaid_widget` renders the "Pay your invoices by ..." dashboard widget.

Money always moves through the host's payment service (write-ahead attempt, one open
attempt per document), never from here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import models as records
from ..entry_points import render_code
from ..payments import SAVE_CREDENTIALS, PaymentError, PaymentOutcome
from ..host import Host
from ..web import check_attempts, count_attempt, current_customer, current_host, money, parse_amount, parse_id
from .forms import safe_form
from .intents import FIELD as INTENT_FIELD
from .mail import signed_document_url

#: the host record of each document kind (resolved when a page is served)
RECORDS = {"invoice": "Invoice", "proforma": "ProformaInvoice"}
LABELS = {"invoice": "Invoice", "proforma": "Proforma invoice"}
SUCCESS = "Success! Your transaction has been successfully processed."
CHOOSE_METHOD = "Choose how to pay."
STALE_FORM = "This form has expired. Nothing was charged; please enter the amount again."


class GatewaySettings(Protocol):
    """The part of an add-on's effective settings the shared pages read."""

    fee_percent: Decimal
    direct_link_days: int

    def fee(self, amount: Decimal) -> Decimal: ...

    def allows(self, kind: str) -> bool: ...


#: reads typed payment details of one method from a form: (details for the request, errors)
DetailsReader = Callable[[str, Mapping[str, str]], tuple[dict[str, Any] | None, dict[str, str]]]


@dataclass(frozen=True)
class Quote:
    """The numbers a pay page shows: amount, due, fee and total to pay."""

    kind: str
    #: the ``Invoice`` or ``ProformaInvoice`` record
    document: Any
    settings: GatewaySettings
    fee: Decimal
    total: Decimal

    @property
    def label(self) -> str:
        return LABELS[self.kind]


@dataclass
class Submission:
    """What a submitted pay or refill form produced: an outcome, or why there is none."""

    method: str = ""
    outcome: PaymentOutcome | None = None
    #: a message for the whole form (the payment could not start)
    error: str | None = None
    #: messages per field (nothing was sent to the gateway)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def status_code(self) -> int:
        return 422 if self.errors else 200


def find_document(kind: str, item_id, *, by: str = "id"):
    """The invoice/proforma named by id or number, or ``None`` (unknown, malformed or deleted)."""
    model = records.host_record(RECORDS[kind])
    value = str(item_id or "").strip()
    key = parse_id(value) if by == "id" else value
    if not key or len(value) > 32:
        return None
    column = model.number if by == "number" else model.id
    found = current_host().db.session.execute(select(model).where(column == key)).scalar_one_or_none()
    return None if found is None or found.status == "deleted" else found


def document(kind: str, item_id, *, by: str = "id"):
    """The invoice/proforma named by id or number, or 404 (deleted ones included)."""
    found = find_document(kind, item_id, by=by)
    if found is None:
        abort(404)
    return found


def card_years() -> range:
    """Expiry years a card form offers: this year and the next eleven."""
    this_year = date.today().year
    return range(this_year, this_year + 12)


@dataclass(frozen=True)
class GatewayPages:
    """The shared page logic, set up for one gateway add-on."""

    #: the add-on id (``ippay``), also the payment service's gateway name
    gateway: str
    #: the URL prefix its pages live under (``/ippay``)
    prefix: str
    #: (kind, label) of the account types it stores, in display order
    account_types: tuple[tuple[str, str], ...]
    #: ``load_settings(host, session, partner_id)`` → the add-on's effective settings
    load_settings: Callable[[Host, Session, int | None], GatewaySettings]
    #: reads typed details of a method (``card``, ``bank``); needed when a page accepts any
    read_details: DetailsReader | None = None

    def settings_for(self, customer) -> GatewaySettings:
        host = current_host()
        return self.load_settings(host, host.db.session, customer.partner_id)

    def quote(self, kind: str, found) -> Quote:
        settings = self.settings_for(found.customer)
        fee = settings.fee(found.due)
        return Quote(kind, found, settings, fee, found.due + fee)

    def account_choices(self, customer_id: int, settings: GatewaySettings) -> list[tuple[str, list]]:
        """Saved accounts grouped by type label (Credit card, Bank account), allowed types only."""
        host = current_host()
        accounts = host.saved_accounts(self.gateway).of_customer(host.db.session, customer_id)
        return [(label, [a for a in accounts if a.kind == kind]) for kind, label in self.account_types
                if settings.allows(kind) and any(a.kind == kind for a in accounts)]

    # -- paying ---------------------------------------------------------------------

    def pay(self, kind: str, found, *, initiated_by: str, account_id=None,
            details: dict | None = None) -> PaymentOutcome | str:
        """Pay the document's due; a string is an error to show instead."""
        host = current_host()
        account = None
        if account_id is not None:
            account = host.saved_accounts(self.gateway).own(host.db.session, found.customer_id, account_id)
            if account is None:
                return "Choose one of the saved payment accounts."
        try:
            return host.payments.pay(gateway=self.gateway, customer_id=found.customer_id, target_kind=kind,
                                     target_id=found.id, account_id=account.id if account else None,
                                     details=details, source=_source(account, details), initiated_by=initiated_by,
                                     description=f"{LABELS[kind]} {found.number}")
        except PaymentError as exc:
            return str(exc)

    def _details(self, method: str, form: Mapping[str, str], save: bool) -> tuple[dict | None, dict[str, str]]:
        """Typed details of one method, with the customer's "save" choice when ``save`` allows it."""
        details, errors = self.read_details(method, form)
        if details is not None:
            details = {**details, SAVE_CREDENTIALS: save and form.get("save_card") == "1"}
        return details, errors

    def submit(self, kind: str, found, quote: Quote, form: Mapping[str, str], *, initiated_by: str,
               saved: bool = True, methods: tuple[str, ...] = (), save: bool = False) -> Submission:
        """Handle a pay form: ``method`` ``saved`` (with ``account_id``) or one of ``methods``.

        ``saved`` says whether saved accounts may pay here; ``save`` whether typed details
        may be kept for future payments.
        """
        done = Submission(form.get("method", "saved"))
        if not found.is_payable:
            done.error = f"{quote.label} {found.number} is not waiting for payment."
            return done
        if done.method == "saved" and saved:
            result = self.pay(kind, found, initiated_by=initiated_by, account_id=form.get("account_id"))
        elif done.method in methods and quote.settings.allows(done.method):
            details, done.errors = self._details(done.method, form, save)
            if details is None:
                return done
            result = self.pay(kind, found, initiated_by=initiated_by, details=details)
        else:
            done.error = CHOOSE_METHOD
            return done
        done.outcome, done.error = (None, result) if isinstance(result, str) else (result, None)
        return done

    def refill(self, customer, form: Mapping[str, str], *, initiated_by: str,
               methods: tuple[str, ...] = (), save: bool = False) -> Submission:
        """Handle a balance top-up form (``amount`` plus a saved account or typed details)."""
        host = current_host()
        settings = self.settings_for(customer)
        done = Submission(form.get("method", "saved"))
        amount = parse_amount(form.get("amount", ""))
        if amount is None:
            done.errors["amount"] = "Enter an amount such as 25.00."
        account, details = None, None
        if done.method == "saved":
            account = host.saved_accounts(self.gateway).own(host.db.session, customer.id, form.get("account_id"))
            if account is None or not settings.allows(account.kind):
                nouns = " or ".join(label.lower() for kind, label in self.account_types if settings.allows(kind))
                done.errors["account_id"] = f"Choose a saved {nouns}."
        elif done.method in methods and settings.allows(done.method):
            details, errors = self._details(done.method, form, save)
            done.errors.update(errors)
        else:
            done.error = CHOOSE_METHOD
            return done
        if done.errors:
            return done
        intent = host.intents.verify(form.get(INTENT_FIELD), self._refill_purpose, customer.id)
        if intent is None:
            done.error = STALE_FORM
            return done
        try:
            done.outcome = host.payments.pay(
                gateway=self.gateway, customer_id=customer.id, target_kind="balance", amount=amount,
                account_id=account.id if account else None, details=details, source=_source(account, details),
                initiated_by=initiated_by, description="Balance refill", intent=intent)
        except PaymentError as exc:
            done.error = str(exc)
        session = host.db.session
        session.rollback()  # end this request's read snapshot: show the new balance in the top bar
        session.refresh(customer)
        return done

    @property
    def _refill_purpose(self) -> str:
        return f"{self.gateway}:refill"

    def refill_result(self, customer, key: str | None) -> PaymentOutcome | None:
        """The outcome of the customer's top-up made with the form whose intent key is ``key``."""
        host = current_host()
        intent = host.intents.verify(key, self._refill_purpose, customer.id)
        return host.payments.attempt_of_intent(intent, customer.id) if intent else None

    def refill_page(self, customer, template: str, *, initiated_by: str, methods: tuple[str, ...] = (),
                    save: bool = False, read_form: Callable[[Mapping[str, str]], Mapping[str, str]] = dict):
        """The top-up page: the form (with a fresh intent key), a post, then a redirect to its result.

        ``template`` gets ``choices``, ``done`` (a rejected post), ``result`` (the outcome a
        redirect after a post shows), ``fee_percent``, ``form`` and ``intent``. A post that
        reached the payment service redirects to ``?done=<intent key>``, so a refresh shows the
        result again and charges nothing; a post of a used key answers that key's attempt.
        """
        host = current_host()
        settings = self.settings_for(customer)
        done, result = None, None
        intent = host.intents.issue(self._refill_purpose, customer.id)
        if request.method == "POST":
            form = read_form(request.form)
            done = self.refill(customer, form, initiated_by=initiated_by, methods=methods, save=save)
            if done.outcome is not None:
                return redirect(url_for(f"{self.gateway}.refill", done=form.get(INTENT_FIELD)), 303)
            if done.error:
                flash(done.error, "error")
            elif host.intents.verify(form.get(INTENT_FIELD), self._refill_purpose, customer.id):
                intent = form[INTENT_FIELD]  # nothing was charged: the same form may be sent again
        elif request.args.get("done"):
            result = self.refill_result(customer, request.args["done"])
            if result is None:
                abort(404)
            if not result.approved:
                flash(result.message, "error" if result.status.value == "declined" else "warning")
        return render_template(template, choices=self.account_choices(customer.id, settings), done=done,
                               result=result, fee_percent=settings.fee_percent, intent=intent,
                               form=safe_form(request.form if done else request.args)), \
            done.status_code if done else 200

    # -- direct links -------------------------------------------------------------------

    def trusted(self, kind: str, found) -> bool:
        """Whether this request may use the document's saved credentials.

        True for a link the host signed (``expires``, ``sig``) and for the document's owner
        logged in to the portal; never for anyone else on a plain link.
        """
        owner = current_customer()
        if owner is not None and owner.id == found.customer_id:
            return True
        return current_host().direct_links.verify(kind, found.id, request.values.get("expires"),
                                                  request.values.get("sig"))

    def direct_links(self, quote: Quote) -> list[tuple[str, str]]:
        """Signed direct payment links for e-mails: (label, URL) by number and by id."""
        host = current_host()
        kind, found, days = quote.kind, quote.document, quote.settings.direct_link_days
        return [(label, signed_document_url(host, self.prefix, kind, found, days=days, by=by)[0])
                for label, by in (("By number", "number"), ("By id", "id"))]

    # -- dashboard ----------------------------------------------------------------------

    def unpaid_widget(self, host: Host, point, context, *, proforma: bool) -> Markup | None:
        """The "Pay your invoices by ..." widget: the customer's unpaid documents with Pay links.

        The point's code (admins may edit it) gets ``title``, ``documents`` (number, total,
        due, pending, pay_url: ``None`` while a payment is in flight), ``customer`` and ``kind_label``.
        """
        customer = context.get("customer")
        if customer is None:
            return None
        model = records.host_record(RECORDS["proforma" if proforma else "invoice"])
        rows = host.db.session.execute(
            select(model).where(model.customer_id == customer.id, records.unpaid(model))
            .order_by(model.date_created, model.id)).scalars()
        path = f"{self.prefix}/pay-proforma" if proforma else f"{self.prefix}/pay-invoice"
        currency = host.config.currency
        # a Pending document has a payment in flight: listed, but not payable again until it settles
        documents = [{"number": d.number, "total": money(d.total, currency), "due": money(d.due, currency),
                      "pending": d.status == "pending",
                      "pay_url": None if d.status == "pending" else f"{path}?item_id={d.id}"} for d in rows]
        return render_code(point, title=point.title, documents=documents, customer=customer,
                           kind_label="proforma invoice" if proforma else "invoice")


def _source(account, details: dict | None) -> str:
    if account is not None:
        return account.kind
    return "bank" if (details or {}).get("bank") else "card"


#: public pay pages one address may open, pay forms it may submit, and wrong document proofs it may send
PAY_PAGE_LIMIT = "30 per minute"
CARD_ATTEMPT_LIMIT = "10 per 10 minutes"
PROOF_LIMIT = "10 per 10 minutes"
#: the host page asking a visitor without a signed link to prove they hold the document
CONFIRM_TEMPLATE = "direct_pay_confirm.html"
#: documents this browser proved it holds (``kind:id``), newest last, at most :data:`REMEMBERED`
CONFIRMED_KEY = "splynx_pay_documents"
REMEMBERED = 20

#: the direct payment links every gateway add-on serves: path, document kind, looked up by
DIRECT_LINKS = (
    ("direct-pay-invoice", "invoice", "number"),
    ("direct-pay-invoice-by-id", "invoice", "id"),
    ("direct-pay-proforma", "proforma", "number"),
    ("direct-pay-proforma-by-id", "proforma", "id"),
)


def _confirmed(kind: str, found) -> bool:
    return f"{kind}:{found.id}" in session.get(CONFIRMED_KEY, [])


def _remember(kind: str, found) -> None:
    entry = f"{kind}:{found.id}"
    kept = [e for e in session.get(CONFIRMED_KEY, []) if isinstance(e, str) and e != entry]
    session[CONFIRMED_KEY] = [*kept, entry][-REMEMBERED:]


def _confirm_page(kind: str, by: str, found, address: str):
    """Ask for the document's number and total; the same answer whether or not the document exists.

    A right answer is remembered in the visitor's session and leads to the pay page; wrong
    answers count against the address (:data:`PROOF_LIMIT`), then 429 with the wait.
    """
    item_id = str(request.values.get("item_id") or "")[:32]
    error = None
    if request.method == "POST" and request.form.get("step") == "confirm":
        check_attempts("pay-proof", address, PROOF_LIMIT)
        number = (request.form.get("number") or "").strip() if by == "id" else item_id.strip()
        total = parse_amount(request.form.get("total"))
        if found is not None and total is not None and number == found.number and total == found.total:
            _remember(kind, found)
            return redirect(request.full_path, 303)
        count_attempt("pay-proof", address, PROOF_LIMIT)
        error = (f"No {LABELS[kind].lower()} has this number and total. Check them on "
                 f"your {LABELS[kind].lower()} and try again.")
    return render_template(CONFIRM_TEMPLATE, label=LABELS[kind], by=by, item_id=item_id, error=error,
                           form=safe_form(request.form)), 422 if error else 200


def register_direct_links(bp: Blueprint, pages: GatewayPages, template: str, methods: tuple[str, ...],
                          **context) -> None:
    """Mount the four direct payment links (no login) on an add-on's blueprint.

    Each shows the amount due and takes payment details, to a visitor who holds the document:
    a link carrying the host's signature (from an invoice e-mail), the customer logged in
    to the portal, or a visitor who typed the document's number and total (remembered in
    their session). Anyone else sees only that question, so ids and numbers cannot be walked
    to read invoices. Saved credentials are offered (and accepted on submit) only to a signed
    link or the logged-in owner. Pages opened, pay forms submitted and wrong answers are
    throttled per address.
    """

    def direct(kind: str, by: str):
        address = request.remote_addr or "-"
        count_attempt("pay-page", address, PAY_PAGE_LIMIT)
        found = find_document(kind, request.values.get("item_id"), by=by)
        owner = current_customer()
        trusted = found is not None and (pages.trusted(kind, found) or (owner is not None
                                                                          and owner.id == found.customer_id))
        if not trusted and (found is None or not _confirmed(kind, found) or request.form.get("step") == "confirm"):
            return _confirm_page(kind, by, found, address)
        if request.method == "POST":
            count_attempt("card-attempt", address, CARD_ATTEMPT_LIMIT)
        quote = pages.quote(kind, found)
        choices = pages.account_choices(found.customer_id, quote.settings) if trusted else []
        done = None
        if request.method == "POST":
            done = pages.submit(kind, found, quote, request.form, initiated_by="direct-link", saved=trusted,
                                methods=methods)
        return render_template(template, quote=quote, choices=choices, done=done, form=safe_form(request.form),
                               **context), done.status_code if done else 200

    for path, kind, by in DIRECT_LINKS:
        bp.add_url_rule(f"/{path}", endpoint=path.replace("-", "_"), view_func=direct, methods=["GET", "POST"],
                        defaults={"kind": kind, "by": by})
