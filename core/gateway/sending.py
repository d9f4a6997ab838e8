"""Sending with requests, for :class:`core.gateway.transport.HttpTransport`.

requests and urllib3 (with what they import) would cost every host process tens of
milliseconds at start-up; :class:`~core.gateway.transport.HttpTransport` imports this module
when the first transport is built, so only a process that calls a gateway loads them.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from .transport import ConnectionDropped, NotSent, ReadTimedOut, log

_NOT_SENT_CAUSES = (NewConnectionError, ConnectTimeoutError, NameResolutionError)


def new_session(headers: dict[str, str]) -> requests.Session:
    """A pooled session that sends ``headers`` with every request and never retries."""
    session = requests.Session()
    # max_retries=0: urllib3 must never re-send a POST on its own
    session.mount("http://", HTTPAdapter(max_retries=0))
    session.mount("https://", HTTPAdapter(max_retries=0))
    session.headers.update(headers)
    return session


def _never_sent(exc: requests.ConnectionError) -> bool:
    """True when a connection error happened before the request left this machine."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    cause = exc.args[0] if exc.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, _NOT_SENT_CAUSES)


def send(session: requests.Session, method: str, url: str, *, name: str, body: bytes | None,
         headers: dict[str, str], timeout: tuple[float, float]) -> requests.Response:
    """One request without redirects; a failure raises :class:`NotSent` or an ``OutcomeUnknown`` subclass."""
    try:
        return session.request(method, url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.ReadTimeout as exc:
        log.warning("%s: no answer within %ss (outcome unknown)", name, timeout[1])
        raise ReadTimedOut(f"no answer within {timeout[1]:g} seconds") from exc
    except requests.ConnectionError as exc:
        if _never_sent(exc):
            log.warning("%s: could not connect to %s: %s", name, url, type(exc).__name__)
            raise NotSent(f"could not connect to the gateway ({type(exc).__name__})") from exc
        log.warning("%s: connection dropped after sending (outcome unknown)", name)
        raise ConnectionDropped("the connection was closed before an answer arrived") from exc
    except requests.RequestException as exc:
        log.warning("%s: request failed: %s", name, type(exc).__name__)
        raise ConnectionDropped(f"the request failed ({type(exc).__name__})") from exc
