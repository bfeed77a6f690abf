"""The public directory as a person in need searches it: by place or postcode, by counselling area, language
and access; whether an office is open today and when it is open next (Europe/Berlin, by the clock given).

Reads the registry's directory index (`DirectoryQuery(format="index")`), which holds only what may be
published: a counsellor's name only with consent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from shared.clock import BERLIN

PER_PAGE = 20
# Access notes are free text: these words say step-free access, these deny it.
_ACCESSIBLE = re.compile(r"barrierefrei|barrierearm|stufenlos|rollstuhl|aufzug|fahrstuhl|rampe")
_NOT_ACCESSIBLE = re.compile(
    r"(nicht|kein\w*)\s+(barrierefrei|barrierearm|stufenlos|rollstuhl\w*|aufzug|fahrstuhl|rampe)"
    r"|ohne\s+(aufzug|fahrstuhl|rampe)|nur\s+über\s+(stufen|treppen?)"
)
_SEARCH_DAYS = 70  # far enough for a "last Friday of the month" rule to come round twice


@dataclass(frozen=True)
class Rule:
    """One consultation hour: weekly, on the nth weekday of a month (-1: the last), or by appointment."""

    kind: str  # woechentlich | monatlich | nach_vereinbarung
    text: str
    weekday: int | None = None  # 0 = Monday
    nth: int | None = None
    start: time | None = None
    end: time | None = None

    @property
    def regular(self) -> bool:
        known = self.weekday is not None and self.start is not None and self.end is not None
        return self.kind in ("woechentlich", "monatlich") and known

    def on(self, day: date) -> bool:
        """Whether this rule has consultation hours on `day`."""
        if not self.regular or day.weekday() != self.weekday:
            return False
        if self.kind == "woechentlich":
            return True
        if self.nth == -1:
            return (day + timedelta(days=7)).month != day.month
        return (day.day - 1) // 7 + 1 == self.nth


@dataclass(frozen=True)
class Area:
    key: str
    label: str


@dataclass(frozen=True)
class Office:
    id: str
    name: str
    operator: str
    street: str
    postcode: str
    city: str
    access_notes: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    hours: tuple[Rule, ...] = ()
    areas: tuple[Area, ...] = ()
    languages: tuple[str, ...] = ()
    counsellors: tuple[str, ...] = ()  # names published with consent, no others
    paused: bool = False
    district: str = ""
    state: str = ""
    operator_kind: str = ""
    # Worked out once when read, so that a search over thousands of offices only compares:
    accessible: bool = False  # the access notes say step-free (free text: see _ACCESSIBLE)
    words: str = field(default="", compare=False, repr=False)  # normalized text a place is searched in
    area_keys: frozenset[str] = frozenset()
    language_keys: frozenset[str] = frozenset()  # normalized

    @property
    def by_appointment(self) -> bool:
        return any(r.kind == "nach_vereinbarung" for r in self.hours)


def normalized(text: str) -> str:
    """Lower case, one space, "ß" as "ss", umlauts kept; "Straße" finds "strasse" and the other way round."""
    text = unicodedata.normalize("NFC", text).casefold().replace("ß", "ss")
    return re.sub(r"\s+", " ", text).strip()


def _clock(value: object) -> time | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,2}:\d{2}", value):
        return None
    hour, minute = map(int, value.split(":"))
    return time(hour, minute)


def office_from(raw: dict) -> Office:
    """An office of the registry's index (unknown keys ignored: the registry may add some)."""
    rules = tuple(
        Rule(
            kind=str(h.get("kind", "")),
            text=str(h.get("text", "")),
            weekday=h.get("weekday"),
            nth=h.get("nth"),
            start=_clock(h.get("start")),
            end=_clock(h.get("end")),
        )
        for h in raw.get("hours", [])
    )
    areas = tuple(Area(a["key"], a["label"]) for a in raw.get("areas", []))
    languages = tuple(raw.get("languages", []))
    notes = normalized(raw.get("access_notes", ""))
    place = (raw.get(k, "") for k in ("city", "district", "name", "street", "operator"))
    return Office(
        id=raw["id"],
        name=raw.get("name", ""),
        operator=raw.get("operator", ""),
        operator_kind=raw.get("operator_kind", ""),
        street=raw.get("street", ""),
        postcode=raw.get("postcode", ""),
        city=raw.get("city", ""),
        access_notes=raw.get("access_notes", ""),
        phone=raw.get("phone", ""),
        email=raw.get("email", ""),
        web=raw.get("web", ""),
        hours=rules,
        areas=areas,
        languages=languages,
        counsellors=tuple(raw.get("counsellors", [])),
        paused=bool(raw.get("paused", False)),
        district=raw.get("district", ""),
        state=raw.get("state", ""),
        accessible=bool(_ACCESSIBLE.search(notes)) and not _NOT_ACCESSIBLE.search(notes),
        words=normalized(" ".join(place)),
        area_keys=frozenset(a.key for a in areas),
        language_keys=frozenset(normalized(x) for x in languages),
    )


def offices_from(index: dict) -> list[Office]:
    return [office_from(raw) for raw in index.get("stellen", [])]


# --- when ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opening:
    starts: datetime  # Europe/Berlin
    ends: datetime
    rule: Rule


@dataclass(frozen=True)
class Today:
    """What an office's hours mean today: open now, later today, earlier today, or not today."""

    state: str  # "jetzt" | "spaeter" | "vorbei" | "nicht" | "pausiert"
    openings: tuple[Opening, ...] = ()

    @property
    def open_today(self) -> bool:
        return self.state in ("jetzt", "spaeter")

    @property
    def text(self) -> str:
        spans = " und ".join(f"{o.starts:%H:%M}–{o.ends:%H:%M} Uhr" for o in self.openings)
        if self.state == "jetzt":
            current = self.openings[0]
            return f"Jetzt geöffnet, bis {current.ends:%H:%M} Uhr"
        if self.state == "spaeter":
            return f"Heute geöffnet, {spans}"
        if self.state == "vorbei":
            return f"Heute war Sprechzeit ({spans})"
        if self.state == "pausiert":
            return "Zurzeit keine Beratung (pausiert)"
        return "Heute keine Sprechzeit"


def _openings_on(office: Office, day: date) -> list[Opening]:
    found = [
        Opening(datetime.combine(day, r.start, BERLIN), datetime.combine(day, r.end, BERLIN), r)
        for r in office.hours
        if r.on(day)
    ]
    return sorted(found, key=lambda o: o.starts)


def today(office: Office, now: datetime) -> Today:
    """Today's consultation hours of `office` as of `now` (any time zone; judged in Berlin)."""
    if office.paused:
        return Today("pausiert")
    here = now.astimezone(BERLIN)
    openings = _openings_on(office, here.date())
    current = [o for o in openings if o.starts <= here < o.ends]
    if current:
        return Today("jetzt", (current[0], *(o for o in openings if o.starts > here)))
    later = tuple(o for o in openings if o.starts > here)
    if later:
        return Today("spaeter", later)
    if openings:
        return Today("vorbei", tuple(openings))
    return Today("nicht")


def upcoming(office: Office, now: datetime, count: int = 3) -> list[Opening]:
    """The next `count` consultation hours that have not ended yet (a paused office has none)."""
    if office.paused:
        return []
    here = now.astimezone(BERLIN)
    found: list[Opening] = []
    for offset in range(_SEARCH_DAYS):
        for opening in _openings_on(office, here.date() + timedelta(days=offset)):
            if opening.ends > here:
                found.append(opening)
                if len(found) == count:
                    return found
    return found


# --- search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    place: str = ""  # a place, district or postcode (or its first digits)
    areas: tuple[str, ...] = ()  # area keys: an office offering any of them
    language: str = ""
    accessible: bool = False
    open_today: bool = False
    page: int = 1

    @property
    def empty(self) -> bool:
        return not (self.place or self.areas or self.language or self.accessible or self.open_today)


@dataclass(frozen=True)
class Result:
    offices: list[Office]  # this page
    total: int
    page: int
    pages: int
    nearby: str = ""  # the postcode's leading digits searched instead, when the postcode itself had no office


def _by_place(offices: list[Office], place: str) -> tuple[list[Office], str]:
    wanted = normalized(place)
    if not wanted:
        return offices, ""
    if wanted.isdigit():
        found = [o for o in offices if o.postcode.startswith(wanted)]
        if found or len(wanted) < 5:
            return found, ""
        # No office in this postcode: those whose postcode begins alike are the nearest we can tell.
        for digits in (3, 2):
            found = [o for o in offices if o.postcode.startswith(wanted[:digits])]
            if found:
                return found, wanted[:digits]
        return [], ""
    words = wanted.split(" ")
    return [o for o in offices if all(w in o.words for w in words)], ""


def search(offices: list[Office], query: Search, now: datetime, per_page: int = PER_PAGE) -> Result:
    found, nearby = _by_place(offices, query.place)
    if query.areas:
        wanted = set(query.areas)
        found = [o for o in found if not wanted.isdisjoint(o.area_keys)]
    if query.language:
        language = normalized(query.language)
        found = [o for o in found if language in o.language_keys]
    if query.accessible:
        found = [o for o in found if o.accessible]
    if query.open_today:
        day = now.astimezone(BERLIN).date()
        found = [o for o in found if any(r.on(day) for r in o.hours) and today(o, now).open_today]
    pages = max(1, -(-len(found) // per_page))
    page = min(max(query.page, 1), pages)
    shown = found[(page - 1) * per_page : page * per_page]
    return Result(shown, len(found), page, pages, nearby)


def area_choices(offices: list[Office]) -> list[Area]:
    """The counselling areas offices offer, by their German names."""
    seen = {a.key: a for o in offices for a in o.areas}
    return sorted(seen.values(), key=lambda a: normalized(a.label))


def language_choices(offices: list[Office]) -> list[str]:
    """The languages offices offer, German first."""
    seen = {normalized(x): x for o in offices for x in o.languages}
    return sorted(seen.values(), key=lambda x: (normalized(x) != "deutsch", normalized(x)))


def districts(offices: list[Office]) -> list[tuple[str, list[Office]]]:
    """Offices grouped by district (name order; offices without one last, as "Ohne Kreisverband")."""
    grouped: dict[str, list[Office]] = {}
    for office in offices:
        grouped.setdefault(office.district, []).append(office)
    ordered = sorted(grouped.items(), key=lambda item: (item[0] == "", normalized(item[0])))
    return [(name or "Ohne Kreisverband", members) for name, members in ordered]
