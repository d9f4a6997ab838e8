"""Protocol-agnostic pieces every payment gateway add-on shares.

* :mod:`.masking`: masks card numbers, CVVs and bank account numbers in logged text.
* :mod:`.cards`: Luhn, card brand, expiry and US routing-number checks; a typed card.
* :mod:`.forms`: reading a card form and an amount, before any gateway call.
* :mod:`.settings`: the settings every gateway offers (fee, direct links, time-outs).
* :mod:`.transport`: an HTTP transport (one session, connect and read timeouts, no
  automatic retries) that tells "never sent, safe to retry" from "outcome unknown"; a pool
  of clients per configuration.
* :mod:`.resolver`: the unknown-outcome rules: look a transaction up by its key before
  anything else, re-send only with the same key.
* :mod:`.simulator`: an HTTP server for gateway simulators with a fault switchboard
  (late answers, time-outs after charging, 5xx, garbage, dropped connections).
* :mod:`.accounts`: what a gateway tokenised (:class:`~.accounts.NewAccount`) for the
  host's saved-account store (:meth:`core.host.Host.saved_accounts`).
* :mod:`.bulk`: running a Charge batch through the add-on's charge function with bounded
  concurrency and Splynx's log lines.
* :mod:`.pages`: the pay, top-up and direct-link page logic every gateway shares.
* :mod:`.links`: signed direct payment links (only a signed link may use saved credentials).
* :mod:`.mail`: the gateway's signed payment link in the host's invoice e-mails.
"""
