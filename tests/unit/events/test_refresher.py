"""Refresher due (issue 17): one mail with the next dates and the personal link, once per registry event."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from services.events.adapters import mapping
from services.events.domain import commands
from services.events.domain.refresher import RefresherDue, UpcomingDate
from services.events.domain.training_links import TrainingLinks
from services.events.service_layer.refresher import ScheduledTrainingDates, remind_refresher
from shared.clock import BERLIN
from tests.unit.events.fakes import FakeUnitOfWork


def at(day: int, hour: int, month: int = 5) -> datetime:
    return datetime(2027, month, day, hour, tzinfo=BERLIN)


class Dates:
    """Training dates by kind, and links that name who they are for (as the real signed ones are bound)."""

    def __init__(self, **by_kind: list[UpcomingDate]) -> None:
        self.by_kind, self.asked = by_kind, []

    async def next_dates(self, kind: str, limit: int) -> Sequence[UpcomingDate]:
        self.asked.append((kind, limit))
        return self.by_kind.get(kind, [])[:limit]

    def personal_link(self, name, email, counsellor_id, office_id, office_name, kinds) -> str:
        return f"/meine-schulungen/token-for-{counsellor_id}"


def refresher(tid: str, day: int) -> UpcomingDate:
    return UpcomingDate(tid, "Auffrischung", "Auffrischung", at(day, 17), at(day, 19), online=True)


def expiring(event_id: str = "e-1") -> commands.RemindRefresher:
    received = commands.Received(event_id, "registry.qualification.expiring.v1")
    return commands.RemindRefresher(
        received, "Anna Beispiel", "anna@example.org", "erstberatung", date(2027, 5, 31), "c-1", "o-1", "Büro Plauen"
    )


def mails(uow: FakeUnitOfWork) -> list[RefresherDue]:
    return [e for e in uow.published if isinstance(e, RefresherDue)]


async def test_the_mail_names_the_end_the_next_three_refresher_dates_and_the_personal_link() -> None:
    uow, dates = FakeUnitOfWork(), Dates(auffrischung=[refresher(f"t-{d}", d) for d in (4, 11, 18, 25)])
    assert await remind_refresher(expiring(), uow, dates)
    (mail,) = mails(uow)
    assert "Ihre Qualifikation für die Erstberatung endet am 31. Mai 2027" in mail.text
    assert "Guten Tag Anna Beispiel," in mail.text and "Die nächsten Termine:" in mail.text
    assert "- Auffrischung: Dienstag, 4. Mai 2027, 17:00 bis 19:00 Uhr, online" in mail.text
    assert "Dienstag, 18. Mai 2027" in mail.text and "25. Mai" not in mail.text  # three at most
    assert dates.asked == [("auffrischung", 3)]
    wire = mapping.event_contract(mail, {}, date(2027, 5, 1))
    assert type(wire).subject == "events.mail.requested.v1" and wire.kind == "auffrischung_faellig"
    assert (wire.to, wire.to_name, wire.link_path) == (
        "anna@example.org",
        "Anna Beispiel",
        "/meine-schulungen/token-for-c-1",
    )
    assert wire.link_label == "Meine Schulungen" and "31. Mai 2027" in wire.subject


async def test_without_a_refresher_the_next_first_trainings_are_offered_with_their_place() -> None:
    first = UpcomingDate(
        "t-9", "Multiplikator:innenschulung (online)", "", at(2, 10, 6), at(2, 16, 6), place="Chemnitz, Zietenstr. 4"
    )
    uow = FakeUnitOfWork()
    await remind_refresher(expiring(), uow, Dates(multiplikator=[first]))
    (mail,) = mails(uow)
    assert "Zurzeit ist keine Auffrischung geplant" in mail.text
    assert (
        "- Multiplikator:innenschulung (online): Mittwoch, 2. Juni 2027, 10:00 bis 16:00 Uhr, Chemnitz, Zietenstr. 4"
        in mail.text
    )


async def test_without_any_date_the_mail_says_so_and_links_the_signed_personal_page() -> None:
    uow, links = FakeUnitOfWork(), TrainingLinks("ein-geheimer-schluessel-fuer-tests")
    await remind_refresher(expiring(), uow, ScheduledTrainingDates(lambda: uow, links))
    (mail,) = mails(uow)
    assert "Zurzeit ist kein Termin geplant" in mail.text and "- " not in mail.text
    token = mail.link_path.removeprefix("/meine-schulungen/")
    assert links.read(token).email == "anna@example.org" and "anna" not in mail.link_path  # signed, never in clear


async def test_a_redelivered_event_sends_no_second_mail() -> None:
    uow, dates = FakeUnitOfWork(), Dates(auffrischung=[refresher("t-1", 4)])
    assert await remind_refresher(expiring("e-1"), uow, dates)
    assert not await remind_refresher(expiring("e-1"), uow, dates)
    assert len(mails(uow)) == 1
