"""Cells of the CSV and XLSX exports.

A text cell that starts with =, +, -, @ (or a tab or carriage return) is read by Excel
as a formula: a team name like ``=HYPERLINK(...)`` would run when HR opens the file
(CSV/formula injection). `safe_cell` prefixes such text with an apostrophe so it stays
text; numbers, dates and empty cells are left as they are.
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]
