"""In-memory unit of work for the mailing-list service: no database, no network.

It keeps what the real store (services/notifications/adapters/store.py) keeps, with its semantics:
members and requests are stored as copies (a change counts only once saved, as in SQL), lists are
tracked like the snapshot repository, and leaving the unit without `commit` undoes everything.
tests/integration/test_notifications_repository.py runs the same test body on this fake, SQLite and
PostgreSQL, so the two cannot drift apart.
"""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from services.notifications.domain.bounces import Bounce
from services.notifications.domain.lists import AuditEntry, MailingList, Member, Request
from services.notifications.domain.news import Received
from services.notifications.domain.words import RequestState
from services.notifications.service_layer.ports import ArchivedPost, Failure, Mailing, ThreadSummary
from shared.names import names_person


@dataclass
class Tables:
    lists: dict[str, MailingList] = field(default_factory=dict)
    members: dict[tuple[str, str], Member] = field(default_factory=dict)
    requests: dict[str, Request] = field(default_factory=dict)
    consents: list[dict] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)
    used_tokens: dict[str, datetime] = field(default_factory=dict)
    suppressions: dict[str, datetime] = field(default_factory=dict)
    deliveries: list[dict] = field(default_factory=list)
    posts: list[Mailing] = field(default_factory=list)
    bounces: list[Bounce] = field(default_factory=list)
    archive: list[dict] = field(default_factory=list)
    link_requests: list[tuple[str, datetime]] = field(default_factory=list)
    inbox: set[str] = field(default_factory=set)
    published: list[object] = field(default_factory=list)
    forgotten: list[tuple[list[str], datetime]] = field(
        default_factory=list
    )  # erasure words handed to the messaging tables


class FakeLists:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    async def get(self, list_id: str) -> MailingList | None:
        return self.t.lists.get(list_id)

    async def add(self, mailing_list: MailingList) -> None:
        self.t.lists[mailing_list.id] = mailing_list

    put = add

    async def list(self, *, group_id: str | None = None) -> list[MailingList]:
        return [m for m in self.t.lists.values() if group_id is None or m.group_id == group_id]


def _sequence(rows: list[dict]) -> int:
    return max((r["id"] for r in rows), default=0) + 1


class FakeBouncesAndArchive:
    t: Tables

    async def add_bounce(self, bounce: Bounce) -> bool:
        key = (bounce.list_id, bounce.address, bounce.reference)
        if bounce.reference and any((b.list_id, b.address, b.reference) == key for b in self.t.bounces):
            return False
        self.t.bounces.append(bounce)
        return True

    async def bounces_of(self, list_id: str, address: str) -> list[Bounce]:
        return [b for b in self.t.bounces if (b.list_id, b.address) == (list_id, address)]

    async def bounce_log(self, list_id: str, limit: int = 200) -> list[Bounce]:
        return sorted((b for b in self.t.bounces if b.list_id == list_id), key=lambda b: b.at, reverse=True)[:limit]

    async def clear_bounces(self, list_id: str, address: str) -> None:
        self.t.bounces = [
            replace(b, cleared=True) if (b.list_id, b.address) == (list_id, address) else b for b in self.t.bounces
        ]

    async def archive(self, **values: Any) -> int | None:
        if any((p["list_id"], p["event_id"]) == (values["list_id"], values["event_id"]) for p in self.t.archive):
            return None
        post_id = _sequence(self.t.archive)
        thread_id = values.get("thread_id") or post_id
        self.t.archive.append(values | {"id": post_id, "thread_id": thread_id})
        return post_id

    def _posts(self, list_id: str) -> list[ArchivedPost]:
        shown = ("id", "list_id", "thread_id", "parent_id", "subject", "sender", "sender_name", "sent_at", "body")
        posts = [p for p in self.t.archive if p["list_id"] == list_id]
        return [ArchivedPost(**{k: p.get(k) for k in shown}, attachments=p.get("attachments", [])) for p in posts]

    async def archived_by_message_id(self, list_id: str, message_ids: list[str]) -> ArchivedPost | None:
        for message_id in message_ids:
            for raw, post in zip(
                [p for p in self.t.archive if p["list_id"] == list_id], self._posts(list_id), strict=True
            ):
                if raw["message_id"] == message_id:
                    return post
        return None

    async def archive_threads(self, list_id: str, offset: int = 0, limit: int = 50) -> tuple[list[ThreadSummary], int]:
        threads: dict[int, list[ArchivedPost]] = {}
        for post in self._posts(list_id):
            threads.setdefault(post.thread_id, []).append(post)
        found = [
            ThreadSummary(
                tid,
                posts[0].subject,
                posts[0].sender_name,
                min(p.sent_at for p in posts),
                max(p.sent_at for p in posts),
                len(posts),
            )
            for tid, posts in threads.items()
        ]
        found.sort(key=lambda t: (t.last_at, t.thread_id), reverse=True)
        return found[offset : offset + limit], len(found)

    async def archive_search(self, list_id: str, words: list[str], limit: int = 100) -> list[ArchivedPost]:
        hits = [p for p in self._posts(list_id) if all(w in (p.subject + "\n" + p.body).lower() for w in words)]
        return sorted(hits, key=lambda p: (p.sent_at, p.id), reverse=True)[:limit]

    async def archive_thread(self, list_id: str, thread_id: int) -> list[ArchivedPost]:
        return sorted((p for p in self._posts(list_id) if p.thread_id == thread_id), key=lambda p: (p.sent_at, p.id))

    async def archive_messages(self, list_id: str) -> list[tuple[str, datetime, bytes]]:
        return [(p["sender"], p["sent_at"], p["message"]) for p in self.t.archive if p["list_id"] == list_id]


class FakeStore(FakeBouncesAndArchive):
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    # --- members -------------------------------------------------------------------------
    async def member(self, list_id: str, address: str) -> Member | None:
        found = self.t.members.get((list_id, address))
        return replace(found) if found else None

    async def members(self, list_id: str, active_only: bool = False) -> list[Member]:
        found = [m for (lid, _), m in self.t.members.items() if lid == list_id and (m.active or not active_only)]
        return [replace(m) for m in sorted(found, key=lambda m: m.address)]

    async def member_count(self, list_id: str) -> int:
        return len(await self.members(list_id, active_only=True))

    async def save_member(self, member: Member) -> None:
        self.t.members[(member.list_id, member.address)] = replace(member)

    async def delete_member(self, list_id: str, address: str) -> None:
        self.t.members.pop((list_id, address), None)

    async def members_named(self, list_id: str, name: str) -> list[Member]:
        return [m for m in await self.members(list_id, active_only=True) if names_person(name, m.display_name)]

    async def members_page(
        self,
        list_id: str,
        *,
        search: str = "",
        status: str = "",
        role: str = "",
        delivery: str = "",
        offset: int = 0,
        limit: int | None = None,
    ) -> tuple[list[Member], int]:
        wanted = search.strip().lower()
        found = [
            m
            for m in await self.members(list_id)
            if (not wanted or wanted in m.address.lower() or wanted in m.display_name.lower())
            and (not status or m.status == status)
            and (not role or m.role == role)
            and (not delivery or m.delivery == delivery)
        ]
        return found[offset : None if limit is None else offset + limit], len(found)

    async def memberships(self, address: str) -> list[Member]:
        found = [m for m in self.t.members.values() if m.address == address]
        return [replace(m) for m in sorted(found, key=lambda m: m.list_id)]

    # --- requests ------------------------------------------------------------------------
    async def request(self, request_id: str) -> Request | None:
        found = self.t.requests.get(request_id)
        return replace(found) if found else None

    async def save_request(self, request: Request) -> None:
        self.t.requests[request.id] = replace(request)

    async def pending(self, list_id: str) -> list[Request]:
        waiting = (RequestState.AWAITING_MODERATION, RequestState.DEFERRED)
        found = [r for r in self.t.requests.values() if r.list_id == list_id and r.state in waiting]
        return [replace(r) for r in sorted(found, key=lambda r: r.created_at)]

    async def recent_requests(self, since: datetime, address: str | None = None, list_id: str | None = None) -> int:
        return sum(
            1
            for r in self.t.requests.values()
            if r.created_at >= since
            and (not address or address in (r.address, r.new_address))
            and (not list_id or r.list_id == list_id)
        )

    # --- consent, audit, tokens, suppressions ---------------------------------------------
    async def record_consent(self, request: Request, text_version: str) -> None:
        self.t.consents.append(
            {
                "id": _sequence(self.t.consents),
                "list_id": request.list_id,
                "address": request.address,
                "request_id": request.id,
                "requested_at": request.created_at,
                "confirmed_at": None,
                "ip": request.ip,
                "text_version": text_version,
            }
        )

    async def confirm_consent(self, request_id: str, at: datetime, address: str | None = None) -> None:
        for row in self.t.consents:
            if row["request_id"] == request_id:
                row["confirmed_at"] = at
                if address:
                    row["address"] = address

    async def move_consents(self, list_id: str, old: str, new: str) -> None:
        for row in self.t.consents:
            if (row["list_id"], row["address"]) == (list_id, old):
                row["address"] = new

    async def audit(self, entry: AuditEntry) -> None:
        self.t.audit.append({"id": _sequence(self.t.audit)} | asdict(entry))

    async def audit_log(self, list_id: str) -> list[AuditEntry]:
        rows = [r for r in self.t.audit if r["list_id"] == list_id]
        return [AuditEntry(**{k: v for k, v in r.items() if k != "id"}) for r in rows]

    async def audit_page(
        self,
        list_id: str,
        *,
        person: str = "",
        action: str = "",
        since: datetime | None = None,
        until: datetime | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> tuple[list[AuditEntry], int]:
        wanted = person.strip().lower()
        rows = [
            r
            for r in self.t.audit
            if r["list_id"] == list_id
            and (not wanted or wanted in r["actor"].lower() or wanted in r["subject"].lower())
            and (not action or r["action"] == action)
            and (since is None or r["at"] >= since)
            and (until is None or r["at"] <= until)
        ]
        rows.sort(key=lambda r: (r["at"], r["id"]), reverse=True)
        page = [AuditEntry(**{k: v for k, v in r.items() if k != "id"}) for r in rows[offset : offset + limit]]
        return page, len(rows)

    async def audit_actions(self, list_id: str) -> list[str]:
        return sorted({r["action"] for r in self.t.audit if r["list_id"] == list_id})

    async def token_spent(self, token_id: str) -> bool:
        return token_id in self.t.used_tokens

    async def count_link_requests(self, fingerprint: str, since: datetime) -> int:
        return sum(1 for f, at in self.t.link_requests if f == fingerprint and at >= since)

    async def add_link_request(self, fingerprint: str, at: datetime) -> None:
        self.t.link_requests = [(f, t) for f, t in self.t.link_requests if t >= at - timedelta(hours=1)]
        self.t.link_requests.append((fingerprint, at))

    async def spend_token(self, token_id: str, at: datetime) -> bool:
        if token_id in self.t.used_tokens:
            return False
        self.t.used_tokens[token_id] = at
        return True

    async def suppress(self, fingerprint: str, at: datetime) -> None:
        self.t.suppressions.setdefault(fingerprint, at)

    async def suppressed(self, fingerprint: str) -> bool:
        return fingerprint in self.t.suppressions

    async def suppressed_among(self, fingerprints: set[str]) -> set[str]:
        return fingerprints & set(self.t.suppressions)

    # --- deliveries ----------------------------------------------------------------------
    async def add_delivery(self, **values: Any) -> bool:
        key = (values["event_id"], values["recipient"])
        if any((r["event_id"], r["recipient"]) == key for r in self.t.deliveries):
            return False
        row = {
            "list_id": None,
            "last_error": None,
            "message": None,
            "summary": None,
            "sent_at": None,
            "last_attempt_at": None,
        } | values
        self.t.deliveries.append({"id": _sequence(self.t.deliveries)} | row)
        return True

    async def add_deliveries(self, rows: list[dict[str, Any]]) -> int:
        return sum([await self.add_delivery(**row) for row in rows])

    async def mark_deliveries(self, marks: list[tuple[int, dict[str, Any]]]) -> None:
        for delivery_id, values in marks:
            await self.mark_delivery(delivery_id, **values)

    def _rows(self, *columns: str, **where: Any) -> list[SimpleNamespace]:
        return [
            SimpleNamespace(**{c: r[c] for c in columns})
            for r in self.t.deliveries
            if all(r[k] == v for k, v in where.items())
        ]

    async def due_deliveries(self, now: datetime, limit: int) -> list[Any]:
        columns = ("id", "recipient", "message", "attempts", "list_id", "event_id")
        due = self._rows(*columns, "next_attempt_at", status="pending")
        return [SimpleNamespace(**{c: getattr(r, c) for c in columns}) for r in due if r.next_attempt_at <= now][:limit]

    async def mark_delivery(self, delivery_id: int, **values: Any) -> None:
        for row in self.t.deliveries:
            if row["id"] == delivery_id:
                row.update(values)

    async def digest_items(self, recipient: str) -> list[Any]:
        return self._rows("id", "list_id", "summary", "created_at", recipient=recipient, status="digest")

    async def digest_recipients(self) -> list[tuple[str, str]]:
        return list(
            dict.fromkeys((r.recipient, r.list_id) for r in self._rows("recipient", "list_id", status="digest"))
        )

    async def delivery_stats(self, event_id: str | None = None) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.t.deliveries:
            if event_id is None or row["event_id"] == event_id:
                counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts

    async def record_post(self, mailing: Mailing) -> None:
        self.t.posts.append(mailing)

    async def mailings(self, list_id: str, event_id: str | None = None) -> list[Mailing]:
        posts = [p for p in self.t.posts if p.list_id == list_id and event_id in (None, p.event_id)]
        found = []
        for post in sorted(posts, key=lambda p: (-p.sent_at.timestamp(), p.event_id)):
            counts = dict.fromkeys(("sent", "pending", "failed", "digest"), 0)
            for row in self.t.deliveries:
                if row["event_id"] == post.event_id:
                    key = "digest" if row["status"] in ("digest", "digested") else row["status"]
                    counts[key] = counts.get(key, 0) + 1
            found.append(replace(post, **{k: counts[k] for k in ("sent", "pending", "failed", "digest")}))
        return found

    async def failures(self, event_id: str) -> list[Failure]:
        rows = [r for r in self.t.deliveries if r["event_id"] == event_id and r["status"] == "failed"]
        return [
            Failure(r["recipient"], r["last_error"] or "", r["attempts"], r.get("last_attempt_at"))
            for r in sorted(rows, key=lambda r: r["recipient"])
        ]

    # --- GDPR ----------------------------------------------------------------------------
    def _about(self, address: str) -> dict[str, list[dict]]:
        return {
            "memberships": [asdict(m) for m in self.t.members.values() if m.address == address],
            "requests": [asdict(r) for r in self.t.requests.values() if address in (r.address, r.new_address)],
            "consents": [r for r in self.t.consents if r["address"] == address],
            "audit": [
                r
                for r in self.t.audit
                if address in (r["actor"], r["subject"]) or address.casefold() in r.get("detail", "").casefold()
            ],
            "deliveries": [r for r in self.t.deliveries if r["recipient"] == address],
            "posts": [asdict(p) for p in self.t.posts if p.sender == address],
        }

    async def everything_about(self, address: str) -> dict[str, list[dict]]:
        def plain(row: dict) -> dict:
            return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items() if k != "message"}

        return {name: [plain(row) for row in rows] for name, rows in self._about(address).items()}

    async def names_of(self, address: str) -> list[str]:
        a = address.casefold()
        members = [m.display_name for m in self.t.members.values() if m.address.casefold() == a]
        requests = [r.display_name for r in self.t.requests.values() if r.address.casefold() == a]
        return sorted({n for n in members + requests if n})

    async def erase(self, address: str, words: list[str]) -> dict[str, int]:
        a = address.casefold()
        counts = {
            "memberships": sum(m.address.casefold() == a for m in self.t.members.values()),
            "requests": sum(a in (r.address.casefold(), r.new_address.casefold()) for r in self.t.requests.values()),
            "consents": sum(r["address"].casefold() == a for r in self.t.consents),
            "deliveries": sum(r["recipient"].casefold() == a for r in self.t.deliveries),
        }
        self.t.members = {k: m for k, m in self.t.members.items() if m.address.casefold() != a}
        self.t.requests = {
            k: r for k, r in self.t.requests.items() if a not in (r.address.casefold(), r.new_address.casefold())
        }
        self.t.consents = [r for r in self.t.consents if r["address"].casefold() != a]
        self.t.deliveries = [r for r in self.t.deliveries if r["recipient"].casefold() != a]
        counts["bounces"] = sum(b.address.casefold() == a for b in self.t.bounces)
        counts["archive"] = sum(p["sender"].casefold() == a for p in self.t.archive)
        self.t.bounces = [b for b in self.t.bounces if b.address.casefold() != a]
        self.t.archive = [p for p in self.t.archive if p["sender"].casefold() != a]
        words = sorted({w.casefold() for w in (a, *words) if w.strip()}, key=len, reverse=True)

        def without(text: str) -> str:
            for word in words:
                text = re.sub(re.escape(word), "gelöschte Person", text, flags=re.IGNORECASE)
            return text

        for row in self.t.audit:
            for column in ("actor", "subject", "detail"):
                if column in row:
                    row[column] = without(row[column])
        self.t.posts = [replace(p, sender=without(p.sender), subject=without(p.subject)) for p in self.t.posts]
        for post in self.t.archive:
            if any(w in (post["body"] + post["subject"] + post["sender_name"]).casefold() for w in words):
                post.update(body=without(post["body"]), subject=without(post["subject"]))
                post.update(sender_name=without(post["sender_name"]), message=post["body"].encode())
        self.t.requests = {k: replace(r, decided_by=without(r.decided_by)) for k, r in self.t.requests.items()}
        for row in list(self.t.deliveries):
            text = (row.get("message") or b"").decode("utf-8", "replace") + row.get("subject", "")
            if any(w in text.casefold() for w in words):
                if row["status"] == "pending":
                    self.t.deliveries.remove(row)
                else:
                    row.update(message=None, subject=without(row.get("subject", "")), summary=None)
        return counts


class FakeUnitOfWork:
    """One shared committed state; each `async with` works on a copy that `commit` makes the state."""

    def __init__(self, committed: Tables | None = None) -> None:
        self.committed = committed or Tables()

    def __call__(self) -> FakeUnitOfWork:  # Deps.uow: a fresh unit over the same state
        return FakeUnitOfWork(self.committed)

    async def __aenter__(self) -> FakeUnitOfWork:
        self.work = copy.deepcopy(self.committed)
        self.lists, self.store = FakeLists(self.work), FakeStore(self.work)
        self._emitted: list[object] = []
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.rollback()

    async def commit(self) -> None:
        self.work.published.extend(self._emitted)
        self._emitted = []
        for name, value in vars(copy.deepcopy(self.work)).items():
            setattr(self.committed, name, value)

    async def rollback(self) -> None:
        self.work = copy.deepcopy(self.committed)
        self.lists, self.store = FakeLists(self.work), FakeStore(self.work)
        self._emitted = []

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    async def forget_person(self, words: list[str], now: datetime) -> int:
        self.work.forgotten.append((sorted(words), now))  # what the real one deletes from the outbox and scrubs later
        return 0

    async def claim(self, event: Received) -> bool:
        if event.event_id in self.work.inbox:
            return False
        self.work.inbox.add(event.event_id)
        return True


class FakeComposer:
    """Renders nothing: the kind, the recipient and the context are what the rules decide."""

    def __init__(self) -> None:
        self.made: list[dict] = []

    def message(self, kind: str, **values: Any) -> tuple[str, bytes]:
        if "\n" in values.get("to_name", ""):
            raise ValueError("Zeilenumbruch im Namen")
        self.made.append({"kind": kind} | values)
        return f"{kind}: {values.get('list_name', '')}", repr(values).encode()

    def mailing(self, kind: str, **common: Any) -> Any:
        """Each member's copy made as `message` would: the rules see the same recipients and values."""

        def message(to_address: str, to_name: str, unsubscribe_token: str, manage_token: str) -> tuple[str, bytes]:
            personal = {"to_address": to_address, "to_name": to_name}
            return self.message(
                kind, **personal, unsubscribe_token=unsubscribe_token, manage_token=manage_token, **common
            )

        return SimpleNamespace(message=message)

    def preview(self, kind: str, **values: Any) -> tuple[list[tuple[str, str]], str]:
        """What the rules decide about a preview: the recipient shown, the list, the context."""
        self.message(kind, event_id="vorschau", **values)
        headers = [
            ("To", f"{values['to_name']} <{values['to_address']}>"),
            ("Subject", f"{kind}: {values['list_name']}"),
        ]
        return headers, values["context"].get("text", "")


__all__ = ["FakeComposer", "FakeUnitOfWork", "Tables"]
