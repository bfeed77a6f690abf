"""Signed links, addresses and the messages themselves: parseable, with list headers, no injection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from services.notifications.adapters import calendar
from services.notifications.adapters.composer import MailComposer
from services.notifications.adapters.mail import Outgoing, Sender, build
from services.notifications.domain import addresses
from services.notifications.domain.errors import InvalidInput, TokenRefused
from services.notifications.domain.tokens import Signer
from shared.contracts.events import ActionSnapshot
from tests.smtp import wire_problems

NOW = datetime(2026, 11, 21, 12, tzinfo=UTC)
SENDER = Sender("verteiler@beratungsnetz.example", "Beratungsnetz", "beratungsnetz.example")


def test_a_token_round_trips_and_forgeries_expiry_and_other_purposes_are_refused() -> None:
    signer = Signer(b"geheimer-schluessel-fuer-tests")
    token = signer.issue("bestaetigen", "lag", "anna@example.org", NOW, timedelta(hours=48), extra="req-1")
    found = signer.verify(token, "bestaetigen", NOW + timedelta(hours=47))
    assert (found.list_id, found.address, found.extra) == ("lag", "anna@example.org", "req-1")

    payload, _, signature = token.partition(".")
    forged_payload = signer.issue("bestaetigen", "lag", "mallory@example.org", NOW, timedelta(hours=48)).partition(".")[
        0
    ]
    attempts = {
        "fremde Signatur": f"{forged_payload}.{signature}",
        "anderer Schlüssel": Signer(b"ein-ganz-anderer-schluessel").issue(
            "bestaetigen", "lag", "a@b.de", NOW, timedelta(hours=1)
        ),
        "verstümmelt": token[:-3],
        "leer": "",
        "kein Punkt": payload,
    }
    for _label, bad in attempts.items():
        with pytest.raises(TokenRefused):
            signer.verify(bad, "bestaetigen", NOW)
    with pytest.raises(TokenRefused) as expired:
        signer.verify(token, "bestaetigen", NOW + timedelta(hours=49))
    assert expired.value.reason == "expired" and "ungültig oder abgelaufen" in expired.value.message
    with pytest.raises(TokenRefused, match="ungültig"):
        signer.verify(token, "abmelden", NOW)  # a confirmation link is no unsubscribe link


@pytest.mark.parametrize("name", ["Anna\r\nBcc: alle@example.org", "Anna\nX-Evil: 1", "Anna\x00"])
def test_header_injection_through_a_display_name_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput, match="unzulässige Zeichen"):
        addresses.display_name(name)


def test_header_injection_through_a_subject_is_refused_by_the_builder() -> None:
    evil = Outgoing("anna@example.org", "Anna", "Einladung\r\nBcc: alle@example.org", "Text", "<p>Text</p>", "e-1")
    with pytest.raises(ValueError):
        build(evil, SENDER, NOW)


def test_addresses_are_checked_and_normalised() -> None:
    assert addresses.address(" Anna@Example.ORG ") == "Anna@example.org"
    for bad in ("keine-adresse", "a@b", "anna@example.org\r\nBcc: x@y.de"):
        with pytest.raises(InvalidInput):
            addresses.address(bad)


def test_list_mail_parses_and_carries_the_rfc_2369_and_8058_headers() -> None:
    composer = MailComposer(SENDER, "https://beratungsnetz.example", lambda: NOW)
    subject, raw = composer.message(
        "beitrag",
        to_address="anna@example.org",
        to_name="Anna Beispiel",
        event_id="e-1",
        context={
            "list_name": "LAG Hartz IV Sachsen",
            "subject": "Treffen am Montag",
            "text": "Hallo zusammen,\n\nbis Montag.",
        },
        list_id="lag-hartz-iv-sachsen",
        list_name="LAG Hartz IV Sachsen",
        unsubscribe_token="TOKEN123",
        attachments=(("einladung.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),),
    )
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == subject == "[LAG Hartz IV Sachsen] Treffen am Montag"
    assert msg["To"] == "Anna Beispiel <anna@example.org>"
    assert msg["List-Id"] == "LAG Hartz IV Sachsen <lag-hartz-iv-sachsen.beratungsnetz.example>"
    assert msg["List-Unsubscribe"] == (
        "<https://beratungsnetz.example/abmelden?token=TOKEN123>, "
        "<mailto:abmelden@beratungsnetz.example?subject=abmelden%20TOKEN123>"
    )
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["Message-ID"].endswith("@beratungsnetz.example>")
    text = msg.get_body(("plain",)).get_content()
    assert "bis Montag." in text and "https://beratungsnetz.example/abmelden?token=TOKEN123" in text
    html = msg.get_body(("html",)).get_content()
    assert '<a href="https://beratungsnetz.example/abmelden?token=TOKEN123">Abmelden</a>' in html
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "einladung.ics" and attachment.get_content_type() == "text/calendar"


def test_the_same_event_and_recipient_give_the_same_message_id() -> None:
    composer = MailComposer(SENDER, "https://x.example", lambda: NOW)
    ids = {
        message_from_bytes(
            composer.message("hinweis", to_address=a, to_name="", event_id=e, context={"headline": "H", "body": "B"})[1]
        )["Message-ID"]
        for a, e in (("a@example.org", "1"), ("a@example.org", "1"), ("b@example.org", "1"), ("a@example.org", "2"))
    }
    assert len(ids) == 3


def test_a_member_mail_of_any_kind_renders_with_its_unsubscribe_footer() -> None:
    composer = MailComposer(SENDER, "https://x.example", lambda: NOW)
    context = {
        "headline": "Überfällig – Homepage",
        "text": "Homepage pflegen",
        "responsible": "Kathrin",
        "timing": "monatlich",
        "due": "30.11.2026",
    }
    _, raw = composer.message(
        "arbeitsplan",
        to_address="k@example.org",
        to_name="Kathrin",
        event_id="e",
        context=context,
        list_id="lag",
        list_name="LAG Hartz IV Sachsen",
        unsubscribe_token="T",
    )
    text = message_from_bytes(raw, policy=policy.default).get_body(("plain",)).get_content()
    assert "Abmelden vom Verteiler „LAG Hartz IV Sachsen“: https://x.example/abmelden?token=T" in text


def test_list_headers_go_out_as_written_not_rfc_2047_encoded() -> None:
    """A long unsubscribe URI made the email package encode the whole header (`=?utf-8?q?=3Chttp...`)."""
    composer = MailComposer(SENDER, "http://127.0.0.1:8000", lambda: NOW)
    token = "eyJwIjoiYWJtZWxkZW4iLCJsIjoibGFnIiwiYSI6ImFubmFAZXhhbXBsZS5vcmcifQ." + "x" * 43
    _, raw = composer.message(
        "beitrag",
        to_address="anna@example.org",
        to_name="Anna",
        event_id="e-1",
        context={"subject": "Treffen", "text": "Hallo"},
        list_id="lag",
        list_name="LAG Hartz IV Sachsen",
        unsubscribe_token=token,
    )
    line = (
        f"List-Unsubscribe: <http://127.0.0.1:8000/abmelden?token={token}>, "
        f"<mailto:abmelden@beratungsnetz.example?subject=abmelden%20{token}>"
    )
    assert f"\r\n{line}\r\n".encode() in raw
    assert wire_problems(raw) == []


def test_the_invitation_calendar_names_the_group_and_its_mime_part_repeats_the_method() -> None:
    action = ActionSnapshot(
        action_id="a-1",
        kind="zahltag",
        kind_label="Zahltag",
        title="Zahltag Plauen",
        status="geplant",
        start=datetime(2026, 12, 1, 8, tzinfo=UTC),
        end=datetime(2026, 12, 1, 10, tzinfo=UTC),
        organiser_group_id="g-v",
        organiser_group_name="Vogtland",
        responsible=["Kathrin"],
    )
    ics = calendar.invitation(action, NOW, organizer=SENDER.address)
    assert b"DTSTAMP:20261121T120000Z" in ics and b"METHOD:PUBLISH" in ics and b"Kathrin" not in ics
    assert b"ORGANIZER;CN=Vogtland:mailto:verteiler@beratungsnetz.example" in ics
    composer = MailComposer(SENDER, "https://x.example", lambda: NOW)
    _, raw = composer.message(
        "hinweis",
        to_address="k@example.org",
        to_name="",
        event_id="e",
        context={"headline": "H", "body": "B"},
        attachments=(("einladung.ics", "text/calendar; method=REQUEST", ics),),
    )
    (part,) = message_from_bytes(raw, policy=policy.default).iter_attachments()
    assert (part.get_param("method"), part.get_param("charset")) == (
        "PUBLISH",
        "utf-8",
    )  # the calendar's, not the caller's
    assert raw.count(b"MIME-Version") == 1 and wire_problems(raw) == []
