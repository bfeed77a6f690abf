"""Aggregates stored as their snapshot (JSON) with a version for optimistic concurrency.

A service subclasses `SnapshotRepository` with its table and two functions (aggregate → dict,
dict → aggregate). Loaded aggregates are tracked; `flush` writes only what changed, and only
onto the version that was loaded, so concurrent changes conflict instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import JSON, Column, Integer, MetaData, String, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import DomainError

A = TypeVar("A")


class ConcurrentChange(DomainError):
    """Another transaction changed the aggregate since it was loaded; the caller may retry."""

    code = "gleichzeitig_geaendert"


def version_column() -> Column:
    return Column("version", Integer, nullable=False)


class SnapshotRepository(Generic[A]):
    table: ClassVar[Table]
    to_data: Callable[[A], dict]
    from_data: Callable[[dict], A]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.seen: dict[str, tuple[A, dict | None, int]] = {}  # id -> (aggregate, data as loaded, version)
        self.absent: set[str] = set()  # ids looked up and not stored

    def _columns(self, item: A, data: dict) -> dict[str, Any]:
        """Indexed columns stored beside the snapshot (override per aggregate)."""
        return {}

    def items(self) -> list[A]:
        return [item for item, _, _ in self.seen.values()]

    def _track(self, row: Any) -> A:
        if row.id not in self.seen:
            self.seen[row.id] = (type(self).from_data(row.data), row.data, row.version)
        return self.seen[row.id][0]

    async def get(self, id: str) -> A | None:
        if id in self.seen:
            return self.seen[id][0]
        if id in self.absent:
            return None
        row = (await self.session.execute(select(self.table).where(self.table.c.id == id))).first()
        return self._track(row) if row else None

    async def preload(self, ids: Iterable[str]) -> None:
        """Load these aggregates with one query, so that `get` finds them (or knows they are absent)."""
        wanted = {i for i in ids if i not in self.seen and i not in self.absent}
        ordered = sorted(wanted)
        for chunk in (ordered[i : i + 500] for i in range(0, len(ordered), 500)):  # below SQLite's variable limit
            for row in await self.session.execute(select(self.table).where(self.table.c.id.in_(chunk))):
                self._track(row)
        self.absent |= wanted - self.seen.keys()

    async def add(self, item: A) -> None:
        self.seen[item.id] = (item, None, 0)

    async def put(self, item: A) -> None:
        """Store `item` in place of the aggregate with its id (for immutable aggregates); load first."""
        if item.id in self.seen:
            _, loaded, version = self.seen[item.id]
            self.seen[item.id] = (item, loaded, version)
        else:
            await self.add(item)

    async def list(self, **filters: Any) -> list[A]:
        query = select(self.table)
        for column, value in filters.items():
            if value is not None:
                query = query.where(self.table.c[column] == value)
        return [self._track(row) for row in await self.session.execute(query)]

    async def flush(self) -> None:
        new_rows = []
        for item, loaded, version in list(self.seen.values()):
            data = type(self).to_data(item)
            if data == loaded:
                continue
            values = {"data": data, "version": version + 1, **self._columns(item, data)}
            if loaded is None:
                new_rows.append({"id": item.id, **values})
            else:
                t = self.table
                changed = await self.session.execute(
                    update(t).where(t.c.id == item.id, t.c.version == version).values(**values)
                )
                if changed.rowcount != 1:
                    name = getattr(item, "name", item.id)
                    raise ConcurrentChange(f"„{name}“ wurde gerade gleichzeitig geändert; bitte erneut versuchen.")
            self.seen[item.id] = (item, data, version + 1)
        if new_rows:  # one statement for all new aggregates (executemany)
            await self.session.execute(insert(self.table), new_rows)
            self.absent -= {row["id"] for row in new_rows}


def snapshot_table(name: str, metadata: MetaData, *columns: Column) -> Table:
    """A table for aggregates stored as snapshots: id, the indexed `columns`, the JSON data, a version."""
    return Table(
        name,
        metadata,
        Column("id", String(64), primary_key=True),
        *columns,
        Column("data", JSON, nullable=False),
        version_column(),
    )
