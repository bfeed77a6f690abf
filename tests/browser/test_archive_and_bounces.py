"""Issue 20 in a real browser (Chromium) against the whole system as processes: a member opens the archive with the
personal link of a list mail and finds a post by a word of its text; someone who is no member cannot open it, signed
in or not; a member whose server refuses list mail is suspended after three posts and the moderation switches the
delivery on again on the bounce page."""

from __future__ import annotations

from urllib.parse import quote

from shared.contracts import notifications as n
from tests.browser.support import System, screenshot

MODERATOR = "rosa.archiv@example.org"


def test_a_member_finds_a_post_by_a_word_and_a_stranger_cannot_open_the_archive(system: System, new_context) -> None:
    from playwright.sync_api import expect

    listed = system.new_list("Archiv Rundbrief", policy="offen", owner_address=MODERATOR)
    member = "ida.archiv@example.org"
    system.ask(n.ADD_MEMBER, n.AddMember(list_id=listed.list_id, moderator=MODERATOR, address=member))
    system.ask(
        n.POST,
        n.Post(
            list_id=listed.list_id,
            moderator=MODERATOR,
            subject="Kältehilfe im Winter",
            text="Die Wärmestube am Markt öffnet ab Dezember täglich.",
        ),
    )
    system.ask(n.POST, n.Post(list_id=listed.list_id, moderator=MODERATOR, subject="Sommerfest", text="Im Juli."))
    archive = f"/verteiler/{quote(listed.list_id, safe='')}/archiv"

    stranger = new_context().new_page()
    refused = stranger.goto(system.link(archive))
    assert refused.status == 403
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Nur für Mitglieder")
    expect(stranger.get_by_role("main")).not_to_contain_text("Kältehilfe")
    signed_in = new_context()
    system.sign_in(signed_in, "fremd.archiv@example.org")
    other = signed_in.new_page()
    assert other.goto(system.link(f"{archive}?suche=Wärmestube")).status == 403
    expect(other.get_by_role("main")).not_to_contain_text("Kältehilfe")

    page = new_context().new_page()
    page.goto(system.mail(member, "Kältehilfe im Winter").link("meine-verteiler"))
    page.get_by_role("button", name=f"Archiv von „{listed.name}“ lesen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Archiv – {listed.name}")
    page.get_by_label("Im Archiv suchen").fill("wärmestube")
    page.get_by_role("button", name="Suchen").click()
    expect(page.locator("#treffer")).to_have_text("1 Beitrag mit „wärmestube“")
    screenshot(page, "verteiler-archiv")
    page.locator("main ul").get_by_role("link", name="Kältehilfe im Winter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kältehilfe im Winter")
    expect(page.get_by_role("main")).to_contain_text("Die Wärmestube am Markt öffnet ab Dezember täglich.")
    expect(page.get_by_role("main")).not_to_contain_text("Sommerfest")


def test_a_refusing_member_is_suspended_and_the_moderation_switches_delivery_on_again(system: System, new_context):
    from playwright.sync_api import expect

    listed = system.new_list("Archiv Bounces", policy="offen", owner_address=MODERATOR)
    gone = "weg.archiv@example.org"
    system.ask(n.ADD_MEMBER, n.AddMember(list_id=listed.list_id, moderator=MODERATOR, address=gone))
    system.smtp.mailbox.refuse[gone] = "550 5.1.1 <weg.archiv@example.org>: Recipient address rejected: User unknown"
    try:
        for number in range(3):
            subject = f"Bounce-Probe {number}"
            system.ask(n.POST, n.Post(list_id=listed.list_id, moderator=MODERATOR, subject=subject, text="Text"))
            system.mail(MODERATOR, subject)
        told = system.mail(MODERATOR, "Zustellung ausgesetzt")
    finally:
        del system.smtp.mailbox.refuse[gone]
    link = next(word for word in told.text.split() if word.endswith("/unzustellbar"))
    context = new_context()
    system.sign_in(context, MODERATOR)
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Unzustellbar – {listed.name}")
    row = page.get_by_role("row").filter(has_text=gone).first
    expect(row).to_contain_text(gone)
    screenshot(page, "moderation-unzustellbar")
    page.get_by_role("button", name="Wieder zustellen").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Die Zustellung an {gone} ist wieder eingeschaltet")
    expect(page.get_by_role("main")).to_contain_text("An alle Mitglieder wird zugestellt.")
