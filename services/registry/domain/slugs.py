"""A regional group's slug: its name at founding, readable ("Regionalgruppe Görlitz" → `goerlitz`).

A slug is never given to another group, not even after a rename, a merge or a dissolution: links that
were published or mailed keep pointing where they pointed.
"""

from __future__ import annotations

from services.registry.domain.errors import InvalidInput
from shared.slugs import slugify

PREFIXES = ("regionalgruppe-", "rg-")  # every group is one: the word adds nothing to a URL


def readable(name: str) -> str:
    """The slug a group of this name would get (before any number against a clash); empty if none."""
    slug = slugify(name)
    for prefix in PREFIXES:
        if slug.startswith(prefix) and len(slug) > len(prefix):
            slug = slug.removeprefix(prefix)
    return slug


def group_slug(name: str) -> str:
    if not (slug := readable(name)):
        raise InvalidInput(
            f"Aus dem Namen „{name}“ lässt sich keine Kennung für Links bilden; bitte Buchstaben verwenden."
        )
    return slug
