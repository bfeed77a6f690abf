"""Embedded runtime: nats-server from PyPI, the SMTP sink, and the process supervisor."""
