from decimal import Decimal
from hostapp.models import Invoice
from tests.charging.conftest import request, wait_finished
from tests.plugins import fakepay


def test_smoke(charging, card_customer, factory, host):
    a = card_customer(); b = card_customer(token="tok-decline"); c = factory.customer()
    ia, ib, ic = factory.invoice(a, "10.00"), factory.invoice(b, "20.00"), factory.invoice(c, "5.00")
    batch_id = charging.charge(request())
    s = wait_finished(charging, batch_id)
    print(s)
    with host.db.transaction() as session:
        print([(i.number, i.status, i.due) for i in session.query(Invoice)])
    assert s.approved == 1 and s.declined == 2
