"""The host's web layer: admin UI at /admin, customer portal at /portal, add-ons at their prefixes."""
