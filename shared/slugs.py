"""Readable, stable names for URLs and command lines ("Görlitz" → `goerlitz`), one rule for every service."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})
MAX_LENGTH = 60


def slugify(text: str) -> str:
    """Lower case ASCII words joined by hyphens; German umlauts transliterated (ä → ae), other accents dropped.

    Empty when nothing readable is left (e.g. only punctuation); callers decide what that means.
    """
    plain = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", text).translate(GERMAN))
    words = re.sub(r"[^a-z0-9]+", "-", plain.encode("ascii", "ignore").decode().lower()).strip("-")
    return words[:MAX_LENGTH].rstrip("-")


def candidates(base: str) -> Iterator[str]:
    """`base`, then `base-2`, `base-3` …: the first one nobody holds is taken."""
    yield base
    number = 2
    while True:
        suffix = f"-{number}"
        yield base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
