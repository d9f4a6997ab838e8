"""``splynx payments reconcile``: settle unknown or stale payment attempts now."""

from __future__ import annotations

import click


@click.group("payments")
def payments() -> None:
    """Payment attempts (the write-ahead log of every money movement)."""


@payments.command()
@click.option("--gateway", help="Only attempts of this gateway add-on (an id from `splynx addons list`).")
@click.pass_obj
def reconcile(obj, gateway: str | None) -> None:
    """Ask the gateways about every attempt left unknown or pending past its lease (also runs on a schedule)."""
    sweep = obj.host.reconciler.sweep(gateway)
    for check in sweep.checks:
        outcome = check.outcome
        line = f"{check.key}: {outcome.status.value}"
        if check.next_check_at is not None:
            line += f", next check {check.next_check_at:%Y-%m-%d %H:%M:%S} UTC"
        click.echo(f"{line}. {outcome.message}".rstrip())
    click.echo(sweep.describe() + ".")
