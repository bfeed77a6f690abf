"""Entrypoints of the registry service: NATS subscribers and request handlers that translate and hand over."""

from __future__ import annotations

from shared.service import ServiceApp


def register(app: ServiceApp) -> None:
    """Attach this service's subscribers and responders to the app's broker (health is built in)."""
