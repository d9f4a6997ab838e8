"""Admin money pages: Refund on a payment row, and Finance → Payment attempts (Check now, Resolve)."""

import html
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.payments import PaymentStatus
from hostapp.models import AuditEntry, Invoice, Payment, PaymentAttempt
from splynx_testing.gateway import form_intent
from tests.plugins import fakepay


@pytest.fixture(autouse=True)
def _fakepay(install_addon):
    fakepay.GATEWAY.reset()
    install_addon(fakepay)


@pytest.fixture
def paid(host, factory):
    """A 40.00 invoice paid through fakepay; the payment's id."""
    customer = factory.customer()
    invoice = factory.invoice(customer, "40.00")
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice",
                                target_id=invoice.id, initiated_by="test")
    return outcome.payment_id


def _page(client, url="/admin/finance/payments") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _refunds(host, payment_id):
    with host.db.reading() as s:
        return [p.amount for p in s.execute(select(Payment).where(Payment.refund_of_id == payment_id)).scalars()]


def _audit(host, action):
    with host.db.reading() as s:
        return list(s.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars())


def test_refund_from_the_payment_row_lists_it_under_the_payment(admin_client, host, paid):
    page = _page(admin_client)
    assert 'name="reason"' in page and "Give back the amount entered (at most 40.00 $)" in page
    url = f"/admin/finance/payments/{paid}/refund"
    form = {"amount": "15.00", "reason": "Service outage", "intent": form_intent(page)}
    done = _page(admin_client, admin_client.post(url, data=form).headers["Location"])
    assert "Refunded 15.00 $ of payment" in done and "through fakepay" in done
    assert "Refund booked" in done and "Service outage" in done and "25.00 $" in done
    again = _page(admin_client, admin_client.post(url, data=form).headers["Location"])  # a double click
    assert "Refunded 15.00 $ of payment" in again
    assert _refunds(host, paid) == [Decimal("-15.00")], "one form, one refund"
    entries = _audit(host, "payment.refund")
    assert len(entries) == 2 and len({e.details["attempt"] for e in entries}) == 1, "both posts name one attempt"
    assert entries[0].details == {"amount": "15.00", "reason": "Service outage", "status": "approved",
                                  "attempt": entries[0].details["attempt"]}
    with host.db.reading() as s:
        assert s.execute(select(Payment.comment).where(Payment.refund_of_id == paid)).scalar_one() == \
            "Refund by Fakepay: Service outage"


@pytest.mark.parametrize("form, message", [
    ({"amount": "50.00", "reason": "too much"}, "Enter an amount between 0.01 and 40.00."),
    ({"amount": "abc", "reason": "typo"}, "Enter the amount to refund, such as 10.00, and the reason."),
    ({"amount": "5.00", "reason": " "}, "Enter the amount to refund, such as 10.00, and the reason."),
    ({"amount": "5.00", "reason": "x", "intent": "forged"}, "This refund form has expired. Nothing was refunded"),
])
def test_bad_refund_forms_refund_nothing(admin_client, host, paid, form, message):
    form = {"intent": form_intent(_page(admin_client)), **form}
    response = admin_client.post(f"/admin/finance/payments/{paid}/refund", data=form, follow_redirects=True)
    assert response.status_code == 200 and message in html.unescape(response.get_data(as_text=True))
    assert _refunds(host, paid) == []
    assert admin_client.post("/admin/finance/payments/999999/refund", data=form).status_code == 404


def _unknown(host, factory):
    customer = factory.customer()
    invoice = factory.invoice(customer, "12.50")
    fakepay.GATEWAY.script = ["raise"]
    outcome = host.payments.pay(gateway="fakepay", customer_id=customer.id, target_kind="invoice",
                                target_id=invoice.id)
    assert outcome.status is PaymentStatus.UNKNOWN
    return invoice, outcome.attempt_id


def test_payment_attempts_page_checks_now(admin_client, host, factory):
    invoice, attempt_id = _unknown(host, factory)
    page = _page(admin_client, "/admin/finance/payment-attempts")
    assert "Payment attempts" in page and "unknown" in page and "next sweep" in page
    fakepay.GATEWAY.script = ["raise"]
    done = _page(admin_client, admin_client.post(f"/admin/finance/payment-attempts/{attempt_id}/check")
                 .headers["Location"])
    assert "is still unknown; next check" in done
    assert "next sweep" not in done, "the page shows the next try"
    done = _page(admin_client, admin_client.post(f"/admin/finance/payment-attempts/{attempt_id}/check")
                 .headers["Location"])
    assert ": approved." in done and "No open payment attempts" in done
    with host.db.reading() as s:
        assert s.get(Invoice, invoice.id).status == "paid"


def test_resolving_by_hand_needs_a_reason_and_is_audited(admin_client, host, factory):
    invoice, attempt_id = _unknown(host, factory)
    url = f"/admin/finance/payment-attempts/{attempt_id}/resolve"
    done = _page(admin_client, admin_client.post(url, data={"charged": "0", "reason": ""}).headers["Location"])
    assert "Say why: what the gateway's records show." in done
    assert admin_client.post(url, data={"charged": "maybe", "reason": "x"}).status_code == 400
    reason = "No such transaction in the gateway's report of 2 Dec"
    done = _page(admin_client, admin_client.post(url, data={"charged": "0", "reason": reason}).headers["Location"])
    assert "closed as not charged (12.50)" in done
    with host.db.reading() as s:
        attempt = s.get(PaymentAttempt, attempt_id)
        assert (attempt.status, attempt.note) == ("declined", reason)
        assert s.get(Invoice, invoice.id).status == "not_paid"
    [entry] = _audit(host, "payment_attempt.resolved")
    assert entry.actor == "admin:root" and entry.details["resolution"] == "not charged"
    assert entry.details["reason"] == reason
    again = _page(admin_client, admin_client.post(url, data={"charged": "1", "reason": "x"}).headers["Location"])
    assert "This payment attempt is not open any more." in again
