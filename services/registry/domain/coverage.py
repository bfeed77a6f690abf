"""The coverage report: where the network has gaps the state office should close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.registry.domain.hours import ByAppointment
from services.registry.domain.offices import Office
from services.registry.domain.regions import District
from services.registry.domain.validation import STATES

TITLES = {
    "kreis_ohne_stelle": "Kreisverbände/Bezirke ohne aktive Beratungsstelle",
    "ohne_rdg_aufsicht": "Beratungsstellen ohne Anleitung durch eine:n Volljurist:in (RDG § 6)",
    "ohne_schulung": "Beratungsstellen, deren Berater:innen keine Schulung haben",
    "schulung_veraltet": "Beratungsstellen mit fälliger Auffrischungsschulung (älter als sechs Monate)",
    "ohne_sprechzeiten": "Beratungsstellen ohne feste Sprechzeiten",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    subject_id: str
    name: str
    detail: str


def coverage(districts: list[District], offices: list[Office], today: date) -> list[Finding]:
    running = [o for o in offices if o.status in ("aktiv", "pausiert")]
    covered = {o.details.district_id for o in offices if o.status == "aktiv"}
    findings = [
        Finding("kreis_ohne_stelle", d.id, d.name, STATES.get(d.state, d.state))
        for d in sorted(districts, key=lambda d: d.name)
        if d.id not in covered
    ]
    for office in sorted(running, key=lambda o: o.name):
        findings.extend(_office_findings(office, today))
    return findings


def _office_findings(office: Office, today: date) -> list[Finding]:
    found = []
    supervision = office.supervision
    if supervision is None or not supervision.qualification_confirmed:
        why = (
            "keine Anleitung eingetragen"
            if supervision is None
            else f"Befähigung von {supervision.lawyer_name} nicht bestätigt"
        )
        found.append(Finding("ohne_rdg_aufsicht", office.id, office.name, why))
    untrained = [c.name for c in office.counsellors if c.last_trained is None]
    if not office.counsellors or untrained:
        found.append(
            Finding("ohne_schulung", office.id, office.name, ", ".join(untrained) or "keine Berater:innen eingetragen")
        )
    stale = [c for c in office.counsellors if c.last_trained and c.refresher_due(today)]
    if stale:
        detail = ", ".join(f"{c.name} (zuletzt {c.last_trained:%d.%m.%Y})" for c in stale)
        found.append(Finding("schulung_veraltet", office.id, office.name, detail))
    if not [h for h in office.details.hours if not isinstance(h, ByAppointment)]:
        found.append(
            Finding(
                "ohne_sprechzeiten",
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
