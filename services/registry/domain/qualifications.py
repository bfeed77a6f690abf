"""Qualifications from attended trainings: who is qualified for what until when, and who should hear about it.

Action planning owns the trainings and computes a qualification's end (calendar months); the register keeps the
dates, per counsellor, or per person while the person counsels at no office of the register yet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from services.registry.domain.offices import Counsellor, Office, OfficeStatus, Training
from shared.clock import german_date

WARNING_DAYS = 42  # a qualification ending within this many days is announced and shows as "läuft ab"


class QualificationStatus(StrEnum):
    """The values are the words on the wire."""

    VALID = "gueltig"
    ENDING = "laeuft_ab"
    LAPSED = "abgelaufen"


def status(until: date, today: date, warning_days: int = WARNING_DAYS) -> QualificationStatus:
    if until < today:
        return QualificationStatus.LAPSED
    if until <= today + timedelta(days=warning_days):
        return QualificationStatus.ENDING
    return QualificationStatus.VALID


@dataclass(frozen=True)
class AttendTraining:
    """Someone attended a training (action planning's event, translated at the edge)."""

    event: object  # the envelope, claimed in the inbox with the effect
    training: Training
    name: str
    email: str = ""
    qualifies_for: str = ""
    until: date | None = None
    counsellor_id: str | None = None
    office_id: str | None = None


@dataclass(frozen=True)
class PersonQualification:
    """A trained person who counsels at no office of the register (yet); carried over when one adds them."""

    email: str
    name: str
    qualifies_for: str
    until: date
    training: Training

    @property
    def id(self) -> str:
        return key_of(self.email)

    def renewed(self, name: str, training: Training, qualifies_for: str, until: date) -> PersonQualification:
        """Only ever forward: an older training's end never shortens a qualification."""
        if until <= self.until:
            return replace(self, name=name)
        return replace(self, name=name, qualifies_for=qualifies_for, until=until, training=training)

    def as_counsellor(self, counsellor: Counsellor) -> Counsellor:
        return counsellor.trained(self.training, self.qualifies_for, self.until)


def key_of(email: str) -> str:
    return email.strip().casefold()


@dataclass(frozen=True)
class Qualification:
    """One row of the overview: a counsellor's or a person's qualification."""

    name: str
    email: str
    qualifies_for: str
    until: date
    status: QualificationStatus
    office_id: str | None = None
    office_name: str = ""
    counsellor_id: str | None = None
    last_training: Training | None = None


def overview(
    offices: list[Office],
    people: list[PersonQualification],
    today: date,
    warning_days: int = WARNING_DAYS,
    within_days: int | None = None,
) -> list[Qualification]:
    """Every qualification, those ending first; `within_days`: only those ending within that many days (or ended)."""
    rows = [
        Qualification(
            c.name,
            c.email,
            c.qualifies_for,
            c.qualified_until,
            status(c.qualified_until, today, warning_days),
            o.id,
            o.name,
            c.id,
            max(c.trainings, key=lambda t: t.on, default=None),
        )
        for o in offices
        if o.status != OfficeStatus.CLOSED
        for c in o.counsellors
        if c.qualified_until
    ]
    rows += [
        Qualification(
            p.name, p.email, p.qualifies_for, p.until, status(p.until, today, warning_days), None, "", None, p.training
        )
        for p in people
    ]
    if within_days is not None:
        rows = [r for r in rows if r.until <= today + timedelta(days=within_days)]
    return sorted(rows, key=lambda r: (r.until, r.name, r.office_name))


def holders(office: Office) -> tuple[date | None, list[str]]:
    """The latest qualification's end among an office's counsellors, and who holds it."""
    latest = office.qualified_until
    return latest, [c.name for c in office.counsellors if latest and c.qualified_until == latest]


# --- what the periodic check announces -------------------------------------------------------------


@dataclass(frozen=True)
class QualificationExpiring:
    name: str
    email: str
    qualifies_for: str
    until: date
    counsellor_id: str | None = None
    office_id: str | None = None
    office_name: str = ""


@dataclass(frozen=True)
class OfficeMailRequested:
    to: str
    to_name: str
    kind: str
    subject: str
    text: str
    reference: str = ""


def expiring(rows: list[Qualification], today: date, warning_days: int = WARNING_DAYS) -> list[QualificationExpiring]:
    """Qualifications ending within the warning period (not yet ended) of people with an address to write to."""
    return [
        QualificationExpiring(r.name, r.email, r.qualifies_for, r.until, r.counsellor_id, r.office_id, r.office_name)
        for r in rows
        if r.email and today <= r.until <= today + timedelta(days=warning_days)
    ]


def notice_key(item: QualificationExpiring) -> str:
    """Once per person and end; the person by their address's key (not stored as such) or their counsellor id."""
    who = hashlib.sha256(key_of(item.email).encode()).hexdigest()[:32] if item.email else item.counsellor_id
    return f"qualifikation-endet:{who}:{item.until.isoformat()}"


def lapsed(offices: list[Office], today: date) -> list[tuple[Office, date]]:
    """Active offices whose counsellors had a qualification and none holds a valid one today."""
    return [
        (o, o.qualified_until)
        for o in offices
        if o.status == OfficeStatus.ACTIVE and o.qualified_until and o.qualified_until < today
    ]


def lapse_key(office: Office, latest: date) -> str:
    return f"stelle-ohne-qualifikation:{office.id}:{latest.isoformat()}"


def lapse_mail(office: Office) -> OfficeMailRequested:
    latest, names = holders(office)
    who = " und ".join(names)
    text = (
        "Guten Tag,\n\n"
        f"in der Beratungsstelle „{office.name}“ hat keine Berater:in mehr eine gültige Qualifikation für die "
        f"Erstberatung: die Qualifikation von {who} endete am {german_date(latest)}.\n\n"
        "Eine Auffrischung oder eine neue Multiplikator:innenschulung macht die Beratung wieder möglich. "
        "Die nächsten Schulungstermine nennt Ihnen die Landesgeschäftsstelle gern auf Anfrage.\n\n"
        "Mit freundlichen Grüßen\nIhr Beratungsnetz\n"
    )
    return OfficeMailRequested(
        office.details.email,
        office.name,
        "stelle_ohne_qualifikation",
        f"Keine gültige Qualifikation mehr in „{office.name}“",
        text,
        office.id,
    )
