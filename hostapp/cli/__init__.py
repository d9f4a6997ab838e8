"""The ``splynx`` command line (DESIGN §7); add-ons add their own groups."""

from __future__ import annotations

import sys

import click

from ..host import Host
from .addons import addons
from .admins import admins
from .charge import charge
from .database import db
from .mail import mail
from .payments import payments
from .serve import demo, serve
from .worker import worker


class SplynxCLI(click.Group):
    """The root group; it appends each loaded add-on's commands when asked for them."""

    def _addon_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        if "addon_commands" not in ctx.meta:
            found = {}
            host = ctx.ensure_object(CLIContext).host
            for addon_id in sorted(host.addons.loaded):
                command = host.addons.hooks.commands(addon_id)
                if command is not None:
                    found[command.name] = command
            ctx.meta["addon_commands"] = found
        return ctx.meta["addon_commands"]

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self._addon_commands(ctx)))

    def get_command(self, ctx, name):
        return super().get_command(ctx, name) or self._addon_commands(ctx).get(name)


class CLIContext:
    """Builds the host lazily so ``--help`` works without a database."""

    def __init__(self) -> None:
        self._host: Host | None = None

    @property
    def host(self) -> Host:
        if self._host is None:
            self._host = Host.build()
        return self._host


@click.group(cls=SplynxCLI, context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """splynx-host: ISP billing with installable add-ons.

    Configuration comes from SPLYNX_* environment variables (see the README).
    """
    ctx.ensure_object(CLIContext)


cli.add_command(serve)
cli.add_command(demo)
cli.add_command(db)
cli.add_command(addons)
cli.add_command(admins)
cli.add_command(charge)
cli.add_command(worker)
cli.add_command(payments)
cli.add_command(mail)


def main() -> None:
    sys.exit(cli(obj=CLIContext()) or 0)
