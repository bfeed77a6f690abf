"""Refresher due: a person's qualification ends soon (the registry says so); they get one mail with the next
dates to register for and their personal link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from shared.clock import german_date, german_when

# How the mail names a qualification (the registry's keys); an unknown key is quoted as it is.
QUALIFICATIONS = {"erstberatung": "die Erstberatung"}
REFRESHER, FIRST_TRAINING = "auffrischung", "multiplikator"  # the kinds of date offered, in this order
MAX_DATES = 3


@dataclass(frozen=True)
class UpcomingDate:
    """A training date a person could register for, as the mail names it."""

    training_id: str
    kind_label: str
    title: str
    start: datetime
    end: datetime | None = None
    online: bool = False
    place: str = ""

    def describe(self) -> str:
        where = "online" if self.online else self.place
        title = self.title if self.title and self.title != self.kind_label else ""
        what = f"{self.kind_label} „{title}“" if title else self.kind_label
        return f"{what}: {german_when(self.start, self.end)}" + (f", {where}" if where else "")


@dataclass(frozen=True)
class RefresherDue:
    """The mail to send (through the outbox): who gets it and its German text."""

    to: str
    to_name: str
    subject: str
    text: str
    link_path: str
    link_label: str = "Meine Schulungen"
    reference: str = ""


def qualification_words(key: str) -> str:
    return QUALIFICATIONS.get(key, f"„{key}“")


def refresher_mail(
    name: str, email: str, qualifies_for: str, until: date, dates: Sequence[UpcomingDate], kind: str, link_path: str
) -> RefresherDue:
    """The mail for a qualification ending on `until`, offering `dates` (of `kind`: a refresher, or if none is
    planned the first training) and the personal page at `link_path`."""
    ends = german_date(until)
    lines = [
        f"Guten Tag {name}," if name else "Guten Tag,",
        "",
        f"Ihre Qualifikation für {qualification_words(qualifies_for)} endet am {ends}. Damit Sie danach weiter "
        "beraten können, melden Sie sich bitte rechtzeitig zu einer Auffrischung an.",
        "",
    ]
    if dates and kind == REFRESHER:
        lines.append("Die nächsten Termine:")
    elif dates:
        lines.append("Zurzeit ist keine Auffrischung geplant. Sie können an einer dieser Schulungen teilnehmen:")
    else:
        lines.append("Zurzeit ist kein Termin geplant. Sobald es einen gibt, finden Sie ihn über den Link unten.")
    lines.extend(f"- {d.describe()}" for d in dates[:MAX_DATES])
    lines += ["", "Über Ihren persönlichen Link melden Sie sich an (ohne Passwort, nur für Sie):"]
    return RefresherDue(
        to=email,
        to_name=name,
        subject=f"Ihre Qualifikation endet am {ends}: bitte zur Auffrischung anmelden",
        text="\n".join(lines),
        link_path=link_path,
        reference=f"auffrischung:{qualifies_for}:{until.isoformat()}",
    )
