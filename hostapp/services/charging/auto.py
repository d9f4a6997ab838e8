"""Auto charge filters: saved selections charged on a day relative to each invoice's dates.

``splynx charge run-scheduled`` (a daily systemd timer at 23:59, like Splynx's 11:59 PM run)
calls :func:`run_scheduled`. Each enabled filter selects the invoices whose issue date or
due date makes *today* its day (issued today, yesterday or N days ago; due tomorrow or
today) together with its other filters, and starts one batch with its handler, marked
``auto``. A filter runs at most once per day: the batch's ``(auto_filter_id, run_date)`` is
unique, so a timer that fires twice, or two hosts running it, cannot charge a day twice.
The invoices of a run are charged at most once each like any batch's, and never while
another payment of theirs is pending.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...models import AutoChargeFilter, ChargeBatch
from .batches import BatchRequest, NothingToCharge
from .filters import ChargeFilters, FilterError

log = logging.getLogger(__name__)


def day_filters(rule: AutoChargeFilter, today: date) -> ChargeFilters:
    """The rule's filters with the issue or due day that ``today`` stands for."""
    filters = ChargeFilters.from_dict({**rule.filters, "target_kind": rule.target_kind})
    filters = filters.with_changes(period_from=None, period_to=None, document_ids=())
    schedule = rule.schedule
    if schedule == "day_of_issue":
        return filters.with_changes(issued_on=today)
    if schedule == "day_after_issue":
        return filters.with_changes(issued_on=today - timedelta(days=1))
    if schedule == "days_after_issue":
        return filters.with_changes(issued_on=today - timedelta(days=max(0, rule.days_after_issue)))
    if schedule == "day_before_due":
        return filters.with_changes(due_on=today + timedelta(days=1))
    if schedule == "on_due_date":
        return filters.with_changes(due_on=today)
    raise ValueError(f"unknown auto charge schedule {schedule!r}")


@dataclass(frozen=True)
class AutoRun:
    """What one filter did on one day."""

    filter_id: int
    title: str
    batch_id: int | None
    note: str


def run_scheduled(service, today: date | None = None, actor: str = "scheduler") -> list[AutoRun]:
    """Start a batch for every enabled filter with invoices due for charging today."""
    host = service.host
    today = today or date.today()
    with host.db.reading() as session:
        rules = list(session.execute(select(AutoChargeFilter).where(AutoChargeFilter.enabled.is_(True))
                                     .order_by(AutoChargeFilter.id)).scalars())
        done = set(session.execute(select(ChargeBatch.auto_filter_id).where(ChargeBatch.run_date == today)).scalars())
    runs = []
    for rule in rules:
        title = rule.title or f"Auto charge filter #{rule.id}"
        if rule.id in done:
            runs.append(AutoRun(rule.id, title, None, f"already ran for {today}"))
            continue
        request = BatchRequest(handler=rule.handler, filters=day_filters(rule, today), params=dict(rule.params),
                               source="auto", created_by=actor, auto_filter_id=rule.id, run_date=today)
        try:
            batch_id = service.create(request)
        except NothingToCharge:
            runs.append(AutoRun(rule.id, title, None, "nothing to charge"))
        except IntegrityError:  # another run of the scheduler got there first
            runs.append(AutoRun(rule.id, title, None, f"already ran for {today}"))
            continue
        except FilterError as exc:
            log.error("auto charge filter %s cannot run: %s", rule.id, exc)
            runs.append(AutoRun(rule.id, title, None, f"not run: {exc}"))
            continue
        else:
            service.start(batch_id)
            runs.append(AutoRun(rule.id, title, batch_id, "started"))
        with host.db.transaction() as session:
            session.get(AutoChargeFilter, rule.id).last_run_on = today
    return runs
