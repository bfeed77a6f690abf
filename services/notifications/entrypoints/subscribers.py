"""Events from the registry and action planning that become lists and mails here."""

from __future__ import annotations

from typing import Any

from services.notifications.service_layer import incoming
from services.notifications.service_layer.ports import Deps
from shared.contracts import events, registry
from shared.service import ServiceApp

ROUTES = {
    incoming.on_registry_group: (
        registry.GroupFormedV1,
        registry.GroupRenamedV1,
        registry.CoordinatorChangedV1,
        registry.GroupsMergedV1,
        registry.GroupDissolvedV1,
    ),
    incoming.on_office_registered: (registry.OfficeRegisteredV1,),
    incoming.on_action: (events.GroupsInvitedV1, events.ActionConfirmedV1, events.ActionCancelledV1),
    incoming.on_work_item: (events.ReminderDueV1, events.WorkItemOverdueV1),
    incoming.on_progress: (events.ProgressCompiledV1,),
}


def register(app: ServiceApp, deps: Deps) -> None:
    for handler, payloads in ROUTES.items():
        for payload in payloads:
            app.consume(payload, _bound(handler, deps))


def _bound(handler, deps: Deps):  # noqa: ANN001, ANN202
    async def handle(envelope: Any) -> None:
        await handler(deps, envelope)

    return handle
