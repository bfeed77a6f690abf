"""Action planning on a real database (SQLite and PostgreSQL): storage, outbox events, once-per-key, replica."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from services.events.adapters import orm
from services.events.adapters.unit_of_work import EventsUnitOfWork
from services.events.domain import commands
from services.events.domain.groups import GroupReplica
from services.events.entrypoints.translate import follow_group
from services.events.service_layer import handlers, periodic, views
from services.events.service_layer.campaigns import apply_campaign_event
from services.events.service_layer.replica import apply_group_event, apply_group_events
from shared.contracts import Envelope
from shared.contracts import registry as r
from shared.db import upgrade
from tests import support
from tests.unit.events.test_actions import zahltag
from tests.unit.events.test_workplan import item


async def prepared(database):
    await upgrade(database, "events")
    uow = lambda: EventsUnitOfWork(database, orm.messaging, support.test_clock())  # noqa: E731
    async with uow() as unit:
        for gid, name in (("g-v", "Vogtland"), ("g-e", "Erzgebirge")):
            await unit.groups.add(GroupReplica(gid, name, "SN", sequence=1, seen=1))
        await unit.commit()
    return uow


async def outbox(database) -> list[tuple[str, bytes]]:
    async with database.sessions() as session:
        t = orm.messaging.outbox
        return [
            (row.subject, row.body)
            for row in await session.execute(select(t.c.subject, t.c.body).order_by(t.c.position))
        ]


async def test_actions_round_trip_and_each_change_is_one_event_with_group_names(database) -> None:
    uow = await prepared(database)
    await handlers.handle(commands.PlanAction("g-v", zahltag(), action_id="a-1"), uow())
    await handlers.handle(commands.InviteGroups("a-1", ("g-e",)), uow())
    await handlers.handle(commands.InviteGroups("a-1", ("g-e",)), uow())  # nothing new
    stored = await views.action(uow(), "a-1")
    assert stored.schedule == zahltag() and str(stored.schedule.start.tzinfo) == "Europe/Berlin"
    assert stored.invitations == (("g-e", "offen"),)
    sent = await outbox(database)
    assert [s for s, _ in sent] == ["events.action.planned.v1", "events.action.invited.v1"]
    assert b'"group_name":"Erzgebirge"' in sent[1][1] and b'"guideline":"Leitlinie der LAG' in sent[0][1]


async def test_reminders_once_per_due_date_across_transactions(database) -> None:
    uow = await prepared(database)
    async with uow() as unit:
        await unit.items.add(item("25.11.2026", created=date(2026, 1, 1), item_id="i-1"))
        await unit.commit()
    assert await periodic.send_reminders(commands.SendReminders(date(2026, 11, 21), 7), uow()) == 1
    assert await periodic.send_reminders(commands.SendReminders(date(2026, 11, 22), 7), uow()) == 0
    assert [s for s, _ in await outbox(database)] == ["events.workitem.reminder_due.v1"]


async def test_replica_applies_each_event_once_and_never_goes_back_in_time(database) -> None:
    uow = await prepared(database)
    formed = Envelope.wrap(r.GroupFormedV1(group_id="g-l", name="Leipzig", state="SN"))
    renamed = Envelope.wrap(r.GroupRenamedV1(group_id="g-l", name="Leipzig-Stadt", state="SN", old_name="Leipzig"))
    assert await apply_group_event(follow_group(renamed, 12), uow())
    assert await apply_group_event(follow_group(formed, 10), uow())  # arrives late: counted, not undoing the rename
    assert not await apply_group_event(follow_group(renamed, 12), uow())  # redelivered: already processed
    (leipzig,) = [g for g in await views.groups(uow()) if g.id == "g-l"]
    assert (leipzig.name, leipzig.sequence, leipzig.seen) == ("Leipzig-Stadt", 12, 2)


async def test_a_batch_is_applied_in_one_transaction_in_stream_order_each_event_once(database) -> None:
    uow = await prepared(database)
    formed = [Envelope.wrap(r.GroupFormedV1(group_id=f"g{i}", name=f"Gruppe {i}", state="SN")) for i in range(300)]
    renamed = Envelope.wrap(r.GroupRenamedV1(group_id="g7", name="Gruppe Sieben", state="SN", old_name="Gruppe 7"))
    batch = [(e, i + 1) for i, e in enumerate(formed)] + [(renamed, 400), (formed[3], 4)]  # out of order, one twice
    batch = [follow_group(envelope, sequence) for envelope, sequence in batch]
    assert await apply_group_events(list(reversed(batch)), uow()) == 301
    assert await apply_group_events(batch[:10], uow()) == 0  # redelivered: nothing applied twice
    groups = {g.id: g for g in await views.groups(uow())}
    assert {f"g{i}" for i in range(300)} <= groups.keys() and (
        groups["g7"].name,
        groups["g7"].sequence,
        groups["g7"].seen,
    ) == ("Gruppe Sieben", 400, 2)
    assert groups["g3"].seen == 1


async def test_the_campaign_replica_keeps_the_latest_counts_on_each_database(database) -> None:
    uow = await prepared(database)
    at = datetime(2027, 1, 1, 9, tzinfo=UTC)

    def follow(event_id: str, hours: int, answered: int) -> commands.FollowCampaign:
        received = commands.Received(event_id, r.CampaignProgressedV1.subject)
        return commands.FollowCampaign(
            received,
            at + timedelta(hours=hours),
            "k-1",
            "Büros",
            "bueros",
            date(2027, 1, 1),
            date(2027, 2, 28),
            40,
            answered,
        )

    assert await apply_campaign_event(follow("e-2", 2, 12), uow())
    assert await apply_campaign_event(follow("e-1", 1, 5), uow())  # older counts, arriving late: not taken
    assert not await apply_campaign_event(follow("e-2", 2, 12), uow())  # redelivered
    async with uow() as unit:
        (stored,) = await unit.campaigns.list()
    assert (stored.answered, stored.recipients, stored.occurred_at, stored.ends_on) == (
        12,
        40,
        at + timedelta(hours=2),
        date(2027, 2, 28),
    )
    assert await apply_campaign_event(follow("e-3", 3, 20), uow())
    async with uow() as unit:
        assert (await unit.campaigns.get("k-1")).answered == 20
    report = await periodic.compile_progress(
        commands.CompileProgressReport(datetime(2027, 2, 1, tzinfo=UTC), "p", datetime(2027, 1, 25, tzinfo=UTC)), uow()
    )
    assert [(c.campaign_id, c.rate_percent) for c in report.campaigns] == [("k-1", 50)]
