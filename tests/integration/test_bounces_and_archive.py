"""Issue 20, bounces and the archive, on SQLite and PostgreSQL with a real SMTP server (aiosmtpd).

Done 2 (bounces): list mail leaves with each member's VERP address as envelope sender; a real DSN (multipart/report as
Postfix builds it) for one member, three times, suspends that membership and mails the moderation a link to the bounce
page; the suspended member gets no further copy, the others do. A 5xx refusal at delivery counts the same way.
Done 3 (archive, service side): every post is archived; a member finds it by a word of its text, a non-member is
refused; the mbox parses with Python's mailbox module; an erasure takes the person's posts and bounces.
"""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from functools import partial

import pytest
from sqlalchemy import select

from services.notifications.adapters import calendar, orm
from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Sender
from services.notifications.adapters.mbox import mbox_bytes
from services.notifications.adapters.smtp_pool import SmtpPool
from services.notifications.adapters.unit_of_work import NotificationsUnitOfWork
from services.notifications.domain import commands
from services.notifications.domain.bounces import parse_return_path
from services.notifications.domain.errors import Forbidden
from services.notifications.domain.tokens import Signer
from services.notifications.service_layer import archive, bounces, delivery
from services.notifications.service_layer.handlers import handle
from services.notifications.service_layer.membership import get_list
from services.notifications.service_layer.ports import Deps
from shared.db import upgrade
from tests.bounces import dsn
from tests.smtp import SmtpServer

SECRET = b"ein-schluessel-nur-fuer-tests"
DOMAIN = "beratungsnetz.example"
LAG = "lag-hartz-iv-sachsen"
KATHRIN, ANNA, BERT, CARLA = "kathrin@example.org", "anna@example.org", "bert@example.org", "carla@example.org"


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 21, 10, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
async def world(database):
    """The service's parts on `database`, a real SMTP server, and the pool sending with each row's return path."""
    await upgrade(database, "notifications")
    clock = Clock()
    sender = Sender("verteiler@beratungsnetz.example", domain=DOMAIN)
    deps = Deps(
        uow=lambda: NotificationsUnitOfWork(database, orm.messaging),
        composer=MailComposer(sender, "https://bn.example", clock),
        calendar=partial(calendar.invitation, organizer=sender.address),
        signer=Signer(SECRET),
        now=clock,
        secret=SECRET,
        public_url="https://bn.example",
        mail_domain=DOMAIN,
    )
    await handle(
        commands.CreateList("LAG Hartz IV Sachsen", "offen", owner_address=KATHRIN, owner_name="Kathrin"), deps
    )
    for address, name in ((ANNA, "Anna Beispiel"), (BERT, "Bert"), (CARLA, "Carla")):
        await handle(commands.AddMember(LAG, KATHRIN, address, name, "mitglied", "jede"), deps)
    server = SmtpServer().start()
    pool = SmtpPool("127.0.0.1", server.port, size=2, timeout=5)

    async def send(recipient: str, message: bytes, return_path: str | None = None) -> None:
        await pool.send(return_path or sender.address, recipient, message)

    async def deliver() -> None:
        while await delivery.deliver_due(deps, send):
            pass

    try:
        yield deps, server, deliver
    finally:
        await pool.close()
        server.stop()


async def post(deps: Deps, subject: str, text: str) -> str:
    _, event_id = await handle(commands.Post(LAG, KATHRIN, subject, text), deps)
    return event_id


async def test_three_dsns_suspend_a_membership_tell_the_moderation_and_stop_its_copies(world) -> None:
    deps, server, deliver = world
    await deliver()  # the welcome mails
    for n in range(3):
        await post(deps, f"Treffen {n}", f"Wir treffen uns zum {n}. Mal.")
        await deliver()
        (copy,) = [r for r in server.mailbox.to(ANNA) if f"Treffen {n}" in r.message["Subject"]]
        assert parse_return_path(copy.mail_from) is not None and "anna" not in copy.mail_from
        assert copy.mail_from.endswith(f"@{DOMAIN}") and copy.mail_from.startswith(f"{LAG}-bounces+")
        others = {r.mail_from for r in server.mailbox.received if f"Treffen {n}" in r.message["Subject"]}
        assert len(others) == 4  # one return path per member
        report = dsn(copy.mail_from, ANNA, copy.raw)  # as the member's mail server returns it
        assert await bounces.receive_bounce(copy.mail_from, report, deps) == 1
        assert await bounces.receive_bounce(copy.mail_from, report, deps) == 0  # the same report again counts once
        deps.now.moment += timedelta(hours=1)

    async with deps.uow() as uow:
        anna = await uow.store.member(LAG, ANNA)
        logged = await uow.store.bounce_log(LAG)
    assert anna.active and anna.suspended_at is not None
    assert [(b.address, b.severity, b.status, b.source) for b in logged] == [(ANNA, "hart", "5.1.1", "dsn")] * 3

    await deliver()
    (told,) = [r for r in server.mailbox.to(KATHRIN) if "Zustellung ausgesetzt" in r.message["Subject"]]
    assert (
        ANNA in told.message["Subject"]
        and "https://bn.example/moderation/lag-hartz-iv-sachsen/unzustellbar" in told.text
    )
    assert told.problems == []

    before = len(server.mailbox.to(ANNA))
    await post(deps, "Nach dem Aussetzen", "Anna bekommt das nicht mehr.")
    await deliver()
    assert len(server.mailbox.to(ANNA)) == before
    assert all(any("Nach dem Aussetzen" in r.message["Subject"] for r in server.mailbox.to(a)) for a in (BERT, CARLA))

    await handle(commands.ResumeDelivery(LAG, KATHRIN, ANNA), deps)
    await post(deps, "Wieder da", "Anna bekommt das wieder.")
    await deliver()
    assert any("Wieder da" in r.message["Subject"] for r in server.mailbox.to(ANNA))


async def test_a_refusal_at_delivery_counts_like_a_hard_bounce(world) -> None:
    deps, server, deliver = world
    server.mailbox.refuse[BERT] = "550 5.1.1 <bert@example.org>: Recipient address rejected: User unknown"
    for n in range(3):
        await post(deps, f"Rundbrief {n}", "Text")
        await deliver()
    async with deps.uow() as uow:
        bert = await uow.store.member(LAG, BERT)
        logged = await uow.store.bounces_of(LAG, BERT)
    assert bert.suspended_at is not None and {b.source for b in logged} == {"smtp"} and len(logged) == 3
    assert all(b.status == "550" for b in logged)
    await post(deps, "Danach", "Text")
    async with deps.uow() as uow:
        rows = (await uow.session.execute(select(orm.deliveries).where(orm.deliveries.c.recipient == BERT))).all()
    assert not any("Danach" in r.subject for r in rows)  # no row queued for him


async def test_the_archive_finds_a_post_by_a_word_for_members_and_exports_an_mbox(world, tmp_path) -> None:
    deps, server, deliver = world
    await post(deps, "Flugblatt", "Der Entwurf für das Flugblatt zur Wohngeldreform ist fertig.\nBitte lesen.")
    await post(deps, "Treffen", "Wir treffen uns am Montag im Gewerkschaftshaus.")
    await deliver()
    (copy,) = [r for r in server.mailbox.to(ANNA) if "Treffen" in r.message["Subject"]]
    reply = message_from_bytes(copy.raw, policy=policy.default)
    answer = (
        f"From: Anna Beispiel <{ANNA}>\r\nTo: {LAG}@{DOMAIN}\r\nSubject: Re: Treffen\r\n"
        f"Message-ID: <antwort@example.org>\r\nIn-Reply-To: {reply['Message-ID']}\r\n"
        f"References: {reply['References']} {reply['Message-ID']}\r\n\r\nIch komme, Gruß Anna\r\n"
    ).encode()
    async with deps.uow() as uow:
        await archive.keep(deps, uow, await get_list(uow, LAG), "eingang:anna-1", answer)
        await uow.commit()

    found, threads, total, hits = await archive.overview(deps, LAG, CARLA, False, "wohngeldreform")
    assert [h.subject for h in hits] == ["Flugblatt"] and total == 2
    assert [(t.subject, t.posts) for t in threads] == [("Treffen", 2), ("Flugblatt", 1)]
    _, posts = await archive.thread(deps, LAG, ANNA, False, threads[0].thread_id)
    assert [p.sender for p in posts] == [KATHRIN, ANNA] and posts[1].parent_id == posts[0].id
    with pytest.raises(Forbidden):
        await archive.overview(deps, LAG, "fremd@example.org", False, "wohngeldreform")
    with pytest.raises(Forbidden):
        await archive.messages(deps, LAG, CARLA)

    _, messages = await archive.messages(deps, LAG, KATHRIN)
    path = tmp_path / "archiv.mbox"  # the mbox as the moderation downloads it, read back by Python's mailbox module
    path.write_bytes(mbox_bytes(messages))
    box = mailbox.mbox(path, create=False)
    subjects = [m["Subject"] for m in box]
    bodies = [m.get_payload(decode=True).decode() for m in box]
    box.close()
    assert subjects == ["Flugblatt", "Treffen", "Re: Treffen"]
    assert "Wohngeldreform" in bodies[0] and "Ich komme" in bodies[2]


async def test_erasure_takes_the_persons_archived_posts_and_bounces(world) -> None:
    deps, server, deliver = world
    await post(deps, "Protokoll", "Das Protokoll schreibt Anna Beispiel.")
    answer = f"From: Anna Beispiel <{ANNA}>\r\nSubject: Mein Beitrag\r\n\r\nVon Anna.\r\n".encode()
    async with deps.uow() as uow:
        await archive.keep(deps, uow, await get_list(uow, LAG), "eingang:anna-2", answer)
        await uow.commit()
    await deliver()
    (copy,) = [r for r in server.mailbox.to(ANNA) if "Protokoll" in r.message["Subject"]]
    await bounces.receive_bounce(copy.mail_from, dsn(copy.mail_from, ANNA, copy.raw), deps)

    erased = await handle(commands.ErasePerson(ANNA), deps)
    assert erased["archive"] == 1 and erased["bounces"] == 1
    async with deps.uow() as uow:
        rows = (await uow.session.execute(select(orm.archive))).all()
        left = (await uow.session.execute(select(orm.bounces))).all()
    assert [r.sender for r in rows] == [KATHRIN] and left == []
    assert "Anna" not in rows[0].body and b"Anna" not in bytes(rows[0].message) and "anna" not in rows[0].search
