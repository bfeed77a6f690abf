"""Personal mails other services ask for (issue 17): composed by the real composer, queued once per event,
audited by kind and reference, not sent to a blocked address; no network."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from icalendar import Calendar, Event

from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Sender
from services.notifications.domain import commands
from services.notifications.entrypoints.translate import TRANSLATIONS
from services.notifications.service_layer.handlers import handle
from services.notifications.service_layer.ports import Deps
from shared import ical
from shared.clock import Clock
from shared.contracts import Envelope
from shared.contracts.events import EventsMailRequestedV1
from shared.contracts.registry import RegistryMailRequestedV1
from shared.errors import PermanentFailure
from tests.unit.notifications.fakes import FakeUnitOfWork
from tests.unit.notifications.world import SECRET, StoppedClock

SENDER = Sender("verteiler@beratungsnetz.example", "Beratungsnetz", "beratungsnetz.example")
PUBLIC = "https://bn.example/"  # with a trailing slash: the link must not get two
TEXT = "Guten Tag Frau Müller,\n\nbitte beantworten Sie unsere kurze Umfrage zur Sozialberatung in Ihrem Büro."


def training_ics() -> str:
    cal = ical.new_calendar("-//Beratungsnetz//Schulung//DE", method="PUBLISH")
    event = Event()
    event.add("uid", "t-1@beratungsnetz")
    event.add("dtstamp", datetime(2026, 11, 21, 9, tzinfo=UTC))
    event.add("dtstart", datetime(2027, 3, 4, 9, tzinfo=UTC))
    event.add("dtend", datetime(2027, 3, 4, 12, tzinfo=UTC))
    event.add("summary", "Multiplikator:innenschulung (online)")
    cal.add_component(event)
    return cal.to_ical().decode()


def survey(**extra: object) -> Envelope:
    payload = {
        "to": "petra.mueller@example.org",
        "to_name": "Petra Müller",
        "kind": "umfrage_einladung",
        "subject": "Umfrage: Sozialberatung in Ihrem Büro – bitte um Rückmeldung",
        "text": TEXT,
        "link_path": "/umfrage/tok-123",
        "link_label": "Zur Umfrage",
        "reference": "kampagne-7",
    } | extra
    return Envelope.wrap(RegistryMailRequestedV1(**payload))


def training(**extra: object) -> Envelope:
    payload = {
        "to": "jonas@example.org",
        "kind": "schulung_angemeldet",
        "subject": "Angemeldet: Multiplikator:innenschulung am 4. März",
        "text": "Guten Tag,\n\nSie sind angemeldet.",
        "ics": training_ics(),
        "reference": "termin-1",
    } | extra
    return Envelope.wrap(EventsMailRequestedV1(**payload))


@pytest.fixture
def world(clock: Clock) -> tuple[Deps, FakeUnitOfWork]:
    uow, held = FakeUnitOfWork(), StoppedClock(clock)
    deps = Deps(uow, MailComposer(SENDER, PUBLIC, held.now), lambda *_: b"", None, held.now, SECRET, PUBLIC)  # type: ignore[arg-type]
    return deps, uow


async def deliver(deps: Deps, envelope: Envelope) -> None:
    await handle(TRANSLATIONS[type(envelope.payload)](envelope), deps)


def sent(uow: FakeUnitOfWork) -> list:
    return [message_from_bytes(r["message"], policy=policy.default) for r in uow.committed.deliveries]


async def test_a_survey_mail_is_german_with_its_absolute_link_and_no_attachment(world) -> None:
    deps, uow = world
    envelope = survey()
    await deliver(deps, envelope)
    (msg,) = sent(uow)
    assert msg["From"] == "Beratungsnetz <verteiler@beratungsnetz.example>"
    assert msg["To"] == "Petra Müller <petra.mueller@example.org>"
    assert msg["Subject"] == "Umfrage: Sozialberatung in Ihrem Büro – bitte um Rückmeldung"
    assert msg["List-Id"] is None and msg["List-Unsubscribe"] is None  # transactional, as the sign-in mail
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")  # SMTP line ends
    assert text == TEXT + "\n\nZur Umfrage:\nhttps://bn.example/umfrage/tok-123\n"
    assert list(msg.iter_attachments()) == []
    (row,) = uow.committed.deliveries
    assert (row["kind"], row["status"], row["event_id"]) == ("persoenlich", "pending", str(envelope.event_id))
    (audit,) = uow.committed.audit
    assert (audit["actor"], audit["action"], audit["subject"], audit["detail"]) == (
        "registry",
        "persoenliche_mail",
        "petra.mueller@example.org",
        "umfrage_einladung kampagne-7",
    )
    assert "Umfrage" not in audit["detail"]  # the kind and reference, not the text


async def test_a_training_confirmation_carries_the_calendar_and_no_link_without_a_path(world) -> None:
    deps, uow = world
    await deliver(deps, training())
    (msg,) = sent(uow)
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")  # SMTP line ends
    assert text == "Guten Tag,\n\nSie sind angemeldet.\n" and "https://" not in text
    (part,) = list(msg.iter_attachments())
    assert part.get_filename() == "einladung.ics"
    assert (part.get_content_type(), part.get_param("method"), part.get_param("charset")) == (
        "text/calendar",
        "PUBLISH",
        "utf-8",
    )
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Multiplikator:innenschulung (online)"]


async def test_the_same_event_twice_queues_one_mail(world) -> None:
    deps, uow = world
    envelope = survey()
    await deliver(deps, envelope)
    await deliver(deps, envelope)
    assert len(uow.committed.deliveries) == 1 and len(uow.committed.audit) == 1


async def test_an_invalid_address_can_never_be_sent_and_its_reason_does_not_name_it(world) -> None:
    deps, uow = world
    with pytest.raises(PermanentFailure, match="Ungültige Empfängeradresse") as caught:
        await deliver(deps, survey(to="petra.mueller-at-example.org"))
    assert "petra" not in str(caught.value)
    assert uow.committed.deliveries == [] and uow.committed.inbox == set()


async def test_a_name_that_would_break_the_header_is_left_out_not_the_mail(world) -> None:
    deps, uow = world
    await deliver(deps, survey(to_name="Petra\r\nBcc: x@example.org"))
    (msg,) = sent(uow)
    assert msg["To"] == "petra.mueller@example.org" and msg["Bcc"] is None


async def test_a_blocked_address_gets_no_personal_mail_and_erasure_takes_the_earlier_ones(world) -> None:
    deps, uow = world
    await deliver(deps, survey())
    counts = await handle(commands.ErasePerson("petra.mueller@example.org", block=True), deps)
    assert counts["deliveries"] == 1 and uow.committed.deliveries == []
    assert uow.committed.audit[0]["subject"] == "gelöschte Person"
    await deliver(deps, survey(kind="umfrage_erinnerung"))  # a later reminder for the erased address
    assert uow.committed.deliveries == [] and len(uow.committed.audit) == 1
