"""Issue 20 on the web: the archive for members (opened with the personal link of a list mail), closed to everyone
else; the mbox download for the moderation; the bounce page that shows a suspended member and switches the delivery
on again. The gateway in-process against a real nats-server, the real notifications service and a real SMTP server
(tests/web.py); forms sent as a browser sends them."""

from __future__ import annotations

import mailbox
from datetime import timedelta
from html import unescape

import pytest

from shared.contracts import notifications as n
from tests.integration.test_member_pages import local, press
from tests.web import WebSystem, signed_in, web_system

LAG = "lag-hartz-iv-sachsen"
OWNER, ANNA, BERT = "kathrin@example.org", "anna@example.org", "bert@example.org"
ARCHIVE = f"/verteiler/{LAG}/archiv"


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path, services=("notifications",)) as running:
        await running.ask(
            n.CREATE_LIST,
            n.CreateList(name="LAG Hartz IV Sachsen", policy="offen", owner_address=OWNER, owner_name="Kathrin"),
        )
        for address, name in ((ANNA, "Anna Beispiel"), (BERT, "Bert")):
            await running.ask(
                n.ADD_MEMBER, n.AddMember(list_id=LAG, moderator=OWNER, address=address, display_name=name)
            )
        yield running


async def post(system: WebSystem, subject: str, text: str) -> None:
    await system.ask(n.POST, n.Post(list_id=LAG, moderator=OWNER, subject=subject, text=text))


async def test_members_find_a_post_by_a_word_and_nobody_else_opens_the_archive(system: WebSystem, tmp_path) -> None:
    await post(system, "Flugblatt Wohngeld", "Der Entwurf zur Wohngeldreform liegt bei. Rückmeldung bis Freitag.")
    await post(system, "Treffen", "Wir treffen uns am Montag.")
    copy = await system.mail(ANNA, "Flugblatt Wohngeld")

    for stranger in (system.browser(), await signed_in(system, "fremd@example.org")):
        for path in (ARCHIVE, f"{ARCHIVE}?suche=wohngeldreform", f"{ARCHIVE}/1"):
            refused = await stranger.get(path)
            assert refused.status_code == 403 and "Nur für Mitglieder" in refused.text, path
            assert "Flugblatt" not in refused.text and "Wohngeldreform" not in refused.text
        assert (await stranger.get(f"/moderation/{LAG}/archiv.mbox", follow_redirects=False)).status_code in (303, 403)

    anna = system.browser()
    mine = await anna.get(local(copy.link("meine-verteiler")))
    assert mine.status_code == 200 and "Archiv von „LAG Hartz IV Sachsen“ lesen" in unescape(mine.text)
    opened = await press(anna, mine, "/meine-verteiler/archiv", {"verteiler": LAG})
    assert opened.status_code == 303 and opened.headers["location"] == ARCHIVE
    assert "bn_sitzung" not in opened.headers.get("set-cookie", "")  # no session: only this archive, for hours
    assert (await anna.get("/aufgaben", follow_redirects=False)).headers["location"].startswith("/anmelden")
    listing = await anna.get(ARCHIVE)
    assert listing.status_code == 200 and "Flugblatt Wohngeld" in listing.text and "Treffen" in listing.text
    assert "archiv.mbox" not in listing.text  # the download is the moderation's
    found = await anna.get(f"{ARCHIVE}?suche=WOHNGELDREFORM")
    assert found.status_code == 200 and "1 Beitrag mit" in unescape(found.text)
    hits = found.text.split('id="treffer"')[1].split("Themen, die neuesten zuerst")[0]
    assert "Flugblatt Wohngeld" in hits and "Treffen" not in hits
    link = hits.split('href="')[1].split("#")[0]
    thread = await anna.get(link)
    assert thread.status_code == 200 and "Rückmeldung bis Freitag" in unescape(thread.text)
    assert "token=" not in thread.text  # no personal link of anyone's copy is archived
    nothing = await anna.get(f"{ARCHIVE}?suche=gibtsnicht")
    assert "Kein Beitrag enthält" in nothing.text
    assert (await anna.get(f"/moderation/{LAG}/archiv.mbox")).status_code == 303  # to the sign-in: not hers
    assert (await (await signed_in(system, ANNA)).get(f"/moderation/{LAG}/archiv.mbox")).status_code == 403
    assert (await anna.get(f"{ARCHIVE}/abc")).status_code == 404
    forged = system.browser()
    forged.cookies.set("bn_archiv", f"archiv\n{LAG}\n{ANNA}\n2999-01-01T00:00:00+00:00", domain="gateway.local")
    assert (await forged.get(ARCHIVE)).status_code == 403  # not signed by the gateway
    system.advance(timedelta(hours=9))
    assert (await anna.get(ARCHIVE)).status_code == 403  # the member's cookie is good for hours, not for ever
    system.advance(timedelta(hours=-9))

    kathrin = await signed_in(system, OWNER)
    assert "archiv.mbox" in (await kathrin.get(ARCHIVE)).text
    download = await kathrin.get(f"/moderation/{LAG}/archiv.mbox")
    assert download.status_code == 200 and download.headers["content-disposition"].startswith("attachment;")
    path = tmp_path / "download.mbox"
    path.write_bytes(download.content)
    box = mailbox.mbox(path, create=False)
    assert sorted(m["Subject"] for m in box) == ["Flugblatt Wohngeld", "Treffen"]
    box.close()

    # Only if the moderation opens the archive to everyone does a stranger read it.
    settings = await kathrin.get(f"/moderation/{LAG}/einstellungen")
    assert 'value="mitglieder" checked' in settings.text
    action = f"/moderation/{LAG}/einstellungen"
    saved = await press(kathrin, settings, action, name="LAG Hartz IV Sachsen", richtlinie="offen", archiv="alle")
    assert saved.status_code == 303
    public = await system.browser().get(f"{ARCHIVE}?suche=wohngeldreform")
    assert public.status_code == 200 and "Flugblatt Wohngeld" in public.text and "öffentlich" in unescape(public.text)


async def test_the_bounce_page_shows_a_suspended_member_and_switches_the_delivery_on_again(system: WebSystem) -> None:
    system.smtp.mailbox.refuse[BERT] = "550 5.1.1 <bert@example.org>: Recipient address rejected: User unknown"
    for number in range(3):
        await post(system, f"Rundbrief {number}", "Text")
        await system.mail(ANNA, f"Rundbrief {number}")
    told = await system.mail(OWNER, "Zustellung ausgesetzt")
    assert BERT in told.message["Subject"]
    kathrin = await signed_in(system, OWNER)
    link = f"http://gateway/moderation/{LAG}/unzustellbar"
    assert link in told.text  # the mail asks the moderation to act: it links the page
    shown = await kathrin.get(local(link))
    assert shown.status_code == 200
    text = unescape(shown.text)
    assert "Ausgesetzte Zustellung" in text and BERT in text and "beim Versand abgelehnt" in text
    assert "Recipient address rejected" in text and "Wieder zustellen" in text
    members = await system.ask(n.MEMBERS, n.MembersQuery(list_id=LAG, moderator=OWNER))
    assert {m.address: m.suspended_at is not None for m in members.members}[BERT]
    listing = await kathrin.get(f"/moderation/{LAG}/mitglieder")
    assert listing.text.count("Zustellung ausgesetzt") == 1 and "Unzustellbar" in listing.text
    to_archive = await kathrin.get(f"/moderation/{LAG}/archiv")
    assert to_archive.status_code == 303 and to_archive.headers["location"] == ARCHIVE

    assert (await (await signed_in(system, ANNA)).get(f"/moderation/{LAG}/unzustellbar")).status_code == 403
    del system.smtp.mailbox.refuse[BERT]
    done = await press(kathrin, shown, f"/moderation/{LAG}/unzustellbar", {"adresse": BERT})
    assert done.status_code == 303
    again = await kathrin.get(done.headers["location"])
    assert "An alle Mitglieder wird zugestellt." in again.text and "zählt nicht mehr" in again.text
    await post(system, "Wieder für alle", "Text")
    await system.mail(BERT, "Wieder für alle")
