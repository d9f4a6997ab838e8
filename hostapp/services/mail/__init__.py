"""E-mail: settings, templates, rendering in the sandbox, the outbox and SMTP delivery.

Import from the module that holds a name: :mod:`.events` (what events queue, written in their
own transaction; the payment and ledger services import it at start-up), :mod:`.service`
(:class:`~.service.MailService`: compose, preview, send), :mod:`.render`, :mod:`.outbox`,
:mod:`.smtp` (the delivery failures), :mod:`.settings` and :mod:`.templates`. The package itself
imports none of them, so booking a payment does not load the SMTP client or the renderer.
"""
