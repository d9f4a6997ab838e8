"""The address Xilo sees requests come from: what the operator registers in the xServ settings.

Xilo takes requests only from the IP addresses listed in the merchant's xServ settings. The
address shown is the one this server's routing table picks to send to the internet (found
with an unconnected UDP socket: nothing is sent). Behind NAT that is a private address and
the operator registers the router's public address instead, which the text says.
"""

from __future__ import annotations

import ipaddress
import socket

#: a documentation address (RFC 5737): only used to ask the routing table, never reached
PROBE = ("192.0.2.1", 443)


def outgoing_address() -> str | None:
    """The local IP address used for outgoing traffic, or ``None`` without a route."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE)
            return probe.getsockname()[0]
    except OSError:
        return None


def server_ip_text() -> str:
    """What the settings form shows in the read-only "Server IP address" field."""
    address = outgoing_address()
    if address is None:
        return "unknown: this server has no route to the internet"
    ip = ipaddress.ip_address(address)
    if ip.is_private or ip.is_loopback:
        return f"{address} (private: register your router's public IP address)"
    return address
