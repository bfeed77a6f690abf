"""Art. 15 GDPR across all services: the gateway's own records about an address, and the whole export as one
answer — every service's records, and which service did not answer (then the export says it is incomplete).

The services send their records with German keys and plain values (ISO times); here they become JSON with German
keys throughout, and text for the page and the command line (times in Berlin, yes/no, lists joined).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from shared.clock import german_date, german_datetime
from shared.privacy import UNTIL_ERASED, Record

SERVICES = {  # producer -> German name, in the order the export shows them
    "notifications": "Verteilerdienst",
    "registry": "Register",
    "events": "Aktionsplanung",
    "gateway": "Webzugang und API",
}
LABELS = {  # German keys whose words need an umlaut or a hyphen to read well
    "bestaetigt": "bestätigt",
    "fassung_einwilligungstext": "Fassung des Einwilligungstextes",
    "ip_adresse": "IP-Adresse",
    "empfaenger": "Empfänger:in",
    "empfaenger_anzahl": "Zahl der Empfänger:innen",
    "qualifiziert_fuer": "qualifiziert für",
    "ausrichtende_gruppe": "ausrichtende Gruppe",
    "gefunden_ueber_namen": "gefunden über den Namen",
    "gefunden_ueber": "gefunden über",
    "buero": "Büro",
    "pruefung": "Prüfung",
    "name_veroeffentlichen": "Name veröffentlichen",
    "stand_der_gruppe": "Stand der Gruppe",
    "stand_der_antwort": "Stand der Antwort",
    "schulung_am": "Schulung am",
    "zurueckgestellt": "zurückgestellt",
    "verfasst_von": "verfasst von",
    "genannt_als": "genannt als",
    "adresse": "E-Mail-Adresse",
    "neue_adresse": "neue E-Mail-Adresse",
    "rolle_im_web": "Rolle im Web",
    "vergeben_von": "vergeben von",
    "letzter_zugriff": "letzter Zugriff",
    "gueltig": "gültig",
    "zurueck_zu": "weiter zu",
}


VERBATIM = {"fassung_einwilligungstext", "kennung", "vorgang", "anfrage"}  # identifiers, even when they look like dates


@dataclass(frozen=True)
class Part:
    """One service's share: its records, or why there are none (it did not answer)."""

    service: str  # German name
    records: list[Record] = field(default_factory=list)
    problem: str = ""  # "" when the service answered

    @property
    def answered(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class PersonExport:
    address: str
    made_at: datetime
    parts: list[Part]

    @property
    def complete(self) -> bool:
        return all(p.answered for p in self.parts)

    @property
    def problems(self) -> list[str]:
        return [p.problem for p in self.parts if p.problem]


def not_answering(service: str) -> str:
    return f"Der Dienst „{service}“ antwortet gerade nicht; die Auskunft ist unvollständig."


# --- the gateway's own records ------------------------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value else None


def gateway_records(address: str, tokens: list[Any], sessions: list[dict], sign_ins: list[dict], grants: list[Any]):  # noqa: ANN201
    """API tokens acting as the address, web sessions, sign-in links and web roles (granted to or by it).
    Secrets are never shown: the tables hold only their hashes."""
    mine = address.strip().lower()
    shown = [
        Record(
            "API-Token",
            {
                "name": t.name,
                "rolle": t.role,
                "bereich": t.scope or "",
                "adresse": t.address,
                "angelegt": _iso(t.created_at),
                "widerrufen": _iso(t.revoked_at),
            },
            "Anfragen an die Programmierschnittstelle (API) Ihnen zuordnen und Ihre Berechtigung prüfen.",
            "Bis das Token widerrufen ist; danach bis Sie die Löschung verlangen (Art. 17 DSGVO).",
        )
        for t in tokens
    ]
    shown += [
        Record(
            "Anmeldung im Web (Sitzung)",
            {
                "kennung": s["id"],
                "beginn": _iso(s["started_at"]),
                "letzter_zugriff": _iso(s["last_seen"]),
                "beendet": _iso(s["ended_at"]),
            },
            "Sie angemeldet halten, bis Sie sich abmelden oder die Sitzung abläuft.",
            UNTIL_ERASED,
        )
        for s in sessions
    ]
    shown += [
        Record(
            "Anmeldelink",
            {"angefordert": _iso(s["created_at"]), "benutzt": _iso(s["spent_at"]), "zurueck_zu": s["next_path"]},
            "Sie per Link ohne Passwort anmelden.",
            "Einen Tag nach dem Anfordern gelöscht (beim nächsten angeforderten Link).",
        )
        for s in sign_ins
    ]
    shown += [
        Record(
            "Rolle im Web" if g.address == mine else "Von Ihnen vergebene Rolle im Web",
            {"adresse": g.address, "rolle_im_web": g.role, "vergeben_von": g.granted_by, "seit": _iso(g.granted_at)},
            "Festhalten, wer im Web welche Rolle hat und wer sie vergeben hat.",
            "Solange die Rolle besteht; danach bis Sie die Löschung verlangen (Art. 17 DSGVO).",
        )
        for g in grants
    ]
    return shown


# --- the export as JSON and as text -------------------------------------------------------------------------------


def as_json(export: PersonExport) -> dict[str, Any]:
    """German keys throughout; the records' data as the services sent it."""
    return {
        "adresse": export.address,
        "erstellt": export.made_at.isoformat(),
        "vollstaendig": export.complete,
        "hinweise": export.problems,
        "dienste": [
            {
                "dienst": p.service,
                "antwortet": p.answered,
                "eintraege": [
                    {"art": r.kind, "daten": r.data, "zweck": r.purpose, "aufbewahrung": r.retention} for r in p.records
                ],
            }
            for p in export.parts
        ],
    }


def label(key: str) -> str:
    """A German key as a heading: "qualifiziert_bis" → "qualifiziert bis", "ip_adresse" → "IP-Adresse"."""
    text = LABELS.get(key, key.replace("_", " "))
    return text[:1].upper() + text[1:]


def shown(value: Any) -> str:
    """A value as a person reads it: Berlin times, German dates, ja/nein, lists joined; nothing as "–"."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, list):
        return "; ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{label(k)}: {shown(v)}" for k, v in value.items() if shown(v) != "–") or "–"
    if isinstance(value, str):
        return _moment(value)
    return str(value)


def _moment(text: str) -> str:
    """ISO times and dates in German; any other text unchanged."""
    if len(text) == 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            return german_date(date.fromisoformat(text))
        except ValueError:
            return text
    if len(text) >= 19 and text[4:5] == "-" and text[10:11] == "T":
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        return german_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))  # stored times are UTC
    return text


def rows(record: Record) -> list[tuple[str, str]]:
    """A record's data as (heading, text) rows for a summary list."""
    return [(label(k), str(v) if k in VERBATIM and v else shown(v)) for k, v in record.data.items()]


def as_text(export: PersonExport) -> str:
    """The export for the command line: one block per record, the warnings first."""
    lines = [f"Auskunft nach Art. 15 DSGVO über {export.address}", f"Stand: {german_datetime(export.made_at)}", ""]
    lines += [f"ACHTUNG: {p}" for p in export.problems] + ([""] if export.problems else [])
    for part in export.parts:
        lines.append(f"== {part.service} ==")
        if part.problem:
            lines += [part.problem, ""]
            continue
        if not part.records:
            lines += ["Keine Einträge.", ""]
        for record in part.records:
            lines.append(f"-- {record.kind}")
            lines += [f"   {k}: {v}" for k, v in rows(record)]
            lines += [f"   Zweck: {record.purpose}", f"   Aufbewahrung: {record.retention}", ""]
    return "\n".join(lines).rstrip() + "\n"
