"""The people and groups of issue 15's browser tests: three regional groups of Saxony with their coordinators, the
board's list and a board member, made once in the package's system (whichever test comes first makes them).

Groups are formed in the registry as the registry journey does it (FORM_GROUP; Chemnitz first without a coordinator,
who is named afterwards with CHANGE_COORDINATOR); action planning and the mailing service learn of them from the
registry's events, so `regional_groups` waits until both know all three.
"""

from __future__ import annotations

import time

from shared.contracts import events as e
from shared.contracts import notifications as n
from shared.contracts import registry as r
from shared.db import make_database
from tests.browser.support import System

COORDINATORS = {
    "Vogtland": "kathrin.vogtland@example.org",
    "Erzgebirge": "wolfgang.erzgebirge@example.org",
    "Chemnitz": "susann.chemnitz@example.org",
}
SLUGS = {"Vogtland": "vogtland", "Erzgebirge": "erzgebirge", "Chemnitz": "chemnitz"}
BOARD = "vorstand.lage@example.org"  # a member of the Landesvorstand (a grant in the gateway, the board's list)
ADMIN = "landesbuero@beratungsnetz.example"  # the gateway's admin_address: always Landesgeschäftsstelle
BOARD_LIST = "Landesvorstand"  # the mailing service's board list (BOARD_LIST "landesvorstand"): reports, progress


def grant(system: System, address: str, role: str) -> None:
    """A board ("vorstand") or state-office ("verwaltung") grant, as /verwaltung/zugaenge gives one: written
    through the gateway's own SessionStore into its database (the gateway reads roles fresh on every request)."""
    from services.gateway.adapters.sessions import SessionStore

    async def give() -> None:
        database = make_database(f"sqlite+aiosqlite:///{system.logs / 'gateway.sqlite3'}")
        try:
            store = SessionStore(database)
            if role not in await store.roles_of(address):
                await store.grant(address, role, ADMIN, system.clock.now())
        finally:
            await database.dispose()

    system.nats.run(give())


def regional_groups(system: System) -> dict[str, str]:
    """Vogtland, Erzgebirge and Chemnitz with their coordinators, the board's list and the board member;
    made once, then the same for every test. Returns group name → group id."""
    known = {g.name: g for g in system.ask(r.GROUPS, r.ListQuery()).groups}
    ids = {}
    for name, coordinator in COORDINATORS.items():
        if name in known:
            ids[name] = known[name].group_id
            continue
        person = r.CoordinatorInput(name=f"Koordination {name}", email=coordinator)
        if name == "Chemnitz":  # formed first without, the coordinator named later
            formed = system.ask(r.FORM_GROUP, r.FormGroup(name=name, state="SN"))
            system.ask(r.CHANGE_COORDINATOR, r.ChangeCoordinator(group_id=formed.group_id, coordinator=person))
        else:
            formed = system.ask(r.FORM_GROUP, r.FormGroup(name=name, state="SN", coordinator=person))
        ids[name] = formed.group_id
    if not any(x.name == BOARD_LIST for x in system.ask(n.LISTS, n.ListsQuery()).lists):
        system.new_list(BOARD_LIST, policy="moderiert", owner_address=BOARD, owner_name="Landesvorstand")
    grant(system, BOARD, "vorstand")

    deadline = time.monotonic() + 15
    while True:  # action planning and the group lists follow the registry's events
        planning = {g.group_id: g for g in system.ask(e.GROUPS, e.GroupsQuery()).groups}
        lists = {x.group_id for x in system.ask(n.LISTS, n.ListsQuery()).lists}
        if all(planning.get(i) is not None and i in lists for i in ids.values()):
            return ids
        assert time.monotonic() < deadline, "die Regionalgruppen kamen im Aktionsdienst oder Verteiler nicht an"
        time.sleep(0.1)
