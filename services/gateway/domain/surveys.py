"""The survey pages (issue 17): the personal form's fields and back, the new-campaign form, a file of further
recipients, the response rate in words, and the results as rows for CSV and Excel.

Pure: no requests. The registry checks every answer and campaign again and answers in German; this only reshapes
what a person typed into the fields of SAVE_ANSWER / CREATE_CAMPAIGN and back, and arranges answers for reading.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from services.gateway.domain.board import rate_text  # noqa: F401 - "12 von 40 (30 %)", as the dashboard says it
from services.gateway.domain.moderation import parse_day
from shared.clock import german_date, german_datetime
from shared.contracts import registry as r
from shared.contracts.german import field_messages
from shared.contracts.text import Email

EMAIL = TypeAdapter(Email)

# The form's input for each field of SurveyAnswerV1. A test compares this with the contract, so a new field of the
# answer cannot be forgotten on the page.
ANSWER_INPUTS = {
    "counselling": "beratung",
    "frequency": "wie_oft",
    "counsellors": "durch_wen",
    "hours": "sprechzeiten",
    "areas": "themen",
    "contact_phone": "telefon",
    "contact_email": "email",
    "publish": "veroeffentlichen",
    "interest": "interesse",
    "availability": "verfuegbarkeit",
    "region": "region",
    "contact_ok": "kontakt",
    "planned": "geplant",
    "help_needed": "hilfe",
    "remarks": "anmerkungen",
}
# Which fields each kind of campaign asks (remarks: every kind).
KIND_FIELDS = {
    "bueros": (
        "counselling",
        "frequency",
        "counsellors",
        "hours",
        "areas",
        "contact_phone",
        "contact_email",
        "publish",
        "remarks",
    ),
    "mitglieder": ("interest", "availability", "areas", "region", "contact_ok", "remarks"),
    "kreisverbaende": ("planned", "help_needed", "remarks"),
}
LINE_FIELDS = ("counsellors", "hours")  # one entry per line in a textarea
MAX_LINES = 20

COUNSELLING_WORDS = {"ja": "Ja, hier wird beraten", "geplant": "Noch nicht, aber es ist geplant", "nein": "Nein"}
INTEREST_WORDS = {"ja": "Ja", "vielleicht": "Vielleicht, ich möchte mehr wissen", "nein": "Nein"}
PLANNED_WORDS = {"ja": "Ja", "nein": "Nein", "unklar": "Noch unklar"}
YES_NO = {"ja": "Ja", "nein": "Nein"}
# Short words for tables and downloads.
COUNSELLING_SHORT = {"ja": "ja", "geplant": "geplant", "nein": "nein"}
INTEREST_SHORT = {"ja": "ja", "vielleicht": "vielleicht", "nein": "nein"}
PLANNED_SHORT = {"ja": "ja", "nein": "nein", "unklar": "noch unklar"}
ANSWER_STATUS_WORDS = {"offen": "keine Antwort", "entwurf": "Entwurf, nicht abgegeben", "abgegeben": "abgegeben"}
REVIEW_STATUS_WORDS = {
    "offen": "zu prüfen",
    "uebernommen": "übernommen",
    "abgelehnt": "abgelehnt",
    "nichts_zu_tun": "nichts zu übernehmen",
}
CAMPAIGN_STATUS_WORDS = {"geplant": "geplant", "laufend": "läuft", "beendet": "beendet"}
LABELS = {  # the question of each answer field, for the summary of an answer and the download's columns
    "counselling": "Findet Beratung statt?",
    "frequency": "Wie oft",
    "counsellors": "Durch wen",
    "hours": "Sprechzeiten",
    "areas": "Themen",
    "contact_phone": "Telefon",
    "contact_email": "E-Mail",
    "publish": "Veröffentlichung erlaubt",
    "interest": "Interesse",
    "availability": "Verfügbarkeit",
    "region": "Region",
    "contact_ok": "Einverstanden mit Kontakt",
    "planned": "Ist etwas geplant?",
    "help_needed": "Gebrauchte Hilfe",
    "remarks": "Anmerkungen",
}


def kind_word(kind: str) -> str:
    return r.CAMPAIGN_KIND_WORDS.get(kind, kind)


def area_word(key: str) -> str:
    return r.AREA_WORDS.get(key, key)


def rate_percent(answered: int, recipients: int) -> int:
    return answered * 100 // recipients if recipients else 0


def period_text(starts_on: date, ends_on: date) -> str:
    return f"{german_date(starts_on)} bis {german_date(ends_on)}"


# --- the personal form --------------------------------------------------------------------------------------


def fields_of(kind: str) -> tuple[str, ...]:
    return KIND_FIELDS.get(kind, ("remarks",))


def form_values(kind: str, answer: r.SurveyAnswerV1 | None, current: r.SurveyAnswerV1 | None = None) -> dict[str, Any]:
    """The form's inputs for `answer` (the saved one), else `current` (what the register holds now), else empty."""
    source = answer or current or r.SurveyAnswerV1()
    values: dict[str, Any] = {}
    for name in fields_of(kind):
        value = getattr(source, name)
        key = ANSWER_INPUTS[name]
        if name in LINE_FIELDS:
            values[key] = "\n".join(value)
        elif name == "areas":
            values[key] = list(value)
        elif name == "publish":
            values[key] = "" if value is None else ("ja" if value else "nein")
        elif name == "contact_ok":
            values[key] = ["ja"] if value else []
        else:
            values[key] = "" if value is None else str(value)
    return values


def area_options(selected: list[str]) -> list[tuple[str, str]]:
    """The known areas, and any other area an earlier answer or the register named (so nothing gets lost)."""
    known = list(r.AREA_WORDS.items())
    return known + [(value, value) for value in selected if value not in r.AREA_WORDS]


@dataclass
class AnswerForm:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    answer: r.SurveyAnswerV1 | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def read_answer(kind: str, form: Any) -> AnswerForm:
    """What the personal form sent (`form`: a Starlette form or a dict of strings/lists), as a SurveyAnswerV1, with
    the faults the page can see itself (each at its input, in German). Everything typed stays in `values`."""

    def one(name: str) -> str:
        value = form.get(name, "")
        if isinstance(value, list):
            value = value[0] if value else ""
        return str(value or "").replace("\r\n", "\n").strip()

    def many(name: str) -> list[str]:
        if hasattr(form, "getlist"):
            return [str(x) for x in form.getlist(name) if str(x)]
        value = form.get(name, [])
        return [str(x) for x in ([value] if isinstance(value, str) else value) if str(x)]

    values: dict[str, Any] = {}
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in fields_of(kind):
        key = ANSWER_INPUTS[name]
        if name == "areas":
            values[key] = many(key)
            data[name] = values[key]
        elif name == "contact_ok":
            values[key] = ["ja"] if "ja" in many(key) else []
            data[name] = bool(values[key])
        elif name in LINE_FIELDS:
            values[key] = one(key)
            data[name] = _lines(values[key])
            if len(data[name]) > MAX_LINES:
                errors[key] = f"Bitte höchstens {MAX_LINES} Zeilen angeben."
        elif name == "publish":
            values[key] = one(key)
            if values[key] not in ("", "ja", "nein"):
                errors[key] = "Bitte „Ja“ oder „Nein“ wählen."
            data[name] = None if values[key] in ("", None) else values[key] == "ja"
        elif name in ("counselling", "interest", "planned"):
            values[key] = one(key)
            data[name] = values[key] or None
        else:
            values[key] = one(key)
            data[name] = values[key]
    for name, allowed in (("counselling", COUNSELLING_WORDS), ("interest", INTEREST_WORDS), ("planned", PLANNED_WORDS)):
        if data.get(name) and data[name] not in allowed:
            errors[ANSWER_INPUTS[name]] = "Bitte eine der Antworten wählen."
    if errors:
        return AnswerForm(values, errors)
    try:
        answer = r.SurveyAnswerV1(**data)
    except ValidationError as exc:
        return AnswerForm(values, answer_errors(field_messages(exc.errors())))
    return AnswerForm(values, {}, answer)


def answer_errors(fields: dict[str, str]) -> dict[str, str]:
    """The registry's (or the contract's) field errors – "answer.contact_email", "counsellors.3" – at the form's
    inputs; an error of no input the page knows goes to the summary under "anfrage"."""
    found: dict[str, str] = {}
    for location, message in fields.items():
        parts = [p for p in location.split(".") if p not in ("answer", "body")]
        key = next((ANSWER_INPUTS[p] for p in parts if p in ANSWER_INPUTS), "anfrage")
        if key == ANSWER_INPUTS.get("contact_email") and "E-Mail" not in message:
            message = f"Die E-Mail-Adresse ist ungültig: {message}"
        found.setdefault(key, message)
    return found


def answer_rows(kind: str, answer: r.SurveyAnswerV1) -> list[tuple[str, str]]:
    """An answer as (question, answer in words), for the review page and the read-only page after the end."""
    return [(LABELS[name], value) for name, value in zip(fields_of(kind), answer_cells(kind, answer), strict=True)]


def answer_cells(kind: str, answer: r.SurveyAnswerV1 | None) -> list[str]:
    """The answer's fields in German words, in the order of `fields_of(kind)` (empty strings without an answer)."""
    if answer is None:
        return ["" for _ in fields_of(kind)]
    cells = []
    for name in fields_of(kind):
        value = getattr(answer, name)
        if name == "counselling":
            cells.append(COUNSELLING_SHORT.get(value or "", value or ""))
        elif name == "interest":
            cells.append(INTEREST_SHORT.get(value or "", value or ""))
        elif name == "planned":
            cells.append(PLANNED_SHORT.get(value or "", value or ""))
        elif name == "publish":
            cells.append("" if value is None else ("ja" if value else "nein"))
        elif name == "contact_ok":
            cells.append("ja" if value else "nein")
        elif name == "areas":
            cells.append("; ".join(area_word(a) for a in value))
        elif name in LINE_FIELDS:
            cells.append("; ".join(value))
        else:
            cells.append(str(value or ""))
    return cells


# --- a new campaign -----------------------------------------------------------------------------------------


@dataclass
class CampaignForm:
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)  # CreateCampaign's fields but the recipients

    @property
    def ok(self) -> bool:
        return not self.errors


def empty_campaign(today: date) -> dict[str, Any]:
    return {
        "titel": "",
        "art": "",
        "beginn": f"{today.day}.{today.month}.{today.year}",
        "ende": "",
        "einleitung": "",
        "register": ["ja"],
        "verteiler": "",
    }


def read_campaign(form: Any, list_ids: set[str] | None = None) -> CampaignForm:
    """What the "Neue Erhebung" form sent; `list_ids`: the mailing lists one may choose for "mitglieder"."""

    def one(name: str) -> str:
        return str(form.get(name, "") or "").replace("\r\n", "\n").strip()

    registered = form.getlist("register") if hasattr(form, "getlist") else form.get("register", [])
    values = {
        "titel": one("titel"),
        "art": one("art"),
        "beginn": one("beginn"),
        "ende": one("ende"),
        "einleitung": one("einleitung"),
        "register": ["ja"] if "ja" in registered else [],
        "verteiler": one("verteiler"),
    }
    errors: dict[str, str] = {}
    if not values["titel"]:
        errors["titel"] = "Bitte geben Sie der Erhebung einen Titel."
    if values["art"] not in r.CAMPAIGN_KIND_WORDS:
        errors["art"] = "Bitte wählen Sie, an wen die Erhebung geht."
    days: dict[str, date | None] = {}
    for name, what in (("beginn", "den ersten Tag"), ("ende", "den letzten Tag")):
        try:
            days[name] = parse_day(values[name])
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if days[name] is None:
            errors[name] = f"Bitte geben Sie {what} der Erhebung an."
    if days.get("beginn") and days.get("ende") and days["ende"] < days["beginn"]:  # type: ignore[operator]
        errors["ende"] = "Das Ende der Erhebung liegt vor ihrem Beginn."
    if values["art"] == "mitglieder":
        if not values["verteiler"]:
            errors["verteiler"] = "Bitte wählen Sie den Verteiler, dessen Mitglieder gefragt werden."
        elif list_ids is not None and values["verteiler"] not in list_ids:
            errors["verteiler"] = "Diesen Verteiler gibt es nicht (mehr). Bitte wählen Sie einen aus der Liste."
    if errors:
        return CampaignForm(values, errors)
    payload = {
        "title": values["titel"],
        "kind": values["art"],
        "starts_on": days["beginn"],
        "ends_on": days["ende"],
        "intro": values["einleitung"],
        "include_register": values["art"] != "mitglieder" and (values["art"] != "bueros" or bool(values["register"])),
    }
    return CampaignForm(values, {}, payload)


CAMPAIGN_INPUTS = {"title": "titel", "kind": "art", "starts_on": "beginn", "ends_on": "ende", "intro": "einleitung"}


def campaign_errors(fields: dict[str, str], message: str) -> dict[str, str]:
    """The registry's refusal at the form's inputs (unknown fields, or none: the message at the title)."""
    found: dict[str, str] = {}
    for location, text in fields.items():
        head = location.split(".")[0]
        found.setdefault(CAMPAIGN_INPUTS.get(head, "datei" if head == "recipients" else "titel"), text)
    return found or {"titel": message}


# --- further recipients from a file ---------------------------------------------------------------------------

RECIPIENT_HEADERS = {
    "name": {"name", "ansprechperson", "ansprechpartner", "ansprechpartnerin", "kontakt", "person"},
    "email": {"e-mail", "email", "mail", "e-mail-adresse", "emailadresse", "adresse"},
    "office_name": {"büro", "buero", "buro", "büroname", "stelle", "beratungsstelle", "name des büros", "einrichtung"},
    "place": {"ort", "stadt", "gemeinde", "wohnort"},
}


@dataclass
class RecipientFile:
    recipients: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)  # German, "Zeile 4: …"
    notes: list[str] = field(default_factory=list)


def csv_table(text: str) -> list[list[str]]:
    """CSV text (comma or semicolon, as people's spreadsheets write it) as rows of cells."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ("\t" if "\t" in first else ",")
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _header_key(cell: str) -> str | None:
    text = re.sub(r"\s+", " ", cell.strip().lower().lstrip("\ufeff")).rstrip(":")
    return next((key for key, names in RECIPIENT_HEADERS.items() if text in names), None)


def read_recipients(table: list[list[str]]) -> RecipientFile:
    """Rows with the columns Name, E-Mail, Büro, Ort (any order, any case; other columns are ignored). `table[0]`
    is the header; row i of the table is line i + 1 of the file, as the person sees it."""
    if not table or not any(cell.strip() for cell in table[0]):
        return RecipientFile(
            [], ["Die Datei ist leer. Die erste Zeile muss die Spalten nennen: Name, E-Mail, Büro, Ort."]
        )
    columns: dict[str, int] = {}
    for index, cell in enumerate(table[0]):
        key = _header_key(str(cell))
        if key and key not in columns:
            columns[key] = index
    if "email" not in columns:
        return RecipientFile(
            [],
            ["Zeile 1: Die Spalte „E-Mail“ fehlt. Die erste Zeile muss die Spalten nennen: Name, E-Mail, Büro, Ort."],
        )
    found: list[dict[str, Any]] = []
    errors: list[str] = []
    notes: list[str] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(table[1:], start=2):

        def cell(key: str, row: list[str] = row) -> str:
            index = columns.get(key)
            return " ".join(str(row[index]).split()) if index is not None and index < len(row) else ""

        if not any(str(c).strip() for c in row):
            continue
        name, email, office, place = cell("name"), cell("email"), cell("office_name"), cell("place")
        if not email:
            errors.append(f"Zeile {number}: Die E-Mail-Adresse fehlt.")
            continue
        try:
            email = str(EMAIL.validate_python(email))
        except ValidationError:
            errors.append(f"Zeile {number}: „{email}“ ist keine gültige E-Mail-Adresse.")
            continue
        name = name or office
        if not name:
            errors.append(f"Zeile {number}: Bitte einen Namen oder das Büro angeben.")
            continue
        if len(name) > 200:
            errors.append(f"Zeile {number}: Der Name ist zu lang (höchstens 200 Zeichen).")
            continue
        address = email.lower()
        if address in seen:
            notes.append(
                f"Zeile {number}: {email} steht schon in Zeile {seen[address]}; sie wird nur einmal eingeladen."
            )
            continue
        seen[address] = number
        found.append({"name": name, "email": email, "office_name": office, "place": place})
    if not found and not errors:
        errors.append("Die Datei enthält außer der Kopfzeile keine Empfänger:innen.")
    return RecipientFile(found, errors, notes)


def member_recipients(members: list[Any]) -> list[dict[str, Any]]:
    """A mailing list's active members as recipients (their display name, else their address as name)."""
    found, seen = [], set()
    for member in members:
        if member.status != "aktiv" or member.address.lower() in seen:
            continue
        seen.add(member.address.lower())
        found.append({"name": (member.display_name or "").strip() or member.address, "email": member.address})
    return found


def created_message(campaign: r.CampaignSnapshot) -> str:
    """The banner after a campaign was created."""
    if campaign.status == "geplant":
        word = "Einladung geht" if campaign.recipients == 1 else "Einladungen gehen"
        text = f"Erhebung angelegt, {campaign.recipients} {word} am {german_date(campaign.starts_on)} hinaus."
    else:
        word = "Einladung" if campaign.invited == 1 else "Einladungen"
        text = f"Erhebung angelegt, {campaign.invited} {word} verschickt."
    if campaign.skipped:
        text += f"\n{len(campaign.skipped)} nicht eingeladen (siehe unten)."
    return text


# --- results for download -------------------------------------------------------------------------------------

RESULT_HEAD = (
    "Name",
    "E-Mail",
    "Büro",
    "Kreisverband",
    "Eingeladen am",
    "Erinnerungen",
    "Antwort",
    "Abgegeben am",
    "Prüfung",
)


def _when(value: datetime | None) -> str:
    return german_datetime(value) if value else ""


def result_table(found: r.CampaignRecipients, reviews: r.AnswerReviews) -> tuple[tuple[str, ...], list[list[Any]]]:
    """One row per recipient, German column heads, the answer's fields in words (empty without a submitted answer)."""
    kind = found.campaign.kind
    districts = {d.district_id: d.district_name for d in found.campaign.by_district if d.district_id}
    submitted = {a.recipient.recipient_id: a for a in reviews.answers}
    head = RESULT_HEAD + tuple(LABELS[name] for name in fields_of(kind))
    rows = []
    for person in found.recipients:
        review = submitted.get(person.recipient_id)
        rows.append(
            [
                person.name,
                person.email,
                person.office_name,
                districts.get(person.district_id or "", ""),
                _when(person.invited_at),
                person.reminders,
                ANSWER_STATUS_WORDS.get(person.answer_status, person.answer_status),
                _when(review.submitted_at) if review else "",
                REVIEW_STATUS_WORDS.get(person.review_status, person.review_status)
                if person.answer_status == "abgegeben"
                else "",
                *answer_cells(kind, review.answer if review else None),
            ]
        )
    return head, rows


UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def result_filename(campaign: r.CampaignSnapshot, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", campaign.title.lower().translate(UMLAUTS)).strip("-")
    return f"erhebung-{slug[:60] or campaign.campaign_id}.{extension}"
