"""Training dates (issue 17) on fakes: capacity, waiting list, personal links, attendance, mails, reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from services.events.adapters.training_calendar import mail_contract
from services.events.domain import training_commands as tc
from services.events.domain.commands import ForgetPerson, Received
from services.events.domain.errors import Conflict, NotFound
from services.events.domain.training_links import InvalidLink, TrainingLinks
from services.events.domain.training_mails import TrainingMail
from services.events.domain.trainings import (
    Costs,
    Details,
    Kind,
    Person,
    Training,
    TrainingAttended,
    TrainingChanged,
    TrainingPlanned,
    add_months,
)
from services.events.service_layer import trainings
from services.events.service_layer.replica import erase_person
from shared.clock import BERLIN
from tests.unit.events.fakes import FakeUnitOfWork

MULTI = Kind("multiplikator", "Multiplikator:innenschulung (online)", "erstberatung", 6)
SEMINAR = Kind("seminartag", "Seminartag für Berater:innen")
LINKS = TrainingLinks("ein-geheimer-schluessel-fuer-tests")
ANNA = Person("Anna Beispiel", "anna@example.org", office_name="Treff Plauen")
BERT = Person("Bert Muster", "bert@example.org")
CARLA = Person("Carla Probe", "carla@example.org")


def details(now: datetime, capacity: int = 1, kind: Kind = MULTI, days: int = 10) -> Details:
    start = (now + timedelta(days=days)).astimezone(BERLIN).replace(hour=10, minute=0, second=0, microsecond=0)
    return Details(kind, "", start, start + timedelta(hours=6), online=True, capacity=capacity)


def mails(uow: FakeUnitOfWork) -> list[TrainingMail]:
    return [e for e in uow.published if isinstance(e, TrainingMail)]


async def planned(uow: FakeUnitOfWork, capacity: int = 1, **kw: object) -> Training:
    now = uow.clock.now()
    return await trainings.handle(tc.PlanTraining(details(now, capacity, **kw), now), uow, LINKS)


async def register(uow: FakeUnitOfWork, t: Training, person: Person) -> trainings.Registered:
    return await trainings.handle(tc.RegisterParticipant(t.id, person, uow.clock.now()), uow, LINKS)


async def test_full_date_puts_people_on_the_waiting_list_which_moves_up_on_cancellation() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=1)
    assert t.name == MULTI.label and isinstance(uow.published[0], TrainingPlanned)
    anna, bert, carla = [await register(uow, t, p) for p in (ANNA, BERT, CARLA)]
    assert anna.message == "Anna Beispiel ist angemeldet."
    assert bert.message == "Bert Muster steht auf der Warteliste (Platz 1)."
    assert carla.message == "Carla Probe steht auf der Warteliste (Platz 2)."
    assert [m.kind for m in mails(uow)] == ["schulung_angemeldet", "schulung_warteliste", "schulung_warteliste"]
    assert "Platz 2" in mails(uow)[2].text and mails(uow)[0].with_ics

    done = await trainings.handle(tc.CancelParticipant(t.id, anna.participant.id, uow.clock.now()), uow, LINKS)
    assert done.message == "Anna Beispiel ist abgemeldet. Bert Muster rückt von der Warteliste nach."
    stored = await uow.trainings.get(t.id)
    assert [(p.name, p.status) for p in stored.participants] == [
        ("Anna Beispiel", "abgemeldet"),
        ("Bert Muster", "angemeldet"),
        ("Carla Probe", "warteliste"),
    ]
    assert stored.waiting_position(stored.participants[2]) == 1 and stored.free() == 0
    sent = mails(uow)[3:]
    assert [(m.kind, m.to) for m in sent] == [
        ("schulung_abgemeldet", "anna@example.org"),
        ("schulung_nachgerueckt", "bert@example.org"),
    ]
    assert sent[1].with_ics and sent[1].link_path.startswith("/meine-schulungen/")
    assert LINKS.read(sent[1].link_path.removeprefix("/meine-schulungen/")).email == "bert@example.org"


async def test_a_larger_capacity_moves_waiting_people_up() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=1)
    for p in (ANNA, BERT):
        await register(uow, t, p)
    now = uow.clock.now()
    changed = await trainings.handle(tc.ChangeTraining(t.id, details(now, 2), now), uow, LINKS)
    assert changed.free() == 0 and not changed.waiting() and mails(uow)[-1].kind == "schulung_nachgerueckt"
    with pytest.raises(Conflict) as refused:
        await trainings.handle(tc.ChangeTraining(t.id, details(now, 1), now), uow, LINKS)
    assert refused.value.code == "zu_wenig_plaetze"


async def test_the_same_address_twice_is_one_entry_and_a_cancelled_person_may_come_back() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=2)
    first = await register(uow, t, ANNA)
    again = await register(uow, t, Person("Anna B.", "ANNA@example.org"))
    assert again.message == "Anna Beispiel ist schon angemeldet." and again.participant.id == first.participant.id
    assert len((await uow.trainings.get(t.id)).participants) == 1 and len(mails(uow)) == 1
    await trainings.handle(tc.CancelParticipant(t.id, first.participant.id, uow.clock.now()), uow, LINKS)
    back = await register(uow, t, ANNA)
    stored = await uow.trainings.get(t.id)
    assert back.participant.status == "angemeldet" and len(stored.participants) == 1


async def test_registration_closes_when_the_training_starts_and_a_cancelled_date_takes_none() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=5)
    uow.clock.advance(timedelta(days=11))
    with pytest.raises(Conflict) as closed:
        await register(uow, t, ANNA)
    assert closed.value.code == "anmeldung_geschlossen" and "geschlossen" in closed.value.message

    other = await planned(uow, capacity=5)
    await register(uow, other, BERT)
    await trainings.handle(tc.CancelTraining(other.id, "Referentin krank", uow.clock.now()), uow, LINKS)
    assert mails(uow)[-1].kind == "schulung_abgesagt" and "Referentin krank" in mails(uow)[-1].text
    with pytest.raises(Conflict) as cancelled:
        await register(uow, other, ANNA)
    assert cancelled.value.code == "schulung_abgesagt"


async def test_a_personal_link_acts_only_for_its_own_person() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=1)
    anna_token, bert_token = LINKS.token(ANNA), LINKS.token(BERT)
    now = uow.clock.now()
    got = await trainings.handle(tc.RegisterByLink(anna_token, t.id, now), uow, LINKS)
    assert got.participant.email == "anna@example.org"
    with pytest.raises(NotFound):  # Bert's link cannot cancel Anna's registration
        await trainings.handle(tc.CancelByLink(bert_token, t.id, now), uow, LINKS)
    assert (await uow.trainings.get(t.id)).participants[0].status == "angemeldet"

    payload, _, signature = anna_token.partition(".")
    forged = LINKS.token(BERT).partition(".")[0] + "." + signature  # Bert's data under Anna's signature
    for bad in (forged, payload + ".x", "kaputt", anna_token + "x"):
        with pytest.raises(InvalidLink) as refused:
            await trainings.handle(tc.CancelByLink(bad, t.id, now), uow, LINKS)
        assert (refused.value.code, refused.value.message) == ("link_ungueltig", "Dieser Link ist ungültig.")
    assert TrainingLinks("ein-anderer-schluessel-fuer-tests").token(ANNA) != anna_token

    mine = await trainings.my_trainings(uow, LINKS, anna_token, now)
    assert [r.message for r in mine.registrations] == ["angemeldet"] and mine.open_dates == []
    theirs = await trainings.my_trainings(uow, LINKS, bert_token, now)
    assert theirs.registrations == [] and [d.id for d in theirs.open_dates] == [t.id]

    left = await trainings.handle(tc.CancelByLink(anna_token, t.id, now), uow, LINKS)
    assert left.participant.status == "abgemeldet"


async def test_my_trainings_offers_the_kinds_of_the_link_first_and_next_dates_is_soonest_first() -> None:
    uow = FakeUnitOfWork()
    seminar = await planned(uow, kind=SEMINAR, days=5)
    multi = await planned(uow, kind=MULTI, days=20)
    token = LINKS.token(Person("Dora", "dora@example.org", kinds=("multiplikator",)))
    mine = await trainings.my_trainings(uow, LINKS, token, uow.clock.now())
    assert [t.id for t in mine.open_dates] == [multi.id, seminar.id]
    assert [t.id for t in await trainings.next_dates(uow, None, 5)] == [seminar.id, multi.id]
    assert [t.id for t in await trainings.next_dates(uow, "multiplikator", 5)] == [multi.id]
    assert trainings.personal_link_path(LINKS, ANNA) == "/meine-schulungen/" + LINKS.token(ANNA)


async def test_invite_person_mails_the_personal_link() -> None:
    uow = FakeUnitOfWork()
    await planned(uow)
    message = await trainings.handle(tc.InvitePerson(ANNA, uow.clock.now()), uow, LINKS)
    (mail,) = mails(uow)
    assert "anna@example.org" in message and mail.kind == "schulung_einladung"
    assert mail.link_path == "/meine-schulungen/" + LINKS.token(ANNA) and mail.link_label == "Meine Schulungen"
    assert MULTI.label in mail.text


async def test_attendance_only_after_the_start_and_again_as_a_correction() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=3)
    a, b, c = [(await register(uow, t, p)).participant.id for p in (ANNA, BERT, CARLA)]
    with pytest.raises(Conflict) as early:
        await trainings.handle(tc.RecordAttendance(t.id, (a,), uow.clock.now()), uow, LINKS)
    assert early.value.code == "noch_nicht_begonnen"
    uow.clock.advance(timedelta(days=10, hours=8))
    before = len(uow.published)
    held = await trainings.handle(tc.RecordAttendance(t.id, (a, b), uow.clock.now()), uow, LINKS)
    assert held.status == "durchgefuehrt"
    assert [p.status for p in held.participants] == ["teilgenommen", "teilgenommen", "nicht_erschienen"]
    attended = [e for e in uow.published[before:] if isinstance(e, TrainingAttended)]
    assert [e.participant.name for e in attended] == ["Anna Beispiel", "Bert Muster"]
    assert attended[0].on == t.day and attended[0].until == add_months(t.day, 6)
    before = len(uow.published)
    await trainings.handle(tc.RecordAttendance(t.id, (a, c), uow.clock.now()), uow, LINKS)
    attended = [e for e in uow.published[before:] if isinstance(e, TrainingAttended)]
    assert [e.participant.name for e in attended] == ["Carla Probe"]  # only the new attendee
    assert [p.status for p in (await uow.trainings.get(t.id)).participants] == [
        "teilgenommen",
        "nicht_erschienen",
        "teilgenommen",
    ]


def test_until_counts_calendar_months_and_clamps_to_the_months_end() -> None:
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 6) == date(2027, 5, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 7, 10), 18) == date(2028, 1, 10)
    start = datetime(2026, 8, 31, 23, 30, tzinfo=BERLIN)  # 21:30 UTC: the day is Berlin's
    t = Training.plan("t", Details(MULTI, "", start, start + timedelta(hours=1), True), start - timedelta(days=1))
    assert t.day == date(2026, 8, 31) and t.valid_until() == date(2027, 2, 28)
    seminar = Training.plan(
        "s", Details(SEMINAR, "", start, start + timedelta(hours=1), True), start - timedelta(days=1)
    )
    assert seminar.valid_until() is None


async def test_reminders_the_day_before_and_the_application_deadline_go_out_once() -> None:
    uow = FakeUnitOfWork()
    now = uow.clock.now()
    t = await planned(uow, capacity=1, days=3)
    for p in (ANNA, BERT):
        await register(uow, t, p)
    await trainings.handle(tc.SetCosts(t.id, Costs(45000, t.day + timedelta(days=5))), uow, LINKS)

    def tick(at: datetime) -> tc.SendTrainingReminders:
        return tc.SendTrainingReminders(at, 14, "lgs@example.org")

    assert await trainings.send_training_reminders(tick(now), uow, LINKS) == 1  # the application only
    assert mails(uow)[-1].kind == "antrag_frist" and mails(uow)[-1].to == "lgs@example.org"
    assert await trainings.send_training_reminders(tick(now), uow, LINKS) == 0
    day_before = now + timedelta(days=2)
    assert await trainings.send_training_reminders(tick(day_before), uow, LINKS) == 1  # Anna; Bert waits
    assert [(m.kind, m.to) for m in mails(uow)[-1:]] == [("schulung_erinnerung", "anna@example.org")]
    assert await trainings.send_training_reminders(tick(day_before + timedelta(hours=1)), uow, LINKS) == 0


async def test_an_erasure_blanks_the_participant_and_nobody_mails_them() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=1)
    anna = await register(uow, t, ANNA)
    await register(uow, t, BERT)
    gone = ForgetPerson(Received("e1", "notifications.person.erased.v1"), "BERT@example.org")
    assert (await erase_person(gone, uow)).count == 1
    stored = await uow.trainings.get(t.id)
    assert (stored.participants[1].name, stored.participants[1].email) == ("", "")
    assert "bert@example.org" not in str(stored.participants)
    sent = len(mails(uow))
    await trainings.handle(tc.CancelParticipant(t.id, anna.participant.id, uow.clock.now()), uow, LINKS)
    assert [m.to for m in mails(uow)[sent:]] == ["anna@example.org"]  # the one who moved up has no address


async def test_a_confirmation_carries_an_ics_of_the_date() -> None:
    uow = FakeUnitOfWork()
    t = await planned(uow)
    await register(uow, t, ANNA)
    wire = mail_contract(mails(uow)[0], uow.clock.now())
    cal = Calendar.from_ical(wire.ics)
    (event,) = cal.walk("VEVENT")
    assert str(cal["method"]) == "PUBLISH" and str(event["uid"]) == f"schulung-{t.id}@beratungsnetz"
    assert event.decoded("dtstart") == t.details.start and cal.walk("VTIMEZONE")
    assert wire.link_label == "Meine Schulungen" and wire.kind == "schulung_angemeldet" and wire.reference == t.id
    changed = [e for e in uow.published if isinstance(e, TrainingChanged)]
    assert changed[-1].training.participants[0].name == "Anna Beispiel" and changed[-1].training is not t


async def test_the_progress_report_names_the_coming_training_dates_with_places_taken_and_waiting() -> None:
    from services.events.domain import commands
    from services.events.service_layer import periodic

    uow = FakeUnitOfWork()
    t = await planned(uow, capacity=1)  # ten days ahead: within the month after the period
    await register(uow, t, ANNA)
    await register(uow, t, BERT)
    later = await planned(uow, capacity=5, days=60)  # beyond the month after the period: not named
    cancelled = await planned(uow, capacity=5, days=12)
    await trainings.handle(tc.CancelTraining(cancelled.id, "", uow.clock.now()), uow, LINKS)
    now = uow.clock.now()
    report = await periodic.compile_progress(commands.CompileProgressReport(now, "p", now - timedelta(days=7)), uow)
    assert report is not None
    assert [(line.training_id, line.registered, line.waiting, line.attended) for line in report.trainings] == [
        (t.id, 1, 1, None)
    ]
    assert later.id not in {line.training_id for line in report.trainings}
