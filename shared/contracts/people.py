"""Art. 15 GDPR across services: every service answers the same question — what do you hold about this address? —
in the same shape, under its own subject (`<service>.query.person_records`, declared by each producer).

A record says what it is (`kind`), what is stored (`data`, German keys, as stored: ISO times, plain values), why
(`purpose`) and how long it is kept (`retention`), all in German: the gateway shows them as they come.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import Field

from shared.contracts.envelope import Contract
from shared.contracts.text import Email, SingleLine

Names = Annotated[list[Annotated[SingleLine, Field(max_length=200)]], Field(max_length=50)]


class PersonQuery(Contract):
    """The address, and the names the person goes by elsewhere (display names, coordinator or counsellor names):
    a work plan's V names people by name only, as the reminders find them."""

    address: Email
    names: Names = []


class PersonRecord(Contract):
    kind: str  # "Mitgliedschaft in einem Verteiler", "Koordination einer Regionalgruppe", …
    data: dict[str, Any]  # German keys
    purpose: str  # Zweck
    retention: str  # Aufbewahrung


class PersonRecords(Contract):
    service: str  # the German name of the service ("Verteilerdienst")
    address: str = ""  # the address asked about (for the member's own link: the address the link proves)
    records: list[PersonRecord] = []
    names: list[str] = []  # names stored with the address here (for the services that know people by name)

    @classmethod
    def of(cls, service: str, address: str, found: Iterable[Any], names: Iterable[str] = ()) -> PersonRecords:
        """From a service's own records (anything with kind, data, purpose and retention)."""
        records = [PersonRecord(kind=r.kind, data=r.data, purpose=r.purpose, retention=r.retention) for r in found]
        return cls(service=service, address=address, records=records, names=list(names))
