"""How often something may be asked within a window, per key (an address, a client's IP), in memory.

In memory is enough: one gateway process serves the pages, and a restart only forgets a quarter hour.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta


class RateLimit:
    def __init__(self, limit: int, window: timedelta) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, deque[datetime]] = {}

    def allow(self, key: str, now: datetime) -> bool:
        """Counts this attempt if it is allowed; False once `limit` attempts lie within the window."""
        seen = self._seen.setdefault(key, deque())
        while seen and now - seen[0] >= self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return False
        seen.append(now)
        if len(self._seen) > 10_000:  # forget keys whose attempts all lie in the past
            for stale in [k for k, v in self._seen.items() if not v or now - v[-1] >= self.window]:
                del self._seen[stale]
        return True
