"""The "T:" of a work plan as a structured value — or, when nothing fits, the text kept and flagged.

Never guessed: "II. Quartal 2017" is a period, "monatlich" a recurrence, "stetig" ongoing,
"zeitnah" soft; "irgendwann nach der Wahl" stays verbatim as unparsed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = ("januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "dezember")  # fmt: skip
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ORDINAL_WORDS = {"erste": 1, "ersten": 1, "zweite": 2, "zweiten": 2, "dritte": 3, "dritten": 3, "vierte": 4, "vierten": 4}
TIMES = {"einmal": 1, "zweimal": 2, "dreimal": 3, "viermal": 4, "fünfmal": 5, "sechsmal": 6}
UNITS = {"woche": "woche", "monat": "monat", "quartal": "quartal", "halbjahr": "halbjahr", "jahr": "jahr"}
ADVERBS = {"wöchentlich": "woche", "monatlich": "monat", "vierteljährlich": "quartal", "quartalsweise": "quartal",
           "halbjährlich": "halbjahr", "jährlich": "jahr"}  # fmt: skip
ONGOING = ("stetig", "laufend", "fortlaufend", "ständig", "kontinuierlich", "dauerhaft", "regelmäßig", "fortwährend")
SOFT = ("zeitnah", "demnächst", "bald", "baldmöglichst", "sofort", "umgehend", "kurzfristig", "schnellstmöglich")


@dataclass(frozen=True)
class OnDate:
    day: date

    def describe(self) -> str:
        return f"am {self.day:%d.%m.%Y}"


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str  # "II. Quartal 2017", "Oktober 2017"

    def describe(self) -> str:
        return self.label


@dataclass(frozen=True)
class Periods:
    periods: tuple[Period, ...]

    def describe(self) -> str:
        return " und ".join(p.label for p in self.periods)


@dataclass(frozen=True)
class Recurring:
    unit: str  # woche | monat | quartal | halbjahr | jahr
    times: int = 1
    at_least: bool = False
    in_total: bool = False

    def describe(self) -> str:
        word = {1: "einmal", 2: "zweimal", 3: "dreimal", 4: "viermal"}.get(self.times, f"{self.times}-mal")
        prefix = "mindestens " if self.at_least else "insgesamt " if self.in_total else ""
        return f"{prefix}{word} pro {self.unit.capitalize()}"


@dataclass(frozen=True)
class Ongoing:
    word: str = "stetig"

    def describe(self) -> str:
        return self.word


@dataclass(frozen=True)
class Soft:
    word: str

    def describe(self) -> str:
        return self.word


@dataclass(frozen=True)
class Unparsed:
    text: str

    def describe(self) -> str:
        return self.text


Timing = OnDate | Period | Periods | Recurring | Ongoing | Soft | Unparsed


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), f"{MONTHS[month - 1].capitalize()} {year}")


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = month_period(year, 3 * quarter).end
    return Period(start, end, f"{'I' * quarter if quarter < 4 else 'IV'}. Quartal {year}")


def half_period(year: int, half: int) -> Period:
    return Period(date(year, 6 * half - 5, 1), month_period(year, 6 * half).end, f"{'I' * half}. Halbjahr {year}")


def _year(text: str, default: int) -> int:
    found = re.search(r"\b(19|20)(\d{2})\b", text)
    return int(found.group(0)) if found else default


def _number(token: str) -> int | None:
    token = token.strip(". ").lower()
    if token.isdigit():
        return int(token)
    return ROMAN.get(token) or ORDINAL_WORDS.get(token)


def _recurring(t: str) -> Recurring | None:
    at_least, in_total = t.startswith("mindestens "), t.startswith("insgesamt ")
    core = re.sub(r"^(mindestens|insgesamt)\s+", "", t)
    if core in ADVERBS:
        return Recurring(ADVERBS[core], 1, at_least, in_total)
    m = re.fullmatch(r"(einmal|zweimal|dreimal|viermal|fünfmal|sechsmal|(\d+)\s*-?\s*mal)\s+(?:pro|im|je|in der|in einem|jede[ns]?|jeden)\s+"
                     r"(woche|monat|quartal|halbjahr|jahr)", core)  # fmt: skip
    if m:
        times = int(m.group(2)) if m.group(2) else TIMES[m.group(1)]
        return Recurring(UNITS[m.group(3)], times, at_least, in_total) if times > 0 else None
    m = re.fullmatch(r"(einmal|zweimal|dreimal|viermal)\s+(wöchentlich|monatlich|vierteljährlich|halbjährlich|jährlich)", core)
    if m:
        return Recurring(ADVERBS[m.group(2)], TIMES[m.group(1)], at_least, in_total)
    return None


def _periods(t: str, default_year: int) -> Timing | None:
    year = _year(t, default_year)
    plain = re.sub(r"\b(19|20)\d{2}\b", "", t).strip()
    m = re.fullmatch(r"((?:[ivx\d]+|erste[n]?|zweite[n]?|dritte[n]?|vierte[n]?)\.?(?:\s*(?:,|und|u\.)\s*(?:[ivx\d]+|erste[n]?|"
                     r"zweite[n]?|dritte[n]?|vierte[n]?)\.?)*)\s+(quartal|halbjahr)", plain)  # fmt: skip
    if m:
        numbers = [_number(n) for n in re.split(r"\s*(?:,|und|u\.)\s*", m.group(1))]
        limit = 4 if m.group(2) == "quartal" else 2
        if not numbers or any(n is None or not 1 <= n <= limit for n in numbers):
            return None
        make = quarter_period if m.group(2) == "quartal" else half_period
        periods = tuple(make(year, n) for n in dict.fromkeys(numbers))
        return periods[0] if len(periods) == 1 else Periods(periods)
    m = re.fullmatch(r"(?:im\s+|ende\s+|bis\s+(?:ende\s+)?)?(" + "|".join(MONTHS) + r")", plain)
    if m:
        return month_period(year, MONTHS.index(m.group(1)) + 1)
    if re.fullmatch(r"(?:im\s+|bis\s+ende\s+)?(?:jahr\s+)?", plain) and re.search(r"\b(19|20)\d{2}\b", t):
        return Period(date(year, 1, 1), date(year, 12, 31), str(year))
    return None


def _on_date(t: str, default_year: int) -> OnDate | None:
    m = re.fullmatch(r"(?:am\s+|bis\s+(?:zum\s+)?)?(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})?", t)
    if m:
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3)) if m.group(3) else default_year
        year = year + 2000 if year < 100 else year
    else:
        m = re.fullmatch(r"(?:am\s+|bis\s+(?:zum\s+)?)?(\d{1,2})\.\s*(" + "|".join(MONTHS) + r")\s*(\d{4})?", t)
        if not m:
            return None
        day, month = int(m.group(1)), MONTHS.index(m.group(2)) + 1
        year = int(m.group(3)) if m.group(3) else default_year
    try:
        return OnDate(date(year, month, day))
    except ValueError:
        return None


def parse_timing(text: str, default_year: int) -> Timing:
    """Classify a "T:" text; anything not recognised is kept verbatim as `Unparsed`. Never raises."""
    t = re.sub(r"\s+", " ", (text or "").strip().lower()).strip(" .;:")
    if not t:
        return Unparsed((text or "").strip())
    if t in ONGOING:
        return Ongoing(t)
    if t in SOFT:
        return Soft(t)
    for parse in (_recurring, lambda x: _periods(x, default_year), lambda x: _on_date(x, default_year)):
        if (found := parse(t)) is not None:
            return found
    return Unparsed(text.strip())


# --- due and overdue ---------------------------------------------------------------------


def unit_period(unit: str, day: date) -> tuple[date, date]:
    """The calendar period of `unit` that contains `day`."""
    if unit == "woche":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if unit == "monat":
        p = month_period(day.year, day.month)
    elif unit == "quartal":
        p = quarter_period(day.year, (day.month - 1) // 3 + 1)
    elif unit == "halbjahr":
        p = half_period(day.year, 1 if day.month <= 6 else 2)
    else:
        p = Period(date(day.year, 1, 1), date(day.year, 12, 31), str(day.year))
    return p.start, p.end


def due_on(timing: Timing | None, today: date) -> date | None:
    """When this is next due: a date, a period's end, the end of the current recurrence period."""
    if isinstance(timing, OnDate):
        return timing.day
    if isinstance(timing, Period):
        return timing.end
    if isinstance(timing, Periods):
        ends = [p.end for p in timing.periods]
        return next((e for e in ends if e >= today), ends[-1])
    if isinstance(timing, Recurring):
        return unit_period(timing.unit, today)[1]
    return None  # ongoing, soft, unparsed or none: no date to hold anyone to
