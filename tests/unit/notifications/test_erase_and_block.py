"""Two kinds of erasure (issue 18): "löschen" keeps nothing, so the person may come back with a new double opt-in;
"löschen und sperren" (an objection, Art. 21 GDPR) keeps the address's fingerprint, and no path of the mailing
service takes the address in or mails it again."""

from __future__ import annotations

import pytest

from services.notifications.domain import commands
from services.notifications.domain.errors import Conflict
from services.notifications.domain.events import PersonErased
from services.notifications.domain.lists import MemberStatus
from services.notifications.domain.news import FollowGroup, Person, Received
from services.notifications.service_layer.membership import SAME_ANSWER
from shared import privacy
from tests.unit.notifications.world import OWNER, SECRET, World, a_list

ANNA = "anna@example.org"


async def _erase(world: World, list_id: str, block: bool) -> PersonErased:
    await world(commands.AddMember(list_id, OWNER, ANNA, "Anna"))
    assert world.member(list_id, ANNA).active
    await world(commands.ErasePerson(ANNA, block=block))
    assert world.member(list_id, ANNA) is None
    return world.uow.committed.published[-1]


async def test_after_loeschen_the_person_can_subscribe_again_with_a_new_double_opt_in(world: World) -> None:
    list_id = await a_list(world, "bestaetigen")
    erased = await _erase(world, list_id, block=False)
    assert (erased.blocked, erased.fingerprint) == (False, privacy.fingerprint(ANNA, SECRET))
    assert ANNA not in repr(erased)  # the others find her by the fingerprint (the stream: test_erase_and_block.py)
    assert world.uow.committed.suppressions == {}  # nothing kept that could stand in the way
    assert await world(commands.Subscribe(list_id, ANNA, "Anna")) == SAME_ANSWER
    assert world.member(list_id, ANNA) is None  # not in before she confirms again
    await world(commands.Confirm(world.link(ANNA, "bestaetigen")))
    assert world.member(list_id, ANNA).status == MemberStatus.ACTIVE


async def test_after_loeschen_the_moderation_may_add_the_address_like_any_new_one(world: World) -> None:
    list_id = await a_list(world, "offen")
    await _erase(world, list_id, block=False)
    await world(commands.AddMember(list_id, OWNER, ANNA, "Anna"))
    assert world.member(list_id, ANNA).active


async def test_a_blocked_address_is_dropped_silently_by_the_public_subscribe(world: World) -> None:
    list_id = await a_list(world, "bestaetigen_und_moderiert")
    erased = await _erase(world, list_id, block=True)
    assert (erased.blocked, erased.fingerprint) == (True, privacy.fingerprint(ANNA, SECRET))
    assert list(world.uow.committed.suppressions) == [erased.fingerprint]
    open_list = await a_list(world, "offen", "offene")
    before = len(world.uow.committed.deliveries)
    for policy_list in (list_id, open_list):
        assert await world(commands.Subscribe(policy_list, " Anna@Example.org ", "Anna")) == SAME_ANSWER
    assert len(world.uow.committed.deliveries) == before  # no confirmation, no moderation mail, no welcome
    assert world.requests() == [] and world.uow.committed.consents == []
    assert world.member("offene", ANNA) is None


async def test_a_blocked_address_is_refused_to_the_moderation_with_a_clear_message(world: World) -> None:
    list_id = await a_list(world, "offen")
    await _erase(world, list_id, block=True)
    with pytest.raises(Conflict, match=r"gesperrt.*widersprochen \(Art. 21 DSGVO\)"):
        await world(commands.AddMember(list_id, OWNER, "ANNA@example.org", "Anna"))
    with pytest.raises(Conflict, match="gesperrt"):  # nor as a list's administration when a list is created
        await world(commands.CreateList("Neu", "offen", owner_address=ANNA, list_id="neu"))
    await world(commands.AddMember(list_id, OWNER, "bernd@example.org", "Bernd"))
    with pytest.raises(Conflict, match="gesperrt"):  # nor as someone's new address
        await world(commands.ChangeAddress(list_id, "bernd@example.org", ANNA, moderator=OWNER))
    assert world.mails(ANNA) == []


async def test_a_blocked_coordinator_does_not_become_the_group_lists_moderator(world: World) -> None:
    await _erase(world, await a_list(world, "offen"), block=True)
    event = Received("e-1", "registry.group.formed.v1")
    await world(FollowGroup(event, 1, "g-1", "Leipzig", "leipzig", Person("Anna", ANNA), formed=True))
    (group_list,) = [m for m in world.uow.committed.lists.values() if m.group_id == "g-1"]
    assert world.member(group_list.id, ANNA) is None and world.mails(ANNA) == []
