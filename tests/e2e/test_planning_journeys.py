"""Journeys 2 (joint action) and 5 (work plan), and staying in sync with the registry (journey 6),
with the registry and action planning as their own processes over a real nats-server."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy

from shared.clock import BERLIN
from shared.contracts import events as e
from shared.contracts import registry as r
from shared.messaging.rpc import request
from tests.e2e.processes import start_service, stop, wait_healthy
from tests.support import brief_file

pytestmark = pytest.mark.e2e
SEED = "seeds/004_34595da5e9f5134e.txt"  # the team's brief beside the checkout; absent in a plain clone
FAST = {"scheduler_seconds": "0.5", "progress_interval_seconds": "2", "reminder_days_before": "7"}


async def ask(broker, spec, payload, timeout: float = 10):
    reply = await request(broker, spec, payload, timeout=timeout, actor="test")
    assert reply.ok, reply.error
    return reply.data


async def until(check, timeout: float = 10.0, interval: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := await check():
            return result
        await asyncio.sleep(interval)
    raise AssertionError(f"nicht innerhalb von {timeout} s: {check.__name__}")


async def subjects_on(broker, stream: str) -> list[tuple[str, dict]]:
    js = broker.connection.jetstream()
    total = (await js.stream_info(stream)).state.messages
    sub = await js.pull_subscribe(">", stream=stream, config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL))
    found = []
    while len(found) < total:
        found += await sub.fetch(min(200, total - len(found)), timeout=5)
    await sub.unsubscribe()
    return [(m.subject, json.loads(m.data)) for m in found]


@pytest.fixture
async def system(nats_server, broker, tmp_path: Path):
    await broker.connect()
    registry = start_service("registry", nats_server.url, tmp_path)
    await wait_healthy(broker, "registry", registry)
    planning = start_service("events", nats_server.url, tmp_path, **FAST)
    await wait_healthy(broker, "events", planning)
    processes = {"registry": registry, "events": planning}
    yield broker, processes, tmp_path, nats_server
    for process in processes.values():
        stop(process)


async def form(broker, name: str) -> str:
    return (
        await ask(
            broker,
            r.FORM_GROUP,
            r.FormGroup(name=name, state="SN", coordinator=r.Coordinator(name=f"Koordination {name}")),
        )
    ).group_id


async def known_here(broker, group_id: str) -> e.GroupV1 | None:
    groups = (await ask(broker, e.GROUPS, e.GroupsQuery())).groups
    return next((g for g in groups if g.group_id == group_id), None)


async def test_journey_joint_action(system, clock) -> None:
    broker, *_ = system
    ids = {}
    for name in ("Vogtland", "Erzgebirge", "Chemnitz"):
        started = time.monotonic()
        ids[name] = await form(broker, name)

        async def arrived(group_id: str = ids[name]) -> e.GroupV1 | None:
            return await known_here(broker, group_id)

        await until(arrived, timeout=5.0)  # a group formed in the registry is known here within a second
        assert time.monotonic() - started < 1.0, f"{name}: {time.monotonic() - started:.2f} s"

    day = clock.today() - timedelta(days=1)  # held yesterday, so that it can be completed today
    start = datetime(day.year, day.month, day.day, 8, 30)
    planned = await ask(
        broker,
        e.PLAN_ACTION,
        e.PlanAction(
            organiser_group_id=ids["Vogtland"],
            kind="zahltag",
            title="Zahltag-Aktion am Jobcenter",
            job_centre="Jobcenter Plauen",
            place="Vorplatz",
            start=start,
            end=start.replace(hour=11),
            responsible=["Kathrin"],
        ),
    )
    assert "nicht angegriffen fühlen" in planned.guideline and planned.warnings == []
    action_id = planned.action.action_id
    invited = await ask(
        broker, e.INVITE_GROUPS, e.InviteGroups(action_id=action_id, group_ids=[ids["Erzgebirge"], ids["Chemnitz"]])
    )
    assert [(i.group_name, i.status) for i in invited.invitations] == [("Erzgebirge", "offen"), ("Chemnitz", "offen")]
    refused = await request(broker, e.CONFIRM_ACTION, e.ActionRef(action_id=action_id), timeout=5)
    assert not refused.ok and refused.error.code == "konflikt" and "Noch keine Antwort von 2" in refused.error.message
    early = await request(broker, e.COMPLETE_ACTION, e.CompleteAction(action_id=action_id, participants=3), timeout=5)
    assert not early.ok and early.error.code == "konflikt" and "wenn sie bestätigt ist" in early.error.message
    for group in ("Erzgebirge", "Chemnitz"):
        await ask(
            broker,
            e.RESPOND_TO_INVITATION,
            e.RespondToInvitation(action_id=action_id, group_id=ids[group], accept=True),
        )
    confirmed = await ask(broker, e.CONFIRM_ACTION, e.ActionRef(action_id=action_id))
    assert (confirmed.status, confirmed.responsible) == ("bestätigt", ["Kathrin"])
    offset = start.replace(tzinfo=BERLIN).utcoffset()
    assert confirmed.start == start.replace(tzinfo=BERLIN) and confirmed.start.utcoffset() == offset

    for group in ("Vogtland", "Erzgebirge", "Chemnitz"):
        feed = await ask(broker, e.CALENDAR, e.CalendarQuery(group_id=ids[group]))
        (event,) = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
        begins = event["DTSTART"].dt
        assert (begins.hour, begins.minute, str(begins.tzinfo)) == (8, 30, "Europe/Berlin")
        assert begins.utcoffset() == offset and str(event["STATUS"]) == "CONFIRMED"
        assert "Kathrin" not in feed.content  # public: groups, never the persons responsible
    invitation = await ask(broker, e.CALENDAR, e.CalendarQuery(action_id=action_id))
    assert "METHOD:PUBLISH" in invitation.content and invitation.filename.endswith(".ics")

    # A rename in the registry shows here, in the replica and in the action's invitations.
    await ask(broker, r.RENAME_GROUP, r.RenameGroup(group_id=ids["Erzgebirge"], name="Erzgebirge und Umgebung"))

    async def renamed() -> bool:
        group = await known_here(broker, ids["Erzgebirge"])
        return group is not None and group.name == "Erzgebirge und Umgebung"

    await until(renamed, timeout=1.0)
    action = await ask(broker, e.ACTION, e.ActionRef(action_id=action_id))
    assert [i.group_name for i in action.invitations] == ["Erzgebirge und Umgebung", "Chemnitz"]

    done = await ask(
        broker,
        e.COMPLETE_ACTION,
        e.CompleteAction(
            action_id=action_id, participants=18, notes="Viele Gespräche, 200 Flyer", press="Freie Presse"
        ),
    )
    assert done.status == "durchgeführt" and done.report.participants == 18
    assert all(not i.no_answer for i in done.invitations)  # both had accepted

    async def all_published() -> list[str]:
        found = [
            s for s, _ in await subjects_on(broker, "EVENTS") if s.startswith(("events.action", "events.invitation"))
        ]
        return found if found[-1:] == ["events.action.completed.v1"] else []

    subjects = await until(all_published)  # the outbox relay publishes right after each commit
    assert subjects == [
        "events.action.planned.v1",
        "events.action.invited.v1",
        "events.invitation.accepted.v1",
        "events.invitation.accepted.v1",
        "events.action.confirmed.v1",
        "events.action.completed.v1",
    ]


async def test_journey_work_plan(system, clock) -> None:
    broker, *_ = system
    seed = brief_file(SEED).read_text()
    imported = await ask(broker, e.IMPORT_WORK_PLAN, e.ImportWorkPlan(text=seed))
    assert (imported.year, len(imported.items), len(imported.not_imported)) == (2017, 21, 3)
    kinds = [i.timing.kind for i in imported.items]
    assert kinds.count("laufend") == 6 and kinds.count("wiederkehrend") == 4 and kinds.count("ohne") == 1
    assert all(i.responsible for i in imported.items)
    again = await ask(broker, e.IMPORT_WORK_PLAN, e.ImportWorkPlan(text=seed))
    assert (len(again.items), again.unchanged) == (0, 21)

    soon = clock.today() + timedelta(days=3)  # the services' clocks start at the same instant as this one
    item = await ask(
        broker,
        e.ADD_WORK_ITEM,
        e.AddWorkItem(text="Flyer für den Zahltag drucken", responsible="Kathrin", timing=f"{soon:%d.%m.%Y}"),
    )
    assert item.timing.kind == "datum" and item.due == soon

    # Nobody presses a button: the periodic job reminds, announces overdue items and compiles the report.
    async def announced() -> list[tuple[str, dict]]:
        found = await subjects_on(broker, "EVENTS")
        wanted = {"events.workitem.reminder_due.v1", "events.workitem.overdue.v1"}
        reports = [
            p for s, p in found if s == "events.progress.compiled.v1" and p["payload"]["overall"]["items_overdue"]
        ]
        return found if wanted <= {s for s, _ in found} and reports else []

    found = await until(announced, timeout=15)
    reminders = [p["payload"] for s, p in found if s == "events.workitem.reminder_due.v1"]
    # The seed's recurring items fall due at the end of their month or quarter: within a week of it, they too.
    days_left = {
        i.item_id: (i.due - clock.today()).days for i in imported.items if i.due and i.timing.kind == "wiederkehrend"
    }
    expected = {(item.item_id, 3)} | {(i, d) for i, d in days_left.items() if 0 <= d <= 7}
    assert sorted((x["item"]["item_id"], x["days_left"]) for x in reminders) == sorted(expected)
    overdue = [p["payload"]["item"] for s, p in found if s == "events.workitem.overdue.v1"]
    assert len({i["item_id"] for i in overdue}) == len(overdue) == 7  # the 2017 deadlines that passed, once each
    report = next(
        p["payload"]
        for s, p in found
        if s == "events.progress.compiled.v1" and p["payload"]["overall"]["items_overdue"]
    )
    assert report["overall"]["items_overdue"] == 7 and len(report["overdue"]) == 7
    assert any(line["responsible"] == "Gudrun" for line in report["overdue"])

    await ask(broker, e.COMPLETE_WORK_ITEM, e.ItemRef(item_id=item.item_id))
    plan = await ask(broker, e.WORK_PLAN, e.WorkPlanQuery(only_open=True))
    assert item.item_id not in {i.item_id for i in plan.items} and len(plan.items) == 21


async def test_a_service_that_was_down_catches_up_without_loss_or_double_application(system) -> None:
    broker, processes, tmp_path, nats_server = system
    first = await form(broker, "Leipzig")

    async def known() -> e.GroupV1 | None:
        return await known_here(broker, first)

    await until(known)
    stop(processes["events"])  # down while the registry keeps working

    groups = [await form(broker, f"Gruppe {n:03d}") for n in range(200)]
    for round_ in range(1, 5):  # 200 formed + 800 renamed = 1,000 registry events
        for n, group_id in enumerate(groups):
            await ask(broker, r.RENAME_GROUP, r.RenameGroup(group_id=group_id, name=f"Gruppe {n:03d} v{round_}"))

    started = time.monotonic()
    processes["events"] = start_service("events", nats_server.url, tmp_path, **FAST)
    await wait_healthy(broker, "events", processes["events"])

    async def caught_up() -> list[e.GroupV1]:
        replica = (await ask(broker, e.GROUPS, e.GroupsQuery())).groups
        mine = [g for g in replica if g.group_id in set(groups)]
        return mine if len(mine) == 200 and all(g.name.endswith(" v4") for g in mine) else []

    replica = await until(caught_up, timeout=120, interval=0.2)
    print(f"\nAufgeholt: 1.000 Registry-Ereignisse in {time.monotonic() - started:.1f} s nach dem Neustart")
    assert sorted(g.name for g in replica) == [f"Gruppe {n:03d} v4" for n in range(200)]
    assert {g.events_seen for g in replica} == {5}  # formed + 4 renames, each processed exactly once

    rebuilt = await ask(broker, e.REBUILD_GROUPS, e.Rebuild(), timeout=30)
    assert rebuilt.groups == 201
    after = {
        g.group_id: (g.name, g.status, g.events_seen) for g in (await ask(broker, e.GROUPS, e.GroupsQuery())).groups
    }
    assert after == {g.group_id: (g.name, g.status, g.events_seen) for g in replica} | {first: ("Leipzig", "aktiv", 1)}
