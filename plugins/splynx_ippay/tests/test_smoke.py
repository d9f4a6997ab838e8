from tests.fixtures import portal_login


def test_install_and_pages(ippay_app, factory):
    customer = factory.customer()
    inv = factory.invoice(customer)
    c = portal_login(ippay_app, customer)
    r = c.get("/ippay/credentials")
    assert r.status_code == 200, r.data
    r = c.get(f"/ippay/pay-invoice?item_id={inv.id}")
    assert r.status_code == 200, r.data
    r = c.get("/ippay/")
    assert r.status_code == 200, r.data
    r = c.get("/portal/")
    assert r.status_code == 200, r.data
