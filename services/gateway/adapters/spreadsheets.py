"""Excel files (.xlsx, with openpyxl): reading an uploaded sheet as a table of text cells, and writing a table.

Cells are read as people see them: a date as "TT.MM.JJJJ", a whole number without ".0", a postcode that Excel
stored as the number 8056 as "08056" (Excel drops the leading zero of Saxon postcodes)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 20_000
MAX_COLUMNS = 60
POSTCODE_HEADERS = {"plz", "postleitzahl"}
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnreadableSheet(ValueError):
    """The file is no readable Excel workbook, or it is too large; the message is German."""


def is_xlsx(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")  # an .xlsx is a ZIP archive


def read_sheet(data: bytes) -> list[list[str]]:
    """The first sheet's rows from row 1, each a list of text cells; row i of the sheet is `table[i - 1]`."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableSheet(
            "Die Datei lässt sich nicht als Excel-Tabelle (.xlsx) lesen. Bitte in Excel oder LibreOffice "
            "„Speichern unter … Excel-Arbeitsmappe (.xlsx)“ oder „CSV (Trennzeichen-getrennt)“ wählen."
        ) from exc
    try:
        if not workbook.worksheets:
            raise UnreadableSheet("Die Excel-Datei enthält kein Tabellenblatt.")
        sheet = workbook.worksheets[0]
        table: list[list[str]] = []
        postcode_columns: set[int] = set()
        for index, row in enumerate(sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)):
            if index >= MAX_ROWS + 1:
                raise UnreadableSheet(f"Die Tabelle hat mehr als {MAX_ROWS:,} Zeilen; bitte in Teilen einlesen.")
            cells = [_text(value, i in postcode_columns) for i, value in enumerate(row)]
            while cells and not cells[-1].strip():
                cells.pop()
            if index == 0:
                postcode_columns = {i for i, cell in enumerate(cells) if cell.strip().lower() in POSTCODE_HEADERS}
            table.append(cells)
    finally:
        workbook.close()
    while table and not any(cell.strip() for cell in table[-1]):
        table.pop()
    return table


def _text(value: object, postcode: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y}" if value.time() == time(0) else f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and postcode:
        return f"{value:05d}"
    return str(value)


def write_sheet(title: str, head: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """An .xlsx with one sheet: a bold header row, then `rows`. Text starting with "=" stays text, never a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])

    def cell(value: object) -> WriteOnlyCell:
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            made.data_type = "s"
        return made

    header = []
    for text in head:
        made = cell(text)
        made.font = Font(bold=True)
        header.append(made)
    sheet.append(header)
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
