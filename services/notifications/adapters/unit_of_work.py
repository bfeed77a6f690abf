"""The notifications unit of work: lists, members, deliveries, inbox and outgoing events in one transaction."""

from __future__ import annotations

from collections.abc import Callable

from services.notifications.adapters.store import ListRepository, Store
from services.notifications.domain import events as ev
from shared.contracts import notifications as c
from shared.db.unit_of_work import SqlAlchemyUnitOfWork


def _contract(event: object):  # noqa: ANN202
    if isinstance(event, ev.PersonErased):
        return c.PersonErasedV1(fingerprint=event.fingerprint, blocked=event.blocked)  # no address: it would leak
    m = event.mailing_list
    return c.ListCreatedV1(
        list_id=m.id,
        name=m.name,
        policy=m.policy,
        group_id=m.group_id,
        status=m.status,
        description=m.description,
        welcome_text=m.welcome_text,
    )


class NotificationsUnitOfWork(SqlAlchemyUnitOfWork):
    after_commit: Callable[[], None] = staticmethod(lambda: None)

    def _start(self) -> None:
        self.lists = ListRepository(self.session)
        self.store = Store(self.session)
        self._emitted: list[object] = []

    def emit(self, event: object) -> None:
        self._emitted.append(event)

    async def commit(self) -> None:
        await self.lists.flush()
        emitted, self._emitted = self._emitted, []
        for event in emitted:
            await self.publish_event(_contract(event))
        await super().commit()
        self.after_commit()  # wake the delivery worker: new rows may be waiting
