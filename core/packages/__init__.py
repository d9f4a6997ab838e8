"""Package backends: how add-on packages get onto (and off) the machine.

Every backend answers the same questions through :class:`PackageBackend`: refresh the
index, list what is available and what is installed, plan an action (a dry run), and run
it while streaming log lines and progress. Two backends exist:

* :mod:`core.packages.wheelhouse`: a folder or simple index of add-on wheels, installed
  with pip into the host's Python environment (the embedded default, used by the demo);
* :mod:`core.packages.apt`: Debian packages ``splynx-*`` from the configured signed
  repository, changed only through the root helper :mod:`core.packages.root_helper`.
"""

from .base import (
    ACTIONS,
    InstalledPackage,
    PackageBackend,
    PackageError,
    PackageInfo,
    Plan,
    PlannedChange,
    Reporter,
)
from .names import is_addon_package, package_problem

__all__ = [
    "ACTIONS", "InstalledPackage", "PackageBackend", "PackageError", "PackageInfo", "Plan", "PlannedChange",
    "Reporter", "is_addon_package", "package_problem",
]
