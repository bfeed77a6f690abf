"""Art. 15 GDPR, readable: the notifications service's export of one address as German tables.

The export is rows of the service's tables (ISO times, status words); this module only chooses the columns a
person can read and puts German headings and words on them. The JSON download gives the rows unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from shared.clock import german_datetime

WORDS = {
    "mitglied": "Mitglied",
    "moderation": "Moderation",
    "verwaltung": "Verwaltung",
    "jede": "jede Nachricht",
    "taeglich": "täglich gesammelt",
    "woechentlich": "wöchentlich gesammelt",
    "aktiv": "eingetragen",
    "abgemeldet": "abgemeldet",
    "entfernt": "von der Moderation entfernt",
    "abonnement": "Eintragung",
    "adressaenderung": "Adressänderung",
    "bestaetigung_offen": "wartet auf Ihre Bestätigung",
    "moderation_offen": "wartet auf die Moderation",
    "zurueckgestellt": "zurückgestellt",
    "angenommen": "angenommen",
    "abgelehnt": "abgelehnt",
    "bestaetigt": "bestätigt",
    "pending": "wartet auf Versand",
    "sent": "verschickt",
    "failed": "nicht zustellbar",
    "digest": "für die Zusammenfassung vorgemerkt",
    "digested": "in einer Zusammenfassung verschickt",
}

ACTIONS = {
    "mitglied_hinzugefuegt": "von der Moderation eingetragen",
    "mitglied_entfernt": "von der Moderation entfernt",
    "rolle_geaendert": "Rolle geändert",
    "zustellart_geaendert": "Zustellung geändert",
    "adressaenderung_beantragt": "neue Adresse beantragt",
    "adresse_geaendert": "Adresse geändert",
    "abgemeldet": "abgemeldet",
    "beitrag_versendet": "Nachricht verschickt",
    "anfrage_annehmen": "Anfrage angenommen",
    "anfrage_ablehnen": "Anfrage abgelehnt",
    "anfrage_zurueckstellen": "Anfrage zurückgestellt",
}


def when(value: object) -> str:
    """An ISO time (or datetime) as Berlin wall time, as every page shows it: "21.11.2026, 11:00"."""
    if not value:
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return german_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))  # stored times are UTC


def word(value: object) -> str:
    return WORDS.get(str(value or ""), str(value or ""))


def action(value: object) -> str:
    return ACTIONS.get(str(value or ""), str(value or "").replace("_", " "))


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    empty: str
    head: list[str]
    rows: list[list[str]]


# (export key, heading, text when empty, [(column heading, field, formatter)])
COLUMNS = (
    (
        "memberships",
        "Ihre Verteiler",
        "Sie sind in keinem Verteiler eingetragen.",
        [
            ("Verteiler", "list_id", "list"),
            ("Rolle", "role", word),
            ("Zustellung", "delivery", word),
            ("Stand", "status", word),
            ("seit", "since", when),
            ("Name", "display_name", str),
        ],
    ),
    (
        "consents",
        "Ihre Einwilligungen",
        "Es sind keine Einwilligungen gespeichert.",
        [
            ("Verteiler", "list_id", "list"),
            ("Fassung des Einwilligungstextes", "text_version", str),
            ("angefragt", "requested_at", when),
            ("bestätigt", "confirmed_at", when),
            ("IP-Adresse", "ip", str),
        ],
    ),
    (
        "requests",
        "Ihre Anfragen",
        "Es sind keine Anfragen gespeichert.",
        [
            ("Verteiler", "list_id", "list"),
            ("Art", "kind", word),
            ("Stand", "state", word),
            ("gestellt", "created_at", when),
            ("neue Adresse", "new_address", str),
            ("entschieden", "decided_at", when),
        ],
    ),
    (
        "deliveries",
        "Mails an Sie",
        "Es sind keine Mails an Sie gespeichert.",
        [
            ("Betreff", "subject", str),
            ("Verteiler", "list_id", "list"),
            ("Stand", "status", word),
            ("angelegt", "created_at", when),
            ("verschickt", "sent_at", when),
        ],
    ),
    (
        "audit",
        "Protokoll",
        "Das Protokoll nennt Sie nicht.",
        [
            ("Zeit", "at", when),
            ("Verteiler", "list_id", "list"),
            ("Vorgang", "action", action),
            ("durch", "actor", str),
            ("betrifft", "subject", str),
        ],
    ),
)


def sections(export: dict[str, list[dict]], list_names: dict[str, str]) -> list[Section]:
    """One table per kind of data, lists named by their name where known."""

    def cell(row: dict, field: str, show: object) -> str:
        value = row.get(field)
        if show == "list":
            return list_names.get(str(value or ""), str(value or ""))
        return show(value) if value not in (None, "") else ""  # type: ignore[operator]

    return [
        Section(
            key,
            title,
            empty,
            [c[0] for c in columns],
            [[cell(row, f, s) for _, f, s in columns] for row in export.get(key, [])],
        )
        for key, title, empty, columns in COLUMNS
    ]
