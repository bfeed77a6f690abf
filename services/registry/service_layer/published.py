"""The public directory as rendered documents, kept until the register changes.

Rendering 10,000 offices takes far longer than answering from memory, and the directory is read much
more often than it changes. Every commit of the registry clears what is kept; a request that finds
nothing renders once, and requests arriving meanwhile wait for that same rendering.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


class Published:
    def __init__(self, most: int = 2000) -> None:
        self._documents: dict[Hashable, asyncio.Task] = {}
        self._most = most  # bounded: any state may be asked for, and every day is a new key

    def clear(self) -> None:
        self._documents.clear()  # a rendering still running serves those who asked before the change

    async def get(self, key: Hashable, render: Callable[[], Awaitable[Any]]) -> Any:
        task = self._documents.get(key)
        if task is None:
            if len(self._documents) >= self._most:
                self.clear()
            task = self._documents[key] = asyncio.ensure_future(render())
        try:
            return await asyncio.shield(task)
        except Exception:
            if self._documents.get(key) is task:
                del self._documents[key]  # a failure is not kept
            raise
