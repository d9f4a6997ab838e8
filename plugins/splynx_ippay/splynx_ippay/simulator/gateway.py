"""The simulated IPpay gateway: the XML protocol at ``/ippay`` with the test system's rules.

Every transaction is stored under (TerminalID, TransactionID): ENQ replays its result,
CREDIT and VOID find their original, and a re-sent TransactionID of a new-money transaction
answers ``094`` Duplicate transmission without acting. Nothing here keeps a card number:
tokens map to brand-free facts (kind, last 4 digits, expiry).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone

from core.gateway.cards import Expiry
from core.gateway.simulator import Reply, SimRequest

from ..protocol import ProtocolError, build_response, parse_request
from .rules import (
    TEST_TERMINAL,
    Rejection,
    amount_cents,
    approval_code,
    check_bank,
    check_card,
    make_token,
    new_transaction_id,
    result_code,
)

PATH = "/ippay"
NEW_MONEY = ("SALE", "AUTHONLY", "CHECK", "REVERSAL")


@dataclass
class Stored:
    """One processed transaction and the answer it got."""

    type: str
    cents: int
    answer: dict[str, str]
    account: str = ""
    refunded: int = 0
    voided: bool = False
    captured: bool = False

    @property
    def approved(self) -> bool:
        return self.answer.get("ActionCode") == "000"


@dataclass(frozen=True)
class TokenFacts:
    kind: str  # card | bank
    last4: str
    expiry: Expiry | None = None


@dataclass
class _Request:
    """The parsed request, with the helpers every handler needs."""

    texts: dict[str, str]
    attrs: dict[str, dict[str, str]]
    ach: dict[str, str]
    terminal: str = field(init=False)

    def __post_init__(self) -> None:
        self.terminal = self.texts.get("TerminalID", "")

    def get(self, name: str) -> str:
        return self.texts.get(name, "") or self.ach.get(name, "")

    def wants_token(self, element: str) -> bool:
        attrs = self.attrs.get(element, {})
        return "true" in (attrs.get("Tokenize", "").lower(), attrs.get("Token", "").lower())


class IppaySimulator:
    """A :class:`core.gateway.simulator.SimulatorApp` speaking IPpay XML."""

    garbage = b"<html><head><title>Gateway</title></head><body>Temporarily unavailable</body></html>"

    def __init__(self, terminals: dict[str, str] | None = None) -> None:
        #: TerminalID -> password ("" = none required)
        self.terminals = dict(terminals or {TEST_TERMINAL: ""})
        self._lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.transactions: dict[tuple[str, str], Stored] = {}
            self.tokens: dict[tuple[str, str], TokenFacts] = {}
            self._journal: list[dict] = []

    # -- SimulatorApp -------------------------------------------------------------------

    def kind(self, request: SimRequest) -> str:
        try:
            texts, _, _ = parse_request(request.body)
        except ProtocolError:
            return "INVALID"
        return texts.get("TransactionType", "").upper()

    def journal(self) -> list[dict]:
        with self._lock:
            return list(self._journal)

    def handle(self, request: SimRequest) -> Reply:
        if request.path.split("?")[0].rstrip("/") != PATH:
            return Reply(404, b"Not found", "text/plain")
        if request.method != "POST":
            return Reply(405, b"", "text/plain")
        try:
            texts, attrs, ach = parse_request(request.body)
        except ProtocolError as exc:
            return self._reply({"ActionCode": "921", "ErrMsg": f"Invalid message format: {exc}."})
        req = _Request(texts, attrs, ach)
        if not req.terminal:
            return Reply(200, b"")  # the real test system sends nothing parsable without credentials
        ttype = texts.get("TransactionType", "").upper()
        with self._lock:
            try:
                self._authenticate(req)
                handler = getattr(self, f"_do_{ttype.lower()}", None)
                if handler is None:
                    raise Rejection("900", f"{ttype or 'TransactionType'} is not a valid transaction type.")
                answer = handler(req)
            except Rejection as exc:
                answer = {"TransactionID": texts.get("TransactionID", ""), "ActionCode": exc.code,
                          "ErrMsg": exc.message}
            self._journal.append({"at": datetime.now(timezone.utc).isoformat(), "type": ttype,
                                  "transaction_id": answer.get("TransactionID") or texts.get("TransactionID", ""),
                                  "amount": texts.get("TotalAmount", ""), "action_code": answer["ActionCode"],
                                  "approval": answer.get("Approval", ""),
                                  "text": answer.get("ResponseText") or answer.get("ErrMsg", "")})
        return self._reply(answer, "IPPayResponse" if ttype == "TOKENIZE" else "ippayResponse")

    @staticmethod
    def _reply(answer: dict[str, str], root: str = "ippayResponse") -> Reply:
        return Reply(200, build_response(answer, root))

    def _authenticate(self, req: _Request) -> None:
        if req.terminal not in self.terminals:
            raise Rejection("996", "Bad Terminal ID.")
        password = self.terminals[req.terminal]
        if password and req.texts.get("Password", "") != password:
            raise Rejection("926", "Invalid password.")

    # -- instruments --------------------------------------------------------------------

    def _card(self, req: _Request) -> tuple[str, dict[str, str]]:
        """The card a SALE/AUTHONLY uses: (masked account, extra answer fields)."""
        number, token = req.texts.get("CardNum", ""), req.texts.get("Token", "")
        if number:
            check_card(number, req.texts.get("CardExpMonth", ""), req.texts.get("CardExpYear", ""))
            extra = {}
            if req.wants_token("CardNum"):
                extra["Token"] = self._store_token(req.terminal, number, TokenFacts(
                    "card", number[-4:], Expiry.parse(req.texts["CardExpMonth"], req.texts["CardExpYear"])))
            return "…" + number[-4:], extra
        facts = self._token(req.terminal, token, "card")
        if facts.expiry is not None and facts.expiry.expired():
            raise Rejection("054", "Expired card.")
        return "…" + facts.last4, {"Token": token}

    def _bank(self, req: _Request) -> str:
        if not req.texts.get("CardName"):
            raise Rejection("900", "CardName is required for ACH transactions.")
        if req.ach.get("Token"):
            return "…" + self._token(req.terminal, req.ach["Token"], "bank").last4
        check_bank(req.ach.get("ABA", ""), req.ach.get("AccountNumber", ""))
        return "…" + req.ach["AccountNumber"][-4:]

    def _token(self, terminal: str, token: str, kind: str) -> TokenFacts:
        facts = self.tokens.get((terminal, token))
        if not token or facts is None or facts.kind != kind:
            raise Rejection("940", "Record not found.")
        return facts

    def _store_token(self, terminal: str, number: str, facts: TokenFacts) -> str:
        token = make_token(terminal, number, None if facts.kind == "card" else max(len(number) + 8, 16))
        self.tokens[(terminal, token)] = facts
        return token

    # -- new money ----------------------------------------------------------------------

    def _new_id(self, req: _Request) -> str:
        transaction_id = req.texts.get("TransactionID", "").upper()
        if transaction_id and (req.terminal, transaction_id) in self.transactions:
            raise Rejection("094", "Duplicate transmission.")
        return transaction_id or new_transaction_id()

    def _store(self, req: _Request, ttype: str, transaction_id: str, cents: int, answer: dict, account: str) -> dict:
        answer = {"TransactionID": transaction_id, **answer}
        self.transactions[(req.terminal, transaction_id)] = Stored(ttype, cents, answer, account)
        return answer

    def _do_sale(self, req: _Request, ttype: str = "SALE") -> dict:
        transaction_id = self._new_id(req)
        cents = amount_cents(req.texts.get("TotalAmount", ""))
        account, extra = self._card(req)
        code = result_code(cents)
        if code != "000":
            return self._store(req, ttype, transaction_id, cents, {"ActionCode": code, "ResponseText": "DECLINED"},
                               account)
        answer = {"ActionCode": "000", "Approval": approval_code(), "ResponseText": "APPROVED", "AVS": "Y",
                  "CVV2": "P" if req.texts.get("CVV2") else "", **extra}
        return self._store(req, ttype, transaction_id, cents, answer, account)

    def _do_authonly(self, req: _Request) -> dict:
        return self._do_sale(req, "AUTHONLY")

    def _do_check(self, req: _Request, ttype: str = "CHECK") -> dict:
        transaction_id = self._new_id(req)
        cents = amount_cents(req.texts.get("TotalAmount", ""))
        account = self._bank(req)
        code = "000" if ttype == "REVERSAL" else result_code(cents)
        answer = ({"ActionCode": "000", "Approval": "000000", "ResponseText": "CHECK ACCEPTED"} if code == "000"
                  else {"ActionCode": code, "ResponseText": "DECLINED"})
        return self._store(req, ttype, transaction_id, cents, answer, account)

    def _do_reversal(self, req: _Request) -> dict:
        return self._do_check(req, "REVERSAL")

    # -- follow-on operations ------------------------------------------------------------

    def _original(self, req: _Request) -> tuple[str, Stored]:
        transaction_id = req.texts.get("TransactionID", "").upper()
        stored = self.transactions.get((req.terminal, transaction_id))
        if stored is None:
            raise Rejection("025", "Transaction Not Found.")
        return transaction_id, stored

    def _do_enq(self, req: _Request) -> dict:
        _, stored = self._original(req)
        return dict(stored.answer)

    def _do_capt(self, req: _Request) -> dict:
        transaction_id, stored = self._original(req)
        if stored.type != "AUTHONLY" or not stored.approved or stored.voided:
            raise Rejection("012", "Invalid transaction.")
        stored.captured = True
        return {"TransactionID": transaction_id, "ActionCode": "000", "Approval": stored.answer["Approval"],
                "ResponseText": "APPROVED"}

    def _do_void(self, req: _Request) -> dict:
        transaction_id, stored = self._original(req)
        if stored.voided or not stored.approved or stored.refunded:
            raise Rejection("012", "Invalid transaction.")
        if req.texts.get("Approval", "").upper() != stored.answer.get("Approval", ""):
            raise Rejection("076", "Unable to locate previous message.")
        stored.voided = True
        return {"TransactionID": transaction_id, "ActionCode": "000", "Approval": stored.answer["Approval"],
                "ResponseText": "VOID PROCESSED"}

    def _do_credit(self, req: _Request) -> dict:
        cents = amount_cents(req.texts.get("TotalAmount", ""))
        if not req.texts.get("TransactionID") or req.texts.get("Token") or req.texts.get("CardNum"):
            transaction_id = self._new_id(req)
            account, _ = self._card(req)
            answer = {"ActionCode": "000", "Approval": approval_code(), "ResponseText": "RETURN ACCEPTED"}
            return self._store(req, "CREDIT", transaction_id, cents, answer, account)
        transaction_id, stored = self._original(req)
        if stored.type not in ("SALE", "AUTHONLY") or not stored.approved or stored.voided:
            raise Rejection("942", "Refund not allowed.")
        if stored.refunded + cents > stored.cents:
            raise Rejection("943", "Refund denied: the amount exceeds what is left to refund.")
        stored.refunded += cents
        # a linked CREDIT is a follow-on operation: the answer echoes the original TransactionID (§1.9)
        return {"TransactionID": transaction_id, "ActionCode": "000", "Approval": approval_code(),
                "ResponseText": "RETURN ACCEPTED"}

    def _do_voidach(self, req: _Request) -> dict:
        raise Rejection("900", "VOIDACH transactions are no longer supported. Please contact support@ippay.com")

    def _do_tokenize(self, req: _Request) -> dict:
        number, token = req.texts.get("CardNum", ""), req.texts.get("Token", "")
        month, year = req.texts.get("CardExpMonth", ""), req.texts.get("CardExpYear", "")
        if number:
            expiry = check_card(number, month, year)
            new = self._store_token(req.terminal, number, TokenFacts("card", number[-4:], expiry))
        elif token:
            facts = self._token(req.terminal, token, "card")
            expiry = _expiry_update(month, year)
            self.tokens[(req.terminal, token)] = TokenFacts("card", facts.last4, expiry)
            new = token
        else:
            aba, account = req.get("ABA"), req.get("AccountNumber")
            if not aba and not account:
                raise Rejection("900", "CardNum, Token or ABA and AccountNumber are required for TOKENIZE.")
            check_bank(aba, account)
            new = self._store_token(req.terminal, account, TokenFacts("bank", account[-4:]))
        return {"ActionCode": "000", "ResponseText": "TOKENIZED", "Token": new}

    def _do_ping(self, req: _Request) -> dict:
        return {"ActionCode": "000", "ResponseText": "PING"}


def _expiry_update(month: str, year: str) -> Expiry:
    """The new expiry of a token update (TOKENIZE with Token + expiry)."""
    try:
        expiry = Expiry.parse(month, year)
    except ValueError:
        raise Rejection("912", "Invalid card format.") from None
    if expiry.expired():
        raise Rejection("054", "Expired card.")
    return expiry
