"""``splynx db``: schema migrations of the host and every installed add-on."""

import click

from ..services.bootstrap import prepare_database


@click.group()
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.pass_obj
def upgrade(obj) -> None:
    """Migrate the host and all installed add-ons to their newest schema."""
    host = obj.host
    prepare_database(host)
    click.echo(f"Database at {host.db.engine.url.render_as_string(hide_password=True)} is up to date.")
