"""What ``splynx demo`` hands an add-on so it can add its own share of the demo data.

The demo's data lives in the host's tables; what an add-on keeps (saved cards tokenised at
its gateway, card series, ...) can only be added once the add-on is installed, which in the
demo happens from the Add-ons page. The demo therefore calls
:func:`core.hookspecs.splynx_demo_data` for every installed add-on when it starts, and for
each add-on installed while it runs, with a :class:`DemoSetup`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSetup:
    """The demo's offer to one add-on."""

    #: the full Gateway URL of the add-on's simulator as the demo started it; ``""`` when it has none
    gateway_url: str
    #: demo customers (ids) with an unpaid invoice that this add-on may give saved test credentials;
    #: every gateway add-on gets others, so a Charge with each gateway approves its own customers
    customer_ids: tuple[int, ...]
