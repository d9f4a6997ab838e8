"""Access logs without the secrets of signed links.

A signed direct payment link (``?item_id=..&expires=..&sig=..``) lets whoever holds it pay
with the customer's saved card, so its ``sig`` and ``expires`` must not sit in log files
that more people read than should hold the link. The request lines of the built-in server
(``werkzeug``) and of gunicorn (``gunicorn.access``) pass through a
:class:`core.gateway.masking.MaskingFilter` that stars out those query values (and card
data, should a form ever be sent by GET).
"""

from __future__ import annotations

from core.gateway.links import QUERY_FIELDS
from core.gateway.masking import NUMBER_FIELDS, SECRET_FIELDS, Scrubber, masked_logger

#: the loggers that write one line per request
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")
SCRUBBER = Scrubber(number_fields=NUMBER_FIELDS, secret_fields=(*SECRET_FIELDS, *QUERY_FIELDS))


def register() -> None:
    """Attach the masking filter to every access logger (once per process)."""
    for name in ACCESS_LOGGERS:
        masked_logger(name, SCRUBBER)
