"""The registry's group events and erasures reach the replica as typed commands built at the entrypoint."""

from __future__ import annotations

from uuid import UUID

from services.events.domain.commands import FollowGroup, ForgetPerson, Received
from services.events.domain.groups import GroupReplica, GroupStatus
from services.events.entrypoints.translate import GROUP_EVENTS, follow_group, forget_person
from services.events.service_layer.replica import apply_group_events, erase_person
from shared.contracts import Envelope, notifications
from shared.contracts import registry as r
from tests.unit.events.fakes import FakeUnitOfWork

ID = UUID("00000000-0000-4000-8000-000000000001")
KATHRIN = {"name": "Kathrin", "email": "kathrin@example.org"}


def wrap(payload: object) -> Envelope:
    return Envelope.wrap(payload, event_id=ID)


def test_each_group_event_becomes_a_follow_group_with_its_sequence() -> None:
    snapshot = {"group_id": "g1", "name": "Vogtland", "state": "SN", "coordinator": KATHRIN}
    payloads = {
        r.GroupFormedV1: r.GroupFormedV1(**snapshot),
        r.GroupRenamedV1: r.GroupRenamedV1(**snapshot, old_name="Plauen"),
        r.CoordinatorChangedV1: r.CoordinatorChangedV1(**snapshot),
        r.GroupsMergedV1: r.GroupsMergedV1(**snapshot, merged_group_ids=["g2", "g3"]),
        r.GroupDissolvedV1: r.GroupDissolvedV1(**snapshot | {"status": "aufgeloest", "coordinator": None}),
    }
    assert set(payloads) == set(GROUP_EVENTS)
    got = {kind: follow_group(wrap(p), 7) for kind, p in payloads.items()}
    event = Received(str(ID), "")
    common = {"sequence": 7, "group_id": "g1", "name": "Vogtland", "state": "SN"}
    kathrin = {"coordinator_name": "Kathrin", "coordinator_email": "kathrin@example.org"}
    for kind, follow in got.items():
        assert follow.event == Received(str(ID), kind.subject)
        got[kind] = FollowGroup(**vars(follow) | {"event": event})
    assert got == {
        r.GroupFormedV1: FollowGroup(event, **common, **kathrin),
        r.GroupRenamedV1: FollowGroup(event, **common, **kathrin),
        r.CoordinatorChangedV1: FollowGroup(event, **common, **kathrin),
        r.GroupsMergedV1: FollowGroup(event, **common, **kathrin, merged_group_ids=("g2", "g3")),
        r.GroupDissolvedV1: FollowGroup(event, **common, status=GroupStatus.DISSOLVED),
    }
    merged = follow_group(wrap(r.GroupRenamedV1(group_id="g2", name="Plauen", state="SN", status="zusammengelegt")), 1)
    assert merged.status is GroupStatus.MERGED and type(got[r.GroupFormedV1].status) is GroupStatus


def test_an_erasure_becomes_forget_person() -> None:
    envelope = wrap(notifications.PersonErasedV1(address="Kathrin@Example.org"))
    assert forget_person(envelope) == ForgetPerson(
        Received(str(ID), notifications.PersonErasedV1.subject), "Kathrin@Example.org"
    )


def follow(group_id: str, sequence: int, event_id: str, **fields: object) -> FollowGroup:
    return FollowGroup(
        Received(event_id, r.GroupFormedV1.subject), sequence, group_id, group_id.title(), "SN", **fields
    )


async def test_typed_commands_update_the_replica_once_each_and_merge() -> None:
    uow = FakeUnitOfWork()
    batch = [
        follow("g1", 3, "e3", merged_group_ids=("g2",), coordinator_email="k@example.org"),
        follow("g1", 1, "e1"),
        follow("g2", 2, "e2"),
        follow("g2", 2, "e2"),  # the same event twice in one batch
    ]
    assert await apply_group_events(batch, uow) == 3
    assert await apply_group_events(batch[:2], uow) == 0  # redelivered
    g1, g2 = await uow.groups.get("g1"), await uow.groups.get("g2")
    assert (g1.sequence, g1.seen, g1.coordinator_email, g1.status) == (3, 2, "k@example.org", GroupStatus.ACTIVE)
    assert (g2.status, g2.merged_into, g2.sequence, g2.seen) == (GroupStatus.MERGED, "g1", 3, 1)

    forget = ForgetPerson(Received("e4", notifications.PersonErasedV1.subject), "K@Example.org")
    assert (await erase_person(forget, uow)).count == 1
    assert (await erase_person(forget, uow)).count == 0  # redelivered: already done
    assert await uow.groups.get("g1") == GroupReplica("g1", "G1", "SN", sequence=3, seen=2)
