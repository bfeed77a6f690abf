"""Request body limits per route, enforced before a byte of the body is read and before the token
is looked at: a declared Content-Length over the limit is refused at once; a chunked body is
counted while it streams and refused as soon as it passes the limit."""

from __future__ import annotations

import json
from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KB, MB = 1024, 1024 * 1024
# (path prefix, bytes): the first prefix that matches decides. Imports carry whole files; forms a few fields.
LIMITS: tuple[tuple[str, int], ...] = (
    ("/api/v1/beratungsstellen/import", 4 * MB),
    ("/api/v1/arbeitsplan/import", 4 * MB),
    ("/api/v1/", 256 * KB),
    ("/arbeitsplan/import", 600 * KB),  # a work plan pasted or uploaded (256 KB of text; a form may carry it twice)
    ("/register/import", 4 * MB + 64 * KB),  # an office list (.xlsx or .csv, at most 4 MB) in a multipart form
)
DEFAULT_LIMIT = 16 * KB  # public forms (subscribe, confirm, unsubscribe) and everything else


def limit_for(path: str, limits: Sequence[tuple[str, int]] = LIMITS) -> int:
    return next((size for prefix, size in limits if path.startswith(prefix)), DEFAULT_LIMIT)


def refusal(limit: int) -> dict[str, object]:
    return {
        "fehler": f"Die Anfrage ist zu groß (höchstens {limit / KB:.0f} KB für diese Adresse).",
        "code": "anfrage_zu_gross",
        "felder": {},
    }


class BodyTooLarge(HTTPException):
    """Raised from `receive` while the app reads the body; the app's handler answers 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, detail=refusal(limit))


class BodyLimit:
    def __init__(self, app: ASGIApp, limits: Sequence[tuple[str, int]] = LIMITS) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"], self.limits)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            await _refuse(send, limit, scope["path"])  # nothing of the body has been read
            return
        received, started = 0, False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit, scope["path"])


async def _refuse(send: Send, limit: int, path: str) -> None:
    """JSON for the API, a small German page for the public forms people fill in."""
    message = refusal(limit)
    if path.startswith("/api/"):
        body, media = json.dumps(message, ensure_ascii=False).encode(), b"application/json"
    else:
        body, media = (
            (
                f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Zu groß</title></head>'
                f"<body><main><h1>Zu groß</h1><p>{message['fehler']}</p></main></body></html>"
            ).encode(),
            b"text/html; charset=utf-8",
        )
    headers = [(b"content-type", media), (b"content-length", str(len(body)).encode()), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
