"""Test-only add-ons registered by fixtures (never shipped)."""
