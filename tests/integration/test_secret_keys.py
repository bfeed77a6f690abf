"""The gateway's notices are signed with the session key (shared/keys.py): a link key or another secret does not
forge one, and a rotated secret's notices still read while it is named as the previous one."""

from __future__ import annotations

import secrets
from types import SimpleNamespace

from starlette.requests import Request

from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.web.context import Web
from services.gateway.entrypoints.web.render import FLASH_COOKIE, read_flash, redirect
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
