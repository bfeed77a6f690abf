"""The one way this project retries in-process: growing pauses, through tenacity.

Waiting for NATS after a reboot, for a stream its producer has not declared yet, for a JetStream
leader a cluster is still electing, for the relay's next try during an outage: each is a
`RetryPolicy` built from the settings (`ServiceSettings.retry()`), never a loop of its own.
A mail's next try is a different thing: a delivery row's schedule, kept in the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt, stop_never
from tenacity.wait import wait_exponential

from shared.logging import get_logger

log = get_logger(__name__)

Sleep = Callable[[float], Awaitable[Any]]


@dataclass(frozen=True)
class RetryPolicy:
    first_wait: float  # seconds before the second try; each pause doubles ...
    max_wait: float  # ... up to this
    attempts: int  # what may fail for good gives up after this many tries
    sleep: Sleep = asyncio.sleep  # a unit test passes one that only records the pauses

    def bounded(self, *errors: type[BaseException], event: str, **fields: object) -> AsyncRetrying:
        """Retry on `errors` up to `attempts` tries, then raise the last error as it was."""
        return self._retrying(errors, stop_after_attempt(self.attempts), event, fields)

    def forever(
        self, *errors: type[BaseException], event: str, level: str = "warning", **fields: object
    ) -> AsyncRetrying:
        """Retry on `errors` until it works: for what only ever waits (NATS away, a stream not there yet).
        Where waiting is expected, not a fault, `level="info"` keeps it out of the warnings."""
        return self._retrying(errors, stop_never, event, fields, level)

    def _retrying(
        self, errors: tuple, stop: Any, event: str, fields: dict[str, object], level: str = "warning"
    ) -> AsyncRetrying:
        say = getattr(log, level)

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            say(event, error=repr(error), attempt=state.attempt_number, retry_in=state.upcoming_sleep, **fields)

        return AsyncRetrying(
            sleep=self.sleep,
            stop=stop,
            wait=wait_exponential(multiplier=self.first_wait, max=self.max_wait),
            retry=retry_if_exception_type(errors),
            before_sleep=before_sleep,
            reraise=True,
        )
