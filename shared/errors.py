"""Error types that cross layers. Pure Python, so a service's domain may raise them."""

from __future__ import annotations


class DomainError(Exception):
    """A rule was broken; `message` is German and shown to people, `code` is stable."""

    code = "regelverletzung"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.fields = fields or {}


class NotFound(DomainError):
    code = "nicht_gefunden"


class PermanentFailure(Exception):
    """A message that can never be processed: it goes to the dead-letter subject at once."""
