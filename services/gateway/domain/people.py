"""Who is looking at a web page, and what they may do: read from the data on every request."""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.contracts.notifications import ModeratedList

WEB_ROLES = {
    "vorstand": "Landesvorstand: alles lesen",
    "verwaltung": "Landesgeschäftsstelle: alles",
}


def normal_address(address: str) -> str:
    """Addresses are compared without regard to case or surrounding blanks."""
    return address.strip().lower()


@dataclass(frozen=True)
class Viewer:
    address: str
    moderates: dict[str, ModeratedList] = field(default_factory=dict)  # list id -> list (with pending count)
    coordinates: dict[str, str] = field(default_factory=dict)  # group id -> group name
    board: bool = False  # Landesvorstand
    admin: bool = False  # Landesgeschäftsstelle
    session_id: str = ""
    workplan: bool = False  # named by name in the V of an open work-plan item (issue 15)
    unanswered: tuple[str, ...] = ()  # services that did not answer while the roles were read
    trains: dict[str, str] = field(default_factory=dict)  # training id -> title: dates this person trains (issue 17)

    def may_moderate(self, list_id: str) -> bool:
        return self.admin or list_id in self.moderates

    def may_coordinate(self, group_id: str) -> bool:
        return self.admin or group_id in self.coordinates

    def may_see_training(self, training_id: str) -> bool:
        """The state office, or the trainer of that date (its participant list and attendance, nothing else)."""
        return self.admin or training_id in self.trains

    @property
    def has_role(self) -> bool:
        """Holds any role at all: only then is a sign-in link mailed."""
        return bool(self.admin or self.board or self.moderates or self.coordinates or self.workplan or self.trains)

    @property
    def may_read_all(self) -> bool:
        return self.admin or self.board

    @property
    def roles(self) -> list[str]:
        """The person's roles in words, for the header and the task page."""
        words = []
        if self.admin:
            words.append("Landesgeschäftsstelle")
        if self.board:
            words.append("Landesvorstand")
        words += [f"Moderation „{m.name}“" for m in self.moderates.values()]
        words += [f"Koordination „{name}“" for name in self.coordinates.values()]
        if self.workplan:
            words.append("Verantwortlich für Punkte im Arbeitsplan")
        words += [f"Schulung „{title}“ leiten" for title in self.trains.values()]
        return words
