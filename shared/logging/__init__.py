"""structlog, configured once per process: console in development, JSON otherwise.

`correlation_id` and friends are bound per message with `bound_contextvars`, so every
line a handler logs can be followed across services. structlog itself (and the rich it pulls in, 0.1 s) is
loaded on the first line logged, not when a module asks for its logger: code that never logs (the unit tests of
the domains and service layers) never pays for it.
"""

from __future__ import annotations

import logging
import sys
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import structlog

__all__ = ["bound_contextvars", "configure_logging", "get_logger"]


def configure_logging(service: str, *, json: bool, level: str = "INFO") -> None:
    import structlog

    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    shared_processors = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared_processors, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)
    # Libraries log through the standard library; keep them quiet and on stderr.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")


def bound_contextvars(**values: Any) -> AbstractContextManager[None]:
    from structlog.contextvars import bound_contextvars as bound

    return bound(**values)


class _Logger:
    """structlog's logger for `name`, fetched on the first call (structlog's own proxy does the rest)."""

    __slots__ = ("_logger", "_name")

    def __init__(self, name: str | None) -> None:
        self._name, self._logger = name, None

    def __getattr__(self, attribute: str) -> Any:
        if self._logger is None:
            import structlog

            self._logger = structlog.get_logger(self._name)
        return getattr(self._logger, attribute)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return _Logger(name)  # type: ignore[return-value]
