"""Bulk charging (Finance → Invoices → Charge): selection, batches, lanes, runners, auto-charge.

* :mod:`.filters`: the dialog's filters as SQL, and the Preview (count, total sum, due sum).
* :mod:`.handlers`: the enabled add-ons implementing ``splynx_bulk_charge`` and their parameters.
* :mod:`.batches`: a batch and its items written in one transaction; summaries, results, resume.
* :mod:`.leases`, :mod:`.claims`, :mod:`.recorder`, :mod:`.runner`: working a lane of a batch
  so that every invoice is charged at most once, also when workers die.
* :mod:`.service`: the facade (in-process job or Celery lanes), :mod:`.celery_app`: the worker.
* :mod:`.auto`: auto-charge filters run by ``splynx charge run-scheduled``.
* :mod:`.report`: the downloadable CSV log.
"""

from .batches import BatchBusy, BatchRequest, NothingToCharge
from .filters import STATUSES, ChargeFilters, FilterError, Preview
from .handlers import Handler
from .service import ChargeService

__all__ = ["STATUSES", "BatchBusy", "BatchRequest", "ChargeFilters", "ChargeService", "FilterError", "Handler",
           "NothingToCharge", "Preview"]
