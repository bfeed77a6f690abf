"""The board's dashboard counts with the progress report's function, and month by month (issue 15)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from services.events.adapters import mapping
from services.events.domain import events
from services.events.domain.actions import Action, Report
from services.events.domain.groups import GroupReplica
from services.events.domain.progress import compile_report, dashboard, months_between
from tests.unit.events.test_actions import zahltag
from tests.unit.events.test_workplan import item

GROUPS = [GroupReplica("g-v", "Vogtland", "SN"), GroupReplica("g-e", "Erzgebirge", "SN")]


def actions() -> list[Action]:
    planned = Action.plan("a-1", "g-v", zahltag(day=20))
    planned.invite(("g-e",))
    held = Action.plan("a-2", "g-e", zahltag(day=2))
    held.confirm()
    held.complete(Report(12, "Gute Gespräche", "https://presse.example/1"), datetime(2026, 12, 2, 13, tzinfo=UTC))
    october = Action.plan(
        "a-3",
        "g-v",
        replace(zahltag(day=1), start=datetime(2026, 10, 5, 9, tzinfo=UTC), end=datetime(2026, 10, 5, 11, tzinfo=UTC)),
    )
    october.confirm()
    cancelled = Action.plan("a-4", "g-v", zahltag(day=3))
    cancelled.cancel("Regen")
    return [planned, held, october, cancelled]


def test_months_run_from_the_first_to_the_last_in_berlin() -> None:
    since, until = datetime(2026, 9, 30, 23, tzinfo=UTC), datetime(2027, 1, 2, tzinfo=UTC)  # 1 Oct in Berlin
    assert months_between(since, until) == ["2026-10", "2026-11", "2026-12", "2027-01"]


def test_dashboard_report_is_the_progress_report_and_months_count_by_start() -> None:
    done = item("15.11.2026", item_id="done")
    done.complete(date(2026, 11, 20))
    items = [done, item("I. Quartal 2026", item_id="late")]
    since, until = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 12, 10, tzinfo=UTC)
    found = dashboard(actions(), items, GROUPS, since, until)
    same = compile_report(actions(), items, GROUPS, since, until)
    wire = (mapping.progress_contract(events.ProgressCompiled(r, "k")) for r in (found.report, same))
    assert next(wire) == next(wire)
    months = {m.month: m for m in found.months}
    assert [m.month for m in found.months] == ["2026-10", "2026-11", "2026-12"]
    assert (months["2026-10"].actions_planned, months["2026-10"].actions_confirmed) == (1, 1)
    december = months["2026-12"]
    assert (december.actions_planned, december.actions_confirmed, december.actions_done) == (2, 1, 1)
    assert months["2026-11"].items_done == 1 and months["2026-12"].items_done == 0
    erzgebirge = dict(found.group_months)["g-e"][1]
    assert [m.actions_planned for m in erzgebirge] == [0, 0, 2]  # its own held action and the invitation


def test_report_names_what_happened_and_what_is_next() -> None:
    report = compile_report(
        actions(), [], GROUPS, datetime(2026, 11, 30, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC)
    )
    assert [a.id for a in report.held] == ["a-2"] and [a.id for a in report.upcoming] == ["a-1"]
    wire = mapping.progress_contract(events.ProgressCompiled(report, "k"))
    held = wire.held[0]
    assert (held.participants, held.notes, held.groups, held.place) == (
        12,
        "Gute Gespräche",
        ["Erzgebirge"],
        "Jobcenter Plauen",
    )
    assert wire.upcoming[0].groups == ["Vogtland"]  # Erzgebirge has not accepted yet
