"""The one place where every subject is tied to its contract.

Producers declare their subjects with `event`, `query` and `command`; the catalogue
refuses a subject declared twice, so a schema cannot be written a second time by a
consumer. `tests/unit/test_contracts.py` checks that no code uses a subject the
catalogue does not know.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from shared.contracts.envelope import SERVICES, Contract, EventPayload

_NAME = r"[a-z][a-z0-9_]*"
_SERVICE = "(?:" + "|".join(SERVICES) + ")"
EVENT_SUBJECT = re.compile(rf"^{_SERVICE}\.{_NAME}\.{_NAME}\.v[1-9][0-9]*$")
REQUEST_SUBJECT = re.compile(rf"^{_SERVICE}\.(?:cmd|query)\.{_NAME}$")


class ContractError(ValueError):
    """A subject or contract that breaks the naming scheme or is declared twice."""


@dataclass(frozen=True)
class EventSpec:
    subject: str
    producer: str
    payload: type[EventPayload]


@dataclass(frozen=True)
class RequestSpec:
    subject: str
    producer: str
    request: type[Contract]
    reply: type[Contract]


@dataclass(frozen=True)
class DeadLetterSpec:
    """Dead letters carry the original message unchanged; their contract is the headers."""

    subject: str  # a wildcard: deadletter.<consumer>.>
    producer: str

    def matches(self, subject: str) -> bool:
        return subject.startswith(self.subject[:-1])


Spec = EventSpec | RequestSpec | DeadLetterSpec


class Catalogue:
    def __init__(self) -> None:
        self._specs: dict[str, Spec] = {}

    def add(self, spec: Spec) -> None:
        if spec.subject in self._specs:
            raise ContractError(f"Subject {spec.subject!r} ist bereits vergeben")
        self._specs[spec.subject] = spec

    def specs(self) -> list[Spec]:
        return list(self._specs.values())

    def lookup(self, subject: str) -> list[Spec]:
        """Every spec that covers `subject` (exactly one, if the contracts are sound)."""
        return [
            s
            for s in self._specs.values()
            if s.subject == subject or (isinstance(s, DeadLetterSpec) and s.matches(subject))
        ]


CATALOGUE = Catalogue()

E = TypeVar("E", bound=type[EventPayload])


def event(producer: str, aggregate: str, name: str, version: int) -> Callable[[E], E]:
    """Class decorator: declare `<producer>.<aggregate>.<name>.v<version>` with this payload."""

    def register(cls: E) -> E:
        subject = f"{producer}.{aggregate}.{name}.v{version}"
        if not EVENT_SUBJECT.match(subject):
            raise ContractError(f"Ungültiges Event-Subject {subject!r}")
        cls.subject, cls.producer, cls.version = subject, producer, version
        cls.type = f"{aggregate}.{name}"
        CATALOGUE.add(EventSpec(subject, producer, cls))
        return cls

    return register


def _request(producer: str, kind: str, name: str, request: type[Contract], reply: type[Contract]) -> RequestSpec:
    subject = f"{producer}.{kind}.{name}"
    if not REQUEST_SUBJECT.match(subject):
        raise ContractError(f"Ungültiges Subject {subject!r}")
    spec = RequestSpec(subject, producer, request, reply)
    CATALOGUE.add(spec)
    return spec


def query(producer: str, noun: str, request: type[Contract], reply: type[Contract]) -> RequestSpec:
    return _request(producer, "query", noun, request, reply)


def command(producer: str, verb: str, request: type[Contract], reply: type[Contract]) -> RequestSpec:
    return _request(producer, "cmd", verb, request, reply)


def dead_letters(consumer: str) -> DeadLetterSpec:
    spec = DeadLetterSpec(f"deadletter.{consumer}.>", consumer)
    CATALOGUE.add(spec)
    return spec
