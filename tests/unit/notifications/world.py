"""The fake world the mailing-list rules run in: the handlers over the fake unit of work, a held clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.notifications.domain import commands
from services.notifications.domain.lists import Member, Request
from services.notifications.domain.tokens import Signer
from services.notifications.service_layer.handlers import handle
from services.notifications.service_layer.ports import Deps
from shared.clock import Clock
from tests.unit.notifications.fakes import FakeComposer, FakeUnitOfWork

SECRET = b"ein-schluessel-nur-fuer-tests"
OWNER, OFFICE = "kathrin@example.org", "landesbuero@example.org"


class StoppedClock:
    """The test clock, held still: a rule's timestamps can be compared exactly."""

    def __init__(self, start: Clock) -> None:
        self.moment = start.now()

    def now(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


@dataclass
class World:
    deps: Deps
    uow: FakeUnitOfWork
    composer: FakeComposer
    clock: StoppedClock

    async def __call__(self, cmd: object) -> object:
        return await handle(cmd, self.deps)

    def mails(self, to: str, kind: str | None = None) -> list[dict]:
        rows = self.uow.committed.deliveries
        return [r for r in rows if r["recipient"] == to and (kind is None or r["kind"] == kind)]

    def link(self, to: str, kind: str) -> str:
        """The token in the link of the last mail of `kind` to `to`."""
        made = [m for m in self.composer.made if m["to_address"] == to and m["kind"] == kind][-1]
        return made["unsubscribe_token"] if kind == "willkommen" else made["context"]["link"].split("token=")[1]

    def member(self, list_id: str, address: str) -> Member | None:
        return self.uow.committed.members.get((list_id, address))

    def requests(self) -> list[Request]:
        return list(self.uow.committed.requests.values())


def make_world(clock: Clock) -> World:
    uow, composer, clock = FakeUnitOfWork(), FakeComposer(), StoppedClock(clock)
    deps = Deps(uow, composer, lambda action, stamp: b"", Signer(SECRET), clock.now, SECRET, "https://bn.example")
    return World(deps, uow, composer, clock)


async def a_list(world: World, policy: str, list_id: str = "liste") -> str:
    await world(commands.CreateList("Liste", policy, owner_address=OWNER, owner_name="Kathrin", list_id=list_id))
    return list_id
