"""Who a work plan's V means: one rule for the reminders (notifications) and the pages (gateway)."""

from __future__ import annotations


def fold(text: str) -> str:
    """Case and spacing do not matter: `" Anna  Beispiel"` and `"anna beispiel"` are the same."""
    return " ".join(text.split()).casefold()


def names_person(name: str, display_name: str) -> bool:
    """Whether `name` (one person of a V, e.g. "Steffen") means the member called `display_name`:
    the whole display name or its first word."""
    wanted, called = fold(name), fold(display_name)
    return bool(wanted) and bool(called) and wanted in (called, called.split(" ")[0])
