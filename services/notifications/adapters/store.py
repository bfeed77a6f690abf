"""SQL for lists, members, requests, consent, audit, tokens, suppressions and deliveries."""

from __future__ import annotations

import email
import email.message
import email.policy
from dataclasses import asdict
from datetime import datetime, timedelta
from email.headerregistry import Address
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.notifications.adapters import orm
from services.notifications.adapters.archive_store import ArchiveQueries
from services.notifications.adapters.bounce_store import BounceQueries
from services.notifications.adapters.post_store import PostStore
from services.notifications.domain.lists import AuditEntry, MailingList, Member, Request
from services.notifications.service_layer.ports import Failure, Mailing
from shared.db.snapshots import SnapshotRepository
from shared.names import names_person
from shared.privacy import names_any, without

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


_CHUNK = 500  # values in one IN (…)
_VARIABLES = 30000  # bound parameters in one statement (SQLite allows 32,766; PostgreSQL 65,535)


class ListRepository(SnapshotRepository[MailingList]):
    table = orm.lists
    to_data = staticmethod(lambda m: vars(m) | {"posting": m.posting.as_data()})
    from_data = staticmethod(lambda data: MailingList(**data))

    def _columns(self, item: MailingList, data: dict) -> dict[str, Any]:
        return {"group_id": item.group_id}


class Store(PostStore, BounceQueries, ArchiveQueries):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self, table):  # noqa: ANN001, ANN202
        return _INSERT[self.session.get_bind().dialect.name](table)

    # --- members -------------------------------------------------------------------------
    async def member(self, list_id: str, address: str) -> Member | None:
        t = orm.members
        row = (await self.session.execute(select(t).where(t.c.list_id == list_id, t.c.address == address))).first()
        return Member(**row._mapping) if row else None

    async def members(self, list_id: str, active_only: bool = False) -> list[Member]:
        t = orm.members
        query = select(t).where(t.c.list_id == list_id).order_by(t.c.address)
        if active_only:
            query = query.where(t.c.status == "aktiv")
        return [Member(**row._mapping) for row in await self.session.execute(query)]

    async def member_count(self, list_id: str) -> int:
        t = orm.members
        return await self.session.scalar(select(func.count()).where(t.c.list_id == list_id, t.c.status == "aktiv")) or 0

    async def save_member(self, member: Member) -> None:
        values = asdict(member)
        statement = self._insert(orm.members).values(**values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=["list_id", "address"], set_=values))

    async def delete_member(self, list_id: str, address: str) -> None:
        t = orm.members
        await self.session.execute(delete(t).where(t.c.list_id == list_id, t.c.address == address))

    async def members_named(self, list_id: str, name: str) -> list[Member]:
        """Active members whose display name is `name` or starts with it as a first name."""
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
        t = orm.members
        conditions = [t.c.list_id == list_id]
        if search.strip():
            wanted = search.strip().lower()
            conditions.append(
                or_(
                    func.lower(t.c.address).contains(wanted, autoescape=True),
                    func.lower(t.c.display_name).contains(wanted, autoescape=True),
                )
            )
        for column, value in ((t.c.status, status), (t.c.role, role), (t.c.delivery, delivery)):
            if value:
                conditions.append(column == value)
        total = await self.session.scalar(select(func.count()).select_from(t).where(*conditions)) or 0
        query = select(t).where(*conditions).order_by(t.c.address).offset(offset).limit(limit)
        return [Member(**row._mapping) for row in await self.session.execute(query)], total

    async def memberships(self, address: str) -> list[Member]:
        t = orm.members
        query = select(t).where(t.c.address == address).order_by(t.c.list_id)
        return [Member(**row._mapping) for row in await self.session.execute(query)]

    # --- requests ------------------------------------------------------------------------
    async def request(self, request_id: str) -> Request | None:
        t = orm.requests
        row = (await self.session.execute(select(t).where(t.c.id == request_id))).first()
        return Request(**row._mapping) if row else None

    async def save_request(self, request: Request) -> None:
        values = asdict(request)
        statement = self._insert(orm.requests).values(**values)
        await self.session.execute(statement.on_conflict_do_update(index_elements=["id"], set_=values))

    async def pending(self, list_id: str) -> list[Request]:
        t = orm.requests
        query = (
            select(t)
            .where(t.c.list_id == list_id, t.c.state.in_(("moderation_offen", "zurueckgestellt")))
            .order_by(t.c.created_at)
        )
        return [Request(**row._mapping) for row in await self.session.execute(query)]

    async def recent_requests(self, since: datetime, address: str | None = None, list_id: str | None = None) -> int:
        t = orm.requests
        query = select(func.count()).where(t.c.created_at >= since)
        if address:
            query = query.where(or_(t.c.address == address, t.c.new_address == address))
        if list_id:
            query = query.where(t.c.list_id == list_id)
        return await self.session.scalar(query) or 0

    # --- consent, audit, tokens, suppressions ---------------------------------------------
    async def record_consent(self, request: Request, text_version: str) -> None:
        await self.session.execute(
            self._insert(orm.consents).values(
                list_id=request.list_id,
                address=request.address,
                request_id=request.id,
                requested_at=request.created_at,
                confirmed_at=None,
                ip=request.ip,
                text_version=text_version,
            )
        )

    async def confirm_consent(self, request_id: str, at: datetime, address: str | None = None) -> None:
        values: dict[str, Any] = {"confirmed_at": at} | ({"address": address} if address else {})
        await self.session.execute(update(orm.consents).where(orm.consents.c.request_id == request_id).values(**values))

    async def move_consents(self, list_id: str, old: str, new: str) -> None:
        """The proof of consent belongs to the person: it follows a confirmed address change."""
        t = orm.consents
        await self.session.execute(update(t).where(t.c.list_id == list_id, t.c.address == old).values(address=new))

    async def audit(self, entry: AuditEntry) -> None:
        await self.session.execute(self._insert(orm.audit).values(**asdict(entry)))

    async def audit_log(self, list_id: str) -> list[AuditEntry]:
        t = orm.audit
        rows = await self.session.execute(select(t).where(t.c.list_id == list_id).order_by(t.c.id))
        return [AuditEntry(**{k: v for k, v in row._mapping.items() if k != "id"}) for row in rows]

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
        t = orm.audit
        conditions = [t.c.list_id == list_id]
        if person.strip():
            wanted = person.strip().lower()
            conditions.append(
                or_(
                    func.lower(t.c.actor).contains(wanted, autoescape=True),
                    func.lower(t.c.subject).contains(wanted, autoescape=True),
                )
            )
        if action:
            conditions.append(t.c.action == action)
        if since:
            conditions.append(t.c.at >= since)
        if until:
            conditions.append(t.c.at <= until)
        total = await self.session.scalar(select(func.count()).select_from(t).where(*conditions)) or 0
        query = select(t).where(*conditions).order_by(t.c.at.desc(), t.c.id.desc()).offset(offset).limit(limit)
        rows = await self.session.execute(query)
        return [AuditEntry(**{k: v for k, v in row._mapping.items() if k != "id"}) for row in rows], total

    async def audit_actions(self, list_id: str) -> list[str]:
        t = orm.audit
        query = select(t.c.action).where(t.c.list_id == list_id).distinct().order_by(t.c.action)
        return list((await self.session.execute(query)).scalars())

    async def token_spent(self, token_id: str) -> bool:
        t = orm.used_tokens
        return bool(await self.session.scalar(select(t.c.token_id).where(t.c.token_id == token_id)))

    async def count_link_requests(self, fingerprint: str, since: datetime) -> int:
        t = orm.link_requests
        query = select(func.count()).where(t.c.fingerprint == fingerprint, t.c.created_at >= since)
        return await self.session.scalar(query) or 0

    async def add_link_request(self, fingerprint: str, at: datetime) -> None:
        t = orm.link_requests
        await self.session.execute(delete(t).where(t.c.created_at < at - timedelta(hours=1)))
        await self.session.execute(self._insert(t).values(fingerprint=fingerprint, created_at=at))

    async def spend_token(self, token_id: str, at: datetime) -> bool:
        """Record a single-use token as spent; False if it was spent before."""
        statement = self._insert(orm.used_tokens).values(token_id=token_id, used_at=at).on_conflict_do_nothing()
        return (await self.session.execute(statement)).rowcount == 1

    async def suppress(self, fingerprint: str, at: datetime) -> None:
        await self.session.execute(
            self._insert(orm.suppressions).values(fingerprint=fingerprint, created_at=at).on_conflict_do_nothing()
        )

    async def suppressed(self, fingerprint: str) -> bool:
        t = orm.suppressions
        return bool(await self.session.scalar(select(t.c.fingerprint).where(t.c.fingerprint == fingerprint)))

    async def suppressed_among(self, fingerprints: set[str]) -> set[str]:
        t, found = orm.suppressions, set()
        ordered = sorted(fingerprints)
        for start in range(0, len(ordered), _CHUNK):
            query = select(t.c.fingerprint).where(t.c.fingerprint.in_(ordered[start : start + _CHUNK]))
            found |= set(await self.session.scalars(query))
        return found

    # --- deliveries ----------------------------------------------------------------------
    async def add_delivery(self, **values: Any) -> bool:
        """One row per (event, recipient): a redelivered event adds nothing."""
        statement = self._insert(orm.deliveries).values(**values).on_conflict_do_nothing()
        return (await self.session.execute(statement)).rowcount == 1

    async def add_deliveries(self, rows: list[dict[str, Any]]) -> int:
        """Many rows in few statements (a mailing to a whole list), each added only once as `add_delivery` does."""
        added = 0
        for columns in {tuple(sorted(r)) for r in rows}:  # one statement shape per set of columns
            same = [r for r in rows if tuple(sorted(r)) == columns]
            step = max(1, _VARIABLES // len(columns))
            for start in range(0, len(same), step):
                statement = self._insert(orm.deliveries).values(same[start : start + step]).on_conflict_do_nothing()
                added += (await self.session.execute(statement)).rowcount
        return added

    async def mark_deliveries(self, marks: list[tuple[int, dict[str, Any]]]) -> None:
        """Several delivery outcomes in one transaction (the delivery loop's group commit): one executemany per set
        of columns, with a statement compiled once, instead of an UPDATE built and sent for each row."""
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for delivery_id, values in marks:
            shapes.setdefault(tuple(sorted(values)), []).append(
                {"mark_id": delivery_id} | {f"mark_{k}": v for k, v in values.items()}
            )
        t = orm.deliveries
        for columns, params in shapes.items():
            statement = (
                update(t).where(t.c.id == bindparam("mark_id")).values({c: bindparam(f"mark_{c}") for c in columns})
            )
            await self.session.execute(statement, params)

    async def due_deliveries(self, now: datetime, limit: int) -> list[Any]:
        t = orm.deliveries
        query = (
            select(t.c.id, t.c.recipient, t.c.message, t.c.attempts, t.c.list_id, t.c.event_id)
            .where(t.c.status == "pending", t.c.next_attempt_at <= now)
            .order_by(t.c.id)
            .limit(limit)
        )
        return list((await self.session.execute(query)).all())

    async def mark_delivery(self, delivery_id: int, **values: Any) -> None:
        await self.session.execute(update(orm.deliveries).where(orm.deliveries.c.id == delivery_id).values(**values))

    async def digest_items(self, recipient: str) -> list[Any]:
        t = orm.deliveries
        query = select(t.c.id, t.c.list_id, t.c.summary, t.c.created_at).where(
            t.c.recipient == recipient, t.c.status == "digest"
        )
        return list((await self.session.execute(query.order_by(t.c.id))).all())

    async def digest_recipients(self) -> list[tuple[str, str]]:
        """(recipient, list_id) pairs with collected digest items."""
        t = orm.deliveries
        query = select(t.c.recipient, t.c.list_id).where(t.c.status == "digest").distinct()
        return [(r, list_id) for r, list_id in await self.session.execute(query)]

    async def delivery_stats(self, event_id: str | None = None) -> dict[str, int]:
        t = orm.deliveries
        query = select(t.c.status, func.count()).group_by(t.c.status)
        if event_id:
            query = query.where(t.c.event_id == event_id)
        return dict((await self.session.execute(query)).all())

    async def record_post(self, mailing: Mailing) -> None:
        values = {k: getattr(mailing, k) for k in ("event_id", "list_id", "subject", "sender", "sent_at", "recipients")}
        await self.session.execute(self._insert(orm.posts).values(**values))

    async def mailings(self, list_id: str, event_id: str | None = None) -> list[Mailing]:
        p, d = orm.posts, orm.deliveries
        query = select(p).where(p.c.list_id == list_id).order_by(p.c.sent_at.desc(), p.c.event_id)
        if event_id is not None:
            query = query.where(p.c.event_id == event_id)
        posts = [dict(row._mapping) for row in await self.session.execute(query)]
        if not posts:
            return []
        counts = select(d.c.event_id, d.c.status, func.count()).group_by(d.c.event_id, d.c.status)
        counts = counts.where(d.c.event_id.in_([post["event_id"] for post in posts]))
        found: dict[str, dict[str, int]] = {}
        for event, status, count in await self.session.execute(counts):
            key = "digest" if status in ("digest", "digested") else status
            found.setdefault(event, {}).setdefault(key, 0)
            found[event][key] += count
        return [
            Mailing(
                **post,
                **{k: found.get(post["event_id"], {}).get(k, 0) for k in ("sent", "pending", "failed", "digest")},
            )
            for post in posts
        ]

    async def failures(self, event_id: str) -> list[Failure]:
        d = orm.deliveries
        query = (
            select(d.c.recipient, d.c.last_error, d.c.attempts, d.c.last_attempt_at)
            .where(d.c.event_id == event_id, d.c.status == "failed")
            .order_by(d.c.recipient)
        )
        return [Failure(r, error or "", attempts, at) for r, error, attempts, at in await self.session.execute(query)]

    # --- GDPR ----------------------------------------------------------------------------
    async def everything_about(self, address: str) -> dict[str, list[dict]]:
        found = {}
        a = address.casefold()  # Art. 15: the address however its case was written
        for name, table, condition in (
            ("memberships", orm.members, _is(orm.members.c.address, a)),
            ("requests", orm.requests, or_(_is(orm.requests.c.address, a), _is(orm.requests.c.new_address, a))),
            ("consents", orm.consents, _is(orm.consents.c.address, a)),
            ("audit", orm.audit, or_(_is(orm.audit.c.actor, a), _is(orm.audit.c.subject, a), _names(a))),
            ("deliveries", orm.deliveries, _is(orm.deliveries.c.recipient, a)),
            ("posts", orm.posts, _is(orm.posts.c.sender, a)),
            ("held_posts", orm.held_posts, _is(orm.held_posts.c.sender, a)),  # posts by mail (issue 20)
            ("kept_mail", orm.kept_mail, _is(orm.kept_mail.c.sender, a)),
            ("trusted_senders", orm.trusted_senders, _is(orm.trusted_senders.c.address, a)),
            ("bounces", orm.bounces, _is(orm.bounces.c.address, a)),
            ("archive", orm.archive, _is(orm.archive.c.sender, a)),
        ):
            columns = [c for c in table.c if c.name not in ("message", "search")]
            rows = await self.session.execute(select(*columns).where(condition))
            found[name] = [
                {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row._mapping.items()} for row in rows
            ]
        return found

    async def names_of(self, address: str) -> list[str]:
        """The display names the address was given as member or in a request, in any case of the address."""
        a = address.casefold()
        found: set[str] = set()
        for table in (orm.members, orm.requests):
            rows = await self.session.scalars(select(table.c.display_name).where(_is(table.c.address, a)))
            found |= {n for n in rows if n}
        return sorted(found)

    async def erase(self, address: str, words: list[str]) -> dict[str, int]:
        """Delete the address's rows (in any case), then every text that still names it or one of `words` (its names):
        audit entries and posts say "gelöschte Person" instead; a mail to someone else that named it (the moderation
        mail about its request) loses its text if it was sent, and is dropped if it was still waiting."""
        a = address.casefold()
        counts = {}
        for name, table, condition in (
            ("memberships", orm.members, _is(orm.members.c.address, a)),
            ("requests", orm.requests, or_(_is(orm.requests.c.address, a), _is(orm.requests.c.new_address, a))),
            ("consents", orm.consents, _is(orm.consents.c.address, a)),
            ("deliveries", orm.deliveries, _is(orm.deliveries.c.recipient, a)),
            ("bounces", orm.bounces, _is(orm.bounces.c.address, a)),
            ("archive", orm.archive, _is(orm.archive.c.sender, a)),  # the person's own posts leave the archive
        ):
            counts[name] = (await self.session.execute(delete(table).where(condition))).rowcount
        for table, column in (  # posts by mail (issue 20): held, trusted, kept - not counted apart
            (orm.held_posts, orm.held_posts.c.sender),
            (orm.trusted_senders, orm.trusted_senders.c.address),
            (orm.kept_mail, orm.kept_mail.c.sender),
        ):
            await self.session.execute(delete(table).where(_is(column, a)))
        words = sorted({w.casefold() for w in (a, *words) if w.strip()}, key=len, reverse=True)
        for table, key, columns in (
            (orm.audit, orm.audit.c.id, ("actor", "subject", "detail")),
            (orm.posts, orm.posts.c.event_id, ("sender", "subject")),
            (orm.requests, orm.requests.c.id, ("decided_by",)),
        ):
            rows = await self.session.execute(select(key, *(table.c[c] for c in columns)))
            for row in rows.all():
                changed = {c: without(v, words) for c, v in zip(columns, row[1:], strict=True)}
                changed = {c: v for c, v in changed.items() if v != row._mapping[c]}
                if changed:
                    await self.session.execute(update(table).where(key == row[0]).values(**changed))
        await self._forget_in_mails(words)
        await self._forget_in_archive(words)
        return counts

    async def _forget_in_archive(self, words: list[str]) -> int:
        """Others' posts that name the person (a quote, a greeting) keep their text without the name; the kept message
        becomes that text alone (its attachments could name the person where nobody can search)."""
        t = orm.archive
        rows = await self.session.execute(select(t.c.id, t.c.subject, t.c.sender_name, t.c.body, t.c.message))
        touched = 0
        for row in rows.all():
            if not (_names_in_mail(row.message, words) or any(names_any(v, words) for v in row[1:4])):
                continue
            touched += 1
            subject, name, body = (without(v, words) for v in row[1:4])
            await self.session.execute(
                update(t)
                .where(t.c.id == row.id)
                .values(
                    subject=subject,
                    sender_name=name,
                    body=body,
                    search=f"{subject}\n{body}".lower(),
                    message=_text_only(row.message, subject, name, body),
                    attachments="[]",
                )
            )
        return touched

    async def _forget_in_mails(self, words: list[str]) -> int:
        d = orm.deliveries
        rows = await self.session.execute(select(d.c.id, d.c.status, d.c.subject, d.c.summary, d.c.message))
        touched = 0
        for row in rows.all():
            if not (
                _names_in_mail(row.message, words) or names_any(row.subject, words) or names_any(row.summary, words)
            ):
                continue
            touched += 1
            if row.status == "pending":
                await self.session.execute(delete(d).where(d.c.id == row.id))
            else:
                values = {"message": None, "subject": without(row.subject, words), "summary": None}
                await self.session.execute(update(d).where(d.c.id == row.id).values(**values))
        return touched


def _names_in_mail(message: bytes | None, words: list[str]) -> bool:
    """Whether a stored mail names one of `words`: in its bytes, or in its decoded headers and text parts (a name
    with umlauts is encoded in a header, a body may be quoted-printable or base64)."""
    if not message:
        return False
    raw = bytes(message)
    if names_any(raw.decode("utf-8", "replace"), words):
        return True
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    texts = [str(v) for v in parsed.values()]
    for part in parsed.walk():
        if part.get_content_maintype() == "text":
            try:
                texts.append(part.get_content())
            except (LookupError, ValueError):  # an unknown charset: its bytes were searched above
                continue
    return any(names_any(t, words) for t in texts)


def _text_only(message: bytes, subject: str, name: str, body: str) -> bytes:
    """A kept post rebuilt from its cleaned text: the headers that name nobody, the text, no attachments."""
    old = email.message_from_bytes(bytes(message), policy=email.policy.default)
    new = email.message.EmailMessage(policy=email.policy.SMTP)
    for header in ("Date", "Message-ID", "In-Reply-To", "References"):
        if old.get(header):
            new[header] = str(old[header])
    senders = getattr(old["From"], "addresses", ()) if old.get("From") else ()
    new["From"] = Address(name, addr_spec=senders[0].addr_spec if senders else "unbekannt@invalid")
    new["Subject"] = subject
    new.set_content(body)
    return bytes(new)


def _is(column: Any, address: str) -> Any:
    return func.lower(column) == address


def _names(address: str) -> Any:
    """An audit row whose detail mentions the address (an address change, a moderator's note), in any case."""
    return func.lower(orm.audit.c.detail).contains(address.casefold(), autoescape=True)


__all__ = ["ListRepository", "Store"]
