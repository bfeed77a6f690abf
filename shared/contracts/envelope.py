"""The envelope every event travels in, and the base classes of all wire contracts.

Readers are tolerant (`extra="ignore"`): a newer producer may add fields without
breaking an older consumer. A breaking change gets a new version, and so a new subject.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

SERVICES = ("registry", "notifications", "events", "gateway")


class Contract(BaseModel):
    """Base of every payload on the wire: tolerant reader, immutable once built."""

    # defer_build: a model's validator is built on first use, not when the module is imported (most processes and
    # tests use a few of the ~300 contracts; building all of them cost 0.4 s on every start)
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class EventPayload(Contract):
    """A versioned event payload; subclasses are registered with `@event(...)`."""

    subject: ClassVar[str]
    producer: ClassVar[str]
    version: ClassVar[int]
    type: ClassVar[str]


P = TypeVar("P", bound=Contract)


class Envelope(BaseModel, Generic[P]):
    """Metadata every event carries, wrapped around its payload."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int = Field(ge=1)
    occurred_at: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))
    producer: str
    correlation_id: str | None = None
    causation_id: str | None = None
    actor: str | None = None
    payload: P

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @classmethod
    def wrap(
        cls,
        payload: EventPayload,
        *,
        correlation_id: str | None = None,
        causation_id: str | None = None,
        actor: str | None = None,
        event_id: uuid.UUID | None = None,
    ) -> Envelope[Any]:
        """Put a payload into a fresh envelope; a new correlation id starts a new trail."""
        event_id = event_id or uuid.uuid4()
        return Envelope[type(payload)](  # type: ignore[misc]
            event_id=event_id,
            type=payload.type,
            version=payload.version,
            producer=payload.producer,
            correlation_id=correlation_id or str(event_id),
            causation_id=causation_id,
            actor=actor,
            payload=payload,
        )

    @property
    def subject(self) -> str:
        return f"{self.producer}.{self.type}.v{self.version}"


class ErrorDetail(Contract):
    """A typed error: a stable machine code and a German message for people."""

    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class Reply(BaseModel, Generic[P]):
    """Answer to a command or query: either `data` or a typed `error`."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    ok: bool
    data: P | None = None
    error: ErrorDetail | None = None

    @classmethod
    def success(cls, data: Contract) -> Reply[Any]:
        return Reply[type(data)](ok=True, data=data)  # type: ignore[misc]

    @classmethod
    def failure(cls, code: str, message: str, fields: dict[str, str] | None = None) -> Reply[Any]:
        return Reply[Contract](ok=False, error=ErrorDetail(code=code, message=message, fields=fields or {}))
