"""The `world` fixture of the mailing-list rules (tests/unit/notifications/world.py)."""

from __future__ import annotations

import pytest

from shared.clock import Clock
from tests.unit.notifications.world import World, make_world


@pytest.fixture
def world(clock: Clock) -> World:
    return make_world(clock)
