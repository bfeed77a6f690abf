"""Art. 15 GDPR: the mailing service's rows about one address as records a person can read — what each is, its
data under German names, why it is kept and for how long.

The rows come as the store reads them (`everything_about`: column name → value, times as ISO text); only the
columns worth showing are taken, under German keys. Rows of a kind the mapping does not know are shown whole, so
nothing the service holds goes missing from the answer.
"""

from __future__ import annotations

from typing import Any

from shared.privacy import UNTIL_ERASED, Record

# codes as stored -> German words (the JSON and the page show the words)
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
    "hart": "endgültig (harter Fehlschlag)",
    "weich": "vorübergehend (weicher Fehlschlag)",
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
    "zustellung_ausgesetzt": "Zustellung nach Fehlschlägen ausgesetzt",
    "zustellung_fortgesetzt": "Zustellung wieder eingeschaltet",
}
CODED = {
    "role": WORDS,
    "delivery": WORDS,
    "status": WORDS,
    "kind": WORDS,
    "state": WORDS,
    "action": ACTIONS,
    "severity": WORDS,
}


# (store key, kind, purpose, retention, {column: German key})
KINDS: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    (
        "memberships",
        "Eintrag in einem Verteiler",
        "Ihnen die Nachrichten des Verteilers schicken, so wie Sie es gewählt haben.",
        "Solange Sie eingetragen sind; nach dem Austragen bleibt der Eintrag als „abgemeldet“ stehen, damit keine "
        "Mail mehr an Sie geht, bis Sie die Löschung verlangen (Art. 17 DSGVO).",
        {
            "list_id": "verteiler",
            "address": "adresse",
            "display_name": "name",
            "role": "rolle",
            "delivery": "zustellung",
            "status": "stand",
            "since": "seit",
        },
    ),
    (
        "requests",
        "Anfrage an einen Verteiler",
        "Ihre Eintragung oder Adressänderung bestätigen lassen und von der Moderation entscheiden lassen.",
        "Nie bestätigte Anfragen: 48 Stunden Gültigkeit des Links und 7 Tage danach (RETENTION_EXPIRED_DAYS); "
        "entschiedene Anfragen bis Sie die Löschung verlangen (Art. 17 DSGVO).",
        {
            "id": "kennung",
            "list_id": "verteiler",
            "kind": "art",
            "address": "adresse",
            "display_name": "name",
            "new_address": "neue_adresse",
            "state": "stand",
            "created_at": "gestellt",
            "ip": "ip_adresse",
            "decided_by": "entschieden_von",
            "decided_at": "entschieden",
        },
    ),
    (
        "consents",
        "Einwilligung",
        "Nachweisen, dass Sie in den Empfang eingewilligt haben (Art. 7 Abs. 1 DSGVO).",
        "Solange der Eintrag besteht und danach als Nachweis, bis Sie die Löschung verlangen (Art. 17 DSGVO).",
        {
            "list_id": "verteiler",
            "address": "adresse",
            "request_id": "anfrage",
            "requested_at": "angefragt",
            "confirmed_at": "bestaetigt",
            "ip": "ip_adresse",
            "text_version": "fassung_einwilligungstext",
        },
    ),
    (
        "audit",
        "Eintrag im Protokoll eines Verteilers",
        "Nachvollziehen, wer wann was am Verteiler geändert hat (Rechenschaftspflicht, Art. 5 Abs. 2 DSGVO).",
        "2 Jahre (RETENTION_AUDIT_DAYS); bei einer Löschung steht statt Ihrer Adresse „gelöschte Person“.",
        {
            "at": "zeit",
            "list_id": "verteiler",
            "actor": "durch",
            "action": "vorgang",
            "subject": "betrifft",
            "detail": "einzelheiten",
        },
    ),
    (
        "deliveries",
        "Mail an Sie",
        "Jede Mail genau einmal zustellen und Zustellfehler erkennen.",
        "Der Text der Mail 30 Tage nach der Zustellung (RETENTION_MAIL_BODY_DAYS); Empfänger, Betreff und Status bis "
        "Sie die Löschung verlangen (Art. 17 DSGVO).",
        {
            "event_id": "vorgang",
            "recipient": "empfaenger",
            "list_id": "verteiler",
            "kind": "art",
            "subject": "betreff",
            "status": "stand",
            "attempts": "versuche",
            "last_error": "letzter_fehler",
            "created_at": "angelegt",
            "sent_at": "verschickt",
        },
    ),
    (
        "posts",
        "Von Ihnen verschickte Nachricht",
        "Der Moderation zeigen, welche Nachrichten an den Verteiler gingen und wie ihre Zustellung steht.",
        UNTIL_ERASED,
        {
            "event_id": "vorgang",
            "list_id": "verteiler",
            "subject": "betreff",
            "sender": "absender",
            "sent_at": "verschickt",
            "recipients": "empfaenger_anzahl",
        },
    ),
    (
        "bounces",
        "Nicht zugestellte Mail (Bounce)",
        "Erkennen, wenn Mails an Ihre Adresse nicht mehr ankommen, und die Zustellung dann aussetzen.",
        "180 Tage (RETENTION_BOUNCE_DAYS), oder bis Sie die Löschung verlangen (Art. 17 DSGVO).",
        {
            "at": "zeit",
            "list_id": "verteiler",
            "address": "adresse",
            "severity": "art",
            "status": "status",
            "diagnostic": "meldung_des_mailservers",
        },
    ),
    (
        "archive",
        "Ihr Beitrag im Archiv eines Verteilers",
        "Den Mitgliedern des Verteilers frühere Beiträge zum Nachlesen zeigen.",
        "3 Jahre (RETENTION_ARCHIVE_DAYS), oder bis Sie die Löschung verlangen (Art. 17 DSGVO).",
        {
            "list_id": "verteiler",
            "sent_at": "verschickt",
            "sender": "absender",
            "sender_name": "name",
            "subject": "betreff",
            "body": "text",
            "attachments": "anhaenge",
        },
    ),
)
OTHER = ("Sonstiger Eintrag im Verteilerdienst", "Betrieb des Verteilerdienstes.", UNTIL_ERASED)


def _value(column: str, value: Any, list_names: dict[str, str]) -> Any:
    if column == "list_id":
        return list_names.get(str(value or ""), value)
    if column in CODED and isinstance(value, str):
        return CODED[column].get(value, value)
    return value


def records(found: dict[str, list[dict[str, Any]]], list_names: dict[str, str] | None = None) -> list[Record]:
    """Every row of `found` as a record, in the order of KINDS; unknown kinds last, with every column. Codes become
    German words, list ids the lists' names (`list_names`)."""
    known, list_names = {k[0] for k in KINDS}, list_names or {}

    def data(row: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
        return {
            german: _value(column, row.get(column), list_names) for column, german in columns.items() if column in row
        }

    shown = [
        Record(kind, data(row, columns), why, keep)
        for key, kind, why, keep, columns in KINDS
        for row in found.get(key, [])
    ]
    kind, why, keep = OTHER
    shown += [Record(kind, dict(row), why, keep) for key, rows in found.items() if key not in known for row in rows]
    return shown


def names(found: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The display names stored with the address (a work plan's V names people by them)."""
    given = [str(r.get("display_name") or "").strip() for k in ("memberships", "requests") for r in found.get(k, [])]
    return list(dict.fromkeys(n for n in given if n))
