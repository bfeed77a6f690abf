"""In-memory twins of `shared.db.snapshots.SnapshotRepository` and `SqlAlchemyUnitOfWork`.

They behave as the real ones do, which tests/integration/test_repository_contracts.py checks on the
fake, on SQLite and on PostgreSQL: a unit of work works on copies of what is stored; `commit` stores
them (and publishes the events the aggregates recorded), leaving the unit without committing forgets
them; `list` filters on what is stored; two units that change the same aggregate conflict.

Outside a unit of work, `add`/`put` store at once and `get`/`list` read what is stored: that is how
unit tests set the scene and look at the outcome.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar, Generic, Self, TypeVar

A = TypeVar("A")


def _without_events(item: A) -> A:
    clone = copy.deepcopy(item)
    if hasattr(clone, "events"):
        object.__setattr__(clone, "events", [])  # frozen replicas too: a stored state records nothing
    return clone


def _state(item: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(item).items() if k != "events"}


class FakeRepository(Generic[A]):
    columns: ClassVar[dict[str, Callable[[Any], Any]]] = {}  # what `list` may filter on, like indexed columns
    stored: ClassVar[tuple[str, ...]] = ("rows", "_versions")  # what two units of one store share

    def __init__(self) -> None:
        self.rows: dict[str, A] = {}  # what is stored (committed)
        self._versions: dict[str, int] = {}
        self._seen: dict[str, tuple[A, A | None, int]] | None = None  # open unit: id -> (item, as loaded, version)
        self._cleared = False

    # -- the unit of work's side
    def share(self, other: FakeRepository[A]) -> None:
        """Work on what `other` stores (a second unit of work on the same database)."""
        for name in type(self).stored:
            setattr(self, name, getattr(other, name))

    def begin(self) -> None:
        self._seen, self._cleared = {}, False

    def end(self) -> None:
        self._seen, self._cleared = None, False

    def tracked(self) -> list[A]:
        """The aggregates the open unit loaded or added (`SnapshotRepository.items`)."""
        return [item for item, _, _ in (self._seen or {}).values()]

    def check(self) -> None:
        """Refuse what the database would refuse, before anything is written."""
        stored = {} if self._cleared else self._versions
        for id, (item, loaded, version) in (self._seen or {}).items():
            if loaded is None and id in stored:
                from sqlalchemy.exc import IntegrityError  # imported on this path only: unit tests stay light

                raise IntegrityError("INSERT", {"id": id}, Exception(f"{id} ist schon gespeichert"))
            if loaded is not None and _state(item) != _state(loaded) and stored.get(id) != version:
                from shared.db.snapshots import ConcurrentChange

                name = getattr(item, "name", id)
                raise ConcurrentChange(f"„{name}“ wurde gerade gleichzeitig geändert; bitte erneut versuchen.")

    def write(self) -> None:
        if self._cleared:
            self.rows.clear()
            self._versions.clear()
            self._cleared = False
        for id, (item, loaded, version) in list((self._seen or {}).items()):
            if loaded is not None and _state(item) == _state(loaded):
                continue
            self._store(item, version + 1)
            self._seen[id] = (item, self.rows[id], version + 1)  # type: ignore[index]

    def _store(self, item: A, version: int) -> None:
        self.rows[item.id] = _without_events(item)  # type: ignore[attr-defined]
        self._versions[item.id] = version  # type: ignore[attr-defined]

    # -- the handlers' side
    async def get(self, id: str) -> A | None:
        if self._seen is None:
            return self.rows.get(id)
        if id not in self._seen:
            stored = None if self._cleared else self.rows.get(id)
            if stored is None:
                return None
            self._seen[id] = (_without_events(stored), stored, self._versions[id])
        return self._seen[id][0]

    async def add(self, item: A) -> None:
        if self._seen is None:
            self._store(item, self._versions.get(item.id, 0) + 1)  # type: ignore[attr-defined]
        else:
            self._seen[item.id] = (item, None, 0)  # type: ignore[attr-defined]

    async def put(self, item: A) -> None:
        """Store `item` in place of the aggregate with its id (for immutable aggregates); load first."""
        if self._seen is not None and item.id in self._seen:  # type: ignore[attr-defined]
            _, loaded, version = self._seen[item.id]  # type: ignore[attr-defined]
            self._seen[item.id] = (item, loaded, version)  # type: ignore[attr-defined]
        else:
            await self.add(item)

    async def _list(self, **filters: Any) -> list[A]:
        stored = {} if self._cleared else self.rows
        wanted = [
            id
            for id, item in stored.items()
            if all(value is None or type(self).columns[column](item) == value for column, value in filters.items())
        ]
        return [item for id in wanted if (item := await self.get(id)) is not None]

    async def clear(self) -> None:
        if self._seen is None:
            self.rows.clear()
            self._versions.clear()
        else:
            self._seen.clear()
            self._cleared = True


class FakeUnitOfWork:
    """One transaction at a time over the fake repositories; `published` holds the committed events."""

    stored: ClassVar[tuple[str, ...]] = ("published", "forgotten")  # what `twin` shares besides the repositories

    def __init__(self, *repositories: FakeRepository[Any]) -> None:
        self._repositories = repositories
        self.published: list[object] = []  # events of committed units, in order
        self.forgotten: list[tuple[list[str], datetime]] = []  # erasure words handed to the messaging tables
        self.commits = 0
        self._emitted: list[object] = []

    def twin(self) -> Self:
        """Another unit of work on the same store, as two requests on one database."""
        other = type(self)()
        for mine, theirs in zip(self._repositories, other._repositories, strict=True):
            theirs.share(mine)
        for name in type(self).stored:
            setattr(other, name, getattr(self, name))
        return other

    async def __aenter__(self) -> Self:
        for repo in self._repositories:
            repo.begin()
        self._emitted = []
        self._begin()
        return self

    def _begin(self) -> None:
        """Hook for a service's own transactional state."""

    async def __aexit__(self, *exc_info: object) -> None:
        for repo in self._repositories:  # what was not committed is forgotten, as by a rollback
            repo.end()
        self._emitted = []
        self._begin()

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    async def forget_person(self, words: list[str], now: datetime) -> int:
        """What the real one deletes from the outbox and scrubs from the streams later: recorded."""
        self.forgotten.append((sorted(words), now))
        return 0

    def _collect_events(self) -> list[object]:
        collected, self._emitted = self._emitted, []
        return collected

    async def commit(self) -> None:
        events = self._collect_events()
        for repo in self._repositories:
            repo.check()
        for repo in self._repositories:
            repo.write()
        self._commit()
        self.published.extend(events)
        self.commits += 1

    def _commit(self) -> None:
        """Hook for a service's own transactional state."""
