"""The public directory as rendered documents, kept until the register changes.

Rendering 10,000 offices takes far longer than answering from memory, and the directory is read much
more often than it changes. Every commit of the registry clears what is kept; a request that finds
nothing renders once, and requests arriving meanwhile wait for that same rendering.

What is kept is bounded twice, least recently used first out: by entries (any state may be asked for,
and every day is a new key) and by the characters of the rendered documents. Holding every page of
10,000 offices took the registry from 94 to 296 MB (BENCHMARKS.md); a larger register would grow on.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


def size_of(value: Any) -> int:
    """The characters a kept value holds: a rendered document's content; other values count nothing."""
    content = getattr(value, "content", None)
    return len(content) if isinstance(content, (str, bytes)) else 0


class Published:
    def __init__(self, most: int = 2000, most_chars: int = 48_000_000) -> None:
        self._documents: OrderedDict[Hashable, asyncio.Task] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self._most, self._most_chars = most, most_chars
        self.held = 0  # characters of the documents kept now

    def clear(self) -> None:
        self._documents.clear()  # a rendering still running serves those who asked before the change
        self._sizes.clear()
        self.held = 0

    def __len__(self) -> int:
        return len(self._documents)

    async def get(self, key: Hashable, render: Callable[[], Awaitable[Any]]) -> Any:
        task = self._documents.get(key)
        if task is None:
            task = self._documents[key] = asyncio.ensure_future(render())
            task.add_done_callback(lambda done: self._kept(key, done))
            self._evict(keep=key)
        else:
            self._documents.move_to_end(key)
        try:
            return await asyncio.shield(task)
        except Exception:
            if self._documents.get(key) is task:
                self._drop(key)  # a failure is not kept
            raise

    async def answer(self, question: tuple, day: object, compute: Callable[[], Awaitable[Any]]) -> Any:
        """A whole query answer kept like a page: until the next commit, and per `day` (answers may name dates)."""
        return await self.get(("antwort", *question, day), compute)

    def _kept(self, key: Hashable, task: asyncio.Task) -> None:
        if self._documents.get(key) is not task or task.cancelled() or task.exception() is not None:
            return
        self._sizes[key] = size_of(task.result())
        self.held += self._sizes[key]
        self._evict(keep=key)

    def _evict(self, keep: Hashable) -> None:
        while len(self._documents) > 1 and (len(self._documents) > self._most or self.held > self._most_chars):
            oldest = next(iter(self._documents))
            if oldest == keep:
                self._documents.move_to_end(keep)
                continue
            self._drop(oldest)

    def _drop(self, key: Hashable) -> None:
        self._documents.pop(key, None)
        self.held -= self._sizes.pop(key, 0)
