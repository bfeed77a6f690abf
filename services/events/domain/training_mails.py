"""The German mails around training dates; each becomes one `events.mail.requested.v1` through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.events.domain.trainings import Person, Training
from shared.clock import BERLIN, WEEKDAYS, german_date

LINK_LABEL = "Meine Schulungen"


@dataclass(frozen=True)
class TrainingMail:
    """A personal mail to send; `training` is attached as .ics when `with_ics`."""

    to: str
    to_name: str
    kind: str  # a MailKind of shared/contracts/mail.py
    subject: str
    text: str
    link_path: str = ""
    reference: str = ""
    training: Training | None = None
    with_ics: bool = False
    at: datetime | None = None  # when it was asked for (the calendar's DTSTAMP)

    @property
    def link_label(self) -> str:
        return LINK_LABEL if self.link_path else ""


def when(training: Training) -> str:
    """`Dienstag, 1. Dezember 2026, 10:00–16:00 Uhr, online` as a mail names a date."""
    start, end = (m.astimezone(BERLIN) for m in (training.details.start, training.details.end))
    span = (
        f"{start:%H:%M}–{end:%H:%M} Uhr" if start.date() == end.date() else f"{start:%H:%M} Uhr bis {german_date(end)}"
    )
    where = "online" if training.details.online else training.details.place
    if training.details.online and training.details.place:
        where = f"online ({training.details.place})"
    return f"{WEEKDAYS[start.weekday()]}, {german_date(start)}, {span}, {where}"


def _hello(name: str) -> str:
    return f"Hallo {name}," if name else "Hallo,"


def _about(
    t: Training, kind: str, person: Person, subject: str, body: str, link: str, now: datetime, ics: bool = False
) -> TrainingMail:
    text = f"{_hello(person.name)}\n\n{body}\n\n„{t.name}“\n{when(t)}\n"
    if link:
        text += "\nIhre Anmeldungen und weitere Termine finden Sie unter „Meine Schulungen“ (Link unten).\n"
    return TrainingMail(person.email, person.name, kind, f"{subject}: {t.name}", text, link, t.id, t, ics, now)


def registered(t: Training, person: Person, link: str, now: datetime) -> TrainingMail:
    body = "Sie sind angemeldet. Den Termin finden Sie im Anhang für Ihren Kalender."
    return _about(t, "schulung_angemeldet", person, "Anmeldung bestätigt", body, link, now, ics=True)


def waiting(t: Training, person: Person, position: int, link: str, now: datetime) -> TrainingMail:
    body = (
        f"Der Termin ist voll; Sie stehen auf der Warteliste (Platz {position}). "
        "Sagt jemand ab, rücken Sie automatisch nach und bekommen Bescheid."
    )
    return _about(t, "schulung_warteliste", person, "Warteliste", body, link, now)


def moved_up(t: Training, person: Person, link: str, now: datetime) -> TrainingMail:
    body = "Es ist ein Platz frei geworden: Sie sind von der Warteliste nachgerückt und jetzt angemeldet."
    return _about(t, "schulung_nachgerueckt", person, "Nachgerückt", body, link, now, ics=True)


def cancelled_registration(t: Training, person: Person, link: str, now: datetime) -> TrainingMail:
    return _about(t, "schulung_abgemeldet", person, "Abgemeldet", "Sie sind von diesem Termin abgemeldet.", link, now)


def reminder(t: Training, person: Person, link: str, now: datetime) -> TrainingMail:
    body = "zur Erinnerung: morgen findet der Termin statt, zu dem Sie angemeldet sind."
    return _about(t, "schulung_erinnerung", person, "Morgen", body, link, now, ics=True)


def training_cancelled(t: Training, person: Person, reason: str, link: str, now: datetime) -> TrainingMail:
    body = "der folgende Termin ist leider abgesagt." + (f" Grund: {reason}" if reason else "")
    return _about(t, "schulung_abgesagt", person, "Abgesagt", body, link, now)


def invitation(person: Person, link: str, dates: list[Training], now: datetime) -> TrainingMail:
    lines = "\n".join(f"- „{t.name}“, {when(t)}" for t in dates) or "- (zurzeit keine offenen Termine)"
    text = (
        f"{_hello(person.name)}\n\nüber Ihren persönlichen Link unten können Sie sich zu Schulungen anmelden "
        f"und wieder abmelden. Die nächsten Termine:\n{lines}\n\nDer Link gilt nur für Sie; bitte nicht weitergeben.\n"
    )
    return TrainingMail(person.email, person.name, "schulung_einladung", "Ihre Schulungen", text, link, at=now)


def application_due(t: Training, address: str, due: date, now: datetime) -> TrainingMail:
    cents = t.costs.expected_cents if t.costs else None
    amount = f" Erwartete Kosten: {cents / 100:.2f} Euro.".replace(".", ",", 1) if cents is not None else ""
    text = (
        f"Hallo,\n\nder Finanzantrag für „{t.name}“ ({when(t)}) muss bis {german_date(due)} gestellt sein; "
        f"er ist noch offen.{amount}\n"
    )
    subject = f"Finanzantrag bis {german_date(due)}: {t.name}"
    return TrainingMail(address, "", "antrag_frist", subject, text, "", t.id, None, False, now)
