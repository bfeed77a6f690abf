"""Composition root of the registry service: the only place its parts are wired together."""

from __future__ import annotations

from services.registry import entrypoints
from services.registry.adapters import orm
from services.registry.config import RegistrySettings
from shared.service import ServiceApp, run_service


def bootstrap(settings: RegistrySettings | None = None) -> ServiceApp:
    app = ServiceApp.assemble("registry", settings or RegistrySettings(), orm.messaging)
    entrypoints.register(app)
    return app


def main() -> None:
    run_service(bootstrap())
