"""Customers added and edited by administrators: the form's fields, their parsing, and what changed.

:func:`read_customer_form` turns a submitted form into values (or a message per field);
:func:`save_customer` writes them to a new or existing customer and audits the fields that
really changed. Passwords are hashed like every other login's and never shown or audited;
a new password ends the customer's portal sessions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.inputs import parse_choice, parse_email, parse_id, parse_int, parse_text

from ..models import Customer, Location, Partner, PaymentMethod
from ..models.people import BILLING_TYPES, CUSTOMER_STATUSES
from ..web.sessions import hash_password, rotate_token
from .audit import record

CATEGORIES = {"person": "Person", "company": "Company"}
#: a portal login: letters, digits and ``. _ - @``, as a subscriber can type it on a phone
_LOGIN = re.compile(r"[A-Za-z0-9._@-]{2,64}")
#: a phone number as people write it: digits, spaces, ``+ - ( ) .``
_PHONE = re.compile(r"\+?[0-9 ()./-]{3,32}")
PASSWORD_LENGTH = (8, 256)
#: the longest payment due an invoice may give, in days
MAX_BILLING_DUE = 365


@dataclass(frozen=True)
class TextField:
    """A column of the customer form typed as text: its label, its parser and the message when the parser refuses."""

    name: str
    label: str
    parse: Callable[[Any], Any]
    message: str


def _matching(pattern: re.Pattern, *, max_length: int, required: bool) -> Callable[[Any], str | None]:
    def parse(raw):
        text = parse_text(raw, max_length=max_length, required=required)
        return text if text is not None and (not text or pattern.fullmatch(text)) else None
    return parse


def _text(max_length: int, required: bool = False) -> Callable[[Any], str | None]:
    return lambda raw: parse_text(raw, max_length=max_length, required=required)


TEXT_FIELDS = (
    TextField("name", "Full name", _text(128, required=True), "Enter the full name (at most 128 characters, one line)."),
    TextField("login", "Login", _matching(_LOGIN, max_length=64, required=True),
              "Use 2 to 64 letters, digits or . _ - @ (no spaces)."),
    TextField("email", "Email", parse_email, "Enter an email address like name@example.net (at most 128 characters)."),
    TextField("phone", "Phone number", _matching(_PHONE, max_length=32, required=False),
              "Enter a phone number: digits, spaces and + - ( ) . only, at most 32 characters."),
    TextField("category", "Category", lambda raw: parse_choice(raw, CATEGORIES), "Choose Person or Company."),
    TextField("status", "Status", lambda raw: parse_choice(raw, CUSTOMER_STATUSES), "Choose a status from the list."),
    TextField("billing_type", "Billing type", lambda raw: parse_choice(raw, BILLING_TYPES),
              "Choose a billing type from the list."),
    TextField("billing_due", "Payment due", lambda raw: parse_int(raw, minimum=0, maximum=MAX_BILLING_DUE),
              f"Enter the days to pay: a whole number from 0 to {MAX_BILLING_DUE}."),
    TextField("street", "Street", _text(128), "Enter at most 128 characters on one line."),
    TextField("zip_code", "ZIP code", _text(16), "Enter at most 16 characters."),
    TextField("city", "City", _text(64), "Enter at most 64 characters on one line."),
)
#: the customer's records chosen from lists: form field -> (attribute, model, label, required)
CHOICE_FIELDS = {
    "partner_id": ("partner", Partner, "Partner", True),
    "location_id": ("location", Location, "Location", True),
    "payment_method_id": ("payment_method", PaymentMethod, "Payment method", False),
}
#: how each changeable attribute is named in messages and the audit log
LABELS = {**{f.name: f.label for f in TEXT_FIELDS}, **{a: label for a, _, label, _ in CHOICE_FIELDS.values()},
          "password": "Password"}


@dataclass
class CustomerForm:
    """What an administrator submitted: parsed values by attribute, and a message per refused field."""

    values: dict[str, Any]
    errors: dict[str, str]

    @property
    def valid(self) -> bool:
        return not self.errors


def read_customer_form(session: Session, form: Mapping[str, str], *, new: bool,
                       partner_allowed: Callable[[int], bool]) -> CustomerForm:
    """Parse a submitted customer form; ``partner_allowed`` says which partners the administrator may use."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in TEXT_FIELDS:
        value = field.parse(form.get(field.name, ""))
        if value is None:
            errors[field.name] = field.message
        else:
            values[field.name] = value
    for name, (attribute, model, label, required) in CHOICE_FIELDS.items():
        raw = form.get(name, "")
        if not raw and not required:
            values[attribute] = None
            continue
        record_id = parse_id(raw)
        chosen = session.get(model, record_id) if record_id is not None else None
        if chosen is None:
            errors[name] = f"Choose a {label.lower()} from the list."
        elif model is Partner and not partner_allowed(chosen.id):
            errors[name] = "You may only choose one of your own partners."
        else:
            values[attribute] = chosen
    password = form.get("password", "")
    password = password if isinstance(password, str) else ""
    low, high = PASSWORD_LENGTH
    if password or new:
        if not low <= len(password) <= high:
            errors["password"] = f"Use {low} to {high} characters."
        else:
            values["password"] = password
    return CustomerForm(values, errors)


def login_taken(session: Session, login: str, customer_id: int | None = None) -> bool:
    """Whether another customer already uses ``login`` (case-insensitively, as logins are typed)."""
    statement = select(Customer.id).where(func.lower(Customer.login) == login.lower())
    if customer_id is not None:
        statement = statement.where(Customer.id != customer_id)
    return session.execute(statement.limit(1)).first() is not None


def _shown(value) -> str:
    """A value as the audit log shows it (records by name, nothing as an empty string)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(getattr(value, "name", value))


def save_customer(session: Session, customer: Customer, values: dict[str, Any], actor: str) -> list[str]:
    """Apply ``values`` to ``customer`` (new or existing); audit and return the labels of the fields that changed.

    A new customer is added to the session; nothing is committed.
    """
    new = customer.id is None
    changes: dict[str, str] = {}
    for attribute, value in values.items():
        if attribute == "password":
            customer.password_hash = hash_password(value)
            rotate_token(customer)  # the customer's portal sessions end with the old password
            changes["password"] = "changed (not shown)"
            continue
        before = getattr(customer, attribute, None)
        if not new and before == value:
            continue
        setattr(customer, attribute, value)
        if not new:
            changes[attribute] = f"{_shown(before)} → {_shown(value)}"
        elif _shown(value):  # a new customer's audit entry names what was filled in
            changes[attribute] = _shown(value)
    if new:
        session.add(customer)
    session.flush()
    if changes:
        action = "customer.create" if new else "customer.update"
        record(session, actor, action, f"{customer.login} (#{customer.id})",
               {LABELS[a]: shown for a, shown in changes.items()}, partner_id=customer.partner_id)
    return [LABELS[a] for a in changes]
