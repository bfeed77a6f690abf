"""Data for B5 Seiten: a list of N members for its moderator, and a year of the state's work for the board.

Through the services' commands where they exist for it (groups, offices and counsellors in the registry, the
list and the campaigns); actions, work-plan items, members and the archive of weekly progress reports written
straight into the services' databases, as B2 seeds members (a year of actions by command would take longer than
the measurement).
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from bench.directory import offices_csv
from services.events.adapters import mapping
from services.events.adapters import orm as events_orm
from services.events.domain.actions import Action, ActionStatus, InvitationStatus, Report, Schedule
from services.events.domain.responsibility import Responsible
from services.events.domain.timing import OnDate
from services.events.domain.workplan import ItemStatus, WorkItem
from shared.clock import BERLIN
from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.db import make_database
from shared.messaging.rpc import request

MODERATOR = "kathrin@example.org"
BOARD = "vorstand@example.org"
KINDS = ("zahltag", "info", "fruehstueck", "treffen", "protestbrief")


async def ask(broker: Any, spec: Any, payload: Any, timeout: float = 300) -> Any:
    reply = await request(broker, spec, payload, timeout=timeout, actor="bench")
    if not reply.ok:
        raise RuntimeError(f"B5 Seiten: {spec.subject}: {reply.error}")
    return reply.data


async def in_chunks(calls: list, size: int = 16) -> list:
    done = []
    for start in range(0, len(calls), size):
        done += await asyncio.gather(*(call() for call in calls[start : start + size]))
    return done


async def registry_year(broker: Any, groups: int, offices: int, today: date) -> list[str]:
    """Groups (every tenth with a coordinator's address), offices by CSV import, counsellors with trainings in every
    fifth office, and three survey campaigns of the year. Returns the groups' ids."""
    formed = await in_chunks(
        [
            lambda i=i: ask(
                broker,
                r.FORM_GROUP,
                r.FormGroup(
                    name=f"Regionalgruppe {i:03d}",
                    state="SN",
                    coordinator={"name": f"Koordination {i}", "email": f"koordination{i}@example.org"}
                    if i % 10 == 0
                    else None,
                ),
            )
            for i in range(groups)
        ]
    )
    for start_at in range(0, offices, 1000):
        report = await ask(
            broker, r.IMPORT_OFFICES, r.ImportOffices(csv=offices_csv(start_at, min(1000, offices - start_at)))
        )
        if report.errors:
            raise RuntimeError(f"B5 Seiten: Import fehlgeschlagen: {report.errors[:3]}")
    listed = (await ask(broker, r.OFFICES, r.ListQuery())).offices
    await in_chunks(
        [
            lambda o=o, k=k: ask(
                broker,
                r.ADD_COUNSELLOR,
                r.AddCounsellor(
                    office_id=o.office_id,
                    name=f"Berater:in {k}",
                    email=f"beratung{k}@example.org",
                    trainings=[{"on": today - timedelta(days=30 + k % 700), "title": "Grundschulung Sozialberatung"}],
                ),
            )
            for k, o in enumerate(listed[::5])
        ]
    )
    for k, title in enumerate(("Erhebung Frühjahr", "Erhebung Sommer", "Erhebung Herbst")):
        starts = today - timedelta(days=300 - 100 * k)
        await ask(
            broker,
            r.CREATE_CAMPAIGN,
            r.CreateCampaign(
                title=f"{title} {starts.year}",
                kind="mitglieder",
                starts_on=starts,
                ends_on=starts + timedelta(days=60),
                include_register=False,
                recipients=[{"name": f"Mitglied {j}", "email": f"umfrage{k}-{j}@example.org"} for j in range(20)],
            ),
        )
    return [g.group_id for g in formed]


def year_of_actions(group_ids: list[str], now: datetime, per_group: int = 12) -> list[Action]:
    """About one action per group and month over the last year and the next month: most held, some reported on,
    some cancelled, the coming ones planned or confirmed; every fifth invites two other groups."""
    rng, found = random.Random(21), []
    for g, group_id in enumerate(group_ids):
        for k in range(per_group + 1):
            start = (
                now - timedelta(days=365) + timedelta(days=30 * k + rng.randrange(28), hours=rng.randrange(8))
            ).replace(hour=10, minute=0, second=0, microsecond=0)
            kind = KINDS[(g + k) % len(KINDS)]
            schedule = Schedule(
                kind, f"{kind.capitalize()} {g}/{k}", f"Ort {g}", "Jobcenter Leipzig", start, start + timedelta(hours=2)
            )
            status = ActionStatus.PLANNED
            if start < now:
                status = rng.choices([ActionStatus.HELD, ActionStatus.EVALUATED, ActionStatus.CANCELLED], [6, 3, 1])[0]
            elif rng.random() < 0.5:
                status = ActionStatus.CONFIRMED
            invited = ()
            if k % 5 == 0:
                invited = tuple(
                    (group_ids[(g + d) % len(group_ids)], rng.choice(list(InvitationStatus))) for d in (1, 2)
                )
            report = (
                Report(rng.randrange(3, 40), "Gut besucht.")
                if status != ActionStatus.CANCELLED and start < now
                else None
            )
            found.append(Action(f"a{g:04d}-{k:02d}", group_id, schedule, status, invited, report))
    return found


def work_items(group_ids: list[str], today: date, per_group: int = 2) -> list[WorkItem]:
    rng, found = random.Random(15), []
    for g, group_id in enumerate(group_ids):
        for k in range(per_group):
            due = today + timedelta(days=rng.randrange(-120, 120))
            done = due - timedelta(days=3) if due < today and rng.random() < 0.6 else None
            found.append(
                WorkItem(
                    f"w{g:04d}-{k}",
                    "Arbeitsplan 2026",
                    f"Punkt {k} der Regionalgruppe {g}: Flugblätter verteilen",
                    (Responsible(f"Koordination {g}"),),
                    OnDate(due),
                    f"bis {due:%d.%m.%Y}",
                    today - timedelta(days=200),
                    ItemStatus.DONE if done else ItemStatus.OPEN,
                    last_done=done,
                    group_id=group_id,
                )
            )
    return found


async def events_year(broker: Any, database_url: str, group_ids: list[str], now: datetime, weeks: int = 52) -> int:
    """Actions and work-plan items into action planning's database, then the progress report compiled by its command
    and archived once a week for a year (copies of it under the weeks' keys). Returns the number of actions."""
    actions = year_of_actions(group_ids, now)
    items = work_items(group_ids, now.astimezone(BERLIN).date())
    database = make_database(database_url)
    async with database.sessions.begin() as session:
        await session.execute(
            insert(events_orm.actions),
            [
                {
                    "id": a.id,
                    "organiser_group_id": a.organiser_group_id,
                    "day": a.schedule.start.astimezone(BERLIN).date(),
                    "data": mapping.action_snapshot(a).model_dump(mode="json"),
                    "version": 1,
                }
                for a in actions
            ],
        )
        await session.execute(
            insert(events_orm.work_items),
            [
                {"id": i.id, "plan": i.plan, "data": mapping.item_snapshot(i).model_dump(mode="json"), "version": 1}
                for i in items
            ],
        )
    compiled = await ask(broker, e.COMPILE_PROGRESS, e.CompileProgress())
    async with database.sessions.begin() as session:
        await session.execute(
            insert(events_orm.progress_reports),
            [
                {
                    "period_key": f"woche-{w:02d}",
                    "until": (until := now.astimezone(UTC) - timedelta(weeks=w)),
                    "data": compiled.model_copy(
                        update={"period_key": f"woche-{w:02d}", "since": until - timedelta(weeks=1), "until": until}
                    ).model_dump(mode="json"),
                }
                for w in range(1, weeks)
            ],
        )
    await database.dispose()
    return len(actions)


async def mailing_list(broker: Any) -> str:
    made = await ask(
        broker,
        n.CREATE_LIST,
        n.CreateList(name="Rundbrief", policy="moderiert", owner_address=MODERATOR, owner_name="Kathrin"),
    )
    return made.list_id
