"""A name a stranger typed into the public form never becomes a link in the mail to the moderation (issue 19).

The moderation mail names the subscriber; her name is hers to choose, "www.evil.example" or "https://evil.example"
too. Mail programs turn such text into links by themselves, and the HTML part's own `linkify` did so as well. Now
both parts quote the name and break every link pattern in it (a WORD JOINER after each dot, colon, slash, @): the
real composer's MIME is parsed and read the way an autolinker reads it. Once from the composer, once end to end:
the public form, the notifications service, the real SMTP server.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import unescape

import pytest

from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Sender
from shared.contracts import notifications as n
from tests.web import WebSystem, form_post, web_system

SENT = datetime(2026, 11, 29, 10, tzinfo=UTC)
MODERATION_LINK = "https://beratungsnetz.example/moderation/lag-hartz-iv-sachsen/anfragen"
NAMES = [
    "https://evil.example/anmelden",
    "www.evil.example",
    "evil.example",
    "Kontakt: post@evil.example",
    "HTTP://EVIL.EXAMPLE",
    "evil\u3002example",  # the ideographic full stop, which IDNA reads as a dot
    'Anna <a href="https://evil.example">klick</a>',
]
# What mail programs link by themselves (GFM's extended autolinks and the like): a scheme with "://", "www." and a
# host, a mail address, a bare host name - each a run of host-name characters between dots, IDNA's dots included.
DOT = "[.\u3002\uff0e\uff61]"
HOST = rf"[\w-]+(?:{DOT}[\w-]+)+"
AUTOLINK = re.compile(rf"(?i)\b(?:https?|ftp)://{HOST}|\bwww{DOT}[\w-]+|[\w.+-]+@{HOST}|\b{HOST}")


def parts(raw: bytes) -> tuple[str, str]:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def visible(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def assert_no_link_to_evil(text: str, html: str, name: str) -> None:
    anchors = re.findall(r"<a\s[^>]*href=\"([^\"]*)\"", html, flags=re.IGNORECASE)
    assert all("evil" not in href.lower() and "javascript" not in href.lower() for href in anchors), anchors
    assert 'href="https://evil' not in html and "<a href=x" not in html
    for shown in (text, visible(html)):
        linked = [m.group(0) for m in AUTOLINK.finditer(shown)]
        assert not [link for link in linked if "evil" in link.lower()], (name, linked)
        bare = shown.replace("\u2060", "")
        assert f"„{name}“" in bare, (name, shown)  # quoted, and to the eye unchanged


@pytest.mark.parametrize("name", NAMES)
def test_the_composer_shows_a_strangers_name_unlinked(name: str) -> None:
    composer = MailComposer(Sender("verteiler@beratungsnetz.example"), "https://beratungsnetz.example", lambda: SENT)
    context = {
        "request_kind": "Eintragung",
        "address": "anna@example.org",
        "display_name": name,
        "created": "29.11.2026 10:00",
        "link": MODERATION_LINK,
    }
    _, raw = composer.message(
        "moderation",
        to_address="kathrin@example.org",
        to_name="Kathrin",
        event_id="moderation:1",
        context=context,
        list_name="LAG Hartz IV Sachsen",
    )
    text, html = parts(raw)
    assert_no_link_to_evil(text, html, name)
    assert f'<a href="{MODERATION_LINK}">' in html and MODERATION_LINK in text  # our own link still is one


def test_the_autolink_pattern_of_this_test_would_see_the_names() -> None:
    """Without the joiners every name above is a link to an autolinker: the test above can fail."""
    for name in NAMES:
        assert any("evil" in m.group(0).lower() for m in AUTOLINK.finditer(name)), name


@pytest.fixture
async def system(nats_server, broker, tmp_path):
    async with web_system(nats_server, broker, tmp_path) as running:
        yield running


async def test_the_moderation_mail_of_a_public_subscription(system: WebSystem) -> None:
    owner = "kathrin@example.org"
    await system.ask(
        n.CREATE_LIST,
        n.CreateList(name="LAG Hartz IV Sachsen", owner_address=owner, owner_name="K", policy="moderiert"),
    )
    http = system.browser()
    form = await http.get("/abonnieren/lag-hartz-iv-sachsen")
    version = re.search(r'name="consent_version" value="([^"]+)"', form.text).group(1)
    name = "https://evil.example/login"
    data = {"adresse": "anna@example.org", "name": name, "consent_version": version}
    assert (await form_post(http, "/abonnieren/lag-hartz-iv-sachsen", data)).status_code == 200
    await system.app.state.web.background.settle()
    mail = await system.mail(owner, "Anfrage wartet auf Moderation")
    text, html = parts(mail.raw)
    assert_no_link_to_evil(text, html, name)
    assert "anna@example.org" in text and "/moderation/lag-hartz-iv-sachsen" in text
