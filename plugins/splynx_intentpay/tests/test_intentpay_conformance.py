"""The host's gateway conformance suite against IntentPay's simulator (real HTTP, real database).

Decline, time-out after charge → look-up → one charge, double clicks, dropped connections,
5xx and garbage before and after charging, the reconciler, parallel top-up posts, refunds and
their faults, a Charge batch resumed after its worker was killed, no card data kept, and a
sweep comparing the host's books with the gateway's (``splynx_testing.gateway``).
"""

from splynx_testing.gateway import GatewayConformance


class TestConformance(GatewayConformance):
    """Every check of the suite; the facts come from the ``gateway_harness`` fixture (conftest.py)."""
