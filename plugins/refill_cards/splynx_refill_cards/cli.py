"""``splynx refill-cards``: generate a series, export it, redeem a code, print the statistics."""

from __future__ import annotations

from pathlib import Path

import click

from .export import FORMATS, write_series
from .models import Series
from .redeem import RedeemRefused, redeem
from .report import series_totals
from .series import InputError, generate, parse_generate
from .settings import options

ACTOR = "cli"


@click.group("refill-cards")
def group() -> None:
    """Refill card series, exports and redemption."""


def _fail(exc: InputError) -> click.ClickException:
    return click.ClickException("; ".join(exc.errors.values()))


@group.command("generate")
@click.option("--quantity", required=True, help="Number of cards (1-100,000).")
@click.option("--prefix", required=True, help="Printed in every code: letters, digits, underscores.")
@click.option("--price", required=True, help="Price of each card, e.g. 10.00.")
@click.option("--valid-until", "valid_till", required=True, help="Last valid day, YYYY-MM-DD.")
@click.option("--partner", "partner_id", default="", help="Partner id (default: any partner).")
@click.option("--lock-partner/--no-lock-partner", default=True, show_default=True,
              help="Only the partner's customers may redeem the cards.")
@click.pass_obj
def generate_command(obj, quantity, prefix, price, valid_till, partner_id, lock_partner) -> None:
    """Generate a new series of cards."""
    with obj.host.db.transaction() as session:
        try:
            data = parse_generate(session, {"quantity": quantity, "prefix": prefix, "price": price,
                                            "valid_till": valid_till, "partner_id": partner_id,
                                            "lock_partner": "1" if lock_partner else "0"})
            series = generate(obj.host, session, data, options(obj.host, session), actor=ACTOR)
        except InputError as exc:
            raise _fail(exc) from None
        series_id = series.id
    click.echo(f"Series {series_id}: {data.quantity} cards of {data.price} generated.")


@group.command("export")
@click.argument("series_id", type=int)
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@click.pass_obj
def export_command(obj, series_id: int, fmt: str, output: Path | None) -> None:
    """Write a series' cards for sale (Active; used, disabled and expired ones are left out) to a CSV or PDF file."""
    host = obj.host
    with host.db.transaction() as session:
        if session.get(Series, series_id) is None:
            raise click.ClickException(f"series {series_id} does not exist")
    output = output or Path(f"refill-cards-{series_id}.{fmt}")
    count = write_series(host, series_id, fmt, output)
    click.echo(f"{count} active cards written to {output}.")


@group.command("redeem")
@click.argument("code")
@click.option("--customer", "customer_id", type=int, required=True, help="Customer id to credit.")
@click.pass_obj
def redeem_command(obj, code: str, customer_id: int) -> None:
    """Redeem a card's full code for a customer (books a Refill card payment)."""
    try:
        done = redeem(obj.host, code, customer_id, actor=ACTOR)
    except RedeemRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Card {done.full_code} redeemed: {done.amount} credited to customer {customer_id} "
               f"(payment {done.payment_id}).")


@group.command("report")
@click.pass_obj
def report_command(obj) -> None:
    """Per series totals: cards and amounts used, active, expired and disabled."""
    with obj.host.db.transaction() as session:
        rows = series_totals(session)
    click.echo(f"{'SERIE':<9}{'PARTNER':<20}{'PRICE':>10}{'CARDS':>8}{'USED':>7}{'ACTIVE':>8}{'EXPIRED':>9}"
               f"{'DISABLED':>10}{'USED AMOUNT':>14}")
    for r in rows:
        click.echo(f"{r.series_id:<9}{r.partner[:19]:<20}{r.price:>10}{r.count:>8}{r.counts['used']:>7}"
                   f"{r.counts['active']:>8}{r.counts['expired']:>9}{r.counts['disabled']:>10}"
                   f"{r.amounts['used']:>14}")
