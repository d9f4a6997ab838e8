"""``splynx addons``: list, sync, install, upgrade, remove, purge, enable, disable, configure, new."""

import time
from pathlib import Path

import click
from sqlalchemy import select

from core.identity import AddonIdentity, IdentityError

from ..models import Module
from ..services import package_jobs
from ..services.bootstrap import prepare_database
from ..services.jobs import job_status
from ..services.settings_store import SettingsStore

ACTOR = "cli"


@click.group()
def addons() -> None:
    """Installed add-ons and their settings."""


@addons.command("list")
@click.pass_obj
def list_addons(obj) -> None:
    """Show every discovered add-on with its version and status."""
    host = obj.host
    with host.db.transaction() as session:
        modules = {m.addon_id: m for m in session.execute(select(Module)).scalars()}
    rows = []
    for addon_id, addon in sorted(host.addons.loaded.items()):
        status = modules[addon_id].status if addon_id in modules else "not synced"
        rows.append((addon_id, addon.dist_name, addon.version, status, addon.manifest.title))
    for addon_id, broken in sorted(host.addons.broken.items()):
        rows.append((addon_id, broken.dist_name, broken.version, "broken", broken.error))
    for addon_id, module in sorted(modules.items()):
        if addon_id not in host.addons.loaded and addon_id not in host.addons.broken:
            rows.append((addon_id, "", module.version, module.status, module.title))
    if not rows:
        click.echo("No add-ons installed.")
        return
    click.echo(f"{'ID':<16}{'PACKAGE':<24}{'VERSION':<12}{'STATUS':<12}TITLE")
    for row in rows:
        click.echo(f"{row[0]:<16}{row[1]:<24}{row[2]:<12}{row[3]:<12}{row[4]}")


@addons.command()
@click.pass_obj
def sync(obj) -> None:
    """Register installed add-ons, migrate their tables; mark vanished ones removed."""
    report = prepare_database(obj.host, actor=ACTOR)
    for label, ids in (("installed", report.installed), ("upgraded", report.upgraded), ("removed", report.removed)):
        if ids:
            click.echo(f"{label}: {', '.join(ids)}")
    for addon_id, error in report.failed.items():
        click.echo(f"failed: {addon_id}: {error}", err=True)
    click.echo("Add-ons are in sync.")
    if report.failed:
        raise SystemExit(1)


def _set_enabled(obj, addon_id: str, enabled: bool) -> None:
    try:
        obj.host.registry.set_enabled(addon_id, enabled, ACTOR)
    except Exception as exc:  # noqa: BLE001 - shown to the operator
        raise click.ClickException(str(exc)) from None
    click.echo(f"{addon_id} {'enabled' if enabled else 'disabled'}.")


@addons.command()
@click.argument("addon_id")
@click.pass_obj
def enable(obj, addon_id: str) -> None:
    """Enable an add-on's module (routes, menus and entry points appear)."""
    _set_enabled(obj, addon_id, True)


@addons.command()
@click.argument("addon_id")
@click.pass_obj
def disable(obj, addon_id: str) -> None:
    """Disable an add-on's module; data and settings are kept."""
    _set_enabled(obj, addon_id, False)


@addons.command()
@click.argument("addon_id")
@click.argument("assignments", nargs=-1, metavar="[KEY=VALUE]...")
@click.option("--partner", type=int, default=0, help="Partner id for per-partner settings (0 = default).")
@click.pass_obj
def config(obj, addon_id: str, assignments: tuple[str, ...], partner: int) -> None:
    """Show an add-on's settings (secrets masked) or set KEY=VALUE pairs."""
    host = obj.host
    if addon_id not in host.addons.loaded:
        raise click.ClickException(f"add-on {addon_id!r} is not installed")
    spec = host.addons.hooks.module_spec(addon_id)
    if spec is None:
        raise click.ClickException(f"add-on {addon_id!r} did not describe its settings")
    with host.db.transaction() as session:
        store = SettingsStore(session, host.box)
        if assignments:
            raw = {}
            for item in assignments:
                key, sep, value = item.partition("=")
                if not sep:
                    raise click.ClickException(f"expected KEY=VALUE, got {item!r}")
                try:
                    field = spec.settings.field(key)
                except KeyError:
                    raise click.ClickException(f"unknown setting {key!r}") from None
                raw[key] = value.split(",") if field.type.value == "multi_select" else value
            keys = set(raw)
            result = store.validate(addon_id, spec.settings, raw, partner, keys)
            if not result.ok:
                for key, message in result.errors.items():
                    click.echo(f"{key}: {message}", err=True)
                raise click.ClickException("nothing was saved")
            store.save(addon_id, spec.settings, result.values, actor=ACTOR, partner_id=partner)
            click.echo(f"Saved {', '.join(sorted(result.values))}.")
            return
        for key, value in store.display(addon_id, spec.settings, partner or None).items():
            click.echo(f"{key} = {value}")


def _package(target: str) -> str:
    """An add-on id (``ippay``) or its package name (``splynx-ippay``) -> the package name."""
    if target.startswith("splynx-"):
        return target
    try:
        return AddonIdentity(target).dist_name
    except IdentityError as exc:
        raise click.ClickException(str(exc)) from None


def _show_plan(host, action: str, package: str) -> bool:
    plan = package_jobs.plan(host, action, package)
    for change in plan.changes:
        arrow = f"{change.from_version} -> " if change.from_version and change.from_version != change.version else ""
        click.echo(f"  {change.change:<10}{change.name} {arrow}{change.version}")
    for note in plan.notes:
        click.echo(f"  note: {note}")
    for problem in plan.problems:
        click.echo(f"  refused: {problem}", err=True)
    return plan.ok


def _run_package_job(obj, action: str, target: str, dry_run: bool) -> None:
    """Run one package operation as a job in the packages lane and print its log as it grows."""
    host, package = obj.host, _package(target)
    if dry_run:
        if not _show_plan(host, action, package):
            raise SystemExit(1)
        return
    try:
        job_id = package_jobs.submit(host, action, package, ACTOR)
    except package_jobs.LifecycleError as exc:
        raise click.ClickException(str(exc)) from None
    printed = 0
    while True:
        status = job_status(host.db, job_id)
        lines = status["log"].splitlines()
        for line in lines[printed:]:
            click.echo(line)
        printed = len(lines)
        if status["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.2)
    if status["status"] == "failed":
        raise click.ClickException(f"job {job_id} failed: {status['error']}")


_dry_run = click.option("--dry-run", is_flag=True, help="Show the plan only; change nothing.")


@addons.command()
@click.argument("addon")
@_dry_run
@click.pass_obj
def install(obj, addon: str, dry_run: bool) -> None:
    """Install an add-on (ID or splynx-NAME): package, module, settings, entry points, tables."""
    _run_package_job(obj, "install", addon, dry_run)


@addons.command()
@click.argument("addon")
@_dry_run
@click.pass_obj
def upgrade(obj, addon: str, dry_run: bool) -> None:
    """Update an installed add-on to the newest version offered and migrate its tables."""
    _run_package_job(obj, "upgrade", addon, dry_run)


@addons.command()
@click.argument("addon")
@_dry_run
@click.pass_obj
def reinstall(obj, addon: str, dry_run: bool) -> None:
    """Install the offered version of an installed add-on again."""
    _run_package_job(obj, "reinstall", addon, dry_run)


@addons.command()
@click.argument("addon")
@click.option("--purge", is_flag=True, help="Also drop its tables and delete its settings.")
@_dry_run
@click.pass_obj
def remove(obj, addon: str, purge: bool, dry_run: bool) -> None:
    """Remove an add-on's package; its data and settings stay unless --purge is given."""
    _run_package_job(obj, "purge" if purge else "remove", addon, dry_run)


@addons.command("purge")
@click.argument("addon")
@_dry_run
@click.pass_obj
def purge_addon(obj, addon: str, dry_run: bool) -> None:
    """Remove an add-on (if installed), drop its tables and delete its settings."""
    _run_package_job(obj, "purge", addon, dry_run)


@addons.command("purge-data")
@click.argument("addon_id")
@click.pass_obj
def purge_data(obj, addon_id: str) -> None:
    """Drop a removed add-on's tables, settings and entry points (its package's postrm runs this)."""
    if addon_id in obj.host.addons.loaded:
        raise click.ClickException(f"add-on {addon_id!r} is installed; remove its package first")
    obj.host.registry.purge(addon_id, ACTOR)
    click.echo(f"{addon_id}: tables, settings and entry points deleted.")


@addons.command("new")
@click.argument("addon_id", metavar="ID")
@click.option("--kind", type=click.Choice(["feature", "gateway"]), default="feature", show_default=True,
              help="gateway: also a client, a simulator and money hooks.")
@click.option("--title", default="", help="Human title (default: from the id, 'demo_pay' -> 'Demo Pay').")
@click.option("--dir", "target", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (default: ./splynx-<id>, the distribution name).")
def new(addon_id: str, kind: str, title: str, target: Path | None) -> None:
    """Write a new add-on distribution ID from the add-on kit's templates."""
    from ..addon_kit import KitError, new_addon

    try:
        folder = target or Path(AddonIdentity(addon_id).dist_name)
        files = new_addon(addon_id, folder, kind=kind, title=title)
    except (KitError, IdentityError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote {len(files)} files of the {kind} add-on {addon_id!r} into {folder}/.")
    click.echo(f"Next: cd {folder} && pip install -e '.[test]' && pytest")
