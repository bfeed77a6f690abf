"""What the moderation pages need to know without asking anyone: the words for the service's values,
the lines of a "add these addresses" box, the days of a filter, the pages of a long table."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
PAGE_SIZE = 50

POLICIES = {
    "offen": (
        "Offen",
        "Wer sich einträgt, ist sofort Mitglied. Niemand prüft die Adresse.",
    ),
    "bestaetigen": (
        "Bestätigung per E-Mail",
        "Wer sich einträgt, bekommt eine E-Mail mit einem Link und ist erst nach dem Klick Mitglied.",
    ),
    "moderiert": (
        "Freigabe durch die Moderation",
        "Jede Anfrage wartet, bis jemand aus der Moderation sie annimmt oder ablehnt.",
    ),
    "bestaetigen_und_moderiert": (
        "Bestätigung per E-Mail und Freigabe durch die Moderation",
        "Erst bestätigt die Person ihre Adresse per Link, dann entscheidet die Moderation.",
    ),
}
ROLES = {
    "mitglied": ("Mitglied", "Bekommt die Nachrichten des Verteilers."),
    "moderation": ("Moderation", "Entscheidet über Anfragen, pflegt die Mitglieder und schreibt an alle."),
    "verwaltung": ("Verwaltung", "Wie die Moderation; für die Landesgeschäftsstelle gedacht."),
}
DELIVERIES = {
    "jede": ("Jede Nachricht einzeln", "Jede Nachricht kommt sofort als eigene E-Mail."),
    "taeglich": ("Tägliche Zusammenfassung", "Einmal am Tag eine E-Mail mit allen Nachrichten des Tages."),
    "woechentlich": ("Wöchentliche Zusammenfassung", "Einmal in der Woche eine E-Mail mit allen Nachrichten."),
}
MEMBER_STATUSES = {"aktiv": "aktiv", "abgemeldet": "selbst abgemeldet", "entfernt": "entfernt"}
REQUEST_KINDS = {"abonnement": "Aufnahme in den Verteiler", "adressaenderung": "Änderung der Adresse"}
REQUEST_STATES = {
    "bestaetigung_offen": "wartet auf Bestätigung per E-Mail",
    "moderation_offen": "wartet auf Entscheidung",
    "zurueckgestellt": "zurückgestellt",
    "angenommen": "angenommen",
    "abgelehnt": "abgelehnt",
    "bestaetigt": "bestätigt",
}
DECISIONS = {  # the service's decision word -> (button, what happened to one request)
    "annehmen": ("Annehmen", "aufgenommen"),
    "ablehnen": ("Ablehnen", "abgelehnt"),
    "zurueckstellen": ("Zurückstellen", "zurückgestellt"),
}
ACTIONS = {
    "mitglied_hinzugefuegt": "Mitglied hinzugefügt",
    "mitglied_entfernt": "Mitglied entfernt",
    "rolle_geaendert": "Rolle geändert",
    "zustellart_geaendert": "Zustellung geändert",
    "adressaenderung_beantragt": "Adressänderung beantragt",
    "adresse_geaendert": "Adresse geändert",
    "abgemeldet": "Selbst abgemeldet",
    "beitrag_versendet": "Nachricht an alle verschickt",
    "anfrage_annehmen": "Anfrage angenommen",
    "anfrage_ablehnen": "Anfrage abgelehnt",
    "anfrage_zurueckstellen": "Anfrage zurückgestellt",
    "verteiler_geaendert": "Einstellungen geändert",
    "eingetragen": "Eingetragen",
    "bestaetigt": "Eintragung bestätigt",
    "beitrag_verteilt": "Beitrag per Mail verteilt",
    "beitrag_zurueckgehalten": "Beitrag zurückgehalten",
    "beitrag_annehmen": "Beitrag freigegeben",
    "beitrag_annehmen_und_vertrauen": "Beitrag freigegeben, Absender vertraut",
    "beitrag_ablehnen": "Beitrag abgelehnt",
    "beitrag_verwerfen": "Beitrag verworfen",
    "beitrag_zurueckstellen": "Beitrag zurückgestellt",
    "beitrag_abgelaufen": "Beitrag verfallen",
    "abmeldung_per_mail": "Abmeldung per Mail erbeten",
    "schreibregeln_geaendert": "Schreibregeln geändert",
}
POST_DECISIONS = {  # issue 20: the service's decision about a held post -> (button, what happened)
    "annehmen": ("Freigeben", "freigegeben"),
    "annehmen_und_vertrauen": (
        "Freigeben und vertrauen",
        "freigegeben; weitere Beiträge dieser Adresse kommen ohne Freigabe durch",
    ),
    "ablehnen": ("Ablehnen", "abgelehnt; die Person bekommt die Begründung per E-Mail"),
    "verwerfen": ("Verwerfen", "verworfen, ohne Nachricht an die Person"),
    "zurueckstellen": ("Zurückstellen", "zurückgestellt"),
}
HELD_STATES = {"wartet": "wartet auf Freigabe", "zurueckgestellt": "zurückgestellt"}
POSTERS = {
    "mitglieder": ("Mitglieder", "Alle Mitglieder schreiben an den Verteiler; die Moderation auch."),
    "moderation": ("Nur die Moderation", "Ein Ankündigungsverteiler: Beiträge von Mitgliedern warten auf Freigabe."),
    "alle": ("Alle", "Auch Adressen, die nicht im Verteiler sind, schreiben ohne Freigabe (selten sinnvoll)."),
}
STRANGERS = {
    "zurueckhalten": ("Zurückhalten", "Der Beitrag wartet auf Ihre Freigabe (empfohlen)."),
    "ablehnen": ("Ablehnen", "Die Person bekommt eine Nachricht, dass sie nicht an den Verteiler schreiben darf."),
    "verwerfen": ("Verwerfen", "Der Beitrag wird ohne Nachricht nicht verteilt (gegen Spam)."),
}
HOLDS = {
    "hold_first_posts": "Den ersten Beitrag neuer Mitglieder zurückhalten",
    "hold_attachments": "Beiträge mit Anhang zurückhalten",
    "rewrite_from": "Absender umschreiben: „Name über Verteiler“ (für Adressen bei Anbietern mit strenger DMARC-Regel)",
    "reply_to_list": "Antworten gehen an den Verteiler statt an die absendende Person",
}


def word(table: dict, value: str) -> str:
    """The German word for a value of the service; a value it does not know yet is shown as it is."""
    found = table.get(value)
    if found is None:
        return value.replace("_", " ")
    return found[0] if isinstance(found, tuple) else found


def choices(table: dict, hints: bool = False) -> list[tuple[str, ...]]:
    """(value, word) for a select, or (value, word, explanation) for radios with hints."""
    found = []
    for value, text in table.items():
        if isinstance(text, tuple):
            found.append((value, *text) if hints else (value, text[0]))
        else:
            found.append((value, text))
    return found


DETAILS = {  # an audit entry's detail that is a value of the service, by the entry's action
    "mitglied_hinzugefuegt": ROLES,
    "rolle_geaendert": ROLES,
    "zustellart_geaendert": DELIVERIES,
}


def detail_word(action: str, detail: str) -> str:
    """An audit entry's detail as the moderation reads it: "Wöchentliche Zusammenfassung", not "woechentlich"."""
    table = DETAILS.get(action, {})
    return word(table, detail) if detail in table else detail


def action_word(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    text = action.replace("_", " ")
    return text[:1].upper() + text[1:]


# --- "one address per line" ------------------------------------------------------------------------

_NAMED = re.compile(r"^(?P<name>.*?)\s*<(?P<address>[^<>]*)>$")
_SIMPLE_ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


@dataclass(frozen=True)
class MemberLine:
    number: int  # 1-based, as the person counts the lines of the box
    text: str  # the line as typed (without surrounding blanks)
    address: str = ""
    name: str = ""
    problem: str = ""  # German, empty when the line can be tried


def member_lines(text: str) -> list[MemberLine]:
    """Each non-empty line: `adresse` or `Name <adresse>`. A line that cannot be read says why; the same
    address twice is tried once. The service checks the addresses again; this only sorts out typing."""
    found: list[MemberLine] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = raw.strip().rstrip(",;").strip()
        if not line:
            continue
        name, address = "", line
        if match := _NAMED.match(line):
            name, address = match["name"].strip().strip('"').strip(), match["address"].strip()
        elif "<" in line or ">" in line:
            found.append(MemberLine(number, line, problem="Die spitzen Klammern passen nicht: „Name <adresse>“."))
            continue
        if not address:
            found.append(MemberLine(number, line, name=name, problem="Es fehlt die E-Mail-Adresse."))
        elif not _SIMPLE_ADDRESS.match(address):
            found.append(MemberLine(number, line, address, name, f"„{address}“ ist keine gültige E-Mail-Adresse."))
        elif address.lower() in seen:
            problem = f"Dieselbe Adresse steht schon in Zeile {seen[address.lower()]}."
            found.append(MemberLine(number, line, address, name, problem))
        else:
            seen[address.lower()] = number
            found.append(MemberLine(number, line, address, name))
    return found


# --- days in a filter ----------------------------------------------------------------------------------

_GERMAN_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_day(text: str) -> date | None:
    """`2026-11-21` (what a date field sends) or `21.11.2026`; empty is no day. ValueError says why in German."""
    text = text.strip()
    if not text:
        return None
    try:
        if match := _GERMAN_DAY.match(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"„{text}“ ist kein Datum. Bitte so angeben: 21.11.2026.") from None


def day_start(day: date) -> datetime:
    """Midnight in Berlin at the start of `day`."""
    return datetime.combine(day, time(0), tzinfo=BERLIN)


def day_end(day: date) -> datetime:
    """Midnight in Berlin at the end of `day` (the start of the next)."""
    return day_start(day + timedelta(days=1))


# --- pages of a long table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paging:
    number: int  # 1-based
    total: int  # how many rows in all
    size: int = PAGE_SIZE

    @classmethod
    def of(cls, text: str, total: int = 0, size: int = PAGE_SIZE) -> Paging:
        try:
            number = int(text)
        except ValueError:
            number = 1
        return cls(max(number, 1), total, size)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(math.ceil(self.total / self.size), 1)

    @property
    def first_row(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        return min(self.offset + self.size, self.total)

    def counted(self, total: int) -> Paging:
        return Paging(self.number, total, self.size)


def notice_lines(head: str, lines: list[str], budget: int = 1500) -> str:
    """A notice of a first line and one line per item (shown as a list), short enough for its cookie:
    what does not fit is counted ("… und 80 weitere")."""
    kept: list[str] = []
    used = len(head.encode())
    for number, line in enumerate(lines):
        used += len(line.encode()) + 1
        if used > budget:
            kept.append(f"… und {len(lines) - number} weitere")
            break
        kept.append(line)
    return "\n".join([head, *kept])
