"""One contract for the mailing-list service's repositories, run on the in-memory fake, SQLite and
PostgreSQL: the same test body, so the fake the unit tests rely on cannot drift from the real store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from services.notifications.adapters import orm
from services.notifications.adapters.unit_of_work import NotificationsUnitOfWork
from services.notifications.domain.lists import AuditEntry, MailingList, Member, Request
from services.notifications.domain.news import Received
from services.notifications.domain.words import MemberStatus, Policy, RequestState, Role
from services.notifications.service_layer.ports import Failure, Mailing, UnitOfWork
from shared.db import upgrade
from tests import support
from tests.conftest import STORES
from tests.unit.notifications.fakes import FakeUnitOfWork

NOW = support.test_clock().now()
pytestmark = pytest.mark.parametrize("database", STORES, indirect=True)


@pytest.fixture
async def uow(database) -> Callable[[], UnitOfWork]:
    if database is None:
        return FakeUnitOfWork()
    await upgrade(database, "notifications")
    return lambda: NotificationsUnitOfWork(database, orm.messaging)


def request(request_id: str, address: str, state: RequestState, minutes: int, list_id: str = "a") -> Request:
    return Request(request_id, list_id, "abonnement", address, "", state, NOW + timedelta(minutes=minutes))


async def test_lists_are_found_by_id_and_group_and_a_loaded_list_is_kept_changed(uow) -> None:
    async with uow() as unit:
        await unit.lists.add(MailingList("a", "A", Policy.OPEN, "g-1"))
        await unit.lists.add(MailingList("b", "B", Policy.MODERATE))
        await unit.commit()
    async with uow() as unit:
        assert [m.id for m in await unit.lists.list(group_id="g-1")] == ["a"]
        assert sorted(m.id for m in await unit.lists.list()) == ["a", "b"]
        (await unit.lists.get("a")).close()  # a loaded list is tracked: no save needed
        await unit.commit()
    async with uow() as unit:
        found = await unit.lists.get("a")
        assert (found.status, found.policy, await unit.lists.get("c")) == ("geschlossen", Policy.OPEN, None)


async def test_members_count_only_once_saved_and_filter_as_sql_does(uow) -> None:
    async with uow() as unit:
        for address, name, status in (
            ("b@x.org", "Bernd Beispiel", MemberStatus.ACTIVE),
            ("a@x.org", "Anna", MemberStatus.ACTIVE),
            ("c@x.org", "Bernd", MemberStatus.UNSUBSCRIBED),
        ):
            await unit.store.save_member(Member("a", address, name, Role.MEMBER, status=status, since=NOW))
        await unit.store.save_member(Member("b", "a@x.org", "Anna"))
        await unit.commit()
    async with uow() as unit:
        anna = await unit.store.member("a", "a@x.org")
        anna.grant("moderation")  # changed, never saved
        assert [m.address for m in await unit.store.members("a")] == ["a@x.org", "b@x.org", "c@x.org"]
        assert [m.address for m in await unit.store.members("a", active_only=True)] == ["a@x.org", "b@x.org"]
        assert [m.address for m in await unit.store.members_named("a", "bernd")] == ["b@x.org"]
        assert await unit.store.member_count("a") == 2
        await unit.store.delete_member("b", "a@x.org")
        await unit.commit()
    async with uow() as unit:
        anna = await unit.store.member("a", "a@x.org")
        assert (anna.role, anna.since, await unit.store.member("b", "a@x.org")) == (Role.MEMBER, NOW, None)


async def test_requests_pending_and_recent_as_sql_does(uow) -> None:
    async with uow() as unit:
        await unit.store.save_request(request("r2", "a@x.org", RequestState.DEFERRED, 2))
        await unit.store.save_request(request("r1", "b@x.org", RequestState.AWAITING_MODERATION, 1))
        await unit.store.save_request(request("r3", "c@x.org", RequestState.AWAITING_CONFIRMATION, 3))
        await unit.store.save_request(request("r4", "d@x.org", RequestState.AWAITING_MODERATION, 4, "b"))
        moved = request("r5", "e@x.org", RequestState.AWAITING_CONFIRMATION, 5)
        moved.new_address = "a@x.org"
        await unit.store.save_request(moved)
        await unit.commit()
    async with uow() as unit:
        assert [r.id for r in await unit.store.pending("a")] == ["r1", "r2"]
        assert await unit.store.recent_requests(NOW + timedelta(minutes=2), address="a@x.org") == 2
        assert await unit.store.recent_requests(NOW, list_id="a") == 4
        assert await unit.store.recent_requests(NOW + timedelta(minutes=4)) == 2
        assert (await unit.store.request("r3")).state == RequestState.AWAITING_CONFIRMATION
        assert await unit.store.request("r9") is None


async def test_consent_audit_tokens_and_suppressions(uow) -> None:
    async with uow() as unit:
        first = request("r1", "a@x.org", RequestState.AWAITING_CONFIRMATION, 0)
        await unit.store.record_consent(first, "v1")
        await unit.store.confirm_consent("r1", NOW)
        await unit.store.move_consents("a", "a@x.org", "n@x.org")
        for action in ("eins", "zwei"):
            await unit.store.audit(AuditEntry("a", NOW, "m@x.org", action, "n@x.org"))
        assert await unit.store.spend_token("t1", NOW) and not await unit.store.spend_token("t1", NOW)
        await unit.store.suppress("f" * 64, NOW)
        await unit.store.suppress("f" * 64, NOW)  # twice is harmless
        await unit.commit()
    async with uow() as unit:
        assert [e.action for e in await unit.store.audit_log("a")] == ["eins", "zwei"]
        assert await unit.store.suppressed("f" * 64) and not await unit.store.suppressed("0" * 64)
        about = await unit.store.everything_about("n@x.org")
        assert (len(about["consents"]), len(about["audit"]), about["consents"][0]["text_version"]) == (1, 2, "v1")
        assert about["consents"][0]["confirmed_at"] == NOW.isoformat()


def delivery(event_id: str, recipient: str, status: str = "pending", minutes: int = 0) -> dict:
    at = NOW + timedelta(minutes=minutes)
    return {
        "event_id": event_id,
        "recipient": recipient,
        "list_id": "a",
        "kind": "beitrag",
        "subject": event_id,
        "status": status,
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
    } | ({"summary": event_id} if status == "digest" else {"message": b"mail"})


async def test_deliveries_once_per_event_and_recipient_due_digests_and_stats(uow) -> None:
    async with uow() as unit:
        assert await unit.store.add_delivery(**delivery("e1", "a@x.org"))
        assert not await unit.store.add_delivery(**delivery("e1", "a@x.org"))  # redelivered: nothing new
        assert await unit.store.add_delivery(**delivery("e2", "a@x.org", minutes=10))
        assert await unit.store.add_delivery(**delivery("e1", "d@x.org", "digest"))
        assert await unit.store.add_delivery(**delivery("e2", "d@x.org", "digest"))
        await unit.commit()
    async with uow() as unit:
        (due,) = await unit.store.due_deliveries(NOW + timedelta(minutes=1), 10)
        assert (due.recipient, due.message, due.attempts) == ("a@x.org", b"mail", 0)
        await unit.store.mark_delivery(due.id, status="sent", sent_at=NOW, attempts=1)
        assert [i.summary for i in await unit.store.digest_items("d@x.org")] == ["e1", "e2"]
        assert await unit.store.digest_recipients() == [("d@x.org", "a")]
        await unit.commit()
    async with uow() as unit:
        assert await unit.store.delivery_stats() == {"sent": 1, "pending": 1, "digest": 2}
        assert await unit.store.delivery_stats("e2") == {"pending": 1, "digest": 1}
        assert len(await unit.store.due_deliveries(NOW + timedelta(hours=1), 10)) == 1


async def test_a_whole_mailing_is_written_and_marked_in_few_statements(uow) -> None:
    """`add_deliveries` adds each (event, recipient) once as `add_delivery` does, across chunks and row shapes;
    `mark_deliveries` records several outcomes in one transaction; `suppressed_among` finds blocked ones at once."""
    rows = [delivery("post", f"m{i:05d}@x.org") for i in range(2500)] + [delivery("post", "d@x.org", "digest")]
    async with uow() as unit:
        assert await unit.store.add_delivery(**delivery("post", "m00007@x.org"))  # already queued: not again
        assert await unit.store.add_deliveries(rows) == 2500
        assert await unit.store.add_deliveries(rows[:10]) == 0  # the event redelivered
        await unit.store.suppress("fp-2", NOW)
        assert await unit.store.suppressed_among({f"fp-{i}" for i in range(1200)}) == {"fp-2"}
        await unit.commit()
    async with uow() as unit:
        due = await unit.store.due_deliveries(NOW + timedelta(minutes=1), 3)
        await unit.store.mark_deliveries(
            [
                (due[0].id, {"status": "sent", "sent_at": NOW, "attempts": 1}),
                (due[1].id, {"status": "failed", "attempts": 1}),
                (due[2].id, {"status": "sent", "sent_at": NOW, "attempts": 2}),
            ]
        )
        await unit.commit()
    async with uow() as unit:
        assert await unit.store.delivery_stats("post") == {"pending": 2497, "sent": 2, "failed": 1, "digest": 1}
        again = {row.id: row.attempts for row in await unit.store.due_deliveries(NOW + timedelta(minutes=1), 3)}
        assert due[0].id not in again and due[2].id not in again  # each mark reached its own row


async def test_erasure_removes_every_copy_and_keeps_the_audit_anonymous(uow) -> None:
    async with uow() as unit:
        await unit.store.save_member(Member("a", "Anna.B@x.org", "Anna Berg"))
        await unit.store.save_request(request("r1", "Anna.B@x.org", RequestState.ACCEPTED, 0))
        await unit.store.record_consent(request("r1", "Anna.B@x.org", RequestState.ACCEPTED, 0), "v1")
        await unit.store.add_delivery(**delivery("e1", "Anna.B@x.org"))
        await unit.store.audit(AuditEntry("a", NOW, "Anna.B@x.org", "abgemeldet", "Anna.B@x.org"))
        await unit.store.audit(AuditEntry("a", NOW, "m@x.org", "notiz", "x", "Rückfrage bei anna berg (anna.b@x.org)"))
        about = b"Subject: Anfrage\r\n\r\nAnna Berg <anna.b@x.org> fragt an."
        sent = delivery("e2", "m@x.org", status="sent") | {"message": about, "subject": "Anfrage von Anna Berg"}
        await unit.store.add_delivery(**sent)
        await unit.store.add_delivery(**(delivery("e3", "m@x.org") | {"message": about}))  # still waiting
        await unit.store.add_delivery(**(delivery("e4", "m@x.org", status="sent") | {"message": b"Anna kommt"}))
        await unit.commit()
    async with uow() as unit:
        assert await unit.store.names_of("anna.b@X.org") == ["Anna Berg"]
        counts = await unit.store.erase("anna.b@x.org", ["Anna Berg"])  # another case than she typed
        await unit.commit()
    assert counts == {"memberships": 1, "requests": 1, "consents": 1, "deliveries": 1, "bounces": 0, "archive": 0}
    async with uow() as unit:
        assert all(rows == [] for rows in (await unit.store.everything_about("Anna.B@x.org")).values())
        entries = await unit.store.audit_log("a")
        assert sorted((e.actor, e.subject, e.detail) for e in entries) == [
            ("gelöschte Person", "gelöschte Person", ""),
            ("m@x.org", "x", "Rückfrage bei gelöschte Person (gelöschte Person)"),
        ]
        mails = await unit.store.everything_about("m@x.org")
        assert sorted((d["event_id"], d["subject"]) for d in mails["deliveries"]) == [
            ("e2", "Anfrage von gelöschte Person"),  # sent: its text is gone, what it was stays
            ("e4", "e4"),  # names only "Anna": not hers alone, kept
        ]
        assert await unit.store.due_deliveries(NOW + timedelta(days=1), 10) == []  # the waiting mail about her: dropped


async def test_leaving_without_commit_undoes_everything_and_an_event_is_claimed_once(uow) -> None:
    event = Received("8b0d3f56-0000-4000-8000-000000000001", "registry.group.formed.v1")
    async with uow() as unit:
        await unit.lists.add(MailingList("a", "A", Policy.OPEN))
        await unit.store.save_member(Member("a", "a@x.org"))
        assert await unit.claim(event)
    async with uow() as unit:  # nothing was committed
        assert (await unit.lists.get("a"), await unit.store.member("a", "a@x.org")) == (None, None)
        assert await unit.claim(event)
        await unit.store.save_member(Member("a", "a@x.org"))
        await unit.rollback()
        assert await unit.store.member("a", "a@x.org") is None
        assert await unit.claim(event)
        await unit.commit()
    async with uow() as unit:
        assert not await unit.claim(event)


async def test_members_are_searched_filtered_and_paged_as_sql_does(uow) -> None:
    async with uow() as unit:
        for n in range(12):
            member = Member("a", f"m{n:02}@x.org", f"Name {n:02}", since=NOW)
            if n % 3 == 0:
                member.choose_delivery("taeglich")
            if n == 5:
                member.grant("moderation")
            if n == 7:
                member.unsubscribe()
            await unit.store.save_member(member)
        await unit.store.save_member(Member("a", "Bernd.100%_@X.org", "Bernd Beispiel"))
        await unit.store.save_member(Member("b", "m00@x.org", "Anderswo"))
        await unit.commit()
    async with uow() as unit:
        page, total = await unit.store.members_page("a", offset=10, limit=2)
        assert ([m.address for m in page], total) == (["m09@x.org", "m10@x.org"], 13)
        everyone, total = await unit.store.members_page("a")
        assert (len(everyone), total) == (13, 13)
        found, total = await unit.store.members_page("a", search="BEISPIEL")
        assert ([m.address for m in found], total) == (["Bernd.100%_@X.org"], 1)
        found, _ = await unit.store.members_page("a", search="100%_")  # % and _ are literal characters
        assert [m.display_name for m in found] == ["Bernd Beispiel"]
        assert (await unit.store.members_page("a", search="9%"))[1] == 0  # not "9, then anything"
        found, total = await unit.store.members_page("a", delivery="taeglich", status="aktiv")
        assert ([m.address for m in found], total) == (["m00@x.org", "m03@x.org", "m06@x.org", "m09@x.org"], 4)
        assert [m.address for m in (await unit.store.members_page("a", role="moderation"))[0]] == ["m05@x.org"]
        assert [m.address for m in (await unit.store.members_page("a", status="abgemeldet"))[0]] == ["m07@x.org"]
        assert [(m.list_id, m.display_name) for m in await unit.store.memberships("m00@x.org")] == [
            ("a", "Name 00"),
            ("b", "Anderswo"),
        ]


async def test_the_audit_log_is_filtered_and_paged_newest_first(uow) -> None:
    async with uow() as unit:
        for n, (actor, action, subject) in enumerate(
            (
                ("kathrin@x.org", "anfrage_annehmen", "anna@x.org"),
                ("kathrin@x.org", "mitglied_entfernt", "bernd@x.org"),
                ("anna@x.org", "abgemeldet", "anna@x.org"),
                ("Kathrin@x.org", "anfrage_annehmen", "clara@x.org"),
            )
        ):
            await unit.store.audit(AuditEntry("a", NOW + timedelta(hours=n), actor, action, subject))
        await unit.store.audit(AuditEntry("b", NOW, "x@x.org", "beitrag_versendet", "b"))
        await unit.commit()
    async with uow() as unit:
        entries, total = await unit.store.audit_page("a")
        assert ([e.subject for e in entries], total) == (["clara@x.org", "anna@x.org", "bernd@x.org", "anna@x.org"], 4)
        entries, total = await unit.store.audit_page("a", person="ANNA")
        assert ([e.action for e in entries], total) == (["abgemeldet", "anfrage_annehmen"], 2)
        entries, total = await unit.store.audit_page("a", action="anfrage_annehmen", offset=1, limit=1)
        assert ([e.subject for e in entries], total) == (["anna@x.org"], 2)
        window = {"since": NOW + timedelta(hours=1), "until": NOW + timedelta(hours=2)}
        assert [e.action for e in (await unit.store.audit_page("a", **window))[0]] == [
            "abgemeldet",
            "mitglied_entfernt",
        ]
        assert await unit.store.audit_actions("a") == ["abgemeldet", "anfrage_annehmen", "mitglied_entfernt"]


async def test_spent_tokens_and_link_requests_are_counted_for_an_hour(uow) -> None:
    async with uow() as unit:
        assert not await unit.store.token_spent("t1")
        await unit.store.spend_token("t1", NOW)
        for minutes in (0, 30, 50):
            await unit.store.add_link_request("f" * 64, NOW + timedelta(minutes=minutes))
        await unit.store.add_link_request("0" * 64, NOW)
        await unit.commit()
    async with uow() as unit:
        assert await unit.store.token_spent("t1") and not await unit.store.token_spent("t2")
        assert await unit.store.count_link_requests("f" * 64, NOW) == 3
        assert await unit.store.count_link_requests("f" * 64, NOW + timedelta(minutes=20)) == 2
        await unit.store.add_link_request("f" * 64, NOW + timedelta(minutes=91))  # forgets those older than an hour
        await unit.commit()
    async with uow() as unit:
        assert await unit.store.count_link_requests("f" * 64, NOW - timedelta(days=1)) == 2
        assert await unit.store.count_link_requests("0" * 64, NOW - timedelta(days=1)) == 0


async def test_mailings_count_their_deliveries_and_name_the_failures(uow) -> None:
    async with uow() as unit:
        await unit.store.record_post(Mailing("e1", "a", "Erste", "m@x.org", NOW, 4))
        await unit.store.record_post(Mailing("e2", "a", "Zweite", "m@x.org", NOW + timedelta(minutes=1), 1))
        await unit.store.record_post(Mailing("e3", "b", "Andere", "m@x.org", NOW, 0))
        for recipient, status in (("a@x.org", "pending"), ("b@x.org", "digest"), ("c@x.org", "digested")):
            await unit.store.add_delivery(**delivery("e1", recipient, status))
        await unit.store.add_delivery(**delivery("e1", "d@x.org"))
        await unit.store.add_delivery(**delivery("e2", "a@x.org"))
        await unit.commit()
    async with uow() as unit:
        (failed,) = [
            r for r in await unit.store.due_deliveries(NOW + timedelta(hours=1), 10) if r.recipient == "d@x.org"
        ]
        await unit.store.mark_delivery(
            failed.id, status="failed", last_error="550 unbekannt", attempts=2, last_attempt_at=NOW
        )
        await unit.commit()
    async with uow() as unit:
        found = await unit.store.mailings("a")
        assert [(m.event_id, m.subject, m.recipients) for m in found] == [("e2", "Zweite", 1), ("e1", "Erste", 4)]
        assert (found[1].sent, found[1].pending, found[1].failed, found[1].digest) == (0, 1, 1, 2)
        assert [m.event_id for m in await unit.store.mailings("a", "e1")] == ["e1"]
        assert await unit.store.mailings("a", "e3") == []  # another list's post
        assert await unit.store.failures("e1") == [Failure("d@x.org", "550 unbekannt", 2, NOW)]
        await unit.store.erase("m@x.org", [])
        await unit.commit()
    async with uow() as unit:
        assert {m.sender for m in await unit.store.mailings("a")} == {"gelöschte Person"}
