"""HTTP transport for gateway clients: one session, two timeouts, and honest failure classes.

A gateway call can fail in two very different ways, and the difference decides whether a
customer may be charged twice:

* :class:`NotSent`: the request never reached the gateway (DNS failure, connection refused,
  connect timeout, or a URL the add-on's :class:`core.settings.UrlRule` refuses). Nothing was charged; the same request may be sent again.
* :class:`OutcomeUnknown`: the request was (or may have been) received, but no usable answer
  came back (read timeout, connection dropped after sending, HTTP 5xx, a body the protocol
  cannot parse). The gateway may have charged. Look the transaction up before anything else.
  :class:`AlreadyReceived` is the variant where the gateway says it already has this
  transaction (a duplicate id, a reused idempotency key, a request still in progress):
  look it up, and never send it again.

:class:`HttpTransport` never retries by itself (a POST retried by urllib3 could charge twice)
and logs every exchange through a :class:`core.gateway.masking.Scrubber`. XML gateways post
one document to one URL (:meth:`HttpTransport.post`); REST gateways call
:meth:`HttpTransport.request` with a method, a path under the base URL and the HTTP statuses
their protocol answers with (a 4xx error envelope is an answer, not a failure). The requests
side (sessions, sending, what a failed send means) is :mod:`core.gateway.sending`, imported
with the first transport.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ..settings import UrlRule
from .masking import Scrubber, masked_logger, scrub

log = masked_logger(__name__)

C = TypeVar("C")


class GatewayError(RuntimeError):
    """A gateway exchange failed; ``safe_to_retry`` says whether the gateway can have acted."""

    safe_to_retry = False
    #: the gateway answered (with an error status or a body nobody can read)
    answered = False


class NotSent(GatewayError):
    """The request did not reach the gateway; nothing happened there."""

    safe_to_retry = True


class OutcomeUnknown(GatewayError):
    """The gateway may or may not have acted on the request."""


class ReadTimedOut(OutcomeUnknown):
    """The request was sent, the answer did not come in time."""


class ConnectionDropped(OutcomeUnknown):
    """The connection broke after the request was sent."""


class AlreadyReceived(OutcomeUnknown):
    """The gateway refused the request because it already has it: look it up, never re-send."""

    answered = True


class BadAnswer(OutcomeUnknown):
    """The gateway answered with an HTTP error status or a body that cannot be parsed."""

    answered = True

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class HttpResponse:
    """An answer the caller accepted: status, body, headers and how long it took."""

    status: int
    body: bytes
    elapsed: float
    headers: dict[str, str] = field(default_factory=dict)


#: the statuses :meth:`HttpTransport.post` accepts: 2xx only
SUCCESS = range(200, 300)


class HttpTransport:
    """Sends requests to one gateway (base) URL over a single pooled ``requests.Session``."""

    def __init__(self, url: str, *, connect_timeout: float = 5.0, read_timeout: float = 60.0,
                 headers: dict[str, str] | None = None, scrubber: Scrubber = scrub,
                 name: str = "gateway", url_rule: UrlRule | None = None) -> None:
        self.url = url
        #: the add-on's rule for its gateway URL: a URL it refuses is never called
        self.url_rule = url_rule
        self.timeout = (connect_timeout, read_timeout)
        self.scrubber = scrubber
        self.name = name
        from . import sending  # requests and urllib3 load with the first transport, not at start-up

        self._sending = sending
        self.session = sending.new_session(headers or {})

    def post(self, body: bytes, *, content_type: str) -> HttpResponse:
        """Send one document to the URL; return a 2xx answer or raise a :class:`GatewayError` subclass."""
        return self.request("POST", "", body=body, headers={"Content-Type": content_type})

    def request(self, method: str, path: str = "", *, body: bytes | None = None,
                headers: dict[str, str] | None = None, accept=SUCCESS) -> HttpResponse:
        """Send one request to ``url + path``; answers with a status outside ``accept`` raise.

        ``accept`` names the statuses the protocol answers with; a 5xx is never accepted
        (the gateway failed and may have acted) and neither is anything else outside it.
        """
        url = self.url + path
        refused = self.url_rule.problem(url) if self.url_rule else None
        if refused:
            log.warning("%s: refusing to call %s: %s", self.name, url, refused)
            raise NotSent(f"the gateway URL is not allowed ({refused})")
        started = time.monotonic()
        shown = self.scrubber(body.decode("utf-8", "replace")) if body else ""
        log.info("%s request %s %s: %s", self.name, method, url, shown)
        response = self._sending.send(self.session, method, url, name=self.name, body=body, headers=headers or {},
                                      timeout=self.timeout)
        elapsed = time.monotonic() - started
        text = self.scrubber(response.content.decode("utf-8", "replace"))
        log.info("%s answer HTTP %s in %.2fs: %s", self.name, response.status_code, elapsed, text[:2000])
        if response.status_code >= 500 or response.status_code not in accept:
            raise BadAnswer(f"the gateway answered HTTP {response.status_code}", response.status_code)
        return HttpResponse(response.status_code, response.content, elapsed, dict(response.headers))

    def close(self) -> None:
        self.session.close()


class ClientPool(Generic[C]):
    """One gateway client (one HTTP session) per configuration, shared by all requests and threads.

    ``factory(config)`` builds a client; a client keeps its :class:`HttpTransport` in
    ``.transport`` so :meth:`clear` can close every session (tests, settings changes).
    """

    def __init__(self, factory: Callable[[Any], C]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._clients: dict[Any, C] = {}

    def get(self, config) -> C:
        with self._lock:
            client = self._clients.get(config)
            if client is None:
                client = self._clients[config] = self._factory(config)
            return client

    def clear(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.transport.close()
            self._clients.clear()
