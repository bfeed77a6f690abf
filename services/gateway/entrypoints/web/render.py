"""Pages from the Jinja2 templates in `templates/` (autoescaped), each with the person looking at it,
the CSRF token for its forms and the one-time notice left by the redirect before it."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.requests import Request

from shared import keys
from shared.clock import german_date, german_datetime, german_when

FLASH_COOKIE = "bn_hinweis"
CSRF_COOKIE = "bn_csrf"
SESSION_COOKIE = "bn_sitzung"


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str
    visible: Callable[[Any], bool]  # given the Viewer


# The header's navigation for a signed-in person; routers add their entry with `add_navigation` when built.
NAVIGATION: list[NavItem] = [NavItem("/aufgaben", "Meine Aufgaben", lambda _viewer: True)]


def add_navigation(path: str, label: str, visible: Callable[[Any], bool]) -> None:
    if all(item.path != path for item in NAVIGATION):
        NAVIGATION.append(NavItem(path, label, visible))


def navigation(viewer: Any) -> list[NavItem]:
    return [item for item in NAVIGATION if viewer is not None and item.visible(viewer)]


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("services.gateway.entrypoints.web", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["datum"] = german_datetime
    env.filters["tag"] = german_date
    env.filters["wann"] = german_when  # "Dienstag, 1. Dezember 2026, 9:00 bis 11:00 Uhr"
    env.globals["navigation"] = navigation
    return env


def render(template: str, **values: Any) -> str:
    return environment().get_template(template).render(**values)


def page(
    request: Request,
    template: str,
    title: str,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    """`templates/<template>` (".html.j2" may be left off) under `title`, for the person asking."""
    name = template if template.endswith(".j2") else f"{template}.html.j2"
    notice = read_flash(request)
    html = render(
        name,
        title=title,
        viewer=getattr(request.state, "viewer", None),
        csrf_token=getattr(request.state, "csrf_token", ""),
        flash=notice,
        path=request.url.path,
        mailbox=getattr(getattr(request.app.state, "web", None), "mailbox_dir", None) is not None,
        **values,
    )
    response = HTMLResponse(html, status_code=status, headers=headers)
    if notice is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def error_page(status: int, title: str, message: str, request: Request | None = None) -> HTMLResponse:
    """A German error page; without a request (in the middleware) it is rendered without the person's header."""
    if request is not None:
        return page(request, "fehler", title, status, message=message)
    html = render(
        "fehler.html.j2", title=title, viewer=None, csrf_token="", flash=None, path="", mailbox=False, message=message
    )
    return HTMLResponse(html, status_code=status)


def redirect(path: str, flash: str | None = None, request: Request | None = None) -> RedirectResponse:
    """303 to a local path; `flash` is shown once on the next page (a notification banner)."""
    response = RedirectResponse(path, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, _sign(flash, _keys(request)[0]), path="/", httponly=True, samesite="lax")
    return response


def read_flash(request: Request) -> str | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    return _unsign(raw, _keys(request))


def local_path(value: str | None, default: str) -> str:
    """`value` if it is a path on this site (no scheme, no other host, no backslash tricks), else `default`."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(c) < 32 for c in value):
        return default
    return value


def sign_in_path(next_path: str) -> str:
    return "/anmelden?weiter=" + quote(next_path, safe="/")


def signed(request: Request, text: str) -> str:
    """`text` with the gateway's signature, for a cookie only the gateway can have written."""
    return _sign(text, _keys(request)[0])


def unsigned(request: Request, raw: str | None) -> str | None:
    """The text of a `signed` value, or None if it was not signed by the gateway."""
    return _unsign(raw, _keys(request)) if raw else None


def _keys(request: Request | None) -> tuple[bytes, ...]:
    """The notice keys (shared/keys.py SESSIONS): the first signs, all verify."""
    web = getattr(request.app.state, "web", None) if request is not None else None
    return web.session_keys if web else keys.verifying(keys.SESSIONS, "beratungsnetz")


def _sign(text: str, key: bytes) -> str:
    body = base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")
    mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def _unsign(raw: str, keys_: tuple[bytes, ...]) -> str | None:
    body, _, mac = raw.partition(".")
    macs = (hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32] for key in keys_)
    if not any(hmac.compare_digest(expected, mac) for expected in macs):
        return None
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except ValueError:
        return None
