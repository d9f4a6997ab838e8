"""One add-on id derives every other name the add-on carries.

The id ``refill_cards`` gives the distribution and Debian package ``splynx-refill-cards``,
the import package ``splynx_refill_cards``, the entry-point name ``refill_cards``, the
module name ``splynx_refill_cards_addon``, the URL prefix ``/refill-cards``, the settings
namespace and Alembic branch label ``refill_cards`` and the table prefix ``refill_cards_``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
#: module names are limited to 32 characters (Splynx's own limit), so ids to 32 - 13.
MAX_ID_LENGTH = 32 - len("splynx__addon")


class IdentityError(ValueError):
    """An add-on id is malformed or a name the add-on declares disagrees with its id."""


def canonical_dist_name(name: str) -> str:
    """Normalise a distribution name the way packaging tools compare them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class AddonIdentity:
    """Every name of one add-on, derived from its id."""

    id: str

    def __post_init__(self) -> None:
        if not ID_PATTERN.match(self.id) or len(self.id) > MAX_ID_LENGTH:
            raise IdentityError(
                f"add-on id {self.id!r} is invalid: use lowercase letters, digits and single "
                f"underscores, starting with a letter, at most {MAX_ID_LENGTH} characters"
            )

    @property
    def dist_name(self) -> str:
        return "splynx-" + self.id.replace("_", "-")

    @property
    def deb_name(self) -> str:
        return self.dist_name

    @property
    def import_package(self) -> str:
        return "splynx_" + self.id

    @property
    def entry_point_name(self) -> str:
        return self.id

    @property
    def module_name(self) -> str:
        return f"splynx_{self.id}_addon"

    @property
    def url_prefix(self) -> str:
        return "/" + self.id.replace("_", "-")

    @property
    def settings_namespace(self) -> str:
        return self.id

    @property
    def branch_label(self) -> str:
        return self.id

    @property
    def table_prefix(self) -> str:
        return self.id + "_"

    @classmethod
    def from_dist_name(cls, dist_name: str) -> "AddonIdentity":
        """The identity whose distribution (or Debian package) is ``dist_name``."""
        canonical = canonical_dist_name(dist_name)
        if not canonical.startswith("splynx-"):
            raise IdentityError(f"{dist_name!r} is not an add-on package: names start with 'splynx-'")
        return cls(canonical[len("splynx-"):].replace("-", "_"))

    @classmethod
    @lru_cache(maxsize=256)
    def from_module_name(cls, module_name: str) -> "AddonIdentity":
        """The identity whose module name (``splynx_<id>_addon``) is ``module_name`` (pages ask for the
        add-on of every entry point they show: an identity, immutable, is made once per name)."""
        if not (module_name.startswith("splynx_") and module_name.endswith("_addon")):
            raise IdentityError(f"{module_name!r} is not an add-on module name (splynx_<id>_addon)")
        return cls(module_name[len("splynx_"):-len("_addon")])

    def check(
        self,
        *,
        entry_point_name: str | None = None,
        dist_name: str | None = None,
        import_name: str | None = None,
        tables: list[str] | tuple[str, ...] = (),
    ) -> None:
        """Raise :class:`IdentityError` naming every declared name that disagrees with the id."""
        problems = []
        if entry_point_name is not None and entry_point_name != self.entry_point_name:
            problems.append(f"entry point is named {entry_point_name!r}, expected {self.entry_point_name!r}")
        if dist_name is not None and canonical_dist_name(dist_name) != self.dist_name:
            problems.append(f"distribution is {dist_name!r}, expected {self.dist_name!r}")
        if import_name is not None and import_name.split(".")[0] != self.import_package:
            problems.append(f"code lives in package {import_name.split('.')[0]!r}, expected {self.import_package!r}")
        for table in tables:
            if not table.startswith(self.table_prefix):
                problems.append(f"table {table!r} does not start with {self.table_prefix!r}")
        if problems:
            raise IdentityError(f"add-on {self.id!r}: " + "; ".join(problems))
