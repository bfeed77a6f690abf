"""Training dates over a real nats-server: requests, the waiting list moving up, mails and attendance in the stream."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from services.events.bootstrap import bootstrap
from services.events.config import EventsSettings
from shared.clock import BERLIN
from shared.contracts import Envelope
from shared.contracts import events as c
from shared.messaging.rpc import request
from tests.support import eventually, test_start_text

TYPES = {
    t.subject: t for t in (c.EventsMailRequestedV1, c.TrainingAttendedV1, c.TrainingPlannedV1, c.TrainingChangedV1)
}


async def ask(broker, spec, payload):
    reply = await request(broker, spec, payload, timeout=10)
    assert reply.ok, reply.error
    return reply.data


async def stream(broker) -> list[Envelope]:
    js = broker.connection.jetstream()
    last = (await js.stream_info("EVENTS")).state.last_seq
    found = []
    for seq in range(1, last + 1):
        msg = await js.get_msg("EVENTS", seq)
        payload = TYPES.get(msg.subject)
        found.append(
            Envelope[payload].model_validate_json(msg.data) if payload else Envelope.model_validate_json(msg.data)
        )
    return found


async def test_waiting_list_mails_and_attendance_go_through_the_stream(nats_server, broker, tmp_path) -> None:
    settings = EventsSettings(
        nats_url=nats_server.url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'events.sqlite3'}",
        environment="test",
        clock_start=test_start_text(),
        secret_key="x" * 40,
        progress_reports=False,
    )
    service = bootstrap(settings)
    await service.start()
    try:
        await broker.connect()
        start = (
            (service.clock.now() + timedelta(days=7))
            .astimezone(BERLIN)
            .replace(hour=10, minute=0, second=0, microsecond=0)
        )
        plan = c.PlanTraining(
            kind="multiplikator", start=start, end=start + timedelta(hours=5), online=True, capacity=1
        )
        training = await ask(broker, c.PLAN_TRAINING, plan)
        tid = training.training_id
        people = [("Anna Beispiel", "anna@example.org"), ("Bert Muster", "bert@example.org")]
        first, second = [
            await ask(broker, c.REGISTER_PARTICIPANT, c.RegisterParticipant(training_id=tid, name=n, email=e))
            for n, e in people
        ]
        assert (first.participant.status, second.participant.status) == ("angemeldet", "warteliste")
        assert second.participant.waiting_position == 1
        cancelled = await ask(
            broker,
            c.CANCEL_PARTICIPANT,
            c.CancelParticipant(training_id=tid, participant_id=first.participant.participant_id),
        )
        assert "Bert Muster rückt von der Warteliste nach" in cancelled.message
        one = await ask(broker, c.TRAINING, c.TrainingRef(training_id=tid))
        assert [(p.name, p.status) for p in one.participants] == [
            ("Anna Beispiel", "abgemeldet"),
            ("Bert Muster", "angemeldet"),
        ]

        refused = await request(broker, c.RECORD_ATTENDANCE, c.RecordAttendance(training_id=tid, attended=[]))
        assert not refused.ok and refused.error.code == "noch_nicht_begonnen"
        service.clock.advance(timedelta(days=8))
        held = await ask(
            broker,
            c.RECORD_ATTENDANCE,
            c.RecordAttendance(training_id=tid, attended=[second.participant.participant_id]),
        )
        assert held.status == "durchgefuehrt"

        async def attended_arrived() -> bool:
            return any(e.subject == c.TrainingAttendedV1.subject for e in await stream(broker))

        await eventually(attended_arrived, timeout=15)
        envelopes = await stream(broker)
        mails = [e.payload for e in envelopes if e.subject == c.EventsMailRequestedV1.subject]
        assert [(m.kind, m.to) for m in mails] == [
            ("schulung_angemeldet", "anna@example.org"),
            ("schulung_warteliste", "bert@example.org"),
            ("schulung_abgemeldet", "anna@example.org"),
            ("schulung_nachgerueckt", "bert@example.org"),
        ]
        assert all(m.link_path.startswith("/meine-schulungen/") and m.link_label == "Meine Schulungen" for m in mails)
        (event,) = Calendar.from_ical(mails[3].ics).walk("VEVENT")
        assert event.decoded("dtstart") == start and str(event["uid"]) == f"schulung-{tid}@beratungsnetz"
        (attended,) = [e.payload for e in envelopes if e.subject == c.TrainingAttendedV1.subject]
        day = start.date()
        assert (attended.email, attended.on, attended.qualifies_for) == ("bert@example.org", day, "erstberatung")
        assert attended.until.month == (day.month + 5) % 12 + 1 and attended.until.day <= day.day
        planned = [e.payload for e in envelopes if e.subject == c.TrainingPlannedV1.subject]
        assert planned[0].training.participants == []

        mine = await ask(broker, c.MY_TRAININGS, c.PersonToken(token=mails[3].link_path.rsplit("/", 1)[1]))
        assert mine.email == "bert@example.org" and [r.participant.status for r in mine.registrations] == [
            "teilgenommen"
        ]
        bad = await request(broker, c.MY_TRAININGS, c.PersonToken(token="abc.def"))
        assert not bad.ok and (bad.error.code, bad.error.message) == ("link_ungueltig", "Dieser Link ist ungültig.")
    finally:
        await service.stop()
