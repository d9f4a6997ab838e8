"""Protocol-agnostic pieces every payment gateway add-on shares.

* :mod:`.masking`: masks card numbers, CVVs and bank account numbers in logged text.
* :mod:`.cards`: Luhn, card brand, expiry and US routing-number checks.
* :mod:`.transport`: an HTTP transport (one session, connect and read timeouts, no
  automatic retries) that tells "never sent, safe to retry" from "outcome unknown".
* :mod:`.simulator`: an HTTP server for gateway simulators with a fault switchboard
  (late answers, time-outs after charging, 5xx, garbage, dropped connections).
"""
