"""``splynx admins``: administrators from the command line (the first one on a new install)."""

import click
from sqlalchemy import select

from ..models import Admin
from ..services.audit import record
from ..web.auth import hash_password


@click.group()
def admins() -> None:
    """Administrators of the admin UI."""


@admins.command("add")
@click.argument("login")
@click.option("--name", required=True, help="Full name shown in the admin UI.")
@click.option("--email", default="")
@click.password_option(help="Asked for when not given (at least 8 characters).")
@click.pass_obj
def add(obj, login: str, name: str, email: str, password: str) -> None:
    """Create an administrator with full rights."""
    if len(password) < 8:
        raise click.ClickException("use a password of at least 8 characters")
    with obj.host.db.transaction() as session:
        if session.execute(select(Admin.id).where(Admin.login == login)).first():
            raise click.ClickException(f"an administrator {login!r} already exists")
        session.add(Admin(login=login, name=name, email=email, password_hash=hash_password(password)))
        record(session, "cli", "admin.create", login)
    click.echo(f"Administrator {login} created; log in at /admin/login.")
