"""Who and what caused the work in progress: carried into every event it produces."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class MessageContext:
    correlation_id: str | None = None
    causation_id: str | None = None
    actor: str | None = None
    stream_sequence: int | None = None  # of the JetStream message being handled, if any


_current: ContextVar[MessageContext] = ContextVar("message_context", default=MessageContext())  # noqa: B039 - MessageContext is frozen


def current() -> MessageContext:
    return _current.get()


@contextmanager
def message_context(**values: str | int | None) -> Iterator[MessageContext]:
    token = _current.set(MessageContext(**values))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
