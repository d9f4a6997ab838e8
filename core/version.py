"""The host's version: the one place it is written (setup.cfg and the .deb read it)."""

HOST_VERSION = "1.0.0"
