"""Held posts over time (issue 20), on the injected clock and a real database (SQLite and PostgreSQL): reminded
once a day after they came, expired with a notice to the sender after the configured time, then left alone."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from functools import partial

import pytest
from sqlalchemy import select

from services.notifications.adapters import calendar, inbound_mail, orm
from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Sender
from services.notifications.adapters.unit_of_work import NotificationsUnitOfWork
from services.notifications.domain import commands
from services.notifications.domain.tokens import Signer
from services.notifications.service_layer import held, posts
from services.notifications.service_layer.handlers import handle
from services.notifications.service_layer.ports import Deps
from shared.db import upgrade

SECRET = b"ein-schluessel-nur-fuer-tests"
MOD, STRANGER = "kathrin@example.org", "fremd@example.net"


@pytest.fixture
async def deps(database, clock):
    await upgrade(database, "notifications")
    sender = Sender("verteiler@beratungsnetz.example")
    made = Deps(
        uow=lambda: NotificationsUnitOfWork(database, orm.messaging),
        composer=MailComposer(sender, "https://bn.example", clock.now),
        calendar=partial(calendar.invitation, organizer=sender.address),
        signer=Signer(SECRET),
        now=clock.now,
        secret=SECRET,
        public_url="https://bn.example",
        read_mail=inbound_mail.read,
        held_expire_after=timedelta(days=5),
    )
    await handle(commands.CreateList("Rundbrief", "offen", owner_address=MOD), made)
    return made


async def deliveries(deps, kind: str) -> list:
    async with deps.uow() as uow:
        t = orm.deliveries
        return list((await uow.session.execute(select(t).where(t.c.kind == kind))).all())


def stranger_post() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"], msg["Message-ID"] = STRANGER, "rundbrief@x", "Hallo", "<h1@example.net>"
    msg.set_content("Darf ich?")
    return msg.as_bytes()


async def test_a_held_post_is_reminded_once_then_expires_with_notice(deps, clock) -> None:
    answer = await posts.receive(deps, "rundbrief@beratungsnetz.example", STRANGER, stranger_post())
    assert answer.startswith("250")
    assert await held.remind_and_expire(deps) == 0  # nothing due yet
    clock.advance(timedelta(hours=23))
    assert await held.remind_and_expire(deps) == 0
    clock.advance(timedelta(hours=2))  # a day has passed: one reminder to the moderation
    assert await held.remind_and_expire(deps) == 1
    assert await held.remind_and_expire(deps) == 0  # only once
    assert [r.recipient for r in await deliveries(deps, "beitrag_erinnerung")] == [MOD]
    clock.advance(timedelta(days=4))  # five days after it came: expired, the sender is told
    assert await held.remind_and_expire(deps) == 1
    assert [r.recipient for r in await deliveries(deps, "beitrag_abgelaufen")] == [STRANGER]
    async with deps.uow() as uow:
        assert await uow.store.held_posts("rundbrief") == []
        (post,) = await uow.store.held_posts("rundbrief", open_only=False)
    assert post.state == "abgelaufen"
    clock.advance(timedelta(days=30))
    assert await held.remind_and_expire(deps) == 0
    assert await deliveries(deps, "listenbeitrag") == []  # never distributed


async def test_a_deferred_post_is_not_reminded_but_still_expires(deps, clock) -> None:
    await posts.receive(deps, "rundbrief@beratungsnetz.example", STRANGER, stranger_post())
    async with deps.uow() as uow:
        (post,) = await uow.store.held_posts("rundbrief")
    await handle(commands.DecidePost("rundbrief", MOD, post.id, "zurueckstellen"), deps)
    clock.advance(timedelta(days=2))
    assert await held.remind_and_expire(deps) == 0
    clock.advance(timedelta(days=3))
    assert await held.remind_and_expire(deps) == 1
    assert await deliveries(deps, "beitrag_erinnerung") == []
    assert len(await deliveries(deps, "beitrag_abgelaufen")) == 1
