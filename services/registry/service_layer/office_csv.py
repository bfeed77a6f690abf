"""The documented CSV format of office lists (German headers; comma or semicolon; UTF-8, BOM or not)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from services.registry.domain.errors import InvalidInput

COLUMNS = {
    "kennung": "Kennung",
    "name": "Name",
    "trägerart": "Trägerart",
    "träger": "Träger",
    "straße": "Straße",
    "plz": "PLZ",
    "ort": "Ort",
    "zugang": "Zugang",
    "telefon": "Telefon",
    "e-mail": "E-Mail",
    "web": "Web",
    "sprechzeiten": "Sprechzeiten",
    "beratungsfelder": "Beratungsfelder",
    "sprachen": "Sprachen",
    "kreisverband": "Kreisverband",
    "status": "Status",
    "rdg-anleitung": "RDG-Anleitung",
    "rdg-seit": "RDG-seit",
    "rdg-bestätigt": "RDG-bestätigt",
}
EXPORT_ONLY = {"berater:innen", "rechtliche anleitung"}  # written by the export, not read back
REQUIRED = ("Name", "Trägerart", "Träger", "Straße", "PLZ", "Ort")
LIST_SEPARATOR = re.compile(r"\s*[;,|\n]\s*")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # the export writes such a cell with a leading ' (CSV injection)


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()

    def items(self, column: str) -> list[str]:
        return [v for v in LIST_SEPARATOR.split(self.get(column)) if v]


def read_rows(text: str) -> tuple[list[Row], list[str]]:
    """Rows keyed by canonical column names, with the line each starts on; plus warnings."""
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)

    def records() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        for record in reader:
            yield line, record
            line = reader.line_num + 1

    return _rows(header, records())


def read_table(table: list[list[str]]) -> tuple[list[Row], list[str]]:
    """The same rows from a table of cells (a spreadsheet's sheet): `table[i]` is the sheet's row i + 1."""
    header = [cell.removeprefix("\ufeff") for cell in table[0]] if table else None
    header = header[: max((i + 1 for i, h in enumerate(header) if h.strip()), default=0)] if header else header
    records = ((index + 1, record) for index, record in enumerate(table) if index > 0)
    return _rows(header, records, strict_width=False)


def _rows(
    header: list[str] | None, records: Iterable[tuple[int, list[str]]], strict_width: bool = True
) -> tuple[list[Row], list[str]]:
    if not header or not any(h.strip() for h in header):
        raise InvalidInput("Die Datei ist leer.")
    names = [COLUMNS.get(h.strip().lower(), "") for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        shown = ", ".join(h for h in header if h.strip())
        raise InvalidInput(f"Pflichtspalten fehlen: {', '.join(missing)}. Vorhanden: {shown}.")
    warnings = [
        f"Unbekannte Spalte „{h}“ wird ignoriert."
        for h, n in zip(header, names, strict=True)
        if h.strip() and not n and h.strip().lower() not in EXPORT_ONLY
    ]
    rows = []
    for line, record in records:
        if any(v.strip() for v in record):
            values = {n: _plain(v) for n, v in zip(names, record, strict=False) if n}
            # a CSV line with more fields than the header is an error; a sheet's empty cells right of it are not
            width = len(record) if strict_width else max((i + 1 for i, v in enumerate(record) if v.strip()), default=0)
            if width > len(names):
                values["__zu_viele__"] = str(width)
            rows.append(Row(line, values))
    return rows, warnings


def _plain(cell: str) -> str:
    """Undo the export's guard: `'+49 …` reads back as `+49 …`."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


EXPORT_COLUMNS = [
    "Kennung",
    "Name",
    "Trägerart",
    "Träger",
    "Straße",
    "PLZ",
    "Ort",
    "Zugang",
    "Telefon",
    "E-Mail",
    "Web",
    "Sprechzeiten",
    "Beratungsfelder",
    "Sprachen",
    "Kreisverband",
    "Status",
]
