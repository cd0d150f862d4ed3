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
