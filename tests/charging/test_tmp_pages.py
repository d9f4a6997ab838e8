from tests.charging.conftest import save_card

def test_pages(charging, admin_client, factory, host):
    c = factory.customer(); save_card(host, c); inv = factory.invoice(c, "12.00")
    r = admin_client.get("/admin/finance/invoices"); assert r.status_code == 200, r.data
    r = admin_client.get("/admin/finance/charge?kind=invoice"); assert r.status_code == 200, r.data.decode()[:3000]
    from datetime import date
    d = date.today().isoformat()
    r = admin_client.post("/admin/finance/charge?kind=invoice", data={"period_from": d, "period_to": d, "status": "unpaid", "handler": "fakepay", "param_descriptor": "X", "action": "preview"})
    assert r.status_code == 200 and b"12.00" in r.data, r.data.decode()
    r = admin_client.post("/admin/finance/charge?kind=invoice", data={"period_from": d, "period_to": d, "status": "unpaid", "handler": "fakepay", "param_descriptor": "X", "action": "charge"})
    assert r.status_code == 302, r.data.decode()
    loc = r.headers["Location"]
    from tests.charging.conftest import wait_finished
    from hostapp.services.charging import ChargeService
    wait_finished(ChargeService(host), 1)
    r = admin_client.get(loc); assert r.status_code == 200, r.data.decode()
    print(admin_client.get("/admin/finance/charge/batches/1.json").json)
    print(admin_client.get("/admin/finance/charge/batches/1.csv").data.decode())
    assert admin_client.get("/admin/finance/charge/history").status_code == 200
    assert admin_client.get("/admin/finance/charge/auto").status_code == 200
    r = admin_client.get("/admin/finance/charge/auto/new"); assert r.status_code == 200, r.data.decode()
    r = admin_client.post("/admin/finance/charge/auto/new?kind=invoice", data={"title": "T", "enabled": "1", "schedule": "on_due_date", "status": "unpaid", "handler": "fakepay", "param_descriptor": "Y"})
    assert r.status_code == 302, r.data.decode()
    r = admin_client.get("/admin/finance/charge/auto"); assert b"On due date" in r.data
    r = admin_client.get("/admin/finance/charge/auto/1"); assert r.status_code == 200
