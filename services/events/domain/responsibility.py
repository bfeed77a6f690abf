"""The "V:" of a work plan: who is responsible, for what part, for which place.

"Sprecherrat" → one body; "Wolfgang und Kathrin" → two people; "Beiträge – alle, Einstellung - Kathrin"
→ two roles; "für Leipzig, ... und Steffen" → a scope, a seat still open, and Steffen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_SEAT = "(noch offen)"
BODIES = ("sprecherrat", "landesvorstand", "landesrat", "landesratsmitglied", "vorstand", "alle", "lag", "mitglieder")


@dataclass(frozen=True)
class Responsible:
    name: str
    role: str = ""  # "Beiträge", "Einstellung"
    scope: str = ""  # "für Leipzig"

    @property
    def is_body(self) -> bool:
        return self.name.lower() in BODIES

    def describe(self) -> str:
        text = f"{self.role}: {self.name}" if self.role else self.name
        return f"{text} ({self.scope})" if self.scope else text


def _names(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|/|\bund\b|\bsowie\b|&)\s*", text)
    names = []
    for raw in parts:
        if re.fullmatch(r"\s*(?:\.{2,}|…|\?+|n\.\s*n\.?)\s*", raw, flags=re.IGNORECASE):
            names.append(OPEN_SEAT)
        elif part := raw.strip(" ."):
            names.append(part)
    return names


def parse_responsible(text: str) -> tuple[Responsible, ...]:
    """Never raises; an empty or unreadable V gives an empty tuple."""
    text = re.sub(r"\s+", " ", (text or "").strip())
    text = re.sub(r"(?<!\.)\.$", "", text)  # a closing full stop, but not an ellipsis
    scope = ""
    if m := re.match(r"(für\s+[^,]+),\s*(.*)$", text, flags=re.IGNORECASE):
        scope, text = m.group(1), m.group(2)
    roles = re.split(r",\s*(?=[^,–-]+\s+[–-]\s+)", text)
    if len(roles) > 1 or re.search(r"\s[–-]\s", text):
        found = []
        for part in roles:
            role, _, who = part.partition(" – ") if " – " in part else part.partition(" - ")
            found.extend(Responsible(n, role.strip(), scope) for n in _names(who or role))
        return tuple(found)
    return tuple(Responsible(n, "", scope) for n in _names(text))
