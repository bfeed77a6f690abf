"""The notifications service's requests for the web pages (issue 14), through a real nats-server on a real
database (SQLite and PostgreSQL): what the gateway sends and what it gets back, errors included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from functools import partial
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from services.notifications.adapters import calendar, orm
from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Sender
from services.notifications.adapters.unit_of_work import NotificationsUnitOfWork
from services.notifications.domain import commands
from services.notifications.domain.lists import CONSENT_TEXT_VERSION
from services.notifications.domain.tokens import Signer
from services.notifications.entrypoints import nats
from services.notifications.service_layer import selfservice
from services.notifications.service_layer.handlers import handle
from services.notifications.service_layer.ports import Deps
from shared.contracts import notifications as c
from shared.db import upgrade
from shared.messaging.rpc import request

SECRET = b"ein-schluessel-nur-fuer-tests"
LAG, KATHRIN = "lag-hartz-iv-sachsen", "kathrin@example.org"


class Clock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 11, 21, 10, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
async def system(database, broker):
    await upgrade(database, "notifications")
    clock = Clock()
    sender = Sender("verteiler@beratungsnetz.example")
    deps = Deps(
        uow=lambda: NotificationsUnitOfWork(database, orm.messaging),
        composer=MailComposer(sender, "https://bn.example", clock),
        calendar=partial(calendar.invitation, organizer=sender.address),
        signer=Signer(SECRET),
        now=clock,
        secret=SECRET,
        public_url="https://bn.example",
    )
    await handle(commands.CreateList("LAG Hartz IV Sachsen", "moderiert", owner_address=KATHRIN, owner_name="K"), deps)
    nats.register(broker, deps)
    await broker.start()

    async def ask(spec, **values):
        return await request(broker, spec, spec.request(**values), timeout=5)

    return deps, ask


async def mails(deps: Deps, recipient: str) -> list:
    async with deps.uow() as uow:
        t = orm.deliveries
        query = select(t).where(t.c.recipient == recipient).order_by(t.c.id)
        return list((await uow.session.execute(query)).all())


def text_of(row) -> str:
    return message_from_bytes(row.message, policy=policy.default).get_body(("plain",)).get_content()


def token_in(row, path: str) -> str:
    url = next(word for word in text_of(row).split() if f"/{path}?token=" in word)
    return parse_qs(urlparse(url).query)["token"][0]


async def test_roles_public_list_settings_and_sign_in_over_nats(system) -> None:
    deps, ask = system
    roles = await ask(c.ROLES_OF, address=KATHRIN)
    (moderated,) = roles.data.moderates
    assert (moderated.list_id, moderated.members, moderated.pending) == (LAG, 1, 0)
    await ask(c.SUBSCRIBE, list_id=LAG, address="anna@example.org", consent_version=CONSENT_TEXT_VERSION)
    assert (await ask(c.ROLES_OF, address=KATHRIN)).data.moderates[0].pending == 1
    assert (await ask(c.ROLES_OF, address="anna@example.org")).data.moderates == []
    (moderation,) = [r for r in await mails(deps, KATHRIN) if r.kind == "moderation"]
    assert f"https://bn.example/moderation/{LAG}/anfragen" in text_of(moderation)
    refused = await ask(c.SUBSCRIBE, list_id=LAG, address="bernd@example.org", consent_version="alt")
    assert refused.error.code == "ungueltige_eingabe" and "Fassung" in refused.error.message

    public = await ask(c.PUBLIC_LIST, list_id=LAG)
    assert (public.data.name, public.data.consent_version) == ("LAG Hartz IV Sachsen", CONSENT_TEXT_VERSION)
    assert public.data.consent_text and "Meine Verteiler" in public.data.privacy_notice
    assert (await ask(c.PUBLIC_LIST, list_id="gibt-es-nicht")).error.code == "nicht_gefunden"

    changed = await ask(
        c.UPDATE_LIST,
        list_id=LAG,
        moderator=KATHRIN,
        name="LAG Sachsen",
        description="Rundbriefe",
        policy="offen",
        welcome_text="Schön, dass Sie da sind!",
    )
    assert (changed.data.name, changed.data.policy, changed.data.welcome_text) == (
        "LAG Sachsen",
        "offen",
        "Schön, dass Sie da sind!",
    )
    forbidden = await ask(c.UPDATE_LIST, list_id=LAG, moderator="anna@example.org", name="X", policy="offen")
    assert forbidden.error.code == "nicht_erlaubt"
    await ask(c.SUBSCRIBE, list_id=LAG, address="clara@example.org")  # open now: straight in
    (welcome,) = await mails(deps, "clara@example.org")
    assert "Schön, dass Sie da sind!" in text_of(welcome)
    assert "https://bn.example/meine-verteiler?token=" in text_of(welcome)

    link = "https://bn.example/anmelden/bestaetigen?token=geheim"
    answer = await ask(c.SEND_SIGN_IN, address=KATHRIN, link=link, valid_minutes=15)
    assert answer.ok
    (sign_in,) = [r for r in await mails(deps, KATHRIN) if r.kind == "anmelden"]
    text = text_of(sign_in)
    assert sign_in.subject == "Ihr Anmeldelink für das Beratungsnetz" and link in text and "15 Minuten" in text
    assert "Wenn Sie das nicht angefordert haben, ignorieren Sie diese Mail" in text


async def test_members_audit_preview_and_mailings_over_nats(system) -> None:
    deps, ask = system
    for n in range(5):
        await ask(
            c.ADD_MEMBER, list_id=LAG, moderator=KATHRIN, address=f"m{n}@example.org", display_name=f"Mitglied {n}"
        )
    await ask(c.ADD_MEMBER, list_id=LAG, moderator=KATHRIN, address="dora@example.org", delivery="taeglich")
    page = await ask(c.MEMBERS, list_id=LAG, moderator=KATHRIN, search="MITGLIED", offset=1, limit=2)
    assert ([m.address for m in page.data.members], page.data.total) == (["m1@example.org", "m2@example.org"], 5)
    daily = await ask(c.MEMBERS, list_id=LAG, moderator=KATHRIN, delivery="taeglich")
    assert [m.address for m in daily.data.members] == ["dora@example.org"]
    everyone = await ask(c.MEMBERS, list_id=LAG, moderator=KATHRIN)
    assert everyone.data.total == len(everyone.data.members) == 7
    assert (await ask(c.MEMBERS, list_id=LAG, moderator="m1@example.org")).error.code == "nicht_erlaubt"

    preview = await ask(c.PREVIEW, list_id=LAG, moderator=KATHRIN, subject="Treffen", text="Am Montag um 10 Uhr.")
    headers = dict(preview.data.headers)
    assert headers["Subject"] == "[LAG Hartz IV Sachsen] Treffen" and headers["To"] == "K <k…@example.org>"
    assert headers["List-Id"].startswith("LAG Hartz IV Sachsen <lag-hartz-iv-sachsen.")
    assert "token=…" in headers["List-Unsubscribe"] and "Am Montag um 10 Uhr." in preview.data.text
    assert "meine-verteiler?token=…" in preview.data.text and preview.data.recipients == 7
    before = len(await mails(deps, KATHRIN))

    posted = await ask(c.POST, list_id=LAG, moderator=KATHRIN, subject="Treffen", text="Am Montag um 10 Uhr.")
    assert len(await mails(deps, KATHRIN)) == before + 1  # the preview sent nothing
    (mailing,) = (await ask(c.MAILINGS, list_id=LAG, moderator=KATHRIN)).data.mailings
    assert (mailing.event_id, mailing.subject, mailing.sender, mailing.recipients) == (
        posted.data.event_id,
        "Treffen",
        KATHRIN,
        7,
    )
    assert (mailing.pending, mailing.digest, mailing.failed) == (6, 1, 0)
    detail = await ask(c.MAILING, list_id=LAG, moderator=KATHRIN, event_id=posted.data.event_id)
    assert detail.data.failures == [] and detail.data.mailing.recipients == 7
    missing = await ask(c.MAILING, list_id=LAG, moderator=KATHRIN, event_id="beitrag:nichts")
    assert missing.error.code == "nicht_gefunden"

    audit = await ask(c.AUDIT, list_id=LAG, moderator=KATHRIN, action="mitglied_hinzugefuegt", limit=2)
    assert (len(audit.data.entries), audit.data.total) == (2, 6)
    assert audit.data.actions == ["beitrag_versendet", "mitglied_hinzugefuegt"]
    newest = await ask(c.AUDIT, list_id=LAG, moderator=KATHRIN, person="DORA")
    assert [e.subject for e in newest.data.entries] == ["dora@example.org"]


async def test_meine_verteiler_over_nats(system) -> None:
    deps, ask = system
    await ask(c.ADD_MEMBER, list_id=LAG, moderator=KATHRIN, address="bernd@example.org", display_name="Bernd")
    known = await ask(c.SEND_MANAGE_LINK, address="bernd@example.org")
    unknown = await ask(c.SEND_MANAGE_LINK, address="niemand@example.org")
    assert known.data.message == unknown.data.message == selfservice.LINK_ANSWER
    assert await mails(deps, "niemand@example.org") == []
    (link_mail,) = [r for r in await mails(deps, "bernd@example.org") if r.kind == "verwalten"]
    token = token_in(link_mail, "meine-verteiler")

    info = await ask(c.LINK_INFO, token=token)
    assert (info.data.purpose, info.data.list_name, info.data.address_hint) == ("verwalten", "", "b…@example.org")
    assert (await ask(c.LINK_INFO, token="kaputt")).error.code == "link_ungueltig"
    mine = await ask(c.MY_LISTS, token=token)
    assert [(s.list_id, s.status) for s in mine.data.subscriptions] == [(LAG, "aktiv")]
    changed = await ask(c.MY_DELIVERY, token=token, list_id=LAG, delivery="woechentlich")
    assert changed.data.delivery == "woechentlich"
    export = await ask(c.MY_EXPORT, token=token)
    assert export.data.address == "bernd@example.org" and len(export.data.memberships) == 1

    moved = await ask(c.MY_ADDRESS, token=token, new_address="bernd@example.net")
    assert "bernd@example.net" in moved.data.message
    (confirmation,) = await mails(deps, "bernd@example.net")
    confirm_token = token_in(confirmation, "adresse-bestaetigen")
    assert (await ask(c.LINK_INFO, token=confirm_token)).data.purpose == "adresse_aendern"
    assert (await ask(c.CONFIRM_ADDRESS, token=confirm_token)).ok
    assert (await ask(c.LINK_INFO, token=confirm_token)).error.code == "link_ungueltig"  # spent now

    deps.now.moment += timedelta(minutes=1)
    await ask(c.SEND_MANAGE_LINK, address="bernd@example.net")
    (new_link,) = [r for r in await mails(deps, "bernd@example.net") if r.kind == "verwalten"]
    left = await ask(c.LEAVE, token=token_in(new_link, "meine-verteiler"), list_id=LAG)
    assert left.ok and left.data.list_name == "LAG Hartz IV Sachsen"
    async with deps.uow() as uow:
        log = [(e.actor, e.action) for e in await uow.store.audit_log(LAG)]
    assert ("bernd@example.org", "zustellart_geaendert") in log and ("bernd@example.net", "abgemeldet") in log
    for _ in range(2):
        await ask(c.SEND_MANAGE_LINK, address="niemand@example.org")
    limited = await ask(c.SEND_MANAGE_LINK, address="niemand@example.org")
    assert limited.error.code == "zu_viele_anfragen"
