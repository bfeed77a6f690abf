"""Members write to their list (issue 20), through the real parts: the notifications service as built by its
bootstrap on SQLite and PostgreSQL, mail handed in over real LMTP (smtplib's client against the service's
aiosmtpd server), copies received by a real SMTP server (aiosmtpd) and checked on their raw bytes, the
moderation's decisions over a real nats-server."""

from __future__ import annotations

import asyncio
import re
import smtplib
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from beratungsnetz.runtime.ports import free_port
from services.notifications.adapters import orm
from services.notifications.bootstrap import bootstrap
from services.notifications.config import NotificationsSettings
from services.notifications.service_layer import posts
from shared.contracts import notifications as n
from shared.messaging.rpc import request
from tests.bounces import dsn
from tests.smtp import SmtpServer
from tests.support import eventually, test_start_text

PUBLIC = "http://gateway.test:8000"
DOMAIN = "beratungsnetz.example"
MOD, ANNA, BEN = "marta@example.org", "anna@example.org", "ben@example.org"
STRANGER = "fremd@example.net"
LIST = "sozialrecht"
ADDRESS = f"{LIST}@{DOMAIN}"


@pytest.fixture
async def system(database, nats_server, broker):
    smtp = SmtpServer().start()
    lmtp_port = free_port()
    settings = NotificationsSettings(
        nats_url=nats_server.url,
        database_url=database.engine.url.render_as_string(hide_password=False),
        database_schema=database.schema,
        environment="test",
        clock_start=test_start_text(),
        secret_key="x" * 40,
        smtp_port=smtp.port,
        public_url=PUBLIC,
        mail_domain=DOMAIN,
        delivery_poll_seconds=0.1,
        lmtp_port=lmtp_port,
        max_message_kilobytes=64,
    )
    service = bootstrap(settings)
    await service.start()
    await broker.connect()
    try:
        made = await ask(broker, n.CREATE_LIST, n.CreateList(name="Sozialrecht", policy="offen", owner_address=MOD))
        assert made.list_id == LIST
        for address, name in ((ANNA, "Anna Arm"), (BEN, "Ben Brot")):
            await ask(
                broker, n.ADD_MEMBER, n.AddMember(list_id=LIST, moderator=MOD, address=address, display_name=name)
            )
        await until(lambda: _count(smtp, "Willkommen") == 3)
        yield service, smtp, lmtp_port
    finally:
        await service.stop()
        smtp.stop()


async def ask(broker, spec, payload):
    reply = await request(broker, spec, payload, timeout=10)
    assert reply.ok, reply.error
    return reply.data


async def until(check) -> None:
    async def holds() -> bool:
        return bool(check())

    await eventually(holds)


def _count(smtp: SmtpServer, subject_part: str) -> int:
    return sum(1 for r in smtp.mailbox.received if subject_part in str(r.message["Subject"]))


def post(
    sender: str, subject: str, text: str, to: str = ADDRESS, **headers: str
) -> bytes:  # a mail as a mail program writes it
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = f"<{abs(hash((sender, subject, text)))}@example.org>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    return msg.as_bytes()


async def lmtp(port: int, sender: str, rcpt: str, raw: bytes) -> dict:
    """Hand a mail over as an MTA does (LHLO, MAIL, RCPT, DATA): the refused recipients, or {}."""

    def send() -> dict:
        with smtplib.LMTP("127.0.0.1", port) as client:
            return client.sendmail(sender, [rcpt], raw)

    return await asyncio.to_thread(send)


def head(raw: bytes) -> dict[str, bytes]:
    lines = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ").split(b"\r\n")
    return {k.decode().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines)}


def copies(smtp: SmtpServer, subject: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for r in smtp.mailbox.received:
        if subject in str(r.message["Subject"]) and "[Sozialrecht]" in str(r.message["Subject"]):
            found.setdefault(r.recipient, []).append(r)
    return found


async def test_a_members_post_reaches_every_member_once_with_the_list_headers(system) -> None:
    service, smtp, port = system
    assert (
        await lmtp(
            port, ANNA, ADDRESS, post(f"Anna Arm <{ANNA}>", "Frist bei Widerspruch", "Hallo zusammen,\nein Monat.")
        )
        == {}
    )

    async def all_arrived() -> bool:
        return len(copies(smtp, "Frist bei Widerspruch")) == 3

    await eventually(all_arrived)
    await asyncio.sleep(0.5)  # nothing more comes
    got = copies(smtp, "Frist bei Widerspruch")
    assert {k: len(v) for k, v in got.items()} == {MOD: 1, ANNA: 1, BEN: 1}
    assert smtp.mailbox.misread() == {}
    raw = got[BEN][0].raw
    h = head(raw)
    assert h["list-id"] == b"Sozialrecht <sozialrecht.beratungsnetz.example>"
    assert h["list-post"] == b"<mailto:sozialrecht@beratungsnetz.example>"
    assert h["list-archive"] == f"<{PUBLIC}/verteiler/sozialrecht/archiv>".encode()
    assert re.fullmatch(
        rb"<http://gateway\.test:8000/abmelden\?token=[^>]+>, <mailto:sozialrecht-leave@beratungsnetz\.example>",
        h["list-unsubscribe"],
    )
    assert h["list-unsubscribe-post"] == b"List-Unsubscribe=One-Click"
    assert h["x-loop"] == b"sozialrecht@beratungsnetz.example" and h["precedence"] == b"list"
    assert h["from"] == b"Anna Arm <anna@example.org>"  # kept: the list is not set to rewrite it
    assert h["subject"] == b"[Sozialrecht] Frist bei Widerspruch"
    text = got[BEN][0].text
    assert "ein Monat." in text and "Abmelden: http://gateway.test:8000/abmelden?token=" in text
    assert got[BEN][0].text != got[ANNA][0].text  # each footer carries the member's own links

    # The same mail handed in again (an MTA that lost our 250) sends no second copy.
    await lmtp(port, ANNA, ADDRESS, post(f"Anna Arm <{ANNA}>", "Frist bei Widerspruch", "Hallo zusammen,\nein Monat."))
    await asyncio.sleep(0.8)
    assert {k: len(v) for k, v in copies(smtp, "Frist bei Widerspruch").items()} == {MOD: 1, ANNA: 1, BEN: 1}


async def test_a_strangers_post_waits_is_accepted_with_trust_and_the_next_goes_straight_through(system, broker) -> None:
    service, smtp, port = system
    await lmtp(port, STRANGER, ADDRESS, post(f"Frida Fremd <{STRANGER}>", "Einladung Fachtag", "Herzliche Einladung."))
    await until(lambda: _count(smtp, "Beitrag wartet auf Freigabe"))
    (told,) = [r for r in smtp.mailbox.to(MOD) if "Beitrag wartet" in str(r.message["Subject"])]
    assert "http://gateway.test:8000/moderation/sozialrecht/beitraege" in told.text
    await until(lambda: smtp.mailbox.to(STRANGER))  # the sender hears that it waits (mails go out in any order)
    assert "wartet auf die Moderation" in str(smtp.mailbox.to(STRANGER)[0].message["Subject"])
    assert copies(smtp, "Einladung Fachtag") == {}
    held = await ask(broker, n.HELD_POSTS, n.ListQuery(list_id=LIST, moderator=MOD))
    (one,) = held.posts
    assert (one.sender, one.subject, one.state) == (STRANGER, "Einladung Fachtag", "wartet")
    assert one.reasons == ["Die Absenderadresse ist nicht im Verteiler eingetragen."]
    roles = await ask(broker, n.ROLES_OF, n.RolesOf(address=MOD))
    assert [(m.list_id, m.held) for m in roles.moderates] == [(LIST, 1)]  # "Meine Aufgaben" knows at once

    decision = n.DecidePost(list_id=LIST, moderator=MOD, post_id=one.post_id, decision="annehmen_und_vertrauen")
    assert (await ask(broker, n.DECIDE_POST, decision)).state == "angenommen"
    await until(lambda: _arrived(smtp, "Einladung Fachtag", 3))

    await lmtp(port, STRANGER, ADDRESS, post(f"Frida Fremd <{STRANGER}>", "Nachtrag Fachtag", "Raum 3."))
    await until(lambda: _arrived(smtp, "Nachtrag Fachtag", 3))
    assert (await ask(broker, n.HELD_POSTS, n.ListQuery(list_id=LIST, moderator=MOD))).posts == []


def _arrived(smtp: SmtpServer, subject: str, count: int) -> bool:
    return len(copies(smtp, subject)) == count


async def test_a_rejected_posts_sender_gets_the_reason(system, broker) -> None:
    service, smtp, port = system
    await lmtp(port, STRANGER, ADDRESS, post(STRANGER, "Werbung", "Kaufen Sie jetzt!"))
    await until(lambda: _count(smtp, "Beitrag wartet auf Freigabe"))
    (one,) = (await ask(broker, n.HELD_POSTS, n.ListQuery(list_id=LIST, moderator=MOD))).posts
    reason = "Werbung verteilen wir nicht."
    decision = n.DecidePost(list_id=LIST, moderator=MOD, post_id=one.post_id, decision="ablehnen", reason=reason)
    await ask(broker, n.DECIDE_POST, decision)

    async def told() -> bool:
        return any("nicht weitergegeben" in str(r.message["Subject"]) for r in smtp.mailbox.to(STRANGER))

    await eventually(told)
    (rejection,) = [r for r in smtp.mailbox.to(STRANGER) if "nicht weitergegeben" in str(r.message["Subject"])]
    assert f"Begründung: {reason}" in rejection.text
    assert copies(smtp, "Werbung") == {}


async def test_a_vacation_reply_is_kept_not_redistributed_and_loops_are_broken(system, database) -> None:
    service, smtp, port = system
    vacation = post(
        ANNA, "Abwesenheitsnotiz: Re: Frist", "Ich bin bis Montag nicht im Büro.", Auto_Submitted="auto-replied"
    )
    vacation_by_subject = post(BEN, "Automatische Antwort: Frist", "Bin im Urlaub.")
    looped = post(ANNA, "Re: [Sozialrecht] Frist", "Noch einmal.", X_Loop=ADDRESS)
    for sender, raw in ((ANNA, vacation), (BEN, vacation_by_subject), (ANNA, looped)):
        assert await lmtp(port, sender, ADDRESS, raw) == {}
    await asyncio.sleep(1.0)
    assert not [r for r in smtp.mailbox.received if "[Sozialrecht]" in str(r.message["Subject"])]
    assert not [
        r for r in smtp.mailbox.received if r.recipient in (ANNA, BEN) and "Beitrag" in str(r.message["Subject"])
    ]
    async with database.sessions() as session:
        kept = {row.reason for row in await session.execute(select(orm.kept_mail))}
    assert any("Auto-Submitted: auto-replied" in k for k in kept)
    assert any("Abwesenheitsnotiz" in k for k in kept)
    assert any("X-Loop" in k for k in kept)


async def test_a_leave_mail_unsubscribes_once_confirmed(system, broker) -> None:
    service, smtp, port = system
    await lmtp(port, BEN, f"{LIST}-leave@{DOMAIN}", post(BEN, "abmelden", "", to=f"{LIST}-leave@{DOMAIN}"))

    async def asked() -> bool:
        return any("Abmeldung" in str(r.message["Subject"]) for r in smtp.mailbox.to(BEN))

    await eventually(asked)
    mail = [r for r in smtp.mailbox.to(BEN) if "Abmeldung" in str(r.message["Subject"])][0]
    members = await ask(broker, n.MEMBERS, n.MembersQuery(list_id=LIST, moderator=MOD))
    assert {m.address: m.status for m in members.members}[BEN] == "aktiv"  # not before the click
    token = mail.link("abmelden").split("token=", 1)[1]
    await ask(broker, n.UNSUBSCRIBE, n.TokenInput(token=token))  # what the page's button sends
    members = await ask(broker, n.MEMBERS, n.MembersQuery(list_id=LIST, moderator=MOD))
    assert {m.address: m.status for m in members.members}[BEN] == "abgemeldet"


async def test_unknown_addresses_are_refused_and_broken_mail_is_kept_with_its_reason(system, database) -> None:
    service, smtp, port = system
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        await lmtp(port, ANNA, f"gibtsnicht@{DOMAIN}", post(ANNA, "x", "y"))
    assert refused.value.recipients[f"gibtsnicht@{DOMAIN}"][0] == 550
    headless = b"From: " + ANNA.encode() + b"\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(600)) + b"\r\nText\r\n"
    assert await lmtp(port, ANNA, ADDRESS, headless) == {}
    with pytest.raises(smtplib.SMTPSenderRefused) as too_big:  # beyond the size limit (64 KB here): 552 at once,
        await lmtp(port, ANNA, ADDRESS, post(ANNA, "gross", "x" * 100_000))  # the MTA tells the sender
    assert too_big.value.smtp_code == 552
    bounce = b"From: MAILER-DAEMON@example.org\r\nSubject: Undelivered\r\n\r\nfailed\r\n"
    assert await lmtp(port, "", f"{LIST}-bounces+ben=example.org@{DOMAIN}", bounce) == {}
    async with database.sessions() as session:
        kept = {(row.sender, row.reason) for row in await session.execute(select(orm.kept_mail))}
    assert (ANNA, "Der Kopf der Mail ist zu lang (zu viele oder zu große Kopfzeilen).") in kept
    assert ("<>", posts.NO_BOUNCE) in kept  # no DSN, and no member behind the address

    async def told() -> bool:
        return any("nicht verarbeitet" in str(r.message["Subject"]) for r in smtp.mailbox.to(ANNA))

    await eventually(told)


async def test_make_ups_sink_hands_list_mail_to_the_inbox_and_keeps_the_rest(system, tmp_path) -> None:
    """`beratungsnetz up`: a post sent to the local SMTP endpoint reaches the list (as Postfix's transport does)."""
    from aiosmtpd.controller import Controller

    from beratungsnetz.runtime.smtp_sink import EmlWriter, ListRouter

    service, smtp, port = system
    sink_port = free_port()
    sink = Controller(ListRouter(EmlWriter(tmp_path), DOMAIN, port), hostname="127.0.0.1", port=sink_port)
    sink.start()
    try:

        def send() -> dict:
            with smtplib.SMTP("127.0.0.1", sink_port) as client:
                raw = post(f"Anna Arm <{ANNA}>", "Über die Senke", "Hallo.")
                return client.sendmail(ANNA, [ADDRESS, "jemand@example.org"], raw)

        assert await asyncio.to_thread(send) == {}
        await until(lambda: _arrived(smtp, "Über die Senke", 3))
        (kept,) = list(tmp_path.glob("*.eml"))
        assert b"X-Sink-Rcpt-To: jemand@example.org\r\n" in kept.read_bytes()

        def refused() -> None:
            with smtplib.SMTP("127.0.0.1", sink_port) as client:
                client.sendmail(ANNA, [f"gibtsnicht@{DOMAIN}"], post(ANNA, "x", "y"))

        with pytest.raises(smtplib.SMTPDataError) as unknown:
            await asyncio.to_thread(refused)
        assert unknown.value.smtp_code == 550
    finally:
        sink.stop()


async def test_the_mailto_of_list_unsubscribe_works(system, broker) -> None:
    """Every mail's List-Unsubscribe names `mailto:abmelden@…?subject=abmelden%20<token>`: such a mail unsubscribes."""
    from urllib.parse import unquote

    service, smtp, port = system
    welcome = [r for r in smtp.mailbox.to(ANNA) if "Willkommen" in str(r.message["Subject"])][0]
    mailto = re.search(r"<mailto:([^?>]+)\?subject=([^>]+)>", str(welcome.message["List-Unsubscribe"]))
    assert mailto and mailto.group(1) == f"abmelden@{DOMAIN}"
    await lmtp(port, ANNA, mailto.group(1), post(ANNA, unquote(mailto.group(2)), "", to=mailto.group(1)))
    members = await ask(broker, n.MEMBERS, n.MembersQuery(list_id=LIST, moderator=MOD))
    assert {m.address: m.status for m in members.members}[ANNA] == "abgemeldet"
    await lmtp(port, BEN, mailto.group(1), post(BEN, "abmelden gefälscht", "", to=mailto.group(1)))  # no valid token
    members = await ask(broker, n.MEMBERS, n.MembersQuery(list_id=LIST, moderator=MOD))
    assert {m.address: m.status for m in members.members}[BEN] == "aktiv"


async def test_a_digest_reader_gets_the_post_as_a_line_of_the_digest(system, broker, database) -> None:
    service, smtp, port = system
    await ask(broker, n.SET_DELIVERY, n.SetDelivery(list_id=LIST, address=BEN, delivery="taeglich", moderator=MOD))
    await lmtp(port, ANNA, ADDRESS, post(f"Anna Arm <{ANNA}>", "Sammeltermin", "Am Freitag."))
    await until(lambda: _arrived(smtp, "Sammeltermin", 2))
    await asyncio.sleep(0.5)
    assert set(copies(smtp, "Sammeltermin")) == {MOD, ANNA}
    async with database.sessions() as session:
        t = orm.deliveries
        (row,) = (await session.execute(select(t).where(t.c.recipient == BEN, t.c.kind == "listenbeitrag"))).all()
    assert (row.status, row.summary) == ("digest", "Sammeltermin – von Anna Arm")


async def test_subscribing_by_mail_is_confirmed_by_link_even_on_an_open_list(system, broker) -> None:
    service, smtp, port = system
    newcomer, request_address = "neu@example.org", f"{LIST}-request@{DOMAIN}"
    await lmtp(port, newcomer, request_address, post(f"Nina Neu <{newcomer}>", "abonnieren", "", to=request_address))
    await until(lambda: any("Bitte bestätigen" in str(r.message["Subject"]) for r in smtp.mailbox.to(newcomer)))
    members = await ask(broker, n.MEMBERS, n.MembersQuery(list_id=LIST, moderator=MOD))
    assert newcomer not in {m.address for m in members.members}  # not before the click
    confirmation = [r for r in smtp.mailbox.to(newcomer) if "Bitte bestätigen" in str(r.message["Subject"])][0]
    await ask(broker, n.CONFIRM, n.TokenInput(token=confirmation.link("bestaetigen").split("token=", 1)[1]))
    members = await ask(broker, n.MEMBERS, n.MembersQuery(list_id=LIST, moderator=MOD))
    assert {m.address: m.status for m in members.members}[newcomer] == "aktiv"

    await lmtp(port, newcomer, request_address, post(newcomer, "Frage", "Wie geht das hier?", to=request_address))
    await until(lambda: any("Hilfe zum Verteiler" in str(r.message["Subject"]) for r in smtp.mailbox.to(newcomer)))
    auto = post(ANNA, "Abwesend", "", to=request_address, Auto_Submitted="auto-replied")
    await lmtp(port, ANNA, request_address, auto)
    await asyncio.sleep(0.5)
    assert not [r for r in smtp.mailbox.to(ANNA) if "Hilfe" in str(r.message["Subject"])]  # never answered


async def test_three_dsns_through_the_inbox_suspend_a_member_and_her_copies_stop(system) -> None:
    """Issue 20, done 2, the whole way: each copy leaves with its member's VERP return path, the member's mail
    server answers three posts with a real DSN to that address, over LMTP as the MTA hands it on; the membership is
    suspended, the moderation is told with a link to the bounce page, and the next post reaches the others only."""
    service, smtp, port = system
    for number in range(3):
        subject = f"Termin {number}"
        assert await lmtp(port, ANNA, ADDRESS, post(ANNA, subject, f"Treffen Nummer {number}.")) == {}
        await until(lambda s=subject: len(copies(smtp, s)) == 3)
        (copy,) = copies(smtp, subject)[BEN]
        assert copy.mail_from.startswith(f"{LIST}-bounces+") and "ben" not in copy.mail_from  # VERP, address hidden
        assert await lmtp(port, "", copy.mail_from, dsn(copy.mail_from, BEN, copy.raw)) == {}

    async def told() -> bool:
        return any("Zustellung ausgesetzt" in str(r.message["Subject"]) for r in smtp.mailbox.to(MOD))

    await eventually(told)
    (notice,) = [r for r in smtp.mailbox.to(MOD) if "Zustellung ausgesetzt" in str(r.message["Subject"])]
    assert BEN in str(notice.message["Subject"]) and f"{PUBLIC}/moderation/{LIST}/unzustellbar" in notice.text
    assert await lmtp(port, ANNA, ADDRESS, post(ANNA, "Nach dem Aussetzen", "Ben bekommt das nicht.")) == {}
    await until(lambda: len(copies(smtp, "Nach dem Aussetzen")) == 2)
    await asyncio.sleep(0.5)  # nothing more comes
    assert set(copies(smtp, "Nach dem Aussetzen")) == {ANNA, MOD}
