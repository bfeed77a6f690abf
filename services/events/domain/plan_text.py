"""Read a work plan written as plain text in the V:/T: style of seed 004.

Paragraphs of text, each followed by "V: …" (responsible) and usually "T: …" (when). A text
followed by several V/T pairs yields one item per pair. The year for T values without one is
taken from the document ("Arbeitsplan … für 2017"). Text that belongs to no V is reported, not lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKER = re.compile(r"^\s*([VT])\s*[:.]\s*(.*)$", re.DOTALL)


@dataclass
class RawItem:
    text: str
    responsible: str
    timing: str | None
    line: int


@dataclass
class RawPlan:
    title: str
    year: int | None
    items: list[RawItem] = field(default_factory=list)
    leftover: list[tuple[int, str]] = field(default_factory=list)  # (line, paragraph) no V belongs to


def _paragraphs(text: str) -> list[tuple[int, str]]:
    found, current, start = [], [], 0
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            found.append((start, " ".join(current)))
            current = []
    if current:
        found.append((start, " ".join(current)))
    return found


def _document_year(paragraphs: list[tuple[int, str]]) -> int | None:
    for _, text in paragraphs[:3]:
        if m := re.search(r"\bfür\s+(?:das\s+jahr\s+)?((?:19|20)\d{2})\b", text, flags=re.IGNORECASE):
            return int(m.group(1))
    for _, text in paragraphs[:1]:
        if m := re.search(r"\b((?:19|20)\d{2})\b", text):
            return int(m.group(1))
    return None


def _is_title(text: str) -> bool:
    return bool(re.match(r"^(arbeitsplan|jahresplan|maßnahmenplan|plan)\b", text, flags=re.IGNORECASE)) or (
        len(text) < 120 and not text.rstrip().endswith((".", ":", "!", "?"))
    )


def parse_plan(text: str) -> RawPlan:
    """Never raises: whatever the text, the result says what was found and what was not."""
    paragraphs = _paragraphs(text or "")
    plan = RawPlan(title="", year=_document_year(paragraphs))
    if paragraphs and _is_title(paragraphs[0][1]) and not _MARKER.match(paragraphs[0][1]):
        plan.title = paragraphs[0][1]
        paragraphs = paragraphs[1:]
    pending: list[tuple[int, str]] = []
    last_text, current = "", None
    for line, paragraph in paragraphs:
        marker = _MARKER.match(paragraph)
        if not marker:
            if current is None:
                plan.leftover.extend(pending)
            pending, current = [(line, paragraph)], None
            continue
        kind, value = marker.group(1), marker.group(2).strip()
        if kind == "V":
            if pending:
                last_text, pending = " ".join(p for _, p in pending), []
            if not last_text:
                plan.leftover.append((line, paragraph))
                continue
            current = RawItem(last_text, value, None, line)
            plan.items.append(current)
        elif current is not None and current.timing is None:
            current.timing = value
        else:
            plan.leftover.append((line, paragraph))
    plan.leftover.extend(pending)
    return plan
