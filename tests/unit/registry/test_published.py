"""The kept directory documents: rendered once, least recently used out, bounded by entries and by characters."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from services.registry.service_layer.published import Published


@dataclass
class Document:
    content: str


def renderer(rendered: list[str], size: int = 10):
    def render(key: str):
        async def go() -> Document:
            rendered.append(key)
            return Document("x" * size)

        return go

    return render


async def test_a_kept_page_is_not_rendered_again_until_the_register_changes() -> None:
    rendered: list[str] = []
    published, render = Published(), renderer(rendered)
    assert (await published.get("p1", render("p1"))).content == "x" * 10
    await published.get("p1", render("p1"))
    assert rendered == ["p1"]
    published.clear()
    await published.get("p1", render("p1"))
    assert rendered == ["p1", "p1"]


async def test_requests_meanwhile_wait_for_the_same_rendering() -> None:
    rendered: list[str] = []
    published, render = Published(), renderer(rendered)
    await asyncio.gather(*(published.get("p1", render("p1")) for _ in range(5)))
    assert rendered == ["p1"]


async def test_the_least_recently_used_page_leaves_when_too_many_are_kept() -> None:
    rendered: list[str] = []
    published, render = Published(most=3), renderer(rendered)
    for key in ("p1", "p2", "p3"):
        await published.get(key, render(key))
    await published.get("p1", render("p1"))  # p1 used again: p2 is now the oldest
    await published.get("p4", render("p4"))
    assert len(published) == 3
    await published.get("p1", render("p1"))
    await published.get("p2", render("p2"))
    assert rendered == ["p1", "p2", "p3", "p4", "p2"]


async def test_kept_characters_stay_under_their_bound() -> None:
    rendered: list[str] = []
    published, render = Published(most_chars=250), renderer(rendered, size=100)
    for key in ("p1", "p2", "p3", "p4"):
        await published.get(key, render(key))
        assert published.held <= 250
    assert len(published) == 2 and published.held == 200
    await published.get("p4", render("p4"))
    assert rendered == ["p1", "p2", "p3", "p4"]


async def test_a_failed_rendering_is_not_kept() -> None:
    published, calls = Published(), []

    async def failing() -> Document:
        calls.append(1)
        raise RuntimeError("kaputt")

    for _ in range(2):
        try:
            await published.get("p1", failing)
        except RuntimeError:
            pass
    assert len(calls) == 2 and len(published) == 0 and published.held == 0
