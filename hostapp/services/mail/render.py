"""Rendering a template in Jinja's sandbox: subject, HTML part and plain-text part.

Templates are written by operators and add-ons, so they run in
:class:`jinja2.sandbox.SandboxedEnvironment` (no attribute of Python's internals, no
unsafe call) with :class:`jinja2.StrictUndefined` (a misspelt variable is an error, not a
blank). Any error becomes a :class:`TemplateError` naming the part and the line; nothing is
sent from a template that does not render.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass

from jinja2 import DictLoader, StrictUndefined, TemplateError as JinjaError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from core.mail import MailTemplate
from core.web.formats import money

PARTS = ("subject", "html", "text")
PART_LABELS = {"subject": "Subject", "html": "HTML body", "text": "Text body"}


class TemplateError(ValueError):
    """A template that does not render: which part, which line, what went wrong."""

    def __init__(self, part: str, line: int | None, message: str) -> None:
        self.part, self.line, self.message = part, line, message
        where = PART_LABELS[part] + (f", line {line}" if line else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Rendered:
    """A message's three parts, ready to send."""

    subject: str
    html: str
    text: str


def html_to_text(html: str) -> str:
    """A readable plain-text version of an HTML body (links kept as their URLs)."""
    import html2text  # with the first HTML body converted, not at start-up

    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.protect_links = True
    converter.wrap_links = False
    return converter.handle(html).strip() + "\n"


def _environment(autoescape: bool, sources: dict[str, str], currency: str) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=autoescape, loader=DictLoader(sources),
                               keep_trailing_newline=True)
    env.filters["abs"] = abs
    env.filters["money"] = lambda value: money(value, currency)
    return env


def _line(exc: BaseException) -> int | None:
    if isinstance(exc, TemplateSyntaxError):
        return exc.lineno
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>"]
    return frames[-1].lineno if frames else None


def check_syntax(template: MailTemplate) -> None:
    """Compile every part without rendering; raises :class:`TemplateError` at the first syntax error."""
    for part in PARTS:
        source = getattr(template, part)
        try:
            _environment(part == "html", {part: source}, "").get_template(part)
        except TemplateSyntaxError as exc:
            raise TemplateError(part, exc.lineno, exc.message or "syntax error") from exc


def render(template: MailTemplate, variables: dict) -> Rendered:
    """Render the template's parts with ``variables``; raises :class:`TemplateError`."""
    parts = {"subject": template.subject, "html": template.html, "text": template.text}
    done: dict[str, str] = {}
    for part in PARTS:
        if part == "text" and not parts["text"].strip():
            done["text"] = html_to_text(done["html"])
            continue
        env = _environment(part == "html", {part: parts[part]}, variables.get("currency", ""))
        try:
            done[part] = env.get_template(part).render(**variables)
        except JinjaError as exc:
            raise TemplateError(part, _line(exc), exc.message or type(exc).__name__) from exc
        except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
            raise TemplateError(part, _line(exc), f"{type(exc).__name__}: {exc}") from exc
    subject = " ".join(done["subject"].split())
    if not subject:
        raise TemplateError("subject", 1, "the subject is empty")
    return Rendered(subject[:255], done["html"], done["text"])
