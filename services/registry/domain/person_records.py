"""Art. 15 GDPR: what the register holds about one address, as records a person can read — the coordination of a
regional group, an office's contact address, a counsellor's entry with trainings and qualification, a trained
person's qualification, a survey's recipient with the answer, and the changes the address made to offices.

Addresses are compared without regard to case, as the erasure compares them. Times and dates are ISO text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from services.registry.domain.campaigns import Recipient
from services.registry.domain.offices import Counsellor, Office
from services.registry.domain.qualifications import PersonQualification
from services.registry.domain.regions import RegionalGroup
from shared.privacy import UNTIL_ERASED, Record

WHILE_IN_ROLE = "Solange Sie diese Aufgabe haben; danach bis Sie die Löschung verlangen (Art. 17 DSGVO)."


@dataclass(frozen=True)
class Found:
    """What the register's tables hold that may be about the address (the service layer gathers it)."""

    groups: list[RegionalGroup]
    offices: list[Office]
    qualifications: list[PersonQualification]
    recipients: list[Recipient]
    changes: list[dict[str, Any]]  # office_history rows whose actor is the address: {office_id, at, data}


def _is(address: str, other: str | None) -> bool:
    return bool(other) and other.strip().casefold() == address.strip().casefold()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _group(group: RegionalGroup) -> Record:
    coordinator = group.coordinator
    return Record(
        "Koordination einer Regionalgruppe",
        {
            "regionalgruppe": group.name,
            "bundesland": group.state,
            "name": coordinator.name if coordinator else "",
            "adresse": coordinator.email if coordinator else "",
            "stand_der_gruppe": str(group.status),
        },
        "Die Regionalgruppe erreichbar machen; die Koordination moderiert den Verteiler der Gruppe und plant Aktionen.",
        WHILE_IN_ROLE,
    )


def _contact(office: Office) -> Record:
    return Record(
        "Kontaktadresse einer Beratungsstelle",
        {"beratungsstelle": office.name, "adresse": office.details.email, "ort": office.details.city},
        "Ratsuchenden zeigen, wie sie die Beratungsstelle erreichen (öffentliches Verzeichnis).",
        "Solange die Adresse die Kontaktadresse der Beratungsstelle ist; bis Sie die Löschung verlangen.",
    )


def _counsellor(office: Office, counsellor: Counsellor) -> Record:
    return Record(
        "Berater:in einer Beratungsstelle",
        {
            "beratungsstelle": office.name,
            "name": counsellor.name,
            "adresse": counsellor.email,
            "name_veroeffentlichen": counsellor.publish_name,
            "schulungen": [{"datum": t.on.isoformat(), "titel": t.title} for t in counsellor.trainings],
            "qualifiziert_fuer": counsellor.qualifies_for,
            "qualifiziert_bis": _plain(counsellor.qualified_until),
        },
        "Wissen, wer wo berät und wer geschult ist (Qualität der Beratung, Auffrischungen); der Name erscheint "
        "nur mit Ihrer Zustimmung im öffentlichen Verzeichnis.",
        WHILE_IN_ROLE,
    )


def _qualification(person: PersonQualification) -> Record:
    return Record(
        "Qualifikation aus einer Schulung",
        {
            "name": person.name,
            "adresse": person.email,
            "qualifiziert_fuer": person.qualifies_for,
            "qualifiziert_bis": person.until.isoformat(),
            "schulung": person.training.title,
            "schulung_am": person.training.on.isoformat(),
        },
        "Ihre Qualifikation festhalten, bis eine Beratungsstelle Sie als Berater:in einträgt.",
        "Bis eine Beratungsstelle Sie einträgt (dann steht sie dort) oder Sie die Löschung verlangen.",
    )


def _recipient(recipient: Recipient, campaigns: dict[str, str]) -> Record:
    answer = {k: _plain(v) for k, v in asdict(recipient.answer).items()} if recipient.answer else {}
    return Record(
        "Empfänger:in einer Erhebung",
        {
            "erhebung": campaigns.get(recipient.campaign_id, recipient.campaign_id),
            "name": recipient.name,
            "adresse": recipient.email,
            "buero": recipient.office_name,
            "ort": recipient.place,
            "eingeladen": _plain(recipient.invited_at),
            "erinnerungen": recipient.reminders,
            "stand_der_antwort": str(recipient.answer_status),
            "abgegeben": _plain(recipient.submitted_at),
            "pruefung": str(recipient.review_status),
            "antwort": answer,
        },
        "Die Erhebung über Beratungsangebote durchführen und ihre Antworten ins Register übernehmen.",
        UNTIL_ERASED,
    )


def _change(row: dict[str, Any], offices: dict[str, str]) -> Record:
    data = row.get("data") or {}
    return Record(
        "Änderung an einer Beratungsstelle durch Sie",
        {
            "zeit": _plain(row.get("at")),
            "beratungsstelle": offices.get(str(row.get("office_id")), str(row.get("office_id") or "")),
            "was": data.get("what", ""),
            "einzelheiten": list(data.get("details", [])),
            "grund": data.get("reason", ""),
        },
        "Nachvollziehen, wer wann was im Register geändert hat (Rechenschaftspflicht, Art. 5 Abs. 2 DSGVO).",
        UNTIL_ERASED,
    )


def records(address: str, found: Found, campaigns: dict[str, str] | None = None) -> list[Record]:
    """Every record about `address` in `found`; what is about someone else is left out."""
    shown = [_group(g) for g in found.groups if g.coordinator and _is(address, g.coordinator.email)]
    shown += [_contact(o) for o in found.offices if _is(address, o.details.email)]
    shown += [_counsellor(o, c) for o in found.offices for c in o.counsellors if _is(address, c.email)]
    shown += [_qualification(p) for p in found.qualifications if _is(address, p.email)]
    shown += [_recipient(r, campaigns or {}) for r in found.recipients if _is(address, r.email)]
    office_names = {o.id: o.name for o in found.offices}
    shown += [_change(row, office_names) for row in found.changes]
    return shown


def names(address: str, found: Found) -> list[str]:
    """The names the register keeps with the address (coordinator, counsellor, trained person, survey recipient)."""
    given = [g.coordinator.name for g in found.groups if g.coordinator and _is(address, g.coordinator.email)]
    given += [c.name for o in found.offices for c in o.counsellors if _is(address, c.email)]
    given += [p.name for p in found.qualifications if _is(address, p.email)]
    given += [r.name for r in found.recipients if _is(address, r.email)]
    return list(dict.fromkeys(n.strip() for n in given if n and n.strip()))
