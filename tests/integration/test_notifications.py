"""Lists, consent, moderation, GDPR and delivery on a real database and a real SMTP server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from functools import partial
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from services.notifications.adapters import calendar, orm
from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Sender
from services.notifications.adapters.smtp_pool import SmtpPool
from services.notifications.adapters.unit_of_work import NotificationsUnitOfWork
from services.notifications.domain import commands
from services.notifications.domain.errors import Conflict, Forbidden, TokenRefused, TooManyRequests
from services.notifications.domain.tokens import Signer
from services.notifications.entrypoints.translate import TRANSLATIONS
from services.notifications.service_layer import delivery, digests, membership, views
from services.notifications.service_layer.handlers import handle
from services.notifications.service_layer.ports import Deps
from shared import privacy
from shared.context import message_context
from shared.contracts import Envelope
from shared.contracts import registry as r
from shared.db import upgrade
from tests.smtp import SmtpServer

SECRET = b"ein-schluessel-nur-fuer-tests"
LAG = "lag-hartz-iv-sachsen"


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 21, 10, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
async def deps(database):
    await upgrade(database, "notifications")
    clock = Clock()
    sender = Sender("verteiler@beratungsnetz.example")
    made = Deps(
        uow=lambda: NotificationsUnitOfWork(database, orm.messaging),
        composer=MailComposer(sender, "https://bn.example", clock),
        calendar=partial(calendar.invitation, organizer=sender.address),
        signer=Signer(SECRET),
        now=clock,
        secret=SECRET,
        public_url="https://bn.example",
        workplan_list=LAG,
    )
    await handle(
        commands.CreateList(
            "LAG Hartz IV Sachsen",
            "bestaetigen_und_moderiert",
            owner_address="kathrin@example.org",
            owner_name="Kathrin",
        ),
        made,
    )
    return made


async def queued(deps, recipient: str | None = None) -> list:
    async with deps.uow() as uow:
        t = orm.deliveries
        query = select(t).order_by(t.c.id)
        if recipient:
            query = query.where(t.c.recipient == recipient)
        return list((await uow.session.execute(query)).all())


def token_of(row, path: str) -> str:
    text = message_from_bytes(row.message, policy=policy.default).get_body(("plain",)).get_content()
    url = next(word for word in text.split() if f"/{path}?token=" in word)
    return parse_qs(urlparse(url).query)["token"][0]


async def test_double_opt_in_then_moderation_then_welcome(deps, database) -> None:
    answer = await handle(commands.Subscribe(LAG, "anna@example.org", "Anna Beispiel", ip="203.0.113.7"), deps)
    assert answer == membership.SAME_ANSWER
    (confirmation,) = await queued(deps, "anna@example.org")
    assert confirmation.kind == "bestaetigen" and b"Anna Beispiel" not in confirmation.message  # only the address
    message, _ = await handle(commands.Confirm(token_of(confirmation, "bestaetigen")), deps)
    assert "Moderation entscheidet" in message
    with pytest.raises(TokenRefused) as reused:
        await handle(commands.Confirm(token_of(confirmation, "bestaetigen")), deps)
    assert reused.value.reason == "reused"

    moderation = [r for r in await queued(deps, "kathrin@example.org") if r.kind == "moderation"]
    assert len(moderation) == 1
    async with deps.uow() as uow:
        (pending,) = await uow.store.pending(LAG)
    await handle(commands.Decide(LAG, "kathrin@example.org", pending.id, "annehmen"), deps)
    assert [r.kind for r in await queued(deps, "anna@example.org")] == ["bestaetigen", "willkommen"]
    async with deps.uow() as uow:
        anna = await uow.store.member(LAG, "anna@example.org")
        consent = (
            await uow.session.execute(select(orm.consents).where(orm.consents.c.address == "anna@example.org"))
        ).one()
        log = await uow.store.audit_log(LAG)
    assert anna.active and anna.display_name == "Anna Beispiel"
    assert (consent.ip, consent.text_version, consent.confirmed_at is not None) == ("203.0.113.7", "2026-11-01", True)
    assert [(e.actor, e.action, e.subject) for e in log] == [
        ("anna@example.org", "bestaetigt", "anna@example.org"),  # her own click, then the moderation's
        ("kathrin@example.org", "anfrage_annehmen", "anna@example.org"),
    ]


async def test_no_enumeration_and_rate_limits(deps) -> None:
    await handle(commands.AddMember(LAG, "kathrin@example.org", "bernd@example.org", "Bernd", "mitglied", "jede"), deps)
    assert await handle(commands.Subscribe(LAG, "bernd@example.org"), deps) == await handle(
        commands.Subscribe(LAG, "neu@example.org"), deps
    )
    # a member hears that nothing needed to change, with their "Meine Verteiler" link; the answer is the same
    assert [r.kind for r in await queued(deps, "bernd@example.org")] == ["willkommen", "bereits_eingetragen"]
    for _ in range(3):  # three requests per address and hour are allowed
        await handle(commands.Subscribe(LAG, "bombe@example.org"), deps)
    with pytest.raises(TooManyRequests, match="Zu viele Anfragen"):
        await handle(commands.Subscribe(LAG, "bombe@example.org"), deps)
    deps.now.moment += timedelta(hours=2)
    await handle(commands.Subscribe(LAG, "bombe@example.org"), deps)


async def test_address_change_is_confirmed_at_the_new_address(deps) -> None:
    await handle(commands.AddMember(LAG, "kathrin@example.org", "bernd@example.org", "Bernd", "mitglied", "jede"), deps)
    (welcome,) = await queued(deps, "bernd@example.org")
    own_link = token_of(welcome, "abmelden")  # the member's personal link proves the old address
    await handle(
        commands.ChangeAddress(LAG, "bernd@example.org", "bernd.neu@example.org", token=own_link, moderator=None), deps
    )
    (confirmation,) = await queued(deps, "bernd.neu@example.org")
    message, _ = await handle(commands.ConfirmAddress(token_of(confirmation, "adresse-bestaetigen")), deps)
    assert "bernd.neu@example.org" in message
    async with deps.uow() as uow:
        assert await uow.store.member(LAG, "bernd@example.org") is None
        assert (await uow.store.member(LAG, "bernd.neu@example.org")).display_name == "Bernd"
    await handle(commands.Subscribe(LAG, "clara@example.org"), deps)
    (confirmation,) = await queued(deps, "clara@example.org")
    await handle(commands.Confirm(token_of(confirmation, "bestaetigen")), deps)
    async with deps.uow() as uow:
        (request,) = await uow.store.pending(LAG)
    await handle(commands.Decide(LAG, "kathrin@example.org", request.id, "annehmen"), deps)
    await handle(
        commands.ChangeAddress(
            LAG, "clara@example.org", "clara@example.net", token=None, moderator="kathrin@example.org"
        ),
        deps,
    )
    (moved,) = await queued(deps, "clara@example.net")
    await handle(commands.ConfirmAddress(token_of(moved, "adresse-bestaetigen")), deps)
    assert (
        len((await handle(commands.ExportPerson("clara@example.net"), deps))["consents"]) == 1
    )  # the proof of consent moved along
    with pytest.raises(TokenRefused):
        await handle(
            commands.ChangeAddress(LAG, "kathrin@example.org", "x@example.org", token=own_link, moderator=None), deps
        )


async def test_roles_moderator_rights_and_leaving(deps) -> None:
    await handle(commands.AddMember(LAG, "kathrin@example.org", "bernd@example.org", "Bernd", "mitglied", "jede"), deps)
    with pytest.raises(Forbidden, match="Nur die Moderation"):
        await handle(
            commands.AddMember(LAG, "bernd@example.org", "clara@example.org", "Clara", "mitglied", "jede"), deps
        )
    await handle(commands.SetRole(LAG, "kathrin@example.org", "bernd@example.org", "moderation"), deps)
    await handle(commands.AddMember(LAG, "bernd@example.org", "clara@example.org", "Clara", "mitglied", "jede"), deps)
    (clara_welcome,) = await queued(deps, "clara@example.org")
    message, _ = await handle(commands.Unsubscribe(token_of(clara_welcome, "abmelden")), deps)
    assert "abgemeldet" in message
    await handle(commands.Unsubscribe(token_of(clara_welcome, "abmelden")), deps)  # twice is harmless
    with pytest.raises(Conflict, match="selbst abgemeldet"):
        await handle(
            commands.AddMember(LAG, "kathrin@example.org", "clara@example.org", "Clara", "mitglied", "jede"), deps
        )
    async with deps.uow() as uow:
        actions = [(e.actor, e.action) for e in await uow.store.audit_log(LAG)]
    assert ("kathrin@example.org", "rolle_geaendert") in actions and ("clara@example.org", "abgemeldet") in actions


async def test_export_then_erase_and_block_leaves_only_a_fingerprint_and_announces_it(deps, database) -> None:
    await handle(commands.Subscribe(LAG, "anna@example.org", "Anna"), deps)
    await handle(commands.AddMember(LAG, "kathrin@example.org", "anna@example.org", "Anna", "mitglied", "jede"), deps)
    data = await handle(commands.ExportPerson("anna@example.org"), deps)
    assert len(data["memberships"]) == 1 and len(data["requests"]) == 1 and len(data["consents"]) == 1
    assert len(data["deliveries"]) == 2 and data["audit"][0]["subject"] == "anna@example.org"
    counts = await handle(commands.ErasePerson("anna@example.org", block=True), deps)
    assert counts == {"memberships": 1, "requests": 1, "consents": 1, "deliveries": 2, "bounces": 0, "archive": 0}
    assert all(v == [] for v in (await handle(commands.ExportPerson("anna@example.org"), deps)).values())
    with pytest.raises(Conflict, match="gesperrt"):
        await handle(
            commands.AddMember(LAG, "kathrin@example.org", "anna@example.org", "Anna", "mitglied", "jede"), deps
        )
    async with database.sessions() as session:
        subjects = (await session.execute(select(orm.messaging.outbox.c.subject))).scalars().all()
        body = (
            await session.execute(
                select(orm.messaging.outbox.c.body).where(
                    orm.messaging.outbox.c.subject == "notifications.person.erased.v1"
                )
            )
        ).scalar_one()
    assert "notifications.person.erased.v1" in subjects and b"anna@" not in body.lower()  # only the fingerprint
    payload = json.loads(body)["payload"]
    assert payload["blocked"] is True and payload["fingerprint"] == privacy.fingerprint("anna@example.org", deps.secret)


async def test_delivery_over_real_smtp_retries_temporary_and_records_permanent_failures(deps) -> None:
    for n in range(5):
        await handle(
            commands.AddMember(LAG, "kathrin@example.org", f"m{n}@example.org", f"M{n}", "mitglied", "jede"), deps
        )
    server = SmtpServer()  # not started yet: the server is away
    server.mailbox.refuse["m4@example.org"] = "550 Postfach unbekannt"
    pool = SmtpPool("127.0.0.1", server.port, size=2, timeout=2)

    async def send(recipient: str, message: bytes, return_path: str | None = None) -> None:
        """As the service's bootstrap sends: the pool raises the delivery port's own errors; list mail leaves with
        its member's VERP return path."""
        await pool.send(return_path or "verteiler@beratungsnetz.example", recipient, message)

    assert await delivery.deliver_due(deps, send) == 0
    rows = await queued(deps)
    assert {r.status for r in rows} == {"pending"} and all(r.attempts == 1 and r.last_error for r in rows)
    assert await delivery.deliver_due(deps, send) == 0  # not due yet: the backoff holds

    server.start()
    try:
        deps.now.moment += timedelta(seconds=10)
        assert await delivery.deliver_due(deps, send) == 5  # 6 welcome mails: Kathrin's and 5 members', one refused
        assert await delivery.deliver_due(deps, send) == 0
        by_status = {r.recipient: (r.status, r.last_error) for r in await queued(deps)}
        assert by_status["m4@example.org"][0] == "failed" and "550" in by_status["m4@example.org"][1]
        received = [r.recipient for r in server.mailbox.received]
        assert sorted(received) == sorted(["kathrin@example.org"] + [f"m{n}@example.org" for n in range(4)])
    finally:
        await pool.close()
        server.stop()


async def test_digest_members_get_one_summary_instead_of_each_mail(deps) -> None:
    await handle(
        commands.AddMember(LAG, "kathrin@example.org", "dora@example.org", "Dora", "mitglied", "taeglich"), deps
    )
    for subject in ("Treffen Montag", "Zahltag Plauen"):
        await handle(commands.Post(LAG, "kathrin@example.org", subject, f"Text zu {subject}"), deps)
    assert [r.status for r in await queued(deps, "dora@example.org")] == [
        "pending",
        "digest",
        "digest",
    ]  # welcome, 2 posts
    assert await digests.send_digests(deps) == 0  # still the same day
    deps.now.moment += timedelta(days=1)
    assert await digests.send_digests(deps) == 1
    rows = await queued(deps, "dora@example.org")
    assert [r.status for r in rows] == ["pending", "digested", "digested", "pending"]
    text = message_from_bytes(rows[-1].message, policy=policy.default).get_body(("plain",)).get_content()
    assert "- Treffen Montag" in text and "- Zahltag Plauen" in text and "2 Nachricht(en)" in text
    assert await digests.send_digests(deps) == 0


async def test_a_groups_events_out_of_order_leave_its_list_as_the_newest_says(deps) -> None:
    kathrin, wolfgang = (
        r.Coordinator(name="Kathrin", email="kathrin@example.net"),
        r.Coordinator(name="Wolfgang", email="wolfgang@example.org"),
    )
    formed = Envelope.wrap(r.GroupFormedV1(group_id="g-v", name="Vogtland", state="SN", coordinator=kathrin))
    renamed = Envelope.wrap(
        r.GroupRenamedV1(group_id="g-v", name="Vogtland-Nord", state="SN", coordinator=kathrin, old_name="Vogtland")
    )
    changed = Envelope.wrap(
        r.CoordinatorChangedV1(group_id="g-v", name="Vogtland-Nord", state="SN", coordinator=wolfgang)
    )
    # The founding's consumer crashed before its ack: the rename and the new coordinator came first.
    for envelope, sequence in ((renamed, 12), (changed, 13), (formed, 10), (renamed, 12)):
        with message_context(stream_sequence=sequence):
            await handle(TRANSLATIONS[type(envelope.payload)](envelope), deps)
    async with deps.uow() as uow:
        (group_list,) = await uow.lists.list(group_id="g-v")
        members = {m.address: m.role for m in await uow.store.members(group_list.id, active_only=True)}
    assert (group_list.name, group_list.group_sequence) == ("Regionalgruppe Vogtland-Nord", 13)
    # Kathrin moderates from the rename on (its snapshot names her), as she would have from the founding;
    # a change of coordinator adds Wolfgang and, as always, leaves her a moderator.
    assert members == {"kathrin@example.net": "moderation", "wolfgang@example.org": "moderation"}
    welcomed = [
        row.recipient for row in await queued(deps) if "Willkommen" in row.subject and "Vogtland" in row.subject
    ]
    assert sorted(welcomed) == [
        "kathrin@example.net",
        "wolfgang@example.org",
    ]  # each welcomed once, the late founding adds nothing


async def test_a_groups_list_is_named_after_its_slug_and_keeps_that_name_through_a_rename(deps) -> None:
    formed = Envelope.wrap(r.GroupFormedV1(group_id="g-g", name="Regionalgruppe Görlitz", state="SN", slug="goerlitz"))
    renamed = Envelope.wrap(
        r.GroupRenamedV1(
            group_id="g-g",
            name="Görlitz-Zittau",
            state="SN",
            slug="goerlitz-zittau",
            aliases=["goerlitz"],
            old_name="Regionalgruppe Görlitz",
        )
    )
    before_slugs = Envelope.wrap(
        r.GroupFormedV1(group_id="g-m", name="Meißen", state="SN")
    )  # an event from before slugs
    for sequence, envelope in enumerate((formed, renamed, before_slugs), start=1):
        with message_context(stream_sequence=sequence):
            await handle(TRANSLATIONS[type(envelope.payload)](envelope), deps)
    async with deps.uow() as uow:
        (goerlitz,), (meissen,) = await uow.lists.list(group_id="g-g"), await uow.lists.list(group_id="g-m")
    assert (goerlitz.id, goerlitz.name) == ("rg-goerlitz", "Regionalgruppe Görlitz-Zittau")
    assert meissen.id == "rg-meissen"  # German transliteration, as for the registry's slugs


async def test_the_landesbuero_moderates_every_list_without_being_a_member(deps) -> None:
    office = "landesbuero@beratungsnetz.example"  # an admin token's address: no member of the list
    with pytest.raises(Forbidden, match="Nur die Moderation"):
        await views.moderator_view(deps, LAG, office, lambda store: store.pending(LAG))
    assert await views.moderator_view(deps, LAG, office, lambda store: store.pending(LAG), admin=True) == []
    member = await handle(
        commands.AddMember(LAG, office, "bernd@example.org", "Bernd", "mitglied", "jede", admin=True), deps
    )
    assert member.status == "aktiv"
    await handle(commands.SetRole(LAG, office, "bernd@example.org", "moderation", admin=True), deps)
    count, _ = await handle(commands.Post(LAG, office, "Rundbrief", "Hallo", admin=True), deps)
    assert count == 2  # Kathrin and Bernd
    async with deps.uow() as uow:
        assert (office, "beitrag_versendet") in [(e.actor, e.action) for e in await uow.store.audit_log(LAG)]
