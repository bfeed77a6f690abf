"""One contract for the repositories and units of work of the registry and of action planning.

Each test body runs on the in-memory fake the unit tests use, on SQLite and on PostgreSQL (the
`database` fixture with the extra parameter "fake"), so the fakes cannot drift from the real thing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.events.adapters import orm as events_orm
from services.events.adapters.unit_of_work import EventsUnitOfWork
from services.events.domain.actions import Action
from services.events.domain.groups import GroupReplica
from services.registry.adapters import orm as registry_orm
from services.registry.adapters.unit_of_work import RegistryUnitOfWork
from services.registry.domain.events import DistrictAdded
from services.registry.domain.offices import Office
from services.registry.domain.regions import Coordinator, District, RegionalGroup
from shared.contracts import Envelope
from shared.contracts import registry as r
from shared.db import Database, upgrade
from shared.db.snapshots import ConcurrentChange
from tests import support
from tests.conftest import STORES
from tests.unit.events import fakes as events_fakes
from tests.unit.events.test_actions import zahltag
from tests.unit.events.test_workplan import item
from tests.unit.registry import fakes as registry_fakes
from tests.unit.registry.builders import details

pytestmark = pytest.mark.parametrize("database", STORES, indirect=True)

Units = Callable[[], Any]  # a new unit of work on the same store, as each request gets one


def state(aggregate: object) -> dict[str, Any]:
    """What an aggregate holds, without the events it recorded."""
    return {k: v for k, v in vars(aggregate).items() if k != "events"}


async def published(database: Database | None, units: Units) -> int:
    """How many events committed units published (the fake's list, the database's outbox)."""
    if database is None:
        return len(units().published)
    tables = registry_orm.messaging if isinstance(units(), RegistryUnitOfWork) else events_orm.messaging
    async with database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(tables.outbox))


@pytest.fixture
async def registry(database: Database | None) -> Units:
    if database is None:
        return registry_fakes.FakeUnitOfWork().twin
    await upgrade(database, "registry")
    return lambda: RegistryUnitOfWork(database, registry_orm.messaging)


@pytest.fixture
async def events(database: Database | None) -> Units:
    if database is None:
        return events_fakes.FakeUnitOfWork().twin
    await upgrade(database, "events")
    return lambda: EventsUnitOfWork(database, events_orm.messaging, support.test_clock())


def group(id: str, name: str, state: str = "SN", slug: str = "") -> RegionalGroup:
    return RegionalGroup.form(id, name, state, Coordinator("Kathrin", "k@example.org"), (), slug=slug or id)


def office(id: str, **overrides: object) -> Office:
    return Office.register(id, details(**overrides), "aktiv", (), None)


# -- the registry


async def test_registry_stores_what_a_unit_commits_and_reloads_it_equal(registry: Units, database) -> None:
    vogtland, plauen = group("g-v", "Vogtland", slug="vogtland"), office("o-1")
    async with registry() as uow:
        await uow.districts.add(District("d-1", "Vogtlandkreis", "SN"))
        await uow.groups.add(vogtland)
        await uow.offices.add(plauen)
        await uow.commit()
    assert await published(database, registry) == 2  # GroupFormed, OfficeRegistered (a district records none)
    async with registry() as uow:
        again = await uow.groups.get("g-v")
        assert again is not vogtland and state(again) == state(vogtland) and again.events == []
        assert state(await uow.offices.get("o-1")) == state(plauen)
        assert await uow.districts.get("d-1") == District("d-1", "Vogtlandkreis", "SN")
        assert await uow.groups.get("g-x") is None and await uow.offices.get("g-v") is None


async def test_registry_lists_by_state_but_offices_all(registry: Units) -> None:
    async with registry() as uow:
        for d in (District("d-1", "Vogtlandkreis", "SN"), District("d-2", "Köln", "NW")):
            await uow.districts.add(d)
        for g in (group("g-v", "Vogtland"), group("g-e", "Erzgebirge"), group("g-k", "Köln", "NW")):
            await uow.groups.add(g)
        await uow.offices.add(office("o-1"))
        await uow.offices.add(office("o-2", name="Sozialberatung Köln", city="Köln", postcode="50667"))
        await uow.commit()
    async with registry() as uow:
        assert sorted(g.id for g in await uow.groups.list("SN")) == ["g-e", "g-v"]
        assert sorted(g.id for g in await uow.groups.list()) == ["g-e", "g-k", "g-v"]
        assert [g.id for g in await uow.groups.list("BY")] == []
        assert [d.id for d in await uow.districts.list("NW")] == ["d-2"]
        assert sorted(o.id for o in await uow.offices.list("NW")) == ["o-1", "o-2"]  # offices have no state column
        listed = {g.id: g for g in await uow.groups.list()}
        assert listed["g-v"] is await uow.groups.get("g-v")  # one aggregate per id in a unit


async def test_registry_forgets_what_a_unit_does_not_commit(registry: Units, database) -> None:
    async with registry() as uow:
        await uow.groups.add(group("g-v", "Vogtland"))
        await uow.commit()
    async with registry() as uow:
        (await uow.groups.get("g-v")).rename("Vogtland-Plauen", "vogtland-plauen")
        await uow.groups.add(group("g-e", "Erzgebirge"))
        uow.emit(DistrictAdded(District("d-1", "Vogtlandkreis", "SN")))
        # left without commit: rolled back
    async with registry() as uow:
        assert (await uow.groups.get("g-v")).name == "Vogtland" and await uow.groups.get("g-e") is None
        assert await uow.groups.by_slug("vogtland-plauen") is None
    assert await published(database, registry) == 1


async def test_registry_lists_what_is_stored_not_what_this_unit_added(registry: Units) -> None:
    async with registry() as uow:
        await uow.groups.add(group("g-v", "Vogtland"))
        assert await uow.groups.list() == [] and await uow.offices.list() == []
        await uow.commit()
        assert [g.id for g in await uow.groups.list()] == ["g-v"]  # after commit, in the same unit


async def test_registry_finds_groups_by_every_slug_they_held_and_offices_by_import_key(registry: Units) -> None:
    plauen = office("o-1")
    async with registry() as uow:
        await uow.groups.add(group("g-v", "Vogtland", slug="vogtland"))
        await uow.offices.add(plauen)
        assert (await uow.groups.by_slug("vogtland")).id == "g-v"  # found in the unit before commit
        assert (await uow.offices.by_import_key(plauen.import_key)).id == "o-1"
        await uow.commit()
    async with registry() as uow:
        (await uow.groups.by_slug("vogtland")).rename("Vogtland-Plauen", "vogtland-plauen")
        await uow.commit()
    async with registry() as uow:
        assert (await uow.groups.by_slug("vogtland")).id == "g-v"  # the old slug keeps leading to the group
        assert (await uow.groups.by_slug("vogtland-plauen")).name == "Vogtland-Plauen"
        for nothing in ("erzgebirge", "Vogtland", "", "vogt land"):
            assert await uow.groups.by_slug(nothing) is None, nothing
        assert (await uow.offices.by_import_key(plauen.import_key)).id == "o-1"
        assert await uow.offices.by_import_key("unbekannt|00000") is None


async def test_registry_two_units_changing_one_group_conflict(registry: Units) -> None:
    async with registry() as uow:
        await uow.groups.add(group("g-v", "Vogtland"))
        await uow.commit()
    async with registry() as first, registry() as second, registry() as reader:
        (await first.groups.get("g-v")).rename("Vogtland-Plauen", "vogtland-plauen")
        (await second.groups.get("g-v")).rename("Oberes Vogtland", "oberes-vogtland")
        await reader.groups.get("g-v")
        await first.commit()
        with pytest.raises(ConcurrentChange, match="gleichzeitig geändert"):
            await second.commit()
        await reader.commit()  # only read: no conflict
    async with registry() as uow:
        assert (await uow.groups.get("g-v")).name == "Vogtland-Plauen"


async def test_registry_adding_an_id_that_is_stored_fails(registry: Units) -> None:
    async with registry() as uow:
        await uow.groups.add(group("g-v", "Vogtland"))
        await uow.commit()
    async with registry() as uow:
        await uow.groups.add(group("g-v", "Vogtland zwei", slug="vogtland-zwei"))
        with pytest.raises(IntegrityError):
            await uow.commit()


# -- action planning


async def test_events_stores_what_a_unit_commits_and_reloads_it_equal(events: Units, database) -> None:
    zahltag_aktion, punkt = Action.plan("a-1", "g-v", zahltag()), item("stetig", item_id="i-1")
    async with events() as uow:
        await uow.groups.add(GroupReplica("g-v", "Vogtland", "SN", sequence=1, seen=1))
        await uow.actions.add(zahltag_aktion)
        await uow.items.add(punkt)
        await uow.commit()
    assert await published(database, events) == 1  # ActionPlanned (the item's events were cleared before)
    async with events() as uow:
        assert await uow.groups.get("g-v") == GroupReplica("g-v", "Vogtland", "SN", sequence=1, seen=1)
        again = await uow.actions.get("a-1")
        assert again is not zahltag_aktion and state(again) == state(zahltag_aktion) and again.events == []
        assert state(await uow.items.get("i-1")) == state(punkt)
        assert await uow.actions.get("i-1") is None and await uow.groups.get("g-x") is None


async def test_events_lists_by_state_plan_and_day(events: Units) -> None:
    async with events() as uow:
        for gid, name, land in (("g-v", "Vogtland", "SN"), ("g-k", "Köln", "NW")):
            await uow.groups.add(GroupReplica(gid, name, land))
        await uow.actions.add(Action.plan("a-1", "g-v", zahltag(day=1)))
        await uow.actions.add(Action.plan("a-2", "g-v", zahltag(day=2)))
        await uow.actions.add(Action.plan("idee", "g-v", replace(zahltag(day=1), start=None, end=None), as_idea=True))
        first, other = item("stetig", item_id="i-1"), item("stetig", item_id="i-2")
        other.plan = "Arbeitsplan 2027"
        await uow.items.add(first)
        await uow.items.add(other)
        await uow.commit()
    async with events() as uow:
        assert [g.id for g in await uow.groups.list("NW")] == ["g-k"]
        assert sorted(g.id for g in await uow.groups.list()) == ["g-k", "g-v"]
        assert [a.id for a in await uow.actions.on_day(date(2026, 12, 2))] == ["a-2"]
        assert [a.id for a in await uow.actions.on_day(date(2026, 12, 3))] == []
        assert sorted(a.id for a in await uow.actions.list()) == ["a-1", "a-2", "idee"]
        assert [i.id for i in await uow.items.list("Arbeitsplan 2027")] == ["i-2"]
        assert sorted(i.id for i in await uow.items.list()) == ["i-1", "i-2"]
        assert await uow.items.list("Vogtland") == [] and await uow.groups.list("Plan") == []


async def test_events_forgets_what_a_unit_does_not_commit(events: Units, database) -> None:
    async with events() as uow:
        await uow.groups.add(GroupReplica("g-v", "Vogtland", "SN"))
        await uow.actions.add(Action.plan("a-1", "g-v", zahltag()))
        await uow.commit()
    event = Envelope.wrap(r.GroupFormedV1(group_id="g-l", name="Leipzig", state="SN"))
    async with events() as uow:
        (await uow.actions.get("a-1")).confirm()
        await uow.actions.add(Action.plan("a-2", "g-v", zahltag(day=2)))
        await uow.groups.clear()
        assert await uow.once("erinnerung:i-1") and await uow.claim(event)
        assert not await uow.once("erinnerung:i-1") and not await uow.claim(event)  # once within the unit too
        # left without commit: rolled back
    async with events() as uow:
        assert (await uow.actions.get("a-1")).status == "geplant" and await uow.actions.get("a-2") is None
        assert [g.id for g in await uow.groups.list()] == ["g-v"]
        assert await uow.once("erinnerung:i-1") and await uow.claim_many([event, event]) == [event]
        await uow.commit()
    async with events() as uow:
        assert not await uow.once("erinnerung:i-1") and not await uow.claim(event)  # kept by the commit
    assert await published(database, events) == 1


async def test_events_clearing_the_replica_takes_effect_on_commit(events: Units) -> None:
    async with events() as uow:
        await uow.groups.add(GroupReplica("g-v", "Vogtland", "SN"))
        await uow.commit()
    async with events() as uow:
        await uow.groups.clear()
        assert await uow.groups.get("g-v") is None and await uow.groups.list() == []
        await uow.groups.put(GroupReplica("g-v", "Vogtland neu", "SN", sequence=5))
        await uow.commit()
    async with events() as uow:
        assert [(g.id, g.name, g.sequence) for g in await uow.groups.list()] == [("g-v", "Vogtland neu", 5)]


async def test_events_put_replaces_a_loaded_replica_and_two_units_changing_one_action_conflict(events: Units) -> None:
    async with events() as uow:
        await uow.groups.add(GroupReplica("g-v", "Vogtland", "SN", sequence=1))
        await uow.actions.add(Action.plan("a-1", "g-v", zahltag()))
        await uow.commit()
    async with events() as uow:
        loaded = await uow.groups.get("g-v")
        await uow.groups.put(loaded.after(GroupReplica("g-v", "Vogtland-Plauen", "SN", sequence=2)))
        await uow.commit()
    async with events() as first, events() as second:
        (await first.actions.get("a-1")).confirm()
        (await second.actions.get("a-1")).cancel("Regen")
        await first.commit()
        with pytest.raises(ConcurrentChange):
            await second.commit()
    async with events() as uow:
        assert (await uow.groups.get("g-v")).name == "Vogtland-Plauen"
        assert (await uow.actions.get("a-1")).status == "bestätigt"
