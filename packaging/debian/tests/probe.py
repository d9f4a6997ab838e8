"""Runs inside the test root as user splynx: reports what the database holds for one add-on.

    probe.py state ID       -> {"module": {...} | null, "tables": [...], "settings": {key: value},
                                "urls": [[place, url], ...] (its entry points' links)}
    probe.py text-field ID  -> {"key": first plain text setting of the add-on | null}

It reads the same SPLYNX_* settings as the splynx command (the test exports them from
/etc/splynx/splynx.env) and only reads: every change goes through the splynx CLI. It runs
as ``python3 -I -S`` on the module path /usr/libexec/splynx/splynx-run gives the programs.
"""

from __future__ import annotations

import json
import site
import sys

sys.path.insert(0, "/usr/share/splynx-host")
site.addsitedir("/usr/lib/python3/dist-packages")

from sqlalchemy import create_engine, inspect, text  # noqa: E402


def state(addon_id: str) -> dict:
    from hostapp.config import HostConfig

    engine = create_engine(HostConfig().sqlalchemy_url)
    with engine.connect() as connection:
        tables = sorted(t for t in inspect(connection).get_table_names() if t.startswith(addon_id + "_"))
        module = connection.execute(text("SELECT status, version FROM modules WHERE addon_id = :a"),
                                    {"a": addon_id}).mappings().first()
        settings = dict(connection.execute(
            text('SELECT "key", value FROM module_settings WHERE addon_id = :a AND partner_id = 0'),
            {"a": addon_id}).all())
        urls = sorted(connection.execute(
            text("SELECT place, url FROM entry_points WHERE addon_id = :a AND url <> ''"), {"a": addon_id}).all())
    return {"module": dict(module) if module else None, "tables": tables, "settings": settings,
            "urls": [list(row) for row in urls]}


def text_field(addon_id: str) -> dict:
    from core.manager import AddonManager
    from core.settings import FieldType

    manager = AddonManager()
    manager.discover()
    spec = manager.hooks.module_spec(addon_id)
    fields = spec.settings.fields() if spec else []
    key = next((f.key for f in fields if f.type is FieldType.TEXT), None)
    return {"key": key}


if __name__ == "__main__":
    action, addon = sys.argv[1], sys.argv[2]
    print(json.dumps({"state": state, "text-field": text_field}[action](addon)))
