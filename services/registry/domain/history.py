"""An office's history in plain German: one line per change, with what changed from what to what.

Built from the office's events when they are committed; e-mail addresses are not written into the history
(an erasure removes them from the office, and the history should not keep them)."""

from __future__ import annotations

from dataclasses import dataclass

from services.registry.domain.areas import area_label
from services.registry.domain.offices import (
    OPERATOR_KINDS,
    CounsellorAdded,
    CounsellorRemoved,
    CounsellorTrained,
    Office,
    OfficeClosed,
    OfficeDetails,
    OfficePaused,
    OfficeReactivated,
    OfficeRegistered,
    OfficeUpdated,
    SupervisionChanged,
)
from shared.clock import german_date

LABELS = {
    "name": "Name",
    "operator_kind": "Art des Trägers",
    "operator_name": "Träger",
    "street": "Straße und Hausnummer",
    "postcode": "Postleitzahl",
    "city": "Ort",
    "access_notes": "Wegbeschreibung und Barrierefreiheit",
    "phone": "Telefon",
    "email": "E-Mail",
    "web": "Website",
    "hours": "Sprechzeiten",
    "areas": "Beratungsbereiche",
    "languages": "Sprachen",
    "district_id": "Kreisverband / Bezirk",
}
UNSHOWN = {"email", "district_id"}  # said to have changed, without the values


@dataclass(frozen=True)
class HistoryLine:
    office_id: str
    what: str
    details: tuple[str, ...] = ()
    reason: str = ""


def _value(name: str, details: OfficeDetails) -> str:
    value = getattr(details, name)
    if name == "hours":
        return "; ".join(h.describe() for h in value) or "keine"
    if name == "areas":
        return ", ".join(area_label(a) for a in value) or "keine"
    if name == "languages":
        return ", ".join(value) or "keine"
    if name == "operator_kind":
        return OPERATOR_KINDS.get(value, str(value))
    return str(value) if value else "leer"


def _changes(before: OfficeDetails | None, after: OfficeDetails, changed: tuple[str, ...]) -> tuple[str, ...]:
    lines = []
    for name in changed:
        label = LABELS.get(name, name)
        if name in UNSHOWN or before is None:
            lines.append(f"{label} geändert")
        else:
            lines.append(f"{label}: {_value(name, before)} → {_value(name, after)}")
    return tuple(lines)


def _supervision(office: Office) -> str:
    s = office.supervision
    if s is None:
        return "Anleitung nach § 6 RDG entfernt"
    confirmed = "Befähigung bestätigt" if s.qualification_confirmed else "Befähigung noch nicht bestätigt"
    return f"Anleitung nach § 6 RDG: {s.lawyer_name}, seit {german_date(s.since)}, {confirmed}"


def _counsellor_name(office: Office, counsellor_id: str, before: Office | None) -> str:
    for source in (office, before):
        for c in source.counsellors if source else ():
            if c.id == counsellor_id:
                return c.name
    return "unbekannt"


def describe(event: object, before: Office | None) -> HistoryLine | None:
    """The history line for an office event; `before` is the office as it was when the transaction began."""
    office: Office | None = getattr(event, "office", None)
    if office is None:
        return None
    line = lambda what, details=(), reason="": HistoryLine(office.id, what, tuple(details), reason)  # noqa: E731
    match event:
        case OfficeRegistered():
            return line("Beratungsstelle eingetragen")
        case OfficeUpdated(changed=changed):
            return line("Angaben geändert", _changes(before.details if before else None, office.details, changed))
        case OfficePaused(reason=reason):
            return line("Beratungsstelle pausiert", reason=reason)
        case OfficeReactivated(reason=reason):
            return line("Beratungsstelle wieder aktiv", reason=reason)
        case OfficeClosed(reason=reason):
            return line("Beratungsstelle geschlossen", reason=reason)
        case SupervisionChanged():
            return line(_supervision(office))
        case CounsellorAdded(counsellor_id=cid):
            return line(f"Berater:in hinzugefügt: {_counsellor_name(office, cid, before)}")
        case CounsellorRemoved(counsellor_id=cid):
            return line(f"Berater:in entfernt: {_counsellor_name(office, cid, before)}")
        case CounsellorTrained(counsellor_id=cid, training=training):
            name = _counsellor_name(office, cid, before)
            return line(f"Schulung eingetragen für {name}: {training.title} am {german_date(training.on)}")
    return None
