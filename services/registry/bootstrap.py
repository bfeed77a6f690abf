"""Composition root of the registry service: the only place its parts are wired together."""

from __future__ import annotations

from services.registry.adapters import orm, retention
from services.registry.adapters.demo import load_demo_data
from services.registry.adapters.unit_of_work import RegistryUnitOfWork
from services.registry.config import RegistrySettings
from services.registry.entrypoints import wiring
from services.registry.service_layer.published import Published
from shared.service import ServiceApp, run_service


def bootstrap(settings: RegistrySettings | None = None) -> ServiceApp:
    settings = settings or RegistrySettings()
    app = ServiceApp.assemble("registry", settings, orm.messaging)

    published = Published()
    fingerprint_key = settings.fingerprints()

    def uow() -> RegistryUnitOfWork:
        return RegistryUnitOfWork(
            app.database,
            orm.messaging,
            on_commit=app.relay.wake,
            changed=published.clear,
            clock=app.clock,
            fingerprint_key=fingerprint_key,
        )

    wiring.register(app, uow, app.clock, published)
    app.retention += retention.rules(
        app.database,
        uow,
        survey_answer_days=settings.retention_survey_answer_days,
        audit_days=settings.retention_audit_days,
    )
    if settings.demo_data:
        app.on_started.append(lambda: load_demo_data(uow, app.clock.today()))
    return app


def main() -> None:
    run_service(bootstrap())
