"""Personal mails asked for by the registry and action planning (issue 17), end to end through the notifications
service: events published into the producers' streams on a real nats-server, mails received by a real SMTP server
(aiosmtpd), checked on the raw bytes; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.header import decode_header, make_header

import pytest
from icalendar import Calendar, Event
from sqlalchemy import select

from services.notifications.adapters import orm
from services.notifications.bootstrap import bootstrap
from services.notifications.config import NotificationsSettings
from shared import ical
from shared.contracts import Envelope, notifications
from shared.contracts.events import EventsMailRequestedV1
from shared.contracts.registry import RegistryMailRequestedV1
from shared.contracts.system import DeadLetterHeaders as H
from shared.messaging.deadletter import decode_reason
from shared.messaging.rpc import request
from shared.messaging.streams import declare_owned_streams
from tests.smtp import SmtpServer
from tests.support import eventually, retry_policy, test_start_text

PUBLIC = "http://gateway.test:8000"
PETRA, JONAS = "petra.mueller@example.org", "jonas.weiss@example.org"
SURVEY_TEXT = "Guten Tag Frau Müller,\n\nbitte beantworten Sie unsere kurze Umfrage (fünf Fragen)."


def training_ics() -> str:
    cal = ical.new_calendar("-//Beratungsnetz//Schulung//DE", method="PUBLISH")
    event = Event()
    event.add("uid", "termin-1@beratungsnetz")
    event.add("dtstamp", datetime(2026, 11, 21, 9, tzinfo=UTC))
    event.add("dtstart", datetime(2027, 3, 4, 9, tzinfo=UTC))
    event.add("dtend", datetime(2027, 3, 4, 12, tzinfo=UTC))
    event.add("summary", "Auffrischung für Berater:innen")
    cal.add_component(event)
    return cal.to_ical().decode()


SURVEY = Envelope.wrap(
    RegistryMailRequestedV1(
        to=PETRA,
        to_name="Petra Müller",
        kind="umfrage_einladung",
        subject="Umfrage: Sozialberatung in Ihrem Büro – Rückmeldung erbeten",
        text=SURVEY_TEXT,
        link_path="/umfrage/tok-ä1",
        link_label="Zur Umfrage",
        reference="kampagne-7",
    )
)
TRAINING = Envelope.wrap(
    EventsMailRequestedV1(
        to=JONAS,
        to_name="Jonas Weiß",
        kind="schulung_angemeldet",
        subject="Angemeldet: Auffrischung am 4. März",
        text="Guten Tag,\n\nSie sind angemeldet. Den Termin finden Sie im Anhang.",
        ics=training_ics(),
        reference="termin-1",
    )
)


@pytest.fixture
async def system(database, nats_server, broker, tmp_path):
    """The notifications service on `database`, the registry's and action planning's streams, a real SMTP server
    that refuses Jonas for now (a temporary 451) to show the retry."""
    smtp = SmtpServer().start()
    smtp.mailbox.refuse[JONAS] = "451 Später noch einmal"
    await broker.connect()
    js = broker.connection.jetstream()
    for producer in ("registry", "events"):
        await declare_owned_streams(js, producer, retry=retry_policy())
    settings = NotificationsSettings(
        nats_url=nats_server.url,
        database_url=database.engine.url.render_as_string(hide_password=False),
        database_schema=database.schema,
        environment="test",
        clock_start=test_start_text(),
        secret_key="x" * 40,
        smtp_port=smtp.port,
        public_url=PUBLIC,
        delivery_poll_seconds=0.1,
        retry_backoff_seconds=(0.3,),
    )
    service = bootstrap(settings)
    await service.start()
    try:
        yield service, smtp, js
    finally:
        await service.stop()
        smtp.stop()


async def publish(broker, envelope: Envelope | bytes, stream: str, subject: str, msg_id: str | None = None) -> None:
    body = envelope if isinstance(envelope, bytes) else envelope.model_dump_json().encode()
    await broker.publish(body, subject, headers={"Nats-Msg-Id": msg_id} if msg_id else {}, stream=stream)


async def deliveries(database, recipient: str) -> list:
    async with database.sessions() as session:
        t = orm.deliveries
        return list((await session.execute(select(t).where(t.c.recipient == recipient))).all())


def header(raw: bytes, name: str) -> bytes:
    """A header as it went over the wire, unfolded, still encoded."""
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
    (line,) = [x for x in head.split(b"\r\n") if x.lower().startswith(name.lower().encode() + b":")]
    return line.split(b":", 1)[1].strip()


async def test_both_producers_personal_mails_arrive_once_as_other_software_reads_them(system, broker, database) -> None:
    service, smtp, js = system
    await publish(broker, SURVEY, "REGISTRY", SURVEY.subject, msg_id=str(SURVEY.event_id))
    await publish(broker, TRAINING, "EVENTS", TRAINING.subject, msg_id=str(TRAINING.event_id))

    async def survey_arrived() -> bool:
        return len(smtp.mailbox.to(PETRA)) == 1

    await eventually(survey_arrived)
    raw = smtp.mailbox.to(PETRA)[0].raw
    assert b"\r\n" in raw and smtp.mailbox.misread() == {}
    assert header(raw, "From") == b"Beratungsnetz <verteiler@beratungsnetz.example>"
    to, subject = header(raw, "To"), header(raw, "Subject")
    assert to.endswith(b"<petra.mueller@example.org>") and b"=?utf-8?" in to  # the umlaut RFC 2047-encoded
    assert all(byte < 128 for byte in subject) and b"=?utf-8?" in subject  # no 8-bit bytes in the header
    assert str(make_header(decode_header(subject.decode()))) == SURVEY.payload.subject
    assert str(make_header(decode_header(to.decode()))) == "Petra Müller <petra.mueller@example.org>"
    assert b"List-Unsubscribe" not in raw and b"List-Id" not in raw  # transactional, as the sign-in mail
    received = smtp.mailbox.to(PETRA)[0]
    text = received.text.replace("\r\n", "\n")
    assert text == SURVEY_TEXT + f"\n\nZur Umfrage:\n{PUBLIC}/umfrage/tok-ä1\n"
    assert list(received.message.iter_attachments()) == []

    # Jonas's server said 451: the row waits and is tried again, then the mail arrives with its calendar.
    async def retried() -> bool:
        return len(smtp.mailbox.to(JONAS)) == 1

    async def refused_once() -> bool:
        rows = await deliveries(database, JONAS)
        return bool(rows) and rows[0].attempts >= 1 and "451" in (rows[0].last_error or "")

    await eventually(refused_once)
    del smtp.mailbox.refuse[JONAS]
    await eventually(retried)
    raw = smtp.mailbox.to(JONAS)[0].raw
    assert b'Content-Type: text/calendar; method="PUBLISH"; charset="utf-8"' in raw
    assert b'filename="einladung.ics"' in raw
    (part,) = list(smtp.mailbox.to(JONAS)[0].message.iter_attachments())
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["method"]) == "PUBLISH"
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Auffrischung für Berater:innen"]

    # The same event again: deduplicated by the stream (same message id), and as a replay (new message id)
    # delivered to the consumer a second time; the inbox and the delivery row keep it to one mail.
    await publish(broker, SURVEY, "REGISTRY", SURVEY.subject, msg_id=str(SURVEY.event_id))
    await publish(broker, SURVEY, "REGISTRY", SURVEY.subject)

    async def replay_handled() -> bool:
        durable = next(c.durable for c in service.consumers if c.subject == SURVEY.subject)
        info = await js.consumer_info("REGISTRY", durable)
        return info.delivered.stream_seq == 2 and info.num_ack_pending == 0 and info.num_pending == 0

    await eventually(replay_handled)
    assert len(smtp.mailbox.to(PETRA)) == 1
    (row,) = await deliveries(database, PETRA)
    assert (row.status, row.kind, row.event_id) == ("sent", "persoenlich", str(SURVEY.event_id))
    async with database.sessions() as session:
        audit = (await session.execute(select(orm.audit).where(orm.audit.c.action == "persoenliche_mail"))).all()
    assert sorted((a.actor, a.subject, a.detail) for a in audit) == [
        ("events", JONAS, "schulung_angemeldet termin-1"),
        ("registry", PETRA, "umfrage_einladung kampagne-7"),
    ]


async def test_a_malformed_or_unsendable_request_is_dead_lettered_with_its_reason(system, broker, database) -> None:
    service, smtp, js = system
    body = json.loads(TRAINING.model_dump_json())
    del body["payload"]["to"]
    await publish(broker, json.dumps(body).encode(), "EVENTS", TRAINING.subject)
    bad_address = Envelope.wrap(SURVEY.payload.model_copy(update={"to": "petra.mueller-at-example.org"}))
    await publish(broker, bad_address, "REGISTRY", SURVEY.subject)

    async def letters() -> list:
        try:
            info = await js.stream_info("DEADLETTER_NOTIFICATIONS")
        except Exception:  # noqa: BLE001 - not declared yet
            return []
        return [await js.get_msg("DEADLETTER_NOTIFICATIONS", s) for s in range(1, info.state.messages + 1)]

    async def both_dead() -> bool:
        return len(await letters()) == 2

    await eventually(both_dead)
    by_code = {m.headers[H.CODE]: m for m in await letters()}
    assert set(by_code) == {"invalid_message", "permanent"}
    malformed = decode_reason(by_code["invalid_message"].headers[H.REASON])
    assert "Ungültige Nachricht für events.mail.requested.v1" in malformed and "payload.to: fehlt" in malformed
    assert by_code["invalid_message"].headers[H.ORIGINAL_SUBJECT] == TRAINING.subject
    unsendable = decode_reason(by_code["permanent"].headers[H.REASON])
    assert "Ungültige Empfängeradresse (umfrage_einladung, kampagne-7)" in unsendable
    assert "petra" not in unsendable  # the address stays out of the reason
    assert smtp.mailbox.received == [] and await deliveries(database, PETRA) == []


async def test_erasure_and_block_takes_the_personal_mails_and_a_later_one_is_not_sent(system, broker, database) -> None:
    """ "Löschen und sperren" (issue 18): a plain erasure keeps nothing that could stop a later mail; the registry
    and action planning erased the address too, so none is asked for."""
    service, smtp, js = system
    del smtp.mailbox.refuse[JONAS]
    await publish(broker, SURVEY, "REGISTRY", SURVEY.subject)

    async def arrived() -> bool:
        return len(smtp.mailbox.to(PETRA)) == 1

    await eventually(arrived)
    reply = await request(broker, notifications.ERASE, notifications.EraseInput(address=PETRA, block=True), timeout=10)
    assert reply.ok and reply.data.deliveries == 1 and await deliveries(database, PETRA) == []
    reminder = Envelope.wrap(SURVEY.payload.model_copy(update={"kind": "umfrage_erinnerung"}))
    await publish(broker, reminder, "REGISTRY", SURVEY.subject)

    async def handled() -> bool:
        durable = next(c.durable for c in service.consumers if c.subject == SURVEY.subject)
        info = await js.consumer_info("REGISTRY", durable)
        return info.delivered.stream_seq == 2 and info.num_ack_pending == 0

    await eventually(handled)
    assert len(smtp.mailbox.to(PETRA)) == 1 and await deliveries(database, PETRA) == []
    async with database.sessions() as session:
        subjects = (await session.execute(select(orm.audit.c.subject))).scalars().all()
    assert PETRA not in subjects and "gelöschte Person" in subjects
