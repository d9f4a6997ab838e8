"""The IPpay XML dialect: request documents and response parsing.

Requests are built with :mod:`xml.etree.ElementTree` (names are escaped properly) with
root ``<ippay>`` and the elements in the order of IPpay's XML Product Specification.
Responses are parsed with :mod:`defusedxml` (no entity expansion, no external entities);
their root is matched case-insensitively (``ippayResponse``, ``IPPayResponse`` for
TOKENIZE, legacy ``JetPayResponse``). Success means ``ActionCode`` ``000`` and nothing else.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

CONTENT_TYPE = "text/xml; charset=utf-8"
RESPONSE_ROOTS = ("ippayresponse", "jetpayresponse")
REQUEST_ROOTS = ("ippay", "jetpay")

#: top-level element order of the specification (table 1.3)
ELEMENT_ORDER = (
    "TransactionType", "TerminalID", "TransactionID", "Approval", "RoutingCode", "Origin", "Password",
    "OrderNumber", "CardNum", "CVV2", "Token", "Issue", "CardExpMonth", "CardExpYear", "CardStartMonth",
    "CardStartYear", "Track1", "Track2", "ABA", "AccountNumber", "ACH", "Scrutiny", "CardName", "DispositionType",
    "TotalAmount", "FeeAmount", "TaxAmount", "BillingAddress", "BillingCity", "BillingStateProv",
    "BillingPostalCode", "BillingCountry", "BillingPhone", "Email", "UserIPAddress", "UserHost", "UDField1",
    "UDField2", "UDField3",
)
ACH_ORDER = ("AccountNumber", "ABA", "Token", "CheckNumber")

APPROVED = "000"
NOT_FOUND = "025"
DUPLICATE = "094"


class ProtocolError(ValueError):
    """A body that is not an IPpay response (not XML, wrong root, no ActionCode)."""


@dataclass
class Element:
    """A value with optional attributes (``<CardNum Tokenize="true">``)."""

    text: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    children: dict[str, str] = field(default_factory=dict)


def build_request(fields: dict[str, str | Element | None]) -> bytes:
    """Serialise one request; ``None`` and empty values are left out, order follows the spec."""
    root = ET.Element("ippay")
    for name in sorted((k for k, v in fields.items() if v not in (None, "")), key=_order):
        value = fields[name]
        node = ET.SubElement(root, name)
        if isinstance(value, Element):
            node.attrib.update(value.attrs)
            node.text = value.text or None
            for child in ACH_ORDER:
                if value.children.get(child):
                    ET.SubElement(node, child).text = value.children[child]
        else:
            node.text = str(value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def _order(name: str) -> int:
    try:
        return ELEMENT_ORDER.index(name)
    except ValueError:
        return len(ELEMENT_ORDER)


@dataclass(frozen=True)
class Response:
    """A parsed gateway answer; ``fields`` holds every top-level element's text."""

    root: str
    fields: dict[str, str]

    @property
    def action_code(self) -> str:
        return self.fields.get("ActionCode", "")

    @property
    def approved(self) -> bool:
        return self.action_code == APPROVED

    @property
    def transaction_id(self) -> str:
        return self.fields.get("TransactionID", "")

    @property
    def approval(self) -> str:
        return self.fields.get("Approval", "")

    @property
    def token(self) -> str:
        return self.fields.get("Token", "")

    @property
    def text(self) -> str:
        """The gateway's words: ``ErrMsg`` when the XML was rejected, else ``ResponseText``."""
        return (self.fields.get("ErrMsg") or self.fields.get("ResponseText") or "").strip()


def parse_response(body: bytes) -> Response:
    """Parse an answer safely or raise :class:`ProtocolError`."""
    try:
        root = SafeET.fromstring(body)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise ProtocolError(f"the answer is not IPpay XML ({type(exc).__name__})") from None
    if root.tag.lower() not in RESPONSE_ROOTS:
        raise ProtocolError(f"unexpected answer root <{root.tag}>")
    fields = {child.tag: (child.text or "").strip() for child in root}
    if not fields.get("ActionCode"):
        raise ProtocolError("the answer has no ActionCode")
    return Response(root.tag, fields)


def parse_request(body: bytes) -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    """The simulator's side: (top-level texts, attributes per element, ACH children)."""
    try:
        root = SafeET.fromstring(body)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise ProtocolError(f"not an XML document ({type(exc).__name__})") from None
    if root.tag.lower() not in REQUEST_ROOTS:
        raise ProtocolError(f"unexpected request root <{root.tag}>")
    texts, attrs, ach = {}, {}, {}
    for child in root:
        texts[child.tag] = (child.text or "").strip()
        attrs[child.tag] = dict(child.attrib)
        if child.tag == "ACH":
            ach = {grandchild.tag: (grandchild.text or "").strip() for grandchild in child}
    return texts, attrs, ach


def build_response(fields: dict[str, str], root: str = "ippayResponse") -> bytes:
    """Serialise an answer (the simulator's side)."""
    node = ET.Element(root)
    for name, value in fields.items():
        if value not in (None, ""):
            ET.SubElement(node, name).text = str(value)
    return ET.tostring(node, encoding="utf-8", xml_declaration=False)
