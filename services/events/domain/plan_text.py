"""Read a work plan written as plain text in the V:/T: style of seed 004.

Paragraphs of text, each followed by "V: …" (responsible) and usually "T: …" (when), in either order,
with or without blank lines between them. A text followed by several V/T pairs yields one item per
pair. The year for T values without one is taken from the document ("Arbeitsplan … für 2017"). Text
that belongs to no V is reported in line order, not lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MARKER = re.compile(r"^\s*([VT])\s*[:.]\s*(.*)$", re.DOTALL)
_GOES_ON = re.compile(r"(?:[,;/&–-]|\bund|\bsowie)\s*$")  # a V or T wrapped onto the next line


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


@dataclass
class _Block:
    line: int
    kind: str  # "text", "V" or "T"
    text: str

    def shown(self) -> str:
        return self.text if self.kind == "text" else f"{self.kind}: {self.text}"


def _lines(text: str) -> list[tuple[int, str]]:
    return list(
        enumerate((line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")), start=1)
    )


def _blocks(lines: list[tuple[int, str]]) -> list[_Block]:
    """Text lines run together until a blank line or a V/T line; each V/T line is a block of its own."""
    found: list[_Block] = []
    joining = False  # whether the next non-blank line continues the last block
    for number, line in lines:
        if not line:
            joining = False
            continue
        marker = _MARKER.match(line)
        if marker:
            found.append(_Block(number, marker.group(1), marker.group(2).strip()))
            joining = bool(_GOES_ON.search(line))
        elif joining and found:
            found[-1].text = f"{found[-1].text} {line}".strip()
            joining = found[-1].kind == "text" or bool(_GOES_ON.search(line))
        else:
            found.append(_Block(number, "text", line))
            joining = True
    return found


def _is_title(text: str) -> bool:
    return bool(re.match(r"^(arbeitsplan|jahresplan|maßnahmenplan|plan)\b", text, flags=re.IGNORECASE)) or (
        len(text) < 120 and not text.rstrip().endswith((".", ":", "!", "?"))
    )


def _title(lines: list[tuple[int, str]]) -> tuple[str, int]:
    """The title and the first line after it: a first paragraph on its own, or a first line directly followed by text."""
    filled = [(n, line) for n, line in lines if line]
    if not filled or _MARKER.match(filled[0][1]):
        return "", 0
    first = [line for _, line in lines[filled[0][0] - 1 :]]
    paragraph = first[: first.index("")] if "" in first else first
    if len(paragraph) < len(filled) and not any(_MARKER.match(p) for p in paragraph):
        joined = " ".join(paragraph)
        if _is_title(joined) and (len(paragraph) == 1 or not joined.endswith((".", "!", "?"))):
            return joined, filled[0][0] + len(paragraph)
    if len(filled) > 1 and _is_title(filled[0][1]) and not _MARKER.match(filled[1][1]):
        return filled[0][1], filled[0][0] + 1
    return "", 0


def _document_year(title: str, blocks: list[_Block]) -> int | None:
    for text in [title] + [b.text for b in blocks if b.kind == "text"][:2]:
        if m := re.search(r"\bfür\s+(?:das\s+jahr\s+)?((?:19|20)\d{2})\b", text, flags=re.IGNORECASE):
            return int(m.group(1))
    if m := re.search(r"\b((?:19|20)\d{2})\b", title):
        return int(m.group(1))
    return None


def parse_plan(text: str) -> RawPlan:
    """Never raises: whatever the text, the result says what was found and what was not."""
    lines = _lines(text or "")
    title, body_from = _title(lines)
    blocks = _blocks([(n, line) for n, line in lines if n >= body_from])
    plan = RawPlan(title=title, year=_document_year(title, blocks))
    pending: list[_Block] = []  # text no V has taken yet
    waiting: _Block | None = None  # a T written before its V
    last_text, current = "", None
    for block in blocks:
        if block.kind == "text":
            plan.leftover.extend((b.line, b.shown()) for b in pending + ([waiting] if waiting else []))
            pending, last_text, current, waiting = [block], "", None, None
        elif block.kind == "V" and (pending or last_text):
            if pending:
                last_text, pending = " ".join(b.text for b in pending), []
            current = RawItem(last_text, block.text, waiting.text if waiting else None, block.line)
            plan.items.append(current)
            waiting = None
        elif block.kind == "T" and current is not None and current.timing is None:
            current.timing = block.text
        elif block.kind == "T" and (pending or last_text):
            if waiting:
                plan.leftover.append((waiting.line, waiting.shown()))
            waiting = block
        else:
            plan.leftover.append((block.line, block.shown()))
    plan.leftover.extend((b.line, b.shown()) for b in pending + ([waiting] if waiting else []))
    plan.leftover.sort()
    return plan
