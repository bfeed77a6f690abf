"""The public directory: only what may be published (a counsellor's name only with consent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.registry.domain.areas import area_label
from services.registry.domain.hours import Hours
from services.registry.domain.offices import OPERATOR_KINDS, Office, OfficeStatus
from services.registry.domain.regions import District
from services.registry.domain.validation import STATES

PUBLIC_STATUSES = (OfficeStatus.ACTIVE, OfficeStatus.PAUSED)


@dataclass(frozen=True)
class PublicOffice:
    id: str
    name: str
    operator: str
    operator_kind: str
    street: str
    postcode: str
    city: str
    access_notes: str
    phone: str
    email: str
    web: str
    hours: tuple[Hours, ...]
    areas: tuple[str, ...]  # German labels
    languages: tuple[str, ...]
    counsellors: tuple[str, ...]  # names of those who consented
    paused: bool
    supervised: bool
    supervised_since: date | None
    trained_counsellors: int
    last_training: date | None
    district: str
    state: str  # Bundesland, written out

    @property
    def hours_text(self) -> tuple[str, ...]:
        return tuple(h.describe() for h in self.hours)


def public_office(office: Office, district: District | None = None) -> PublicOffice:
    d, s = office.details, office.supervision
    trained = [c.last_trained for c in office.counsellors if c.last_trained]
    return PublicOffice(
        id=office.id,
        name=d.name,
        operator=d.operator_name,
        operator_kind=OPERATOR_KINDS.get(d.operator_kind, ""),
        street=d.street,
        postcode=d.postcode,
        city=d.city,
        access_notes=d.access_notes,
        phone=d.phone,
        email=d.email,
        web=d.web,
        hours=d.hours,
        areas=tuple(area_label(a) for a in d.areas),
        languages=d.languages,
        counsellors=tuple(c.name for c in office.counsellors if c.publish_name),
        paused=office.status == OfficeStatus.PAUSED,
        supervised=bool(s and s.qualification_confirmed),
        supervised_since=s.since if s and s.qualification_confirmed else None,
        trained_counsellors=len(trained),
        last_training=max(trained, default=None),
        district=district.name if district else "",
        state=STATES.get(district.state, "") if district else "",
    )


def directory(offices: list[Office], districts: dict[str, District]) -> list[PublicOffice]:
    public = sorted((o for o in offices if o.status in PUBLIC_STATUSES), key=lambda o: (o.details.city, o.name))
    return [public_office(o, districts.get(o.details.district_id or "")) for o in public]
