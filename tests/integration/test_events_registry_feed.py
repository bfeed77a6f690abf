"""Action planning follows the registry's survey campaigns and refresher notices (issue 17), over a real nats-server:
the events come through the REGISTRY stream into the running service, once each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from nats.js.errors import NotFoundError

from services.events.bootstrap import bootstrap
from services.events.config import EventsSettings
from shared.contracts import Envelope
from shared.contracts import events as e
from shared.contracts import registry as r
from shared.messaging.consumer import durable_name
from shared.messaging.rpc import request
from shared.messaging.streams import declare_owned_streams
from tests.support import eventually, retry_policy, test_clock, test_start_text


@pytest.fixture
async def service(nats_server, broker, tmp_path):
    await broker.connect()
    js = broker.connection.jetstream()
    for producer in ("registry", "notifications"):  # the streams action planning reads from
        await declare_owned_streams(js, producer, retry=retry_policy())
    settings = EventsSettings(
        nats_url=nats_server.url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'events.sqlite3'}",
        environment="test",
        clock_start=test_start_text(),
        secret_key="x" * 40,
        progress_reports=False,  # only the report asked for here
        outbox_poll_seconds=0.1,
    )
    app = bootstrap(settings)
    await app.start()
    yield app
    await app.stop()


async def publish(broker, envelope: Envelope) -> None:
    """As the registry's relay would, but without a Nats-Msg-Id: a second copy stays in the stream (a replay)."""
    await broker.publish(envelope.model_dump_json().encode(), envelope.subject, stream="REGISTRY")


async def ask(broker, spec, payload):
    reply = await request(broker, spec, payload, timeout=10, actor="test")
    assert reply.ok, reply.error
    return reply.data


async def all_acked(broker, payload: type, delivered: int) -> bool:
    try:
        info = await broker.connection.jetstream().consumer_info("REGISTRY", durable_name("events", payload.subject))
    except NotFoundError:  # the service attaches its consumers after it started (they read from the start)
        return False
    return info.delivered.stream_seq >= delivered and info.num_ack_pending == 0 and info.num_pending == 0


async def mails(broker) -> list[Envelope[e.EventsMailRequestedV1]]:
    js = broker.connection.jetstream()
    last = (await js.stream_info("EVENTS")).state.last_seq
    found = [await js.get_msg("EVENTS", seq) for seq in range(1, last + 1)]
    return [
        Envelope[e.EventsMailRequestedV1].model_validate_json(m.data)
        for m in found
        if m.subject == e.EventsMailRequestedV1.subject
    ]


async def test_a_campaigns_latest_counts_appear_in_the_compiled_report(service, broker) -> None:
    today = test_clock().today()
    counts = {"title": "Erhebung Büros 2027", "kind": "bueros", "status": "laufend", "invited": 40}
    period = {"starts_on": today - timedelta(days=10), "ends_on": today + timedelta(days=20)}
    at = datetime(2027, 1, 1, 9, tzinfo=UTC)

    def progressed(answered: int, hours: int) -> Envelope:
        payload = r.CampaignProgressedV1(campaign_id="k-1", recipients=40, answered=answered, **counts, **period)
        return Envelope.wrap(payload).model_copy(update={"occurred_at": at + timedelta(hours=hours)})

    newer, older = progressed(12, 2), progressed(5, 1)
    for envelope in (newer, older, newer):  # out of order, and the newer one twice
        await publish(broker, envelope)
    await eventually(lambda: all_acked(broker, r.CampaignProgressedV1, 3))
    report = await ask(broker, e.COMPILE_PROGRESS, e.CompileProgress())
    assert [(c.campaign_id, c.title, c.recipients, c.answered, c.rate_percent) for c in report.campaigns] == [
        ("k-1", "Erhebung Büros 2027", 40, 12, 30)
    ]
    assert report.trainings == []  # no training date planned in this test
    archived = await ask(broker, e.PROGRESS_REPORT, e.ReportRef(period_key=report.period_key))
    assert archived.campaigns == report.campaigns


async def test_an_expiring_qualification_is_mailed_once_even_when_the_event_comes_again(service, broker) -> None:
    expiring = Envelope.wrap(
        r.QualificationExpiringV1(
            name="Anna Beispiel",
            email="anna@example.org",
            qualifies_for="erstberatung",
            until=datetime(2027, 5, 31).date(),
            counsellor_id="c-1",
            office_id="o-1",
            office_name="Büro Plauen",
        )
    )
    await publish(broker, expiring)

    async def one_mail() -> bool:
        return len(await mails(broker)) == 1

    await eventually(one_mail)
    await publish(broker, expiring)  # the same event id again (a replay): the inbox knows it
    await eventually(lambda: all_acked(broker, r.QualificationExpiringV1, 2))

    async def outbox_empty() -> bool:  # a second mail would be in the outbox before the ack, then published
        return await service.relay.pending_count() == 0

    await eventually(outbox_empty)
    (mail,) = await mails(broker)
    p = mail.payload
    assert (p.to, p.to_name, p.kind) == ("anna@example.org", "Anna Beispiel", "auffrischung_faellig")
    assert "Ihre Qualifikation für die Erstberatung endet am 31. Mai 2027" in p.text
    assert p.link_path.startswith("/meine-schulungen/")
