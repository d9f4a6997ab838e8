"""Fixtures of the e-mail tests (the SMTP server itself is the ``smtp_server`` fixture of splynx_testing)."""

from __future__ import annotations

import pytest

from hostapp.services.mail.service import MailService
from tests.mail.configure import configure_mail


@pytest.fixture
def mail(host, smtp_server) -> MailService:
    configure_mail(host, smtp_server.port)
    return MailService(host)
