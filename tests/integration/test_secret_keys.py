"""The gateway's notices are signed with the session key (shared/keys.py): a link key or another secret does not
forge one, and a rotated secret's notices still read while it is named as the previous one."""

from __future__ import annotations

import secrets
from datetime import timedelta
from types import SimpleNamespace

import pytest
from starlette.requests import Request

from services.events.config import EventsSettings
from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.web.context import Web
from services.gateway.entrypoints.web.render import FLASH_COOKIE, read_flash, redirect
from services.notifications.config import NotificationsSettings
from services.notifications.domain.errors import TokenRefused
from services.notifications.domain.tokens import Signer
from shared import keys
from tests.support import test_clock

OLD, NEW = secrets.token_urlsafe(32), secrets.token_urlsafe(32)


def request_with(web: Web, cookie: str = "") -> Request:
    app = SimpleNamespace(state=SimpleNamespace(web=web))
    headers = [(b"cookie", f"{FLASH_COOKIE}={cookie}".encode())] if cookie else []
    return Request({"type": "http", "app": app, "headers": headers, "method": "GET", "path": "/"})


def web(secret: str, previous: str | None = None) -> Web:
    settings = GatewaySettings(secret_key=secret, secret_key_previous=previous)
    return Web(
        client=None, sessions=None, clock=test_clock(), secret_key=secret, session_keys=settings.keys("sitzungen")
    )


def notice(on: Web, text: str = "Gespeichert.") -> str:
    response = redirect("/", text, request_with(on))
    cookie = response.headers["set-cookie"].split(";", 1)[0]
    return cookie.split("=", 1)[1].strip('"')


def test_a_notice_reads_back_only_with_the_session_key() -> None:
    gateway = web(NEW)
    assert read_flash(request_with(gateway, notice(gateway))) == "Gespeichert."
    as_link = Web(
        client=None, sessions=None, clock=test_clock(), secret_key=NEW, session_keys=(keys.derive(NEW, keys.LINKS),)
    )
    assert read_flash(request_with(gateway, notice(as_link))) is None  # signed with the link key
    raw = Web(client=None, sessions=None, clock=test_clock(), secret_key=NEW, session_keys=(NEW.encode(),))
    assert read_flash(request_with(gateway, notice(raw))) is None  # signed with the secret itself
    assert read_flash(request_with(gateway, notice(web(OLD)))) is None  # another installation's secret
    assert gateway.session_keys[0] == keys.derive(NEW, keys.SESSIONS)


def test_after_a_rotation_a_notice_signed_before_still_reads() -> None:
    before, after, later = web(OLD), web(NEW, previous=OLD), web(NEW)
    signed_before = notice(before)
    assert read_flash(request_with(after, signed_before)) == "Gespeichert."
    assert read_flash(request_with(later, signed_before)) is None
    assert read_flash(request_with(later, notice(after))) == "Gespeichert."  # `after` signs with the new key


def test_a_service_with_only_its_own_keys_cannot_forge_another_services_links() -> None:
    """As in production (docker-compose.yml): each link-signing service its own LINK_KEY, the gateway its SESSION_KEY.
    A compromised events service signs a mail link with everything it holds; the mailing service refuses it."""
    fingerprints = secrets.token_urlsafe(32)
    events = EventsSettings(link_key=secrets.token_urlsafe(32), fingerprint_key=fingerprints)
    mailing = NotificationsSettings(link_key=secrets.token_urlsafe(32), fingerprint_key=fingerprints)
    gateway = GatewaySettings(session_key=secrets.token_urlsafe(32), fingerprint_key=fingerprints)
    now = test_clock().now()
    genuine = Signer(*mailing.keys(keys.LINKS, legacy=True))
    token = genuine.issue("bestaetigen", "landesverband", "a@example.org", now, timedelta(hours=1))
    assert genuine.verify(token, "bestaetigen", now).address == "a@example.org"
    held_by_others = [
        *events.keys(keys.LINKS, legacy=True),
        *gateway.keys(keys.SESSIONS, legacy=True),
        fingerprints.encode(),
        events.fingerprints(),
    ]
    for key in held_by_others:
        forged = Signer(key).issue("bestaetigen", "landesverband", "opfer@example.org", now, timedelta(hours=1))
        with pytest.raises(TokenRefused):
            genuine.verify(forged, "bestaetigen", now)
