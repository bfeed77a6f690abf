"""The blocked addresses a service keeps (issue 18): fingerprints of people who objected (Art. 21 GDPR, "löschen und
sperren"), learnt from the mailing service's `PersonErasedV1` with `blocked`. Never the address itself.

The registry and action planning each keep their own table (`blocked_addresses`, one migration each) and ask it
before they take an address in: a coordinator, a survey recipient, a participant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Column, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from shared import privacy
from shared.db.types import UtcDateTime

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
DEV_KEY = privacy.DEV_KEY  # the settings' development default: tests and `make dev`


def blocked_addresses_table(metadata: MetaData) -> Table:
    return Table(
        "blocked_addresses",
        metadata,
        Column("fingerprint", String(64), primary_key=True),
        Column("blocked_at", UtcDateTime(), nullable=False),
    )


class BlockedAddresses:
    """Which addresses may not be taken in; the key is `shared.privacy.fingerprint_key` of the service's secret."""

    def __init__(self, session: AsyncSession, table: Table, key: bytes) -> None:
        self.session, self.table, self.key = session, table, key

    def fingerprint(self, address: str) -> str:
        return privacy.fingerprint(address, self.key)

    async def block(self, fingerprint: str, at: datetime) -> None:
        insert = _INSERT[self.session.get_bind().dialect.name]
        await self.session.execute(
            insert(self.table).values(fingerprint=fingerprint, blocked_at=at).on_conflict_do_nothing()
        )

    async def among(self, addresses: Iterable[str]) -> set[str]:
        """The given addresses (as given) that are blocked."""
        prints = {a: privacy.fingerprint(a, self.key) for a in addresses if a and a.strip()}
        if not prints:
            return set()
        query = select(self.table.c.fingerprint).where(self.table.c.fingerprint.in_(set(prints.values())))
        found = set((await self.session.execute(query)).scalars())
        return {a for a, fingerprint in prints.items() if fingerprint in found}

    async def holds(self, address: str) -> bool:
        return bool(await self.among([address]))
