"""The test kit of splynx-host: a pytest plugin for add-on authors and the host's own tests.

Installed with the host (``pip install splynx-host[testing]``), pytest loads it through the
``pytest11`` entry point ``splynx`` (:mod:`splynx_testing.plugin`); nothing needs importing
for the fixtures:

========================  ==============================================================
fixture                   what it gives
========================  ==============================================================
``database``              the migrated database (SQLite in a temporary folder, or the
                          MariaDB/PostgreSQL database ``SPLYNX_DATABASE_URL`` names)
``host``                  a :class:`core.host.Host` on empty tables plus reference data
``install_addon``         ``install_addon(module)``: register an add-on and sync it, as an install does
``factory``               :class:`~splynx_testing.factories.Factory`: partners, customers, invoices
``demo_data``             the ``splynx demo`` data set (an admin, two partners, thirty customers)
``app``                   the host's Flask app for the test client
``admin_client``          a test client logged in as the ``root`` administrator
``portal_client``         ``portal_client(customer)``: a test client logged in to the portal
``set_portal_methods``    ``set_portal_methods(["refill_card"], partner_id=0)``: Config → Main → Portal's
                          payment methods (the Default partner's, or one partner's own)
``live_server``           the host's app on a free loopback port (real HTTP)
``admin_page``            a Playwright page logged in to the admin UI (Debian's chromium)
``portal_page``           ``portal_page(customer)``: a Playwright page logged in to the portal
========================  ==============================================================

Gateway add-ons also get the conformance suite, :mod:`splynx_testing.gateway`; every add-on can
check its names and its wheel with :mod:`splynx_testing.package`.

This package is test code: it builds a real host (``hostapp``), which an add-on's own
modules never import. Add-on *tests* import ``splynx_testing``; add-on code imports ``core``.
"""
