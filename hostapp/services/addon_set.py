"""The add-on set: its generation counter, reloading it, and choosing the package backend.

The *generation* is a counter in the database (a row of ``number_sequences``) that every
sync which changes the set of installed add-ons moves on. Each web process remembers the
generation its Flask app was built for; when the database says otherwise, it reloads its
add-on manager and builds a new app (:mod:`hostapp.wsgi`). So an install done by one
worker, the CLI or a Debian postinst reaches every worker without a restart.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.manager import AddonManager

from ..config import HostConfig
from ..db import Database
from ..models import NumberSequence
from .addon_orm import forget_addon_orm
from .numbering import next_in_sequence

if TYPE_CHECKING:
    from core.packages import PackageBackend

GENERATION_KEY = "addon-set-generation"
#: the values of ``SPLYNX_PACKAGE_BACKEND``
PACKAGE_BACKENDS = ("wheelhouse", "apt")


def current_generation(db: Database) -> int:
    """The generation of the add-on set as the database knows it (0 before the first change)."""
    with db.engine.connect() as connection:
        value = connection.execute(
            select(NumberSequence.last).where(NumberSequence.prefix == GENERATION_KEY)).scalar_one_or_none()
    return value or 0


def bump_generation(session: Session) -> int:
    """Move the generation on inside the caller's transaction; returns the new value."""
    return next_in_sequence(session, GENERATION_KEY)


def reload_addons(manager: AddonManager) -> dict[str, list[str]]:
    """Load new add-ons, unload removed ones and re-import upgraded ones, in this process."""
    return manager.refresh(forget=lambda addon_id: forget_addon_orm(addon_id, manager))


def check_package_backend(config: HostConfig) -> None:
    """Refuse a ``SPLYNX_PACKAGE_BACKEND`` that names no backend (at start-up, before any is built)."""
    if config.package_backend not in PACKAGE_BACKENDS:
        raise ValueError(f"SPLYNX_PACKAGE_BACKEND must be 'wheelhouse' or 'apt', not {config.package_backend!r}")


def package_backend(config: HostConfig) -> PackageBackend:
    """The configured package backend (``SPLYNX_PACKAGE_BACKEND``).

    Its module (pip's or apt's machinery, ``packaging``) is imported here, when the host first
    needs the backend, not when it starts.
    """
    check_package_backend(config)
    if config.package_backend == "apt":
        from core.packages.apt import AptBackend

        return AptBackend(helper=shlex.split(config.addon_helper))
    from core.packages.wheelhouse import WheelhouseBackend
    from core.packages.wheels import WheelSource

    source = WheelSource.create(config.wheelhouse_location, config.instance_path / "wheel-cache")
    return WheelhouseBackend(source, python=config.addon_python or None)
