"""The registry as its bootstrap wires it, over a real nats-server: action planning's attendance event in the EVENTS
stream qualifies a counsellor (seen through the OFFICE query); a malformed one ends in the registry's dead letters."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.registry.adapters import orm
from services.registry.adapters.unit_of_work import RegistryUnitOfWork
from services.registry.bootstrap import bootstrap
from services.registry.config import RegistrySettings
from services.registry.service_layer import handlers
from shared.contracts import Envelope
from shared.contracts import events as ev
from shared.contracts import registry as c
from shared.contracts.system import DeadLetterHeaders as H
from shared.db import make_database, upgrade
from shared.messaging.deadletter import decode_reason
from shared.messaging.rpc import request
from shared.messaging.streams import declare_owned_streams
from tests.support import eventually, retry_policy, test_start_text
from tests.unit.registry.builders import register

SUBJECT = ev.TrainingAttendedV1.subject


@pytest.fixture
async def registry(nats_server, broker, tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}"
    database = make_database(url)
    await upgrade(database, "registry")
    await handlers.handle(register(), RegistryUnitOfWork(database, orm.messaging))
    await database.dispose()
    settings = RegistrySettings(
        nats_url=nats_server.url,
        database_url=url,
        environment="test",
        clock_start=test_start_text(),
        qualification_check_seconds=3600,
    )
    app = bootstrap(settings)
    await broker.connect()
    await declare_owned_streams(broker.connection.jetstream(), "events", retry=retry_policy())
    await broker.start()
    await app.start()
    yield app
    await app.stop()


async def office(broker) -> c.OfficeSnapshot:
    reply = await request(broker, c.OFFICE, c.OfficeRef(office_id="office-1"), timeout=5)
    assert reply.ok, reply.error
    return reply.data


async def dead_letters(broker) -> list:
    js = broker.connection.jetstream()
    info = await js.stream_info("DEADLETTER_REGISTRY")
    return [await js.get_msg("DEADLETTER_REGISTRY", seq) for seq in range(1, info.state.messages + 1)]


async def test_an_attendance_event_qualifies_the_counsellor_and_a_malformed_one_is_dead_lettered(
    registry, broker
) -> None:
    payload = ev.TrainingAttendedV1(
        training_id="t-1",
        kind="multiplikator",
        title="Multiplikator:innenschulung (online)",
        on=date(2026, 11, 28),
        qualifies_for="erstberatung",
        until=date(2027, 5, 31),
        name="Anna Beispiel",
        email="anna@example.org",
        counsellor_id="c-1",
        office_id="office-1",
    )
    envelope = Envelope.wrap(payload, correlation_id="corr-17")
    headers = {"Nats-Msg-Id": str(envelope.event_id)}
    await broker.publish(envelope.model_dump_json().encode(), SUBJECT, headers=headers, stream="EVENTS")
    await broker.publish(b'{"kein": "envelope"}', SUBJECT, headers={"Nats-Msg-Id": "kaputt-17"}, stream="EVENTS")

    async def qualified() -> bool:
        return (await office(broker)).qualified_until == date(2027, 5, 31)

    async def dead_lettered() -> bool:
        return len(await dead_letters(broker)) == 1

    await eventually(qualified, timeout=20)
    await eventually(dead_lettered, timeout=20)
    snapshot = await office(broker)
    anna = next(x for x in snapshot.counsellors if x.counsellor_id == "c-1")
    assert (anna.qualifies_for, anna.qualified_until) == ("erstberatung", date(2027, 5, 31))
    assert "Multiplikator:innenschulung (online)" in {t.title for t in anna.trainings}

    (letter,) = await dead_letters(broker)
    assert letter.data == b'{"kein": "envelope"}'
    assert letter.headers[H.CODE] == "invalid_message" and letter.headers[H.ORIGINAL_SUBJECT] == SUBJECT
    assert "Ungültige Nachricht" in decode_reason(letter.headers[H.REASON])

    reply = await request(broker, c.QUALIFICATIONS, c.QualificationsQuery(), timeout=5)
    assert reply.ok, reply.error
    assert [(q.name, q.until, q.office_id) for q in reply.data.qualifications] == [
        ("Anna Beispiel", date(2027, 5, 31), "office-1")
    ]
