"""``splynx ippay``: check the gateway connection, run the local simulator."""

from __future__ import annotations

import click

from core.gateway.simulator import simulator_command
from core.gateway.transport import GatewayError


@click.group()
def ippay() -> None:
    """IPpay gateway add-on."""


@ippay.command()
@click.option("--partner", type=int, default=None, help="Use this partner's settings.")
@click.pass_obj
def ping(obj, partner: int | None) -> None:
    """Send PING with the configured Terminal ID and URL."""
    from .charging import client_for
    from .settings import load_settings

    host = obj.host
    with host.db.transaction() as session:
        settings = load_settings(host, session, partner)
    if not settings.configured:
        raise click.ClickException("the Terminal ID is not set (Config → Integrations → Modules list)")
    try:
        answer = client_for(settings).ping()
    except GatewayError as exc:
        raise click.ClickException(f"{settings.url}: {exc}") from None
    click.echo(f"{settings.url}: ActionCode {answer.action_code} {answer.text}")
    if not answer.approved:
        raise SystemExit(1)


ippay.add_command(simulator_command("IPpay", "splynx_ippay.simulator", 8701))
