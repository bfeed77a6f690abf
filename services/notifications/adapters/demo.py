"""Demo lists from the seeds: LAG Hartz IV Sachsen, the state board, the counsellors' network."""

from __future__ import annotations

from services.notifications.domain.commands import CreateList
from services.notifications.service_layer import handlers
from services.notifications.service_layer.ports import Deps

LISTS = [
    ("LAG Hartz IV Sachsen", "lag-hartz-iv-sachsen", "bestaetigen_und_moderiert", ("kathrin@example.org", "Kathrin")),
    ("Landesvorstand", "landesvorstand", "moderiert", ("landesbuero@example.org", "Landesbüro")),
    (
        "Berater:innen-Netzwerk",
        "berater-innen-netzwerk",
        "bestaetigen_und_moderiert",
        ("wolfgang@example.org", "Wolfgang"),
    ),
]


async def load_demo_lists(deps: Deps) -> None:
    async with deps.uow() as uow:
        if await uow.lists.list():
            return
    for name, list_id, policy, owner in LISTS:
        await handlers.handle(
            CreateList(name, policy, owner_address=owner[0], owner_name=owner[1], list_id=list_id), deps
        )
