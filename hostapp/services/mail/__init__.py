"""E-mail: settings, templates, rendering in the sandbox, the outbox and SMTP delivery."""

from .events import record_event
from .render import Rendered, TemplateError
from .service import MailService, NotSent, Subject
from .smtp import DeliveryFailure, PermanentFailure, TemporaryFailure

__all__ = ["DeliveryFailure", "MailService", "NotSent", "PermanentFailure", "Rendered", "Subject",
           "TemplateError", "TemporaryFailure", "record_event"]
