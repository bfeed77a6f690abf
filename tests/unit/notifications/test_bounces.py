"""Bounces on fakes: the VERP address, reading DSNs and plain-text reports, the score that suspends a delivery, the
moderation's mail and switching the delivery on again. No database, no network."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.domain import bounce_reports, commands
from services.notifications.domain.bounces import (
    Bounce,
    BouncePolicy,
    Severity,
    parse_return_path,
    return_path,
    verp_token,
)
from services.notifications.domain.errors import Forbidden
from services.notifications.service_layer import bounces, delivery
from tests.bounces import dsn, sample
from tests.unit.notifications.world import OWNER, SECRET, World, a_list

DOMAIN = "beratungsnetz.example"
ANNA = "anna@example.org"
ORIGINAL = b"Message-ID: <abc123@beratungsnetz.example>\r\nSubject: Treffen\r\n\r\nLiebe alle,\r\n"


def test_the_return_path_names_the_membership_without_the_address() -> None:
    verp = return_path(SECRET, "lag", ANNA, DOMAIN)
    local, _, domain = verp.partition("@")
    assert domain == DOMAIN and local.startswith("lag-bounces+") and "anna" not in verp
    assert parse_return_path(verp) == ("lag", verp_token(SECRET, "lag", ANNA))
    assert verp_token(SECRET, "lag", "Anna@Example.org") == verp_token(SECRET, "lag", ANNA)
    assert verp_token(SECRET, "andere-liste", ANNA) != verp_token(SECRET, "lag", ANNA)
    assert verp_token(b"anderer-schluessel", "lag", ANNA) != verp_token(SECRET, "lag", ANNA)
    for other in ("lag@beratungsnetz.example", "lag-bounces@beratungsnetz.example", "lag-bounces+@x.example"):
        assert parse_return_path(other) is None


def test_a_dsn_names_recipient_status_and_the_bounced_mail() -> None:
    (report,) = bounce_reports.read(dsn("x@y", ANNA, ORIGINAL))
    assert (report.severity, report.status, report.recipient, report.source) == (Severity.HARD, "5.1.1", ANNA, "dsn")
    assert "User unknown" in report.diagnostic and report.reference == "<abc123@beratungsnetz.example>"
    (delayed,) = bounce_reports.read(dsn("x@y", ANNA, ORIGINAL, status="4.4.1", action="delayed", diagnostic="timeout"))
    assert delayed.severity == Severity.SOFT
    assert bounce_reports.read(dsn("x@y", ANNA, ORIGINAL, status="2.0.0", action="delivered")) == []


@pytest.mark.parametrize(
    ("name", "severity", "status"),
    [
        ("exim.eml", Severity.HARD, "5.1.1"),
        ("qmail.eml", Severity.HARD, "5.1.1"),
        ("postfix_full.eml", Severity.SOFT, "4.2.2"),
    ],
)
def test_plain_text_reports_of_exim_qmail_and_postfix(name: str, severity: Severity, status: str) -> None:
    (report,) = bounce_reports.read(sample(name))
    assert (report.severity, report.status, report.recipient, report.source) == (severity, status, ANNA, "text")


def test_an_out_of_office_reply_and_garbage_are_no_bounce() -> None:
    assert bounce_reports.read(sample("vacation.eml")) == []
    assert bounce_reports.read(b"\xff\xfe kein Mail \x00") == []


def test_the_score_counts_hard_fully_soft_less_and_only_within_the_window() -> None:
    policy = BouncePolicy(threshold=3, window=timedelta(days=14), soft_weight=0.5)
    now = datetime(2026, 11, 21, 10, tzinfo=UTC)
    hard = Bounce("lag", ANNA, now, Severity.HARD, "dsn")
    soft = replace(hard, severity=Severity.SOFT)
    assert policy.suspends([hard, hard, hard], now)
    assert not policy.suspends([hard, hard, soft], now)
    assert policy.suspends([hard, hard, soft, soft], now)
    old = replace(hard, at=now - timedelta(days=15))
    assert not policy.suspends([old, hard, hard], now)
    assert not policy.suspends([replace(hard, cleared=True)] * 3, now)


async def _member_list(world: World) -> str:
    list_id = await a_list(world, "offen")
    await world(commands.AddMember(list_id, OWNER, ANNA, "Anna", "mitglied", "jede"))
    return list_id


async def test_three_hard_bounces_suspend_the_delivery_and_tell_the_moderation(world: World) -> None:
    list_id = await _member_list(world)
    deps = replace(world.deps, mail_domain=DOMAIN)
    verp = return_path(SECRET, list_id, ANNA, DOMAIN)
    for n in range(3):
        original = ORIGINAL.replace(b"abc123", f"post{n}".encode())
        assert await bounces.receive_bounce(verp, dsn(verp, ANNA, original), deps) == 1
        assert (world.member(list_id, ANNA).suspended_at is not None) == (n == 2)
    assert await bounces.receive_bounce(verp, dsn(verp, ANNA, original), deps) == 0  # the same report again
    (told,) = world.mails(OWNER, "unzustellbar")
    made = [m for m in world.composer.made if m["kind"] == "unzustellbar"][-1]
    assert made["context"]["link"] == f"https://bn.example/moderation/{list_id}/unzustellbar"
    assert told["list_id"] == list_id

    await world(commands.Post(list_id, OWNER, "Nach dem Aussetzen", "Text"))
    assert world.mails(ANNA, "beitrag") == [] and len(world.mails(OWNER, "beitrag")) == 1
    assert world.member(list_id, ANNA).active  # the membership stays

    with pytest.raises(Forbidden):
        await world(commands.ResumeDelivery(list_id, ANNA, ANNA))
    await world(commands.ResumeDelivery(list_id, OWNER, ANNA))
    assert world.member(list_id, ANNA).suspended_at is None
    await world(commands.Post(list_id, OWNER, "Wieder da", "Text"))
    assert len(world.mails(ANNA, "beitrag")) == 1
    entries = [e["action"] for e in world.uow.committed.audit]
    assert "zustellung_ausgesetzt" in entries and "zustellung_fortgesetzt" in entries


async def test_soft_bounces_and_non_bounces_do_not_suspend_and_unknown_tokens_count_nothing(world: World) -> None:
    list_id = await _member_list(world)
    deps = replace(world.deps, mail_domain=DOMAIN)
    verp = return_path(SECRET, list_id, ANNA, DOMAIN)
    for n in range(3):
        original = ORIGINAL.replace(b"abc123", f"voll{n}".encode())
        full = dsn(verp, ANNA, original, status="4.2.2", action="delayed", diagnostic="452 4.2.2 Mailbox full")
        assert await bounces.receive_bounce(verp, full, deps) == 1
    assert await bounces.receive_bounce(verp, sample("vacation.eml"), deps) == 0
    stranger = return_path(SECRET, list_id, "niemand@example.org", DOMAIN)
    assert await bounces.receive_bounce(stranger, dsn(stranger, ANNA, ORIGINAL), deps) == 0
    assert await bounces.receive_bounce(f"{list_id}@{DOMAIN}", dsn(verp, ANNA, ORIGINAL), deps) == 0
    assert world.member(list_id, ANNA).suspended_at is None
    assert len(world.uow.committed.bounces) == 3


async def test_list_mail_leaves_with_the_verp_address_and_a_later_until_given_up_is_a_soft_bounce(world: World) -> None:
    list_id = await _member_list(world)
    deps = replace(world.deps, mail_domain=DOMAIN)
    envelope: dict[str, str | None] = {}

    async def send(recipient: str, message: bytes, return_path: str | None = None) -> None:
        envelope[recipient] = return_path
        if recipient == ANNA:
            raise delivery.Temporary("452 4.2.2 Mailbox full")

    await world(commands.Post(list_id, OWNER, "Hallo", "Text"))
    for _ in range(delivery.MAX_ATTEMPTS):
        await delivery.deliver_due(deps, send, backoff=(0,))
        world.clock.advance(timedelta(seconds=1))
    assert envelope[ANNA] == return_path(SECRET, list_id, ANNA, DOMAIN)
    assert envelope[OWNER] == return_path(SECRET, list_id, OWNER, DOMAIN)
    bounced = world.uow.committed.bounces
    assert len(bounced) == 2 and {(b.address, b.severity, b.source, b.status) for b in bounced} == {
        (ANNA, Severity.SOFT, "smtp", "452")
    }  # her welcome mail and the post: soft, so no suspension yet
    assert world.member(list_id, ANNA).suspended_at is None
