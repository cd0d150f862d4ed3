"""Tables for spreadsheets: CSV that Excel opens correctly and cannot be tricked by."""

import csv
import io
from decimal import Decimal

# A cell starting with one of these is a formula to Excel, WPS and LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell as text that a spreadsheet shows and never runs; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_for_excel(rows):
    """Rows as CSV text with a BOM (so Excel reads UTF-8 Chinese) and formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return "\ufeff" + out.getvalue()


def _xlsx_cell(value):
    from datetime import date, datetime

    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return value  # figures stay numbers, so a spreadsheet can add them up
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    # Control characters are not allowed in the file format; formulas must never run.
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))


def xlsx_for_excel(rows, title="Sheet1"):
    """Rows as an .xlsx workbook (bytes): figures as numbers, text neutralised, first row bold."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)  # streams rows: a large export stays small in memory
    # A sheet title has at most 31 characters and none of []:*?/\
    sheet = workbook.create_sheet(title="".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Sheet1")
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        if number == 0:
            header = [WriteOnlyCell(sheet, value=_xlsx_cell(value)) for value in row]
            for cell in header:
                cell.font = bold
            sheet.append(header)
        else:
            # Plain values are several times faster than cell objects; a neutralised text never
            # starts with "=", so openpyxl stores it as text, never as a formula.
            sheet.append([_xlsx_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
