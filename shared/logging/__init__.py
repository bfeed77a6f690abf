"""structlog, configured once per process: console in development, JSON otherwise.

`correlation_id` and friends are bound per message with `bound_contextvars`, so every
line a handler logs can be followed across services.
"""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.contextvars import bound_contextvars, merge_contextvars

__all__ = ["bound_contextvars", "configure_logging", "get_logger"]


def configure_logging(service: str, *, json: bool, level: str = "INFO") -> None:
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    shared_processors = [
        merge_contextvars,
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


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
