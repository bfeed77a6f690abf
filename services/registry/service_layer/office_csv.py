"""The documented CSV format of office lists (German headers; comma or semicolon; UTF-8, BOM or not)."""

from __future__ import annotations

import csv
import io
import re
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
    if not header:
        raise InvalidInput("Die Datei ist leer.")
    names = [COLUMNS.get(h.strip().lower(), "") for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InvalidInput(f"Pflichtspalten fehlen: {', '.join(missing)}. Vorhanden: {', '.join(header)}.")
    warnings = [
        f"Unbekannte Spalte „{h}“ wird ignoriert."
        for h, n in zip(header, names, strict=True)
        if not n and h.strip().lower() not in EXPORT_ONLY
    ]
    rows, line = [], reader.line_num + 1
    for record in reader:
        if any(v.strip() for v in record):
            values = {n: _plain(v) for n, v in zip(names, record, strict=False) if n}
            if len(record) > len(names):
                values["__zu_viele__"] = str(len(record))
            rows.append(Row(line, values))
        line = reader.line_num + 1
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
