"""What the board's dashboard ("Lage") shows: the period, its tables (the numbers behind each chart) and CSV.

Every figure comes from the services' answers (events: the dashboard, computed with the progress report's
function; registry: offices and the coverage report); here they are only arranged for reading.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from shared.clock import BERLIN, german_date, german_when
from shared.contracts import events as e
from shared.contracts import registry as r

PERIODS = (3, 6, 12)  # months the board can choose
DEFAULT_PERIOD = 6
MONTHS = ("Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez.")
OFFICE_STATUSES = {"aktiv": "aktiv", "pausiert": "pausiert", "geplant": "geplant", "geschlossen": "geschlossen"}
FINDINGS = {
    "kreis_ohne_stelle": "Kreisverbände/Bezirke ohne aktive Beratungsstelle",
    "ohne_rdg_aufsicht": "Beratungsstellen ohne Anleitung nach RDG § 6",
    "ohne_schulung": "Beratungsstellen mit ungeschulten Berater:innen",
    "schulung_veraltet": "Beratungsstellen mit fälliger Auffrischungsschulung",
}


class BadPeriod(ValueError):
    pass


def period_start(months: int, now: datetime) -> datetime:
    """The first day (00:00 Berlin) of the month `months - 1` months before now's: "last 6 months" = this and 5 before."""
    local = now.astimezone(BERLIN)
    index = local.year * 12 + local.month - 1 - (months - 1)
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=BERLIN)


def parse_period(value: str | None) -> int:
    if value is None or value == "":
        return DEFAULT_PERIOD
    if value.strip().isdigit() and int(value) in PERIODS:
        return int(value)
    raise BadPeriod("Bitte wählen Sie als Zeitraum 3, 6 oder 12 Monate.")


def month_label(key: str) -> str:
    """ "2026-03" → "März 2026"."""
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


@dataclass(frozen=True)
class Table:
    """The numbers behind one chart: a caption, column heads, rows (first cell: the row's name)."""

    name: str  # in the CSV's address: /lage/{name}.csv
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]

    def column(self, index: int) -> tuple[int, ...]:
        return tuple(int(row[index]) for row in self.rows)

    @property
    def categories(self) -> list[str]:
        return [str(row[0]) for row in self.rows]


def actions_by_month(d: e.DashboardV1) -> Table:
    return Table(
        "aktionen",
        "Aktionen je Monat (nach dem Monat, in dem sie stattfinden)",
        ("Monat", "Geplant", "Bestätigt", "Durchgeführt"),
        tuple((month_label(m.month), m.actions_planned, m.actions_confirmed, m.actions_done) for m in d.months),
    )


def work_plan(d: e.DashboardV1) -> Table:
    t = d.report.overall
    return Table(
        "arbeitsplan",
        "Arbeitsplan: Punkte bald fällig (14 Tage), überfällig und im Zeitraum erledigt",
        ("Stand", "Anzahl"),
        (("Bald fällig", t.items_due), ("Überfällig", t.items_overdue), ("Erledigt im Zeitraum", t.items_done)),
    )


def groups(d: e.DashboardV1) -> Table:
    return Table(
        "regionalgruppen",
        "Regionalgruppen: Aktionen und Arbeitsplan im Zeitraum",
        (
            "Regionalgruppe",
            "Aktionen geplant",
            "davon bestätigt",
            "Aktionen durchgeführt",
            "Einladungen offen",
            "Arbeitsplan bald fällig",
            "Arbeitsplan überfällig",
            "Arbeitsplan erledigt",
        ),
        tuple(
            (
                g.group_name,
                g.actions_planned,
                g.actions_confirmed,
                g.actions_done,
                g.invitations_open,
                g.items_due,
                g.items_overdue,
                g.items_done,
            )
            for g in d.report.groups
        ),
    )


def group_months(d: e.DashboardV1) -> Table:
    """Per regional group and month: planned, confirmed, done (CSV only; the page shows the state's months)."""
    rows = []
    for g in d.groups:
        rows += [
            (g.group_name, month_label(m.month), m.actions_planned, m.actions_confirmed, m.actions_done, m.items_done)
            for m in g.months
        ]
    return Table(
        "regionalgruppen-monate",
        "Regionalgruppen je Monat",
        ("Regionalgruppe", "Monat", "Geplant", "Bestätigt", "Durchgeführt", "Arbeitsplan erledigt"),
        tuple(rows),
    )


def offices(found: r.Offices, coverage: r.CoverageReport) -> Table:
    counts = {word: 0 for word in OFFICE_STATUSES}
    for office in found.offices:
        counts[office.status] = counts.get(office.status, 0) + 1
    kinds = {kind: 0 for kind in FINDINGS}
    for finding in coverage.findings:
        if finding.kind in kinds:
            kinds[finding.kind] += 1
    rows = [(f"Beratungsstellen {label}", counts.get(word, 0)) for word, label in OFFICE_STATUSES.items()]
    rows += [(label, kinds[kind]) for kind, label in FINDINGS.items()]
    return Table("beratungsstellen", "Beratungsstellen: Stand und Lücken", ("Was", "Anzahl"), tuple(rows))


def office_changes(found: r.OfficeChanges) -> Table:
    """Offices opened (active for the first time) and closed, per month of the period."""
    return Table(
        "eroeffnungen",
        "Beratungsstellen eröffnet und geschlossen je Monat",
        ("Monat", "Eröffnet", "Geschlossen"),
        tuple((month_label(m.month), m.opened, m.closed) for m in found.months),
    )


def gaps(coverage: r.CoverageReport) -> list[tuple[str, list[r.CoverageFinding]]]:
    """The coverage report's findings the board should see, by kind, each with its title."""
    return [(label, [f for f in coverage.findings if f.kind == kind]) for kind, label in FINDINGS.items()]


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark (Excel then reads the umlauts), `;` between fields (German Excel's
    default), CRLF line ends; the first line holds the German column heads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.head)
    writer.writerows([_safe(cell) for cell in row] for row in table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # as the registry's export: a leading ' (CSV injection)


def _safe(cell: str | int) -> str | int:
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell


def day_text(value: datetime | date | None) -> str:
    """`1. Dezember 2026` (a moment: its day in Berlin)."""
    return german_date(value)


def moment_text(value: datetime | None) -> str:
    """`Dienstag, 1. Dezember 2026, 9:00 Uhr` in Berlin time."""
    return german_when(value) or "Termin noch offen"


# --- surveys and qualifications (issue 17) ---------------------------------------------------------------------

CAMPAIGN_STATUSES = {"geplant": "geplant", "laufend": "läuft", "beendet": "beendet"}


def rate_text(answered: int, recipients: int) -> str:
    """ "12 von 40 (30 %)", rounded down as the progress report does."""
    return f"{answered} von {recipients} ({answered * 100 // recipients if recipients else 0} %)"


def campaigns(found: r.Campaigns | None, since: date) -> list[r.CampaignSnapshot] | None:
    """Running campaigns and those ended within the period (None: the registry did not answer)."""
    if found is None:
        return None
    return [c for c in found.campaigns if c.status == "laufend" or (c.status == "beendet" and c.ends_on >= since)]


def offices_at_risk(found: r.Qualifications | None) -> list[r.CoverageFinding] | None:
    """Offices whose last valid qualification ends soon or has ended (None: the registry did not answer)."""
    return None if found is None else list(found.offices_at_risk)
