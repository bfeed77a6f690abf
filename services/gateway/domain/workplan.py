"""The work plan as the web pages show it: whose items are "mine", who may change what, the filters.

"Meine Punkte" are found as the reminder mails find people (notifications, `remind_of_work_item`): a V names
a person by the display name they have on the work-plan list (WORKPLAN_LIST) – the whole name or its first
word, "Kathrin" for "Kathrin Beispiel" – or names a body the person belongs to: "Sprecherrat" for the
moderation of that list (they get the reminders nobody is named for), "Landesvorstand"/"Vorstand" for the
board. Who may change what:

- the Landesgeschäftsstelle (admin): everything (mark done, note, new V, new T, import);
- a person named by name, or the list's moderation for a "Sprecherrat" item: mark that item done, add a note;
- the Landesvorstand: read everything, change nothing (also not items of the body "Landesvorstand");
- everyone else signed in with a role (moderation, coordination): read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from services.gateway.domain.people import Viewer
from shared.names import fold, names_person

SOON_DAYS = 30  # "fällig": due within this many days (or overdue)
STATUS_WORDS = {"offen": "offen", "in Arbeit": "in Arbeit", "erledigt": "erledigt"}
DUE_FILTERS = {
    "": "alle",
    "faellig": f"fällig in den nächsten {SOON_DAYS} Tagen oder überfällig",
    "ueberfaellig": "überfällig",
    "ohne": "ohne festen Termin",
}
BOARD_BODIES = ("landesvorstand", "vorstand")
SPEAKERS = "sprecherrat"


def may_read(viewer: Viewer) -> bool:
    """The work plan is internal: signed-in persons with any role read it (a person named in it is one)."""
    return viewer.has_role


def named_in_open_item(names: list[str] | tuple[str, ...], items: list[Any]) -> bool:
    """Whether a person with these display names on the work-plan list is named by name in the V of an item
    not yet done – as the reminders find them; such a person may sign in and sees "Meine Punkte"."""
    me = Me(tuple(names))
    return any(i.status != "erledigt" and any(me.named(r.name) for r in i.responsible) for i in items)


@dataclass(frozen=True)
class Me:
    """Who the signed-in person is in the work plan's V."""

    names: tuple[str, ...] = ()  # display names on the work-plan list
    speaker: bool = False  # moderates the work-plan list: "Sprecherrat"
    board: bool = False
    list_name: str = ""

    def named(self, name: str) -> bool:
        """`name` (one person of a V) is this person by name, as `members_named` of the reminders decides."""
        return any(names_person(name, n) for n in self.names)

    def body(self, name: str) -> bool:
        wanted = fold(name)
        return (self.speaker and wanted == SPEAKERS) or (self.board and wanted in BOARD_BODIES)

    def mine(self, item: Any) -> bool:
        return any(self.named(r.name) or self.body(r.name) for r in item.responsible)

    def may_report(self, viewer: Viewer, item: Any) -> bool:
        """Mark done and add a note: admin, a person named by name, the moderation for a Sprecherrat item."""
        if viewer.admin:
            return True
        return any(self.named(r.name) or (self.speaker and fold(r.name) == SPEAKERS) for r in item.responsible)

    def explained(self) -> list[str]:
        """What "meine" means for this person, in sentences for the page."""
        lines = []
        if self.names:
            lines.append(
                f"Punkte, deren V Sie mit Ihrem Namen im Verteiler „{self.list_name}“ nennt: „{self.names[0]}“."
            )
        if self.speaker:
            lines.append(f"Punkte des Sprecherrats, weil Sie den Verteiler „{self.list_name}“ moderieren.")
        if self.board:
            lines.append("Punkte des Landesvorstands, weil Sie zum Landesvorstand gehören.")
        return lines


def responsible_text(item: Any) -> str:
    """The V as one line, the way it reads in a plan: "Beiträge: alle, Einstellung: Kathrin"."""
    parts = []
    for r in item.responsible:
        text = f"{r.role}: {r.name}" if r.role else r.name
        parts.append(f"{text} ({r.scope})" if r.scope else text)
    return ", ".join(parts)


def people_of(items: list[Any]) -> list[str]:
    """Every person and body named in a V, in alphabetical order, for the filter."""
    found = {fold(r.name): r.name for i in items for r in i.responsible if r.name and not r.name.startswith("(")}
    return sorted(found.values(), key=fold)


@dataclass
class Filters:
    who: str = ""
    status: str = ""
    due: str = ""
    plan: str = ""
    mine: bool = False
    kept: dict[str, str] = field(default_factory=dict)  # the query string to keep across pages

    @classmethod
    def of(cls, query: Any) -> Filters:
        found = cls(
            who=query.get("wer", "").strip()[:200],
            status=query.get("status", ""),
            due=query.get("termin", ""),
            plan=query.get("plan", "").strip()[:300],
            mine=query.get("meine", "") == "1",
        )
        if found.status not in ("", "offen-alle", *STATUS_WORDS):
            found.status = ""
        if found.due not in DUE_FILTERS:
            found.due = ""
        names = {"wer": found.who, "status": found.status, "termin": found.due, "plan": found.plan}
        found.kept = {k: v for k, v in names.items() if v} | ({"meine": "1"} if found.mine else {})
        return found

    def keep(self, item: Any, me: Me, today: date) -> bool:
        if self.mine and not me.mine(item):
            return False
        if self.who and not any(fold(r.name) == fold(self.who) for r in item.responsible):
            return False
        if self.plan and item.plan != self.plan:
            return False
        if self.status == "offen-alle" and item.status == "erledigt":
            return False
        if self.status in STATUS_WORDS and item.status != self.status:
            return False
        if self.due == "ueberfaellig":
            return item.overdue
        if self.due == "faellig":
            return item.overdue or (item.due is not None and item.due <= today + timedelta(days=SOON_DAYS))
        if self.due == "ohne":
            return item.due is None and item.status != "erledigt"
        return True


def order(item: Any) -> tuple:
    """Overdue first, then by due date, open-ended last, done at the very end."""
    return (item.status == "erledigt", not item.overdue, item.due is None, item.due or date.max, item.text.casefold())


def urgent(items: list[Any], me: Me, today: date) -> list[Any]:
    """The person's own items that are overdue or due soon (for "Meine Aufgaben")."""
    soon = today + timedelta(days=SOON_DAYS)
    return sorted((i for i in items if me.mine(i) and (i.overdue or (i.due is not None and i.due <= soon))), key=order)
