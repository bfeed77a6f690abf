"""The coverage report: where the network has gaps the state office should close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.registry.domain.hours import ByAppointment
from services.registry.domain.offices import Office, OfficeStatus
from services.registry.domain.qualifications import WARNING_DAYS, holders
from services.registry.domain.regions import District
from services.registry.domain.validation import STATES
from shared.clock import german_date


class FindingKind(StrEnum):
    """What kind of gap a finding names; the values are the words on the wire."""

    UNCOVERED_DISTRICT = "kreis_ohne_stelle"
    UNSUPERVISED = "ohne_rdg_aufsicht"
    UNTRAINED = "ohne_schulung"
    REFRESHER_DUE = "schulung_veraltet"
    NO_FIXED_HOURS = "ohne_sprechzeiten"
    QUALIFICATION_ENDING = "qualifikation_laeuft_ab"
    NO_VALID_QUALIFICATION = "ohne_gueltige_qualifikation"


TITLES = {
    FindingKind.UNCOVERED_DISTRICT: "Kreisverbände/Bezirke ohne aktive Beratungsstelle",
    FindingKind.UNSUPERVISED: "Beratungsstellen ohne Anleitung durch eine:n Volljurist:in (RDG § 6)",
    FindingKind.UNTRAINED: "Beratungsstellen, deren Berater:innen keine Schulung haben",
    FindingKind.REFRESHER_DUE: "Beratungsstellen mit fälliger Auffrischungsschulung (älter als sechs Monate)",
    FindingKind.NO_FIXED_HOURS: "Beratungsstellen ohne feste Sprechzeiten",
    FindingKind.QUALIFICATION_ENDING: "Beratungsstellen, deren letzte gültige Qualifikation bald endet",
    FindingKind.NO_VALID_QUALIFICATION: "Beratungsstellen ohne gültige Qualifikation (abgelaufen)",
}


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    subject_id: str
    name: str
    detail: str


def coverage(
    districts: list[District], offices: list[Office], today: date, warning_days: int = WARNING_DAYS
) -> list[Finding]:
    running = [o for o in offices if o.status in (OfficeStatus.ACTIVE, OfficeStatus.PAUSED)]
    covered = {o.details.district_id for o in offices if o.status == OfficeStatus.ACTIVE}
    findings = [
        Finding(FindingKind.UNCOVERED_DISTRICT, d.id, d.name, STATES.get(d.state, d.state))
        for d in sorted(districts, key=lambda d: d.name)
        if d.id not in covered
    ]
    for office in sorted(running, key=lambda o: o.name):
        findings.extend(_office_findings(office, today))
    return findings + at_risk(offices, today, warning_days)


def at_risk(offices: list[Office], today: date, warning_days: int = WARNING_DAYS) -> list[Finding]:
    """Active offices whose latest qualification ends within the warning period, or has ended."""
    found = []
    for office in sorted((o for o in offices if o.status == OfficeStatus.ACTIVE), key=lambda o: o.name):
        latest, names = holders(office)
        if latest is None or latest > today + timedelta(days=warning_days):
            continue
        who = " und ".join(names)
        if latest < today:
            detail = f"Qualifikation von {who} endete am {german_date(latest)}"
            found.append(Finding(FindingKind.NO_VALID_QUALIFICATION, office.id, office.name, detail))
        else:
            detail = f"Qualifikation von {who} endet am {german_date(latest)}"
            found.append(Finding(FindingKind.QUALIFICATION_ENDING, office.id, office.name, detail))
    return found


def _office_findings(office: Office, today: date) -> list[Finding]:
    found = []
    supervision = office.supervision
    if supervision is None or not supervision.qualification_confirmed:
        why = (
            "keine Anleitung eingetragen"
            if supervision is None
            else f"Befähigung von {supervision.lawyer_name} nicht bestätigt"
        )
        found.append(Finding(FindingKind.UNSUPERVISED, office.id, office.name, why))
    untrained = [c.name for c in office.counsellors if c.last_trained is None]
    if not office.counsellors or untrained:
        found.append(
            Finding(
                FindingKind.UNTRAINED, office.id, office.name, ", ".join(untrained) or "keine Berater:innen eingetragen"
            )
        )
    stale = [c for c in office.counsellors if c.last_trained and c.refresher_due(today)]
    if stale:
        detail = ", ".join(f"{c.name} (zuletzt {c.last_trained:%d.%m.%Y})" for c in stale)
        found.append(Finding(FindingKind.REFRESHER_DUE, office.id, office.name, detail))
    if not [h for h in office.details.hours if not isinstance(h, ByAppointment)]:
        found.append(
            Finding(
                FindingKind.NO_FIXED_HOURS,
                office.id,
                office.name,
                "nur nach Vereinbarung" if office.details.hours else "keine",
            )
        )
    return found


def as_text(findings: list[Finding], today: date) -> str:
    lines = [f"Abdeckungsbericht vom {today:%d.%m.%Y}", ""]
    for kind, title in TITLES.items():
        rows = [f for f in findings if f.kind == kind]
        lines.append(f"{title}: {len(rows) or 'keine'}")
        lines.extend(f"  - {f.name}: {f.detail}" if f.detail else f"  - {f.name}" for f in rows)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
