"""``splynx ippay``: check the gateway connection, run the local simulator."""

from __future__ import annotations

import click

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


@ippay.command()
@click.option("--host", "bind", default="127.0.0.1", show_default=True)
@click.option("--port", default=8701, show_default=True, type=int)
def simulator(bind: str, port: int) -> None:
    """Run the IPpay simulator (same as python -m splynx_ippay.simulator)."""
    from .simulator.__main__ import main

    main(["--host", bind, "--port", str(port)])
