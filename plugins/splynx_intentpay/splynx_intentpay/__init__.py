"""IntentPay: an add-on for splynx-host (id ``intentpay``, pages under ``/intentpay``)."""
