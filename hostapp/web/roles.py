"""Administrator roles as in Splynx: each a documented set of the permissions in :mod:`core.web.permissions`.

=====================  ==========================================================================
role                   may
=====================  ==========================================================================
Super administrator    everything, and only they manage administrators, add-ons and gateway settings
Administrator          everything else: customers, finance, charging, refunds, refill cards, audit log
Manager                customers, finance and refill cards of their partners; issue invoices, take payments, send e-mails
Financial manager      see customers; finance: invoices, payments, refunds, bulk charges, e-mails; see refill cards
Viewer                 see customers, finance and refill cards; change nothing
=====================  ==========================================================================

A Manager is limited to one or more partners: every list, count, sum and action of theirs covers
those partners' customers only. The other roles see every partner. Should a role limited to
partners be given charging or the audit log, those follow the same rule:

* Charge: the Preview counts and sums, and what a new batch selects, are the partners'
  invoices only; the charge history lists the batches holding one of them, and a batch's
  page, counts, sums and log show only those; stopping, resuming or deleting a batch takes
  one whose invoices are all the partners'.
* Audit log: an entry about a customer, their documents, payments or saved accounts, a refill
  card series or a charge batch of one partner records that partner and is shown to
  administrators of that partner. Entries about no partner (logins, refused requests,
  configuration, add-ons, administrators) or several (a batch over many partners) are shown
  only to administrators not limited to partners.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.web.permissions import PERMISSIONS

_SEE = frozenset({"account", "dashboard.view", "customers.view", "finance.view", "prepaid.view", "jobs.view"})
_SUPER_ONLY = frozenset({"administration.manage", "config.manage"})


@dataclass(frozen=True)
class Role:
    """One role: its label in the UI and the permissions it grants."""

    key: str
    label: str
    permissions: frozenset[str]
    #: whether an administrator of this role is limited to partners (and must have at least one)
    limited_to_partners: bool = False

    def allows(self, permission: str | None) -> bool:
        """Whether the role grants ``permission`` (``None``, an undeclared one, only to super administrators)."""
        return permission in self.permissions if permission is not None else self.key == SUPER


SUPER = "super"
ROLES = {role.key: role for role in (
    Role(SUPER, "Super administrator", frozenset(PERMISSIONS)),
    Role("admin", "Administrator", frozenset(PERMISSIONS) - _SUPER_ONLY),
    Role("manager", "Manager",
         (_SEE - {"jobs.view"}) | {"customers.manage", "finance.issue", "finance.pay", "finance.mail", "prepaid.manage"},
         limited_to_partners=True),
    Role("financial", "Financial manager",
         _SEE | {"finance.issue", "finance.pay", "finance.refund", "finance.charge", "finance.mail"}),
    Role("viewer", "Viewer", _SEE),
)}


def role_of(admin) -> Role:
    """The role of ``admin``; an unknown role grants only what a Viewer sees."""
    return ROLES.get(admin.role, ROLES["viewer"])
