"""IPpay ActionCodes: what they mean, in words a customer or an operator understands.

The codes follow IPpay's (JetPay's) 3-digit scheme; ``000`` is the only success.
"""

from __future__ import annotations

ACTION_TEXTS = {
    "000": "Approved", "001": "Refer to card issuer", "002": "Refer to card issuer", "003": "Invalid merchant",
    "004": "Pick up card", "005": "Do not honor", "006": "Error", "007": "Pick up card", "012": "Invalid transaction",
    "013": "Invalid amount", "014": "Invalid account number", "015": "No such issuer", "019": "Re-enter transaction",
    "021": "No action taken", "025": "Transaction not found", "028": "File temporarily unavailable",
    "030": "Format error", "041": "Lost card", "043": "Stolen card", "051": "Insufficient funds",
    "052": "No checking account", "053": "No savings account", "054": "Expired card", "055": "Incorrect PIN",
    "057": "Transaction not permitted to cardholder", "058": "Transaction not allowed at terminal",
    "061": "Exceeds withdrawal limit", "062": "Restricted card", "063": "Security violation",
    "065": "Activity count limit exceeded", "075": "PIN tries exceeded", "076": "Unable to locate previous message",
    "082": "Negative online CVV results", "091": "Issuer unavailable", "092": "Unable to route",
    "093": "Violation of law", "094": "Duplicate transmission", "096": "System error", "900": "Invalid card number",
    "901": "Invalid merchant ID", "912": "Invalid card format", "917": "Expired card", "920": "Invalid amount",
    "921": "Invalid message format", "923": "Invalid routing number (ABA)", "924": "Invalid bank account number",
    "925": "Invalid terminal ID", "926": "Invalid password", "933": "Invalid CVV2", "940": "Record not found",
    "942": "Refund not allowed", "943": "Refund denied", "987": "Issuer unavailable", "989": "Database error",
    "992": "Transaction timeout", "996": "Bad terminal ID", "999": "Communication failure",
}

#: cent values the IPpay test system is documented to approve (IPpay's test-amount list)
TEST_APPROVING_CENTS = frozenset(
    [0, 8, 9, 10, 11, 16, 17, 18, 20, *range(22, 28), *range(45, 51), 56, 60, 64, *range(66, 75), 79,
     *range(86, 90), 95, 97, 98, 99]
)

#: cent values that decline, with ActionCode ``0`` + cents: those off the approving list whose
#: code IPpay documents (``5205`` → ``005`` Do not honor, ``x.51`` → ``051`` Insufficient funds).
#: Cents off the list without a documented code (``.90``, ``.40``, ``.80``...) approve: the
#: mapping of those is not known, and everyday prices such as 29.90 must pay in a demo.
TEST_DECLINING_CENTS = frozenset(
    cents for cents in range(100) if cents not in TEST_APPROVING_CENTS and f"0{cents:02d}" in ACTION_TEXTS
)


def describe(code: str, gateway_text: str = "") -> str:
    """``"Do not honor (005)"``; the gateway's own words when the code is not in the table."""
    text = ACTION_TEXTS.get(code) or gateway_text.strip().rstrip(".") or "Declined"
    return f"{text} ({code})"
