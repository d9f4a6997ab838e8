"""Talking to the SMTP server with :mod:`smtplib`: one message, the server's answer, and what kind of failure.

A failure is *temporary* (:class:`TemporaryFailure`: a 4xx answer, or :class:`Unreachable`: a
refused or dropped connection, a timeout; the message waits and is tried again) or *permanent*
(:class:`PermanentFailure`: a 5xx answer, a certificate that does not verify, a missing
setting; the message is marked failed with the answer and an operator may resend it).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from functools import lru_cache

from .settings import MailSettings


class DeliveryFailure(Exception):
    """The server did not take the message; ``answer`` is what it said (or what went wrong)."""

    temporary = False

    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer


class TemporaryFailure(DeliveryFailure):
    """Try again later: the server answered 4xx or could not be reached."""

    temporary = True


class Unreachable(TemporaryFailure):
    """The server could not be reached at all (refused, timed out, dropped): it is down for everyone."""


class PermanentFailure(DeliveryFailure):
    """Trying again will not help until someone changes something (5xx, TLS, configuration)."""


def _answer(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


@lru_cache(maxsize=4)
def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """The system's trusted CAs, plus ``ca_file`` (``SPLYNX_MAIL_CA_FILE``) when given; built once per file."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


@lru_cache(maxsize=1)
def local_hostname() -> str:
    """The name this machine greets servers with (looked up once: smtplib would ask DNS per connection)."""
    return socket.getfqdn()


def _connect(settings: MailSettings, ca_file: str) -> smtplib.SMTP:
    if settings.security == "tls":
        return smtplib.SMTP_SSL(settings.host, settings.port, local_hostname(), timeout=settings.timeout,
                                context=tls_context(ca_file))
    smtp = smtplib.SMTP(settings.host, settings.port, local_hostname(), timeout=settings.timeout)
    if settings.security == "starttls":
        smtp.ehlo()
        code, text = smtp.starttls(context=tls_context(ca_file))
        if code != 220:
            raise smtplib.SMTPResponseException(code, text)
        smtp.ehlo()
    return smtp


def _check(code: int, text: bytes, accepted: tuple[int, ...]) -> None:
    if code not in accepted:
        raise smtplib.SMTPResponseException(code, text)


def send(settings: MailSettings, message: EmailMessage, *, ca_file: str = "") -> str:
    """Deliver ``message`` to the configured server; returns the server's answer to the data.

    Raises :class:`TemporaryFailure` or :class:`PermanentFailure` with the answer.
    """
    from email.policy import SMTP as SMTP_POLICY  # with the first message sent, not at start-up

    if not settings.configured:
        raise PermanentFailure("E-mail is not configured: set the SMTP host and the sender e-mail in "
                               "Config → Main → Email.")
    try:
        with _connect(settings, ca_file) as smtp:
            smtp.ehlo_or_helo_if_needed()
            if settings.login:
                smtp.login(settings.login, settings.password)
            code, text = smtp.mail(settings.sender_address)
            _check(code, text, (250,))
            code, text = smtp.rcpt(message["To"])
            _check(code, text, (250, 251))
            code, text = smtp.data(message.as_bytes(policy=SMTP_POLICY))
            _check(code, text, (250,))
            return _answer(code, text)
    except smtplib.SMTPResponseException as exc:
        answer = _answer(exc.smtp_code, exc.smtp_error)
        raise (TemporaryFailure if 400 <= exc.smtp_code < 500 else PermanentFailure)(answer) from exc
    except ssl.SSLCertVerificationError as exc:
        raise PermanentFailure(f"The server's certificate does not verify: {exc.verify_message}") from exc
    except ssl.SSLError as exc:
        raise PermanentFailure(f"TLS failed: {exc.reason or exc}") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise PermanentFailure(f"The server does not support this: {exc}") from exc
    except (smtplib.SMTPServerDisconnected, socket.timeout, ConnectionError) as exc:
        raise Unreachable(f"{settings.host}:{settings.port}: {exc or type(exc).__name__}") from exc
    except OSError as exc:  # no route, name not resolved: may pass (DNS, network)
        raise Unreachable(f"{settings.host}:{settings.port}: {exc.strerror or exc}") from exc
