"""The rules behind the web pages (issue 14) on fakes: roles from the data, the public list, list settings,
preview, mailings, "Meine Verteiler" and its link, link info, consent versions. No database, no network."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications.domain import commands
from services.notifications.domain.errors import Forbidden, InvalidInput, NotFound, TokenRefused, TooManyRequests
from services.notifications.domain.lists import CONSENT_TEXT, CONSENT_TEXT_VERSION
from services.notifications.domain.words import MemberStatus, RequestState
from services.notifications.service_layer import selfservice, views
from services.notifications.service_layer.ports import Mailing
from tests.unit.notifications.world import OFFICE, OWNER, World, a_list


def manage_token(world: World, to: str) -> str:
    """The "Meine Verteiler" token in the footer of the last list mail to `to`."""
    return [m for m in world.composer.made if m["to_address"] == to and m.get("manage_token")][-1]["manage_token"]


async def test_roles_come_from_the_data_with_member_and_pending_counts(world: World) -> None:
    lst = await a_list(world, "moderiert")
    other = await a_list(world, "offen", "andere")
    await world(commands.AddMember(lst, OWNER, "mod@example.org", "Mo", role="moderation"))
    await world(commands.AddMember(lst, OWNER, "bernd@example.org", "Bernd"))
    await world(commands.Subscribe(lst, "anna@example.org"))  # waits for the moderation
    found = await views.roles_of(world.deps, "mod@example.org")
    assert [(m.id, members, waiting) for m, members, waiting in found] == [(lst, 3, 1)]
    assert [m.id for m, _, _ in await views.roles_of(world.deps, OWNER)] == [other, lst]  # verwaltung moderates too
    assert await views.roles_of(world.deps, "bernd@example.org") == []
    await world(commands.RemoveMember(lst, OWNER, "mod@example.org"))
    assert await views.roles_of(world.deps, "mod@example.org") == []  # a role that ends in the data ends here
    world.uow.committed.lists[other].close()
    assert [m.id for m, _, _ in await views.roles_of(world.deps, OWNER)] == [lst]


async def test_the_sign_in_mail_carries_the_gateways_link_and_nothing_personal(world: World) -> None:
    link = "https://bn.example/anmelden/bestaetigen?token=abc"
    await world(commands.SendSignIn("Kathrin@Example.org", link, 15))
    (row,) = world.mails("Kathrin@example.org")
    (made,) = [m for m in world.composer.made if m["kind"] == "anmelden"]
    assert (row["kind"], row["list_id"], row["status"]) == ("anmelden", None, "pending")
    assert made["context"] == {"link": link, "valid_minutes": 15} and made["to_name"] == ""
    assert made.get("unsubscribe_token") is None


async def test_the_public_list_shows_consent_and_hides_closed_lists(world: World) -> None:
    lst = await a_list(world, "bestaetigen")
    shown = await views.public_list(world.deps, lst)
    assert (shown.mailing_list.name, shown.consent_text, shown.consent_version) == (
        "Liste",
        CONSENT_TEXT,
        CONSENT_TEXT_VERSION,
    )
    assert "Meine Verteiler" in shown.privacy_notice and "löschen" in shown.privacy_notice
    with pytest.raises(NotFound):
        await views.public_list(world.deps, "gibt-es-nicht")
    world.uow.committed.lists[lst].close()
    with pytest.raises(NotFound):
        await views.public_list(world.deps, lst)


async def test_subscribe_records_the_consent_version_the_page_showed(world: World) -> None:
    lst = await a_list(world, "bestaetigen")
    await world(commands.Subscribe(lst, "anna@example.org"))
    await world(commands.Subscribe(lst, "bernd@example.org", consent_version=CONSENT_TEXT_VERSION))
    assert [c["text_version"] for c in world.uow.committed.consents] == [CONSENT_TEXT_VERSION] * 2
    with pytest.raises(InvalidInput, match="Fassung „1999-01-01“ kennen wir nicht"):
        await world(commands.Subscribe(lst, "clara@example.org", consent_version="1999-01-01"))
    assert len(world.uow.committed.consents) == 2


async def test_the_moderation_changes_its_list_and_the_welcome_mail_says_its_words(world: World) -> None:
    lst = await a_list(world, "offen")
    await world(commands.AddMember(lst, OWNER, "bernd@example.org", "Bernd"))
    with pytest.raises(Forbidden):
        await world(commands.UpdateList(lst, "bernd@example.org", "Neu", "", "offen"))
    with pytest.raises(InvalidInput, match="Richtlinie „egal“ unbekannt"):
        await world(commands.UpdateList(lst, OWNER, "Neu", "", "egal"))
    changed, members = await world(
        commands.UpdateList(lst, OWNER, "Neuer Name", "Worum es geht", "moderiert", "Hallo!")
    )
    assert (changed.name, changed.description, changed.policy, changed.welcome_text, members) == (
        "Neuer Name",
        "Worum es geht",
        "moderiert",
        "Hallo!",
        2,
    )
    entry = world.uow.committed.audit[-1]
    assert (entry["actor"], entry["action"], entry["detail"]) == (
        OWNER,
        "verteiler_geaendert",
        "Name, Beschreibung, Richtlinie, Willkommenstext",
    )
    await world(commands.UpdateList(lst, OFFICE, "Neuer Name", "Worum es geht", "moderiert", "Hallo!", admin=True))
    assert world.uow.committed.audit[-1] == entry  # nothing changed: nothing logged
    await world(commands.AddMember(lst, OWNER, "clara@example.org", "Clara"))
    welcome = [m for m in world.composer.made if m["kind"] == "willkommen"][-1]
    assert welcome["context"]["welcome_text"] == "Hallo!" and welcome["list_name"] == "Neuer Name"


async def test_a_preview_is_the_post_for_one_member_masked_and_stores_nothing(world: World) -> None:
    lst = await a_list(world, "offen")
    await world(commands.AddMember(lst, OWNER, "dora@example.org", "Dora", delivery="taeglich"))
    before = (len(world.uow.committed.deliveries), len(world.uow.committed.audit))
    with pytest.raises(Forbidden):
        await views.preview(world.deps, lst, "dora@example.org", "Treffen", "Am Montag")
    headers, text, recipients = await views.preview(world.deps, lst, OWNER, "Treffen", "Am Montag")
    assert dict(headers)["To"] == "Kathrin <k…@example.org>" and text == "Am Montag" and recipients == 2
    made = world.composer.made[-1]
    assert (made["kind"], made["personal"], made["context"]["subject"]) == ("beitrag", True, "Treffen")
    assert (len(world.uow.committed.deliveries), len(world.uow.committed.audit)) == before


async def test_mailings_count_each_posts_deliveries_newest_first(world: World) -> None:
    lst = await a_list(world, "offen")
    await world(commands.AddMember(lst, OWNER, "dora@example.org", "Dora", delivery="taeglich"))
    await world(commands.AddMember(lst, OWNER, "bernd@example.org", "Bernd"))
    _, first = await world(commands.Post(lst, OWNER, "Erste", "Text"))
    world.clock.advance(timedelta(minutes=5))
    _, second = await world(commands.Post(lst, OWNER, "Zweite", "Text"))
    row = next(r for r in world.uow.committed.deliveries if r["event_id"] == first and r["recipient"] == OWNER)
    row.update(status="failed", last_error="550 Postfach unbekannt", attempts=1, last_attempt_at=world.clock.now())
    found = await views.mailings(world.deps, lst, OWNER)
    assert [(m.event_id, m.subject, m.sender, m.recipients) for m in found] == [
        (second, "Zweite", OWNER, 3),
        (first, "Erste", OWNER, 3),
    ]
    assert (found[1].sent, found[1].pending, found[1].failed, found[1].digest) == (0, 1, 1, 1)
    mailing, failures = await views.mailing(world.deps, lst, OWNER, first)
    assert isinstance(mailing, Mailing) and [(f.recipient, f.reason, f.attempts) for f in failures] == [
        (OWNER, "550 Postfach unbekannt", 1)
    ]
    with pytest.raises(NotFound):
        await views.mailing(world.deps, lst, OWNER, "beitrag:gibt-es-nicht")
    with pytest.raises(Forbidden):
        await views.mailings(world.deps, lst, "bernd@example.org")


async def test_every_list_mail_carries_the_members_manage_link_for_90_days(world: World) -> None:
    lst = await a_list(world, "offen")
    await world(commands.Subscribe(lst, "anna@example.org"))
    found = world.deps.signer.verify(manage_token(world, "anna@example.org"), "verwalten", world.clock.now())
    assert (found.list_id, found.address) == ("", "anna@example.org")
    assert (
        found.expires - world.clock.now()
        <= timedelta(days=90)
        < found.expires - world.clock.now() + timedelta(seconds=1)
    )
    await world(commands.Post(lst, OWNER, "Hallo", "Text"))
    post = [m for m in world.composer.made if m["kind"] == "beitrag" and m["to_address"] == "anna@example.org"][-1]
    assert post["manage_token"] and post["unsubscribe_token"]
    await world(commands.SendSignIn("anna@example.org", "https://bn.example/x", 15))
    assert world.composer.made[-1].get("manage_token") is None  # not a list mail


async def test_the_manage_link_answer_is_the_same_and_only_a_member_gets_mail(world: World) -> None:
    lst = await a_list(world, "offen")
    await world(commands.Subscribe(lst, "anna@example.org"))
    known = await world(commands.SendManageLink("anna@example.org"))
    unknown = await world(commands.SendManageLink("niemand@example.org"))
    assert known == unknown == selfservice.LINK_ANSWER and "Wenn diese Adresse bei uns eingetragen ist" in known
    assert [m["kind"] for m in world.mails("anna@example.org")] == ["willkommen", "verwalten"]
    assert world.mails("niemand@example.org") == []
    composed = [m["to_address"] for m in world.composer.made if m["kind"] == "verwalten"]
    assert composed == ["anna@example.org", "niemand@example.org"]  # the same work for both
    assert all(len(f) == 64 for f, _ in world.uow.committed.link_requests)  # fingerprints, not addresses
    for address in ("anna@example.org", "niemand@example.org"):
        for _ in range(2):
            await world(commands.SendManageLink(address))
        with pytest.raises(TooManyRequests):
            await world(commands.SendManageLink(address))
    world.clock.advance(timedelta(hours=1, seconds=1))
    assert await world(commands.SendManageLink("anna@example.org")) == selfservice.LINK_ANSWER


async def test_meine_verteiler_shows_changes_and_exports_by_the_members_own_link(world: World) -> None:
    lst = await a_list(world, "offen")
    other = await a_list(world, "offen", "andere")
    for list_id in (lst, other):
        await world(commands.AddMember(list_id, OWNER, "bernd@example.org", "Bernd"))
    token = manage_token(world, "bernd@example.org")
    address, found = await selfservice.my_lists(world.deps, token)
    assert address == "bernd@example.org" and [(m.id, s.status) for m, s in found] == [(other, "aktiv"), (lst, "aktiv")]
    _, member = await world(commands.MyDelivery(token, lst, "woechentlich"))
    assert member.delivery == "woechentlich" and world.member(lst, "bernd@example.org").delivery == "woechentlich"
    with pytest.raises(InvalidInput):
        await world(commands.MyDelivery(token, lst, "stuendlich"))
    message, name = await world(commands.Leave(token, other))
    assert (name, world.member(other, "bernd@example.org").status) == ("Liste", MemberStatus.UNSUBSCRIBED)
    assert "abgemeldet" in message
    with pytest.raises(NotFound):
        await world(commands.MyDelivery(token, other, "jede"))  # left: no longer theirs to change
    log = [(a["list_id"], a["actor"], a["action"]) for a in world.uow.committed.audit if a["actor"] != OWNER]
    assert log == [(lst, "bernd@example.org", "zustellart_geaendert"), (other, "bernd@example.org", "abgemeldet")]
    address, data = await selfservice.my_export(world.deps, token)  # the link is not used up
    assert address == "bernd@example.org" and len(data["memberships"]) == 2 and len(data["audit"]) == 4
    assert data == await world(commands.ExportPerson("bernd@example.org"))
    await world(commands.Leave(token))
    assert world.member(lst, "bernd@example.org").status == MemberStatus.UNSUBSCRIBED
    unsubscribe = world.link("bernd@example.org", "willkommen")
    with pytest.raises(TokenRefused):  # one list's unsubscribe link does not open "Meine Verteiler"
        await selfservice.my_lists(world.deps, unsubscribe)
    world.clock.advance(timedelta(days=91))
    with pytest.raises(TokenRefused):
        await selfservice.my_lists(world.deps, token)


async def test_a_new_address_for_every_list_is_confirmed_once_at_the_new_address(world: World) -> None:
    lst = await a_list(world, "offen")
    other = await a_list(world, "offen", "andere")
    for list_id in (lst, other):
        await world(commands.AddMember(list_id, OWNER, "bernd@example.org", "Bernd"))
    token = manage_token(world, "bernd@example.org")
    answer = await world(commands.MyAddress(token, "bernd@example.net"))
    assert "bernd@example.net" in answer and world.member(lst, "bernd@example.org").active  # not moved yet
    (mail,) = world.mails("bernd@example.net")
    assert mail["kind"] == "adressen_bestaetigen"
    assert [r.state for r in world.requests()] == [RequestState.AWAITING_CONFIRMATION] * 2
    message, _ = await world(commands.ConfirmAddress(world.link("bernd@example.net", "adressen_bestaetigen")))
    assert "Ihre Verteiler schreiben ab jetzt an bernd@example.net" in message
    for list_id in (lst, other):
        assert world.member(list_id, "bernd@example.org") is None
        assert world.member(list_id, "bernd@example.net").display_name == "Bernd"
    actions = [(a["actor"], a["action"]) for a in world.uow.committed.audit if a["action"].startswith("adress")]
    assert (
        actions
        == [("bernd@example.org", "adressaenderung_beantragt")] * 2 + [("bernd@example.net", "adresse_geaendert")] * 2
    )
    with pytest.raises(TokenRefused):
        await world(commands.ConfirmAddress(world.link("bernd@example.net", "adressen_bestaetigen")))


async def test_link_info_names_any_link_without_spending_it(world: World) -> None:
    lst = await a_list(world, "bestaetigen")
    await world(commands.Subscribe(lst, "anna@example.org"))
    confirm = world.link("anna@example.org", "bestaetigen")
    assert await views.link_info(world.deps, confirm) == ("bestaetigen", "Liste", "a…@example.org")
    assert await views.link_info(world.deps, confirm) == ("bestaetigen", "Liste", "a…@example.org")  # not spent
    await world(commands.Confirm(confirm))
    with pytest.raises(TokenRefused):  # now it is
        await views.link_info(world.deps, confirm)
    assert await views.link_info(world.deps, world.link("anna@example.org", "willkommen")) == (
        "abmelden",
        "Liste",
        "a…@example.org",
    )
    assert await views.link_info(world.deps, manage_token(world, "anna@example.org")) == (
        "verwalten",
        "",
        "a…@example.org",
    )
    await world(commands.ChangeAddress(lst, "anna@example.org", "anna@example.net", moderator=OWNER))
    assert await views.link_info(world.deps, world.link("anna@example.net", "adresse_bestaetigen")) == (
        "adresse_aendern",
        "Liste",
        "a…@example.net",
    )
    for broken in ("", "x.y", confirm[:-2] + "xx"):
        with pytest.raises(TokenRefused):
            await views.link_info(world.deps, broken)
    world.clock.advance(timedelta(days=400))
    with pytest.raises(TokenRefused):
        await views.link_info(world.deps, manage_token(world, "anna@example.org"))


async def test_the_moderation_mail_links_to_the_gateways_requests_page(world: World) -> None:
    lst = await a_list(world, "moderiert")
    await world(commands.Subscribe(lst, "anna@example.org"))
    (made,) = [m for m in world.composer.made if m["kind"] == "moderation"]
    assert made["context"]["link"] == f"https://bn.example/moderation/{lst}/anfragen"
    assert "request_id" not in made["context"]  # no id anyone has to type
