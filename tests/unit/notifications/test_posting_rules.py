"""Posts by mail (issue 20): who may post, what waits, what is noise, and what a member's copy looks like."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from services.notifications.adapters import inbound_mail
from services.notifications.adapters.list_copy import CopyHeaders, list_copy
from services.notifications.domain import inbound
from services.notifications.domain.errors import Conflict, InvalidInput
from services.notifications.domain.inbound import Command, Recipient, Target, Unreadable
from services.notifications.domain.posting import HeldPost, PostFacts, PostingPolicy, Verdict, judge

PLAIN = PostFacts(size=2_000, attachments=False, recipients=1)
DOMAIN = "beratungsnetz.example"


def verdict(policy: PostingPolicy, facts: PostFacts = PLAIN, **who: bool) -> Verdict:
    person = {"member": False, "moderator": False, "trusted": False, "first_post": False} | who
    return judge(policy, facts, **person).verdict


def test_by_default_members_write_and_strangers_wait() -> None:
    rules = PostingPolicy()
    assert verdict(rules, member=True) == Verdict.DISTRIBUTE
    assert verdict(rules) == Verdict.HOLD
    assert verdict(rules, trusted=True) == Verdict.DISTRIBUTE  # accepted and trusted once
    assert verdict(PostingPolicy(strangers="ablehnen")) == Verdict.REJECT
    assert verdict(PostingPolicy(strangers="verwerfen")) == Verdict.DISCARD
    assert verdict(PostingPolicy(posters="alle")) == Verdict.DISTRIBUTE


def test_an_announcement_list_holds_members_but_not_its_moderation() -> None:
    rules = PostingPolicy(posters="moderation")
    assert verdict(rules, member=True) == Verdict.HOLD
    assert verdict(rules, member=True, moderator=True) == Verdict.DISTRIBUTE


@pytest.mark.parametrize(
    ("rules", "facts", "first", "reason"),
    [
        (PostingPolicy(hold_first_posts=True), PLAIN, True, "erste Beitrag"),
        (PostingPolicy(max_kilobytes=1), PLAIN, False, "Größer als 1 KB"),
        (PostingPolicy(hold_attachments=True), PostFacts(10, True, 1), False, "Mit Anhang"),
        (PostingPolicy(max_recipients=3), PostFacts(10, False, 4), False, "An 4 Empfänger:innen"),
    ],
    ids=["erster-beitrag", "groesse", "anhang", "empfaenger"],
)
def test_what_makes_a_members_post_wait(rules: PostingPolicy, facts: PostFacts, first: bool, reason: str) -> None:
    found = judge(rules, facts, member=True, moderator=False, trusted=False, first_post=first)
    assert found.verdict == Verdict.HOLD and reason in " ".join(found.reasons)
    assert judge(PostingPolicy(), facts, member=True, moderator=False, trusted=False, first_post=first).verdict == (
        Verdict.DISTRIBUTE if facts.size < 512 * 1024 and facts.recipients <= 10 else Verdict.HOLD
    )


def test_unknown_rule_words_and_numbers_are_refused_in_german() -> None:
    with pytest.raises(InvalidInput, match="Wer schreiben darf"):
        PostingPolicy(posters="jeder")
    with pytest.raises(InvalidInput, match="Größengrenze"):
        PostingPolicy(max_kilobytes=0)
    assert PostingPolicy.of({"posters": "alle", "unbekannt": 1}).posters == "alle"  # an old snapshot's extra key


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("rundbrief@beratungsnetz.example", Recipient("rundbrief", Target.POST)),
        ("Rundbrief-Request@Beratungsnetz.Example", Recipient("rundbrief", Target.REQUEST)),
        ("rundbrief-leave@beratungsnetz.example", Recipient("rundbrief", Target.LEAVE)),
        ("rundbrief-owner@beratungsnetz.example", Recipient("rundbrief", Target.OWNER)),
        ("rundbrief-bounces@beratungsnetz.example", Recipient("rundbrief", Target.BOUNCES)),
        (
            "rundbrief-bounces+anna=example.org@beratungsnetz.example",
            Recipient("rundbrief", Target.BOUNCES, "anna=example.org"),
        ),
        ("abmelden@beratungsnetz.example", Recipient("", Target.UNSUBSCRIBE_LINK)),
        ("rundbrief+x@beratungsnetz.example", None),
        ("rundbrief@example.org", None),
    ],
    ids=["liste", "request", "leave", "owner", "bounces", "verp", "abmelden", "plus", "fremde-domain"],
)
def test_which_address_was_meant(address: str, expected: Recipient | None) -> None:
    assert inbound.recipient(address, DOMAIN) == expected


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ({"auto-submitted": "auto-replied"}, True),
        ({"auto-submitted": "no"}, False),
        ({"precedence": "bulk"}, True),
        ({"x-autoreply": "yes"}, True),
        ({"subject": "Abwesenheitsnotiz: Re: Frist"}, True),
        ({"subject": "Out of Office: Frist"}, True),
        ({"subject": "Re: Urlaubsanspruch"}, False),
        ({"subject": "Frist"}, False),
    ],
    ids=[
        "auto-submitted",
        "auto-submitted-no",
        "precedence",
        "x-autoreply",
        "abwesend",
        "ooo",
        "kein-treffer",
        "frist",
    ],
)
def test_automatic_replies_are_recognised(headers: dict, automatic: bool) -> None:
    assert bool(inbound.automatic(headers)) is automatic


def test_loops_are_recognised_by_x_loop_and_list_id() -> None:
    address, list_id = "rundbrief@beratungsnetz.example", "<rundbrief.beratungsnetz.example>"
    assert inbound.looped({}, [address], address, list_id)
    assert inbound.looped({"list-id": f"Rundbrief {list_id}"}, [], address, list_id)
    assert not inbound.looped({"list-id": "<andere.example.org>"}, ["andere@example.org"], address, list_id)


def test_commands_by_mail() -> None:
    assert inbound.command("subscribe", "") == Command.SUBSCRIBE
    assert inbound.command("", "\n  abmelden bitte\n") == Command.UNSUBSCRIBE
    assert inbound.command("Re: Abonnieren", "") == Command.SUBSCRIBE
    assert inbound.command("Frage", "Wie geht das?") == Command.HELP
    assert inbound.unsubscribe_token("abmelden v1.abc") == "v1.abc"
    assert inbound.unsubscribe_token("abmelden bitte sofort") == ""


def test_a_held_post_is_decided_once_and_expires_only_while_open() -> None:
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    post = HeldPost("k", "rundbrief", "a@example.org", "", "Hallo", ["x"], now)
    assert post.due_reminder(now + timedelta(days=1), timedelta(days=1))
    assert post.decide("zurueckstellen", "mod@example.org", now) == "zurueckstellen"
    assert not post.due_reminder(now + timedelta(days=2), timedelta(days=1))  # deferred: not reminded
    assert post.decide("annehmen_und_vertrauen", "mod@example.org", now) == "annehmen_und_vertrauen"
    with pytest.raises(Conflict):
        post.decide("ablehnen", "mod@example.org", now)
    assert not post.expire(now + timedelta(days=99), timedelta(days=14))


def a_post(**headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Anna Arm <anna@example.org>", "rundbrief@beratungsnetz.example", "Frist"
    for name, value in headers.items():
        msg[name] = value
    msg.set_content("Ein Monat.\n")
    return msg.as_bytes(policy=policy.SMTP)


HEADERS = CopyHeaders(
    list_id="rundbrief",
    list_name="Rundbrief",
    domain=DOMAIN,
    archive_url="https://bn.example/archiv/rundbrief",
    unsubscribe_url="https://bn.example/abmelden?token=T",
    manage_url="https://bn.example/meine-verteiler?token=M",
)


def test_a_members_copy_carries_the_list_headers_and_drops_what_would_mislead() -> None:
    raw = a_post(**{"DKIM-Signature": "v=1; d=example.org", "List-Id": "<andere.example.org>"})
    copy = message_from_bytes(list_copy(raw, HEADERS), policy=policy.default)
    assert copy["List-Id"] == "Rundbrief <rundbrief.beratungsnetz.example>"
    assert copy.get_all("List-Id") == ["Rundbrief <rundbrief.beratungsnetz.example>"]
    assert copy["DKIM-Signature"] is None
    assert copy["Subject"] == "[Rundbrief] Frist" and copy["From"] == "Anna Arm <anna@example.org>"
    assert copy["Sender"] == "rundbrief-bounces@beratungsnetz.example"
    text = copy.get_body(("plain",)).get_content()
    assert text.startswith("Ein Monat.") and "Abmelden: https://bn.example/abmelden?token=T" in text


def test_dmarc_rewrite_and_reply_to_the_list() -> None:
    rewritten = message_from_bytes(
        list_copy(a_post(), CopyHeaders(**{**vars(HEADERS), "rewrite_from": True})), policy=policy.default
    )
    assert rewritten["From"] == "Anna Arm über Rundbrief <rundbrief@beratungsnetz.example>"
    assert rewritten["Reply-To"] == "Anna Arm <anna@example.org>"
    to_list = message_from_bytes(
        list_copy(a_post(), CopyHeaders(**{**vars(HEADERS), "reply_to_list": True})), policy=policy.default
    )
    assert to_list["Reply-To"] == "Rundbrief <rundbrief@beratungsnetz.example>"
    assert to_list["From"] == "Anna Arm <anna@example.org>"


def test_a_multipart_post_gets_its_footer_as_a_part_of_its_own() -> None:
    msg = message_from_bytes(a_post(), policy=policy.default)
    msg.add_alternative("<p>Ein Monat.</p>", subtype="html")
    msg.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="bescheid.pdf")
    copy = message_from_bytes(list_copy(msg.as_bytes(policy=policy.SMTP), HEADERS), policy=policy.default)
    assert copy.get_content_type() == "multipart/mixed"
    parts = list(copy.iter_parts())
    assert parts[-1].get_content_type() == "text/plain" and "Abmelden:" in parts[-1].get_content()
    assert [p.get_filename() for p in copy.iter_attachments()] == ["bescheid.pdf"]


def test_the_reader_refuses_what_it_cannot_handle_with_a_reason() -> None:
    with pytest.raises(Unreadable, match="zu groß"):
        inbound_mail.read(a_post(), "anna@example.org", max_bytes=10)
    with pytest.raises(Unreadable, match="Kopf der Mail ist zu lang"):
        inbound_mail.read(b"".join(b"X-%d: v\r\n" % i for i in range(600)) + b"\r\nText", "anna@example.org")
    with pytest.raises(Unreadable, match="keinen lesbaren Absender"):
        inbound_mail.read(b"Subject: x\r\n\r\nText", "")
    found = inbound_mail.read(b"From: kaputt\r\nSubject: x\r\n\r\nText", "anna@example.org")
    assert found.sender == "anna@example.org"  # an unreadable From: the envelope sender stands in
    broken = b'From: a@example.org\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\nkein Teil\r\n'
    assert inbound_mail.read(broken, "").text == ""  # broken MIME still read: kept or held, never a crash
