"""``splynx worker``: a Celery worker that charges batches (start one per machine, or several)."""

import click

from ..services.charging import ChargeService
from ..services.charging.service import ResumeWatch
from ..services.mail.service import watch as mail_watch
from ..services.reconciler import watch


@click.command()
@click.option("--concurrency", "-c", default=2, show_default=True,
              help="Batch lanes this worker runs at once (threads).")
@click.option("--hostname", "-n", help="Worker name, e.g. charge1@%h (default celery@<host>).")
@click.option("--loglevel", "-l", default="INFO", show_default=True)
@click.pass_obj
def worker(obj, concurrency: int, hostname: str | None, loglevel: str) -> None:
    """Run charge batches sent by the web app (needs SPLYNX_BROKER_URL; same database as the web app)."""
    host = obj.host
    if not host.config.broker_url:
        raise click.ClickException("Set SPLYNX_BROKER_URL (redis://... or amqp://...) to run workers.")
    from ..services.charging.celery_app import run_worker

    resumed = ChargeService(host).resume_stale("worker")
    if resumed:
        click.echo(f"Resumed interrupted charge batches: {', '.join(f'#{i}' for i in resumed)}")
    ResumeWatch(host, "worker").start()
    watch(host).start()
    mail_watch(host).start()
    run_worker(host, concurrency=concurrency, hostname=hostname, loglevel=loglevel)
