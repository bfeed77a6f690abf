"""Events that copy an aggregate do so safely: every event is frozen, and everything it carries is immutable.

An event records its aggregate as a shallow copy (`shared.aggregate.Recording.snapshot`). That copy is only a
record of the moment if nothing in it can change afterwards: no lists, dicts or sets, anywhere inside. The
test builds every event class of the three domains from sample values, taking each aggregate as it was
recorded by the domain itself, and walks through all fields.
"""

from __future__ import annotations

import importlib
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from types import MappingProxyType, ModuleType
from typing import get_type_hints

import pytest

from services.events.domain.actions import Action, Report, Schedule
from services.events.domain.groups import GroupReplica
from services.events.domain.progress import ProgressReport, compile_report
from services.events.domain.responsibility import Responsible
from services.events.domain.timing import OnDate
from services.events.domain.workplan import Note, WorkItem
from services.notifications.domain.lists import MailingList
from services.registry.domain.offices import Office, Training
from services.registry.domain.regions import Coordinator, District, RegionalGroup
from shared.clock import BERLIN
from tests.unit.registry.builders import register

DOMAINS = ("services.events.domain.events", "services.registry.domain.events", "services.notifications.domain.events")
START = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
ATOMS = (str, int, float, bool, bytes, date, time, timedelta, Enum)  # datetime is a date


def event_classes(module: ModuleType) -> list[type]:
    """The events a domain names (`ALL`) and any still defined in its events module."""
    here = [v for v in vars(module).values() if isinstance(v, type) and v.__module__ == module.__name__]
    return list(dict.fromkeys([*getattr(module, "ALL", ()), *(v for v in here if is_dataclass(v))]))


def recorded(aggregate: object) -> object:
    """The aggregate as its newest event recorded it."""
    event = aggregate.events[-1]
    return next(getattr(event, f.name) for f in fields(event) if type(getattr(event, f.name)) is type(aggregate))


def action() -> Action:
    schedule = Schedule("zahltag", "Zahltag", "Markt", "Jobcenter Plauen", START, START + timedelta(hours=2), ("K.",))
    planned = Action.plan("a1", "g1", schedule)
    planned.invite(("g2", "g3"))
    planned.respond("g2", True)
    planned.respond("g3", False)
    planned.confirm()
    planned.complete(Report(12, "gut", "Freie Presse"), START + timedelta(hours=3))
    return recorded(planned)


def item() -> WorkItem:
    added = WorkItem.add(
        "i1",
        "Plan",
        "V1 Flyer",
        (Responsible("Kathrin", "Druck"),),
        OnDate(date(2026, 11, 1)),
        "",
        date(2026, 10, 1),
        "g1",
    )
    added.add_note(Note(date(2026, 10, 2), "Entwurf fertig", "Kathrin"))
    return recorded(added)


def report() -> ProgressReport:
    groups = [GroupReplica("g1", "Vogtland", "SN"), GroupReplica("g2", "Erzgebirge", "SN")]
    soon = WorkItem.add("i2", "Plan", "V2 Plakat", (), OnDate(date(2026, 12, 5)), "", date(2026, 10, 1), "g2")
    return compile_report([action()], [item(), soon], groups, START - timedelta(days=7), START)


def group() -> RegionalGroup:
    formed = RegionalGroup.form(
        "g1", "Vogtland", "SN", Coordinator("Kathrin", "k@example.org"), ("d1", "d2"), "vogtland"
    )
    formed.rename("Vogtland Süd")
    return recorded(formed)


def office() -> Office:
    cmd = register()
    return recorded(Office.register("o1", cmd.details, cmd.status, cmd.counsellors, cmd.supervision))


SAMPLES = {
    Action: action,
    WorkItem: item,
    ProgressReport: report,
    RegionalGroup: group,
    Office: office,
    District: lambda: District("d1", "Vogtlandkreis", "SN"),
    Training: lambda: Training(date(2026, 9, 1), "Auffrischung"),
    MailingList: lambda: MailingList(id="rg-vogtland", name="Vogtland", policy="offen", group_id="g1"),
    str: lambda: "x",
    int: lambda: 1,
    bool: lambda: True,
    date: lambda: date(2026, 12, 1),
    tuple[str, ...]: lambda: ("g2", "g3"),
}


def mutable_parts(value: object, path: str) -> list[str]:
    """Where inside `value` something could still change (empty if nothing can)."""
    if value is None or isinstance(value, ATOMS):
        return []
    if isinstance(value, tuple | frozenset):
        return [p for i, x in enumerate(value) for p in mutable_parts(x, f"{path}[{i}]")]
    if isinstance(value, MappingProxyType):  # read-only, and built for the report alone
        return [p for k, v in value.items() for p in mutable_parts(k, path) + mutable_parts(v, f"{path}[{k!r}]")]
    if is_dataclass(value) and not isinstance(value, type):
        # `events` is the aggregate's own recording list; a snapshot starts it empty and no event reads it
        return [
            p
            for f in fields(value)
            if f.name != "events"
            for p in mutable_parts(getattr(value, f.name), f"{path}.{f.name}")
        ]
    return [f"{path}: {type(value).__name__}"]


def sample_event(cls: type) -> object:
    hints = get_type_hints(cls)
    missing = [t for t in hints.values() if t not in SAMPLES]
    assert not missing, f"{cls.__name__}: keine Beispielwerte für {missing} (SAMPLES ergänzen)"
    return cls(**{name: SAMPLES[t]() for name, t in hints.items()})


@pytest.mark.parametrize("cls", [cls for name in DOMAINS for cls in event_classes(importlib.import_module(name))])
def test_every_event_is_frozen_and_carries_nothing_mutable(cls: type) -> None:
    event = sample_event(cls)
    assert cls.__dataclass_params__.frozen, f"{cls.__name__} ist nicht frozen"
    assert mutable_parts(event, cls.__name__) == []


def test_every_domain_names_its_events() -> None:
    counts = {name: len(event_classes(importlib.import_module(name))) for name in DOMAINS}
    assert counts["services.events.domain.events"] == 16 and counts["services.registry.domain.events"] == 15
    assert counts["services.notifications.domain.events"] >= 1


def test_the_walk_finds_what_is_mutable() -> None:
    """The check itself can fail: a list, a dict or a set anywhere inside is found."""
    replica = GroupReplica("g1", "Vogtland", "SN")
    assert mutable_parts(replica, "r") == []
    assert mutable_parts((1, [2]), "t") == ["t[1]: list"]
    assert mutable_parts(Note(date(2026, 1, 1), "x"), "n") == []
    assert mutable_parts({"a": 1}, "d") == ["d: dict"]
    assert mutable_parts(MappingProxyType({"a": {1}}), "m") == ["m['a']: set"]
