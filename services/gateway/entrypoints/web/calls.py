"""Asking a service from a web page: the answer's data, or a PageError that becomes a German page."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from fastapi import Request
from pydantic import ValidationError

from services.gateway.domain import read_policy
from services.gateway.domain.read_policy import Reader
from services.gateway.entrypoints.web.context import web_of
from services.gateway.service_layer import reads
from shared.contracts.german import field_messages
from shared.messaging.rpc import RequestTooLarge, ServiceUnavailable

STATUS = {
    "link_ungueltig": 400,
    "ungueltige_anfrage": 422,
    "ungueltige_eingabe": 422,
    "nicht_gefunden": 404,
    "zu_viele_anfragen": 429,
    "konflikt": 409,
    "nicht_erlaubt": 403,
    "antwort_zu_gross": 502,
    "speicher_fehler": 503,
}


class PageError(Exception):
    """A refusal to show as a page; `fields` (field -> German message) lets a form show them at its fields."""

    def __init__(
        self, status: int, message: str, code: str = "", fields: dict[str, str] | None = None, retry_after: int = 0
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.fields, self.retry_after = (
            status,
            message,
            code,
            fields or {},
            retry_after,
        )


async def ask(request: Request, spec: Any, payload: Any | dict, actor: str | None = None) -> Any:
    """`payload` may be the request contract or a dict of its fields (validated here: a 422 PageError if wrong).
    The answer is what the page's reader may read of it (domain/read_policy.py)."""
    if isinstance(payload, dict):
        payload = _validated(spec, payload)
    data = await _once(request, spec, payload, actor)
    return await reads.visible(reader(request), spec, payload, data, lambda s, p: _once(request, s, p, actor))


def _once(request: Request, spec: Any, payload: Any, actor: str | None) -> Awaitable[Any]:
    """The whole answer; a question a page that only reads (GET) asks twice goes out once. The board's "Lage"
    reads the offices itself and again for the read policy of the coverage and of the qualifications, concurrently."""
    if request.method != "GET" or ".query." not in spec.subject:
        return _full(request, spec, payload, actor)
    asked: dict[tuple, asyncio.Future] | None = getattr(request.state, "asked", None)
    if asked is None:
        asked = request.state.asked = {}
    key = (spec.subject, payload.model_dump_json(), actor)
    if key not in asked:
        asked[key] = asyncio.ensure_future(_full(request, spec, payload, actor))
    return asked[key]


def _validated(spec: Any, payload: dict) -> Any:
    try:
        return spec.request(**payload)
    except ValidationError as exc:
        fields = field_messages(exc.errors())
        raise PageError(422, "Die Angaben sind ungültig.", "ungueltige_eingabe", fields) from exc


async def _full(request: Request, spec: Any, payload: Any, actor: str | None) -> Any:
    """The service's whole answer (before the read policy)."""
    client = web_of(request).client
    try:
        reply = await client.ask(spec, payload, actor=actor)
    except ValidationError as exc:
        fields = field_messages(exc.errors())
        raise PageError(422, "Die Angaben sind ungültig.", "ungueltige_eingabe", fields) from exc
    except ServiceUnavailable as exc:
        raise PageError(
            503, "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.", retry_after=5
        ) from exc
    except RequestTooLarge as exc:
        raise PageError(413, exc.message) from exc
    if not reply.ok:
        error = reply.error
        raise PageError(STATUS.get(error.code, 400), error.message, error.code, dict(error.fields or {}))
    return reply.data


def reader(request: Request) -> Reader:
    """Who reads this page (domain/read_policy.py); nobody signed in reads as the public."""
    viewer = getattr(request.state, "viewer", None)
    if viewer is None:
        return Reader("public")
    return read_policy.for_viewer(viewer.admin, viewer.board, viewer.coordinates)
