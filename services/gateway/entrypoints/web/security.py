"""Security headers on every answer (SecurityHeaders), and the CSRF check on every POST of a web page (WebSecurity).

A browser form carries the field `csrf_token`, which must equal the cookie `bn_csrf` (double submit),
and the request must come from the gateway's own pages: its Origin (or, without one, its Referer) is the
gateway's public URL or the host the request was sent to. Otherwise: a German 403 page, and the route
never runs. Exempt are the API (`/api/…`, bearer tokens, no cookies) and the RFC 8058 one-click
unsubscribe, which mail programs POST to `/abmelden?token=…` with the body `List-Unsubscribe=One-Click` and nothing
else (`is_one_click`).

The personal pages (`/umfrage/<token>`, `/meine-schulungen/<token>`, issue 17) hold a person's token in their
address: no search engine indexes them and no cache keeps them. Their referrer policy is the site's `same-origin`:
no other host ever sees their address, and the browser still names the page's origin when it posts their forms, so
the CSRF check above holds for them unchanged.
"""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.entrypoints.web.render import CSRF_COOKIE, error_page
from shared.logging import get_logger

log = get_logger(__name__)

CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
# Swagger UI starts itself with an inline script: its page alone may run one.
DOCS_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"
DOCS_PATH = "/api/v1/docs"
# The public directory's embeddable variant may be framed by other sites (setting EMBED_FRAME_ANCESTORS, default any);
# every other page by none.
EMBED_PATH = "/verzeichnis/einbetten"
EMBED_CSP = "default-src 'self'; frame-ancestors {}; form-action 'self'; base-uri 'none'; object-src 'none'"
ONE_CLICK_PATH = "/abmelden"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
BROKEN = "Hier ist etwas schiefgegangen. Bitte versuchen Sie es später noch einmal."
REFUSED = (
    "Das Formular ist abgelaufen oder kam nicht von dieser Seite. Bitte laden Sie die Seite neu und versuchen Sie es noch "
    "einmal."
)


# The personal pages (issue 17): their address holds the person's token. Not indexed, not cached - also their errors.
PERSONAL_PATHS = ("/umfrage/", "/meine-schulungen/")


def is_personal(path: str) -> bool:
    return path.startswith(PERSONAL_PATHS)


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def is_embeddable(path: str) -> bool:
    return path == EMBED_PATH or path.startswith(EMBED_PATH + "/")


class WebSecurity:
    def __init__(self, app: ASGIApp, public_url: str = "", secure_cookies: bool = True) -> None:
        self.app, self.secure_cookies = app, secure_cookies
        parts = urlsplit(public_url)
        self.own_origin = f"{parts.scheme}://{parts.netloc}".lower() if parts.netloc else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, headers = scope["path"], Headers(scope=scope)
        cookie = _cookie(headers.get("cookie", ""), CSRF_COOKIE)
        token = cookie if cookie and 20 <= len(cookie) <= 100 else None
        new_token = None
        if not is_api(path):
            if token is None:
                token = new_token = secrets.token_urlsafe(32)
            scope.setdefault("state", {})["csrf_token"] = token

        if scope["method"] in UNSAFE and not is_api(path):
            body = await _read_body(receive)
            receive = _replay(body, receive)
            try:
                form = await Request(scope, _replay(body, None)).form()
            except Exception:  # noqa: BLE001 - a body that is no form carries no token either
                form = {}
            if not is_one_click(scope, form):
                sent = form.get("csrf_token")
                if (
                    cookie is None
                    or not isinstance(sent, str)
                    or not hmac.compare_digest(sent.encode(), cookie.encode())
                    or not self._same_origin(headers)
                ):
                    response = error_page(403, "Nicht erlaubt", REFUSED)
                    await response(scope, receive, self._with_cookie(send, new_token))
                    return

        await self.app(scope, receive, self._with_cookie(send, new_token))

    def _same_origin(self, headers: Headers) -> bool:
        origin = headers.get("origin")
        if origin is None or origin == "null":
            referer = headers.get("referer")
            if not referer:
                return False
            parts = urlsplit(referer)
            origin = f"{parts.scheme}://{parts.netloc}"
        origin = origin.lower()
        if self.own_origin and origin == self.own_origin:
            return True
        host = headers.get("host", "").lower()
        return bool(host) and urlsplit(origin).netloc == host

    def _with_cookie(self, send: Send, new_token: str | None) -> Send:
        if not new_token:
            return send
        cookie = f"{CSRF_COOKIE}={new_token}; Path=/; SameSite=Lax{'; Secure' if self.secure_cookies else ''}".encode()

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"set-cookie", cookie)]}
            await send(message)

        return sending


class SecurityHeaders:
    """The headers of every answer, the outermost middleware: pages, redirects, the size limit's 413, the CSRF 403 and
    any error. An error no handler caught becomes a German 500 page here (logged), so it has them too."""

    def __init__(self, app: ASGIApp, embed_frame_ancestors: str = "*") -> None:
        self.app = app
        self.embed_csp = EMBED_CSP.format(embed_frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, started = scope["path"], False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": self.headers(path, list(message.get("headers", [])))}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            if started:
                raise
            log.exception("gateway.unhandled_error", path=path)
            response = error_page(500, "Fehler", BROKEN)
            await response(scope, receive, sending)

    def headers(self, path: str, raw: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        names = {name.lower() for name, _ in raw}
        embeddable = is_embeddable(path)
        policy = self.embed_csp if embeddable else DOCS_CSP if path == DOCS_PATH else CSP
        extra = {
            b"content-security-policy": policy.encode(),
            b"x-content-type-options": b"nosniff",
            b"referrer-policy": b"same-origin",
        }
        if is_personal(path):
            extra[b"x-robots-tag"] = b"noindex, nofollow"
            extra[b"cache-control"] = b"no-store"
        if not embeddable:  # X-Frame-Options knows no list of sites: the CSP above decides for the embed
            extra[b"x-frame-options"] = b"DENY"
        return raw + [(name, value) for name, value in extra.items() if name not in names]


def is_one_click(scope: Scope, form: Any) -> bool:
    """RFC 8058 and nothing else: a POST to `/abmelden` whose URL holds the token and whose body is exactly
    `List-Unsubscribe=One-Click`. Such a POST can only ever unsubscribe the one address its token names, which whoever
    holds the token may do anyway; the route then takes the token from the URL only (web/joining.py)."""
    if scope["path"] != ONE_CLICK_PATH or scope["method"] != "POST":
        return False
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    fields = list(form.multi_items()) if hasattr(form, "multi_items") else []
    return len(query.get("token", [])) == 1 and fields == [("List-Unsubscribe", "One-Click")]


def _cookie(header: str, name: str) -> str | None:
    jar = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # noqa: BLE001 - a malformed Cookie header is as good as none
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, then: Receive | None) -> Receive:
    """The body read already, once; after it whatever the server says next (a disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive
