"""``splynx icharge``: check the gateway connection, run the local simulator."""

from __future__ import annotations

import click

from core.gateway.simulator import simulator_command
from core.gateway.transport import GatewayError


@click.group()
def icharge() -> None:
    """Xilo iCharge gateway add-on."""


@icharge.command()
@click.option("--partner", type=int, default=None, help="Use this partner's settings.")
@click.pass_obj
def ping(obj, partner: int | None) -> None:
    """Check the configured xServ: ping, then the merchant's Client Account status."""
    from .charging import api_for
    from .settings import load_settings
    from .xserv import Refused

    host = obj.host
    with host.db.transaction() as session:
        settings = load_settings(host, session, partner)
    if not settings.configured:
        raise click.ClickException("the merchant ID or API key is not set (Config → Integrations → Modules list)")
    api = api_for(settings)
    try:
        api.ping()
        account = api.account_status()
    except Refused as exc:
        raise click.ClickException(f"{settings.url}: xServ refused the request: {exc.error}") from None
    except GatewayError as exc:
        raise click.ClickException(f"{settings.url}: {exc}") from None
    mode = "test" if account.get("test") else "live"
    click.echo(f"{settings.url}: merchant {account.get('merchant_id')} ({mode}, {account.get('status')}), "
               f"client account balance {account.get('client_account_balance')} {account.get('currency')}")


icharge.add_command(simulator_command("iCharge", "splynx_icharge.simulator", 8702))
