"""Asking a service from a page: the answer's data, or `Refused` with a German message and the HTTP status."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

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
}
UNAVAILABLE = "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es gleich noch einmal."


class Refused(Exception):
    """The service said no (or did not answer): what to tell the person, and with which status."""

    def __init__(self, code: str, message: str, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.headers = code, message, status, headers or {}


async def ask(client: Any, spec: Any, values: dict[str, Any]) -> Any:
    """The reply's data; ValidationError if `values` do not fit the contract (the caller shows it at the field)."""
    payload = spec.request(**values)
    try:
        reply = await client.ask(spec, payload)
    except ServiceUnavailable:
        raise Refused("nicht_erreichbar", UNAVAILABLE, 503, {"Retry-After": "5"}) from None
    except RequestTooLarge as exc:
        raise Refused("zu_gross", exc.message, 413) from None
    if not reply.ok:
        raise Refused(reply.error.code, reply.error.message, STATUS.get(reply.error.code, 400))
    return reply.data


def field_errors(invalid: ValidationError) -> dict[str, str]:
    """German messages by contract field name."""
    return field_messages(invalid.errors())
