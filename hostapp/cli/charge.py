"""``splynx charge``: preview and charge invoices in bulk, run auto-charge filters, resume, history.

    splynx charge --handler ID --period FROM..TO [filters] [--preview]
    splynx charge run-scheduled [--date DAY]
    splynx charge resume [BATCH_ID]
    splynx charge history
    splynx charge log BATCH_ID > batch.csv

Without a broker the batch runs in this process (progress is printed); with
``SPLYNX_BROKER_URL`` it is sent to ``splynx worker`` processes and followed until done.
"""

from __future__ import annotations

import sys
import time

import click
from sqlalchemy import select

from ..models import ChargeBatch
from ..services.charging import STATUSES, BatchRequest, ChargeFilters, ChargeService, FilterError, NothingToCharge
from ..services.charging.auto import run_scheduled
from ..services.charging.handlers import find_handler
from ..services.charging.report import write_csv

ACTOR = "cli"


def _period(value: str | None) -> tuple[str, str]:
    if not value:
        return "", ""
    start, sep, end = value.partition("..")
    if not sep:
        raise click.BadParameter("use FROM..TO, e.g. 2026-11-01..2026-11-30", param_hint="--period")
    return start, end


def _total(value: str | None) -> tuple[str, str]:
    if not value:
        return "", ""
    if value[0] not in "=<>":
        raise click.BadParameter("start with =, < or >, e.g. '>10'", param_hint="--total")
    return value[0], value[1:]


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--param")
        params[key] = value
    return params


def _follow(service: ChargeService, batch_id: int) -> str:
    """Print progress until the batch finishes (Celery workers do the work)."""
    last = None
    while True:
        summary = service.summary(batch_id)
        line = _progress_line(summary)
        if line != last:
            click.echo(line)
            last = line
        if summary.finished:
            return summary.status
        time.sleep(1)


def _progress_line(summary) -> str:
    return (f"  {summary.progress:3d}%  approved {summary.approved}, declined {summary.declined}, "
            f"unknown {summary.unknown}, skipped {summary.skipped}, in flight {summary.in_flight} "
            f"of {summary.items}")


@click.group("charge", invoke_without_command=True)
@click.option("--handler", help="The add-on that charges (an id from `splynx addons list`).")
@click.option("--period", help="Invoices issued FROM..TO, e.g. 2026-11-01..2026-11-30.")
@click.option("--proforma", is_flag=True, help="Charge proforma invoices instead of invoices.")
@click.option("--partner", "partners", multiple=True, type=int, help="Partner id (repeatable).")
@click.option("--location", "locations", multiple=True, type=int, help="Location id (repeatable).")
@click.option("--payment-type", "payment_types", multiple=True, type=int,
              help="Customers' billing payment method id (repeatable).")
@click.option("--status", type=click.Choice(sorted(STATUSES)), default="unpaid", show_default=True)
@click.option("--total", help="Invoice total: '=30', '<100' or '>10'.")
@click.option("--customer", "customers", help="Customer ids, comma separated.")
@click.option("--number", "numbers", help="Invoice numbers, comma separated.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE", help="A handler parameter (repeatable).")
@click.option("--concurrency", type=int, help="Gateway requests in flight at most (capped by the setting).")
@click.option("--preview", is_flag=True, help="Only count and sum the selection.")
@click.pass_context
def charge(ctx, handler, period, proforma, partners, locations, payment_types, status, total, customers, numbers,
           params, concurrency, preview) -> None:
    """Charge invoices in bulk through a gateway add-on (Finance → Invoices → Charge)."""
    if ctx.invoked_subcommand is not None:
        return
    if not handler or not period:
        raise click.UsageError("--handler and --period are required (or use a subcommand, see --help).")
    service = ChargeService(ctx.obj.host)
    start, end = _period(period)
    total_op, total_value = _total(total)
    form = {"period_from": start, "period_to": end, "partner_ids": list(partners), "location_ids": list(locations),
            "payment_method_ids": list(payment_types), "status": status, "total_op": total_op,
            "total_value": total_value, "customer_ids": customers, "numbers": numbers}
    try:
        filters = ChargeFilters.parse(form, target_kind="proforma" if proforma else "invoice")
        handler_params = find_handler(service.host, handler).parse_params(_params(params), prefixed=False)
    except FilterError as exc:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from None
    shown = service.preview(filters, handler)
    click.echo(f"Selection: {filters.describe()}")
    click.echo(f"Amount: {shown.count}  Total sum: {shown.total_sum}  Due sum: {shown.due_sum}")
    if shown.in_progress or shown.without_account:
        click.echo(f"  {shown.in_progress} with a payment in progress (skipped), "
                   f"{shown.without_account} without a saved {handler} account (declined by the handler)")
    if preview:
        return
    try:
        batch_id = service.create(BatchRequest(handler, filters, handler_params, created_by=ACTOR),
                                  concurrency=concurrency)
    except NothingToCharge as exc:
        raise click.ClickException(str(exc)) from None
    if service.uses_celery:
        service.start(batch_id)
        click.echo(f"Charge batch #{batch_id} sent to the workers.")
        status_ = _follow(service, batch_id)
    else:
        click.echo(f"Charge batch #{batch_id} runs in this process.")
        status_ = service.run_here(batch_id, on_progress=lambda s: click.echo(_progress_line(s)))
    summary = service.summary(batch_id)
    click.echo(f"Charge batch #{batch_id}: {status_}; charged {summary.charged_sum}.")
    if summary.error:
        click.echo(f"Error: {summary.error}", err=True)
    if status_ != "ready":
        sys.exit(1)


@charge.command("run-scheduled")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Run for this day (default today).")
@click.pass_obj
def run_scheduled_command(obj, day) -> None:
    """Run today's auto charge filters; resume batches whose workers died."""
    service = ChargeService(obj.host)
    for batch_id in service.resume_stale(ACTOR):
        click.echo(f"Resumed charge batch #{batch_id}.")
    runs = run_scheduled(service, day.date() if day else None, actor="scheduler")
    for run in runs:
        click.echo(f"{run.title}: {run.note}" + (f" (batch #{run.batch_id})" if run.batch_id else ""))
    if not service.uses_celery:
        service.host.jobs.shutdown(wait=True)  # in-process batches finish before the command exits
    if not runs:
        click.echo("No auto charge filters are enabled.")


@charge.command()
@click.argument("batch_id", type=int, required=False)
@click.pass_obj
def resume(obj, batch_id) -> None:
    """Resume a stopped or interrupted batch (all interrupted ones without BATCH_ID)."""
    service = ChargeService(obj.host)
    if batch_id is None:
        resumed = service.resume_stale(ACTOR)
        click.echo(f"Resumed: {', '.join(f'#{i}' for i in resumed) or 'none'}.")
    else:
        try:
            resumed = service.resume(batch_id, ACTOR)
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            raise click.ClickException(str(exc)) from None
        click.echo(f"Charge batch #{batch_id} " + ("resumed." if resumed else "has nothing left to do."))
    if not service.uses_celery:
        service.host.jobs.shutdown(wait=True)


@charge.command()
@click.option("--limit", default=20, show_default=True)
@click.pass_obj
def history(obj, limit: int) -> None:
    """The latest charge batches."""
    host = obj.host
    with host.db.reading() as session:
        batches = list(session.execute(select(ChargeBatch).order_by(ChargeBatch.id.desc()).limit(limit)).scalars())
    service = ChargeService(host)
    click.echo(f"{'ID':<6}{'HANDLER':<12}{'SOURCE':<8}{'STATUS':<10}{'CREATED':<18}RESULT")
    for batch in batches:
        s = service.summary(batch.id)
        click.echo(f"{batch.id:<6}{batch.handler:<12}{batch.source:<8}{batch.status:<10}"
                   f"{batch.created_at:%Y-%m-%d %H:%M}  {s.approved} approved, {s.declined} declined, "
                   f"{s.unknown} unknown, {s.skipped} skipped of {s.items}")


@charge.command("log")
@click.argument("batch_id", type=int)
@click.pass_obj
def log_command(obj, batch_id: int) -> None:
    """Write a batch's per-invoice log as CSV to standard output."""
    with obj.host.db.reading() as session:
        if session.get(ChargeBatch, batch_id) is None:
            raise click.ClickException(f"no charge batch #{batch_id}")
        write_csv(session, batch_id, sys.stdout)
