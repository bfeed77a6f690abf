"""The one retry policy, built from the settings: pauses grow up to a limit, bounded tries give up.

The policy's sleep is replaced by one that only records the pauses, so nothing here waits.
"""

from __future__ import annotations

import dataclasses

import pytest

from shared.retry import RetryPolicy
from shared.settings import ServiceSettings


class NotYet(Exception):
    pass


def recorded(settings: ServiceSettings) -> tuple[RetryPolicy, list[float]]:
    pauses: list[float] = []

    async def sleep(seconds: float) -> None:
        pauses.append(seconds)

    return dataclasses.replace(settings.retry(), sleep=sleep), pauses


def failing(times: int, error: type[Exception] = NotYet) -> tuple[list[int], object]:
    tries: list[int] = []

    async def action() -> str:
        tries.append(len(tries) + 1)
        if len(tries) <= times:
            raise error(f"Versuch {len(tries)}")
        return "geschafft"

    return tries, action


async def test_bounded_retry_gives_up_after_the_configured_attempts_with_the_last_error() -> None:
    policy, pauses = recorded(ServiceSettings(retry_first_seconds=0.1, retry_max_seconds=0.5, retry_attempts=5))
    tries, action = failing(times=100)
    with pytest.raises(NotYet, match="Versuch 5"):
        async for attempt in policy.bounded(NotYet, event="test.retry"):
            with attempt:
                await action()
    assert tries == [1, 2, 3, 4, 5]
    assert pauses == [0.1, 0.2, 0.4, 0.5]  # doubling, capped at retry_max_seconds


async def test_forever_retries_until_it_works_and_pauses_never_exceed_the_limit() -> None:
    policy, pauses = recorded(ServiceSettings(retry_first_seconds=0.2, retry_max_seconds=5.0, retry_attempts=2))
    tries, action = failing(times=9)
    async for attempt in policy.forever(NotYet, event="test.retry"):
        with attempt:
            result = await action()
    assert result == "geschafft" and len(tries) == 10  # far beyond retry_attempts: forever means forever
    assert pauses == pytest.approx([0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0, 5.0])


async def test_an_error_not_named_is_raised_at_once() -> None:
    policy, pauses = recorded(ServiceSettings())
    tries, action = failing(times=1, error=KeyError)
    with pytest.raises(KeyError):
        async for attempt in policy.forever(NotYet, event="test.retry"):
            with attempt:
                await action()
    assert tries == [1] and pauses == []


async def test_the_defaults_give_a_cluster_about_fifty_seconds_to_elect_its_leader() -> None:
    policy, pauses = recorded(ServiceSettings())
    tries, action = failing(times=100)
    with pytest.raises(NotYet):
        async for attempt in policy.bounded(NotYet, event="test.retry"):
            with attempt:
                await action()
    assert len(tries) == ServiceSettings().retry_attempts == 15
    assert pauses[0] == 0.2 and max(pauses) == 5.0 and pauses == sorted(pauses)
    assert 45 <= sum(pauses) <= 60
