"""Refill cards for splynx-host: prepaid card series, CSV/PDF export and redemption.

The add-on object (manifest and hook implementations) is :mod:`splynx_refill_cards.addon`.
"""
