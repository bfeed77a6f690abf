"""The mailing-list rules on fakes: subscription under each policy, moderation, roles, address change,
unsubscribe, digests and erasure. No database, no network."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications.domain import commands
from services.notifications.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, TokenRefused
from services.notifications.domain.events import PersonErased
from services.notifications.domain.lists import MailingList, Member, Request
from services.notifications.domain.words import MemberStatus, Policy, RequestState, Role
from services.notifications.service_layer import digests, views
from services.notifications.service_layer.membership import SAME_ANSWER
from shared.clock import BERLIN, Clock
from tests.unit.notifications.world import OFFICE, OWNER, World, a_list


@pytest.mark.parametrize(
    ("policy", "first_mail", "state"),
    [
        ("offen", "willkommen", RequestState.ACCEPTED),
        ("bestaetigen", "bestaetigen", RequestState.AWAITING_CONFIRMATION),
        ("moderiert", None, RequestState.AWAITING_MODERATION),
        ("bestaetigen_und_moderiert", "bestaetigen", RequestState.AWAITING_CONFIRMATION),
    ],
)
async def test_subscribing_under_each_policy(world: World, policy: str, first_mail: str | None, state: str) -> None:
    list_id = await a_list(world, policy)
    assert await world(commands.Subscribe(list_id, "Anna@Example.org", "Anna")) == SAME_ANSWER
    (request,) = world.requests()
    assert request.state == state and request.address == "Anna@example.org"
    assert [m["kind"] for m in world.mails("Anna@example.org")] == ([first_mail] if first_mail else [])
    moderation = world.mails(OWNER, "moderation")
    assert len(moderation) == (1 if policy == "moderiert" else 0)
    assert (world.member(list_id, "Anna@example.org") is not None) == (policy == "offen")
    assert len(world.uow.committed.consents) == 1  # the request is recorded as consent under every policy
    # In the audit log only once the address is in: an unconfirmed request of anyone's address is nobody's business.
    logged = [(e["actor"], e["action"]) for e in world.uow.committed.audit if e["list_id"] == list_id]
    assert logged == ([("Anna@example.org", "eingetragen")] if policy == "offen" else [])


@pytest.mark.parametrize(("policy", "joined"), [("bestaetigen", True), ("bestaetigen_und_moderiert", False)])
async def test_confirming_leads_in_or_to_the_moderation(world: World, policy: str, joined: bool) -> None:
    list_id = await a_list(world, policy)
    await world(commands.Subscribe(list_id, "anna@example.org", "Anna"))
    message, _ = await world(commands.Confirm(world.link("anna@example.org", "bestaetigen")))
    (request,) = world.requests()
    assert ("Willkommen" in message) == joined and ("Moderation entscheidet" in message) != joined
    assert request.state == (RequestState.ACCEPTED if joined else RequestState.AWAITING_MODERATION)
    assert (world.member(list_id, "anna@example.org") is not None) == joined
    assert world.uow.committed.consents[0]["confirmed_at"] == world.clock.now()
    with pytest.raises(TokenRefused) as again:
        await world(commands.Confirm(world.link("anna@example.org", "bestaetigen")))
    assert again.value.reason == "reused"


async def test_a_member_subscribing_again_gets_the_same_answer_and_a_note_that_she_is_on_the_list(
    world: World,
) -> None:
    list_id = await a_list(world, "offen")
    await world(commands.Subscribe(list_id, "anna@example.org"))
    assert await world(commands.Subscribe(list_id, "anna@example.org")) == SAME_ANSWER
    assert len(world.requests()) == 1  # no new request, no new consent
    assert [m["kind"] for m in world.mails("anna@example.org")] == ["willkommen", "bereits_eingetragen"]
    (note,) = [m for m in world.composer.made if m["kind"] == "bereits_eingetragen"]
    assert "meine-verteiler" in note["context"]["link"]
    # The note counts as a request for her link: at most three an hour, however often someone asks.
    for _ in range(5):
        assert await world(commands.Subscribe(list_id, "anna@example.org")) == SAME_ANSWER
    assert [m["kind"] for m in world.mails("anna@example.org")].count("bereits_eingetragen") == 3
    world.clock.advance(timedelta(hours=1, seconds=1))
    await world(commands.Subscribe(list_id, "anna@example.org"))
    assert [m["kind"] for m in world.mails("anna@example.org")].count("bereits_eingetragen") == 4


async def pending(world: World, list_id: str) -> Request:
    await world(commands.Subscribe(list_id, "anna@example.org", "Anna"))
    (request,) = world.requests()
    return request


@pytest.mark.parametrize(
    ("decision", "state", "mail"),
    [
        ("annehmen", RequestState.ACCEPTED, "willkommen"),
        ("ablehnen", RequestState.REJECTED, "abgelehnt"),
        ("zurueckstellen", RequestState.DEFERRED, None),
    ],
)
async def test_the_moderation_decides(world: World, decision: str, state: str, mail: str | None) -> None:
    list_id = await a_list(world, "moderiert")
    request = await pending(world, list_id)
    decided = await world(commands.Decide(list_id, OWNER, request.id, decision, "passt nicht"))
    assert decided.state == state and decided.decided_by == OWNER and decided.decided_at == world.clock.now()
    assert [m["kind"] for m in world.mails("anna@example.org")] == ([mail] if mail else [])
    if mail == "abgelehnt":
        assert world.composer.made[-1]["context"]["reason"] == "passt nicht"
    assert [(a["action"], a["detail"]) for a in world.uow.committed.audit] == [(f"anfrage_{decision}", "passt nicht")]


async def test_a_deferred_request_can_still_be_decided_a_decided_one_not(world: World) -> None:
    list_id = await a_list(world, "moderiert")
    request = await pending(world, list_id)
    await world(commands.Decide(list_id, OWNER, request.id, "zurueckstellen"))
    await world(commands.Decide(list_id, OWNER, request.id, "annehmen"))
    with pytest.raises(Conflict, match="wartet nicht"):
        await world(commands.Decide(list_id, OWNER, request.id, "ablehnen"))


async def test_only_the_lists_moderation_or_the_landesbuero_may_decide(world: World) -> None:
    list_id = await a_list(world, "moderiert")
    other = await a_list(world, "moderiert", "andere")
    request = await pending(world, list_id)
    await world(commands.AddMember(list_id, OWNER, "bernd@example.org", "Bernd"))
    for who, where in (("bernd@example.org", list_id), (OFFICE, list_id), ("fremd@example.org", "andere")):
        with pytest.raises(Forbidden, match="Nur die Moderation"):
            await world(commands.Decide(where, who, request.id, "annehmen"))
    with pytest.raises(Forbidden):  # a stranger does not even learn whether a request exists
        await world(commands.Decide(list_id, "fremd@example.org", "gibt-es-nicht", "annehmen"))
    with pytest.raises(NotFound, match="Anfrage gibt-es-nicht"):
        await world(commands.Decide(list_id, OWNER, "gibt-es-nicht", "annehmen"))
    with pytest.raises(Conflict):  # another list's moderation cannot decide this list's request
        await world(commands.Decide(other, OWNER, request.id, "annehmen"))
    with pytest.raises(InvalidInput, match="Entscheidung „vielleicht“ unbekannt"):
        await world(commands.Decide(list_id, OWNER, request.id, "vielleicht"))
    decided = await world(commands.Decide(list_id, OFFICE, request.id, "annehmen", admin=True))
    assert decided.state == RequestState.ACCEPTED and world.member(list_id, "anna@example.org").active


def test_may_decide_is_the_one_rule_for_who_and_when(clock: Clock) -> None:
    lst = MailingList("l", "Liste", Policy.MODERATE)
    moderator, member = Member("l", "m@x.org", role=Role.MODERATION), Member("l", "a@x.org")
    request = Request("r", "l", "abonnement", "p@x.org", "", RequestState.AWAITING_MODERATION, clock.now())
    assert lst.may_decide(moderator, request, "r") is request
    assert lst.may_decide(None, request, "r", admin=True) is request
    moderator.status = MemberStatus.REMOVED
    for who in (moderator, member, None):
        with pytest.raises(Forbidden):
            lst.may_decide(who, request, "r")
    request.state = RequestState.AWAITING_CONFIRMATION  # not yet confirmed by the person: not the moderation's turn
    with pytest.raises(Conflict):
        lst.may_decide(None, request, "r", admin=True)


async def test_roles_grant_and_revoke_moderation(world: World) -> None:
    list_id = await a_list(world, "offen")
    await world(commands.AddMember(list_id, OWNER, "bernd@example.org", "Bernd"))
    with pytest.raises(Forbidden):
        await world(commands.AddMember(list_id, "bernd@example.org", "clara@example.org", "Clara"))
    await world(commands.SetRole(list_id, OWNER, "bernd@example.org", "moderation"))
    await world(commands.AddMember(list_id, "bernd@example.org", "clara@example.org", "Clara"))
    await world(commands.SetRole(list_id, OWNER, "bernd@example.org", "mitglied"))
    assert world.member(list_id, "bernd@example.org").role == Role.MEMBER
    with pytest.raises(Forbidden):
        await world(commands.RemoveMember(list_id, "bernd@example.org", "clara@example.org"))
    with pytest.raises(InvalidInput, match="Rolle „chef“ unbekannt"):
        await world(commands.SetRole(list_id, OWNER, "bernd@example.org", "chef"))
    removed = await world(commands.RemoveMember(list_id, OFFICE, "clara@example.org", admin=True))
    assert removed.status == MemberStatus.REMOVED
    log = [(a["actor"], a["action"], a["subject"]) for a in world.uow.committed.audit]
    assert (OFFICE, "mitglied_entfernt", "clara@example.org") in log


async def test_the_last_moderator_may_step_down_and_the_landesbuero_still_moderates(world: World) -> None:
    """Today's behaviour, written down: nothing keeps the last moderator; the Landesbüro can always act."""
    list_id = await a_list(world, "offen")
    await world(commands.SetRole(list_id, OWNER, OWNER, "mitglied"))
    with pytest.raises(Forbidden):
        await world(commands.SetRole(list_id, OWNER, OWNER, "moderation"))
    await world(commands.SetRole(list_id, OFFICE, OWNER, "moderation", admin=True))
    assert world.member(list_id, OWNER).moderates


async def test_a_left_or_blocked_address_cannot_be_added_by_the_moderation(world: World) -> None:
    list_id = await a_list(world, "offen")
    await world(commands.AddMember(list_id, OWNER, "clara@example.org", "Clara"))
    message, _ = await world(commands.Unsubscribe(world.link("clara@example.org", "willkommen")))
    assert "abgemeldet" in message
    with pytest.raises(Conflict, match="selbst abgemeldet"):
        await world(commands.AddMember(list_id, OWNER, "clara@example.org", "Clara"))
    await world(commands.ErasePerson("clara@example.org", block=True))
    with pytest.raises(Conflict, match="gesperrt"):
        await world(commands.AddMember(list_id, OWNER, "clara@example.org", "Clara"))


async def test_unsubscribing_by_the_personal_link_once_and_harmlessly_again(world: World) -> None:
    list_id = await a_list(world, "offen")
    await world(commands.Subscribe(list_id, "anna@example.org"))
    token = world.link("anna@example.org", "willkommen")
    assert (await views.unsubscribe_page(world.deps, token)) == ("Liste", "a…@example.org")
    await world(commands.Unsubscribe(token))
    await world(commands.Unsubscribe(token))  # a second click changes nothing and logs nothing
    assert world.member(list_id, "anna@example.org").status == MemberStatus.UNSUBSCRIBED
    assert [a["action"] for a in world.uow.committed.audit].count("abgemeldet") == 1
    with pytest.raises(TokenRefused):
        await world(commands.Unsubscribe(token + "x"))


async def test_an_address_change_is_confirmed_at_the_new_address(world: World) -> None:
    list_id = await a_list(world, "offen")
    await world(commands.Subscribe(list_id, "bernd@example.org", "Bernd"))
    own = world.link("bernd@example.org", "willkommen")
    answer = await world(commands.ChangeAddress(list_id, "bernd@example.org", "bernd@example.net", token=own))
    assert "bernd@example.net" in answer and world.member(list_id, "bernd@example.org").active  # not moved yet
    with pytest.raises(TokenRefused):  # the link proves the new address, not the old one's owner
        await world(commands.ConfirmAddress(own))
    await world(commands.ConfirmAddress(world.link("bernd@example.net", "adresse_bestaetigen")))
    assert world.member(list_id, "bernd@example.org") is None
    assert world.member(list_id, "bernd@example.net").display_name == "Bernd"
    assert world.uow.committed.consents[0]["address"] == "bernd@example.net"  # the consent moves along
    with pytest.raises(TokenRefused):  # someone else's link
        await world(commands.ChangeAddress(list_id, OWNER, "x@example.org", token=own))
    with pytest.raises(Conflict, match="schon eingetragen"):
        await world(commands.ChangeAddress(list_id, "bernd@example.net", OWNER, moderator=OWNER))


async def test_digests_go_to_daily_members_next_day_and_to_weekly_members_next_week(world: World) -> None:
    list_id = await a_list(world, "offen")
    await world(commands.AddMember(list_id, OWNER, "dora@example.org", "Dora", delivery="taeglich"))
    await world(commands.AddMember(list_id, OWNER, "wim@example.org", "Wim", delivery="woechentlich"))
    count, _ = await world(commands.Post(list_id, OWNER, "Treffen", "Am Montag"))
    assert count == 3  # Kathrin by mail, Dora and Wim as digest lines
    assert [m["status"] for m in world.mails("dora@example.org")] == ["pending", "digest"]
    assert await digests.send_digests(world.deps) == 0  # still the same day
    world.clock.advance(timedelta(days=1))
    sent = await digests.send_digests(world.deps)
    digested = [m["recipient"] for m in world.uow.committed.deliveries if m["kind"] == "zusammenfassung"]
    monday = world.clock.now().astimezone(BERLIN).weekday() == 0
    assert sent == len(digested) and "dora@example.org" in digested and ("wim@example.org" in digested) == monday
    world.clock.advance(timedelta(days=7))
    await digests.send_digests(world.deps)
    digested = [m["recipient"] for m in world.uow.committed.deliveries if m["kind"] == "zusammenfassung"]
    assert sorted(digested) == ["dora@example.org", "wim@example.org"]  # each once: the lines are used up


async def test_erasure_keeps_nothing_and_announces_itself(world: World) -> None:
    list_id = await a_list(world, "offen")
    await world(commands.Subscribe(list_id, "anna@example.org", "Anna"))
    counts = await world(commands.ErasePerson("anna@example.org"))
    assert counts == {"memberships": 1, "requests": 1, "consents": 1, "deliveries": 1, "bounces": 0, "archive": 0}
    assert all(rows == [] for rows in (await world(commands.ExportPerson("anna@example.org"))).values())
    assert [type(e) for e in world.uow.committed.published] == [type(world.uow.committed.published[0]), PersonErased]
    assert world.uow.committed.suppressions == {}  # "löschen": the person may come back


async def test_erasure_rewrites_every_text_naming_the_person_and_hands_address_and_full_name_on(world: World) -> None:
    list_id = await a_list(world, "moderiert")
    await world(commands.Subscribe(list_id, "Jana.Z@example.org", "Jana Zürich"))
    await world(commands.Subscribe(list_id, "gudrun@example.org", "Gudrun"))
    world.uow.committed.audit.append(
        {
            "list_id": list_id,
            "actor": OWNER,
            "action": "notiz",
            "subject": "x",
            "detail": "Rückfrage an JANA.Z@example.org",
        }
    )
    await world(commands.ErasePerson("jana.z@example.org"))  # another case than she typed
    assert [r.address for r in world.requests()] == ["gudrun@example.org"]
    assert "jana" not in repr(world.uow.committed.audit).casefold()
    assert world.uow.committed.audit[-1]["detail"] == "Rückfrage an gelöschte Person"
    ((words, _when),) = world.uow.committed.forgotten
    assert words == ["Jana Zürich", "jana.z@example.org"]  # the outbox and the streams lose what names her


async def test_a_failing_command_leaves_nothing_behind(world: World) -> None:
    list_id = await a_list(world, "offen")
    with pytest.raises(InvalidInput):  # the member is written before the role is refused... and rolled back
        await world(commands.AddMember(list_id, OWNER, "x@example.org", "X", delivery="stuendlich"))
    assert world.member(list_id, "x@example.org") is None and world.mails("x@example.org") == []
