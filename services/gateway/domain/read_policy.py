"""What each role may read of the register: the one place the gateway decides which fields leave it.

The registry answers the gateway the full record; before an answer reaches an API token or a web page, it passes
through here. Pure: snapshots in, snapshots out (fields dropped are emptied in a way the reply contract allows, so
the OpenAPI schema stays as it is).

- admin (Landesgeschäftsstelle): everything.
- board (Landesvorstand): what its dashboard and the register's read-only pages need: every office with its
  counsellors' trainings and qualifications, but a counsellor's name only if `publish_name` (the others stay as
  entries without a name, so that the board sees how many there are and whether they are trained), nobody's
  e-mail address, no lawyer's name (only whether a supervision is recorded, since when and whether confirmed);
  groups with their coordinator's name, without the coordinator's address; the qualifications page without
  addresses, a person's name only where their office publishes it.
- coordinator, moderator: offices with only the counsellors whose names are published (name only: no address,
  no trainings), supervision as for the board; groups without coordinators' addresses, except the coordinator's
  own group.
- the public directory reads the registry's directory index, which holds only what may be published; it does
  not pass through here.

Coverage findings and an office's history are texts the registry writes with names in them: the names a reader
may not see (unpublished counsellors, lawyers) are replaced by a placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from shared.contracts import events as e
from shared.contracts import registry as r

HIDDEN_NAME = "(Name nicht veröffentlicht)"
ROLES = ("admin", "board", "moderator", "coordinator")


@dataclass(frozen=True)
class Reader:
    """Who reads: a role and, for a coordinator, the groups they coordinate (ids)."""

    role: str
    groups: frozenset[str] = frozenset()

    @property
    def full(self) -> bool:
        return self.role == "admin"

    @property
    def board(self) -> bool:
        return self.role == "board"


ADMIN = Reader("admin")


def for_token(role: str, scope: str | None) -> Reader:
    """The reader an API token is: a coordinator token's scope is its group."""
    return Reader(role, frozenset({scope}) if role == "coordinator" and scope else frozenset())


def for_viewer(admin: bool, board: bool, coordinates: object = ()) -> Reader:
    """The reader a signed-in person is: the widest of their roles (a page shows one answer)."""
    if admin:
        return ADMIN
    if board:
        return Reader("board")
    groups = frozenset(coordinates)  # type: ignore[call-overload]
    return Reader("coordinator" if groups else "moderator", groups)


def _counsellor(reader: Reader, c: r.CounsellorV1) -> r.CounsellorV1 | None:
    if reader.board:
        return c.model_copy(update={"name": c.name if c.publish_name else "", "email": None})
    if not c.publish_name:
        return None
    return c.model_copy(update={"email": None, "trainings": [], "qualifies_for": "", "qualified_until": None})


def office(reader: Reader, snapshot: r.OfficeSnapshot) -> r.OfficeSnapshot:
    if reader.full:
        return snapshot
    counsellors = [c for c in (_counsellor(reader, c) for c in snapshot.counsellors) if c is not None]
    supervision = snapshot.supervision.model_copy(update={"lawyer_name": ""}) if snapshot.supervision else None
    update: dict = {"counsellors": counsellors, "supervision": supervision}
    if not reader.board:  # the latest qualification of its counsellors: the board's dashboard figure
        update["qualified_until"] = None
    return snapshot.model_copy(update=update)


def offices(reader: Reader, found: r.Offices) -> r.Offices:
    return found if reader.full else r.Offices(offices=[office(reader, o) for o in found.offices])


def group(reader: Reader, snapshot: r.GroupSnapshot) -> r.GroupSnapshot:
    coordinator = snapshot.coordinator
    if reader.full or coordinator is None or coordinator.email is None or snapshot.group_id in reader.groups:
        return snapshot
    return snapshot.model_copy(update={"coordinator": coordinator.model_copy(update={"email": None})})


def groups(reader: Reader, found: r.Groups) -> r.Groups:
    return found if reader.full else r.Groups(groups=[group(reader, g) for g in found.groups])


def replica_groups(reader: Reader, found: e.Groups) -> e.Groups:
    """Action planning's copy of the groups: the same rule for the coordinator's address."""
    if reader.full:
        return found
    kept = [g if g.group_id in reader.groups else g.model_copy(update={"coordinator_email": ""}) for g in found.groups]
    return e.Groups(groups=kept)


def hidden_names(snapshots: list[r.OfficeSnapshot]) -> set[str]:
    """The names in these offices that only the Landesgeschäftsstelle reads: unpublished counsellors, lawyers."""
    names = {c.name for o in snapshots for c in o.counsellors if not c.publish_name}
    names |= {o.supervision.lawyer_name for o in snapshots if o.supervision}
    return {n for n in names if n.strip()}


def masked(text: str, names: set[str]) -> str:
    """`text` with each of `names` (as a whole word) replaced by the placeholder, longest first."""
    return masker(names)(text)


def masker(names: set[str]) -> Callable[[str], str]:
    """`masked` for many texts: the pattern of the names built once (a coverage report has thousands of findings)."""
    if not names:
        return lambda text: text
    pattern = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    compiled = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")
    return lambda text: compiled.sub(HIDDEN_NAME, text) if text else text


def coverage(reader: Reader, report: r.CoverageReport, hidden: set[str]) -> r.CoverageReport:
    if reader.full:
        return report
    mask = masker(hidden)
    findings = [f.model_copy(update={"detail": mask(f.detail)}) for f in report.findings]
    return r.CoverageReport(findings=findings, text=mask(report.text))


def qualifications(reader: Reader, found: r.Qualifications, snapshots: list[r.OfficeSnapshot]) -> r.Qualifications:
    """Who is qualified until when: the board reads it without addresses, a name only where the office publishes
    it (`snapshots`: the offices as the registry has them); the other roles read only the offices at risk."""
    if reader.full:
        return found
    mask = masker(hidden_names(snapshots))
    at_risk = [f.model_copy(update={"detail": mask(f.detail)}) for f in found.offices_at_risk]
    if not reader.board:
        return r.Qualifications(qualifications=[], offices_at_risk=at_risk)
    published = {(o.office_id, c.counsellor_id) for o in snapshots for c in o.counsellors if c.publish_name}
    people = [
        q.model_copy(update={"email": "", "name": q.name if (q.office_id, q.counsellor_id) in published else ""})
        for q in found.qualifications
    ]
    return r.Qualifications(qualifications=people, offices_at_risk=at_risk)


# The registry's history lines that name a person (services/registry/domain/history.py): a removed counsellor is
# no longer in the office, so whether their name was published is not known here; a former lawyer neither.
_NAMED_LINES = (
    re.compile(r"^(Berater:in (?:hinzugefügt|entfernt): )(.+)()$"),
    re.compile(r"^(Schulung eingetragen für )(.+?)(: .*)$"),
    re.compile(r"^(Anleitung nach § 6 RDG: )(.+?)(, seit .*)$"),
)


def _history_line(what: str, shown: set[str], hidden: set[str]) -> str:
    for pattern in _NAMED_LINES:
        found = pattern.match(what)
        if found and found.group(2) not in shown:
            return f"{found.group(1)}{HIDDEN_NAME}{found.group(3)}"
    return masked(what, hidden)


def shown_names(snapshot: r.OfficeSnapshot) -> set[str]:
    """The counsellors' names this office publishes (they may appear in its history)."""
    return {c.name for c in snapshot.counsellors if c.publish_name}


def history(reader: Reader, found: r.OfficeHistory, snapshot: r.OfficeSnapshot) -> r.OfficeHistory:
    """An office's history (the office as the registry has it, to know its names) as `reader` may read it."""
    if reader.full:
        return found
    shown, hidden = shown_names(snapshot) - hidden_names([snapshot]), hidden_names([snapshot])
    entries = [
        e.model_copy(
            update={
                "what": _history_line(e.what, shown, hidden),
                "details": [masked(d, hidden) for d in e.details],
                "reason": masked(e.reason, hidden),
            }
        )
        for e in found.entries
    ]
    return r.OfficeHistory(office_id=found.office_id, entries=entries)
