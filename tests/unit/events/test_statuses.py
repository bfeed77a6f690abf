"""Status words are StrEnums in the domain; on the wire they stay the German strings they always were."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import get_args

from services.events.adapters import mapping
from services.events.domain.actions import Action, ActionKind, ActionStatus, InvitationStatus, Report, Schedule
from services.events.domain.groups import GroupReplica, GroupStatus
from services.events.domain.workplan import ItemStatus, WorkItem
from shared.clock import BERLIN
from shared.contracts import events as c
from shared.contracts import registry

START = datetime(2026, 12, 1, 9, tzinfo=BERLIN)


def test_the_enums_hold_exactly_the_wire_words() -> None:
    assert [s.value for s in ActionStatus] == list(get_args(c.ActionStatus))
    assert [s.value for s in ActionStatus] == [
        "idee",
        "geplant",
        "bestätigt",
        "durchgeführt",
        "ausgewertet",
        "abgesagt",
    ]
    assert [k.value for k in ActionKind] == list(get_args(c.ActionKind))
    invitation = get_args(c.InvitationV1.model_fields["status"].annotation)
    assert (
        [s.value for s in InvitationStatus]
        == [*invitation, "keine_antwort"]
        == [
            "offen",
            "zugesagt",
            "abgesagt",
            "keine_antwort",
        ]
    )
    assert [s.value for s in ItemStatus] == list(get_args(c.WorkItemStatus.model_fields["status"].annotation))
    assert [s.value for s in ItemStatus] == ["offen", "in Arbeit", "erledigt"]


def test_a_cancelled_action_and_a_declined_invitation_are_two_members() -> None:
    assert ActionStatus.CANCELLED is not InvitationStatus.DECLINED
    assert type(ActionStatus.CANCELLED) is not type(InvitationStatus.DECLINED)
    assert ActionStatus.CANCELLED == InvitationStatus.DECLINED == "abgesagt"  # one word on the wire


def test_snapshots_carry_the_german_strings() -> None:
    schedule = Schedule("zahltag", "Zahltag", "Markt", "Jobcenter", START, START + timedelta(hours=2), ("K.",))
    action = Action.plan("a1", "g1", schedule)
    action.invite(("g2", "g3", "g4"))
    action.respond("g2", True)
    action.respond("g3", False)
    action.cancel("Regen")
    wire = json.loads(mapping.action_snapshot(action).model_dump_json())
    assert (wire["status"], wire["kind"]) == ("abgesagt", "zahltag")
    assert [i["status"] for i in wire["invitations"]] == ["zugesagt", "abgesagt", "offen"]
    back = mapping.action_domain(c.ActionSnapshot.model_validate(wire))
    assert back.status is ActionStatus.CANCELLED and back.invitations[1] == ("g3", InvitationStatus.DECLINED)
    assert type(back.invitations[1][1]) is InvitationStatus

    planned = Action.plan("a2", "g1", schedule)
    planned.invite(("g2",))
    planned.respond("g2", True)
    planned.confirm()
    planned.complete(Report(3, ""), START + timedelta(hours=3))
    held = json.loads(mapping.action_snapshot(planned).model_dump_json())
    assert held["status"] == "durchgeführt"

    item = WorkItem.add("i1", "Plan", "V1 Flyer", (), None, "", date(2026, 10, 1))
    item.set_status("in Arbeit")
    assert item.status is ItemStatus.IN_PROGRESS
    assert json.loads(mapping.item_snapshot(item, date(2026, 10, 2)).model_dump_json())["status"] == "in Arbeit"


def test_the_group_replica_holds_the_registry_words_as_members() -> None:
    assert [s.value for s in GroupStatus] == list(get_args(registry.GroupStatus))
    merged = GroupReplica("g2", "Plauen", "SN", sequence=1).merged_into_group("g1", 2)
    assert merged.status is GroupStatus.MERGED
    stored = json.loads(json.dumps(mapping.group_data(merged)))
    assert stored["status"] == "zusammengelegt"
    back = mapping.group_domain(stored)
    assert back == merged and back.status is GroupStatus.MERGED
    assert json.loads(mapping.group_contract(back).model_dump_json())["status"] == "zusammengelegt"
