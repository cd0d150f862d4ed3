"""Tables of figures: one shape for the page, the CSV and the XLSX export.

A view builds a Table once; the template shows it, and the same rows become a
spreadsheet, so what an admin exports is what they saw.
"""

from dataclasses import dataclass, field

from learnhub.core.hours import as_hours
from learnhub.core.tables import csv_for_excel, xlsx_for_excel

# Column kinds: how a value is shown and exported.
TEXT, COUNT, CREDITS, HOURS, PERCENT = "text", "count", "credits", "hours", "percent"
VALUE = "value"  # a figure of any kind, already as it should be exported


@dataclass
class Column:
    label: object  # a lazy_gettext string
    kind: str = COUNT

    @property
    def is_number(self):
        return self.kind != TEXT


@dataclass
class Table:
    name: str  # the export's file name, e.g. "child-unions"
    title: object
    columns: list
    rows: list = field(default_factory=list)  # lists of raw values (Hours, or whole minutes, for HOURS)
    links: list = field(default_factory=list)  # per row: a URL for the first cell, or None
    caption: object = None

    def link(self, index):
        return self.links[index] if index < len(self.links) else None

    def export_rows(self):
        """Header and rows as spreadsheet values: numbers stay numbers, hours in hours."""
        rows = [[str(column.label) for column in self.columns]]
        for row in self.rows:
            rows.append([export_value(column, value) for column, value in zip(self.columns, row, strict=True)])
        return rows

    def csv(self):
        return csv_for_excel(self.export_rows())

    def xlsx(self):
        return xlsx_for_excel(self.export_rows(), title=str(self.title))


def export_value(column, value):
    if value is None:
        return None
    if column.kind == HOURS:
        # Hours as the page shows them (core.hours), so the sheet's sums are the page's totals.
        return as_hours(value).value
    if column.kind == TEXT:
        return str(value)
    return value
