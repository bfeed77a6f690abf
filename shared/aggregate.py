"""Aggregates record what happened as events that carry a snapshot of themselves (pure Python)."""

from __future__ import annotations

import copy
from typing import Any


class Recording:
    events: list[Any]

    def snapshot(self) -> Any:
        clone = copy.copy(self)
        clone.events = []
        return clone

    def _record(self, event_type: type, **details: object) -> None:
        self.events.append(event_type(self.snapshot(), **details))
