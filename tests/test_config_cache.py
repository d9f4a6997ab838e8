"""The configuration cache: values computed once, recomputed after any change to the configuration
tables made by any session or process (ORM changes and bulk statements alike), never stale."""

from sqlalchemy import event, update

from hostapp.host import Host
from hostapp.models import Module, ModuleSetting
from hostapp.services.config_cache import ConfigCache
from hostapp.services.portal_settings import SETTINGS_ID
from splynx_testing.fixtures import portal_login


class Counted:
    """A compute function that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def read(host, cache: ConfigCache, compute: Counted) -> int:
    with host.db.reading() as s:
        return cache.value(s, "key", compute)


def test_a_value_is_computed_once_while_nothing_changes(host):
    cache, compute = ConfigCache(), Counted()
    assert [read(host, cache, compute) for _ in range(3)] == [1, 1, 1]


def test_a_committed_settings_change_is_seen_by_the_next_transaction(host):
    cache, compute = ConfigCache(), Counted()
    read(host, cache, compute)
    with host.db.transaction() as s:
        s.add(ModuleSetting(addon_id=SETTINGS_ID, partner_id=0, key="dashboard_tiles", value='["balance"]'))
    assert read(host, cache, compute) == 2
    assert read(host, cache, compute) == 2


def test_a_bulk_statement_on_a_configuration_table_moves_the_generation(host):
    cache, compute = ConfigCache(), Counted()
    read(host, cache, compute)
    with host.db.transaction() as s:
        s.execute(update(Module).values(portal_entry_points_enabled=False))
    assert read(host, cache, compute) == 2


def test_a_rolled_back_change_keeps_the_cache_and_its_own_transaction_reads_afresh(host):
    cache, compute = ConfigCache(), Counted()
    read(host, cache, compute)
    with host.db.transaction() as s:
        s.add(ModuleSetting(addon_id=SETTINGS_ID, partner_id=0, key="dashboard_tiles", value='["balance"]'))
        assert cache.value(s, "key", compute) == 2  # this transaction changed the configuration: not cached
        s.rollback()
    assert read(host, cache, compute) == 1


def test_a_change_made_by_another_process_shows_on_the_next_portal_page(app, host, factory):
    customer = factory.customer()
    client = portal_login(app, customer)
    assert "Account balance" in client.get("/portal/").get_data(as_text=True)
    other = Host.build(host.config, addons=host.addons)  # another worker process: its own cache and engine
    with other.db.transaction() as s:
        s.add(ModuleSetting(addon_id=SETTINGS_ID, partner_id=0, key="dashboard_tiles", value='["unpaid_invoices"]'))
    page = client.get("/portal/").get_data(as_text=True)
    assert "Account balance" not in page and "Unpaid invoices" in page
    other.db.dispose()


def test_a_portal_page_reads_the_generation_with_its_customer(app, host, factory):
    client = portal_login(app, factory.customer())
    client.get("/portal/")
    statements = []

    def note(_connection, _cursor, sql, *_args):
        statements.append(sql)

    event.listen(host.db.engine, "before_cursor_execute", note)
    try:
        client.get("/portal/")
    finally:
        event.remove(host.db.engine, "before_cursor_execute", note)
    generation_reads = [sql for sql in statements if "number_sequences" in sql]
    assert len(generation_reads) == 1 and "FROM customers" in generation_reads[0]
